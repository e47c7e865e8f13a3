//! A minimal IndexedDB layer over web-sys: open (and upgrade), requests as
//! futures, transactions awaited to their end, index counts and cursors.
//!
//! Hand-written instead of rexie: it is on the citizen's path, and what the
//! app needs is a page of code, not a crate with its own futures and error
//! types. The rule of IndexedDB holds: between opening a transaction and its
//! end, await nothing but that transaction's own requests (a request's future
//! resumes in a microtask of the request's event, so the transaction stays
//! active).

use super::StoreError;
use js_sys::{Array, Promise};
use std::cell::RefCell;
use std::rc::Rc;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;
use web_sys::{IdbCursorDirection, IdbCursorWithValue, IdbDatabase, IdbRequest, IdbTransaction, IdbTransactionMode};

pub use web_sys::IdbKeyRange as KeyRange;

fn err(what: &str, e: impl Into<JsValue>) -> StoreError {
    let e = e.into();
    let name = js_sys::Reflect::get(&e, &"name".into()).ok().and_then(|n| n.as_string());
    StoreError(format!("{what}: {}", name.or_else(|| e.as_string()).unwrap_or_else(|| "error".into())))
}

/// A promise with its resolve and reject functions.
fn deferred() -> (Promise, js_sys::Function, js_sys::Function) {
    let mut slots = None;
    let promise = Promise::new(&mut |resolve, reject| slots = Some((resolve, reject)));
    let (resolve, reject) =
        slots.unwrap_or_else(|| (js_sys::Function::new_no_args(""), js_sys::Function::new_no_args("")));
    (promise, resolve, reject)
}

/// Waits for a request's `success` (its result) or `error`.
pub async fn wait(req: &IdbRequest) -> Result<JsValue, StoreError> {
    let (promise, resolve, reject) = deferred();
    let on_event = Closure::<dyn FnMut(web_sys::Event)>::new(move |e: web_sys::Event| {
        let f = if e.type_() == "success" { &resolve } else { &reject };
        let _ = f.call0(&JsValue::NULL);
    });
    req.set_onsuccess(Some(on_event.as_ref().unchecked_ref()));
    req.set_onerror(Some(on_event.as_ref().unchecked_ref()));
    let outcome = JsFuture::from(promise).await;
    req.set_onsuccess(None);
    req.set_onerror(None);
    drop(on_event);
    match outcome {
        Ok(_) => req.result().map_err(|e| err("result", e)),
        Err(_) => Err(match req.error() {
            Ok(Some(e)) => err("request", e),
            _ => StoreError("request failed".into()),
        }),
    }
}

/// Waits until a transaction has committed (or failed).
pub async fn done(tx: &IdbTransaction) -> Result<(), StoreError> {
    let (promise, resolve, reject) = deferred();
    let on_event = Closure::<dyn FnMut(web_sys::Event)>::new(move |e: web_sys::Event| {
        let f = if e.type_() == "complete" { &resolve } else { &reject };
        let _ = f.call0(&JsValue::NULL);
    });
    tx.set_oncomplete(Some(on_event.as_ref().unchecked_ref()));
    tx.set_onerror(Some(on_event.as_ref().unchecked_ref()));
    tx.set_onabort(Some(on_event.as_ref().unchecked_ref()));
    let outcome = JsFuture::from(promise).await;
    tx.set_oncomplete(None);
    tx.set_onerror(None);
    tx.set_onabort(None);
    drop(on_event);
    outcome.map(|_| ()).map_err(|_| match tx.error() {
        Some(e) => err("transaction", e),
        None => StoreError("transaction aborted".into()),
    })
}

/// Opens `name` at `version`; `upgrade(db, tx, old_version)` creates what an
/// older database lacks.
pub async fn open(
    name: &str,
    version: u32,
    upgrade: impl Fn(&IdbDatabase, &IdbTransaction, u32) -> Result<(), JsValue> + 'static,
) -> Result<IdbDatabase, StoreError> {
    let factory = web_sys::window()
        .and_then(|w| w.indexed_db().ok().flatten())
        .ok_or_else(|| StoreError("IndexedDB is not available".into()))?;
    let req = factory.open_with_u32(name, version).map_err(|e| err("open", e))?;
    let failed: Rc<RefCell<Option<StoreError>>> = Rc::default();
    let on_upgrade = {
        let (req, failed) = (req.clone(), failed.clone());
        Closure::<dyn FnMut(web_sys::IdbVersionChangeEvent)>::new(move |e: web_sys::IdbVersionChangeEvent| {
            let db = req.result().ok().and_then(|d| d.dyn_into::<IdbDatabase>().ok());
            let tx = req.transaction();
            let (Some(db), Some(tx)) = (db, tx) else { return };
            if let Err(e) = upgrade(&db, &tx, e.old_version() as u32) {
                *failed.borrow_mut() = Some(err("upgrade", e));
                tx.abort().ok();
            }
        })
    };
    req.set_onupgradeneeded(Some(on_upgrade.as_ref().unchecked_ref()));
    let result = wait(&req).await;
    req.set_onupgradeneeded(None);
    drop(on_upgrade);
    if let Some(e) = failed.borrow_mut().take() {
        return Err(e);
    }
    result?.dyn_into::<IdbDatabase>().map_err(|_| StoreError("open: not a database".into()))
}

pub fn transaction(db: &IdbDatabase, store: &str, write: bool) -> Result<IdbTransaction, StoreError> {
    let mode = if write { IdbTransactionMode::Readwrite } else { IdbTransactionMode::Readonly };
    db.transaction_with_str_and_mode(store, mode).map_err(|e| err("transaction", e))
}

/// Collects up to `limit` values from a cursor request, in the event
/// handler itself (no await between steps).
pub async fn collect(req: IdbRequest, limit: usize) -> Result<Vec<JsValue>, StoreError> {
    let (promise, resolve, reject) = deferred();
    let found: Rc<RefCell<Vec<JsValue>>> = Rc::default();
    let on_event = {
        let (req, found) = (req.clone(), found.clone());
        Closure::<dyn FnMut(web_sys::Event)>::new(move |e: web_sys::Event| {
            if e.type_() != "success" {
                let _ = reject.call0(&JsValue::NULL);
                return;
            }
            let cursor = req.result().ok().and_then(|c| c.dyn_into::<IdbCursorWithValue>().ok());
            let Some(cursor) = cursor else {
                let _ = resolve.call0(&JsValue::NULL);
                return;
            };
            let mut found = found.borrow_mut();
            if let Ok(v) = cursor.value() {
                found.push(v);
            }
            if found.len() >= limit || cursor.continue_().is_err() {
                let _ = resolve.call0(&JsValue::NULL);
            }
        })
    };
    req.set_onsuccess(Some(on_event.as_ref().unchecked_ref()));
    req.set_onerror(Some(on_event.as_ref().unchecked_ref()));
    let outcome = JsFuture::from(promise).await;
    req.set_onsuccess(None);
    req.set_onerror(None);
    drop(on_event);
    outcome.map_err(|_| StoreError("cursor failed".into()))?;
    Ok(found.take())
}

pub fn direction(newest_first: bool) -> IdbCursorDirection {
    if newest_first { IdbCursorDirection::Prev } else { IdbCursorDirection::Next }
}

/// `[a, b]` as an IndexedDB key.
pub fn pair(a: &str, b: f64) -> JsValue {
    Array::of2(&JsValue::from_str(a), &JsValue::from_f64(b)).into()
}

/// Every key `[state, x]` of one state.
pub fn state_range(state: &str) -> Result<KeyRange, StoreError> {
    state_range_from(state, f64::NEG_INFINITY)
}

/// Every key `[state, x]` of one state with `x ≥ from`.
pub fn state_range_from(state: &str, from: f64) -> Result<KeyRange, StoreError> {
    KeyRange::bound(&pair(state, from), &pair(state, f64::INFINITY)).map_err(|e| err("key range", e))
}
