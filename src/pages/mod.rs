pub mod citizen_entry;
pub mod home;
pub mod not_found;
pub mod officer;
pub mod rate;
