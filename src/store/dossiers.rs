//! Dossiers seen, keyed by code, for opening a link again offline.

use super::{DOSSIERS, StoreError, db, from_js, idb, to_js};
use danhgia_core::wire::DossierPublic;
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
    let tx = idb::transaction(&db, DOSSIERS, false)?;
    let store = tx.object_store(DOSSIERS).map_err(|_| StoreError("no dossiers store".into()))?;
    let req = store.get(&JsValue::from_str(code)).map_err(|_| StoreError("get".into()))?;
    let value = idb::wait(&req).await?;
    Ok(if value.is_undefined() { None } else { from_js(value) })
}

pub async fn put(dossier: &DossierPublic) -> Result<(), StoreError> {
    put_all(std::slice::from_ref(dossier)).await
}

/// Stores a page of dossiers in one transaction.
pub async fn put_all(dossiers: &[DossierPublic]) -> Result<(), StoreError> {
    let now = js_sys::Date::now();
    let values = dossiers
        .iter()
        .map(|d| to_js(&CachedDossier { code: d.code.clone(), dossier: d.clone(), fetched_at: now }))
        .collect::<Result<Vec<_>, _>>()?;
    let db = db().await?;
    let tx = idb::transaction(&db, DOSSIERS, true)?;
    let store = tx.object_store(DOSSIERS).map_err(|_| StoreError("no dossiers store".into()))?;
    for value in &values {
        let req = store.put(value).map_err(|_| StoreError("put".into()))?;
        idb::wait(&req).await?;
    }
    idb::done(&tx).await
}

/// Forgets every dossier on this device (an account signed out).
pub async fn clear() -> Result<(), StoreError> {
    let db = db().await?;
    let tx = idb::transaction(&db, DOSSIERS, true)?;
    let store = tx.object_store(DOSSIERS).map_err(|_| StoreError("no dossiers store".into()))?;
    let req = store.clear().map_err(|_| StoreError("clear".into()))?;
    idb::wait(&req).await?;
    idb::done(&tx).await
}

/// Every dossier on this device (the agency's download and those opened),
/// for picking one at the counter.
pub async fn all() -> Result<Vec<CachedDossier>, StoreError> {
    let db = db().await?;
    let tx = idb::transaction(&db, DOSSIERS, false)?;
    let store = tx.object_store(DOSSIERS).map_err(|_| StoreError("no dossiers store".into()))?;
    let req = store.get_all().map_err(|_| StoreError("get_all".into()))?;
    let values: js_sys::Array = idb::wait(&req).await?.into();
    Ok(values.iter().filter_map(from_js::<CachedDossier>).collect())
}
