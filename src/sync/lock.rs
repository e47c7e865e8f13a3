//! One delivery at a time across tabs: the Web Locks API, asked with
//! `ifAvailable` so a tab that finds another one sending just skips its turn
//! (the server is idempotent anyway; the lock saves duplicate traffic).

use js_sys::{Function, Object, Promise, Reflect};
use std::cell::RefCell;
use std::rc::Rc;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;

const NAME: &str = "danhgia-sync";

fn locks() -> Option<JsValue> {
    Reflect::get(&web_sys::window()?.navigator(), &"locks".into()).ok().filter(|l| !l.is_undefined())
}

/// Whether this browser has Web Locks (secure contexts only): then a
/// delivery holding the lock knows that no other one is running anywhere.
pub fn available() -> bool {
    locks().is_some()
}

/// Runs `work` holding the lock; `None` if another tab holds it. Browsers
/// without Web Locks run it with the in-tab guard only.
pub async fn with_lock<F, R>(work: F) -> Option<R>
where
    F: std::future::Future<Output = R>,
{
    let Some(locks) = locks() else { return Some(work.await) };
    let Ok(request) = Reflect::get(&locks, &"request".into()).and_then(|f| f.dyn_into::<Function>()) else {
        return Some(work.await);
    };

    // `release` resolves the promise the lock callback returns: the lock is
    // held until then. `acquired` tells us whether the callback got a lock.
    let release: Rc<RefCell<Option<Function>>> = Rc::default();
    let held = {
        let release = release.clone();
        Promise::new(&mut move |resolve, _| *release.borrow_mut() = Some(resolve))
    };
    let acquired_resolve: Rc<RefCell<Option<Function>>> = Rc::default();
    let acquired = {
        let slot = acquired_resolve.clone();
        Promise::new(&mut move |resolve, _| *slot.borrow_mut() = Some(resolve))
    };
    let callback = Closure::once_into_js(move |lock: JsValue| -> JsValue {
        let got = !lock.is_null();
        if let Some(resolve) = acquired_resolve.borrow_mut().take() {
            let _ = resolve.call1(&JsValue::NULL, &JsValue::from_bool(got));
        }
        if got { held.into() } else { JsValue::UNDEFINED }
    });
    let options = Object::new();
    let _ = Reflect::set(&options, &"ifAvailable".into(), &JsValue::TRUE);
    let Ok(done) = request.call3(&locks, &NAME.into(), &options, &callback) else {
        return Some(work.await);
    };
    let got = JsFuture::from(acquired).await.ok().and_then(|v| v.as_bool()).unwrap_or(false);
    if !got {
        return None;
    }
    let result = work.await;
    if let Some(resolve) = release.borrow_mut().take() {
        let _ = resolve.call0(&JsValue::NULL);
    }
    let _ = JsFuture::from(Promise::from(done)).await;
    Some(result)
}
