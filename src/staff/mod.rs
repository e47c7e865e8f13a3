//! The officers' app: every route that is not a citizen's. It is fetched only
//! on these routes (see the loader in `index.html`), and kept offline by the
//! service worker on devices that run it.
//!
//! To add a screen (administration, the district office's quarter, the
//! kiosk …): a page in `pages/` (its own views in `components/`), a `Route`
//! in `StaffRoutes` below, and its strings in a section of its own in both
//! `locales/vi.json` and `locales/en.json`. Nothing here reaches citizens.
//! Links from here to a citizen's route (`/`, `/danh-gia`, `/r/…`) are page
//! loads: give them `rel="external"`.

pub mod components;
pub mod pages;
pub mod scan;

use crate::components::install::InstallPrompt;
use crate::i18n::*;
use crate::shell::{self, Shell, secure_context};
use leptos::prelude::*;
use leptos_router::components::{Route, Router, Routes};
use leptos_router::hooks::use_location;
use leptos_router::path;
use pages::{
    import::Import,
    login::Login,
    not_found::NotFound,
    outbox::Outbox,
    reports::Reports,
    slips::{SlipPage, SlipsOfDay},
    transcribe::Transcribe,
};
// The district office's quarter and the counter's rating device.
use components::kiosk_lock::{KIOSK_PATH, KioskLocked, KioskMode};
use pages::{decide::Decide, indicators::Indicators, kiosk::Kiosk, print_forms::PrintForm, proposals::Proposals};

/// The officers' routes.
#[component]
fn StaffRoutes() -> impl IntoView {
    view! {
        <Routes fallback=NotFound>
            <Route path=path!("/nhap-phieu") view=Transcribe />
            <Route path=path!("/dang-nhap") view=Login />
            <Route path=path!("/hop-thu") view=Outbox />
            <Route path=path!("/slip/:code") view=SlipPage />
            <Route path=path!("/slips") view=SlipsOfDay />
            <Route path=path!("/nhap-ho-so") view=Import />
            <Route path=path!("/bao-cao") view=Reports />
            // The district office's quarter and the counter's rating device.
            <Route path=path!("/chi-so") view=Indicators />
            <Route path=path!("/danh-gia-hai-lan") view=Decide />
            <Route path=path!("/de-xuat") view=Proposals />
            <Route path=path!("/in/:form") view=PrintForm />
            <Route path=path!("/quay") view=Kiosk />
        </Routes>
    }
}

/// Over plain HTTP (not localhost) the browser gives no camera, no offline
/// use and no installation: say so once, plainly, instead of dead buttons.
#[component]
pub fn InsecureNotice() -> impl IntoView {
    let i18n = use_i18n();
    (!secure_context()).then(|| {
        view! {
            <p class="notice insecure" role="note">{t!(i18n, insecure.staff)}</p>
        }
    })
}

/// While the device is a kiosk, every officers' route but the kiosk's asks
/// for the PIN (the menu, links, the back button, a reload all land here).
#[component]
fn KioskGuard() -> impl IntoView {
    let kiosk = KioskMode::provide();
    let location = use_location();
    let locked = move || kiosk.active() && location.pathname.with(|p| p.trim_end_matches('/') != KIOSK_PATH);
    view! {
        <Show when=move || !locked() fallback=KioskLocked>
            <StaffRoutes />
        </Show>
    }
}

#[component]
fn App() -> impl IntoView {
    shell::start();
    crate::pwa::keep_staff_offline();
    view! {
        <Router>
            <Shell>
                <InsecureNotice />
                // Installing is for officers' devices (a citizen rates once):
                // offered on their screens, not on the citizens' pages.
                <InstallPrompt />
                <KioskGuard />
            </Shell>
        </Router>
    }
}

pub fn main() {
    leptos::mount::mount_to_body(App);
}
