//! danhgia PWA: three apps built from this library, so that a citizen opening
//! a slip's link on mobile data downloads only what rating takes, and a
//! desk's tablet opening the scanner only the counter's screens.
//!
//! - [`citizen`] (binary `citizen`): `/`, `/danh-gia`, `/r/{code}` — home,
//!   the typed-code entry and the rating form. Small by design: no router,
//!   no staff screen, no scanner.
//! - [`staff`], binary `staff`: the counter's routes — transcription, the
//!   kiosk, the outbox, slips, sign-in; binary `office`: the district
//!   office's — reports, the quarter, administration, imports, printed forms.
//!
//! `index.html`'s loader picks the app by route before any is fetched; the
//! service worker precaches the citizen's app for everyone and both
//! officers' apps for devices that run either. What they share (the outbox
//! and its sync engine, the question form, the shell) is here, outside them.

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
