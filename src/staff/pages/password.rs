//! "Đổi mật khẩu" (`/mat-khau`): every signed-in user changes their own
//! password. After a sign-in with a one-time password this is the only
//! screen (see `staff::Guarded`) until a new one is set. The core's rules,
//! the same the server applies, are checked as the user types.

use crate::api::{self, ApiErr};
use crate::i18n::*;
use crate::session::CurrentSession;
use crate::staff::components::admin::problem_text;
use crate::staff::components::nav::{home_for, sign_out};
use crate::sync::Sync;
use danhgia_core::account::check_password;
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::components::A;
use leptos_router::hooks::use_navigate;

fn refusal(i18n: I18n, err: &ApiErr) -> String {
    match err {
        ApiErr::Refused { code, .. } if code == "weak_password" => t_string!(i18n, account.weak).into(),
        ApiErr::Refused { code, .. } if code == "reused_password" => t_string!(i18n, account.reused).into(),
        ApiErr::Refused { code, .. } if code == "wrong_password" => t_string!(i18n, account.wrong_current).into(),
        ApiErr::Refused { code, .. } if code == "too_many_attempts" => t_string!(i18n, account.too_many).into(),
        ApiErr::Refused { code, .. } if code == "too_long" => t_string!(i18n, account.too_long).into(),
        other => crate::staff::components::admin::error_text(i18n, other),
    }
}

#[component]
pub fn ChangePassword() -> impl IntoView {
    let i18n = use_i18n();
    let session = expect_context::<CurrentSession>();
    let sync = expect_context::<Sync>();
    let navigate = use_navigate();
    let current = RwSignal::new(String::new());
    let new = RwSignal::new(String::new());
    let repeat = RwSignal::new(String::new());
    let problem = RwSignal::new(None::<String>);
    let done = RwSignal::new(false);
    let busy = RwSignal::new(false);
    let ended = RwSignal::new(false);
    let forced = move || session.must_change_password();
    let username = move || session.get().map(|s| s.officer.username).unwrap_or_default();

    // The rules as the user types: what is wrong now, or that it will do.
    let rule = move || {
        let password = new.get();
        if password.is_empty() {
            return None;
        }
        Some(match check_password(&password, &username()) {
            Ok(()) => (true, t_string!(i18n, account.rules_ok).to_owned()),
            Err(p) => (false, problem_text(i18n, t_string!(i18n, account.new_password), &p)),
        })
    };
    let mismatch = move || !repeat.get().is_empty() && repeat.get() != new.get();

    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        done.set(false);
        let Some(bearer) = session.token_untracked() else { return };
        let (cur, pass, again) = (current.get_untracked(), new.get_untracked(), repeat.get_untracked());
        if cur.is_empty() {
            return problem.set(Some(t_string!(i18n, account.current_missing).into()));
        }
        if let Err(p) = check_password(&pass, &username()) {
            return problem.set(Some(problem_text(i18n, t_string!(i18n, account.new_password), &p)));
        }
        if pass != again {
            return problem.set(Some(t_string!(i18n, account.mismatch).into()));
        }
        if pass == cur {
            return problem.set(Some(t_string!(i18n, account.reused).into()));
        }
        problem.set(None);
        busy.set(true);
        let navigate = navigate.clone();
        spawn_local(async move {
            let answer = api::change_password(&bearer, &cur, &pass).await;
            busy.set(false);
            match answer {
                Ok(()) => {
                    let was_forced = session.must_change_password();
                    if let Some(mut officer) = session.get().map(|s| s.officer) {
                        officer.must_change_password = false;
                        session.refresh(officer);
                    }
                    current.set(String::new());
                    new.set(String::new());
                    repeat.set(String::new());
                    // Slips queued before (or during) the change go now.
                    sync.resume();
                    if was_forced {
                        let role = session.role().unwrap_or_default();
                        crate::staff::go(navigate, home_for(&role));
                    } else {
                        done.set(true);
                    }
                }
                Err(ApiErr::Refused { status: 401, .. }) => {
                    // Too many wrong tries end the session, or it expired:
                    // sign in again (queued records stay).
                    sign_out(session);
                    ended.set(true);
                }
                Err(e) => problem.set(Some(refusal(i18n, &e))),
            }
        });
    };

    view! {
        <h1>{t!(i18n, account.title)}</h1>
        <Show when=move || ended.get()>
            <p class="error" role="alert">{t!(i18n, account.session_ended)}</p>
            <A href="/dang-nhap" attr:class="btn">{t!(i18n, officer.sign_in)}</A>
        </Show>
        <Show when=move || session.get().is_some()>
            <p class="lead">{move || if forced() { t_string!(i18n, account.forced_lead) } else { t_string!(i18n, account.lead) }}</p>
            <form class="card password-form" on:submit=submit.clone() novalidate>
                // For password managers: whose password this is.
                <input type="text" class="sr-only" autocomplete="username" readonly tabindex="-1" aria-hidden="true" prop:value=username />
                <label for="current-password">{move || if forced() { t_string!(i18n, account.one_time) } else { t_string!(i18n, account.current) }}</label>
                <input id="current-password" type="password" autocomplete="current-password" bind:value=current />
                <label for="new-password">{t!(i18n, account.new_password)}</label>
                <input id="new-password" type="password" autocomplete="new-password" aria-describedby="password-rules password-check" bind:value=new />
                <p class="hint" id="password-rules">{t!(i18n, account.rules)}</p>
                <p id="password-check" role="status" class=move || match rule() { Some((true, _)) => "check ok", Some((false, _)) => "check bad", None => "check" }>
                    {move || rule().map(|(_, text)| text)}
                </p>
                <label for="repeat-password">{t!(i18n, account.repeat)}</label>
                <input id="repeat-password" type="password" autocomplete="new-password" aria-describedby="repeat-check" bind:value=repeat />
                <p id="repeat-check" class="check bad" role="status">{move || mismatch().then(|| t_string!(i18n, account.mismatch))}</p>
                <p class="error" role="alert">{move || problem.get()}</p>
                <button class="btn wide" type="submit" disabled=move || busy.get()>
                    {move || if busy.get() { t_string!(i18n, account.saving) } else { t_string!(i18n, account.submit) }}
                </button>
            </form>
            <p class="feedback ok" role="status">{move || done.get().then(|| t_string!(i18n, account.changed))}</p>
        </Show>
        <Show when=move || session.get().is_none() && !ended.get()>
            <p class="card">{t!(i18n, account.sign_in_needed)}</p>
            <A href="/dang-nhap" attr:class="btn">{t!(i18n, officer.sign_in)}</A>
        </Show>
    }
}
