//! The scanner's Web Worker. The page posts RGBA crops of the camera's scan
//! region (`{id, frame, width, height, pixels: ArrayBuffer}`, the buffer
//! transferred, not copied); the worker answers `{id, text?, format?, ms}`.
//! It announces `{ready: true}` once its wasm runs, because messages posted
//! before that would be lost. After a frame in which nothing was read, it
//! warms its decoder up a step (`danhgia_scan::warm`), once the answer is
//! sent: a scanner sends its next frame 90 ms later.

use danhgia_scan::warm::WarmUp;
use danhgia_scan::{Decoder, Format, Pass};
use js_sys::{Object, Reflect};
use std::cell::RefCell;
use wasm_bindgen::prelude::*;
use web_sys::{DedicatedWorkerGlobalScope, MessageEvent};

fn get_u32(obj: &JsValue, key: &str) -> Option<u32> {
    Reflect::get(obj, &JsValue::from_str(key))
        .ok()?
        .as_f64()
        .filter(|v| *v >= 0.0 && *v <= f64::from(u32::MAX))
        .map(|v| v as u32)
}

fn set(obj: &Object, key: &str, value: impl Into<JsValue>) {
    // Setting a property on a plain object we made cannot fail.
    let _ = Reflect::set(obj, &JsValue::from_str(key), &value.into());
}

fn now(scope: &DedicatedWorkerGlobalScope) -> f64 {
    scope.performance().map(|p| p.now()).unwrap_or(0.0)
}

/// The decoder and the frame buffer, kept across frames.
struct State {
    decoder: Decoder,
    rgba: Vec<u8>,
    /// The warm-up's steps still to do (`None` once done).
    warm: Option<WarmUp>,
}

/// Decodes one message's frame: the answer, and whether a code was read.
/// `None` when the message is not a frame.
fn handle(scope: &DedicatedWorkerGlobalScope, state: &mut State, data: &JsValue) -> Option<(Object, bool)> {
    let id = get_u32(data, "id")?;
    let frame = get_u32(data, "frame").unwrap_or(0);
    let (width, height) = (get_u32(data, "width")?, get_u32(data, "height")?);
    let pixels = Reflect::get(data, &JsValue::from_str("pixels")).ok()?.dyn_into::<js_sys::ArrayBuffer>().ok()?;
    let answer = Object::new();
    set(&answer, "id", id);
    let len = pixels.byte_length() as usize;
    if Some(len) != (width as usize).checked_mul(height as usize).and_then(|n| n.checked_mul(4)) {
        return Some((answer, false));
    }
    // Timed from the copy into wasm memory on, as a decoder given an
    // ImageData would be.
    let start = now(scope);
    state.rgba.resize(len, 0);
    js_sys::Uint8Array::new(&pixels).copy_to(&mut state.rgba);
    let read = state.decoder.decode_rgba(&state.rgba, width, height, Pass::for_frame(u64::from(frame)));
    set(&answer, "ms", now(scope) - start);
    let was_read = read.is_some();
    if let Some(read) = read {
        set(&answer, "text", read.text);
        set(&answer, "format", if read.format == Format::Qr { "qr" } else { "code128" });
        set(&answer, "linear", read.format.is_linear());
    }
    Some((answer, was_read))
}

/// Listens for frames and says it is ready.
pub fn run() {
    let scope: DedicatedWorkerGlobalScope = js_sys::global().unchecked_into();
    let state = RefCell::new(State { decoder: Decoder::new(), rgba: Vec::new(), warm: Some(WarmUp::default()) });
    let reply_scope = scope.clone();
    let on_message = Closure::<dyn FnMut(MessageEvent)>::new(move |event: MessageEvent| {
        let state = &mut *state.borrow_mut();
        if let Some((answer, read)) = handle(&reply_scope, state, &event.data()) {
            let _ = reply_scope.post_message(&answer);
            // Nothing in view: the officer is aiming, the page is idle.
            if !read
                && let Some(warm) = &mut state.warm
                && !warm.step(&mut state.decoder)
            {
                state.warm = None;
            }
        }
    });
    scope.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    // The worker lives as long as the page keeps it: so does its handler.
    on_message.forget();
    let ready = Object::new();
    set(&ready, "ready", true);
    let _ = scope.post_message(&ready);
}
