pub mod citizen_entry;
pub mod home;
pub mod login;
pub mod not_found;
pub mod rate;
pub mod transcribe;
