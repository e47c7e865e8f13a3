//! Administration of a district: its agencies, officials and accounts, each
//! change recorded in the audit log.

pub mod audit;
