//! Small browser helpers shared by the pages: JSON in localStorage, local
//! times for people, and file downloads.

use leptos::prelude::*;
use wasm_bindgen::JsCast;

fn storage() -> Option<web_sys::Storage> {
    window().local_storage().ok().flatten()
}

/// A value kept in localStorage; `None` when absent or no longer parsing
/// (stored by an older version).
pub fn stored<T: serde::de::DeserializeOwned>(key: &str) -> Option<T> {
    crate::json::parse(&storage()?.get_item(key).ok()??)
}

pub fn store<T: serde::Serialize>(key: &str, value: &T) {
    if let (Some(s), Some(text)) = (storage(), crate::json::stringify(value, 0)) {
        let _ = s.set_item(key, &text);
    }
}

pub fn forget(key: &str) {
    if let Some(s) = storage() {
        let _ = s.remove_item(key);
    }
}

/// `hh:mm dd/mm/yyyy` in the device's time zone (ms since the epoch).
pub fn local_time(ms: f64) -> String {
    let d = js_sys::Date::new(&ms.into());
    format!(
        "{:02}:{:02} {:02}/{:02}/{}",
        d.get_hours(),
        d.get_minutes(),
        d.get_date(),
        d.get_month() + 1,
        d.get_full_year()
    )
}

/// Offers `bytes` as a file to save.
pub fn download(bytes: &[u8], name: &str, mime: &str) {
    let array = js_sys::Uint8Array::from(bytes);
    let options = web_sys::BlobPropertyBag::new();
    options.set_type(mime);
    let Ok(blob) = web_sys::Blob::new_with_u8_array_sequence_and_options(&js_sys::Array::of1(&array), &options) else {
        return;
    };
    let Ok(url) = web_sys::Url::create_object_url_with_blob(&blob) else { return };
    if let Some(a) = document().create_element("a").ok().and_then(|a| a.dyn_into::<web_sys::HtmlAnchorElement>().ok()) {
        a.set_href(&url);
        a.set_download(name);
        a.click();
    }
    let _ = web_sys::Url::revoke_object_url(&url);
}
