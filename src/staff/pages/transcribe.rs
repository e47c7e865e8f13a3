//! "Nhập phiếu đánh giá": an officer's scan → tap → next loop over a pile of
//! paper slips. Each slip is stored in the outbox the moment it is saved,
//! with channel `paper`; the scanner is ready for the next slip at once.

use crate::components::question_form::QuestionForm;
use crate::i18n::*;
use crate::messages::scan_error_text;
use crate::rules;
use crate::session::{CurrentSession, NeedsSignIn};
use crate::staff::components::download_dossiers::DownloadDossiers;
use crate::staff::components::scanner::Scanner;
use crate::staff::lookup::{self, Found};
use crate::store::outbox;
use crate::store::outbox::{EntryState, OutboxEntry, Shown};
use crate::sync::Sync;
use danhgia_core::rating::{Channel, DossierDates, Draft, NewRecord, form_for};
use danhgia_core::wire::DossierPublic;
use danhgia_core::{CivilDate, DossierCode, RuleSet, ScanPolicy, ScanTarget, parse_scan};
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::components::A;
use leptos_router::hooks::use_query_map;

pub const BATCH_KEY: &str = "danhgia.batch";

/// The slip being transcribed.
#[derive(Debug, Clone)]
struct OpenSlip {
    code: DossierCode,
    /// `None`: not on this device and the server could not be asked.
    dossier: Option<DossierPublic>,
    rules: &'static RuleSet,
    dates: DossierDates,
    /// Editing an unsent slip of this session.
    editing: Option<OutboxEntry>,
    /// A slip for this dossier was already entered on this device.
    entered_here: bool,
}

#[derive(Debug, Clone)]
enum Stage {
    Scanning,
    LookingUp,
    Open(Box<OpenSlip>),
    NotFound(String),
}

fn today() -> CivilDate {
    let d = js_sys::Date::new_0();
    CivilDate::new(d.get_full_year() as u16, d.get_month() as u8 + 1, d.get_date() as u8)
        .unwrap_or_else(|_| CivilDate::new(2000, 1, 1).unwrap_or_else(|_| unreachable!()))
}

/// The dossier from the server if it answers, else from this device. An
/// unknown dossier offline is still transcribed, under today's rule set;
/// the server checks it when it arrives.
async fn look_up(code: DossierCode, bearer: Option<String>, needs_sign_in: NeedsSignIn) -> Stage {
    // This device's slip for the dossier is read while the dossier is found.
    let (found, entered_here) =
        futures::join!(lookup::dossier(&code, bearer.as_deref()), outbox::latest_for(code.as_str()));
    let entered_here = entered_here.ok().flatten().is_some();
    let dossier = match found {
        Found::Server(d) => Some(d),
        Found::Unknown => return Stage::NotFound(code.to_string()),
        Found::Device { copy, signed_out } => {
            if signed_out {
                needs_sign_in.0.set(true);
            }
            copy
        }
    };
    let Some(book) = rules::book() else { return Stage::NotFound(code.to_string()) };
    let known = dossier.as_ref().and_then(|d| Some((book.by_version(&d.ruleset_version)?, d.dates()?)));
    let (rules, dates) = match known {
        Some(k) => k,
        None => {
            let today = today();
            let Some(rules) = book.for_date(today) else { return Stage::NotFound(code.to_string()) };
            (rules, DossierDates { received_on: today, appointed_on: today, returned_on: None })
        }
    };
    Stage::Open(Box::new(OpenSlip { code, dossier, rules, dates, editing: None, entered_here }))
}

fn load_batch() -> Vec<String> {
    window()
        .session_storage()
        .ok()
        .flatten()
        .and_then(|s| s.get_item(BATCH_KEY).ok().flatten())
        .and_then(|t| crate::json::parse(&t))
        .unwrap_or_default()
}

fn save_batch(ids: &[String]) {
    if let (Some(s), Some(t)) = (window().session_storage().ok().flatten(), crate::json::stringify(ids, 0)) {
        let _ = s.set_item(BATCH_KEY, &t);
    }
}

#[component]
pub fn Transcribe() -> impl IntoView {
    let i18n = use_i18n();
    let session = expect_context::<CurrentSession>();
    view! {
        <h1>{t!(i18n, officer.title)}</h1>
        {move || match session.get() {
            None => view! {
                <p class="lead">{t!(i18n, officer.lead)}</p>
                <p class="card">{t!(i18n, officer.sign_in_needed)}</p>
                <A href="/dang-nhap" attr:class="btn">{t!(i18n, officer.sign_in)}</A>
            }
            .into_any(),
            Some(s) => view! {
                <div class="officer-bar">
                    <p>{t!(i18n, officer.signed_in_as, name = s.officer.full_name.clone(), agency = s.officer.agency.clone())}</p>
                    // The screens of the role, and signing out: the menu above (`staff::components::nav`).
                </div>
                <Desk />
            }
            .into_any(),
        }}
    }
}

/// The scan → tap → next loop.
#[component]
fn Desk() -> impl IntoView {
    let i18n = use_i18n();
    let session = expect_context::<CurrentSession>();
    let sync = expect_context::<Sync>();
    let needs_sign_in = sync.needs_sign_in;
    let stage = RwSignal::new(Stage::Scanning);
    let rearm = RwSignal::new(0u32);
    let saved = RwSignal::new(None::<String>);
    let batch = RwSignal::new(load_batch());
    let typed = RwSignal::new(String::new());
    let typed_error = RwSignal::new(None::<&'static str>);
    // Why the last save or removal did not happen (nothing was changed).
    let problem = RwSignal::new(None::<outbox::Refusal>);

    // The session's slips as the outbox has them now (a newer read replaces
    // an older one that is still running).
    let entries = LocalResource::new(move || {
        sync.changed.track();
        let ids = batch.get();
        async move {
            let mut list = Vec::new();
            for id in ids.iter().rev() {
                if let Ok(Some(e)) = outbox::get(id).await {
                    list.push(e);
                }
            }
            list
        }
    });
    let entries = move || entries.get().unwrap_or_default();

    let open = move |target: ScanTarget| {
        if matches!(stage.get_untracked(), Stage::Open(_) | Stage::LookingUp) {
            return;
        }
        saved.set(None);
        stage.set(Stage::LookingUp);
        let (code, bearer) = (target.code().clone(), session.token_untracked());
        spawn_local(async move { stage.set(look_up(code, bearer, needs_sign_in).await) });
    };

    // Every write goes through the outbox's one writer: a new slip is added,
    // an edited one is replaced only if it is still the version read and no
    // delivery holds it; a refusal is said, and the form stays open.
    let save = Action::new_local(move |(slip, draft): &(OpenSlip, Draft)| {
        let (slip, draft) = (slip.clone(), draft.clone());
        async move {
            let (id, client_time) = match &slip.editing {
                Some(e) => (e.id.clone(), e.record.client_time.clone()),
                None => (
                    crate::id::new_uuid()
                        .ok_or(outbox::Refusal::Store(crate::store::StoreError("no random source".into())))?,
                    String::from(js_sys::Date::new_0().to_iso_string()),
                ),
            };
            let record = draft.into_record(NewRecord {
                id,
                code: &slip.code,
                citizen_token: None,
                channel: Channel::Paper,
                rules: slip.rules,
                dates: &slip.dates,
                client_time,
            });
            let me = session.username_untracked();
            match &slip.editing {
                Some(e) => outbox::edit(e, record, me.as_deref()).await,
                None => outbox::add(record, me).await,
            }
        }
    });
    Effect::new(move |_| match save.value().get() {
        Some(Ok(entry)) => {
            problem.set(None);
            batch.update(|b| {
                if !b.contains(&entry.id) {
                    b.push(entry.id.clone());
                }
                save_batch(b);
            });
            saved.set(Some(entry.dossier_code.clone()));
            stage.set(Stage::Scanning);
            sync.send_soon();
        }
        Some(Err(refusal)) => problem.set(Some(refusal)),
        None => {}
    });

    // Editing looks the dossier up again: a slip parked for a rule-set
    // mismatch is shown with the dossier's own questions this time.
    let edit = move |entry: OutboxEntry| {
        let Ok(code) = DossierCode::parse(&entry.dossier_code) else { return };
        saved.set(None);
        problem.set(None);
        stage.set(Stage::LookingUp);
        let bearer = session.token_untracked();
        spawn_local(async move {
            let found = look_up(code, bearer, needs_sign_in).await;
            stage.set(match found {
                Stage::Open(mut slip) => {
                    slip.editing = Some(entry);
                    slip.entered_here = false;
                    Stage::Open(slip)
                }
                other => other,
            });
        });
    };

    let remove = move |entry: OutboxEntry| {
        let question = t_string!(i18n, officer.confirm_remove, code = entry.dossier_code.clone());
        if !window().confirm_with_message(&question).unwrap_or(false) {
            return;
        }
        spawn_local(async move {
            match outbox::remove_unsent(&entry, session.username_untracked().as_deref()).await {
                Ok(()) => {
                    problem.set(None);
                    batch.update(|b| {
                        b.retain(|id| *id != entry.id);
                        save_batch(b);
                    });
                }
                Err(refusal) => problem.set(Some(refusal)),
            }
        });
    };

    // `/nhap-phieu?sua={id}`: the outbox sends a parked slip here to be fixed.
    let query = use_query_map();
    if let Some(id) = query.with_untracked(|q| q.get("sua")) {
        spawn_local(async move {
            if let Ok(Some(entry)) = outbox::get(&id).await
                && matches!(entry.state, EntryState::Pending | EntryState::Rejected)
            {
                edit(entry);
            }
        });
    }

    let submit_typed = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let policy = ScanPolicy::for_own_host(&window().location().hostname().unwrap_or_default());
        match parse_scan(&typed.get_untracked(), &policy) {
            Ok(target) => {
                typed_error.set(None);
                typed.set(String::new());
                open(target);
            }
            Err(e) => typed_error.set(Some(scan_error_text(i18n, &e))),
        }
    };

    let scanning = Signal::derive(move || matches!(stage.get(), Stage::Scanning));

    let slip_view = move || match stage.get() {
        Stage::Scanning => None,
        Stage::LookingUp => Some(view! { <p class="hint" role="status">{t!(i18n, officer.looking_up)}</p> }.into_any()),
        Stage::NotFound(code) => Some(
            view! {
                <p class="error" role="alert">{t!(i18n, officer.not_found, code = code.clone())}</p>
                <button class="btn secondary" type="button" on:click=move |_| stage.set(Stage::Scanning)>
                    {t!(i18n, officer.cancel)}
                </button>
            }
            .into_any(),
        ),
        Stage::Open(slip) => {
            let slip = *slip;
            let form = form_for(slip.rules, &slip.dates);
            let initial = slip.editing.as_ref().map(|e| Draft {
                answers: e.record.answers.clone(),
                comment: e.record.comment.clone().unwrap_or_default(),
            });
            let rated = slip.dossier.as_ref().is_some_and(|d| d.rating.is_some());
            let unknown = slip.dossier.is_none();
            let entered_here = slip.entered_here;
            let procedure = slip.dossier.as_ref().map(|d| format!("{} — {}", d.procedure, d.agency));
            let code = slip.code.to_string();
            let for_save = slip.clone();
            Some(
                view! {
                    <section class="slip card" aria-labelledby="slip-title">
                        <h2 id="slip-title">{t!(i18n, officer.slip_of)} " " <span class="dossier-code">{code}</span></h2>
                        <p class="procedure">{procedure}</p>
                        <Show when=move || unknown>
                            <p class="notice" role="status">{t!(i18n, officer.unknown_offline)}</p>
                        </Show>
                        <Show when=move || rated>
                            <p class="notice" role="status">{t!(i18n, officer.already_rated)}</p>
                        </Show>
                        <Show when=move || entered_here>
                            <p class="notice" role="status">{t!(i18n, officer.already_here)}</p>
                        </Show>
                        <QuestionForm
                            form=form
                            paper=true
                            initial=initial.unwrap_or_default()
                            on_submit=move |draft| { save.dispatch_local((for_save.clone(), draft)); }
                        />
                        <button class="btn secondary wide" type="button" on:click=move |_| stage.set(Stage::Scanning)>
                            {t!(i18n, officer.cancel)}
                        </button>
                    </section>
                }
                .into_any(),
            )
        }
    };

    let state_text = move |shown: Shown| match shown {
        Shown::Pending => t_string!(i18n, officer.state_pending),
        Shown::NotKept => t_string!(i18n, officer.state_not_kept),
        Shown::Sent => t_string!(i18n, officer.state_sent),
        Shown::Conflict => t_string!(i18n, officer.state_conflict),
        Shown::Rejected => t_string!(i18n, officer.state_rejected),
    };

    view! {
        <Show when=move || needs_sign_in.0.get()>
            <p class="notice" role="alert">
                {t!(i18n, officer.needs_sign_in)} " " <A href="/dang-nhap">{t!(i18n, officer.sign_in)}</A>
            </p>
        </Show>
        <DownloadDossiers />
        <p class="saved" role="status">{move || saved.get().map(|code| t_string!(i18n, officer.saved, code = code))}</p>
        <p class="error outbox-problem" role="alert">{move || problem.get().map(|r| crate::messages::refusal_text(i18n, &r))}</p>
        // The open slip comes first; the scanner folds away (camera kept on) until it is saved.
        {slip_view}
        {if crate::shell::secure_context() {
            view! {
                <div class:collapsed=move || !scanning.get()>
                    <Scanner active=scanning rearm=rearm on_scan=open />
                </div>
            }
            .into_any()
        } else {
            // No camera over plain HTTP: say why, and offer typing the code.
            view! { <p class="notice" role="note">{t!(i18n, insecure.scanner)}</p> }.into_any()
        }}
        <form class="typed-code" on:submit=submit_typed novalidate>
            <label for="typed-code">{t!(i18n, officer.type_code)}</label>
            <div class="row">
                <input id="typed-code" type="text" autocomplete="off" autocapitalize="characters" spellcheck="false" bind:value=typed />
                <button class="btn" type="submit">{t!(i18n, officer.open)}</button>
            </div>
            <p class="error" role="alert">{move || typed_error.get()}</p>
        </form>
        <section class="batch">
            <h2>{move || t_string!(i18n, officer.batch, count = entries().len())}</h2>
            <Show when=move || entries().is_empty()>
                <p class="hint">{t!(i18n, officer.batch_empty)}</p>
            </Show>
            <ul class="batch-list">
                <For each=entries key=|e| (e.id.clone(), e.version, e.state) let(entry)>
                    {
                        let pending = entry.state == EntryState::Pending;
                        let (for_edit, for_remove) = (entry.clone(), entry.clone());
                        view! {
                            <li class=if entry.shown() == Shown::NotKept { "not-kept" } else { "" } data-state=format!("{:?}", entry.state).to_lowercase()>
                                <span class="dossier-code">{entry.dossier_code.clone()}</span>
                                <span class="state">{let shown = entry.shown(); move || state_text(shown)}</span>
                                <Show when=move || pending>
                                    <button class="btn secondary small" type="button" on:click={let e = for_edit.clone(); move |_| edit(e.clone())}>
                                        {t!(i18n, officer.edit)}
                                    </button>
                                    <button class="btn secondary small" type="button" on:click={let e = for_remove.clone(); move |_| remove(e.clone())}>
                                        {t!(i18n, officer.remove)}
                                    </button>
                                </Show>
                            </li>
                        }
                    }
                </For>
            </ul>
        </section>
    }
}
