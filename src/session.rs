//! The signed-in officer, kept in localStorage so that work goes on offline.
//! Signing out removes the credentials; the outbox stays (each record waits
//! for the account that queued it) and `staff::device` forgets the rest.

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

    /// The signed-in account's user name.
    pub fn username_untracked(self) -> Option<String> {
        self.0.with_untracked(|s| s.as_ref().map(|s| s.officer.username.clone()))
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

    // --- Passwords and roles (officers' app) ---

    /// Signed in with a one-time password: nothing but a new password
    /// works until it is changed (the server answers 403 to the rest).
    pub fn must_change_password(self) -> bool {
        self.0.with(|s| s.as_ref().is_some_and(|s| s.officer.must_change_password))
    }

    /// The token for work other than changing the password: `None` while a
    /// one-time password is still to be changed (queued records wait).
    pub fn working_token_untracked(self) -> Option<String> {
        self.0.with_untracked(|s| s.as_ref().filter(|s| !s.officer.must_change_password).map(|s| s.token.clone()))
    }

    /// The signed-in role (`officer`, `office`, `admin`), tracked.
    pub fn role(self) -> Option<String> {
        self.0.with(|s| s.as_ref().map(|s| s.officer.role.clone()))
    }

    /// The account as the server has it now (after a password change, or a
    /// role or agency changed by an administrator); the token stays.
    pub fn refresh(self, officer: danhgia_core::wire::OfficerInfo) {
        let Some(mut session) = self.0.get_untracked() else { return };
        if session.officer == officer {
            return;
        }
        session.officer = officer;
        store(KEY, &session);
        self.0.set(Some(session));
    }
}

/// The server refused the session (expired or revoked): sending paper slips
/// waits until the officer signs in again.
#[derive(Clone, Copy)]
pub struct NeedsSignIn(pub RwSignal<bool>);
