pub mod citizen_entry;
pub mod home;
pub mod login;
pub mod not_found;
pub mod outbox;
pub mod rate;
pub mod transcribe;
