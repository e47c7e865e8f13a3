use super::ApiFailure;
use crate::auth::{MaybeOfficer, SignedIn};
use crate::db::DbError;
use crate::links::LinkSigner;
use crate::{AppState, dossiers, ratings};
use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use danhgia_core::DossierCode;
use danhgia_core::wire::{ApiError, DossierPage, DossierPublic};
use rusqlite::Connection;
use serde::Deserialize;

#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub struct Credential {
    /// The token of the citizen link (`/r/{code}?t=…`).
    t: Option<String>,
    /// The 6-digit check code printed on the slip.
    check: Option<String>,
}

/// The public view of one dossier, with its rating if any.
pub(super) fn public(
    conn: &Connection,
    signer: &LinkSigner,
    code: &DossierCode,
) -> Result<Option<DossierPublic>, DbError> {
    let Some(dossier) = dossiers::find(conn, code)? else { return Ok(None) };
    let rating = ratings::given(conn, code)?;
    Ok(Some(DossierPublic {
        token: signer.token(code),
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

/// The public facts of a dossier, for whoever holds its slip.
///
/// Needs the link's token, the slip's check code, or a signed-in officer. An
/// unknown code and a wrong credential get the same answer, so codes cannot
/// be probed.
#[utoipa::path(get, path = "/dossiers/{code}", params(("code" = String, Path, description = "Dossier code"), Credential), responses(
    (status = 200, body = DossierPublic),
    (status = 400, body = ApiError, description = "`bad_code`, `credential_required`"),
    (status = 401, body = ApiError, description = "`unauthorized`: the officer's session has expired"),
    (status = 404, body = ApiError, description = "`not_found`: no such dossier, or the token or check code does not match"),
))]
pub async fn get_dossier(
    State(state): State<AppState>,
    MaybeOfficer(officer): MaybeOfficer,
    Path(code): Path<String>,
    Query(credential): Query<Credential>,
) -> Result<Json<DossierPublic>, ApiFailure> {
    let code =
        DossierCode::parse(&code).map_err(|e| ApiFailure::new(StatusCode::BAD_REQUEST, "bad_code", e.to_string()))?;
    let signer = state.links.clone();
    let allowed = match (&officer, &credential.t, &credential.check) {
        (Some(_), _, _) => true,
        (None, Some(t), _) => signer.verify_token(&code, t),
        (None, None, Some(check)) => signer.verify_check_code(&code, check),
        (None, None, None) => {
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
    let found = state.db.call(move |conn| public(conn, &signer, &code)).await.map_err(ApiFailure::internal)?;
    found.map(Json).ok_or_else(not_found)
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub struct PageQuery {
    /// Dossiers to skip (default 0).
    offset: Option<u32>,
    /// Dossiers in this page (default and most 500).
    limit: Option<u32>,
}

/// The signed-in officer's agency's dossiers (a district's include its
/// communes'), for looking slips up offline.
#[utoipa::path(get, path = "/dossiers", params(PageQuery), security(("bearer" = [])), responses(
    (status = 200, body = DossierPage),
    (status = 401, body = ApiError, description = "`unauthorized`"),
))]
pub async fn list_dossiers(
    State(state): State<AppState>,
    SignedIn(officer): SignedIn,
    Query(page): Query<PageQuery>,
) -> Result<Json<DossierPage>, ApiFailure> {
    let offset = page.offset.unwrap_or(0);
    let limit = page.limit.unwrap_or(500).clamp(1, 500);
    let signer = state.links.clone();
    let page = state
        .db
        .call(move |conn| {
            let (total, codes) = dossiers::codes_of_agency(conn, &officer.agency_id, offset, limit)?;
            let mut list = Vec::with_capacity(codes.len());
            for code in &codes {
                list.extend(public(conn, &signer, code)?);
            }
            Ok::<_, DbError>(DossierPage { total, offset, dossiers: list })
        })
        .await
        .map_err(ApiFailure::internal)?;
    Ok(Json(page))
}
