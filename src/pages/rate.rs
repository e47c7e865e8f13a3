//! `/r/{code}?t={token}`: one dossier's rating form, or what became of the
//! rating already given. Works offline for a dossier seen before.

use crate::api::{self, ApiErr, Credential};
use crate::components::answer_list::AnswerList;
use crate::components::dossier_summary::DossierSummary;
use crate::components::question_form::QuestionForm;
use crate::components::receipt::Receipt;
use crate::i18n::*;
use crate::lang::date_vn;
use crate::rules;
use crate::store::{self, outbox};
use crate::sync::Sync;
use danhgia_core::rating::{Channel, DossierDates, Draft, FormQuestion, NewRecord, form_for};
use danhgia_core::wire::DossierPublic;
use danhgia_core::{CitizenToken, DossierCode, RuleSet};
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::components::A;
use leptos_router::hooks::{use_params_map, use_query_map};

#[derive(Debug, Clone, PartialEq)]
enum Loaded {
    Loading,
    Ready { dossier: Box<DossierPublic>, from_cache: bool },
    Failed(Failure),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Failure {
    BadLink,
    NotFound,
    Offline,
    ServerDown,
}

type Link = Option<(DossierCode, CitizenToken)>;

/// Shows the cached dossier at once (if this link was seen), then what the
/// server says; offline, the cache is the answer.
async fn load(link: Link, loaded: RwSignal<Loaded>) {
    let Some((code, token)) = link else {
        loaded.set(Loaded::Failed(Failure::BadLink));
        return;
    };
    let cached = store::dossiers::get(code.as_str()).await.ok().flatten().filter(|c| c.dossier.token == token.as_str());
    if let Some(c) = &cached {
        loaded.set(Loaded::Ready { dossier: Box::new(c.dossier.clone()), from_cache: true });
    }
    let outcome = match api::dossier(code.as_str(), Credential::Token(token.as_str())).await {
        Ok(dossier) if dossier.code == code.as_str() => {
            let _ = store::dossiers::put(&dossier).await;
            Loaded::Ready { dossier: Box::new(dossier), from_cache: false }
        }
        Ok(_) | Err(ApiErr::Refused { .. }) => Loaded::Failed(Failure::NotFound),
        Err(e) => match cached {
            Some(c) => Loaded::Ready { dossier: Box::new(c.dossier), from_cache: true },
            None if e == ApiErr::Network => Loaded::Failed(Failure::Offline),
            None => Loaded::Failed(Failure::ServerDown),
        },
    };
    loaded.set(outcome);
}

fn new_uuid() -> String {
    window().crypto().map(|c| c.random_uuid()).unwrap_or_default()
}

#[component]
pub fn Rate() -> impl IntoView {
    let i18n = use_i18n();
    let params = use_params_map();
    let query = use_query_map();
    let sync = expect_context::<Sync>();
    let changed = sync.changed;
    let link = Memo::new(move |_| {
        let code = DossierCode::parse(&params.read().get("code").unwrap_or_default()).ok()?;
        let token = CitizenToken::parse(&query.read().get("t").unwrap_or_default()).ok()?;
        Some((code, token))
    });
    let loaded = RwSignal::new(Loaded::Loading);
    let retry = RwSignal::new(0u32);
    let local = RwSignal::new(None::<outbox::OutboxEntry>);
    let save_failed = RwSignal::new(false);

    Effect::new(move |_| {
        retry.track();
        let link = link.get();
        spawn_local(load(link, loaded));
    });
    // The rating made on this device, refreshed whenever the outbox changes.
    Effect::new(move |_| {
        changed.track();
        if let Some((code, _)) = link.get() {
            spawn_local(async move {
                if let Ok(entry) = outbox::latest_for(code.as_str()).await {
                    local.set(entry);
                }
            });
        }
    });

    let submit = move |rules: &'static RuleSet, dates: DossierDates, draft: Draft| {
        let Some((code, token)) = link.get_untracked() else {
            return;
        };
        let record = draft.into_record(NewRecord {
            id: new_uuid(),
            code: &code,
            citizen_token: Some(token.as_str().to_owned()),
            channel: Channel::Online,
            rules,
            dates: &dates,
            client_time: String::from(js_sys::Date::new_0().to_iso_string()),
        });
        let entry = outbox::OutboxEntry::new(record);
        spawn_local(async move {
            // Stored first: from here on, nothing is lost, online or not.
            match outbox::put(std::slice::from_ref(&entry)).await {
                Ok(()) => {
                    save_failed.set(false);
                    local.set(Some(entry));
                    changed.notify();
                    sync.send_soon();
                }
                Err(e) => {
                    leptos::logging::error!("{e}");
                    save_failed.set(true);
                }
            }
        });
    };

    let body = move || match loaded.get() {
        Loaded::Loading => view! { <p class="hint" role="status">{t!(i18n, rate.loading)}</p> }.into_any(),
        Loaded::Failed(failure) => {
            let text = match failure {
                Failure::BadLink => t!(i18n, rate.bad_link).into_any(),
                Failure::NotFound => t!(i18n, rate.not_found).into_any(),
                Failure::Offline => t!(i18n, rate.offline_unknown).into_any(),
                Failure::ServerDown => t!(i18n, rate.server_down).into_any(),
            };
            let can_retry = matches!(failure, Failure::Offline | Failure::ServerDown);
            view! {
                <p class="error" role="alert">{text}</p>
                <Show when=move || can_retry>
                    <button class="btn" type="button" on:click=move |_| retry.update(|n| *n += 1)>
                        {t!(i18n, rate.retry)}
                    </button>
                </Show>
                <A href="/danh-gia" attr:class="btn secondary">{t!(i18n, rate.back)}</A>
            }
            .into_any()
        }
        Loaded::Ready { dossier, from_cache } => {
            let dossier = *dossier;
            let rules = rules::book().by_version(&dossier.ruleset_version);
            let (Some(rules), Some(dates)) = (rules, dossier.dates()) else {
                return view! { <p class="error" role="alert">{t!(i18n, rate.unknown_rules)}</p> }.into_any();
            };
            let form: Vec<FormQuestion<'static>> = form_for(rules, &dates);
            let given = dossier.rating.clone();
            let main = {
                let form = form.clone();
                move || match (local.get(), given.clone()) {
                    (Some(entry), _) => view! { <Receipt entry=entry form=form.clone() /> }.into_any(),
                    (None, Some(rating)) => {
                        let date = date_vn(rating.received_at.get(..10).unwrap_or_default());
                        view! {
                            <section class="receipt sent" data-state="rated">
                                <h2 role="status">{move || t_string!(i18n, rate.already_rated, date = date.clone())}</h2>
                                <AnswerList form=form.clone() answers=rating.answers.clone() />
                            </section>
                        }
                        .into_any()
                    }
                    (None, None) => view! {
                        <QuestionForm form=form.clone() on_submit=move |draft| submit(rules, dates, draft) />
                        <Show when=move || save_failed.get()>
                            <p class="error" role="alert">{t!(i18n, rate.save_failed)}</p>
                        </Show>
                    }
                    .into_any(),
                }
            };
            view! {
                <Show when=move || from_cache>
                    <p class="notice" role="status">{t!(i18n, rate.from_cache)}</p>
                </Show>
                <DossierSummary dossier=dossier />
                {main}
            }
            .into_any()
        }
    };

    view! {
        <h1>{t!(i18n, rate.title)}</h1>
        {body}
    }
}
