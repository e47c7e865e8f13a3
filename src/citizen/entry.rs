//! "Đánh giá hồ sơ": type the dossier code and the slip's check code (or
//! paste the QR link), for citizens who did not scan the slip.

use crate::api::{self, ApiErr, Credential};
use crate::i18n::*;
use crate::messages::scan_error_text;
use crate::store;
use danhgia_core::{CitizenToken, ScanPolicy, ScanTarget, citizen_path, parse_scan};
use leptos::prelude::*;
use leptos::task::spawn_local;

#[derive(Debug, Clone, PartialEq)]
enum Problem {
    Scan(danhgia_core::ScanError),
    CheckMissing,
    NotFound,
    /// Too many wrong check codes for this dossier, or from this address.
    TooMany,
    Offline,
}

/// Links of the host serving the app are ours.
fn page_policy() -> ScanPolicy {
    ScanPolicy::for_own_host(&window().location().hostname().unwrap_or_default())
}

/// Opens a rating page (a page load: the citizens' app has no router).
fn go(path: &str) {
    let _ = window().location().assign(path);
}

#[component]
pub fn CitizenEntry() -> impl IntoView {
    let i18n = use_i18n();
    let code_text = RwSignal::new(String::new());
    let check_text = RwSignal::new(String::new());
    let problem = RwSignal::new(None::<Problem>);
    let busy = RwSignal::new(false);

    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let target = match parse_scan(&code_text.get_untracked(), &page_policy()) {
            Ok(target) => target,
            Err(e) => return problem.set(Some(Problem::Scan(e))),
        };
        if let ScanTarget::CitizenLink { code, token } = &target {
            return go(&citizen_path(code, token));
        }
        let check: String = check_text.get_untracked().chars().filter(|c| !c.is_whitespace()).collect();
        if check.len() != 6 || !check.bytes().all(|b| b.is_ascii_digit()) {
            return problem.set(Some(Problem::CheckMissing));
        }
        let code = target.code().clone();
        busy.set(true);
        problem.set(None);
        spawn_local(async move {
            let answer = api::dossier(code.as_str(), Credential::CheckCode(&check)).await;
            busy.set(false);
            match answer {
                Ok(dossier) => match CitizenToken::parse(&dossier.token) {
                    Ok(token) if dossier.code == code.as_str() => {
                        let _ = store::dossiers::put(&dossier).await;
                        go(&citizen_path(&code, &token));
                    }
                    _ => problem.set(Some(Problem::NotFound)),
                },
                Err(ApiErr::Refused { status: 429, .. }) => problem.set(Some(Problem::TooMany)),
                Err(ApiErr::Refused { .. }) => problem.set(Some(Problem::NotFound)),
                Err(_) => problem.set(Some(Problem::Offline)),
            }
        });
    };

    let message = move || {
        problem.get().map(|p| match p {
            Problem::Scan(e) => scan_error_text(i18n, &e),
            Problem::CheckMissing => t_string!(i18n, entry.check_missing),
            Problem::NotFound => t_string!(i18n, entry.not_found),
            Problem::TooMany => t_string!(i18n, entry.too_many),
            Problem::Offline => t_string!(i18n, entry.offline),
        })
    };

    view! {
        <h1>{t!(i18n, entry.title)}</h1>
        <p class="lead">{t!(i18n, entry.lead)}</p>
        <form class="card" on:submit=submit novalidate>
            <label for="code">{t!(i18n, entry.code_label)}</label>
            <input
                id="code"
                type="text"
                autocomplete="off"
                autocapitalize="characters"
                spellcheck="false"
                aria-describedby="code-hint"
                bind:value=code_text
            />
            <p class="hint" id="code-hint">{t!(i18n, entry.code_hint)}</p>
            <label for="check">{t!(i18n, entry.check_label)}</label>
            <input
                id="check"
                type="text"
                inputmode="numeric"
                autocomplete="off"
                maxlength="12"
                aria-describedby="check-hint"
                bind:value=check_text
            />
            <p class="hint" id="check-hint">{t!(i18n, entry.check_hint)}</p>
            <p class="error" role="alert">{message}</p>
            <button class="btn wide" type="submit" disabled=move || busy.get()>
                {move || if busy.get() { t_string!(i18n, entry.checking) } else { t_string!(i18n, entry.submit) }}
            </button>
        </form>
    }
}
