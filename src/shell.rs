//! What every screen of both apps has: language, the officer's session, the
//! sync engine, update watching, and the layout (top bar with the outbox
//! badge and the language switch, update banner, footer).

use crate::components::install::UpdateBanner;
use crate::components::lang_switch::LangSwitch;
use crate::components::outbox_badge::OutboxBadge;
use crate::i18n::*;
use crate::session::CurrentSession;
use crate::sync::Sync;
use leptos::prelude::*;

/// Provides what every view uses and starts the background work. Call once,
/// in the app's root component.
pub fn start() -> Sync {
    provide_i18n();
    // Deliver what earlier visits left in the outbox, and again whenever the
    // browser says it is back online (the server's answer is the only truth).
    let sync = Sync::start(CurrentSession::provide());
    crate::pwa::watch_updates();
    // Ask once that the browser never evicts the outbox (secure contexts only).
    leptos::task::spawn_local(async {
        let _ = crate::pwa::ask_persistent_storage().await;
    });
    sync
}

/// Whether the page may use the camera, a service worker (offline use,
/// installation) and persistent storage: HTTPS, or localhost.
pub fn secure_context() -> bool {
    window().is_secure_context()
}

/// The loading notice in index.html goes when the app is there.
fn remove_boot_notice() {
    if let Some(boot) = document().get_element_by_id("boot") {
        boot.remove();
    }
}

#[component]
pub fn Shell(children: Children) -> impl IntoView {
    let i18n = use_i18n();
    remove_boot_notice();
    view! {
        <div class="app">
            <header class="topbar">
                // Home is the citizens' app: from the officers' app, a page load.
                <a href="/" class="brand" rel="external">{t!(i18n, app_name)}</a>
                <div class="top-actions">
                    <OutboxBadge />
                    <LangSwitch />
                </div>
            </header>
            <UpdateBanner />
            <main>{children()}</main>
            <footer class="foot">{t!(i18n, footer)}</footer>
        </div>
    }
}

/// Which answer is the latest asked for: a task takes a ticket before it
/// asks, and keeps its answer only if no newer ticket was taken meanwhile.
/// (The citizens' app's stand-in for `LocalResource`, whose async machinery
/// costs 8 KB of brotli there; the officers' app uses `LocalResource`.)
#[derive(Clone, Copy, Default)]
pub struct Latest(StoredValue<u32>);

impl Latest {
    pub fn next(self) -> u32 {
        self.0.update_value(|n| *n = n.wrapping_add(1));
        self.0.get_value()
    }

    pub fn is_current(self, ticket: u32) -> bool {
        self.0.try_get_value() == Some(ticket)
    }
}
