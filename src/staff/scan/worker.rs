//! The decoder worker, seen from the page: frames go out as transferred
//! buffers, results come back by message. Frames are sent only once the
//! worker has said it is ready, one at a time.

use js_sys::{Array, Object, Reflect};
use std::cell::{Cell, RefCell};
use std::rc::Rc;
use wasm_bindgen::prelude::*;
use web_sys::{MessageEvent, Worker};

/// Where Trunk puts the worker's loader (worker names are not hashed; the
/// service worker caches them per build), and that of the same decoder
/// built without wasm SIMD.
const LOADER: &str = "/scan-worker_loader.js";
const LOADER_SCALAR: &str = "/scan-worker-scalar_loader.js";

/// A module whose one function uses SIMD instructions (`i8x16.splat`, and
/// `i8x16.popcnt`, which early experimental SIMD in Chrome 84–90 lacked):
/// it validates only where the SIMD the worker is built with runs. (The
/// page's loader in `index.html` and the service worker make the same test.)
const SIMD_PROBE: [u8; 31] =
    [0, 97, 115, 109, 1, 0, 0, 0, 1, 5, 1, 96, 0, 1, 123, 3, 2, 1, 0, 10, 10, 1, 8, 0, 65, 0, 253, 15, 253, 98, 11];

/// The decoder this browser can run.
fn loader() -> &'static str {
    if js_sys::WebAssembly::validate(&js_sys::Uint8Array::from(&SIMD_PROBE[..]).into()).unwrap_or(false) {
        LOADER
    } else {
        LOADER_SCALAR
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Decoded {
    pub text: Option<String>,
    pub linear: bool,
    pub ms: f64,
}

pub struct DecoderWorker {
    worker: Worker,
    ready: Rc<Cell<bool>>,
    busy: Rc<Cell<bool>>,
    frame: Cell<u32>,
    _on_message: Closure<dyn FnMut(MessageEvent)>,
}

fn get(obj: &JsValue, key: &str) -> JsValue {
    Reflect::get(obj, &JsValue::from_str(key)).unwrap_or(JsValue::UNDEFINED)
}

impl DecoderWorker {
    /// Starts the worker; `on_result` gets each frame's outcome, `on_ready`
    /// is called once the decoder has loaded (the first frame can go).
    pub fn start(on_result: impl Fn(Decoded) + 'static, on_ready: impl Fn() + 'static) -> Result<Self, JsValue> {
        Ok(Self::adopt(Worker::new(loader())?, false, false, on_result, on_ready))
    }

    /// Takes over a worker started from [`LOADER`] elsewhere (the page's
    /// loader), `ready` if it has already said so, `busy` if it is decoding
    /// a frame sent before (its answer comes to `on_result`).
    pub fn adopt(
        worker: Worker,
        ready: bool,
        busy: bool,
        on_result: impl Fn(Decoded) + 'static,
        on_ready: impl Fn() + 'static,
    ) -> Self {
        let ready = Rc::new(Cell::new(ready));
        let busy = Rc::new(Cell::new(busy));
        let on_result = RefCell::new(on_result);
        let (r, b) = (ready.clone(), busy.clone());
        let on_message = Closure::<dyn FnMut(MessageEvent)>::new(move |event: MessageEvent| {
            let data = event.data();
            if get(&data, "ready").as_bool() == Some(true) {
                r.set(true);
                on_ready();
                return;
            }
            b.set(false);
            let decoded = Decoded {
                text: get(&data, "text").as_string(),
                linear: get(&data, "linear").as_bool().unwrap_or(false),
                ms: get(&data, "ms").as_f64().unwrap_or(0.0),
            };
            (on_result.borrow())(decoded);
        });
        worker.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
        DecoderWorker { worker, ready, busy, frame: Cell::new(0), _on_message: on_message }
    }

    /// Ready for another frame (started, and not decoding one).
    pub fn idle(&self) -> bool {
        self.ready.get() && !self.busy.get()
    }

    /// Sends an RGBA frame; its buffer is transferred, not copied.
    pub fn send(&self, pixels: &js_sys::ArrayBuffer, width: u32, height: u32) -> Result<(), JsValue> {
        let n = self.frame.get().wrapping_add(1);
        self.frame.set(n);
        let msg = Object::new();
        for (key, value) in [
            ("id", JsValue::from(n)),
            ("frame", JsValue::from(n)),
            ("width", JsValue::from(width)),
            ("height", JsValue::from(height)),
            ("pixels", pixels.into()),
        ] {
            Reflect::set(&msg, &JsValue::from_str(key), &value)?;
        }
        self.worker.post_message_with_transfer(&msg, &Array::of1(pixels))?;
        self.busy.set(true);
        Ok(())
    }
}

impl Drop for DecoderWorker {
    fn drop(&mut self) {
        self.worker.set_onmessage(None);
        self.worker.terminate();
    }
}
