use crate::i18n::*;
use leptos::prelude::*;
use leptos_router::hooks::use_location;

/// No route of this app matches. A path of the other officers' app (`here`
/// says which paths are this one's) is loaded as a page, so the loader
/// starts that app; anything else is not found.
#[component]
pub fn NotFound(here: fn(&str) -> bool) -> impl IntoView {
    let i18n = use_i18n();
    let location = use_location();
    move || {
        let path = location.pathname.get();
        // (A reload of this very address: never another site.)
        if !here(&path) && !switched_just_now(&path) {
            crate::staff::load_page(None);
            return view! { <p class="boot">{t!(i18n, not_found.loading)}</p> }.into_any();
        }
        view! {
            <h1>{t!(i18n, not_found.title)}</h1>
            <p>{t!(i18n, not_found.text)}</p>
            <a href="/" rel="external" class="btn secondary">{t!(i18n, not_found.home)}</a>
        }
        .into_any()
    }
}

/// Whether this page was loaded for `path` moments ago already: then the
/// loader started this app for it, and loading it again would do the same
/// for ever (were the loader's routes and the apps' ever out of step).
fn switched_just_now(path: &str) -> bool {
    const KEY: &str = "danhgia.app-switch";
    let Ok(Some(storage)) = window().session_storage() else { return false };
    let now = js_sys::Date::now();
    let last = storage.get_item(KEY).ok().flatten().unwrap_or_default();
    let recent =
        last.split_once(' ').is_some_and(|(at, p)| p == path && at.parse::<f64>().is_ok_and(|at| now - at < 10_000.0));
    if !recent {
        let _ = storage.set_item(KEY, &format!("{now} {path}"));
    }
    recent
}
