//! JSON through the browser's own parser and serde-wasm-bindgen, for the
//! API, localStorage and IndexedDB alike.
//!
//! Not serde_json, on purpose: every type read both from the API and from
//! IndexedDB had its deserializer compiled twice, and serde_json's parser
//! came on top — some 30 KB of the citizen's download, for what
//! `JSON.parse` does natively.

use serde::Serialize;
use serde::de::DeserializeOwned;
use wasm_bindgen::JsValue;

fn serializer() -> serde_wasm_bindgen::Serializer {
    // Maps as plain objects and `None` as `null`, as JSON has them.
    serde_wasm_bindgen::Serializer::new().serialize_maps_as_objects(true).serialize_missing_as_null(true)
}

/// A plain JS value (for IndexedDB, or to stringify).
pub fn to_js<T: Serialize + ?Sized>(value: &T) -> Result<JsValue, serde_wasm_bindgen::Error> {
    value.serialize(&serializer())
}

pub fn from_js<T: DeserializeOwned>(value: JsValue) -> Result<T, serde_wasm_bindgen::Error> {
    serde_wasm_bindgen::from_value(value)
}

/// Parses JSON text; `None` when it is not JSON of that shape.
pub fn parse<T: DeserializeOwned>(text: &str) -> Option<T> {
    from_js(js_sys::JSON::parse(text).ok()?).ok()
}

/// JSON text of a value; `indent` spaces per level (0: compact).
pub fn stringify<T: Serialize + ?Sized>(value: &T, indent: u32) -> Option<String> {
    let js = to_js(value).ok()?;
    let text = if indent == 0 {
        js_sys::JSON::stringify(&js)
    } else {
        js_sys::JSON::stringify_with_replacer_and_space(&js, &JsValue::NULL, &JsValue::from(indent))
    };
    text.ok()?.as_string()
}
