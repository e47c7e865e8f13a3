use super::{ApiFailure, now_rfc3339};
use crate::auth::{Officer, SignedIn};
use crate::{AppState, export, reports};
use axum::Json;
use axum::extract::{Query, State};
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

/// The unit asked for, if the officer may see it.
fn unit_for(officer: &Officer, asked: Option<&str>, conn: &rusqlite::Connection) -> rusqlite::Result<Option<String>> {
    let unit = asked.unwrap_or(&officer.agency_id).to_owned();
    if unit == officer.agency_id {
        return Ok(Some(unit));
    }
    let child: Option<String> = rusqlite::OptionalExtension::optional(conn.query_row(
        "SELECT id FROM agencies WHERE id = ?1 AND parent_id = ?2",
        rusqlite::params![unit, officer.agency_id],
        |r| r.get(0),
    ))?;
    Ok(child)
}

async fn load(state: &AppState, officer: Officer, q: &ReportQuery) -> Result<Report, ApiFailure> {
    let period = Period { year: q.year, quarter: q.quarter };
    if period.bounds().is_none() {
        return Err(ApiFailure::new(StatusCode::BAD_REQUEST, "bad_period", "quarter must be 1–4"));
    }
    let (rules, asked) = (state.rules.clone(), q.unit.clone());
    let found = state
        .db
        .call(move |conn| {
            let Some(unit) = unit_for(&officer, asked.as_deref(), conn)? else { return Ok(Err(())) };
            Ok(Ok(reports::build(conn, &rules, &Bands::builtin(), &unit, period)?))
        })
        .await
        .map_err(ApiFailure::internal)?;
    match found {
        Err(()) => Err(ApiFailure::new(StatusCode::FORBIDDEN, "forbidden", "This unit is outside your agency.")),
        Ok(None) => Err(ApiFailure::new(StatusCode::NOT_FOUND, "not_found", "No such unit.")),
        Ok(Some(r)) => Ok(r),
    }
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
    SignedIn(officer): SignedIn,
    Query(q): Query<ReportQuery>,
) -> Result<Json<Report>, ApiFailure> {
    Ok(Json(load(&state, officer, &q).await?))
}

/// The same report as a file: `format=csv` (UTF-8 with BOM) or `format=xlsx`.
#[utoipa::path(get, path = "/reports/export", params(ReportQuery), security(("bearer" = [])), responses(
    (status = 200, description = "text/csv or an XLSX workbook"),
    (status = 400, body = ApiError),
))]
pub async fn export_report(
    State(state): State<AppState>,
    SignedIn(officer): SignedIn,
    Query(q): Query<ReportQuery>,
) -> Result<Response, ApiFailure> {
    let report = load(&state, officer, &q).await?;
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
/// period: self-assessed, then verified with the reason for any deduction.
#[utoipa::path(put, path = "/agency-scores", request_body = AgencyScoreEntry, security(("bearer" = [])), responses(
    (status = 204),
    (status = 400, body = ApiError),
    (status = 403, body = ApiError),
))]
pub async fn put_agency_score(
    State(state): State<AppState>,
    SignedIn(officer): SignedIn,
    body: Result<Json<AgencyScoreEntry>, axum::extract::rejection::JsonRejection>,
) -> Result<StatusCode, ApiFailure> {
    let Json(e) = body.map_err(|e| ApiFailure::new(StatusCode::BAD_REQUEST, "bad_json", e.body_text()))?;
    if officer.role != "office" {
        return Err(ApiFailure::new(StatusCode::FORBIDDEN, "forbidden", "Only office staff enter agency scores."));
    }
    let points_ok = |v: Option<f64>| v.is_none_or(|x| (0.0..=2.0).contains(&x));
    if ![5, 6, 8, 9].contains(&e.indicator)
        || e.period.bounds().is_none()
        || !points_ok(e.self_assessed)
        || !points_ok(e.verified)
    {
        return Err(ApiFailure::new(
            StatusCode::BAD_REQUEST,
            "bad_entry",
            "indicator 5, 6, 8 or 9; points 0–2; a valid period",
        ));
    }
    let now = now_rfc3339();
    let ok = state
        .db
        .call(move |conn| {
            if unit_for(&officer, Some(&e.agency_id), conn)?.is_none() {
                return Ok(false);
            }
            conn.execute(
                "INSERT INTO agency_scores (agency_id, period, indicator, self_assessed, verified, reason, updated_by, updated_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)
                 ON CONFLICT (agency_id, period, indicator) DO UPDATE SET self_assessed = excluded.self_assessed,
                   verified = excluded.verified, reason = excluded.reason, updated_by = excluded.updated_by,
                   updated_at = excluded.updated_at",
                rusqlite::params![e.agency_id, e.period.key(), e.indicator, e.self_assessed, e.verified, e.reason, officer.id, now],
            )?;
            Ok(true)
        })
        .await
        .map_err(ApiFailure::internal)?;
    if ok {
        Ok(StatusCode::NO_CONTENT)
    } else {
        Err(ApiFailure::new(StatusCode::FORBIDDEN, "forbidden", "This agency is outside yours."))
    }
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
    SignedIn(officer): SignedIn,
    axum::extract::Path(code): axum::extract::Path<String>,
) -> Result<StatusCode, ApiFailure> {
    if officer.role != "office" {
        return Err(ApiFailure::new(StatusCode::FORBIDDEN, "forbidden", "Only office staff resolve conflicts."));
    }
    let changed = state
        .db
        .call(move |conn| {
            Ok(conn.execute(
                "UPDATE rating_conflicts SET resolved = 1 WHERE dossier_code = ?1 AND resolved = 0
                   AND dossier_code IN (SELECT code FROM dossiers WHERE agency_id IN
                       (SELECT id FROM agencies WHERE id = ?2 OR parent_id = ?2))",
                rusqlite::params![code, officer.agency_id],
            )?)
        })
        .await
        .map_err(ApiFailure::internal)?;
    if changed > 0 {
        Ok(StatusCode::NO_CONTENT)
    } else {
        Err(ApiFailure::new(StatusCode::NOT_FOUND, "not_found", "No open conflict for this dossier."))
    }
}
