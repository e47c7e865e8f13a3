//! Print views of the provincial forms, A4 landscape: Mẫu số 02 (agencies),
//! 03 (officials) and 05 (communes, with their proposals), at
//! `/in/mau-02?nam=2025&quy=4&don-vi=H45`, laid out like the forms: issuer
//! and national motto, form number, title, unit and period, the table, and
//! the signature block. The figures are the report's, as the server made it.

use crate::i18n::*;
use crate::lang::date_vn;
use crate::session::CurrentSession;
use crate::staff::components::grades;
use crate::staff::components::period::{PeriodChoice, period_label};
use crate::staff::pages::reports::{fetch_report, keep_report, provisional};
use danhgia_core::wire::Report;
use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::use_params_map;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Form {
    Mau02,
    Mau03,
    Mau05,
}

impl Form {
    fn parse(s: &str) -> Option<Form> {
        match s {
            "mau-02" => Some(Form::Mau02),
            "mau-03" => Some(Form::Mau03),
            "mau-05" => Some(Form::Mau05),
            _ => None,
        }
    }
}

const PER_AGENCY: [u8; 4] = [5, 6, 8, 9];

#[component]
pub fn PrintForm() -> impl IntoView {
    let i18n = use_i18n();
    let session = expect_context::<CurrentSession>();
    let params = use_params_map();
    let choice = PeriodChoice::from_query();
    let form = move || params.with(|p| p.get("form")).and_then(|f| Form::parse(&f));
    let report = LocalResource::new(move || {
        let (bearer, period, unit) = (session.token_untracked(), choice.period_untracked(), choice.unit_untracked());
        async move {
            match (bearer, period) {
                (Some(bearer), Some(period)) => {
                    let fetched = fetch_report(&bearer, period, unit.as_deref()).await.ok();
                    if let Some((report, None)) = &fetched {
                        keep_report(report);
                    }
                    fetched
                }
                _ => None,
            }
        }
    });
    let body = move || {
        match (form(), report.get()) {
        (None, _) => view! { <p class="error" role="alert">{t!(i18n, forms.unknown)}</p> }.into_any(),
        (Some(_), None) => view! { <p class="hint" role="status">{t!(i18n, report.loading)}</p> }.into_any(),
        (Some(_), Some(None)) => view! { <p class="error" role="alert">{t!(i18n, report.failed)}</p> }.into_any(),
        (Some(form), Some(Some((report, offline_since)))) => view! {
            {offline_since.map(|t| view! {
                <p class="notice no-print" role="status">{move || t_string!(i18n, report.cached, time = crate::browser::local_time(t))}</p>
            })}
            {sheet(i18n, form, report)}
        }
        .into_any(),
    }
    };
    view! {
        <div class="print-bar no-print">
            <button class="btn" type="button" on:click=move |_| { let _ = window().print(); }>{t!(i18n, forms.print)}</button>
            <A href=move || format!("/bao-cao{}", choice.query()) attr:class="btn secondary">{t!(i18n, quarter.back_to_report)}</A>
            <span class="hint">{t!(i18n, forms.paper)}</span>
        </div>
        {body}
    }
}

/// The head, title, table and signatures of one form.
fn sheet(i18n: I18n, form: Form, report: Report) -> impl IntoView {
    let period = report.period;
    let (unit, from, to) = (report.unit_name.clone(), date_vn(&report.from), date_vn(&report.to));
    let notice = StoredValue::new(report.clone());
    let (number, title) = match form {
        Form::Mau02 => ("02", t_string!(i18n, forms.mau02_title)),
        Form::Mau03 => ("03", t_string!(i18n, forms.mau03_title)),
        Form::Mau05 => ("05", t_string!(i18n, forms.mau05_title)),
    };
    let table = match form {
        Form::Mau02 => mau02(i18n, &report).into_any(),
        Form::Mau03 => mau03(i18n, &report).into_any(),
        Form::Mau05 => mau05(i18n, &report).into_any(),
    };
    let proportional = report.proportional_totals && form != Form::Mau03;
    view! {
        // Focusable: on a narrow screen the form scrolls sideways.
        <article class="form-print" data-form=format!("mau-{number}") tabindex="0">
            <header class="form-head">
                <div class="issuer">
                    <strong>{unit.clone()}</strong>
                    <span class="rule"></span>
                </div>
                <div class="nation">
                    <strong>{t!(i18n, forms.nation)}</strong>
                    <strong class="motto">{t!(i18n, forms.motto)}</strong>
                    <span class="rule"></span>
                </div>
            </header>
            <p class="form-no">{move || t_string!(i18n, forms.number, n = number)}</p>
            <h1 class="form-title">{title}</h1>
            <p class="form-period">
                {move || t_string!(i18n, forms.period, period = period_label(i18n, &period), from = from.clone(), to = to.clone())}
            </p>
            {move || notice.with_value(|r| provisional(i18n, r)).map(|text| view! { <p class="form-provisional">{text}</p> })}
            <p class="form-unit">{move || t_string!(i18n, forms.unit, unit = unit.clone())}</p>
            {table}
            <div class="form-notes">
                {(form != Form::Mau03).then(|| view! { <p>{t!(i18n, report.legend)}</p> })}
                {proportional.then(|| view! { <p>{t!(i18n, report.proportional)}</p> })}
            </div>
            <footer class="signatures">
                <div>
                    <strong>{t!(i18n, forms.preparer)}</strong>
                    <em>{t!(i18n, forms.sign_name)}</em>
                </div>
                <div>
                    <em class="place-date">{t!(i18n, forms.place_date)}</em>
                    <strong>{t!(i18n, forms.head)}</strong>
                    <em>{t!(i18n, forms.sign_seal)}</em>
                </div>
            </footer>
        </article>
    }
}

fn points_of(v: Option<f64>) -> String {
    v.map(|x| format!("{x:.2}")).unwrap_or_default()
}

fn mau02(i18n: I18n, report: &Report) -> impl IntoView + use<> {
    let rows = report
        .agencies
        .iter()
        .enumerate()
        .map(|(i, a)| {
            let channel = |c: &str| a.channels.get(c).copied().unwrap_or(0);
            let cells = (1..=9u8)
                .map(|n| {
                    if PER_AGENCY.contains(&n) {
                        let pair = a.entries.get(&n);
                        view! {
                            <td>{points_of(pair.and_then(|p| p.self_assessed))}</td>
                            <td>{points_of(pair.and_then(|p| p.verified))}</td>
                        }
                        .into_any()
                    } else {
                        view! { <td>{points_of(a.indicators.get(&n).copied().flatten())}</td> }.into_any()
                    }
                })
                .collect_view();
            let reasons = a.reasons.iter().map(|(n, r)| (*n, r.clone())).collect::<Vec<_>>();
            let (bands, row) = (report.bands.clone(), a.clone());
            let grade = move || grades::grade(i18n, &bands, &row);
            view! {
                <tr data-agency=a.agency_id.clone()>
                    <td>{i + 1}</td>
                    <td class="name">{a.name.clone()}</td>
                    <td>{a.dossiers}</td>
                    <td>{a.rated}</td>
                    <td>{channel("online")}</td>
                    <td>{channel("paper")}</td>
                    <td>{channel("kiosk")}</td>
                    {cells}
                    <td class="total">{grades::total(a)}</td>
                    <td>{grade}</td>
                    <td>{grades::rank(a.rank)}</td>
                    <td class="name">
                        {move || reasons.iter().map(|(n, r)| t_string!(i18n, report.reason_of, n = n, reason = r.trim_end_matches('.'))).collect::<Vec<_>>().join("; ")}
                    </td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <table class="form-table mau-02">
            <thead>
                <tr>
                    <th rowspan="2">{t!(i18n, forms.no)}</th>
                    <th rowspan="2">{t!(i18n, forms.agency)}</th>
                    <th rowspan="2">{t!(i18n, report.dossiers)}</th>
                    <th rowspan="2">{t!(i18n, report.rated)}</th>
                    <th colspan="3">{t!(i18n, forms.by_channel)}</th>
                    {(1..=9u8).map(|n| if PER_AGENCY.contains(&n) {
                        view! { <th colspan="2">{move || t_string!(i18n, forms.indicator, n = n)}</th> }.into_any()
                    } else {
                        view! { <th rowspan="2">{move || t_string!(i18n, forms.indicator, n = n)}</th> }.into_any()
                    }).collect_view()}
                    <th rowspan="2">{t!(i18n, report.total18)}</th>
                    <th rowspan="2">{t!(i18n, report.band)}</th>
                    <th rowspan="2">{t!(i18n, report.rank)}</th>
                    <th rowspan="2">{t!(i18n, forms.reasons)}</th>
                </tr>
                <tr>
                    <th>{t!(i18n, report.ch_online)}</th>
                    <th>{t!(i18n, report.ch_paper)}</th>
                    <th>{t!(i18n, report.ch_kiosk)}</th>
                    {PER_AGENCY.map(|_| view! {
                        <th>{t!(i18n, forms.self_short)}</th>
                        <th>{t!(i18n, forms.verified_short)}</th>
                    }).collect_view()}
                </tr>
            </thead>
            <tbody>{rows}</tbody>
        </table>
    }
}

fn mau03(i18n: I18n, report: &Report) -> impl IntoView + use<> {
    let rows = report
        .officials
        .iter()
        .enumerate()
        .map(|(i, o)| {
            view! {
                <tr>
                    <td>{i + 1}</td>
                    <td class="name">{o.name.clone()}</td>
                    <td class="name">{o.agency.clone()}</td>
                    <td>{o.dossiers}</td>
                    <td>{o.rated}</td>
                    {[1u8, 2, 3, 4, 7].map(|n| view! { <td>{points_of(o.averages.get(&n).copied())}</td> }).collect_view()}
                    <td class="total">{grades::official_total(o)}</td>
                    <td>{grades::rate(o.satisfaction_rate)}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <table class="form-table mau-03">
            <thead>
                <tr>
                    <th>{t!(i18n, forms.no)}</th>
                    <th>{t!(i18n, forms.official)}</th>
                    <th>{t!(i18n, forms.agency)}</th>
                    <th>{t!(i18n, report.dossiers)}</th>
                    <th>{t!(i18n, report.rated)}</th>
                    {[1u8, 2, 3, 4, 7].map(|n| view! { <th>{move || t_string!(i18n, forms.indicator, n = n)}</th> }).collect_view()}
                    <th>{t!(i18n, report.total10)}</th>
                    <th>{t!(i18n, report.rate)}</th>
                </tr>
            </thead>
            <tbody>{rows}</tbody>
        </table>
    }
}

fn mau05(i18n: I18n, report: &Report) -> impl IntoView + use<> {
    view! {
        <table class="form-table mau-05">
            {grades::commune_head(i18n)}
            <tbody>{grades::commune_rows(i18n, report)}</tbody>
        </table>
    }
}
