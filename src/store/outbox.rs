//! The outbox: every rating record from the moment it is made. A record
//! leaves the "pending" state only when the server has answered for it.
//!
//! This module is the outbox's only writer. Pages and the sync engine call
//! its operations (add, edit, retry, remove, discard; claim, settle, release
//! for delivery) and never put records themselves. Each operation is one
//! IndexedDB transaction that reads the record, checks its `version` (and
//! whether a delivery holds it), and writes it back with the version bumped,
//! so a write based on a stale copy fails instead of overwriting.

use super::idb::{self, KeyRange};
use super::{OUTBOX, StoreError, db, from_js, to_js};
use danhgia_core::rating::{RatingRecord, Reason};
use danhgia_core::wire::{RecordResult, RecordStatus};
use serde::{Deserialize, Serialize};
use std::cell::{Cell, RefCell};
use wasm_bindgen::JsValue;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EntryState {
    /// Waiting to be delivered.
    Pending,
    /// Delivered: the server holds it (accepted now or before), or answered
    /// that it does not keep it (`Shown::NotKept`).
    Sent,
    /// The dossier already had another rating; the server set this one aside.
    Conflict,
    /// Refused for a reason that retrying cannot fix.
    Rejected,
}

impl EntryState {
    fn key(self) -> &'static str {
        match self {
            EntryState::Pending => "pending",
            EntryState::Sent => "sent",
            EntryState::Conflict => "conflict",
            EntryState::Rejected => "rejected",
        }
    }
}

/// A delivery that has not settled its claim after this long died with its
/// tab; another may take the records over.
const CLAIM_LEASE_MS: f64 = 60_000.0;

/// An entry as the screens show it (derived from `EntryState` and the
/// server's reason, never stored).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shown {
    Pending,
    Sent,
    /// Delivered, but not kept: the server answered "duplicate" with the
    /// reason `already_rated`, the dossier already holding its ratings of this
    /// channel (a paper slip transcribed again after one was set aside for the
    /// office). A replay of a record the server keeps has no reason.
    NotKept,
    Conflict,
    Rejected,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OutboxEntry {
    pub id: String,
    pub dossier_code: String,
    pub record: RatingRecord,
    pub state: EntryState,
    /// The server's reason code and message, for conflicts, rejections and
    /// records not kept.
    pub reason: Option<String>,
    pub message: Option<String>,
    /// ms since the epoch.
    pub created_at: f64,
    pub updated_at: f64,
    pub attempts: u32,
    /// Bumped by every write; a write based on another version is refused.
    /// (Records of builds before it have none: 0.)
    #[serde(default)]
    pub version: u32,
    /// Set while a delivery has the record in a request (ms since the epoch).
    #[serde(default)]
    pub sending_since: Option<f64>,
    /// The account that queued it, for paper slips and kiosk ratings: they
    /// go with its session only, and only it changes them. On a shared
    /// tablet the next officer's session would otherwise send them, credited
    /// to the wrong officer or refused for another agency. `None` for
    /// citizens' ratings, and records of builds before it (sent as before).
    #[serde(default)]
    pub owner: Option<String>,
}

impl OutboxEntry {
    fn new(record: RatingRecord, owner: Option<String>) -> Self {
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
            version: 1,
            sending_since: None,
            owner,
        }
    }

    /// The account `by` may send and change it: it queued it, or nobody did.
    pub fn is_for(&self, by: Option<&str>) -> bool {
        self.owner.is_none() || self.owner.as_deref() == by
    }

    /// What the entry is to whoever made it: its state, with a delivered
    /// record the server did not keep told apart (see `Shown::NotKept`).
    pub fn shown(&self) -> Shown {
        match self.state {
            EntryState::Pending => Shown::Pending,
            EntryState::Sent if self.reason.as_deref().and_then(Reason::from_code) == Some(Reason::AlreadyRated) => {
                Shown::NotKept
            }
            EntryState::Sent => Shown::Sent,
            EntryState::Conflict => Shown::Conflict,
            EntryState::Rejected => Shown::Rejected,
        }
    }

    /// A delivery holds it now (its claim has not run out).
    pub fn is_sending(&self, now: f64) -> bool {
        self.sending_since.is_some_and(|t| now - t < CLAIM_LEASE_MS && t <= now)
    }

    /// Applies the server's verdict on this record.
    /// Same record, state and verdict: only delivery bookkeeping differs.
    fn same_content(&self, other: &OutboxEntry) -> bool {
        self.state == other.state
            && self.record == other.record
            && self.reason == other.reason
            && self.message == other.message
    }

    fn settle(&mut self, result: &RecordResult) {
        self.state = match result.status {
            RecordStatus::Accepted | RecordStatus::Duplicate => EntryState::Sent,
            RecordStatus::Conflict => EntryState::Conflict,
            RecordStatus::Rejected => EntryState::Rejected,
        };
        self.reason = result.reason.clone();
        self.message = result.message.clone();
    }
}

/// Why an operation did not happen. Nothing was written.
#[derive(Debug, Clone, PartialEq)]
pub enum Refusal {
    /// No such record (discarded meanwhile).
    Gone,
    /// A delivery has it in a request right now: the content being sent is
    /// the one from before.
    Sending,
    /// The server already holds it; it can no longer change.
    AlreadySent,
    /// It changed since it was read (another tab, or a delivery settled it).
    Changed,
    /// Another account queued it on this device.
    NotYours,
    Store(StoreError),
}

// Written out, not `{:?}`: Debug's string escaping is kilobytes of the
// citizen's download.
impl std::fmt::Display for Refusal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Refusal::Gone => f.write_str("the record is gone"),
            Refusal::Sending => f.write_str("the record is being sent"),
            Refusal::AlreadySent => f.write_str("the record was already sent"),
            Refusal::Changed => f.write_str("the record changed meanwhile"),
            Refusal::NotYours => f.write_str("another account entered the record"),
            Refusal::Store(e) => e.fmt(f),
        }
    }
}

impl From<StoreError> for Refusal {
    fn from(e: StoreError) -> Self {
        Refusal::Store(e)
    }
}

thread_local! {
    // Writes in progress: a new build must not take over in the middle of one.
    static WRITING: Cell<u32> = const { Cell::new(0) };
    // Told after every write (the sync engine refreshes views and tabs).
    static ON_CHANGE: RefCell<Option<Box<dyn Fn()>>> = const { RefCell::new(None) };
}

/// Whether the outbox is being written right now.
pub fn writing() -> bool {
    WRITING.with(|w| w.get() > 0)
}

/// Called after every write of the outbox.
pub fn on_change(f: impl Fn() + 'static) {
    ON_CHANGE.with(|c| *c.borrow_mut() = Some(Box::new(f)));
}

fn changed() {
    ON_CHANGE.with(|c| {
        if let Some(f) = c.borrow().as_ref() {
            f();
        }
    });
}

/// Runs one read-write transaction on the outbox: `work` gets its store and
/// may only make that store's requests.
async fn write<T, F, Fut>(work: F) -> Result<T, Refusal>
where
    F: FnOnce(web_sys::IdbObjectStore) -> Fut,
    Fut: std::future::Future<Output = Result<T, Refusal>>,
{
    WRITING.with(|w| w.set(w.get() + 1));
    let result = async {
        let db = db().await?;
        let tx = idb::transaction(&db, OUTBOX, true)?;
        let store = tx.object_store(OUTBOX).map_err(|_| StoreError("no outbox store".into()))?;
        match work(store).await {
            Ok(value) => {
                idb::done(&tx).await?;
                Ok(value)
            }
            Err(refusal) => {
                // Nothing of a refused operation is kept.
                let _ = tx.abort();
                Err(refusal)
            }
        }
    }
    .await;
    WRITING.with(|w| w.set(w.get() - 1));
    if result.is_ok() {
        changed();
    }
    result
}

async fn read(store: &web_sys::IdbObjectStore, id: &str) -> Result<Option<OutboxEntry>, StoreError> {
    let req = store.get(&JsValue::from_str(id)).map_err(|_| StoreError("get".into()))?;
    let value = idb::wait(&req).await?;
    Ok(if value.is_undefined() { None } else { from_js(value) })
}

async fn put(store: &web_sys::IdbObjectStore, entry: &OutboxEntry) -> Result<(), StoreError> {
    let req = store.put(&to_js(entry)?).map_err(|_| StoreError("put".into()))?;
    idb::wait(&req).await.map(|_| ())
}

/// Reads the record and checks it is still what the caller saw. A delivery
/// attempt that reached no verdict (offline, a lost answer) moves the version
/// on but leaves the content, state and reason as they were: what the caller
/// saw is still what is there, so that alone does not refuse the operation.
async fn checked(
    store: &web_sys::IdbObjectStore,
    seen: &OutboxEntry,
    by: Option<&str>,
) -> Result<OutboxEntry, Refusal> {
    still_as_seen(read(store, &seen.id).await?.ok_or(Refusal::Gone)?, seen, by)
}

/// [`checked`]'s judgement of a record already read.
fn still_as_seen(entry: OutboxEntry, seen: &OutboxEntry, by: Option<&str>) -> Result<OutboxEntry, Refusal> {
    if !entry.is_for(by) {
        return Err(Refusal::NotYours);
    }
    if entry.is_sending(js_sys::Date::now()) {
        return Err(Refusal::Sending);
    }
    if entry.version == seen.version || entry.same_content(seen) {
        return Ok(entry);
    }
    if matches!(entry.state, EntryState::Sent | EntryState::Conflict) {
        return Err(Refusal::AlreadySent);
    }
    Err(Refusal::Changed)
}

/// Back in the queue, the server's last reason for it forgotten.
fn requeue(entry: &mut OutboxEntry) {
    entry.state = EntryState::Pending;
    entry.reason = None;
    entry.message = None;
}

fn bump(entry: &mut OutboxEntry) {
    entry.version = entry.version.wrapping_add(1);
    entry.updated_at = js_sys::Date::now();
}

/// Stores a new record, pending. A record with the same id is never replaced.
/// `owner`: the signed-in account, for a paper slip or a kiosk rating.
pub async fn add(record: RatingRecord, owner: Option<String>) -> Result<OutboxEntry, Refusal> {
    let entry = OutboxEntry::new(record, owner);
    let value = to_js(&entry)?;
    write(|store| async move {
        let req = store.add(&value).map_err(|_| StoreError("add".into()))?;
        idb::wait(&req).await?;
        Ok(entry)
    })
    .await
}

/// Replaces the answers of a record not yet delivered (pending, or parked
/// with the server's reason), based on the `version` the editor read. A
/// record being sent, or already delivered, is refused: its content on the
/// server is the one before the edit, and the outbox keeps saying so.
pub async fn edit(seen: &OutboxEntry, record: RatingRecord, by: Option<&str>) -> Result<OutboxEntry, Refusal> {
    write(|store| async move {
        let mut entry = checked(&store, seen, by).await?;
        if matches!(entry.state, EntryState::Sent | EntryState::Conflict) {
            return Err(Refusal::AlreadySent);
        }
        entry.record = record;
        requeue(&mut entry);
        bump(&mut entry);
        put(&store, &entry).await?;
        Ok(entry)
    })
    .await
}

/// Puts a parked record back in the queue.
pub async fn retry(seen: &OutboxEntry, by: Option<&str>) -> Result<(), Refusal> {
    write(|store| async move {
        let mut entry = checked(&store, seen, by).await?;
        if entry.state != EntryState::Rejected {
            return Err(Refusal::Changed);
        }
        requeue(&mut entry);
        bump(&mut entry);
        put(&store, &entry).await?;
        Ok(())
    })
    .await
}

/// Removes a record that was never sent (and is not being sent).
pub async fn remove_unsent(seen: &OutboxEntry, by: Option<&str>) -> Result<(), Refusal> {
    write(|store| async move {
        let entry = checked(&store, seen, by).await?;
        if entry.state != EntryState::Pending {
            return Err(Refusal::AlreadySent);
        }
        let req = store.delete(&JsValue::from_str(&entry.id)).map_err(|_| StoreError("delete".into()))?;
        idb::wait(&req).await?;
        Ok(())
    })
    .await
}

/// Deletes a record whatever its state (the user confirmed), unless it is
/// being sent or changed since the user saw it.
pub async fn discard(seen: &OutboxEntry, by: Option<&str>) -> Result<(), Refusal> {
    write(|store| async move {
        let entry = checked(&store, seen, by).await?;
        let req = store.delete(&JsValue::from_str(&entry.id)).map_err(|_| StoreError("delete".into()))?;
        idb::wait(&req).await?;
        Ok(())
    })
    .await
}

/// Hands a record that another account queued on this device to `by`, who
/// confirmed it, told whose it was (that account may never sign in here
/// again): from then on it goes with `by`'s session, the server records `by`
/// as the account that entered it, and only `by` changes it. Refused if it is
/// being sent, was delivered, or changed or changed hands since it was seen.
pub async fn hand_to(seen: &OutboxEntry, by: &str) -> Result<OutboxEntry, Refusal> {
    write(|store| async move {
        // Taken over by someone else meanwhile: it changed, whoever has it now.
        let entry = read(&store, &seen.id).await?.ok_or(Refusal::Gone)?;
        if entry.owner != seen.owner {
            return Err(Refusal::Changed);
        }
        let mut entry = still_as_seen(entry, seen, seen.owner.as_deref())?;
        if matches!(entry.state, EntryState::Sent | EntryState::Conflict) {
            return Err(Refusal::AlreadySent);
        }
        entry.owner = Some(by.to_owned());
        // Parked with the server's reason for its old owner: it goes again,
        // now with `by`'s session (refused again, it is `by`'s to fix).
        requeue(&mut entry);
        bump(&mut entry);
        put(&store, &entry).await?;
        Ok(entry)
    })
    .await
}

/// What a delivery claimed: the records to send, as claimed.
#[derive(Debug, Default)]
pub struct Claim {
    pub entries: Vec<OutboxEntry>,
    /// Paper slips (or kiosk ratings) were left waiting (no valid session to send them with).
    pub paper_waiting: bool,
}

/// Claims up to `limit` pending records, oldest first, for one request: they
/// are marked as being sent, so an edit meanwhile is refused. `sender`: the
/// account whose session sends them, if any: paper slips and kiosk ratings
/// go with the session of the account that queued them only; another
/// account's wait for it. `take_over`: claims of others are stale (this
/// delivery holds the cross-tab lock). `in_flight`: this delivery's own
/// claim whose request is under way (the next batch is claimed meanwhile),
/// never claimed twice, whatever `take_over`.
pub async fn claim(
    limit: usize,
    sender: Option<&str>,
    take_over: bool,
    in_flight: &[OutboxEntry],
) -> Result<Claim, StoreError> {
    let result = write(|store| async move {
        let now = js_sys::Date::now();
        let index = store.index("by_state_time").map_err(|_| StoreError("no by_state_time index".into()))?;
        // Those in flight are the oldest pending ones: the look starts at
        // the newest of them (a record older than that and left out here is
        // found by the claim after the last request, which starts at the
        // beginning).
        let from = in_flight.iter().map(|e| e.created_at).fold(f64::NEG_INFINITY, f64::max);
        let range = idb::state_range_from(EntryState::Pending.key(), from)?;
        let mut claim = Claim::default();
        // The claimed records as stored, to mark them on.
        let mut stored = Vec::new();
        // A few more than needed, for those another delivery holds and paper
        // slips that wait (signed out, or another account's); four times as
        // many each time that was not enough.
        let mut want = (limit + limit / 4).max(1) as u32;
        let id_key = JsValue::from_str("id");
        loop {
            let req = index.get_all_with_key_and_limit(&range, want).map_err(|_| StoreError("get_all".into()))?;
            let values: js_sys::Array = idb::wait(&req).await?.into();
            let seen = values.length();
            for value in values.iter() {
                if claim.entries.len() >= limit {
                    break;
                }
                // Those in flight, and those taken on an earlier look, are
                // known by their key: not read in full again.
                let id = js_sys::Reflect::get(&value, &id_key).ok().and_then(|v| v.as_string());
                if id.is_some_and(|id| in_flight.iter().chain(&claim.entries).any(|e| e.id == id)) {
                    continue;
                }
                let Some(entry) = from_js::<OutboxEntry>(value.clone()) else { continue };
                // Paper slips and kiosk ratings go with their officer's session only.
                if entry.record.channel.needs_staff_device() {
                    if sender.is_none() {
                        claim.paper_waiting = true;
                        continue;
                    }
                    if !entry.is_for(sender) {
                        continue;
                    }
                }
                if entry.is_sending(now) && !take_over {
                    continue;
                }
                claim.entries.push(entry);
                stored.push(value);
            }
            if claim.entries.len() < limit && seen >= want {
                want = want.saturating_mul(4);
            } else {
                break;
            }
        }
        for (entry, stored) in claim.entries.iter_mut().zip(&stored) {
            entry.sending_since = Some(now);
            entry.attempts = entry.attempts.saturating_add(1);
            bump(entry);
            put_bookkeeping(&store, stored, entry)?;
        }
        Ok(claim)
    })
    .await;
    result.map_err(|r| match r {
        Refusal::Store(e) => e,
        other => StoreError(other.to_string()),
    })
}

/// Ends a claim: each record the server answered for gets its verdict; the
/// others go back to waiting. A record whose version moved on since the
/// claim is left as it is.
pub async fn settle(claimed: &[OutboxEntry], answer: Option<&[RecordResult]>) -> Result<(), StoreError> {
    finish(claimed, &move |at, entry| {
        if let Some(result) = answer.and_then(|a| find_result(a, at, &entry.id)) {
            entry.settle(result);
        }
    })
    .await
}

/// The server's verdict on the record sent `at` that place of the batch. It
/// answers in the order sent, so that place is looked at first (looking
/// through every answer for each record of the batch was quadratic).
pub fn find_result<'a>(answer: &'a [RecordResult], at: usize, id: &str) -> Option<&'a RecordResult> {
    answer.get(at).filter(|r| r.id == id).or_else(|| answer.iter().find(|r| r.id == id))
}

/// Gives back a claim whose request was never made (the delivery stopped
/// before its turn): the records wait again, their tries as they were.
pub async fn release(claimed: &[OutboxEntry]) -> Result<(), StoreError> {
    finish(claimed, &|_, entry| entry.attempts = entry.attempts.saturating_sub(1)).await
}

/// The whole request was refused (it should never be): the records are
/// parked with the reason rather than retried forever.
pub async fn refuse(claimed: &[OutboxEntry], code: &str, message: &str) -> Result<(), StoreError> {
    finish(claimed, &move |_, entry| {
        entry.state = EntryState::Rejected;
        entry.reason = Some(code.to_owned());
        entry.message = Some(message.to_owned());
    })
    .await
}

/// Puts `entry` by writing what a delivery changes (state, verdict, tries,
/// version, claim) onto `stored`, its value as read in this transaction,
/// rather than converting the whole record again: a bulk delivery writes
/// every record twice (claimed, then settled), and the conversion was a
/// third of the work. The names are `OutboxEntry`'s fields as serde writes
/// them; the record's content (`record`, `owner`, the ids) is left as stored.
///
/// The put is not waited for: IndexedDB carries a transaction's requests out
/// in order, and a failed one aborts the transaction, which [`write`] then
/// reports: nothing of it is kept. (Waiting for each put was a round trip to
/// the database per record: most of the time of a long delivery.)
fn put_bookkeeping(store: &web_sys::IdbObjectStore, stored: &JsValue, entry: &OutboxEntry) -> Result<(), StoreError> {
    let text = |t: &Option<String>| t.as_deref().map_or(JsValue::NULL, JsValue::from_str);
    let fields = [
        ("state", JsValue::from_str(entry.state.key())),
        ("reason", text(&entry.reason)),
        ("message", text(&entry.message)),
        ("updated_at", JsValue::from_f64(entry.updated_at)),
        ("attempts", JsValue::from(entry.attempts)),
        ("version", JsValue::from(entry.version)),
        ("sending_since", entry.sending_since.map_or(JsValue::NULL, JsValue::from_f64)),
    ];
    for (name, value) in fields {
        js_sys::Reflect::set(stored, &JsValue::from_str(name), &value).map_err(|_| StoreError("set".into()))?;
    }
    store.put(stored).map(drop).map_err(|_| StoreError("put".into()))
}

/// `apply`: what the claim's end does to each record still as claimed. (A
/// `dyn`: one copy of this for settle, refuse and release, in the citizens'
/// download too.)
async fn finish(claimed: &[OutboxEntry], apply: &dyn Fn(usize, &mut OutboxEntry)) -> Result<(), StoreError> {
    if claimed.is_empty() {
        return Ok(());
    }
    let result = write(|store| async move {
        // Every record asked for at once, not one after the other: requests
        // are carried out in order, so once the last one has its answer, all
        // have (and if one failed, the transaction aborted and so did the
        // last one).
        let requests = claimed
            .iter()
            .map(|claim| store.get(&JsValue::from_str(&claim.id)).map_err(|_| StoreError("get".into())))
            .collect::<Result<Vec<_>, _>>()?;
        if let Some(last) = requests.last() {
            idb::wait(last).await?;
        }
        for (at, (claim, req)) in claimed.iter().zip(&requests).enumerate() {
            // Every write bumps the version: a record still at the claim's
            // version is the claimed one, so only its version is read (not
            // the whole record, again, for each record of the batch).
            let stored = req.result().map_err(|_| StoreError("get".into()))?;
            let version = js_sys::Reflect::get(&stored, &JsValue::from_str("version")).ok().and_then(|v| v.as_f64());
            if stored.is_undefined() || version != Some(f64::from(claim.version)) {
                continue;
            }
            let mut entry = claim.clone();
            apply(at, &mut entry);
            entry.sending_since = None;
            bump(&mut entry);
            put_bookkeeping(&store, &stored, &entry)?;
        }
        Ok(())
    })
    .await;
    result.map_err(|r| match r {
        Refusal::Store(e) => e,
        other => StoreError(other.to_string()),
    })
}

async fn read_only() -> Result<web_sys::IdbObjectStore, StoreError> {
    let db = db().await?;
    let tx = idb::transaction(&db, OUTBOX, false)?;
    tx.object_store(OUTBOX).map_err(|_| StoreError("no outbox store".into()))
}

fn index(store: &web_sys::IdbObjectStore, name: &str) -> Result<web_sys::IdbIndex, StoreError> {
    store.index(name).map_err(|_| StoreError(format!("no {name} index")))
}

pub async fn get(id: &str) -> Result<Option<OutboxEntry>, StoreError> {
    read(&read_only().await?, id).await
}

/// The latest record made on this device for a dossier.
pub async fn latest_for(code: &str) -> Result<Option<OutboxEntry>, StoreError> {
    let store = read_only().await?;
    let range = KeyRange::only(&JsValue::from_str(code)).map_err(|_| StoreError("key range".into()))?;
    let req = index(&store, "by_code")?.get_all_with_key(&range).map_err(|_| StoreError("get_all".into()))?;
    let values: js_sys::Array = idb::wait(&req).await?.into();
    Ok(values.iter().filter_map(from_js::<OutboxEntry>).max_by(|a, b| a.created_at.total_cmp(&b.created_at)))
}

/// How many records are in each state.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Counts {
    pub pending: u32,
    pub rejected: u32,
    pub conflict: u32,
    pub sent: u32,
}

impl Counts {
    pub fn all(&self) -> u32 {
        self.pending + self.rejected + self.conflict + self.sent
    }
}

/// Counts by state, without reading the records (a device may hold thousands).
pub async fn counts() -> Result<Counts, StoreError> {
    let store = read_only().await?;
    let index = index(&store, "by_state")?;
    let mut counts = Counts::default();
    for (state, slot) in [
        (EntryState::Pending, &mut counts.pending),
        (EntryState::Rejected, &mut counts.rejected),
        (EntryState::Conflict, &mut counts.conflict),
        (EntryState::Sent, &mut counts.sent),
    ] {
        let req = index.count_with_key(&JsValue::from_str(state.key())).map_err(|_| StoreError("count".into()))?;
        *slot = idb::wait(&req).await?.as_f64().unwrap_or(0.0) as u32;
    }
    Ok(counts)
}

/// The newest `limit` records, newest first.
pub async fn newest(limit: usize) -> Result<Vec<OutboxEntry>, StoreError> {
    let store = read_only().await?;
    let req = index(&store, "by_time")?
        .open_cursor_with_range_and_direction(&JsValue::UNDEFINED, idb::direction(true))
        .map_err(|_| StoreError("cursor".into()))?;
    Ok(idb::collect(req, limit).await?.into_iter().filter_map(from_js).collect())
}

/// Every record not delivered (pending, parked or set aside), oldest first:
/// for the export of what has not been sent.
pub async fn undelivered() -> Result<Vec<OutboxEntry>, StoreError> {
    let store = read_only().await?;
    let index = index(&store, "by_state_time")?;
    let mut out = Vec::new();
    for state in [EntryState::Pending, EntryState::Rejected, EntryState::Conflict] {
        let req =
            index.get_all_with_key(&idb::state_range(state.key())?.into()).map_err(|_| StoreError("get_all".into()))?;
        let values: js_sys::Array = idb::wait(&req).await?.into();
        out.extend(values.iter().filter_map(from_js::<OutboxEntry>));
    }
    Ok(out)
}
