//! The decoder worker and the camera started by the page's loader
//! (`index.html`) on a scanner's screen, before the app ran: the scanner
//! takes them over instead of starting its own, or they are released.
//! (The loader's camera constraints are kept in step with `camera::open`.)

use js_sys::{Promise, Reflect};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{MediaStream, Worker};

const DECODER: &str = "danhgiaEarlyDecoder";
const CAMERA: &str = "danhgiaEarlyCamera";

/// Removes a global the loader left, returning it.
fn take(name: &str) -> Option<JsValue> {
    let window = web_sys::window()?;
    let key = JsValue::from_str(name);
    let value = Reflect::get(&window, &key).ok().filter(|v| !v.is_undefined() && !v.is_null())?;
    let _ = Reflect::delete_property(&window, &key);
    Some(value)
}

/// The loader's decoder worker, and whether it has already said it is ready
/// (its message may have come before anyone listened).
pub fn take_decoder() -> Option<(Worker, bool)> {
    let worker = take(DECODER)?.dyn_into::<Worker>().ok()?;
    let ready = Reflect::get(&worker, &JsValue::from_str("danhgiaReady")).ok().and_then(|r| r.as_bool()) == Some(true);
    Some((worker, ready))
}

/// The loader's camera, once it is open, if it opened one (only where the
/// camera was already allowed) for the camera asked for now.
pub async fn take_camera(device_id: Option<&str>) -> Option<MediaStream> {
    let promise = take(CAMERA)?.dyn_into::<Promise>().ok()?;
    let stream = JsFuture::from(promise).await.ok()?.dyn_into::<MediaStream>().ok()?;
    let asked = device_id.is_none_or(|id| super::camera::device_id(&stream).as_deref() == Some(id));
    if asked {
        Some(stream)
    } else {
        super::camera::stop(&stream);
        None
    }
}

/// What no scanner took over (the screen turned out to need no camera, or
/// the session was gone): stopped, so the camera's light goes off.
pub fn release_unused() {
    if let Some(worker) = take(DECODER).and_then(|w| w.dyn_into::<Worker>().ok()) {
        worker.terminate();
    }
    if let Some(promise) = take(CAMERA).and_then(|p| p.dyn_into::<Promise>().ok()) {
        wasm_bindgen_futures::spawn_local(async move {
            if let Some(stream) = JsFuture::from(promise).await.ok().and_then(|s| s.dyn_into::<MediaStream>().ok()) {
                super::camera::stop(&stream);
            }
        });
    }
}
