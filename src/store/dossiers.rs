//! Dossiers seen, keyed by code, for opening a link again offline.

use super::{DOSSIERS, StoreError, db, from_js, to_js};
use danhgia_core::wire::DossierPublic;
use rexie::TransactionMode;
use serde::{Deserialize, Serialize};
use wasm_bindgen::JsValue;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CachedDossier {
    pub code: String,
    pub dossier: DossierPublic,
    /// When the server said this (ms since the epoch).
    pub fetched_at: f64,
}

pub async fn get(code: &str) -> Result<Option<CachedDossier>, StoreError> {
    let db = db().await?;
    let tx = db.transaction(&[DOSSIERS], TransactionMode::ReadOnly)?;
    let value = tx.store(DOSSIERS)?.get(JsValue::from_str(code)).await?;
    tx.done().await?;
    Ok(value.and_then(from_js))
}

pub async fn put(dossier: &DossierPublic) -> Result<(), StoreError> {
    let entry = CachedDossier { code: dossier.code.clone(), dossier: dossier.clone(), fetched_at: js_sys::Date::now() };
    let value = to_js(&entry)?;
    let db = db().await?;
    let tx = db.transaction(&[DOSSIERS], TransactionMode::ReadWrite)?;
    tx.store(DOSSIERS)?.put(&value, None).await?;
    tx.done().await?;
    Ok(())
}
