use super::ApiFailure;
use crate::auth::SignedIn;
use crate::scope::Action;
use crate::{AppState, import};
use axum::Json;
use axum::body::Bytes;
use axum::extract::State;
use axum::extract::rejection::BytesRejection;
use axum::http::StatusCode;
use danhgia_core::import::parse_csv;
use danhgia_core::wire::{ApiError, ImportReport, ImportRowError};

/// Largest import: 20,000 rows of a one-stop export fit well within it.
pub const MAX_IMPORT_BYTES: usize = 8 * 1024 * 1024;

/// Imports dossiers from the one-stop software's CSV export (columns in the
/// README and `danhgia_core::import`). Office staff only, and only rows of
/// their agencies (`out_of_scope` otherwise); an existing dossier never
/// changes agency (`agency_changed`). Each bad row gets its own error; good
/// rows are saved; the same file twice changes nothing.
#[utoipa::path(post, path = "/dossiers", request_body(content = String, content_type = "text/csv"), security(("bearer" = [])), responses(
    (status = 200, body = ImportReport),
    (status = 400, body = ApiError, description = "`bad_file`, its `reason` one of `not_utf8`, `not_csv`, `missing_columns` (then `columns`), `too_many_rows`"),
    (status = 401, body = ApiError),
    (status = 403, body = ApiError, description = "`forbidden`: not office staff"),
    (status = 413, body = ApiError, description = "`too_large`: more than 8 MiB"),
))]
pub async fn import_csv(
    State(state): State<AppState>,
    SignedIn(officer): SignedIn,
    body: Result<Bytes, BytesRejection>,
) -> Result<Json<ImportReport>, ApiFailure> {
    officer.require(Action::ImportDossiers)?;
    let body = body.map_err(|e| {
        super::body_failure(
            e,
            ApiFailure::new(StatusCode::PAYLOAD_TOO_LARGE, "too_large", "The file is too large (at most 8 MiB)."),
        )
    })?;
    let text = std::str::from_utf8(&body).map_err(|_| ApiFailure::not_utf8())?;
    let (rows, errors) = parse_csv(text).map_err(|e| ApiFailure::bad_file(&e))?;
    let errors: Vec<ImportRowError> = errors.into_iter().map(ImportRowError::from).collect();
    let rules = state.rules.clone();
    let username = officer.account.username.clone();
    let who = crate::admin::audit::Who::account(officer.id(), &officer.account.username);
    let report = state.db.write(move |sql| import::save(sql, &rules, &officer.scope, &who, &rows, errors)).await?;
    tracing::info!(by = %username, created = report.created, updated = report.updated, unchanged = report.unchanged, errors = report.errors.len(), "dossiers imported");
    Ok(Json(report))
}
