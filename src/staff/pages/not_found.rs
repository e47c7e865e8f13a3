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
        if !here(&path) {
            let target = format!("{path}{}{}", location.search.get_untracked(), location.hash.get_untracked());
            // `replace`: the router has already put this address in the
            // history; Back returns to the screen the link was on.
            if window().location().replace(&target).is_ok() {
                return view! { <p class="boot">{t!(i18n, not_found.loading)}</p> }.into_any();
            }
        }
        view! {
            <h1>{t!(i18n, not_found.title)}</h1>
            <p>{t!(i18n, not_found.text)}</p>
            <a href="/" rel="external" class="btn secondary">{t!(i18n, not_found.home)}</a>
        }
        .into_any()
    }
}
