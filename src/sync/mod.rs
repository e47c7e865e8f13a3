//! The sync engine: delivers the outbox. A record leaves "pending" only when
//! the server answered for it. Network errors, timeouts and 5xx are retried
//! with backoff and never dropped; a refusal of one record parks it in
//! "needs attention"; a refused session (401) pauses paper slips until the
//! officer signs in again. Triggers: start, `online`, the page becoming
//! visible, a backoff timer, "sync now", and every new record. One delivery
//! at a time, across tabs too.

pub mod backoff;
mod lock;

use crate::api::{self, ApiErr};
use crate::session::{CurrentSession, NeedsSignIn};
use crate::store::outbox;
use danhgia_core::rating::MAX_BATCH;
use danhgia_core::wire::RatingBatch;

/// Records per request: the server's limit. Under heavy faults a few lucky
/// requests must carry the queue, and a request that is lost costs only a
/// replay (answered "duplicate"). 100 records are about 40 KB of JSON.
const BATCH: usize = MAX_BATCH;

/// While another tab delivers, look again after this long (if that tab is
/// closed mid-way, this one carries on).
const BUSY_RECHECK_MS: u64 = 3_000;
use leptos::prelude::*;
use std::cell::{Cell, RefCell};
use std::time::Duration;
use wasm_bindgen::prelude::*;

/// Bumped whenever the outbox changes (here or in another tab), so that
/// views showing it refresh.
#[derive(Clone, Copy)]
pub struct OutboxChanged(pub RwSignal<u32>);

impl OutboxChanged {
    /// Tracks changes (for effects).
    pub fn track(self) -> u32 {
        self.0.get()
    }

    fn bump(self) {
        self.0.update(|n| *n = n.wrapping_add(1));
    }

    /// This tab changed the outbox: refresh views here and in other tabs.
    /// At most about twice a second: a bulk delivery settles hundreds of
    /// batches, and every refresh reads the outbox again.
    pub fn notify(self) {
        let now = js_sys::Date::now();
        if now - LAST_NOTIFY.with(Cell::get) >= NOTIFY_EVERY_MS {
            LAST_NOTIFY.with(|l| l.set(now));
            self.bump();
            CHANNEL.with(|c| {
                if let Some((c, _)) = c.borrow().as_ref() {
                    let _ = c.post_message(&JsValue::from_str("changed"));
                }
            });
        } else if !NOTIFY_PENDING.with(|p| p.replace(true)) {
            let wait = NOTIFY_EVERY_MS - (now - LAST_NOTIFY.with(Cell::get));
            let _ = set_timeout_with_handle(
                move || {
                    NOTIFY_PENDING.with(|p| p.set(false));
                    self.notify();
                },
                Duration::from_millis(wait.max(0.0) as u64),
            );
        }
    }
}

/// What the last delivery attempt found, for the outbox screen.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SyncStatus {
    /// Records of the batch in flight.
    pub sending: Vec<String>,
    /// The last attempt could not reach the server (or it failed).
    pub failing: bool,
    /// When the next automatic attempt is due (ms since the epoch).
    pub next_attempt_at: Option<f64>,
    /// When the server last answered (ms since the epoch).
    pub last_success_at: Option<f64>,
}

/// What delivery needs from the app; `Copy`, so any view can start one.
#[derive(Clone, Copy)]
pub struct Sync {
    pub changed: OutboxChanged,
    pub session: CurrentSession,
    pub needs_sign_in: NeedsSignIn,
    pub status: RwSignal<SyncStatus>,
}

thread_local! {
    // In-tab guard; a trigger that arrives during a delivery (the `online`
    // event while the last offline attempt is failing) makes it go round once
    // more instead of being lost.
    static SENDING: Cell<bool> = const { Cell::new(false) };
    static REQUESTED: Cell<bool> = const { Cell::new(false) };
    static FAILURES: Cell<u32> = const { Cell::new(0) };
    static RETRY: RefCell<Option<TimeoutHandle>> = const { RefCell::new(None) };
    // The channel to other tabs, with its listener (kept as long as the page).
    static CHANNEL: RefCell<Option<Channel>> = const { RefCell::new(None) };
    static LAST_NOTIFY: Cell<f64> = const { Cell::new(0.0) };
    static NOTIFY_PENDING: Cell<bool> = const { Cell::new(false) };
}

const NOTIFY_EVERY_MS: f64 = 400.0;

/// The channel to other tabs and its listener.
type Channel = (web_sys::BroadcastChannel, Closure<dyn FnMut(web_sys::MessageEvent)>);

impl Sync {
    /// Creates the engine, provides it to every view and wires its triggers.
    pub fn start(session: CurrentSession) -> Self {
        let sync = Sync {
            changed: OutboxChanged(RwSignal::new(0)),
            session,
            needs_sign_in: NeedsSignIn(RwSignal::new(false)),
            status: RwSignal::new(SyncStatus::default()),
        };
        provide_context(sync);
        provide_context(sync.changed);
        provide_context(sync.needs_sign_in);
        // Every write of the outbox (it has one writer) refreshes the views.
        outbox::on_change(move || sync.changed.notify());

        // Other tabs' changes refresh this tab's views. (Hand-wired rather
        // than leptos-use's hooks: this runs in the citizen's app too, and a
        // listener kept for the page's life needs no more than this.)
        if let Ok(channel) = web_sys::BroadcastChannel::new("danhgia-outbox") {
            let on_message = Closure::<dyn FnMut(web_sys::MessageEvent)>::new(move |_| sync.changed.bump());
            channel.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
            CHANNEL.with(|c| *c.borrow_mut() = Some((channel, on_message)));
        }
        let _ = window_event_listener(leptos::ev::online, move |_| sync.send_now());
        let _ = window_event_listener(leptos::ev::visibilitychange, move |_| {
            if document().visibility_state() == web_sys::VisibilityState::Visible {
                sync.send_soon();
            }
        });
        sync.send_soon();
        sync
    }

    /// Starts a delivery in the background (or makes the running one go
    /// round once more).
    pub fn send_soon(self) {
        leptos::task::spawn_local(async move {
            if let Err(e) = send_pending(self).await {
                leptos::logging::log!("delivery postponed: {e}");
            }
        });
    }

    /// "Gửi ngay", the `online` event and a sign-in: forget the backoff and
    /// try at once.
    pub fn send_now(self) {
        FAILURES.with(|f| f.set(0));
        self.send_soon();
    }

    /// After a sign-in: paper slips may go again.
    pub fn resume(self) {
        self.needs_sign_in.0.set(false);
        self.send_now();
    }
}

#[derive(Debug)]
pub enum SendError {
    Store(String),
    Api(ApiErr),
}

impl std::fmt::Display for SendError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            SendError::Store(e) => write!(f, "outbox unavailable: {e}"),
            SendError::Api(e) => write!(f, "server unreachable or failing: {e}"),
        }
    }
}

impl From<crate::store::StoreError> for SendError {
    fn from(e: crate::store::StoreError) -> Self {
        SendError::Store(e.0)
    }
}

fn clear_retry() {
    RETRY.with(|r| {
        if let Some(t) = r.borrow_mut().take() {
            t.clear();
        }
    });
}

async fn send_pending(sync: Sync) -> Result<(), SendError> {
    REQUESTED.with(|r| r.set(true));
    if SENDING.with(|s| s.replace(true)) {
        return Ok(());
    }
    clear_retry();
    let mut outcome = Ok(true);
    while REQUESTED.with(|r| r.replace(false)) {
        // `None`: another tab holds the lock and is delivering.
        let take_over = lock::available();
        outcome = match lock::with_lock(deliver(sync, take_over)).await {
            Some(result) => result.map(|()| true),
            None => Ok(false),
        };
    }
    SENDING.with(|s| s.set(false));
    sync.status.update(|s| s.sending.clear());
    match &outcome {
        Err(SendError::Api(_)) => schedule_retry(sync),
        Ok(false) => {
            // Another tab is at it; look again later in case it goes away.
            let handle = set_timeout_with_handle(move || sync.send_soon(), Duration::from_millis(BUSY_RECHECK_MS)).ok();
            RETRY.with(|r| *r.borrow_mut() = handle);
        }
        _ => {
            FAILURES.with(|f| f.set(0));
            sync.status.update(|s| {
                s.failing = false;
                s.next_attempt_at = None;
            });
        }
    }
    outcome.map(|_| ())
}

fn schedule_retry(sync: Sync) {
    let failures = FAILURES.with(|f| {
        f.set(f.get().saturating_add(1));
        f.get()
    });
    let online = window().navigator().on_line();
    let delay = backoff::delay_ms(failures, js_sys::Math::random(), online);
    let at = js_sys::Date::now() + delay;
    sync.status.update(|s| {
        s.failing = true;
        s.next_attempt_at = Some(at);
    });
    clear_retry();
    let handle = set_timeout_with_handle(move || sync.send_soon(), Duration::from_millis(delay as u64)).ok();
    RETRY.with(|r| *r.borrow_mut() = handle);
}

/// Sends batch after batch until nothing is left to send. `take_over`: this
/// delivery holds the cross-tab lock, so claims left by a closed tab are
/// stale.
///
/// The next batch is claimed while the request for this one is under way:
/// the claim (reading and marking a hundred records) and the request take
/// about as long each, and done one after the other they made a bulk
/// delivery half idle. A claim never sent (the delivery stops) is given back.
async fn deliver(sync: Sync, take_over: bool) -> Result<(), SendError> {
    // A session still on its one-time password may do nothing else: paper
    // slips wait until the new password is set (then `resume`).
    let bearer = if sync.needs_sign_in.0.get_untracked() { None } else { sync.session.working_token_untracked() };
    let sender = bearer.as_ref().and_then(|_| sync.session.username_untracked());
    // Without a (valid) session, paper slips wait for the officer to sign
    // in; another officer's wait for theirs.
    let mut claim = outbox::claim(BATCH, sender.as_deref(), take_over, &[]).await?;
    loop {
        if claim.paper_waiting && bearer.is_none() {
            sync.needs_sign_in.0.set(true);
        }
        if claim.entries.is_empty() {
            return Ok(());
        }
        let batch = RatingBatch { records: claim.entries.iter().map(|e| e.record.clone()).collect() };
        sync.status.update(|s| s.sending = claim.entries.iter().map(|e| e.id.clone()).collect());
        let (answer, next) = futures::future::join(
            api::post_ratings(&batch, bearer.as_deref()),
            outbox::claim(BATCH, sender.as_deref(), take_over, &claim.entries),
        )
        .await;
        let step = take_answer(sync, &claim.entries, answer).await;
        match (step, next) {
            // Nothing after the batch just sent: one look from the start,
            // for records left behind it (another tab's claim given back).
            (Ok(Step::Next), Ok(next)) if next.entries.is_empty() => {
                claim = outbox::claim(BATCH, sender.as_deref(), take_over, &[]).await?;
            }
            (Ok(Step::Next), Ok(next)) => claim = next,
            (Ok(Step::Next), Err(e)) => return Err(e.into()),
            (stop, Ok(next)) => {
                // Not given back (the store failing): its lease runs out.
                if let Err(e) = outbox::release(&next.entries).await {
                    leptos::logging::log!("next batch not given back: {e}");
                }
                return stop.map(drop);
            }
            (stop, Err(_)) => return stop.map(drop),
        }
    }
}

/// Whether a delivery goes on after a request's answer.
enum Step {
    Next,
    Stop,
}

/// Settles a claim with the server's answer to its request.
async fn take_answer(
    sync: Sync,
    claimed: &[outbox::OutboxEntry],
    answer: Result<danhgia_core::wire::BatchResults, ApiErr>,
) -> Result<Step, SendError> {
    match answer {
        Ok(answer) => {
            let answered = (claimed.iter().enumerate())
                .filter(|(at, e)| outbox::find_result(&answer.results, *at, &e.id).is_some())
                .count();
            outbox::settle(claimed, Some(&answer.results)).await?;
            if answered == 0 {
                // An answer about none of them: do not loop on it.
                return Err(SendError::Api(ApiErr::BadAnswer));
            }
            // Progress: the backoff counts failures in a row, not in all.
            FAILURES.with(|f| f.set(0));
            sync.status.update(|s| s.last_success_at = Some(js_sys::Date::now()));
            Ok(Step::Next)
        }
        // The session is over, or its password was reset meanwhile: nothing
        // was stored. Paper slips wait for a sign-in (or the new password);
        // citizens' ratings go on without the session.
        Err(ApiErr::Refused { status, code, .. })
            if status == 401 || (status == 403 && code == "password_change_required") =>
        {
            outbox::settle(claimed, None).await?;
            sync.needs_sign_in.0.set(true);
            REQUESTED.with(|r| r.set(true));
            Ok(Step::Stop)
        }
        Err(ApiErr::Refused { code, message, .. }) => {
            // The whole request was refused (it should never be): keep the
            // records, visibly, rather than retry them forever.
            outbox::refuse(claimed, &code, &message).await?;
            Ok(Step::Next)
        }
        Err(e) => {
            outbox::settle(claimed, None).await?;
            Err(SendError::Api(e))
        }
    }
}
