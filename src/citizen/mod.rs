//! The citizens' app: what a person who scanned a slip's QR code (or typed
//! its code) needs, and nothing else. Its binary is what a phone on mobile
//! data downloads first, so:
//! - no router: three routes, read once from the address; moving between
//!   them is a page load (the shell and this app are cached);
//! - nothing from `crate::staff`; shared views come from `crate::components`.
//!
//! A route added here must also be added to the loader's `CITIZEN` pattern
//! in `index.html`.

pub mod entry;
pub mod home;
pub mod rate;

use crate::shell::{self, Shell};
use leptos::either::EitherOf3;
use leptos::prelude::*;

/// The citizens' routes.
#[derive(Debug, Clone, PartialEq)]
enum Route {
    Home,
    Entry,
    /// `/r/{code}`: the code as it stands in the path (still encoded).
    Rate(String),
}

fn route(path: &str) -> Route {
    match path.trim_end_matches('/') {
        "/danh-gia" => Route::Entry,
        p => match path.strip_prefix("/r/") {
            Some(code) if !p.is_empty() => Route::Rate(code.to_owned()),
            _ => Route::Home,
        },
    }
}

#[component]
fn App() -> impl IntoView {
    shell::start();
    let path = window().location().pathname().unwrap_or_default();
    let page = match route(&path) {
        Route::Home => EitherOf3::A(view! { <home::Home /> }),
        Route::Entry => EitherOf3::B(view! { <entry::CitizenEntry /> }),
        Route::Rate(code) => EitherOf3::C(view! { <rate::Rate code=code /> }),
    };
    view! { <Shell>{page}</Shell> }
}

pub fn main() {
    leptos::mount::mount_to_body(App);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn routes() {
        assert_eq!(route("/"), Route::Home);
        assert_eq!(route("/danh-gia"), Route::Entry);
        assert_eq!(route("/danh-gia/"), Route::Entry);
        assert_eq!(route("/r/H45.03-261120-0001"), Route::Rate("H45.03-261120-0001".into()));
        assert_eq!(route("/r/"), Route::Rate(String::new()));
    }
}
