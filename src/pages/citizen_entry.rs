use crate::components::code_entry::CodeEntry;
use crate::i18n::*;
use danhgia_core::{ScanTarget, citizen_path};
use leptos::prelude::*;
use leptos_router::hooks::use_navigate;

/// "Đánh giá hồ sơ": type the dossier code (or paste the QR link).
#[component]
pub fn CitizenEntry() -> impl IntoView {
    let i18n = use_i18n();
    let navigate = use_navigate();
    let open = move |target: ScanTarget| {
        let path = match &target {
            ScanTarget::CitizenLink { code, token } => citizen_path(code, token),
            other => format!("/r/{}", other.code().to_path_segment()),
        };
        navigate(&path, Default::default());
    };
    view! {
        <h1>{t!(i18n, entry.title)}</h1>
        <p class="lead">{t!(i18n, entry.lead)}</p>
        <CodeEntry on_target=open />
    }
}
