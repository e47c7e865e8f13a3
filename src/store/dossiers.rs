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

/// Stores a page of dossiers in one transaction.
pub async fn put_all(dossiers: &[DossierPublic]) -> Result<(), StoreError> {
    let now = js_sys::Date::now();
    let values = dossiers
        .iter()
        .map(|d| to_js(&CachedDossier { code: d.code.clone(), dossier: d.clone(), fetched_at: now }))
        .collect::<Result<Vec<_>, _>>()?;
    let db = db().await?;
    let tx = db.transaction(&[DOSSIERS], TransactionMode::ReadWrite)?;
    let store = tx.store(DOSSIERS)?;
    for value in &values {
        store.put(value, None).await?;
    }
    tx.done().await?;
    Ok(())
}
