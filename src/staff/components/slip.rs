//! One printed evaluation slip. Its questions come from the same definition
//! as the online form and the transcription screen (`form_for`), in the same
//! order, so the paper and the screens cannot drift apart.

use crate::i18n::*;
use crate::lang::{core_lang, date_vn};
use crate::rules;
use danhgia_core::rating::form_for;
use danhgia_core::wire::SlipData;
use leptos::prelude::*;

#[component]
pub fn Slip(slip: SlipData) -> impl IntoView {
    let i18n = use_i18n();
    let rules = rules::book().and_then(|b| b.by_version(&slip.dossier.ruleset_version));
    let form = match (rules, slip.dossier.dates()) {
        (Some(r), Some(d)) => form_for(r, &d),
        _ => Vec::new(),
    };
    let site = window().location().origin().unwrap_or_default();
    let d = slip.dossier.clone();
    let questions = move || {
        let lang = core_lang(i18n.get_locale());
        form.iter()
            .enumerate()
            .map(|(n, q)| {
                let label = format!("{}. {}", n + 1, q.question.label.get(lang));
                match q.derived {
                    Some(key) => {
                        let chosen = q.question.choices.iter().find(|(k, _)| *k == key).map(|(_, t)| t.get(lang).to_owned());
                        view! {
                            <li class="q derived">
                                <span class="q-label">{label}</span>
                                <span class="q-derived">"(" {t!(i18n, slip.derived)} ": " {chosen} ")"</span>
                            </li>
                        }
                        .into_any()
                    }
                    None => view! {
                        <li class="q">
                            <span class="q-label">{label}</span>
                            <span class="boxes">
                                {q.question.choices.iter().map(|(_, t)| view! { <span class="box">"☐ " {t.get(lang).to_owned()}</span> }).collect_view()}
                            </span>
                        </li>
                    }
                    .into_any(),
                }
            })
            .collect_view()
    };
    view! {
        <article class="slip-page" data-code=d.code.clone()>
            <header class="slip-head">
                <div class="issuer">
                    <strong>{d.agency.clone()}</strong>
                    <span>{t!(i18n, slip.office)}</span>
                </div>
                <div class="slip-title">
                    <strong>{t!(i18n, slip.title)}</strong>
                    <span>{t!(i18n, slip.subtitle)}</span>
                </div>
            </header>
            <section class="slip-facts">
                <dl>
                    <dt>{t!(i18n, slip.code)}</dt>
                    <dd class="dossier-code">{d.code.clone()}</dd>
                    <dt>{t!(i18n, slip.check)}</dt>
                    <dd class="check-code">{slip.check_code.clone()}</dd>
                    <dt>{t!(i18n, slip.procedure)}</dt>
                    <dd class="procedure">{d.procedure.clone()}</dd>
                    <dt>{t!(i18n, slip.received)}</dt>
                    <dd>{date_vn(&d.received_on)}</dd>
                    <dt>{t!(i18n, slip.appointed)}</dt>
                    <dd>{date_vn(&d.appointed_on)}</dd>
                    <dt>{t!(i18n, slip.returned)}</dt>
                    <dd>{d.returned_on.as_deref().map(date_vn)}</dd>
                </dl>
                // Both SVGs are made by our server from the dossier's code: not user markup.
                <div
                    class="slip-qr"
                    role="img"
                    aria-label={
                        let code = d.code.clone();
                        move || t_string!(i18n, slip.qr_alt, code = code.clone())
                    }
                    inner_html=slip.qr_svg.clone()
                ></div>
            </section>
            <p class="slip-scan">{t!(i18n, slip.scan, site = site.clone())}</p>
            <p class="slip-tick">{t!(i18n, slip.tick)}</p>
            <ol class="slip-questions">{questions}</ol>
            <p class="slip-comment">{t!(i18n, slip.comment)}</p>
            <div
                class="slip-barcode"
                role="img"
                aria-label={
                    let code = d.code.clone();
                    move || t_string!(i18n, slip.barcode_alt, code = code.clone())
                }
                inner_html=slip.barcode_svg.clone()
            ></div>
            <p class="slip-barcode-text">{d.code.clone()}</p>
        </article>
    }
}
