use super::{ApiFailure, ApiQuery};
use crate::auth::{Actor, SignedIn};
use crate::scope::Action;
use crate::{AppState, export, reports};
use axum::Json;
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use danhgia_core::bands::Bands;
use danhgia_core::wire::{ApiError, Period, Report};
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

pub fn check_period(period: &Period) -> Result<(), ApiFailure> {
    if !crate::quarter::YEARS.contains(&period.year) || period.bounds().is_none() {
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
