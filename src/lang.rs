//! Language choice. leptos_i18n keeps the choice in a cookie; without one it
//! would follow the browser's languages, but this is a Vietnamese service:
//! Vietnamese comes first until the user picks English.

use wasm_bindgen::JsCast;

pub const COOKIE_NAME: &str = "danhgia_lang";
/// A year, in milliseconds (leptos-use's unit).
pub const COOKIE_MAX_AGE_MS: i64 = 365 * 24 * 3600 * 1000;

pub fn default_to_vietnamese() {
    let Some(doc) =
        web_sys::window().and_then(|w| w.document()).and_then(|d| d.dyn_into::<web_sys::HtmlDocument>().ok())
    else {
        return;
    };
    let has_choice = doc
        .cookie()
        .map(|all| all.split(';').any(|c| c.trim_start().starts_with(&format!("{COOKIE_NAME}="))))
        .unwrap_or(false);
    if !has_choice {
        let cookie = format!("{COOKIE_NAME}=vi; path=/; max-age={}; samesite=lax", COOKIE_MAX_AGE_MS / 1000);
        // Failing to write a cookie only means the browser's language is used.
        let _ = doc.set_cookie(&cookie);
    }
}

/// The core's language for the current locale (rule texts carry both).
pub fn core_lang(locale: crate::i18n::Locale) -> danhgia_core::Lang {
    match locale {
        crate::i18n::Locale::vi => danhgia_core::Lang::Vi,
        crate::i18n::Locale::en => danhgia_core::Lang::En,
    }
}

/// `yyyy-mm-dd` from the server as `dd/mm/yyyy`; anything else as it came.
pub fn date_vn(iso: &str) -> String {
    danhgia_core::CivilDate::parse_iso(iso).map(|d| d.format_vn()).unwrap_or_else(|_| iso.to_owned())
}
