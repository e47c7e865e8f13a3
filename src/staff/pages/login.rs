//! Officer sign-in.

use crate::api::{self, ApiErr};
use crate::i18n::*;
use crate::session::CurrentSession;
use crate::staff::components::nav::home_for;
use crate::sync::Sync;
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::hooks::use_navigate;

#[component]
pub fn Login() -> impl IntoView {
    let i18n = use_i18n();
    let session = expect_context::<CurrentSession>();
    let sync = expect_context::<Sync>();
    let navigate = use_navigate();
    let username = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    let problem = RwSignal::new(None::<&'static str>);
    let busy = RwSignal::new(false);

    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let (user, pass) = (username.get_untracked(), password.get_untracked());
        if user.trim().is_empty() || pass.is_empty() {
            return problem.set(Some(t_string!(i18n, login.missing)));
        }
        busy.set(true);
        problem.set(None);
        let navigate = navigate.clone();
        spawn_local(async move {
            let answer = api::login(user.trim(), &pass).await;
            busy.set(false);
            match answer {
                Ok(s) => {
                    // A one-time password: the new one first (nothing else works).
                    let next = if s.officer.must_change_password { "/mat-khau" } else { home_for(&s.officer.role) };
                    crate::staff::device::signing_in(&s.officer.username).await;
                    session.sign_in(s);
                    // Slips queued under an expired session go out now.
                    sync.resume();
                    crate::staff::go(navigate, next);
                }
                Err(ApiErr::Refused { code, .. }) if code == "too_many_attempts" => {
                    problem.set(Some(t_string!(i18n, account.too_many)))
                }
                Err(ApiErr::Refused { .. }) => problem.set(Some(t_string!(i18n, login.wrong))),
                // Answered, but failing: not "cannot be reached".
                Err(ApiErr::Server(503)) => problem.set(Some(t_string!(i18n, login.busy))),
                Err(ApiErr::Server(_) | ApiErr::BadAnswer) => problem.set(Some(t_string!(i18n, login.server))),
                Err(ApiErr::Network) => problem.set(Some(t_string!(i18n, login.offline))),
            }
        });
    };

    view! {
        <h1>{t!(i18n, login.title)}</h1>
        <p class="lead">{t!(i18n, login.lead)}</p>
        <form class="card" on:submit=submit novalidate>
            <label for="username">{t!(i18n, login.username)}</label>
            <input id="username" type="text" autocomplete="username" autocapitalize="none" spellcheck="false" bind:value=username />
            <label for="password">{t!(i18n, login.password)}</label>
            <input id="password" type="password" autocomplete="current-password" bind:value=password />
            <p class="error" role="alert">{move || problem.get()}</p>
            <button class="btn wide" type="submit" disabled=move || busy.get()>
                {move || if busy.get() { t_string!(i18n, login.signing_in) } else { t_string!(i18n, login.submit) }}
            </button>
        </form>
    }
}
