use super::ApiFailure;
use crate::AppState;
use axum::Json;
use axum::extract::State;
use danhgia_core::wire::{ApiError, Health};

/// Server and database status.
///
/// Answers only when the database answers: a health check that ignores the
/// database would report a server that cannot store a single rating as fine.
#[utoipa::path(get, path = "/health", responses(
    (status = 200, body = Health),
    (status = 500, body = ApiError),
))]
pub async fn health(State(state): State<AppState>) -> Result<Json<Health>, ApiFailure> {
    let schema_version = state.db.ping().await?;
    Ok(Json(Health { status: "ok".into(), version: env!("CARGO_PKG_VERSION").into(), schema_version }))
}
