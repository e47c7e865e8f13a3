//! The signed-in officer, kept in localStorage so that work goes on offline.
//! Signing out removes the credentials only: the outbox stays.

use danhgia_core::wire::Session;
use leptos::prelude::*;

const KEY: &str = "danhgia.session";

fn storage() -> Option<web_sys::Storage> {
    window().local_storage().ok().flatten()
}

/// The stored session, if it parses (it may come from an older version).
fn load() -> Option<Session> {
    let text = storage()?.get_item(KEY).ok()??;
    serde_json::from_str(&text).ok()
}

/// The officer's session for every screen; `None` when signed out.
#[derive(Clone, Copy)]
pub struct CurrentSession(pub RwSignal<Option<Session>>);

impl CurrentSession {
    pub fn provide() -> Self {
        let this = CurrentSession(RwSignal::new(load()));
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
        if let (Some(store), Ok(text)) = (storage(), serde_json::to_string(&session)) {
            let _ = store.set_item(KEY, &text);
        }
        self.0.set(Some(session));
    }

    pub fn sign_out(self) {
        if let Some(store) = storage() {
            let _ = store.remove_item(KEY);
        }
        self.0.set(None);
    }
}

/// The server refused the session (expired or revoked): sending paper slips
/// waits until the officer signs in again.
#[derive(Clone, Copy)]
pub struct NeedsSignIn(pub RwSignal<bool>);
