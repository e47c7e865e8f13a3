use super::ApiFailure;
use crate::db::DbError;
use crate::{AppState, dossiers, ratings};
use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use danhgia_core::DossierCode;
use danhgia_core::wire::{ApiError, DossierPublic};
use serde::Deserialize;

#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub struct Credential {
    /// The token of the citizen link (`/r/{code}?t=…`).
    t: Option<String>,
    /// The 6-digit check code printed on the slip.
    check: Option<String>,
}

/// The public facts of a dossier, for whoever holds its slip.
///
/// Needs the link's token or the slip's check code. An unknown code and a
/// wrong credential get the same answer, so codes cannot be probed.
#[utoipa::path(get, path = "/dossiers/{code}", params(("code" = String, Path, description = "Dossier code"), Credential), responses(
    (status = 200, body = DossierPublic),
    (status = 400, body = ApiError, description = "`bad_code`, `credential_required`"),
    (status = 404, body = ApiError, description = "`not_found`: no such dossier, or the token or check code does not match"),
))]
pub async fn get_dossier(
    State(state): State<AppState>,
    Path(code): Path<String>,
    Query(credential): Query<Credential>,
) -> Result<Json<DossierPublic>, ApiFailure> {
    let code =
        DossierCode::parse(&code).map_err(|e| ApiFailure::new(StatusCode::BAD_REQUEST, "bad_code", e.to_string()))?;
    let signer = &state.links;
    let allowed = match (&credential.t, &credential.check) {
        (Some(t), _) => signer.verify_token(&code, t),
        (None, Some(check)) => signer.verify_check_code(&code, check),
        (None, None) => {
            return Err(ApiFailure::new(
                StatusCode::BAD_REQUEST,
                "credential_required",
                "Give the link's token (t) or the slip's check code (check).",
            ));
        }
    };
    let not_found =
        || ApiFailure::new(StatusCode::NOT_FOUND, "not_found", "No dossier matches this code and token or check code.");
    if !allowed {
        return Err(not_found());
    }
    let lookup = code.clone();
    let found = state
        .db
        .call(move |conn| {
            let dossier = dossiers::find(conn, &lookup)?;
            let rating = ratings::given(conn, &lookup)?;
            Ok::<_, DbError>(dossier.map(|d| (d, rating)))
        })
        .await
        .map_err(ApiFailure::internal)?;
    let (dossier, rating) = found.ok_or_else(not_found)?;
    Ok(Json(DossierPublic {
        token: signer.token(&code),
        code: dossier.code.to_string(),
        procedure: dossier.procedure,
        agency: dossier.agency,
        received_on: dossier.dates.received_on.to_string(),
        appointed_on: dossier.dates.appointed_on.to_string(),
        returned_on: dossier.dates.returned_on.map(|d| d.to_string()),
        ruleset_version: dossier.ruleset_version,
        rating,
    }))
}
