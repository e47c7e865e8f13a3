//! The district office's quarter: per-agency indicators with their
//! history, decisions on dossiers rated twice, commune proposals
//! (`/api/v1/agency-scores`, `/conflicts`, `/proposals`).

use super::Period;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// One entry in an indicator's history.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ScoreChange {
    /// `self` (the agency's own assessment) or `verified` (thẩm định).
    pub kind: String,
    pub points: Option<f64>,
    pub reason: Option<String>,
    /// Who (full name and user name).
    pub by: String,
    /// RFC 3339.
    pub at: String,
}

/// A per-agency indicator (5, 6, 8, 9) of an agency for a period: the
/// current entries, who made them, and the history.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AgencyScoreView {
    pub agency_id: String,
    pub agency: String,
    pub indicator: u8,
    pub self_assessed: Option<f64>,
    pub self_by: Option<String>,
    pub self_at: Option<String>,
    pub verified: Option<f64>,
    pub verified_by: Option<String>,
    pub verified_at: Option<String>,
    /// The reason for a deduction (verified below self-assessed).
    pub reason: Option<String>,
    /// Oldest first.
    pub history: Vec<ScoreChange>,
}

/// `GET /api/v1/agency-scores`: every agency of the unit and its four indicators.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AgencyScores {
    pub period: Period,
    /// Agency code → what the signed-in account may enter for it: `self`, `verified`, both or none.
    pub may_enter: BTreeMap<String, Vec<String>>,
    pub scores: Vec<AgencyScoreView>,
}

/// One rating of a dossier rated twice.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RatingView {
    /// The record's id: what a decision names.
    pub id: String,
    /// `online`, `paper` or `kiosk`.
    pub channel: String,
    pub answers: BTreeMap<String, String>,
    pub comment: Option<String>,
    /// When it reached the server (RFC 3339).
    pub received_at: String,
    /// The account that entered it (paper slips, kiosk), by user name.
    pub entered_by: Option<String>,
    /// This is the rating that counts.
    pub counts: bool,
}

/// Who decided which rating counts, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DecisionView {
    pub counted_id: String,
    pub previous_id: String,
    pub reason: String,
    pub decided_by: String,
    pub decided_at: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ConflictDetail {
    pub dossier_code: String,
    pub procedure: String,
    pub agency_id: String,
    pub agency: String,
    pub returned_on: Option<String>,
    pub ruleset_version: String,
    /// The counted one first.
    pub ratings: Vec<RatingView>,
    /// Oldest first; empty until the office decides.
    pub decisions: Vec<DecisionView>,
}

/// `GET /api/v1/conflicts`: dossiers of a period rated twice, a page at a time.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ConflictPage {
    pub total: u32,
    pub offset: u32,
    pub conflicts: Vec<ConflictDetail>,
}

/// `POST /api/v1/conflicts/{code}/decide`: which rating counts, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Decision {
    /// The id of the rating that counts from now on (it may be the one counting already).
    pub count: String,
    pub reason: String,
}

/// `PUT /api/v1/proposals`: a commune's proposed fixes for a period.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ProposalInput {
    pub agency_id: String,
    pub period: Period,
    /// Up to 4,000 characters; line breaks kept.
    pub text: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ProposalView {
    pub agency_id: String,
    pub agency: String,
    pub period: Period,
    pub text: String,
    pub updated_by: String,
    pub updated_at: String,
}
