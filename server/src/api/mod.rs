//! `/api/v1`: JSON in, JSON out; every error a stable code and a message.

mod error;
mod health;

pub use error::ApiFailure;

use crate::AppState;
use axum::Router;
use axum::routing::get;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/health", get(health::health))
        .fallback(error::not_found)
}

/// Answers any `/api` path outside the versioned API, so that a typo in a
/// client never receives the app's HTML.
pub async fn unknown_api() -> ApiFailure {
    error::not_found().await
}
