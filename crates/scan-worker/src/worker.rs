//! The scanner's Web Worker. The page posts RGBA crops of the camera's scan
//! region (`{id, frame, width, height, pixels: ArrayBuffer}`, the buffer
//! transferred, not copied); the worker answers `{id, text?, format?, ms}`.
//! It announces `{ready: true, preparedMs}` once its wasm runs and it has
//! got ready for a first frame (`prepare`), because messages posted before
//! that would be lost. A moment after answering a frame in which
//! nothing was read, if no other frame has come, it warms its decoder up a
//! step (`danhgia_scan::warm`).

use danhgia_scan::warm::WarmUp;
use danhgia_scan::{Decoder, Format, Pass};
use js_sys::{Object, Reflect};
use std::cell::RefCell;
use std::rc::Rc;
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
    warm: WarmUp,
    /// Frames answered so far.
    frames: u32,
}

/// How long after answering a frame in which nothing was read the worker
/// waits before a warm-up step: a frame that comes before then is not held
/// up by one (the page's loader sends its waiting frame as soon as an answer
/// arrives; the scanner's next comes 90 ms after its last).
const WARM_UP_DELAY_MS: i32 = 20;

/// A warm-up step [`WARM_UP_DELAY_MS`] from now, unless another frame has
/// been answered by then.
fn warm_up_later(scope: &DedicatedWorkerGlobalScope, state: &Rc<RefCell<State>>) {
    let (state, frames) = (state.clone(), state.borrow().frames);
    let step = Closure::once_into_js(move || {
        let State { decoder, warm, frames: answered, .. } = &mut *state.borrow_mut();
        if *answered == frames {
            warm.step(decoder);
        }
    });
    let _ = scope.set_timeout_with_callback_and_timeout_and_arguments_0(step.unchecked_ref(), WARM_UP_DELAY_MS);
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

/// The frame the worker gets ready for: 640 × 480, a landscape camera's
/// scan region scaled to 640 pixels wide (index.html's loader, `capture()`
/// in the counter's app) is at most this. A portrait camera's (576 × 768
/// from 720 × 1280) grows the buffer on its first frame.
const PREPARED: (u32, u32) = (640, 480);

/// Gets the worker ready for its first frame before it says it is ready:
/// the frame buffer is taken from the browser and written once, and a blank
/// frame is looked over in the thorough pass (the look's buffers, its code
/// compiled). Done on the first frame instead, this took 6–12 ms of it: a
/// fresh worker's first frame with no code now takes 0.3–0.7 ms, its first
/// QR frame 6–11 ms instead of 12–24 (the rest is rxing's code run for the
/// first time, which `warm` covers while idle). It costs 6–20 ms before the
/// worker is ready, which on opening the scanner comes well before the
/// camera's first frame. On this 2-core machine the page open did not
/// measurably change (form at 482 and 465 ms over 15 opens each way, 455
/// and 482 over 30: noise of ±20 ms); where a core is free while the app
/// starts it should only gain (not measured here). Decoding a small QR picture here too (`prime`, another
/// 12–30 ms) made the first QR frame 2–6 ms but the form 42 ms later over
/// 30 opens (496 against 454): not kept.
fn prepare(state: &mut State) {
    let (width, height) = PREPARED;
    state.rgba.resize(width as usize * height as usize * 4, 0);
    let _ = state.decoder.decode_rgba(&state.rgba, width, height, Pass::Thorough);
}

/// Listens for frames and says it is ready.
pub fn run() {
    let scope: DedicatedWorkerGlobalScope = js_sys::global().unchecked_into();
    let start = now(&scope);
    let mut state = State { decoder: Decoder::new(), rgba: Vec::new(), warm: WarmUp::default(), frames: 0 };
    prepare(&mut state);
    let prepared_ms = now(&scope) - start;
    let state = Rc::new(RefCell::new(state));
    let reply_scope = scope.clone();
    let on_message = Closure::<dyn FnMut(MessageEvent)>::new(move |event: MessageEvent| {
        let answered = {
            let state = &mut *state.borrow_mut();
            let answered = handle(&reply_scope, state, &event.data());
            if answered.is_some() {
                state.frames = state.frames.wrapping_add(1);
            }
            answered
        };
        if let Some((answer, read)) = answered {
            let _ = reply_scope.post_message(&answer);
            // Nothing in view: the officer is aiming, the page is idle.
            if !read && !state.borrow().warm.is_done() {
                warm_up_later(&reply_scope, &state);
            }
        }
    });
    scope.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    // The worker lives as long as the page keeps it: so does its handler.
    on_message.forget();
    let ready = Object::new();
    set(&ready, "ready", true);
    set(&ready, "preparedMs", prepared_ms);
    let _ = scope.post_message(&ready);
}
