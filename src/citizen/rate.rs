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
use danhgia_core::rating::{Channel, DossierDates, Draft, FormQuestion, NewRecord, RatingRecord, form_for};
use danhgia_core::wire::DossierPublic;
use danhgia_core::{CitizenToken, DossierCode, RuleSet};
use leptos::either::{Either, EitherOf3};
use leptos::prelude::*;
use leptos::task::spawn_local;

/// What the page says instead of the form (or while it is not there yet).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Failure {
    Loading,
    BadLink,
    NotFound,
    Offline,
    ServerDown,
    /// This build does not know the dossier's rule set.
    UnknownRules,
}

type Link = Option<(DossierCode, CitizenToken)>;

/// The link's dossier code and token, from the path segment and `?t=`.
fn parse_link(code: &str) -> Link {
    let code = js_sys::decode_uri_component(code).ok()?.as_string()?;
    let search = window().location().search().ok()?;
    let token = web_sys::UrlSearchParams::new_with_str(&search).ok()?.get("t")?;
    Some((DossierCode::parse(&code).ok()?, CitizenToken::parse(&token).ok()?))
}

/// What the server says about the dossier (`Err` when it could not be asked
/// or refused); a good answer is kept on the device for offline visits.
async fn fetch(link: Link) -> Result<DossierPublic, Failure> {
    let (code, token) = link.ok_or(Failure::BadLink)?;
    match api::dossier(code.as_str(), Credential::Token(token.as_str())).await {
        Ok(dossier) if dossier.code == code.as_str() => {
            let _ = store::dossiers::put(&dossier).await;
            Ok(dossier)
        }
        Ok(_) | Err(ApiErr::Refused { .. }) => Err(Failure::NotFound),
        Err(ApiErr::Network) => Err(Failure::Offline),
        Err(_) => Err(Failure::ServerDown),
    }
}

/// The dossier as this device last saw it under this link.
async fn cached(link: Link) -> Option<DossierPublic> {
    let (code, token) = link?;
    let cached = store::dossiers::get(code.as_str()).await.ok().flatten()?;
    (cached.dossier.token == token.as_str()).then_some(cached.dossier)
}

#[component]
pub fn Rate(
    /// The dossier code as it stands in the path (percent-encoded).
    code: String,
) -> impl IntoView {
    let i18n = use_i18n();
    let sync = expect_context::<Sync>();
    let changed = sync.changed;
    let link = parse_link(&code);
    let link_code = link.as_ref().map(|(c, _)| c.as_str().to_owned());
    // Asked at once, side by side: the device's copy shows while the server
    // is asked, and is the answer offline. (Signals filled by tasks, not
    // `LocalResource`s: see `shell::latest` and the outbox badge for why.)
    let server = RwSignal::new(None::<Result<DossierPublic, Failure>>);
    let local_copy = RwSignal::new(None::<Option<DossierPublic>>);
    let asking = crate::shell::Latest::default();
    let ask_server = {
        let link = link.clone();
        move || {
            let (link, ticket) = (link.clone(), asking.next());
            spawn_local(async move {
                let answer = fetch(link).await;
                // A newer question was asked meanwhile: its answer wins.
                if asking.is_current(ticket) {
                    server.set(Some(answer));
                }
            });
        }
    };
    ask_server();
    // The rule sets are parsed in a task of their own while the server is
    // asked, not in the one that draws the form (a long task on a slow phone).
    set_timeout(
        || {
            let _ = rules::book();
        },
        std::time::Duration::ZERO,
    );
    {
        let link = link.clone();
        spawn_local(async move { local_copy.set(Some(cached(link).await)) });
    }
    // The rating made on this device, refreshed whenever the outbox changes.
    let local = RwSignal::new(None::<outbox::OutboxEntry>);
    let reading = crate::shell::Latest::default();
    Effect::new(move |_| {
        changed.track();
        let (code, ticket) = (link_code.clone(), reading.next());
        spawn_local(async move {
            let entry = match code {
                Some(code) => outbox::latest_for(&code).await.ok().flatten(),
                None => None,
            };
            if reading.is_current(ticket) {
                local.set(entry);
            }
        });
    });
    // Back online: ask the server again, so the page no longer says it is offline.
    let online = {
        let ask_server = ask_server.clone();
        window_event_listener(leptos::ev::online, move |_| {
            if matches!(server.get_untracked(), Some(Err(Failure::Offline | Failure::ServerDown))) {
                ask_server();
            }
        })
    };
    on_cleanup(move || online.remove());
    let retry = StoredValue::new_local(ask_server);
    let retry = move || retry.with_value(|f| f());

    // Stored first: from here on, nothing is lost, online or not.
    let save_failed = RwSignal::new(false);
    let save = move |record: RatingRecord| {
        spawn_local(async move {
            match outbox::add(record, None).await {
                Ok(_) => {
                    save_failed.set(false);
                    sync.send_soon();
                }
                Err(e) => {
                    leptos::logging::error!("{e}");
                    save_failed.set(true);
                }
            }
        });
    };

    let submit = {
        let link = link.clone();
        move |rules: &'static RuleSet, dates: DossierDates, draft: Draft| {
            let Some((code, token)) = link.clone() else { return };
            let Some(id) = crate::id::new_uuid() else {
                leptos::logging::error!("no random source for a record id");
                return;
            };
            let record = draft.into_record(NewRecord {
                id,
                code: &code,
                citizen_token: Some(token.as_str().to_owned()),
                channel: Channel::Online,
                rules,
                dates: &dates,
                client_time: String::from(js_sys::Date::new_0().to_iso_string()),
            });
            save(record);
        }
    };

    // `Either`s and `Option`s, not `into_any()` or `<Show>` (whose children
    // are an `AnyView`): each `AnyView` carries its own copy of the rendering
    // machinery, and this is the citizens' download.
    let body = move || {
        let (dossier, from_cache) = match (server.get(), local_copy.get()) {
            (Some(Ok(d)), _) => (d, false),
            (Some(Err(failure @ (Failure::BadLink | Failure::NotFound))), _) => {
                return Either::Left(failure_view(i18n, failure, retry));
            }
            (_, Some(Some(copy))) => (copy, true),
            (Some(Err(failure)), Some(None)) => return Either::Left(failure_view(i18n, failure, retry)),
            _ => return Either::Left(failure_view(i18n, Failure::Loading, retry)),
        };
        let submit = submit.clone();
        let rules = rules::book().and_then(|b| b.by_version(&dossier.ruleset_version));
        let (Some(rules), Some(dates)) = (rules, dossier.dates()) else {
            return Either::Left(failure_view(i18n, Failure::UnknownRules, retry));
        };
        let form: Vec<FormQuestion<'static>> = form_for(rules, &dates);
        let given = dossier.rating.clone();
        let main = {
            let form = form.clone();
            move || match (local.get(), given.clone()) {
                (Some(entry), _) => EitherOf3::A(view! { <Receipt entry=entry form=form.clone() /> }),
                (None, Some(rating)) => {
                    let date = date_vn(rating.received_at.get(..10).unwrap_or_default());
                    EitherOf3::B(view! {
                        <section class="receipt sent" data-state="rated">
                            <h2 role="status">{t!(i18n, rate.already_rated, date = date.clone())}</h2>
                            <AnswerList form=form.clone() answers=rating.answers.clone() />
                        </section>
                    })
                }
                (None, None) => {
                    let submit = submit.clone();
                    EitherOf3::C(view! {
                        <QuestionForm form=form.clone() on_submit=move |draft| submit(rules, dates, draft) />
                        {move || save_failed.get().then(|| view! { <p class="error" role="alert">{t!(i18n, rate.save_failed)}</p> })}
                    })
                }
            }
        };
        // "Offline" only while the server has not answered and nothing was
        // delivered meanwhile (a receipt saying "sent" proves the connection).
        let offline_notice = move || from_cache && !local.get().is_some_and(|e| e.state != outbox::EntryState::Pending);
        Either::Right(view! {
            {move || offline_notice().then(|| view! { <p class="notice" role="status">{t!(i18n, rate.from_cache)}</p> })}
            <DossierSummary dossier=dossier />
            {main}
        })
    };

    view! {
        <h1>{t!(i18n, rate.title)}</h1>
        {body}
    }
}

fn failure_view(
    i18n: I18n,
    failure: Failure,
    retry: impl Fn() + Copy + Send + std::marker::Sync + 'static,
) -> impl IntoView {
    let text = Signal::derive(move || match failure {
        Failure::Loading => t_string!(i18n, rate.loading),
        Failure::BadLink => t_string!(i18n, rate.bad_link),
        Failure::NotFound => t_string!(i18n, rate.not_found),
        Failure::Offline => t_string!(i18n, rate.offline_unknown),
        Failure::ServerDown => t_string!(i18n, rate.server_down),
        Failure::UnknownRules => t_string!(i18n, rate.unknown_rules),
    });
    let loading = failure == Failure::Loading;
    let (class, role) = if loading { ("hint", "status") } else { ("error", "alert") };
    let can_retry = matches!(failure, Failure::Offline | Failure::ServerDown);
    view! {
        <p class=class role=role>{text}</p>
        {can_retry.then(|| view! {
            <button class="btn" type="button" on:click=move |_| retry()>
                {t!(i18n, rate.retry)}
            </button>
        })}
        {(!loading).then(|| view! { <a href="/danh-gia" class="btn secondary">{t!(i18n, rate.back)}</a> })}
    }
}
