//! The officers' screens, one file each. A new screen: a file here, its route
//! in `desk_routes` or `office_routes` (`crate::staff`), its strings under a section of its own in both
//! `locales/*.json`.
pub mod admin;
pub mod import;
pub mod login;
pub mod not_found;
pub mod outbox;
pub mod password;
pub mod reports;
pub mod slips;
pub mod transcribe;
// The district office's quarter and the counter's rating device.
pub mod decide;
pub mod indicators;
pub mod kiosk;
pub mod print_forms;
pub mod proposals;
