//! "Cài đặt ứng dụng" where the browser offers installation, a short "Add to
//! Home Screen" hint on iOS Safari; both dismissible, neither once installed.

use crate::i18n::*;
use crate::pwa::{UpdateReady, accept_update};
use leptos::prelude::*;
use wasm_bindgen::prelude::*;

const DISMISSED: &str = "danhgia.install_dismissed";

fn storage() -> Option<web_sys::Storage> {
    window().local_storage().ok().flatten()
}

fn installed() -> bool {
    let standalone = window().match_media("(display-mode: standalone)").ok().flatten().is_some_and(|m| m.matches());
    let ios_standalone =
        js_sys::Reflect::get(&window().navigator(), &"standalone".into()).ok().and_then(|v| v.as_bool());
    standalone || ios_standalone == Some(true)
}

fn is_ios_safari() -> bool {
    let ua = window().navigator().user_agent().unwrap_or_default();
    (ua.contains("iPhone") || ua.contains("iPad") || ua.contains("iPod"))
        && !ua.contains("CriOS")
        && !ua.contains("FxiOS")
}

fn deferred_prompt() -> Option<JsValue> {
    js_sys::Reflect::get(&window(), &"danhgiaInstallPrompt".into()).ok().filter(|v| !v.is_undefined() && !v.is_null())
}

#[component]
pub fn InstallPrompt() -> impl IntoView {
    let i18n = use_i18n();
    let dismissed =
        RwSignal::new(installed() || storage().and_then(|s| s.get_item(DISMISSED).ok().flatten()).is_some());
    let offered = RwSignal::new(deferred_prompt().is_some());
    let installable = window_event_listener_untyped("danhgia-installable", move |_| offered.set(true));
    let installed = window_event_listener_untyped("appinstalled", move |_| dismissed.set(true));
    // The listeners go with the prompt (it lives on the home screen only).
    on_cleanup(move || {
        installable.remove();
        installed.remove();
    });
    let dismiss = move |_| {
        if let Some(s) = storage() {
            let _ = s.set_item(DISMISSED, "1");
        }
        dismissed.set(true);
    };
    let install = move |_| {
        let Some(prompt) = deferred_prompt() else { return };
        if let Ok(f) = js_sys::Reflect::get(&prompt, &"prompt".into()).and_then(|f| f.dyn_into::<js_sys::Function>()) {
            let _ = f.call0(&prompt);
        }
        let _ = js_sys::Reflect::set(&window(), &"danhgiaInstallPrompt".into(), &JsValue::UNDEFINED);
        offered.set(false);
    };
    let ios = is_ios_safari();
    // Plain `Option`s rather than `<Show>`: this ships to citizens (see
    // `citizen::rate` on why).
    move || {
        (!dismissed.get() && (offered.get() || ios)).then(|| view! {
            <aside class="card install" aria-labelledby="install-title">
                <p id="install-title">
                    {move || if offered.get() { t_string!(i18n, pwa.install_text) } else { t_string!(i18n, pwa.ios_hint) }}
                </p>
                <div class="actions">
                    {move || offered.get().then(|| view! {
                        <button class="btn" type="button" on:click=install>{t!(i18n, pwa.install)}</button>
                    })}
                    <button class="btn secondary" type="button" on:click=dismiss>{t!(i18n, pwa.later)}</button>
                </div>
            </aside>
        })
    }
}

/// "Có phiên bản mới — Tải lại": the new build takes over only on this tap.
#[component]
pub fn UpdateBanner() -> impl IntoView {
    let i18n = use_i18n();
    let ready = expect_context::<UpdateReady>();
    move || {
        ready.0.get().then(|| view! {
            <div class="update-banner" role="status">
                <span>{t!(i18n, pwa.update)}</span>
                <button class="btn small" type="button" on:click=move |_| accept_update()>{t!(i18n, pwa.reload)}</button>
            </div>
        })
    }
}
