//! Vietnamese first, English second. Every string lives in `locales/*.json`;
//! build.rs turns each key into a function of the locale (`tr::rate::title`),
//! so each app binary carries only the strings it uses.
//!
//! Hand-written instead of leptos_i18n on purpose: the citizen's download has
//! a budget of 150 KB, and leptos_i18n brought every string of every screen,
//! ICU plural data and leptos-use's cookie hook with it. What is here is a
//! locale signal, a cookie and a `{{ name }}` filler.
//!
//! Use: `let i18n = use_i18n();` then `t!(i18n, rate.title)` in a view (it
//! follows the language) or `t_string!(i18n, rate.missing, count = n)` for a
//! string now. A new key goes into both `locales/vi.json` and `en.json`.

use leptos::prelude::*;
use std::fmt::Display;
use wasm_bindgen::JsCast;

#[allow(non_camel_case_types)]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Locale {
    #[default]
    vi,
    en,
}

impl Locale {
    pub fn as_str(self) -> &'static str {
        match self {
            Locale::vi => "vi",
            Locale::en => "en",
        }
    }

    /// The core's language (rule texts carry both).
    pub fn core(self) -> danhgia_core::Lang {
        match self {
            Locale::vi => danhgia_core::Lang::Vi,
            Locale::en => danhgia_core::Lang::En,
        }
    }
}

/// The generated translation functions, one per key.
#[allow(clippy::all, dead_code)]
pub mod tr {
    use super::Locale;
    include!(concat!(env!("OUT_DIR"), "/tr.rs"));
}

pub use crate::{t, t_string};

pub const COOKIE_NAME: &str = "danhgia_lang";
const COOKIE_MAX_AGE_S: u32 = 365 * 24 * 3600;

fn html_document() -> Option<web_sys::HtmlDocument> {
    document().dyn_into::<web_sys::HtmlDocument>().ok()
}

/// The language chosen earlier on this device (a cookie, so that it is there
/// before the app runs); Vietnamese when none was chosen.
fn chosen() -> Locale {
    let cookies = html_document().and_then(|d| d.cookie().ok()).unwrap_or_default();
    let value = cookies.split(';').find_map(|c| c.trim_start().strip_prefix(COOKIE_NAME)?.strip_prefix('='));
    match value {
        Some("en") => Locale::en,
        _ => Locale::vi,
    }
}

fn apply(locale: Locale, remember: bool) {
    if let Some(html) = document().document_element() {
        let _ = html.set_attribute("lang", locale.as_str());
    }
    if remember && let Some(doc) = html_document() {
        let cookie = format!("{COOKIE_NAME}={}; path=/; max-age={COOKIE_MAX_AGE_S}; samesite=lax", locale.as_str());
        // Failing to write a cookie only means Vietnamese next time.
        let _ = doc.set_cookie(&cookie);
    }
}

/// The current language for every view.
#[derive(Clone, Copy)]
pub struct I18n(RwSignal<Locale>);

impl I18n {
    /// Tracked: a view or effect reading it follows a change of language.
    pub fn get_locale(self) -> Locale {
        self.0.get()
    }

    pub fn get_locale_untracked(self) -> Locale {
        self.0.get_untracked()
    }

    pub fn set_locale(self, locale: Locale) {
        apply(locale, true);
        self.0.set(locale);
    }
}

/// Reads the chosen language and provides it to every view.
pub fn provide_i18n() -> I18n {
    let locale = chosen();
    apply(locale, false);
    let i18n = I18n(RwSignal::new(locale));
    provide_context(i18n);
    i18n
}

pub fn use_i18n() -> I18n {
    use_context::<I18n>().unwrap_or_else(provide_i18n)
}

/// Replaces each `{{ name }}` of `template` by its value.
pub fn fill(template: &str, args: &[(&str, &dyn Display)]) -> String {
    let mut out = String::with_capacity(template.len() + 16);
    let mut rest = template;
    while let Some(start) = rest.find("{{") {
        out.push_str(&rest[..start]);
        let after = &rest[start + 2..];
        let Some(end) = after.find("}}") else {
            rest = &rest[start..];
            break;
        };
        let name = after[..end].trim();
        match args.iter().find(|(n, _)| *n == name) {
            Some((_, value)) => {
                let _ = std::fmt::Write::write_fmt(&mut out, format_args!("{value}"));
            }
            None => out.push_str(&rest[start..start + 2 + end + 2]),
        }
        rest = &after[end + 2..];
    }
    out.push_str(rest);
    out
}

/// The string of a key now: `&'static str`, or a `String` when it has values
/// to fill in (`t_string!(i18n, outbox.counts, pending = 3, attention = 0, sent = 2)`).
#[macro_export]
macro_rules! t_string {
    ($i18n:expr, $($key:ident).+) => {
        $crate::i18n::tr::$($key)::+($i18n.get_locale())
    };
    ($i18n:expr, $($key:ident).+, $($name:ident = $value:expr),+ $(,)?) => {
        $crate::i18n::fill(
            $crate::i18n::tr::$($key)::+($i18n.get_locale()),
            &[$((stringify!($name), &$value as &dyn ::std::fmt::Display)),+],
        )
    };
}

/// A text in a view that follows the language. A `Signal`, not a closure:
/// every text of every view is then one and the same type to render, which
/// keeps the renderer's code for texts to one copy (closures are each a type
/// of their own, and each got its own copy: tens of KB of the download).
#[macro_export]
macro_rules! t {
    ($i18n:expr, $($key:ident).+) => {{
        let i18n = $i18n;
        ::leptos::prelude::Signal::<&'static str>::derive(move || $crate::t_string!(i18n, $($key).+))
    }};
    ($i18n:expr, $($key:ident).+, $($args:tt)*) => {{
        let i18n = $i18n;
        ::leptos::prelude::Signal::<String>::derive(move || $crate::t_string!(i18n, $($key).+, $($args)*))
    }};
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fills_named_values() {
        assert_eq!(
            fill("Chờ gửi: {{ pending }} · Đã gửi: {{sent}}", &[("pending", &3), ("sent", &"2")]),
            "Chờ gửi: 3 · Đã gửi: 2"
        );
        assert_eq!(fill("{{ x }}{{ x }}", &[("x", &1)]), "11");
        assert_eq!(fill("no {{ y }} here", &[("x", &1)]), "no {{ y }} here");
        assert_eq!(fill("broken {{ x", &[("x", &1)]), "broken {{ x");
        assert_eq!(fill("plain", &[]), "plain");
    }

    #[test]
    fn both_languages() {
        assert_eq!(tr::lang::vi(Locale::en), tr::lang::vi(Locale::vi));
        assert_ne!(tr::home::title(Locale::vi), tr::home::title(Locale::en));
    }
}
