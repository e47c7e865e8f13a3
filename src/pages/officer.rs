use crate::i18n::*;
use leptos::prelude::*;

/// "Nhập phiếu đánh giá": the officers' transcription desk.
#[component]
pub fn Officer() -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <h1>{t!(i18n, officer.title)}</h1>
        <p class="lead">{t!(i18n, officer.lead)}</p>
        <p class="card">{t!(i18n, officer.sign_in_needed)}</p>
    }
}
