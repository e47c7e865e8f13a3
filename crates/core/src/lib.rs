//! The domain of danhgia, shared by the PWA (compiled to wasm) and the server.
//!
//! Rules are law that changes over time, so they live here as versioned data
//! ([`rules`]), chosen by the dossier's date; views and handlers never hold
//! points, options or bands of their own.

pub mod account;
pub mod bands;
pub mod date;
pub mod dossier_code;
pub mod import;
pub mod link;
pub mod rating;
pub mod rules;
pub mod scan;
pub mod scoring;
pub mod text;
pub mod wire;

pub use date::CivilDate;
pub use dossier_code::{DossierCode, DossierCodeError};
pub use link::{CitizenToken, citizen_path};
pub use rules::{RuleBook, RuleSet};
pub use scan::{ScanError, ScanPolicy, ScanTarget, parse_scan};
pub use text::{Lang, Text};
