//! The administration API's shapes: agencies, officials, accounts and the
//! audit log (`/api/v1/agencies`, `/officials`, `/accounts`, `/audit`).

use serde::{Deserialize, Serialize};

/// An agency of the tree (district → communes, towns, departments).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AgencyInfo {
    /// The agency's code, e.g. `H45.03`.
    pub id: String,
    pub name: String,
    /// `province`, `district`, `commune`, `town` or `department`.
    pub level: String,
    pub parent_id: Option<String>,
    pub active: bool,
    /// Dossiers held: an agency with dossiers is deactivated, never deleted.
    pub dossiers: u32,
}

/// `POST /api/v1/agencies`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AgencyInput {
    pub id: String,
    pub name: String,
    pub level: String,
    /// Required: an agency is created under one of the administrator's.
    pub parent_id: String,
}

/// `PATCH /api/v1/agencies/{id}`: what changes; absent fields stay.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AgencyPatch {
    pub name: Option<String>,
    pub level: Option<String>,
    pub parent_id: Option<String>,
    pub active: Option<bool>,
}

/// An official who handles dossiers (named on the one-stop software's export).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OfficialInfo {
    pub id: i64,
    pub agency_id: String,
    pub full_name: String,
    pub position: String,
    pub active: bool,
    /// Set when this official (an import typo) was merged into another.
    pub merged_into: Option<i64>,
    pub dossiers: u32,
}

/// `POST /api/v1/officials`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OfficialInput {
    pub agency_id: String,
    pub full_name: String,
    #[serde(default)]
    pub position: String,
}

/// `PATCH /api/v1/officials/{id}`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OfficialPatch {
    pub full_name: Option<String>,
    pub position: Option<String>,
    pub active: Option<bool>,
}

/// `POST /api/v1/officials/{id}/merge`: this official's dossiers move to
/// `into`, and this one is deactivated.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MergeOfficials {
    pub into: i64,
}

/// A sign-in account.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AccountInfo {
    pub id: i64,
    pub username: String,
    pub full_name: String,
    /// `officer`, `office` or `admin`.
    pub role: String,
    pub agency_id: String,
    pub active: bool,
    pub must_change_password: bool,
    /// Sessions open now.
    pub sessions: u32,
}

/// `POST /api/v1/accounts`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AccountInput {
    pub username: String,
    pub full_name: String,
    pub role: String,
    pub agency_id: String,
}

/// `PATCH /api/v1/accounts/{id}`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AccountPatch {
    pub full_name: Option<String>,
    pub role: Option<String>,
    pub agency_id: Option<String>,
    pub active: Option<bool>,
}

/// A new account, or a reset password: the one-time password is shown once
/// and must be changed at the first sign-in.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OneTimePassword {
    pub account: AccountInfo,
    pub password: String,
}

/// One administrative change.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AuditEntry {
    pub id: i64,
    /// RFC 3339.
    pub at: String,
    /// Who: a user name, or `cli…` for the server's command line.
    pub actor: String,
    /// What, e.g. `agency.create`, `account.deactivate`, `official.merge`.
    pub action: String,
    /// What it was done to (a code, a user name, an id).
    pub target: String,
    pub agency_id: Option<String>,
    #[cfg_attr(feature = "openapi", schema(value_type = Option<Object>))]
    pub before: Option<serde_json::Value>,
    #[cfg_attr(feature = "openapi", schema(value_type = Option<Object>))]
    pub after: Option<serde_json::Value>,
}

/// `GET /api/v1/audit`: newest first.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AuditPage {
    pub total: u32,
    pub offset: u32,
    pub entries: Vec<AuditEntry>,
}
