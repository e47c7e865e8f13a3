//! `/api/v1`: JSON in, JSON out; every error a stable code and a message.
//! The OpenAPI document is generated from the handlers' annotations and the
//! core's wire types, so it cannot drift from what is served.

mod admin;
mod auth;
mod dossiers;
mod error;
mod health;
mod import;
mod quarter;
mod ratings;
mod reports;
mod rulesets;
mod slips;

pub use error::{ApiFailure, ApiJson, ApiPath, ApiQuery, body_failure};
pub use ratings::MAX_BODY_BYTES;

use crate::AppState;
use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::http::header;
use axum::routing::get;
use std::sync::Arc;
use utoipa::OpenApi;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

#[derive(OpenApi)]
#[openapi(
    info(
        title = "danhgia API",
        description = "Ratings of how one-stop desks handled administrative dossiers (TT 01/2018/TT-VPCP). \
                       Errors are JSON `{code, message}` with a stable code."
    ),
    servers((url = "/api/v1")),
    modifiers(&BearerAuth)
)]
struct ApiDoc;

/// Declares the officers' bearer tokens in the document.
struct BearerAuth;

impl utoipa::Modify for BearerAuth {
    fn modify(&self, doc: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
        let components = doc.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
        );
    }
}

pub fn router(body_timeout: std::time::Duration) -> Router<AppState> {
    let (router, doc) = OpenApiRouter::with_openapi(ApiDoc::openapi())
        .routes(routes!(health::health))
        .routes(routes!(auth::login))
        .routes(routes!(auth::logout))
        .routes(routes!(auth::me))
        .routes(routes!(auth::change_password))
        .routes(routes!(dossiers::list_dossiers))
        .routes({
            // The import's own limit: a year of a district's dossiers is megabytes.
            let (schemas, paths, method) = routes!(import::import_csv);
            (schemas, paths, method.layer(DefaultBodyLimit::max(import::MAX_IMPORT_BYTES)))
        })
        .routes(routes!(dossiers::get_dossier))
        .routes(routes!(admin::list_agencies, admin::create_agency))
        .routes(routes!(admin::update_agency, admin::delete_agency))
        .routes(routes!(admin::import_agencies))
        .routes(routes!(admin::list_officials, admin::create_official))
        .routes(routes!(admin::update_official))
        .routes(routes!(admin::merge_official))
        .routes(routes!(admin::import_officials))
        .routes(routes!(admin::list_accounts, admin::create_account))
        .routes(routes!(admin::update_account))
        .routes(routes!(admin::reset_password))
        .routes(routes!(admin::sign_out_account))
        .routes(routes!(admin::audit_log))
        .routes(routes!(ratings::post_ratings))
        .routes(routes!(rulesets::list))
        .routes(routes!(reports::report))
        .routes(routes!(reports::export_report))
        .routes(routes!(quarter::list_scores, quarter::put_score))
        .routes(routes!(quarter::list_conflicts))
        .routes(routes!(quarter::decide))
        .routes(routes!(quarter::list_proposals, quarter::put_proposal))
        .routes(routes!(slips::one))
        .routes(routes!(slips::of_day))
        .split_for_parts();
    // Serialised once: the document never changes while the server runs.
    let doc: Arc<str> = doc.to_pretty_json().unwrap_or_default().into();
    router
        .route(
            "/openapi.json",
            get(move || std::future::ready(([(header::CONTENT_TYPE, "application/json")], doc.to_string()))),
        )
        .fallback(error::not_found)
        .method_not_allowed_fallback(error::method_not_allowed)
        .layer(DefaultBodyLimit::max(MAX_BODY_BYTES))
        .layer(tower_http::timeout::RequestBodyTimeoutLayer::new(body_timeout))
}

/// Answers any `/api` path outside the versioned API, so that a typo in a
/// client never receives the app's HTML.
pub async fn unknown_api() -> ApiFailure {
    error::not_found().await
}

/// Today in Vietnam (UTC+7), where the desks are.
pub fn today() -> danhgia_core::CivilDate {
    let offset = time::UtcOffset::from_hms(7, 0, 0).unwrap_or(time::UtcOffset::UTC);
    let now = time::OffsetDateTime::now_utc().to_offset(offset);
    danhgia_core::CivilDate::new(now.year() as u16, u8::from(now.month()), now.day()).unwrap_or_else(|_| unreachable!())
}

/// The server's clock, as stored with ratings.
pub fn now_rfc3339() -> String {
    time::OffsetDateTime::now_utc().format(&time::format_description::well_known::Rfc3339).unwrap_or_default()
}
