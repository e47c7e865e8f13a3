//! The officers' menu: each role sees its own screens (officers transcribe
//! and print slips; office staff also import dossiers and read reports;
//! administrators administer and read reports), every signed-in user changes
//! their own password and signs out. While a one-time password is to be
//! changed, only signing out is offered.

use crate::api;
use crate::i18n::*;
use crate::session::CurrentSession;
use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::{use_location, use_navigate};

/// Where a role starts after signing in.
pub fn home_for(role: &str) -> &'static str {
    match role {
        "admin" => "/quan-tri",
        _ => "/nhap-phieu",
    }
}

/// Signs out on this device at once (online or not), then tells the server,
/// best effort. Queued records stay in the outbox and are sent when their
/// officer signs in again; what else the account left goes (`device`).
pub fn sign_out(session: CurrentSession) {
    let token = session.token_untracked();
    session.sign_out();
    crate::staff::device::signed_out();
    if let Some(token) = token {
        leptos::task::spawn_local(async move {
            // Offline or refused: the session expires on the server by itself.
            let _ = api::logout(&token).await;
        });
    }
}

#[component]
pub fn StaffNav() -> impl IntoView {
    let i18n = use_i18n();
    let session = expect_context::<CurrentSession>();
    let navigate = use_navigate();
    let may = move |roles: &'static [&'static str]| {
        move || !session.must_change_password() && session.role().is_some_and(|r| roles.contains(&r.as_str()))
    };
    // On a phone the menu is one row that scrolls sideways (staff.css):
    // the screen's own entry is brought into it on every screen.
    let list = NodeRef::<leptos::html::Ul>::new();
    let pathname = use_location().pathname;
    Effect::new(move || {
        pathname.track();
        let Some(ul) = list.get() else { return };
        request_animation_frame(move || {
            let Ok(Some(current)) = ul.query_selector("a[aria-current=page]") else { return };
            let (row, link) = (ul.get_bounding_client_rect(), current.get_bounding_client_rect());
            if link.left() < row.left() || link.right() > row.right() {
                ul.set_scroll_left(ul.scroll_left() + (link.left() - row.left() - 8.0) as i32);
            }
        });
    });
    let leave = move |_| {
        // The server is told with a request that outlives the page (`keepalive`):
        // the sign-in screen may be a page load away (from the district office's app).
        sign_out(session);
        crate::staff::go(&navigate, "/dang-nhap");
    };
    view! {
        <Show when=move || session.get().is_some()>
            <nav class="staff-nav no-print" aria-label=move || t_string!(i18n, account.menu)>
                <ul node_ref=list>
                    <Show when=may(&["officer", "office"])>
                        <li><A href="/nhap-phieu">{t!(i18n, account.nav_transcribe)}</A></li>
                        <li><A href="/slips">{t!(i18n, slip.nav)}</A></li>
                        <li><A href="/quay">{t!(i18n, account.nav_kiosk)}</A></li>
                    </Show>
                    <Show when=may(&["office"])>
                        <li><A href="/nhap-ho-so">{t!(i18n, import.nav)}</A></li>
                    </Show>
                    <Show when=may(&["office", "admin"])>
                        <li><A href="/bao-cao">{t!(i18n, report.nav)}</A></li>
                    </Show>
                    <Show when=may(&["admin"])>
                        <li><A href="/quan-tri">{t!(i18n, admin.nav)}</A></li>
                    </Show>
                    <Show when=may(&["officer", "office", "admin"])>
                        <li><A href="/mat-khau">{t!(i18n, account.nav_password)}</A></li>
                    </Show>
                    <li>
                        <button class="link-button" type="button" data-leaves-page="" on:click=leave.clone()>{t!(i18n, officer.sign_out)}</button>
                    </li>
                </ul>
            </nav>
        </Show>
    }
}
