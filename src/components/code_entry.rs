//! The typed fallback to scanning: a field that accepts a dossier code or a
//! pasted link, checked by the core crate's scan parser.

use crate::i18n::*;
use danhgia_core::{ScanError, ScanPolicy, ScanTarget, parse_scan};
use leptos::prelude::*;

/// The policy for this page: links of the host serving the app are ours.
pub fn page_policy() -> ScanPolicy {
    let host = window().location().hostname().unwrap_or_default();
    ScanPolicy::for_own_host(&host)
}

/// The user's words for a refused scan or entry.
pub fn scan_error_text(i18n: leptos_i18n::I18nContext<Locale>, err: &ScanError) -> &'static str {
    match err {
        ScanError::Empty => t_string!(i18n, scan_error.empty),
        ScanError::TooLong => t_string!(i18n, scan_error.too_long),
        ScanError::ControlChars => t_string!(i18n, scan_error.control_chars),
        ScanError::UnsupportedScheme(_) => t_string!(i18n, scan_error.unsupported_scheme),
        ScanError::ForeignUrl { .. } => t_string!(i18n, scan_error.foreign_url),
        ScanError::MalformedLink => t_string!(i18n, scan_error.malformed_link),
        ScanError::NotADossierCode(_) => t_string!(i18n, scan_error.not_a_code),
    }
}

/// A labelled field with a submit button; `on_target` gets what was entered
/// once it parses, and the error is shown (and announced) otherwise.
#[component]
pub fn CodeEntry(on_target: impl Fn(ScanTarget) + 'static) -> impl IntoView {
    let i18n = use_i18n();
    let text = RwSignal::new(String::new());
    let error = RwSignal::new(None::<ScanError>);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        match parse_scan(&text.get_untracked(), &page_policy()) {
            Ok(target) => {
                error.set(None);
                on_target(target);
            }
            Err(e) => error.set(Some(e)),
        }
    };
    view! {
        <form class="card" on:submit=submit novalidate>
            <label for="code">{t!(i18n, entry.code_label)}</label>
            <input
                id="code"
                type="text"
                autocomplete="off"
                autocapitalize="characters"
                spellcheck="false"
                aria-describedby="code-hint code-error"
                aria-invalid=move || error.get().is_some().to_string()
                bind:value=text
            />
            <p class="hint" id="code-hint">{t!(i18n, entry.code_hint)}</p>
            <p class="error" id="code-error" role="alert">
                {move || error.get().map(|e| scan_error_text(i18n, &e))}
            </p>
            <button class="btn" type="submit">{t!(i18n, entry.submit)}</button>
        </form>
    }
}
