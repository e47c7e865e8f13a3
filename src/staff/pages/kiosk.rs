//! "Thiết bị đánh giá tại quầy" (`/quay`): a tablet at the counter as the
//! citizens' rating device. The officer sets a PIN to start kiosk mode; a
//! waiting screen follows. After returning a result the officer scans the
//! slip (or, with the PIN, picks or types the dossier); the screen turns to
//! the citizen — the citizen's questions only, large, Vietnamese first —
//! and the answers go to the outbox as a `kiosk` record (sent with the
//! officer's session, offline like everything else), then a thank-you
//! screen returns to waiting. One rating per dossier still holds: a dossier
//! known to be rated gets a polite word instead of the form, and the
//! server's answer for the others is the last word.

use crate::components::dossier_summary::DossierSummary;
use crate::components::lang_switch::LangSwitch;
use crate::components::question_form::QuestionForm;
use crate::i18n::*;
use crate::lang::date_vn;
use crate::messages::scan_error_text;
use crate::rules;
use crate::session::CurrentSession;
use crate::staff::components::download_dossiers::DownloadDossiers;
use crate::staff::components::kiosk_lock::{KioskMode, PinPrompt, valid_pin};
use crate::staff::components::scanner::Scanner;
use crate::staff::lookup::{self, Found};
use crate::store::outbox::{self, EntryState, Shown};
use crate::store::{self};
use crate::sync::Sync;
use danhgia_core::rating::{Channel, Draft, NewRecord, form_for};
use danhgia_core::wire::DossierPublic;
use danhgia_core::{DossierCode, ScanPolicy, ScanTarget, parse_scan};
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::components::A;
use std::time::Duration;

/// How long the thank-you (or "already rated") screen stays.
const THANKS_MS: u64 = 6_000;
/// A citizen's form left untouched this long goes back to waiting.
const IDLE_MS: f64 = 180_000.0;
/// Dossiers returned this many days ago or less are offered for picking.
const RECENT_DAYS: f64 = 14.0;
const PICK_LIST: usize = 30;

#[derive(Debug, Clone, PartialEq)]
enum Screen {
    Waiting,
    /// The officer's PIN, then `Pick` (or leaving kiosk mode).
    StaffPin {
        end: bool,
    },
    Pick,
    LookingUp,
    Citizen(Box<DossierPublic>),
    AlreadyRated(String),
    /// The record's id in the outbox.
    Thanks(String),
    /// For the officer (a dossier not found, not on this device …).
    Problem(String),
}

/// The dossier from the server if it answers, else from this device.
async fn look_up(code: &DossierCode, bearer: Option<String>) -> Result<DossierPublic, &'static str> {
    match lookup::dossier(code, bearer.as_deref()).await {
        Found::Server(d) => Ok(d),
        Found::Unknown => Err("not_found"),
        Found::Device { copy, .. } => copy.ok_or("not_on_device"),
    }
}

/// Rated already, as far as this device knows: the server said so, or a
/// rating of it was made here (and not refused).
async fn known_rated(d: &DossierPublic) -> bool {
    if d.rating.is_some() {
        return true;
    }
    matches!(outbox::latest_for(&d.code).await, Ok(Some(e)) if e.state != EntryState::Rejected)
}

#[component]
pub fn Kiosk() -> impl IntoView {
    let kiosk = expect_context::<KioskMode>();
    view! {
        <Show when=move || kiosk.active() fallback=Setup>
            <Counter />
        </Show>
    }
}

/// Kiosk mode off: the officer sets the PIN and starts it.
#[component]
fn Setup() -> impl IntoView {
    let i18n = use_i18n();
    let session = expect_context::<CurrentSession>();
    let kiosk = expect_context::<KioskMode>();
    let pin = RwSignal::new(String::new());
    let again = RwSignal::new(String::new());
    let problem = RwSignal::new(None::<&'static str>);
    let start = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let (p, a) = (pin.get_untracked(), again.get_untracked());
        if !valid_pin(p.trim()) {
            return problem.set(Some(t_string!(i18n, kiosk.pin_invalid)));
        }
        if p != a {
            return problem.set(Some(t_string!(i18n, kiosk.pin_mismatch)));
        }
        let officer = session.0.with_untracked(|s| s.as_ref().map(|s| s.officer.username.clone()).unwrap_or_default());
        if !kiosk.start(p.trim(), &officer) {
            return problem.set(Some(t_string!(i18n, kiosk.no_random)));
        }
        problem.set(None);
    };
    view! {
        <h1>{t!(i18n, kiosk.title)}</h1>
        <p class="lead">{t!(i18n, kiosk.lead)}</p>
        {move || match session.get() {
            None => view! {
                <p class="card">{t!(i18n, kiosk.sign_in)}</p>
                <A href="/dang-nhap" attr:class="btn">{t!(i18n, officer.sign_in)}</A>
            }
            .into_any(),
            Some(s) => view! {
                <p>{t!(i18n, officer.signed_in_as, name = s.officer.full_name.clone(), agency = s.officer.agency.clone())}</p>
                <DownloadDossiers />
                <form class="card kiosk-setup" on:submit=start novalidate>
                    <h2>{t!(i18n, kiosk.setup_title)}</h2>
                    <label for="kiosk-new-pin">{t!(i18n, kiosk.new_pin)}</label>
                    <input id="kiosk-new-pin" class="pin" type="password" inputmode="numeric" autocomplete="new-password" maxlength="8" aria-describedby="kiosk-pin-hint" bind:value=pin />
                    <label for="kiosk-pin-again">{t!(i18n, kiosk.pin_again)}</label>
                    <input id="kiosk-pin-again" class="pin" type="password" inputmode="numeric" autocomplete="new-password" maxlength="8" bind:value=again />
                    <p class="hint" id="kiosk-pin-hint">{t!(i18n, kiosk.pin_hint)}</p>
                    <p class="error" role="alert">{move || problem.get()}</p>
                    <button class="btn wide" type="submit">{t!(i18n, kiosk.start)}</button>
                </form>
            }
            .into_any(),
        }}
    }
}

/// Kiosk mode on: the waiting screen and the citizen's turn, over the whole window.
#[component]
fn Counter() -> impl IntoView {
    let i18n = use_i18n();
    let session = expect_context::<CurrentSession>();
    let sync = expect_context::<Sync>();
    let screen = RwSignal::new(Screen::Waiting);
    // Every change of screen takes a new number: a timer set for an older
    // screen does nothing.
    let turn = StoredValue::new(0u32);
    let last_touch = StoredValue::new(js_sys::Date::now());
    let rearm = RwSignal::new(0u32);
    let show = move |next: Screen| {
        turn.update_value(|n| *n = n.wrapping_add(1));
        last_touch.set_value(js_sys::Date::now());
        if next == Screen::Waiting {
            rearm.update(|n| *n = n.wrapping_add(1));
        }
        screen.set(next);
    };
    // After a citizen's turn the next one starts in Vietnamese.
    let next_citizen = move || {
        if i18n.get_locale_untracked() != Locale::vi {
            i18n.set_locale(Locale::vi);
        }
        show(Screen::Waiting);
    };
    let back_later = move |ms: u64| {
        let mine = turn.get_value();
        set_timeout(
            move || {
                if turn.try_get_value() == Some(mine) {
                    next_citizen();
                }
            },
            Duration::from_millis(ms),
        );
    };
    // A citizen who walks away from the form: back to waiting.
    let idle = set_interval_with_handle(
        move || {
            if matches!(screen.get_untracked(), Screen::Citizen(_) | Screen::Pick | Screen::StaffPin { .. })
                && js_sys::Date::now() - last_touch.get_value() > IDLE_MS
            {
                show(Screen::Waiting);
            }
        },
        Duration::from_secs(15),
    )
    .ok();
    on_cleanup(move || {
        if let Some(h) = idle {
            h.clear();
        }
    });

    let open = move |code: DossierCode| {
        if !matches!(screen.get_untracked(), Screen::Waiting | Screen::Pick) {
            return;
        }
        show(Screen::LookingUp);
        let bearer = session.token_untracked();
        spawn_local(async move {
            match look_up(&code, bearer).await {
                Ok(d) if known_rated(&d).await => {
                    show(Screen::AlreadyRated(d.code.clone()));
                    back_later(THANKS_MS);
                }
                Ok(d) => show(Screen::Citizen(Box::new(d))),
                Err("not_found") => show(Screen::Problem(t_string!(i18n, kiosk.not_found, code = code.to_string()))),
                Err(_) => show(Screen::Problem(t_string!(i18n, kiosk.not_on_device, code = code.to_string()))),
            }
        });
    };
    let on_scan = move |target: ScanTarget| open(target.code().clone());

    let save = move |d: DossierPublic, draft: Draft| {
        // None of these fail for a dossier the look-up accepted; if one
        // does, the citizen is told rather than left at a dead button.
        let problem = move || show(Screen::Problem(t_string!(i18n, kiosk.save_failed).to_owned()));
        let Some(rules) = rules::book().and_then(|b| b.by_version(&d.ruleset_version)) else { return problem() };
        let (Some(dates), Ok(code)) = (d.dates(), DossierCode::parse(&d.code)) else { return problem() };
        let Some(id) = crate::id::new_uuid() else { return problem() };
        let record = draft.into_record(NewRecord {
            id,
            code: &code,
            citizen_token: None,
            channel: Channel::Kiosk,
            rules,
            dates: &dates,
            client_time: String::from(js_sys::Date::new_0().to_iso_string()),
        });
        let owner = session.username_untracked();
        spawn_local(async move {
            match outbox::add(record, owner).await {
                Ok(entry) => {
                    show(Screen::Thanks(entry.id));
                    back_later(THANKS_MS);
                    sync.send_soon();
                }
                Err(e) => {
                    leptos::logging::error!("kiosk rating not stored: {e:?}");
                    show(Screen::Problem(t_string!(i18n, kiosk.save_failed).to_owned()));
                }
            }
        });
    };

    let body = move || {
        match screen.get() {
        Screen::Waiting => view! { <Waiting on_scan=on_scan rearm=rearm staff=move |end| show(Screen::StaffPin { end }) /> }.into_any(),
        Screen::StaffPin { end } => view! {
            <PinPrompt
                end=end
                title=Signal::derive(move || if end { t_string!(i18n, kiosk.end_title).to_owned() } else { t_string!(i18n, kiosk.staff_title).to_owned() })
                on_right=move || if !end { show(Screen::Pick) }
                cancel_label=Signal::derive(move || t_string!(i18n, kiosk.cancel).to_owned())
                on_cancel=Box::new(move || show(Screen::Waiting))
            />
        }
        .into_any(),
        Screen::Pick => view! { <Pick open=open cancel=move || show(Screen::Waiting) /> }.into_any(),
        Screen::LookingUp => view! { <p class="kiosk-message" role="status">{t!(i18n, kiosk.looking_up)}</p> }.into_any(),
        Screen::Citizen(d) => {
            let d = *d;
            citizen_view(i18n, d, save, next_citizen).into_any()
        }
        Screen::AlreadyRated(code) => view! {
            // The whole section is announced; the heading stays a heading.
        <section class="kiosk-done" role="status" data-state="rated">
                <h1>{t!(i18n, kiosk.already_rated)}</h1>
                <p class="kiosk-lead">{move || t_string!(i18n, kiosk.already_rated_text, code = code.clone())}</p>
            </section>
        }
        .into_any(),
        Screen::Thanks(id) => view! { <Thanks id=id /> }.into_any(),
        Screen::Problem(text) => view! {
            <section class="kiosk-problem">
                <p class="error" role="alert">{text}</p>
                <button class="btn" type="button" on:click=move |_| show(Screen::Waiting)>{t!(i18n, kiosk.back)}</button>
            </section>
        }
        .into_any(),
    }
    };

    view! {
        <div class="kiosk" on:pointerdown=move |_| last_touch.set_value(js_sys::Date::now()) on:keydown=move |_| last_touch.set_value(js_sys::Date::now())>
            <header class="kiosk-bar">
                <span class="kiosk-agency">{move || session.get().map(|s| s.officer.agency)}</span>
                <LangSwitch />
            </header>
            <div class="kiosk-body">{body}</div>
        </div>
    }
}

/// The waiting screen: a welcome for the citizen; the scanner and the
/// officer's buttons.
#[component]
fn Waiting(
    on_scan: impl Fn(ScanTarget) + Copy + Send + std::marker::Sync + 'static,
    rearm: RwSignal<u32>,
    staff: impl Fn(bool) + Copy + Send + std::marker::Sync + 'static,
) -> impl IntoView {
    let i18n = use_i18n();
    let sync = expect_context::<Sync>();
    let counts = LocalResource::new(move || {
        sync.changed.track();
        async move { outbox::counts().await.unwrap_or_default() }
    });
    let pending = move || counts.get().map(|c| c.pending).unwrap_or(0);
    let active = Signal::derive(|| true);
    view! {
        <section class="kiosk-waiting">
            <h1>{t!(i18n, kiosk.welcome)}</h1>
            <p class="kiosk-lead">{t!(i18n, kiosk.welcome_text)}</p>
            {if crate::shell::secure_context() {
                view! { <Scanner active=active rearm=rearm on_scan=on_scan /> }.into_any()
            } else {
                view! { <p class="notice" role="note">{t!(i18n, insecure.scanner)}</p> }.into_any()
            }}
            <div class="kiosk-staff">
                <button class="btn secondary" type="button" on:click=move |_| staff(false)>{t!(i18n, kiosk.staff_pick)}</button>
                <button class="btn secondary" type="button" on:click=move |_| staff(true)>{t!(i18n, kiosk.end)}</button>
            </div>
            <p class="hint kiosk-outbox" role="status">
                {move || (pending() > 0).then(|| t_string!(i18n, kiosk.pending, count = pending()))}
            </p>
            <Show when=move || sync.needs_sign_in.0.get()>
                <p class="notice" role="alert">{t!(i18n, kiosk.needs_sign_in)}</p>
            </Show>
        </section>
    }
}

/// The officer picks or types the dossier (after the PIN).
#[component]
fn Pick(
    open: impl Fn(DossierCode) + Copy + Send + std::marker::Sync + 'static,
    cancel: impl Fn() + Copy + Send + std::marker::Sync + 'static,
) -> impl IntoView {
    let i18n = use_i18n();
    let typed = RwSignal::new(String::new());
    let problem = RwSignal::new(None::<&'static str>);
    let recent = LocalResource::new(|| async {
        let now = js_sys::Date::now();
        let mut list: Vec<DossierPublic> = store::dossiers::all()
            .await
            .unwrap_or_default()
            .into_iter()
            .map(|c| c.dossier)
            .filter(|d| d.rating.is_none())
            .filter(|d| {
                d.returned_on.as_deref().is_some_and(|r| {
                    let t = js_sys::Date::parse(r);
                    !t.is_nan() && now - t <= RECENT_DAYS * 86_400_000.0 && t <= now
                })
            })
            .collect();
        list.sort_by(|a, b| b.returned_on.cmp(&a.returned_on).then_with(|| a.code.cmp(&b.code)));
        let mut out = Vec::new();
        for d in list {
            if out.len() >= PICK_LIST {
                break;
            }
            if !matches!(outbox::latest_for(&d.code).await, Ok(Some(e)) if e.state != EntryState::Rejected) {
                out.push(d);
            }
        }
        out
    });
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let policy = ScanPolicy::for_own_host(&window().location().hostname().unwrap_or_default());
        match parse_scan(&typed.get_untracked(), &policy) {
            Ok(target) => open(target.code().clone()),
            Err(e) => problem.set(Some(scan_error_text(i18n, &e))),
        }
    };
    view! {
        <section class="kiosk-pick">
            <h1>{t!(i18n, kiosk.pick_title)}</h1>
            <form class="typed-code" on:submit=submit novalidate>
                <label for="kiosk-code">{t!(i18n, kiosk.type_code)}</label>
                <div class="row">
                    <input id="kiosk-code" type="text" autocomplete="off" autocapitalize="characters" spellcheck="false" bind:value=typed />
                    <button class="btn" type="submit">{t!(i18n, kiosk.open)}</button>
                </div>
                <p class="error" role="alert">{move || problem.get()}</p>
            </form>
            <h2>{t!(i18n, kiosk.recent)}</h2>
            {move || recent.get().map(|list| if list.is_empty() {
                view! { <p class="hint">{t!(i18n, kiosk.recent_none)}</p> }.into_any()
            } else {
                view! {
                    <ul class="kiosk-dossiers">
                        {list.into_iter().map(|d| {
                            let code = DossierCode::parse(&d.code).ok();
                            let returned = d.returned_on.as_deref().map(date_vn).unwrap_or_default();
                            view! {
                                <li>
                                    <button class="pick" type="button" data-code=d.code.clone() on:click=move |_| if let Some(c) = code.clone() { open(c) }>
                                        <strong class="dossier-code">{d.code.clone()}</strong>
                                        <span>{d.procedure.clone()}</span>
                                        <span class="hint">{move || t_string!(i18n, kiosk.returned, date = returned.clone())}</span>
                                    </button>
                                </li>
                            }
                        }).collect_view()}
                    </ul>
                }.into_any()
            })}
            <DownloadDossiers />
            <button class="btn secondary wide" type="button" on:click=move |_| cancel()>{t!(i18n, kiosk.cancel)}</button>
        </section>
    }
}

/// The citizen's turn: the dossier and its questions (no "left blank": the
/// citizen answers each one).
fn citizen_view(
    i18n: I18n,
    d: DossierPublic,
    save: impl Fn(DossierPublic, Draft) + Copy + Send + std::marker::Sync + 'static,
    cancel: impl Fn() + Copy + Send + std::marker::Sync + 'static,
) -> impl IntoView {
    let rules = rules::book().and_then(|b| b.by_version(&d.ruleset_version));
    let Some((rules, dates)) = rules.zip(d.dates()) else {
        return view! {
            <section class="kiosk-problem">
                <p class="error" role="alert">{t!(i18n, rate.unknown_rules)}</p>
                <button class="btn" type="button" on:click=move |_| cancel()>{t!(i18n, kiosk.back)}</button>
            </section>
        }
        .into_any();
    };
    let form = form_for(rules, &dates);
    let for_save = d.clone();
    view! {
        <section class="kiosk-citizen">
            <h1>{t!(i18n, kiosk.citizen_title)}</h1>
            <p class="kiosk-lead">{t!(i18n, kiosk.citizen_lead)}</p>
            <DossierSummary dossier=d />
            <QuestionForm form=form on_submit=move |draft| save(for_save.clone(), draft) />
            <button class="btn secondary wide" type="button" on:click=move |_| cancel()>{t!(i18n, kiosk.citizen_cancel)}</button>
        </section>
    }
    .into_any()
}

/// Thanks, and what became of the rating if the server has answered meanwhile.
#[component]
fn Thanks(id: String) -> impl IntoView {
    let i18n = use_i18n();
    let sync = expect_context::<Sync>();
    let entry = LocalResource::new(move || {
        sync.changed.track();
        let id = id.clone();
        async move { outbox::get(&id).await.ok().flatten() }
    });
    let state = move || entry.get().flatten().map(|e| e.state);
    let shown = move || entry.get().flatten().map(|e| e.shown());
    view! {
        // The whole section is announced; the heading stays a heading.
        <section class="kiosk-done" role="status" data-state=move || format!("{:?}", state().unwrap_or(EntryState::Pending)).to_lowercase()>
            <h1>{t!(i18n, kiosk.thanks)}</h1>
            <p class="kiosk-lead">
                {move || match shown() {
                    Some(Shown::Conflict) => t_string!(i18n, kiosk.thanks_conflict),
                    Some(Shown::Rejected) => t_string!(i18n, kiosk.thanks_rejected),
                    Some(Shown::NotKept) => t_string!(i18n, kiosk.thanks_not_kept),
                    _ => t_string!(i18n, kiosk.thanks_text),
                }}
            </p>
        </section>
    }
}
