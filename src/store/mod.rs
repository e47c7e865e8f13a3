//! IndexedDB (rexie): the outbox of rating records and the cache of dossiers
//! seen, so that a link opened once works offline.
//!
//! IndexedDB transactions close when the task yields to the event loop: every
//! function here computes first, then opens a transaction, makes only that
//! transaction's requests, and finishes it.

pub mod dossiers;
pub mod outbox;

use rexie::{Index, ObjectStore, Rexie};
use std::cell::RefCell;
use std::fmt;
use std::rc::Rc;

const DB_NAME: &str = "danhgia";
/// Bump with every schema change. rexie deletes stores not listed below on an
/// upgrade, so every store ever shipped must stay listed.
const DB_VERSION: u32 = 1;
pub const OUTBOX: &str = "outbox";
pub const DOSSIERS: &str = "dossiers";

#[derive(Debug, Clone)]
pub struct StoreError(pub String);

impl fmt::Display for StoreError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "storage: {}", self.0)
    }
}

impl From<rexie::Error> for StoreError {
    fn from(e: rexie::Error) -> Self {
        StoreError(e.to_string())
    }
}

impl From<serde_wasm_bindgen::Error> for StoreError {
    fn from(e: serde_wasm_bindgen::Error) -> Self {
        StoreError(e.to_string())
    }
}

thread_local! {
    static DB: RefCell<Option<Rc<Rexie>>> = const { RefCell::new(None) };
}

/// The database, opened (and upgraded) on first use.
pub async fn db() -> Result<Rc<Rexie>, StoreError> {
    if let Some(db) = DB.with(|d| d.borrow().clone()) {
        return Ok(db);
    }
    let db = Rc::new(
        Rexie::builder(DB_NAME)
            .version(DB_VERSION)
            .add_object_store(
                ObjectStore::new(OUTBOX)
                    .key_path("id")
                    .add_index(Index::new("by_code", "dossier_code"))
                    .add_index(Index::new("by_state", "state")),
            )
            .add_object_store(ObjectStore::new(DOSSIERS).key_path("code"))
            .build()
            .await?,
    );
    DB.with(|d| *d.borrow_mut() = Some(db.clone()));
    Ok(db)
}

/// Serialises to a plain JS object (maps as objects, as IndexedDB expects).
pub fn to_js<T: serde::Serialize>(value: &T) -> Result<wasm_bindgen::JsValue, StoreError> {
    Ok(value.serialize(&serde_wasm_bindgen::Serializer::new().serialize_maps_as_objects(true))?)
}

/// Reads a stored value. Stored data may come from an older version of the
/// app: anything that no longer parses is reported, left in place, skipped.
pub fn from_js<T: serde::de::DeserializeOwned>(value: wasm_bindgen::JsValue) -> Option<T> {
    match serde_wasm_bindgen::from_value(value) {
        Ok(v) => Some(v),
        Err(e) => {
            leptos::logging::warn!("skipping a stored record that does not parse: {e}");
            None
        }
    }
}
