use crate::store::DbError;
use axum::Json;
use axum::extract::rejection::{BytesRejection, FailedToBufferBody, JsonRejection, PathRejection, QueryRejection};
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::request::Parts;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use danhgia_core::wire::ApiError;
use serde::de::DeserializeOwned;

/// An error answer: HTTP status plus the JSON body every client can rely on.
#[derive(Debug)]
pub struct ApiFailure {
    pub status: StatusCode,
    pub body: ApiError,
    /// Seconds, for `429 Too Many Requests` and `503 busy`.
    pub retry_after: Option<i64>,
}

impl ApiFailure {
    pub fn new(status: StatusCode, code: &str, message: impl Into<String>) -> Self {
        let body = ApiError { code: code.into(), message: message.into(), reason: None, columns: Vec::new() };
        ApiFailure { status, body, retry_after: None }
    }

    /// A CSV import refused as a whole (`bad_file`), its reason named for the app.
    pub fn bad_file(e: &danhgia_core::import::FileError) -> Self {
        let mut f = Self::bad_request("bad_file", e.to_string());
        f.body.reason = Some(e.reason().into());
        f.body.columns = e.columns();
        f
    }

    /// A CSV import that is not UTF-8 text (`bad_file`, `not_utf8`).
    pub fn not_utf8() -> Self {
        let mut f = Self::bad_request("bad_file", "The file is not UTF-8 text.");
        f.body.reason = Some("not_utf8".into());
        f
    }

    /// A failure of ours, logged in full but answered without internals.
    pub fn internal(err: impl std::fmt::Display) -> Self {
        tracing::error!(error = %err, "internal error");
        Self::new(StatusCode::INTERNAL_SERVER_ERROR, "internal", "The server could not complete the request.")
    }

    /// Too many attempts: try again in `seconds`.
    pub fn too_many(seconds: i64, message: &str) -> Self {
        let mut f = Self::new(StatusCode::TOO_MANY_REQUESTS, "too_many_attempts", message);
        f.retry_after = Some(seconds.max(1));
        f
    }

    pub fn bad_request(code: &str, message: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, code, message)
    }

    pub fn forbidden(message: impl Into<String>) -> Self {
        Self::new(StatusCode::FORBIDDEN, "forbidden", message)
    }

    pub fn not_found(message: impl Into<String>) -> Self {
        Self::new(StatusCode::NOT_FOUND, "not_found", message)
    }
}

impl From<DbError> for ApiFailure {
    fn from(e: DbError) -> Self {
        if e.is_busy() {
            // Answered, not logged as a failure: clients send it again.
            tracing::warn!(error = %e, "database busy");
            let mut f =
                Self::new(StatusCode::SERVICE_UNAVAILABLE, "busy", "The server is busy: send this again in a moment.");
            f.retry_after = Some(BUSY_RETRY_SECONDS);
            return f;
        }
        ApiFailure::internal(e)
    }
}

/// `Retry-After` of a `503 busy` answer.
const BUSY_RETRY_SECONDS: i64 = 2;

impl IntoResponse for ApiFailure {
    fn into_response(self) -> Response {
        let mut res = (self.status, Json(self.body)).into_response();
        if let Some(s) = self.retry_after
            && let Ok(v) = HeaderValue::from_str(&s.to_string())
        {
            res.headers_mut().insert(header::RETRY_AFTER, v);
        }
        res
    }
}

pub async fn not_found() -> ApiFailure {
    ApiFailure::not_found("No such API endpoint.")
}

pub async fn method_not_allowed() -> ApiFailure {
    ApiFailure::new(StatusCode::METHOD_NOT_ALLOWED, "method_not_allowed", "This endpoint does not take this method.")
}

/// A JSON body; a malformed or oversized one is answered in JSON too.
pub struct ApiJson<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for ApiJson<T> {
    type Rejection = ApiFailure;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        match Json::<T>::from_request(req, state).await {
            Ok(Json(v)) => Ok(ApiJson(v)),
            Err(JsonRejection::BytesRejection(_)) => Err(ApiFailure::new(
                StatusCode::PAYLOAD_TOO_LARGE,
                "too_large",
                "The request body is too large, or it did not arrive in time.",
            )),
            Err(JsonRejection::MissingJsonContentType(_)) => Err(ApiFailure::new(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "bad_content_type",
                "Send JSON with Content-Type: application/json.",
            )),
            Err(e) => Err(ApiFailure::bad_request("bad_json", e.body_text())),
        }
    }
}

/// Query parameters; bad ones are answered in JSON.
pub struct ApiQuery<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequestParts<S> for ApiQuery<T> {
    type Rejection = ApiFailure;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        axum::extract::Query::<T>::from_request_parts(parts, state)
            .await
            .map(|q| ApiQuery(q.0))
            .map_err(|e: QueryRejection| ApiFailure::bad_request("bad_query", e.body_text()))
    }
}

/// Path parameters; bad ones are answered in JSON.
pub struct ApiPath<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned + Send> FromRequestParts<S> for ApiPath<T> {
    type Rejection = ApiFailure;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        axum::extract::Path::<T>::from_request_parts(parts, state)
            .await
            .map(|p| ApiPath(p.0))
            .map_err(|e: PathRejection| ApiFailure::bad_request("bad_path", e.body_text()))
    }
}

/// A raw body that could not be read: over the route's limit (`too_large`
/// as given), or not sent in time (`408 body_timeout`).
pub fn body_failure(e: BytesRejection, too_large: ApiFailure) -> ApiFailure {
    match e {
        BytesRejection::FailedToBufferBody(FailedToBufferBody::LengthLimitError(_)) => too_large,
        _ => ApiFailure::new(StatusCode::REQUEST_TIMEOUT, "body_timeout", "The request body did not arrive in time."),
    }
}
