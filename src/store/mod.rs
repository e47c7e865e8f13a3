//! IndexedDB: the outbox of rating records and the cache of dossiers seen,
//! so that a link opened once works offline.
//!
//! IndexedDB transactions close when the task yields to the event loop: every
//! function here computes first, then opens a transaction, makes only that
//! transaction's requests, and finishes it.

pub mod dossiers;
pub mod idb;
pub mod outbox;

use std::cell::RefCell;
use std::fmt;
use wasm_bindgen::prelude::*;
use web_sys::{IdbDatabase, IdbIndexParameters, IdbObjectStoreParameters, IdbTransaction};

const DB_NAME: &str = "danhgia";
/// Bump with every schema change, and add the step to [`upgrade`]: a device
/// may come from any earlier version, with its records.
/// 1: outbox (by_code, by_state), dossiers. 2: outbox by_state_time, by_time.
const DB_VERSION: u32 = 2;
pub const OUTBOX: &str = "outbox";
pub const DOSSIERS: &str = "dossiers";

#[derive(Debug, Clone, PartialEq)]
pub struct StoreError(pub String);

impl fmt::Display for StoreError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "storage: {}", self.0)
    }
}

impl From<serde_wasm_bindgen::Error> for StoreError {
    fn from(e: serde_wasm_bindgen::Error) -> Self {
        StoreError(e.to_string())
    }
}

struct Connection {
    db: IdbDatabase,
    closed: std::rc::Rc<std::cell::Cell<bool>>,
    // Closes this connection when another page (a newer build) upgrades the
    // database, so that we never block it; the next use opens it again.
    _on_versionchange: Closure<dyn FnMut()>,
}

thread_local! {
    static DB: RefCell<Option<Connection>> = const { RefCell::new(None) };
}

fn upgrade(db: &IdbDatabase, tx: &IdbTransaction, old: u32) -> Result<(), JsValue> {
    if old < 1 {
        let params = IdbObjectStoreParameters::new();
        params.set_key_path(&"id".into());
        let outbox = db.create_object_store_with_optional_parameters(OUTBOX, &params)?;
        outbox.create_index_with_str("by_code", "dossier_code")?;
        outbox.create_index_with_str("by_state", "state")?;
        let params = IdbObjectStoreParameters::new();
        params.set_key_path(&"code".into());
        db.create_object_store_with_optional_parameters(DOSSIERS, &params)?;
    }
    if old < 2 {
        let outbox = tx.object_store(OUTBOX)?;
        let path = js_sys::Array::of2(&"state".into(), &"created_at".into());
        outbox.create_index_with_str_sequence_and_optional_parameters(
            "by_state_time",
            &path,
            &IdbIndexParameters::new(),
        )?;
        outbox.create_index_with_str("by_time", "created_at")?;
    }
    Ok(())
}

/// The connection kept, if it is open.
fn kept() -> Option<IdbDatabase> {
    DB.with(|d| d.borrow().as_ref().filter(|c| !c.closed.get()).map(|c| c.db.clone()))
}

/// The database, opened (and upgraded) on first use.
pub async fn db() -> Result<IdbDatabase, StoreError> {
    if let Some(db) = kept() {
        return Ok(db);
    }
    let db = idb::open(DB_NAME, DB_VERSION, upgrade).await?;
    // Callers that came at once each opened a connection: the first one kept
    // is shared and the others closed (a connection left open without its
    // `versionchange` handler would block a newer version's upgrade).
    if let Some(kept) = kept() {
        db.close();
        return Ok(kept);
    }
    let closed = std::rc::Rc::new(std::cell::Cell::new(false));
    let on_versionchange = Closure::<dyn FnMut()>::new({
        let (db, closed) = (db.clone(), closed.clone());
        move || {
            db.close();
            closed.set(true);
        }
    });
    db.set_onversionchange(Some(on_versionchange.as_ref().unchecked_ref()));
    let connection = Connection { db: db.clone(), closed, _on_versionchange: on_versionchange };
    // An old, closed connection is dropped here, outside its own handler.
    let old = DB.with(|d| d.borrow_mut().replace(connection));
    drop(old);
    Ok(db)
}

/// Serialises to a plain JS object (maps as objects, as IndexedDB expects).
pub fn to_js<T: serde::Serialize>(value: &T) -> Result<JsValue, StoreError> {
    Ok(crate::json::to_js(value)?)
}

/// Reads a stored value. Stored data may come from an older version of the
/// app: anything that no longer parses is reported, left in place, skipped.
pub fn from_js<T: serde::de::DeserializeOwned>(value: JsValue) -> Option<T> {
    match crate::json::from_js(value) {
        Ok(v) => Some(v),
        Err(e) => {
            leptos::logging::warn!("skipping a stored record that does not parse: {e}");
            None
        }
    }
}
