//! The outbox: every rating record from the moment it is made. A record
//! leaves the "pending" state only when the server has answered for it.

use super::{OUTBOX, StoreError, db, from_js, to_js};
use danhgia_core::rating::RatingRecord;
use danhgia_core::wire::{RecordResult, RecordStatus};
use rexie::TransactionMode;
use serde::{Deserialize, Serialize};
use wasm_bindgen::JsValue;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EntryState {
    /// Waiting to be delivered.
    Pending,
    /// The server holds it (accepted now or before).
    Sent,
    /// The dossier already had another rating; the server set this one aside.
    Conflict,
    /// Refused for a reason that retrying cannot fix.
    Rejected,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OutboxEntry {
    pub id: String,
    pub dossier_code: String,
    pub record: RatingRecord,
    pub state: EntryState,
    /// The server's reason code and message, for conflicts and rejections.
    pub reason: Option<String>,
    pub message: Option<String>,
    /// ms since the epoch.
    pub created_at: f64,
    pub updated_at: f64,
    pub attempts: u32,
}

impl OutboxEntry {
    pub fn new(record: RatingRecord) -> Self {
        let now = js_sys::Date::now();
        OutboxEntry {
            id: record.id.clone(),
            dossier_code: record.dossier_code.clone(),
            record,
            state: EntryState::Pending,
            reason: None,
            message: None,
            created_at: now,
            updated_at: now,
            attempts: 0,
        }
    }

    /// Applies the server's verdict on this record.
    pub fn settle(&mut self, result: &RecordResult) {
        self.state = match result.status {
            RecordStatus::Accepted | RecordStatus::Duplicate => EntryState::Sent,
            RecordStatus::Conflict => EntryState::Conflict,
            RecordStatus::Rejected => EntryState::Rejected,
        };
        self.reason = result.reason.clone();
        self.message = result.message.clone();
        self.updated_at = js_sys::Date::now();
    }
}

thread_local! {
    // Writes in progress: a new build must not take over in the middle of one.
    static WRITING: std::cell::Cell<u32> = const { std::cell::Cell::new(0) };
}

/// Whether the outbox is being written right now.
pub fn writing() -> bool {
    WRITING.with(|w| w.get() > 0)
}

pub async fn put(entries: &[OutboxEntry]) -> Result<(), StoreError> {
    let values = entries.iter().map(to_js).collect::<Result<Vec<_>, _>>()?;
    WRITING.with(|w| w.set(w.get() + 1));
    let result = async {
        let db = db().await?;
        let tx = db.transaction(&[OUTBOX], TransactionMode::ReadWrite)?;
        let store = tx.store(OUTBOX)?;
        for value in &values {
            store.put(value, None).await?;
        }
        tx.done().await?;
        Ok(())
    }
    .await;
    WRITING.with(|w| w.set(w.get() - 1));
    result
}

async fn by_index(index: &str, key: &str) -> Result<Vec<OutboxEntry>, StoreError> {
    let db = db().await?;
    let tx = db.transaction(&[OUTBOX], TransactionMode::ReadOnly)?;
    let range = rexie::KeyRange::only(&JsValue::from_str(key)).map_err(|e| StoreError(e.to_string()))?;
    let values = tx.store(OUTBOX)?.index(index)?.get_all(Some(range), None).await?;
    tx.done().await?;
    let mut entries: Vec<OutboxEntry> = values.into_iter().filter_map(from_js).collect();
    entries.sort_by(|a, b| a.created_at.total_cmp(&b.created_at));
    Ok(entries)
}

/// Records still to deliver, oldest first.
pub async fn pending() -> Result<Vec<OutboxEntry>, StoreError> {
    by_index("by_state", "pending").await
}

/// The latest record made on this device for a dossier.
pub async fn latest_for(code: &str) -> Result<Option<OutboxEntry>, StoreError> {
    Ok(by_index("by_code", code).await?.pop())
}

pub async fn get(id: &str) -> Result<Option<OutboxEntry>, StoreError> {
    let db = db().await?;
    let tx = db.transaction(&[OUTBOX], TransactionMode::ReadOnly)?;
    let value = tx.store(OUTBOX)?.get(JsValue::from_str(id)).await?;
    tx.done().await?;
    Ok(value.and_then(from_js))
}

/// Removes a record that was never sent; one that left "pending" stays.
pub async fn remove_unsent(id: &str) -> Result<bool, StoreError> {
    let Some(entry) = get(id).await? else { return Ok(false) };
    if entry.state != EntryState::Pending {
        return Ok(false);
    }
    let db = db().await?;
    let tx = db.transaction(&[OUTBOX], TransactionMode::ReadWrite)?;
    tx.store(OUTBOX)?.delete(JsValue::from_str(id)).await?;
    tx.done().await?;
    Ok(true)
}

/// Every record on this device, newest first.
pub async fn all() -> Result<Vec<OutboxEntry>, StoreError> {
    let db = db().await?;
    let tx = db.transaction(&[OUTBOX], TransactionMode::ReadOnly)?;
    let values = tx.store(OUTBOX)?.get_all(None, None).await?;
    tx.done().await?;
    let mut entries: Vec<OutboxEntry> = values.into_iter().filter_map(from_js).collect();
    entries.sort_by(|a, b| b.created_at.total_cmp(&a.created_at));
    Ok(entries)
}

/// Deletes a record, whatever its state (the user confirmed).
pub async fn discard(id: &str) -> Result<(), StoreError> {
    let db = db().await?;
    let tx = db.transaction(&[OUTBOX], TransactionMode::ReadWrite)?;
    tx.store(OUTBOX)?.delete(JsValue::from_str(id)).await?;
    tx.done().await?;
    Ok(())
}

/// Puts a parked record back in the queue.
pub async fn retry(id: &str) -> Result<(), StoreError> {
    let Some(mut entry) = get(id).await? else { return Ok(()) };
    entry.state = EntryState::Pending;
    entry.reason = None;
    entry.message = None;
    entry.updated_at = js_sys::Date::now();
    put(std::slice::from_ref(&entry)).await
}
