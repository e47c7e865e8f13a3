//! What a signed-in account leaves on a shared tablet for the next one.
//! The outbox keeps every record, and each waits for the account that
//! queued it (`store::outbox`). The device's copies of dossiers (with their
//! citizens' tokens) and when they were downloaded, the last report and the
//! tab's list of slips entered are the signed-in account's only: gone when
//! it signs out, and when another account signs in after a session that
//! ended without signing out (expired, revoked).

use crate::browser::{forget, store, stored};

/// The account that last signed in on this device.
const LAST_ACCOUNT: &str = "danhgia.last_account";

async fn forget_account_data() {
    forget(crate::staff::pages::reports::CACHE_KEY);
    forget(crate::staff::components::download_dossiers::KEY);
    if let Ok(Some(tab)) = leptos::prelude::window().session_storage() {
        let _ = tab.remove_item(crate::staff::pages::transcribe::BATCH_KEY);
    }
    if let Err(e) = crate::store::dossiers::clear().await {
        leptos::logging::warn!("the device's copies of dossiers were not cleared: {e}");
    }
}

/// Before the session is kept: another account's data goes first.
pub async fn signing_in(username: &str) {
    if stored::<String>(LAST_ACCOUNT).as_deref() != Some(username) {
        forget_account_data().await;
    }
    store(LAST_ACCOUNT, &username.to_owned());
}

/// After the session was forgotten.
pub fn signed_out() {
    forget(LAST_ACCOUNT);
    leptos::task::spawn_local(forget_account_data());
}
