//! `/agency-scores`, `/conflicts`, `/proposals`: the district office's quarter.

use super::{ApiFailure, ApiJson, ApiPath, ApiQuery, now_rfc3339, today};
use crate::AppState;
use crate::auth::SignedIn;
use crate::quarter;
use crate::scope::Action;
use axum::Json;
use axum::extract::State;
use danhgia_core::wire::quarter::{
    AgencyScoreView, AgencyScores, ConflictDetail, ConflictPage, Decision, ProposalInput, ProposalView,
};
use danhgia_core::wire::{AgencyScoreEntry, ApiError, Period};
use serde::Deserialize;

#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub struct PeriodQuery {
    year: u16,
    /// 1–4; absent for the whole year.
    quarter: Option<u8>,
    /// Agency code; default the account's own (its agencies below are included).
    unit: Option<String>,
}

impl PeriodQuery {
    fn period(&self) -> Period {
        Period { year: self.year, quarter: self.quarter }
    }
}

fn needs(actor: &crate::auth::Actor, any_of: &[Action]) -> Result<(), ApiFailure> {
    if any_of.iter().any(|a| actor.role.may(*a)) {
        Ok(())
    } else {
        Err(ApiFailure::forbidden("Your role may not do this."))
    }
}

/// The per-agency indicators (5, 6, 8, 9) of every agency of the unit for
/// a period: current entries, who made them, the history, and what the
/// signed-in account may enter for each agency.
#[utoipa::path(get, path = "/agency-scores", params(PeriodQuery), security(("bearer" = [])), responses(
    (status = 200, body = AgencyScores),
    (status = 400, body = ApiError, description = "`bad_period`, `future_period`"),
    (status = 403, body = ApiError),
    (status = 404, body = ApiError),
))]
pub async fn list_scores(
    State(state): State<AppState>,
    SignedIn(actor): SignedIn,
    ApiQuery(q): ApiQuery<PeriodQuery>,
) -> Result<Json<AgencyScores>, ApiFailure> {
    needs(&actor, &[Action::ReadReports, Action::EnterSelfScores])?;
    let unit = q.unit.clone().unwrap_or_else(|| actor.account.agency_id.clone());
    let period = q.period();
    Ok(Json(state.db.read(move |sql| quarter::scores(sql, &actor, &unit, &period, today())).await?))
}

/// Enters a per-agency indicator for a period: the agency's own office its
/// self-assessment, an office above it the verified points (a verified score
/// below the self-assessment needs its reason). Every entry is kept.
#[utoipa::path(put, path = "/agency-scores", request_body = AgencyScoreEntry, security(("bearer" = [])), responses(
    (status = 200, body = AgencyScoreView),
    (status = 400, body = ApiError, description = "`bad_points`, `bad_indicator`, `bad_period`, `future_period`, `reason_required`, `bad_reason`"),
    (status = 403, body = ApiError),
    (status = 404, body = ApiError),
))]
pub async fn put_score(
    State(state): State<AppState>,
    SignedIn(actor): SignedIn,
    ApiJson(entry): ApiJson<AgencyScoreEntry>,
) -> Result<Json<AgencyScoreView>, ApiFailure> {
    needs(&actor, &[Action::EnterSelfScores, Action::VerifyScores])?;
    let now = now_rfc3339();
    Ok(Json(state.db.write(move |sql| quarter::enter_score(sql, &actor, &entry, today(), &now)).await?))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub struct ConflictQuery {
    year: u16,
    quarter: Option<u8>,
    unit: Option<String>,
    /// Include the dossiers already decided (default: open ones only).
    decided: Option<bool>,
    offset: Option<u32>,
    /// At most 100 (default 20).
    limit: Option<u32>,
}

/// Dossiers returned in the period that were rated twice, with every rating
/// and the decisions made, a page at a time.
#[utoipa::path(get, path = "/conflicts", params(ConflictQuery), security(("bearer" = [])), responses(
    (status = 200, body = ConflictPage),
    (status = 400, body = ApiError),
    (status = 403, body = ApiError),
))]
pub async fn list_conflicts(
    State(state): State<AppState>,
    SignedIn(actor): SignedIn,
    ApiQuery(q): ApiQuery<ConflictQuery>,
) -> Result<Json<ConflictPage>, ApiFailure> {
    needs(&actor, &[Action::DecideRatings, Action::ReadReports])?;
    let period = Period { year: q.year, quarter: q.quarter };
    super::reports::check_period(&period)?;
    let (from, to) = period.bounds().ok_or_else(|| ApiFailure::bad_request("bad_period", "no such period"))?;
    let unit = q.unit.unwrap_or_else(|| actor.account.agency_id.clone());
    let (offset, limit, decided) =
        (q.offset.unwrap_or(0), q.limit.unwrap_or(20).clamp(1, 100), q.decided.unwrap_or(false));
    Ok(Json(
        state
            .db
            .read(move |sql| quarter::conflicts(sql, &actor.scope, &unit, from, to, decided, offset, limit))
            .await?,
    ))
}

/// The office decides which rating of a dossier rated twice counts, with
/// its reason; the other is kept for audit. Reports and exports follow.
#[utoipa::path(post, path = "/conflicts/{code}/decide", params(("code" = String, Path)), request_body = Decision, security(("bearer" = [])), responses(
    (status = 200, body = ConflictDetail),
    (status = 400, body = ApiError, description = "`unknown_rating`, `not_rated_twice`, `bad_reason`"),
    (status = 403, body = ApiError),
    (status = 404, body = ApiError),
))]
pub async fn decide(
    State(state): State<AppState>,
    SignedIn(actor): SignedIn,
    ApiPath(code): ApiPath<String>,
    ApiJson(decision): ApiJson<Decision>,
) -> Result<Json<ConflictDetail>, ApiFailure> {
    actor.require(Action::DecideRatings)?;
    let code =
        danhgia_core::DossierCode::parse(&code).map_err(|e| ApiFailure::bad_request("bad_code", e.to_string()))?;
    let now = now_rfc3339();
    Ok(Json(state.db.write(move |sql| quarter::decide(sql, &actor, code.as_str(), &decision, &now)).await?))
}

/// The proposals (đề xuất, kiến nghị) of the unit's agencies for a period.
#[utoipa::path(get, path = "/proposals", params(PeriodQuery), security(("bearer" = [])), responses(
    (status = 200, body = Vec<ProposalView>),
    (status = 403, body = ApiError),
))]
pub async fn list_proposals(
    State(state): State<AppState>,
    SignedIn(actor): SignedIn,
    ApiQuery(q): ApiQuery<PeriodQuery>,
) -> Result<Json<Vec<ProposalView>>, ApiFailure> {
    needs(&actor, &[Action::ReadReports, Action::WriteProposals])?;
    let period = q.period();
    super::reports::check_period(&period)?;
    let unit = q.unit.clone().unwrap_or_else(|| actor.account.agency_id.clone());
    Ok(Json(state.db.read(move |sql| quarter::proposals(sql, &actor.scope, &unit, &period)).await?))
}

/// A commune's office writes its proposed fixes for the period (Mẫu 05).
#[utoipa::path(put, path = "/proposals", request_body = ProposalInput, security(("bearer" = [])), responses(
    (status = 200, body = ProposalView),
    (status = 400, body = ApiError, description = "`bad_text`, `bad_period`, `future_period`"),
    (status = 403, body = ApiError),
))]
pub async fn put_proposal(
    State(state): State<AppState>,
    SignedIn(actor): SignedIn,
    ApiJson(input): ApiJson<ProposalInput>,
) -> Result<Json<ProposalView>, ApiFailure> {
    actor.require(Action::WriteProposals)?;
    let now = now_rfc3339();
    Ok(Json(state.db.write(move |sql| quarter::write_proposal(sql, &actor, &input, today(), &now)).await?))
}
