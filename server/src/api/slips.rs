use super::ApiFailure;
use crate::auth::SignedIn;
use crate::db::DbError;
use crate::{AppState, slips};
use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use danhgia_core::wire::{ApiError, DossierPublic, SlipData};
use danhgia_core::{CivilDate, DossierCode, citizen_path};
use serde::Deserialize;

/// Where citizens reach this server: the configured public address, else
/// the address this request came to.
fn base_url(state: &AppState, headers: &HeaderMap) -> String {
    state.config.public_url.clone().unwrap_or_else(|| {
        let host = headers.get(header::HOST).and_then(|h| h.to_str().ok()).unwrap_or("localhost");
        format!("http://{host}")
    })
}

fn slip(state: &AppState, base: &str, dossier: DossierPublic) -> Result<SlipData, ApiFailure> {
    let code = DossierCode::parse(&dossier.code).map_err(ApiFailure::internal)?;
    let token = danhgia_core::CitizenToken::parse(&dossier.token).map_err(ApiFailure::internal)?;
    let link = format!("{base}{}", citizen_path(&code, &token));
    Ok(SlipData {
        qr_svg: slips::qr_svg(&link).map_err(ApiFailure::internal)?,
        barcode_svg: slips::barcode_svg(code.as_str()).map_err(ApiFailure::internal)?,
        check_code: state.links.check_code(&code),
        link,
        dossier,
    })
}

/// The evaluation slip of one dossier, ready to print.
#[utoipa::path(get, path = "/slips/{code}", params(("code" = String, Path)), security(("bearer" = [])), responses(
    (status = 200, body = SlipData),
    (status = 401, body = ApiError),
    (status = 404, body = ApiError),
))]
pub async fn one(
    State(state): State<AppState>,
    SignedIn(_): SignedIn,
    headers: HeaderMap,
    Path(code): Path<String>,
) -> Result<Json<SlipData>, ApiFailure> {
    let code =
        DossierCode::parse(&code).map_err(|e| ApiFailure::new(StatusCode::BAD_REQUEST, "bad_code", e.to_string()))?;
    let signer = state.links.clone();
    let found =
        state.db.call(move |conn| super::dossiers::public(conn, &signer, &code)).await.map_err(ApiFailure::internal)?;
    let dossier = found.ok_or_else(|| ApiFailure::new(StatusCode::NOT_FOUND, "not_found", "No such dossier."))?;
    Ok(Json(slip(&state, &base_url(&state, &headers), dossier)?))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub struct Day {
    /// `yyyy-mm-dd`: the day the results were returned.
    returned_on: String,
}

/// The slips of the dossiers returned on a day by the officer's agency (and
/// its communes, for a district), for printing as a batch.
#[utoipa::path(get, path = "/slips", params(Day), security(("bearer" = [])), responses(
    (status = 200, body = Vec<SlipData>),
    (status = 400, body = ApiError, description = "`bad_date`"),
    (status = 401, body = ApiError),
))]
pub async fn of_day(
    State(state): State<AppState>,
    SignedIn(officer): SignedIn,
    headers: HeaderMap,
    Query(day): Query<Day>,
) -> Result<Json<Vec<SlipData>>, ApiFailure> {
    let date = CivilDate::parse_iso(&day.returned_on)
        .map_err(|e| ApiFailure::new(StatusCode::BAD_REQUEST, "bad_date", e.to_string()))?;
    let signer = state.links.clone();
    let dossiers = state
        .db
        .call(move |conn| {
            let mut stmt = conn.prepare(
                "SELECT d.code FROM dossiers d WHERE d.returned_on = ?1
                   AND d.agency_id IN (SELECT id FROM agencies WHERE id = ?2 OR parent_id = ?2)
                 ORDER BY d.code LIMIT 500",
            )?;
            let codes: Vec<String> = stmt
                .query_map(rusqlite::params![date.to_string(), officer.agency_id], |r| r.get(0))?
                .collect::<Result<_, _>>()?;
            let mut list = Vec::new();
            for code in codes.iter().filter_map(|c| DossierCode::parse(c).ok()) {
                list.extend(super::dossiers::public(conn, &signer, &code)?);
            }
            Ok::<_, DbError>(list)
        })
        .await
        .map_err(ApiFailure::internal)?;
    let base = base_url(&state, &headers);
    dossiers.into_iter().map(|d| slip(&state, &base, d)).collect::<Result<Vec<_>, _>>().map(Json)
}
