use super::ApiFailure;
use crate::AppState;
use crate::auth;
use axum::Json;
use axum::extract::State;
use axum::extract::rejection::JsonRejection;
use axum::http::StatusCode;
use danhgia_core::wire::{ApiError, LoginRequest, Session};

/// Signs an officer in.
#[utoipa::path(post, path = "/auth/login", request_body = LoginRequest, responses(
    (status = 200, body = Session),
    (status = 400, body = ApiError, description = "`bad_json`"),
    (status = 401, body = ApiError, description = "`bad_credentials`"),
))]
pub async fn login(
    State(state): State<AppState>,
    body: Result<Json<LoginRequest>, JsonRejection>,
) -> Result<Json<Session>, ApiFailure> {
    let Json(req) = body.map_err(|e| ApiFailure::new(StatusCode::BAD_REQUEST, "bad_json", e.body_text()))?;
    if req.username.len() > 100 || req.password.len() > 200 {
        return Err(ApiFailure::new(StatusCode::UNAUTHORIZED, "bad_credentials", "Wrong user name or password."));
    }
    let session = state
        .db
        .call(move |conn| Ok(auth::login(conn, &req.username, &req.password, auth::unix_now())?))
        .await
        .map_err(ApiFailure::internal)?;
    let (token, expires_at, officer) = session
        .ok_or_else(|| ApiFailure::new(StatusCode::UNAUTHORIZED, "bad_credentials", "Wrong user name or password."))?;
    tracing::info!(officer = %officer.username, "signed in");
    Ok(Json(Session { token, expires_at, officer }))
}
