//! JSON shapes shared by the server and the PWA.

use serde::{Deserialize, Serialize};

/// `GET /api/v1/health`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Health {
    /// `"ok"` when the server and its database answer.
    pub status: String,
    /// The server's version.
    pub version: String,
    /// Schema version of the database (the last migration applied).
    pub schema_version: u32,
}

/// Every error the API answers: a stable code for programs, a message for people.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApiError {
    pub code: String,
    pub message: String,
}
