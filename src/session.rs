//! The signed-in officer, kept in localStorage so that work goes on offline.
//! Signing out removes the credentials only: the outbox stays.

use crate::browser::{forget, store, stored};
use danhgia_core::wire::Session;
use leptos::prelude::*;

const KEY: &str = "danhgia.session";

/// The officer's session for every screen; `None` when signed out.
#[derive(Clone, Copy)]
pub struct CurrentSession(pub RwSignal<Option<Session>>);

impl CurrentSession {
    pub fn provide() -> Self {
        // The stored session, if it parses (it may come from an older version).
        let this = CurrentSession(RwSignal::new(stored::<Session>(KEY)));
        provide_context(this);
        this
    }

    pub fn get(self) -> Option<Session> {
        self.0.get()
    }

    pub fn token_untracked(self) -> Option<String> {
        self.0.with_untracked(|s| s.as_ref().map(|s| s.token.clone()))
    }

    pub fn sign_in(self, session: Session) {
        store(KEY, &session);
        self.0.set(Some(session));
    }

    pub fn sign_out(self) {
        forget(KEY);
        self.0.set(None);
    }
}

/// The server refused the session (expired or revoked): sending paper slips
/// waits until the officer signs in again.
#[derive(Clone, Copy)]
pub struct NeedsSignIn(pub RwSignal<bool>);
