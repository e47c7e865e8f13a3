//! Views only the officers' app uses (never shipped to citizens).
pub mod admin;
pub mod charts;
pub mod download_dossiers;
pub mod import_report;
pub mod nav;
pub mod refusal;
pub mod scanner;
pub mod slip;
// The district office's quarter and the counter's rating device.
pub mod grades;
pub mod kiosk_lock;
pub mod period;
