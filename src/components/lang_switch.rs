use crate::i18n::*;
use leptos::prelude::*;

/// Two buttons, each named in its own language, so a user who cannot read
/// the current one still finds theirs.
#[component]
pub fn LangSwitch() -> impl IntoView {
    let i18n = use_i18n();
    let button = move |locale: Locale, short: &'static str, name: &'static str| {
        // The accessible name starts with the visible text (WCAG 2.5.3).
        let label = format!("{short} – {name}");
        view! {
            <button
                type="button"
                lang=locale.as_str()
                title=name
                aria-label=label
                aria-pressed=move || (i18n.get_locale() == locale).to_string()
                on:click=move |_| i18n.set_locale(locale)
            >
                {short}
            </button>
        }
    };
    view! {
        <div class="lang-switch" role="group" aria-label=move || t_string!(i18n, lang.label)>
            {button(Locale::vi, "VI", "Tiếng Việt")}
            {button(Locale::en, "EN", "English")}
        </div>
    }
}
