//! The officers' apps: every route that is not a citizen's, in two apps. The
//! counter's (`staff` bin: the scanner's transcription, the kiosk, the
//! outbox, slips, signing in) is what a desk's tablet opens many times a
//! day; the district office's (`office` bin: reports, the quarter's
//! indicators and decisions, administration, imports, printed forms) is
//! most of the code and not needed there, so a tablet opening the scanner
//! compiles only the counter's app. Each is fetched only on its own routes
//! (see the loader in `index.html`), and both are kept offline by the
//! service worker on devices that run either.
//!
//! To add a screen (administration, the district office's quarter, the
//! kiosk …): a page in `pages/` (its own views in `components/`), a `Route`
//! in `desk_routes` or `office_routes` below (an office route's first
//! segment also in `OFFICE_ROUTES` and the loader's `OFFICE`), and its strings in a section of its own
//! in both `locales/vi.json` and `locales/en.json`. Nothing here reaches
//! citizens. Links from here to a citizen's route (`/`, `/danh-gia`,
//! `/r/…`) are page loads: give them `rel="external"`. A link to the other
//! officers' app needs nothing: the router finds no route for it, and
//! `NotFound` loads that page.

pub mod components;
pub mod device;
pub mod lookup;
pub mod pages;
pub mod scan;

use crate::components::install::InstallPrompt;
use crate::i18n::*;
use crate::session::CurrentSession;
use crate::shell::{self, Shell, secure_context};
use components::nav::StaffNav;
use leptos::prelude::*;
use leptos_router::NavigateOptions;
use leptos_router::components::{Route, Router, Routes};
use leptos_router::hooks::use_location;
use leptos_router::path;
use pages::{
    admin::{Admin, Tab},
    import::Import,
    login::Login,
    not_found::NotFound,
    outbox::Outbox,
    password::ChangePassword,
    reports::Reports,
    slips::{SlipPage, SlipsOfDay},
    transcribe::Transcribe,
};
// The district office's quarter and the counter's rating device.
use components::kiosk_lock::{KIOSK_PATH, KioskLocked, KioskMode};
use pages::{decide::Decide, indicators::Indicators, kiosk::Kiosk, print_forms::PrintForm, proposals::Proposals};

/// The district office's routes (its app's): the first segment of the path.
/// (Keep in step with OFFICE in the loader, `index.html`.)
const OFFICE_ROUTES: [&str; 7] = ["nhap-ho-so", "bao-cao", "quan-tri", "chi-so", "danh-gia-hai-lan", "de-xuat", "in"];

/// Whether `path` is one of the district office's screens.
pub fn is_office_path(path: &str) -> bool {
    // As the loader's OFFICE: one slash, then the route's first segment.
    let first = path.strip_prefix('/').and_then(|rest| rest.split(['/', '?', '#']).next()).unwrap_or_default();
    OFFICE_ROUTES.contains(&first)
}

/// Whether `path` is a screen of the officers' app running here.
fn in_this_app(path: &str) -> bool {
    let here = window().location().pathname().unwrap_or_default();
    is_office_path(&here) == is_office_path(path)
}

/// Goes to `path`: through the router within this app, to the other
/// officers' app as a page load straight away (not through `NotFound`: the
/// address then changes only once the page is on its way).
pub fn go(navigate: impl Fn(&str, NavigateOptions), path: &str) {
    if in_this_app(path) {
        navigate(path, NavigateOptions::default());
    } else {
        load_page(Some(path.to_owned()));
    }
}

/// Loads a page, so that the loader starts the app it belongs to: `to` (a
/// path of this origin), or with `None` the current address again (the
/// router has already put it in the history, so Back returns to the screen
/// a link was on). Only once no outbox record is being written: leaving the
/// page would cut the write off.
pub fn load_page(to: Option<String>) {
    // Only a path of this origin ("//host/…" would be another site).
    if to.as_deref().is_some_and(|path| !path.starts_with('/') || path.starts_with("//")) {
        return;
    }
    leptos::task::spawn_local(async move {
        while crate::store::outbox::writing() {
            gloo_timers::future::sleep(std::time::Duration::from_millis(50)).await;
        }
        let location = window().location();
        // (Not `replace` with the same address: with a #fragment that is a
        // scroll, not a page load.)
        let done = match &to {
            Some(path) => location.assign(path),
            None => location.reload(),
        };
        if let Err(e) = done {
            leptos::logging::warn!("opening {to:?}: {e:?}");
        }
    });
}

fn is_desk_path(path: &str) -> bool {
    !is_office_path(path)
}

/// The counter's routes.
fn desk_routes() -> AnyView {
    view! {
        <Routes fallback=|| view! { <NotFound here=is_desk_path /> }>
            <Route path=path!("/nhap-phieu") view=Transcribe />
            <Route path=path!("/dang-nhap") view=Login />
            <Route path=path!("/hop-thu") view=Outbox />
            <Route path=path!("/slip/:code") view=SlipPage />
            <Route path=path!("/slips") view=SlipsOfDay />
            <Route path=path!("/mat-khau") view=ChangePassword />
            <Route path=path!("/quay") view=Kiosk />
        </Routes>
    }
    .into_any()
}

/// The district office's routes.
fn office_routes() -> AnyView {
    view! {
        <Routes fallback=|| view! { <NotFound here=is_office_path /> }>
            <Route path=path!("/nhap-ho-so") view=Import />
            <Route path=path!("/bao-cao") view=Reports />
            // Accounts and administration (issue #11).
            <Route path=path!("/quan-tri") view=|| view! { <Admin tab=Tab::Agencies /> } />
            <Route path=path!("/quan-tri/can-bo") view=|| view! { <Admin tab=Tab::Officials /> } />
            <Route path=path!("/quan-tri/tai-khoan") view=|| view! { <Admin tab=Tab::Accounts /> } />
            <Route path=path!("/quan-tri/nhap-tep") view=|| view! { <Admin tab=Tab::Import /> } />
            <Route path=path!("/quan-tri/nhat-ky") view=|| view! { <Admin tab=Tab::Audit /> } />
            // The district office's quarter.
            <Route path=path!("/chi-so") view=Indicators />
            <Route path=path!("/danh-gia-hai-lan") view=Decide />
            <Route path=path!("/de-xuat") view=Proposals />
            <Route path=path!("/in/:form") view=PrintForm />
        </Routes>
    }
    .into_any()
}

/// This app's routes (`desk_routes` or `office_routes`): a plain function
/// handed down from `main`, so that each app's wasm holds only its own
/// screens.
type AppRoutes = fn() -> AnyView;

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

/// The routes, unless the session is still on a one-time password: then
/// only the password change, whatever the address (the server refuses the
/// rest anyway). The account is read again at start, so that a role or
/// agency changed by an administrator shows.
#[component]
fn Guarded(routes: AppRoutes) -> impl IntoView {
    let session = expect_context::<CurrentSession>();
    let sync = expect_context::<crate::sync::Sync>();
    if let Some(token) = session.token_untracked() {
        leptos::task::spawn_local(async move {
            match crate::api::me(&token).await {
                Ok(officer) if session.token_untracked().as_deref() == Some(token.as_str()) => session.refresh(officer),
                Err(crate::api::ApiErr::Refused { status: 401, .. }) => sync.needs_sign_in.0.set(true),
                _ => {}
            }
        });
    }
    // Only a change of this flag swaps the screen (a refreshed name does not).
    let forced = Memo::new(move |_| session.must_change_password());
    move || {
        if forced.get() { view! { <ChangePassword /> }.into_any() } else { routes() }
    }
}

/// While the device is a kiosk, every officers' route but the kiosk's asks
/// for the PIN (the menu, links, the back button, a reload all land here),
/// and the officers' menu is hidden: the screen is the citizen's.
#[component]
fn KioskGuard(routes: AppRoutes) -> impl IntoView {
    let kiosk = KioskMode::provide();
    let location = use_location();
    let locked = move || kiosk.active() && location.pathname.with(|p| p.trim_end_matches('/') != KIOSK_PATH);
    view! {
        <Show when=move || !kiosk.active()>
            <StaffNav />
        </Show>
        <Show when=move || !locked() fallback=KioskLocked>
            <Guarded routes />
        </Show>
    }
}

#[component]
fn App(routes: AppRoutes) -> impl IntoView {
    shell::start();
    crate::pwa::keep_staff_offline();
    view! {
        <Router>
            <Shell>
                <InsecureNotice />
                // Installing is for officers' devices (a citizen rates once):
                // offered on their screens, not on the citizens' pages.
                <InstallPrompt />
                <KioskGuard routes />
            </Shell>
        </Router>
    }
}

/// The counter's app (the `staff` bin).
pub fn main() {
    leptos::mount::mount_to_body(|| view! { <App routes=desk_routes /> });
    // A scanner takes what the loader started as soon as its screen shows;
    // whatever is left by then was not needed.
    set_timeout(scan::early::release_unused, std::time::Duration::from_secs(5));
}

/// The district office's app (the `office` bin).
pub fn main_office() {
    leptos::mount::mount_to_body(|| view! { <App routes=office_routes /> });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn office_paths() {
        for path in [
            "/bao-cao",
            "/quan-tri",
            "/quan-tri/can-bo",
            "/in/mau-02",
            "/chi-so/",
            "/nhap-ho-so",
            "/bao-cao?nam=2026",
            "/de-xuat#top",
        ] {
            assert!(is_office_path(path), "{path}");
        }
        for path in [
            "/nhap-phieu",
            "/quay",
            "/hop-thu",
            "/slip/H45-1",
            "/slips",
            "/dang-nhap",
            "/mat-khau",
            "/khong-co",
            "/inbox",
            "/bao-cao-cu",
            "/",
        ] {
            assert!(!is_office_path(path), "{path}");
        }
    }
}
