//! danhgia PWA: two apps built from this library, so that a citizen opening
//! a slip's link on mobile data downloads only what rating takes.
//!
//! - [`citizen`] (binary `citizen`): `/`, `/danh-gia`, `/r/{code}` — home,
//!   the typed-code entry and the rating form. Small by design: no router,
//!   no staff screen, no scanner.
//! - [`staff`] (binary `staff`): every other route — transcription, outbox,
//!   slips, import, reports, sign-in, and whatever officers get next.
//!
//! `index.html`'s loader picks the app by route before either is fetched;
//! the service worker precaches the citizen's app for everyone and the
//! staff app for devices that use it. What both need (the outbox and its sync
//! engine, the question form, the shell) is here, outside both.

pub mod api;
pub mod browser;
pub mod citizen;
pub mod components;
pub mod i18n;
pub mod id;
pub mod json;
pub mod lang;
pub mod messages;
pub mod pwa;
pub mod rules;
pub mod session;
pub mod shell;
pub mod staff;
pub mod store;
pub mod sync;
