//! The installed app: a new build announced and taken only when the user
//! accepts (never while the outbox is being written), and the install offer.

use crate::store::outbox;
use leptos::prelude::*;
use leptos::task::spawn_local;
use std::cell::{Cell, RefCell};
use std::time::Duration;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;
use web_sys::{ServiceWorker, ServiceWorkerRegistration};

thread_local! {
    static ACCEPTED: Cell<bool> = const { Cell::new(false) };
}

/// A new build is installed and waiting.
#[derive(Clone, Copy)]
pub struct UpdateReady(pub RwSignal<bool>);

async fn registration() -> Option<ServiceWorkerRegistration> {
    let container = window().navigator().service_worker();
    let reg = JsFuture::from(container.get_registration()).await.ok()?;
    reg.dyn_into::<ServiceWorkerRegistration>().ok()
}

fn has_controller() -> bool {
    window().navigator().service_worker().controller().is_some()
}

/// The page's listeners on the service worker, owned here for the page's
/// life (a second call replaces them, dropping the first).
#[derive(Default)]
struct Listeners {
    controller_change: Option<Closure<dyn FnMut()>>,
    update_found: Option<Closure<dyn FnMut()>>,
    state_change: Option<Closure<dyn FnMut()>>,
}

thread_local! {
    static LISTENERS: RefCell<Listeners> = RefCell::default();
}

/// Watches for a waiting build; provides [`UpdateReady`]. (Hand-wired, not
/// leptos-use's `use_service_worker`: this runs in the citizen's app too.)
pub fn watch_updates() -> UpdateReady {
    let ready = UpdateReady(RwSignal::new(false));
    provide_context(ready);
    if js_sys::Reflect::get(&window().navigator(), &"serviceWorker".into()).map(|v| v.is_undefined()).unwrap_or(true) {
        // Not a secure context, or an old browser: no offline use, no updates.
        return ready;
    }
    // When the new build takes over (after the user accepted), load it.
    let on_change = Closure::<dyn FnMut()>::new(move || {
        if ACCEPTED.with(Cell::get) {
            let _ = window().location().reload();
        }
    });
    window().navigator().service_worker().set_oncontrollerchange(Some(on_change.as_ref().unchecked_ref()));
    LISTENERS.with(|l| l.borrow_mut().controller_change = Some(on_change));

    spawn_local(async move {
        let Some(reg) = registration().await else { return };
        if reg.waiting().is_some() && has_controller() {
            ready.0.set(true);
        }
        let watched = reg.clone();
        let on_found = Closure::<dyn FnMut()>::new(move || {
            let Some(installing) = watched.installing() else { return };
            let worker = installing.clone();
            let on_state = Closure::<dyn FnMut()>::new(move || {
                // "installed" with a controller: an update, not the first install.
                if worker.state() == web_sys::ServiceWorkerState::Installed && has_controller() {
                    ready.0.set(true);
                }
            });
            installing.set_onstatechange(Some(on_state.as_ref().unchecked_ref()));
            // The previous installing worker's listener, if any, goes.
            let old = LISTENERS.with(|l| l.borrow_mut().state_change.replace(on_state));
            drop(old);
        });
        reg.set_onupdatefound(Some(on_found.as_ref().unchecked_ref()));
        let old = LISTENERS.with(|l| l.borrow_mut().update_found.replace(on_found));
        drop(old);
    });
    // Look for a new build when the app comes back to the foreground.
    let _ = window_event_listener(leptos::ev::visibilitychange, move |_| {
        if document().visibility_state() == web_sys::VisibilityState::Visible {
            spawn_local(async {
                if let Some(reg) = registration().await
                    && let Ok(p) = reg.update()
                {
                    let _ = JsFuture::from(p).await;
                }
            });
        }
    });
    ready
}

/// Asks the browser not to evict the outbox; `Some(granted)` when it answers
/// (`None` where there is no such API: an insecure context).
pub async fn ask_persistent_storage() -> Option<bool> {
    let navigator = window().navigator();
    if js_sys::Reflect::get(&navigator, &"storage".into()).map(|v| v.is_undefined()).unwrap_or(true) {
        return None;
    }
    let storage = navigator.storage();
    let persisted = JsFuture::from(storage.persisted().ok()?).await.ok()?.as_bool()?;
    if persisted {
        return Some(true);
    }
    JsFuture::from(storage.persist().ok()?).await.ok()?.as_bool()
}

/// Asks the service worker to keep the officers' app (and the decoder) for
/// offline use: called when the officers' app runs.
pub fn keep_staff_offline() {
    if js_sys::Reflect::get(&window().navigator(), &"serviceWorker".into()).map(|v| v.is_undefined()).unwrap_or(true) {
        return;
    }
    spawn_local(async {
        // Not while the screen is starting: the caching downloads what the
        // screen has not fetched (the other officers' app, and the decoder's
        // files again: their names hold no hash, so they bypass the HTTP
        // cache, sw/service-worker.js) and would compete with it.
        gloo_timers::future::sleep(Duration::from_secs(5)).await;
        let container = window().navigator().service_worker();
        let Ok(ready) = container.ready() else { return };
        let Ok(reg) = JsFuture::from(ready).await else { return };
        let Ok(reg) = reg.dyn_into::<ServiceWorkerRegistration>() else { return };
        if let Some(active) = reg.active() {
            let msg = js_sys::Object::new();
            let _ = js_sys::Reflect::set(&msg, &"type".into(), &"CACHE_STAFF".into());
            let _ = active.post_message(&msg);
        }
    });
}

/// The user accepted the new build: wait until no record is being written,
/// then let it take over (the page reloads on `controllerchange`).
pub fn accept_update() {
    spawn_local(async {
        while outbox::writing() {
            gloo_timers::future::sleep(Duration::from_millis(50)).await;
        }
        let Some(reg) = registration().await else { return };
        let Some(waiting): Option<ServiceWorker> = reg.waiting() else { return };
        ACCEPTED.with(|a| a.set(true));
        let msg = js_sys::Object::new();
        let _ = js_sys::Reflect::set(&msg, &"type".into(), &"SKIP_WAITING".into());
        let _ = waiting.post_message(&msg);
    });
}
