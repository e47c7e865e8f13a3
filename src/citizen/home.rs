use crate::i18n::*;
use leptos::prelude::*;

/// The two ways in: citizens rate, officers transcribe slips.
#[component]
pub fn Home() -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <h1>{t!(i18n, home.title)}</h1>
        <p class="lead">{t!(i18n, home.lead)}</p>
        <nav class="ways">
            <a href="/danh-gia" class="way">
                <strong>{t!(i18n, home.citizen_title)}</strong>
                <span>{t!(i18n, home.citizen_text)}</span>
            </a>
            // The officers' app: a page load of its own.
            <a href="/nhap-phieu" class="way">
                <strong>{t!(i18n, home.officer_title)}</strong>
                <span>{t!(i18n, home.officer_text)}</span>
            </a>
        </nav>
    }
}
