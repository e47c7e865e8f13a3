use super::{ApiFailure, ApiPath, ApiQuery};
use crate::auth::SignedIn;
use crate::scope::Action;
use crate::store::DbError;
use crate::{AppState, dossiers, slips};
use axum::Json;
use axum::extract::State;
use danhgia_core::wire::{ApiError, DossierPublic, SlipData};
use danhgia_core::{CivilDate, DossierCode, citizen_path};
use serde::Deserialize;

fn slip(state: &AppState, dossier: DossierPublic) -> Result<SlipData, ApiFailure> {
    let code = DossierCode::parse(&dossier.code).map_err(ApiFailure::internal)?;
    let token = danhgia_core::CitizenToken::parse(&dossier.token).map_err(ApiFailure::internal)?;
    // Built only from the configured address, never from the request's Host.
    let link = format!("{}{}", state.public_url, citizen_path(&code, &token));
    Ok(SlipData {
        qr_svg: slips::qr_svg(&link).map_err(ApiFailure::internal)?,
        barcode_svg: slips::barcode_svg(code.as_str()).map_err(ApiFailure::internal)?,
        check_code: state.links.check_code(&code),
        link,
        dossier,
    })
}

/// The evaluation slip of one dossier of the account's agencies, ready to print.
#[utoipa::path(get, path = "/slips/{code}", params(("code" = String, Path)), security(("bearer" = [])), responses(
    (status = 200, body = SlipData),
    (status = 401, body = ApiError),
    (status = 403, body = ApiError),
    (status = 404, body = ApiError, description = "no such dossier among the account's agencies"),
))]
pub async fn one(
    State(state): State<AppState>,
    SignedIn(actor): SignedIn,
    ApiPath(code): ApiPath<String>,
) -> Result<Json<SlipData>, ApiFailure> {
    actor.require(Action::PrintSlips)?;
    let code = DossierCode::parse(&code).map_err(|e| ApiFailure::bad_request("bad_code", e.to_string()))?;
    let signer = state.links.clone();
    let found = state
        .db
        .read(move |sql| match dossiers::find(sql, &code)? {
            Some(d) if actor.scope.covers(&d.agency_id) => dossiers::public_view(sql, &signer, d).map(Some),
            _ => Ok::<_, DbError>(None),
        })
        .await?;
    let dossier = found.ok_or_else(|| ApiFailure::not_found("No such dossier among your agencies."))?;
    Ok(Json(slip(&state, dossier)?))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub struct Day {
    /// `yyyy-mm-dd`: the day the results were returned.
    returned_on: String,
}

/// The slips of the dossiers returned on a day by the account's agencies,
/// for printing as a batch (at most 500).
#[utoipa::path(get, path = "/slips", params(Day), security(("bearer" = [])), responses(
    (status = 200, body = Vec<SlipData>),
    (status = 400, body = ApiError, description = "`bad_date`"),
    (status = 401, body = ApiError),
    (status = 403, body = ApiError),
))]
pub async fn of_day(
    State(state): State<AppState>,
    SignedIn(actor): SignedIn,
    ApiQuery(day): ApiQuery<Day>,
) -> Result<Json<Vec<SlipData>>, ApiFailure> {
    actor.require(Action::PrintSlips)?;
    let date =
        CivilDate::parse_iso(&day.returned_on).map_err(|e| ApiFailure::bad_request("bad_date", e.to_string()))?;
    let signer = state.links.clone();
    let dossiers = state
        .db
        .read(move |sql| {
            let found = dossiers::returned_on_in_scope(sql, &actor.scope, date, 500)?;
            found.into_iter().map(|d| dossiers::public_view(sql, &signer, d)).collect::<Result<Vec<_>, DbError>>()
        })
        .await?;
    dossiers.into_iter().map(|d| slip(&state, d)).collect::<Result<Vec<_>, _>>().map(Json)
}
