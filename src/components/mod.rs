//! Views shared by the citizens' and the officers' apps. Anything here ships
//! to citizens: staff-only views belong in `crate::staff::components`.
pub mod answer_list;
pub mod dossier_summary;
pub mod install;
pub mod lang_switch;
pub mod outbox_badge;
pub mod question_form;
pub mod receipt;
