//! Delivering the outbox. Records are sent in batches; each leaves "pending"
//! only when the server answered for it. Network errors, timeouts and 5xx
//! leave everything pending for the next trigger (start, `online`, submit).
//! Paper slips travel with the officer's bearer token; when the server says
//! the session is over, they wait (nothing is lost) until the officer signs
//! in again.

use crate::api::{self, ApiErr};
use crate::session::{CurrentSession, NeedsSignIn};
use crate::store::outbox::{self, EntryState, OutboxEntry};
use danhgia_core::rating::{Channel, MAX_BATCH};
use danhgia_core::wire::RatingBatch;
use leptos::prelude::*;
use std::cell::Cell;

/// Bumped whenever the outbox changes, so that views showing it refresh.
#[derive(Clone, Copy)]
pub struct OutboxChanged(pub RwSignal<u32>);

impl OutboxChanged {
    pub fn notify(self) {
        self.0.update(|n| *n = n.wrapping_add(1));
    }

    /// Tracks changes (for effects and resources).
    pub fn track(self) -> u32 {
        self.0.get()
    }
}

/// What delivery needs from the app; `Copy`, so any view can start one.
#[derive(Clone, Copy)]
pub struct Sync {
    pub changed: OutboxChanged,
    pub session: CurrentSession,
    pub needs_sign_in: NeedsSignIn,
}

impl Sync {
    pub fn provide(session: CurrentSession) -> Self {
        let sync = Sync {
            changed: OutboxChanged(RwSignal::new(0)),
            session,
            needs_sign_in: NeedsSignIn(RwSignal::new(false)),
        };
        provide_context(sync);
        provide_context(sync.changed);
        provide_context(sync.needs_sign_in);
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
}

thread_local! {
    // One delivery at a time in this tab; a trigger that arrives during one
    // (the `online` event while the last offline attempt is failing) makes
    // it run once more instead of being lost.
    static SENDING: Cell<bool> = const { Cell::new(false) };
    static REQUESTED: Cell<bool> = const { Cell::new(false) };
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
            SendError::Api(e) => write!(f, "server unreachable or failing: {e:?}"),
        }
    }
}

async fn send_pending(sync: Sync) -> Result<(), SendError> {
    REQUESTED.with(|r| r.set(true));
    if SENDING.with(|s| s.replace(true)) {
        return Ok(());
    }
    let mut outcome = Ok(());
    while REQUESTED.with(|r| r.replace(false)) {
        outcome = deliver(sync).await;
    }
    SENDING.with(|s| s.set(false));
    outcome
}

async fn deliver(sync: Sync) -> Result<(), SendError> {
    let bearer = sync.session.token_untracked();
    let mut pending = outbox::pending().await.map_err(|e| SendError::Store(e.0))?;
    // Without a session, paper slips wait for the officer to sign in.
    let waiting_for_officer = bearer.is_none() && pending.iter().any(|e| e.record.channel == Channel::Paper);
    if bearer.is_none() {
        pending.retain(|e| e.record.channel != Channel::Paper);
    }
    sync.needs_sign_in.0.set(waiting_for_officer);
    for chunk in pending.chunks(MAX_BATCH) {
        let batch = RatingBatch { records: chunk.iter().map(|e| e.record.clone()).collect() };
        let mut settled: Vec<OutboxEntry> = chunk.to_vec();
        settled.iter_mut().for_each(|e| e.attempts += 1);
        match api::post_ratings(&batch, bearer.as_deref()).await {
            Ok(answer) => {
                for entry in &mut settled {
                    // A record the server did not answer for stays pending.
                    if let Some(result) = answer.results.iter().find(|r| r.id == entry.id) {
                        entry.settle(result);
                    }
                }
            }
            Err(ApiErr::Refused { status: 401, .. }) => {
                // The session is over: keep everything, ask for a sign-in.
                sync.needs_sign_in.0.set(true);
                return Ok(());
            }
            Err(ApiErr::Refused { code, message, .. }) => {
                // The whole request was refused (it should never be): keep the
                // records, visibly, rather than retry them forever.
                for entry in &mut settled {
                    entry.state = EntryState::Rejected;
                    entry.reason = Some(code.clone());
                    entry.message = Some(message.clone());
                }
            }
            Err(e) => {
                let _ = outbox::put(&settled).await;
                return Err(SendError::Api(e));
            }
        }
        outbox::put(&settled).await.map_err(|e| SendError::Store(e.0))?;
        sync.changed.notify();
    }
    Ok(())
}
