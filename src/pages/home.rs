use crate::components::install::InstallPrompt;
use crate::i18n::*;
use leptos::prelude::*;
use leptos_router::components::A;

/// The two ways in: citizens rate, officers transcribe slips.
#[component]
pub fn Home() -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <h1>{t!(i18n, home.title)}</h1>
        <p class="lead">{t!(i18n, home.lead)}</p>
        <nav class="ways">
            <A href="/danh-gia" attr:class="way">
                <strong>{t!(i18n, home.citizen_title)}</strong>
                <span>{t!(i18n, home.citizen_text)}</span>
            </A>
            <A href="/nhap-phieu" attr:class="way">
                <strong>{t!(i18n, home.officer_title)}</strong>
                <span>{t!(i18n, home.officer_text)}</span>
            </A>
        </nav>
        <InstallPrompt />
    }
}
