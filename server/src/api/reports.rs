use super::{ApiFailure, ApiJson, ApiPath, ApiQuery, now_rfc3339};
use crate::auth::{Actor, SignedIn};
use crate::scope::Action;
use crate::store::DbError;
use crate::{AppState, export, params, reports};
use axum::Json;
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use danhgia_core::bands::Bands;
use danhgia_core::wire::{AgencyScoreEntry, ApiError, Period, Report};
use serde::Deserialize;

#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub struct ReportQuery {
    year: u16,
    /// 1–4; absent for the whole year.
    quarter: Option<u8>,
    /// Agency code; default the officer's own. A district sees its communes.
    unit: Option<String>,
    /// `csv` or `xlsx` (export only).
    format: Option<String>,
}

/// Years a report may cover.
pub const YEARS: std::ops::RangeInclusive<u16> = 2000..=2100;

pub fn check_period(period: &Period) -> Result<(), ApiFailure> {
    if !YEARS.contains(&period.year) || period.bounds().is_none() {
        return Err(ApiFailure::bad_request("bad_period", "year 2000–2100; quarter 1–4 or none for the whole year"));
    }
    Ok(())
}

async fn load(state: &AppState, actor: Actor, q: &ReportQuery) -> Result<Report, ApiFailure> {
    actor.require(Action::ReadReports)?;
    let period = Period { year: q.year, quarter: q.quarter };
    check_period(&period)?;
    let unit = q.unit.clone().unwrap_or_else(|| actor.account.agency_id.clone());
    if !actor.scope.covers(&unit) {
        return Err(ApiFailure::forbidden("This unit is outside your agency."));
    }
    let rules = state.rules.clone();
    let found = state.db.read(move |sql| reports::build(sql, &rules, &Bands::builtin(), &unit, period)).await?;
    found.ok_or_else(|| ApiFailure::not_found("No such unit."))
}

/// Scores of a quarter or year: officials (Mẫu 03), agencies with all nine
/// indicators, total, classification and rank (Mẫu 02/05), satisfaction over
/// the quarters, and dossiers rated twice.
#[utoipa::path(get, path = "/reports", params(ReportQuery), security(("bearer" = [])), responses(
    (status = 200, body = Report),
    (status = 400, body = ApiError),
    (status = 401, body = ApiError),
    (status = 403, body = ApiError),
))]
pub async fn report(
    State(state): State<AppState>,
    SignedIn(actor): SignedIn,
    ApiQuery(q): ApiQuery<ReportQuery>,
) -> Result<Json<Report>, ApiFailure> {
    Ok(Json(load(&state, actor, &q).await?))
}

/// The same report as a file: `format=csv` (UTF-8 with BOM) or `format=xlsx`.
#[utoipa::path(get, path = "/reports/export", params(ReportQuery), security(("bearer" = [])), responses(
    (status = 200, description = "text/csv or an XLSX workbook"),
    (status = 400, body = ApiError),
))]
pub async fn export_report(
    State(state): State<AppState>,
    SignedIn(actor): SignedIn,
    ApiQuery(q): ApiQuery<ReportQuery>,
) -> Result<Response, ApiFailure> {
    let report = load(&state, actor, &q).await?;
    let name = format!("danhgia-{}-{}", report.unit, report.period.key());
    match q.format.as_deref().unwrap_or("csv") {
        "csv" => Ok((
            [
                (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_owned()),
                (header::CONTENT_DISPOSITION, format!("attachment; filename=\"{name}.csv\"")),
            ],
            export::csv(&report),
        )
            .into_response()),
        "xlsx" => {
            let bytes = export::xlsx(&report).map_err(ApiFailure::internal)?;
            Ok((
                [
                    (
                        header::CONTENT_TYPE,
                        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet".to_owned(),
                    ),
                    (header::CONTENT_DISPOSITION, format!("attachment; filename=\"{name}.xlsx\"")),
                ],
                bytes,
            )
                .into_response())
        }
        _ => Err(ApiFailure::new(StatusCode::BAD_REQUEST, "bad_format", "format must be csv or xlsx")),
    }
}

/// Office staff enter an agency's per-agency indicator (5, 6, 8, 9) for a
/// period: the agency's own office its self-assessment, an office above it
/// the verified points with the reason for any deduction.
#[utoipa::path(put, path = "/agency-scores", request_body = AgencyScoreEntry, security(("bearer" = [])), responses(
    (status = 204),
    (status = 400, body = ApiError),
    (status = 403, body = ApiError),
))]
pub async fn put_agency_score(
    State(state): State<AppState>,
    SignedIn(actor): SignedIn,
    ApiJson(e): ApiJson<AgencyScoreEntry>,
) -> Result<StatusCode, ApiFailure> {
    check_period(&e.period)?;
    let points_ok = |v: Option<f64>| v.is_none_or(|x| (0.0..=2.0).contains(&x));
    if ![5, 6, 8, 9].contains(&e.indicator) || !points_ok(e.self_assessed) || !points_ok(e.verified) {
        return Err(ApiFailure::bad_request("bad_entry", "indicator 5, 6, 8 or 9; points 0–2"));
    }
    let reason = match e.reason.as_deref().map(str::trim).filter(|r| !r.is_empty()) {
        Some(r) => Some(
            danhgia_core::account::clean_line(r, 500)
                .map_err(|p| ApiFailure::bad_request("bad_reason", p.to_string()))?,
        ),
        None => None,
    };
    if e.self_assessed.is_some() && !(actor.role.may(Action::EnterSelfScores) && actor.scope.root() == e.agency_id) {
        return Err(ApiFailure::forbidden("Only the agency's own office enters its self-assessment."));
    }
    if e.verified.is_some() && !(actor.role.may(Action::VerifyScores) && actor.scope.is_below(&e.agency_id)) {
        return Err(ApiFailure::forbidden("Only an office above the agency verifies its points."));
    }
    let now = now_rfc3339();
    let by = actor.id();
    state
        .db
        .write(move |sql| {
            sql.execute(
                "INSERT INTO agency_scores (agency_id, period, indicator, self_assessed, self_by, self_at, verified, verified_by, verified_at, reason)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $5, $6, $8)
                 ON CONFLICT (agency_id, period, indicator) DO UPDATE SET self_assessed = excluded.self_assessed,
                   verified = excluded.verified, reason = excluded.reason",
                params![&e.agency_id, e.period.key(), e.indicator, e.self_assessed, by, &now, e.verified, &reason],
            )?;
            Ok::<_, DbError>(())
        })
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Office staff mark a dossier rated twice as reviewed: the rating counted
/// stays; the one set aside leaves the list.
#[utoipa::path(post, path = "/conflicts/{code}/resolve", params(("code" = String, Path)), security(("bearer" = [])), responses(
    (status = 204),
    (status = 403, body = ApiError),
    (status = 404, body = ApiError),
))]
pub async fn resolve_conflict(
    State(state): State<AppState>,
    SignedIn(actor): SignedIn,
    ApiPath(code): ApiPath<String>,
) -> Result<StatusCode, ApiFailure> {
    actor.require(Action::DecideRatings)?;
    let changed = state
        .db
        .write(move |sql| {
            let agency = sql.opt::<String>("SELECT agency_id FROM dossiers WHERE code = $1", params![&code])?;
            if !agency.is_some_and(|a| actor.scope.covers(&a)) {
                return Ok::<_, DbError>(0);
            }
            sql.execute(
                "UPDATE rating_conflicts SET resolved = 1 WHERE dossier_code = $1 AND resolved = 0",
                params![&code],
            )
        })
        .await?;
    if changed > 0 {
        Ok(StatusCode::NO_CONTENT)
    } else {
        Err(ApiFailure::not_found("No open conflict for this dossier."))
    }
}
