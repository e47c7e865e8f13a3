//! danhgia's server: the built PWA and `/api/v1` on one port, over SQLite
//! (or PostgreSQL).

pub mod admin;
pub mod api;
pub mod auth;
pub mod cli;
pub mod config;
pub mod demo;
pub mod dossiers;
pub mod export;
pub mod headers;
pub mod import;
pub mod links;
pub mod net;
pub mod quarter;
pub mod ratings;
pub mod reports;
pub mod scope;
pub mod slips;
pub mod static_files;
pub mod store;
pub mod throttle;
pub mod tls;

use axum::Router;
use axum::response::IntoResponse;
use axum::routing::any;
use danhgia_core::RuleBook;
use std::sync::Arc;

pub use config::Config;
pub use links::LinkSigner;
pub use store::Db;

#[derive(Clone)]
pub struct AppState {
    pub db: Db,
    pub config: Arc<Config>,
    pub rules: Arc<RuleBook>,
    pub links: Arc<LinkSigner>,
    pub hasher: Arc<auth::Hasher>,
    /// Where citizens reach this server: the base of every printed link.
    pub public_url: Arc<str>,
}

impl AppState {
    pub fn new(db: Db, config: Config, links: LinkSigner, public_url: String) -> AppState {
        // Argon2 on at most half the cores (at least one), so that a flood
        // of sign-ins leaves the rest of the server its share.
        let cores = std::thread::available_parallelism().map_or(2, usize::from);
        AppState {
            db,
            config: Arc::new(config),
            rules: Arc::new(RuleBook::builtin()),
            links: Arc::new(links),
            hasher: Arc::new(auth::Hasher::new((cores / 2).max(1))),
            public_url: public_url.trim_end_matches('/').into(),
        }
    }
}

/// The whole HTTP surface.
pub fn app(state: AppState) -> Router {
    let dist = state.config.dist.clone();
    let headers = headers::SecurityHeaders::new(&dist, state.config.tls_cert.is_some());
    let mut router = Router::new();
    if state.config.tls_self_signed {
        // The trial CA, for phones and tablets to install (its fingerprint is in the log).
        let ca = state.config.data_dir.join(tls::TRIAL_CA_CERT);
        router = router.route(
            tls::TRIAL_CA_PATH,
            axum::routing::get(move || {
                let ca = ca.clone();
                async move {
                    match tokio::fs::read(&ca).await {
                        Ok(pem) => {
                            ([(axum::http::header::CONTENT_TYPE, "application/x-x509-ca-cert")], pem).into_response()
                        }
                        Err(_) => axum::http::StatusCode::NOT_FOUND.into_response(),
                    }
                }
            }),
        );
    }
    router
        .nest("/api/v1", api::router(std::time::Duration::from_millis(state.config.body_timeout_ms.max(1))))
        .route("/api", any(api::unknown_api))
        .route("/api/{*rest}", any(api::unknown_api))
        .with_state(state)
        .merge(static_files::router(&dist))
        .layer(axum::middleware::from_fn_with_state(headers, headers::apply))
        .layer(axum::middleware::from_fn(net::trace))
}
