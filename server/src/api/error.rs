use axum::Json;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use danhgia_core::wire::ApiError;

/// An error answer: HTTP status plus the JSON body every client can rely on.
#[derive(Debug)]
pub struct ApiFailure {
    pub status: StatusCode,
    pub body: ApiError,
}

impl ApiFailure {
    pub fn new(status: StatusCode, code: &str, message: impl Into<String>) -> Self {
        ApiFailure { status, body: ApiError { code: code.into(), message: message.into() } }
    }

    /// A failure of ours, logged in full but answered without internals.
    pub fn internal(err: impl std::fmt::Display) -> Self {
        tracing::error!(error = %err, "internal error");
        Self::new(StatusCode::INTERNAL_SERVER_ERROR, "internal", "The server could not complete the request.")
    }
}

impl IntoResponse for ApiFailure {
    fn into_response(self) -> Response {
        (self.status, Json(self.body)).into_response()
    }
}

pub async fn not_found() -> ApiFailure {
    ApiFailure::new(StatusCode::NOT_FOUND, "not_found", "No such API endpoint.")
}
