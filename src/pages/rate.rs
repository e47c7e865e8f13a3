use crate::i18n::*;
use danhgia_core::DossierCode;
use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::use_params_map;

/// `/r/{code}?t={token}`: the rating form of one dossier.
#[component]
pub fn Rate() -> impl IntoView {
    let i18n = use_i18n();
    let params = use_params_map();
    // The router hands over the decoded segment; validate it like any input.
    let code = move || DossierCode::parse(&params.read().get("code").unwrap_or_default()).ok();
    view! {
        <h1>{t!(i18n, rate.title)}</h1>
        {move || match code() {
            Some(code) => view! {
                <div class="card">
                    <p>{t!(i18n, rate.code)} ": " <strong class="dossier-code">{code.to_string()}</strong></p>
                </div>
            }.into_any(),
            None => view! {
                <p class="error" role="alert">{t!(i18n, rate.bad_code)}</p>
                <A href="/danh-gia" attr:class="btn secondary">{t!(i18n, rate.back)}</A>
            }.into_any(),
        }}
    }
}
