//! The decoder worker and the camera started by the page's loader
//! (`index.html`) on a scanner's screen, before the app ran: the scanner
//! takes them over instead of starting its own, or they are released.
//! (The loader's camera constraints are kept in step with `camera::open`.)

use js_sys::{Promise, Reflect};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{MediaStream, Worker};

use super::worker::Decoded;

const DECODER: &str = "danhgiaEarlyDecoder";
const CAMERA: &str = "danhgiaEarlyCamera";
const READ: &str = "danhgiaEarlyRead";
const FRAME: &str = "danhgiaEarlyFrame";
/// A read the loader made longer ago than this is not acted on (the slip
/// may be gone from view by now).
const READ_FRESH_MS: f64 = 2000.0;

/// Removes a global the loader left, returning it.
fn take(name: &str) -> Option<JsValue> {
    let window = web_sys::window()?;
    let key = JsValue::from_str(name);
    let value = Reflect::get(&window, &key).ok().filter(|v| !v.is_undefined() && !v.is_null())?;
    let _ = Reflect::delete_property(&window, &key);
    Some(value)
}

fn flag(obj: &JsValue, key: &str) -> bool {
    Reflect::get(obj, &JsValue::from_str(key)).ok().and_then(|r| r.as_bool()) == Some(true)
}

/// The loader's decoder worker, whether it has already said it is ready
/// (its message may have come before anyone listened), and whether it is
/// decoding a frame the loader sent (its answer comes to the new owner).
/// From now on the loader sends no more frames.
pub fn take_decoder() -> Option<(Worker, bool, bool)> {
    let worker = take(DECODER)?.dyn_into::<Worker>().ok()?;
    Some((worker.clone(), flag(&worker, "danhgiaReady"), flag(&worker, "danhgiaBusy")))
}

/// The code the loader's frames showed before the app took the decoder
/// over, if it is recent: the scanner treats it as its own frame's read.
pub fn take_read() -> Option<Decoded> {
    let read = take(READ)?;
    let at = Reflect::get(&read, &JsValue::from_str("at")).ok()?.as_f64()?;
    if js_sys::Date::now() - at > READ_FRESH_MS {
        return None;
    }
    let text = Reflect::get(&read, &JsValue::from_str("text")).ok()?.as_string()?;
    Some(Decoded { text: Some(text), linear: flag(&read, "linear"), ms: 0.0 })
}

/// The loader's frame that it had not sent when the app took the decoder
/// over, or was still taking from the camera: a promise of it (or of null).
/// Asked for as the decoder is taken over, before anything else runs.
pub fn take_frame() -> Option<Promise> {
    let ask = take(FRAME)?.dyn_into::<js_sys::Function>().ok()?;
    ask.call0(&JsValue::NULL).ok()?.dyn_into::<Promise>().ok()
}

/// A frame the loader took from the camera, handed to the scanner.
pub struct EarlyFrame {
    pub pixels: js_sys::ArrayBuffer,
    pub width: u32,
    pub height: u32,
    /// When it was taken (`Date.now()`).
    at: f64,
}

impl EarlyFrame {
    /// Recent enough to act on (the slip may be gone from view by now).
    pub fn is_fresh(&self) -> bool {
        js_sys::Date::now() - self.at <= READ_FRESH_MS
    }
}

/// That frame, once taken, if it is one.
pub async fn frame(promise: Promise) -> Option<EarlyFrame> {
    let frame = JsFuture::from(promise).await.ok()?;
    let number = |key: &str| Reflect::get(&frame, &JsValue::from_str(key)).ok()?.as_f64();
    let size = |key: &str| number(key).filter(|v| (16.0..=4096.0).contains(v));
    let (width, height, at) = (size("width")? as u32, size("height")? as u32, number("at")?);
    let pixels = Reflect::get(&frame, &JsValue::from_str("pixels")).ok()?.dyn_into::<js_sys::ArrayBuffer>().ok()?;
    (pixels.byte_length() == width * height * 4).then_some(EarlyFrame { pixels, width, height, at })
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
    let _ = take(READ);
    let _ = take(FRAME);
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
