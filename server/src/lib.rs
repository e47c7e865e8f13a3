//! danhgia's server: the built PWA and `/api/v1` on one port, over SQLite.

pub mod api;
pub mod config;
pub mod db;
pub mod static_files;

use axum::Router;
use axum::routing::any;
use std::sync::Arc;
use tower_http::trace::TraceLayer;

pub use config::Config;
pub use db::Db;

#[derive(Clone)]
pub struct AppState {
    pub db: Db,
    pub config: Arc<Config>,
}

/// The whole HTTP surface.
pub fn app(state: AppState) -> Router {
    let dist = state.config.dist.clone();
    Router::new()
        .nest("/api/v1", api::router())
        .route("/api", any(api::unknown_api))
        .route("/api/{*rest}", any(api::unknown_api))
        .with_state(state)
        .merge(static_files::router(&dist))
        .layer(TraceLayer::new_for_http())
}
