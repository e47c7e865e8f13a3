//! danhgia's server: the built PWA and `/api/v1` on one port, over SQLite.

pub mod api;
pub mod auth;
pub mod config;
pub mod db;
pub mod demo;
pub mod dossiers;
pub mod export;
pub mod import;
pub mod links;
pub mod ratings;
pub mod reports;
pub mod slips;
pub mod static_files;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::http::{HeaderName, HeaderValue};
use axum::routing::any;
use danhgia_core::RuleBook;
use std::sync::Arc;
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::trace::TraceLayer;

pub use config::Config;
pub use db::Db;
pub use links::LinkSigner;

#[derive(Clone)]
pub struct AppState {
    pub db: Db,
    pub config: Arc<Config>,
    pub rules: Arc<RuleBook>,
    pub links: Arc<LinkSigner>,
}

/// The whole HTTP surface.
pub fn app(state: AppState) -> Router {
    let dist = state.config.dist.clone();
    Router::new()
        .nest("/api/v1", api::router().layer(DefaultBodyLimit::max(api::MAX_BODY_BYTES)))
        .route("/api", any(api::unknown_api))
        .route("/api/{*rest}", any(api::unknown_api))
        .with_state(state)
        .merge(static_files::router(&dist))
        // Cross-origin isolation: the app loads nothing from elsewhere, and it
        // gives precise timers (performance.now) to benchmarks and the app.
        .layer(SetResponseHeaderLayer::overriding(
            HeaderName::from_static("cross-origin-opener-policy"),
            HeaderValue::from_static("same-origin"),
        ))
        .layer(SetResponseHeaderLayer::overriding(
            HeaderName::from_static("cross-origin-embedder-policy"),
            HeaderValue::from_static("require-corp"),
        ))
        .layer(TraceLayer::new_for_http())
}
