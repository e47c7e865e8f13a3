use super::{ApiFailure, ApiPath, ApiQuery};
use crate::AppState;
use crate::auth::{self, MaybeSignedIn, SignedIn};
use crate::dossiers;
use crate::net::ClientIp;
use crate::scope::Action;
use crate::store::DbError;
use crate::throttle::{self, CHECK_CODE_PER_ADDRESS, CHECK_CODE_PER_CODE};
use axum::Json;
use axum::extract::State;
use danhgia_core::DossierCode;
use danhgia_core::wire::{ApiError, DossierPage, DossierPublic};
use serde::Deserialize;

#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub struct Credential {
    /// The token of the citizen link (`/r/{code}?t=…`).
    t: Option<String>,
    /// The 6-digit check code printed on the slip.
    check: Option<String>,
}

fn not_found() -> ApiFailure {
    ApiFailure::not_found("No dossier matches this code and token or check code.")
}

/// The public facts of a dossier, for whoever holds its slip.
///
/// Needs the link's token, the slip's check code, or a signed-in account
/// whose agencies include the dossier's. An unknown code and a wrong
/// credential get the same answer, so codes cannot be probed. Wrong check
/// codes are limited: 10 per dossier code per hour and 30 per address per
/// 10 minutes, then `429` with `Retry-After`.
#[utoipa::path(get, path = "/dossiers/{code}", params(("code" = String, Path, description = "Dossier code"), Credential), responses(
    (status = 200, body = DossierPublic),
    (status = 400, body = ApiError, description = "`bad_code`, `credential_required`"),
    (status = 401, body = ApiError, description = "`unauthorized`: the session has expired"),
    (status = 404, body = ApiError, description = "`not_found`: no such dossier, or the token or check code does not match"),
    (status = 429, body = ApiError, description = "`too_many_attempts`: too many wrong check codes"),
))]
pub async fn get_dossier(
    State(state): State<AppState>,
    MaybeSignedIn(actor): MaybeSignedIn,
    ClientIp(ip): ClientIp,
    ApiPath(code): ApiPath<String>,
    ApiQuery(credential): ApiQuery<Credential>,
) -> Result<Json<DossierPublic>, ApiFailure> {
    let code = DossierCode::parse(&code).map_err(|e| ApiFailure::bad_request("bad_code", e.to_string()))?;
    let signer = state.links.clone();
    // A signed-in account sees the dossiers of its agencies without a credential.
    let staff = actor.filter(|a| a.role.may(Action::ReadDossiers));
    let by_token = credential.t.as_deref().is_some_and(|t| signer.verify_token(&code, t));
    let signed = match (&credential.check, by_token) {
        (_, true) => true,
        (Some(check), false) => {
            check_code(&state, &code, check, ip).await?;
            true
        }
        (None, false) if staff.is_some() => false,
        (None, false) if credential.t.is_some() => return Err(not_found()),
        (None, false) => {
            return Err(ApiFailure::bad_request(
                "credential_required",
                "Give the link's token (t) or the slip's check code (check).",
            ));
        }
    };
    let found = state
        .db
        .read(move |sql| {
            let Some(d) = dossiers::find(sql, &code)? else { return Ok(None) };
            if !signed && !staff.is_some_and(|a| a.scope.covers(&d.agency_id)) {
                return Ok(None);
            }
            dossiers::public_view(sql, &signer, d).map(Some)
        })
        .await
        .map_err(|e: DbError| ApiFailure::internal(e))?;
    found.map(Json).ok_or_else(not_found)
}

/// Verifies a typed check code within the limits. Each try counts against
/// the dossier code and the address before it is judged (so that tries sent
/// all at once are counted one by one); a right one is withdrawn.
async fn check_code(state: &AppState, code: &DossierCode, check: &str, ip: std::net::IpAddr) -> Result<(), ApiFailure> {
    let now = auth::unix_now();
    let (code_key, addr_key) = (code.to_string(), throttle::address_key(ip));
    let reserved = state
        .db
        .write(move |sql| {
            let per_code = match CHECK_CODE_PER_CODE.reserve(sql, &code_key, now)? {
                Ok(a) => a,
                Err(wait) => return Ok::<_, DbError>(Err(wait)),
            };
            match CHECK_CODE_PER_ADDRESS.reserve(sql, &addr_key, now)? {
                Ok(per_addr) => Ok(Ok((per_code, per_addr))),
                Err(wait) => {
                    per_code.withdraw(sql)?;
                    Ok(Err(wait))
                }
            }
        })
        .await?;
    let (per_code, per_addr) = match reserved {
        Ok(attempts) => attempts,
        Err(wait) => return Err(ApiFailure::too_many(wait, "Too many wrong check codes: wait before trying again.")),
    };
    if state.links.verify_check_code(code, check) {
        state
            .db
            .write(move |sql| {
                per_code.withdraw(sql)?;
                per_addr.withdraw(sql)
            })
            .await?;
        return Ok(());
    }
    if per_code.reached_limit {
        tracing::warn!(dossier = %code, "check-code guessing limited for this dossier code");
    }
    if per_addr.reached_limit {
        tracing::warn!(address = %throttle::address_key(ip), "check-code guessing limited for this address");
    }
    Err(not_found())
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub struct PageQuery {
    /// Dossiers to skip (default 0).
    offset: Option<u32>,
    /// Dossiers in this page (default and most 500).
    limit: Option<u32>,
}

/// The dossiers of the signed-in account's agencies (its own and those
/// below it), for looking slips up offline.
#[utoipa::path(get, path = "/dossiers", params(PageQuery), security(("bearer" = [])), responses(
    (status = 200, body = DossierPage),
    (status = 401, body = ApiError, description = "`unauthorized`"),
    (status = 403, body = ApiError, description = "`forbidden`: this role does not read dossiers"),
))]
pub async fn list_dossiers(
    State(state): State<AppState>,
    SignedIn(actor): SignedIn,
    ApiQuery(page): ApiQuery<PageQuery>,
) -> Result<Json<DossierPage>, ApiFailure> {
    actor.require(Action::ReadDossiers)?;
    let offset = page.offset.unwrap_or(0);
    let limit = page.limit.unwrap_or(500).clamp(1, 500);
    let signer = state.links.clone();
    let page = state
        .db
        .read(move |sql| {
            let (total, found) = dossiers::page_in_scope(sql, &actor.scope, offset, limit)?;
            let dossiers =
                found.into_iter().map(|d| dossiers::public_view(sql, &signer, d)).collect::<Result<Vec<_>, _>>()?;
            Ok::<_, DbError>(DossierPage { total, offset, dossiers })
        })
        .await?;
    Ok(Json(page))
}
