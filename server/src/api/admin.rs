//! `/agencies`, `/officials`, `/accounts`, `/audit`: a district administers
//! itself. Writes need the `admin` role and stay within its agencies.

use super::{ApiFailure, ApiJson, ApiPath, ApiQuery, body_failure};
use crate::AppState;
use crate::admin::{AdminError, accounts, agencies, audit, officials};
use crate::auth::{self, SignedIn};
use crate::scope::Action;
use axum::Json;
use axum::body::Bytes;
use axum::extract::State;
use axum::extract::rejection::BytesRejection;
use axum::http::StatusCode;
use danhgia_core::import::{FileError, RowError};
use danhgia_core::wire::admin::{
    AccountInfo, AccountInput, AccountPatch, AgencyInfo, AgencyInput, AgencyPatch, AuditPage, MergeOfficials,
    OfficialInfo, OfficialInput, OfficialPatch, OneTimePassword,
};
use danhgia_core::wire::{ApiError, ImportReport, ImportRowError};
use serde::Deserialize;

/// Runs an administrative change in one transaction: all of it, or nothing.
async fn change<T: Send + 'static>(
    state: &AppState,
    f: impl FnOnce(&mut dyn crate::store::Sql) -> Result<T, AdminError> + Send + 'static,
) -> Result<T, ApiFailure> {
    Ok(state.db.write(f).await?)
}

/// The agencies within the signed-in account's, parents before children.
#[utoipa::path(get, path = "/agencies", security(("bearer" = [])), responses(
    (status = 200, body = Vec<AgencyInfo>),
    (status = 401, body = ApiError),
))]
pub async fn list_agencies(
    State(state): State<AppState>,
    SignedIn(actor): SignedIn,
) -> Result<Json<Vec<AgencyInfo>>, ApiFailure> {
    Ok(Json(state.db.read(move |sql| agencies::list(sql, &actor.scope)).await?))
}

/// Creates an agency under one of the administrator's.
#[utoipa::path(post, path = "/agencies", request_body = AgencyInput, security(("bearer" = [])), responses(
    (status = 201, body = AgencyInfo),
    (status = 400, body = ApiError, description = "`bad_id`, `bad_name`, `bad_level`, `unknown_parent`, `inactive_parent`"),
    (status = 403, body = ApiError),
    (status = 409, body = ApiError, description = "`duplicate_code`"),
))]
pub async fn create_agency(
    State(state): State<AppState>,
    SignedIn(actor): SignedIn,
    ApiJson(input): ApiJson<AgencyInput>,
) -> Result<(StatusCode, Json<AgencyInfo>), ApiFailure> {
    actor.require(Action::Administer)?;
    let created = change(&state, move |sql| agencies::create(sql, &actor, &input)).await?;
    Ok((StatusCode::CREATED, Json(created)))
}

/// Renames, moves, re-levels, deactivates or reactivates an agency.
#[utoipa::path(patch, path = "/agencies/{id}", params(("id" = String, Path)), request_body = AgencyPatch, security(("bearer" = [])), responses(
    (status = 200, body = AgencyInfo),
    (status = 400, body = ApiError, description = "`cycle`, `unknown_parent`, `own_agency`, `bad_name`, `bad_level`"),
    (status = 403, body = ApiError),
    (status = 404, body = ApiError),
))]
pub async fn update_agency(
    State(state): State<AppState>,
    SignedIn(actor): SignedIn,
    ApiPath(id): ApiPath<String>,
    ApiJson(patch): ApiJson<AgencyPatch>,
) -> Result<Json<AgencyInfo>, ApiFailure> {
    actor.require(Action::Administer)?;
    Ok(Json(change(&state, move |sql| agencies::update(sql, &actor, &id.to_uppercase(), &patch)).await?))
}

/// Deletes an agency nothing refers to (one with dossiers is never deleted).
#[utoipa::path(delete, path = "/agencies/{id}", params(("id" = String, Path)), security(("bearer" = [])), responses(
    (status = 204),
    (status = 403, body = ApiError),
    (status = 404, body = ApiError),
    (status = 409, body = ApiError, description = "`has_dossiers`, `in_use`: deactivate instead"),
))]
pub async fn delete_agency(
    State(state): State<AppState>,
    SignedIn(actor): SignedIn,
    ApiPath(id): ApiPath<String>,
) -> Result<StatusCode, ApiFailure> {
    actor.require(Action::Administer)?;
    change(&state, move |sql| agencies::delete(sql, &actor, &id.to_uppercase())).await?;
    Ok(StatusCode::NO_CONTENT)
}

fn csv_body(body: Result<Bytes, BytesRejection>) -> Result<String, ApiFailure> {
    let body = body.map_err(|e| {
        body_failure(e, ApiFailure::new(StatusCode::PAYLOAD_TOO_LARGE, "too_large", "The file is too large."))
    })?;
    String::from_utf8(body.to_vec()).map_err(|_| ApiFailure::not_utf8())
}

fn parsed<T>(result: Result<(Vec<T>, Vec<RowError>), FileError>) -> Result<(Vec<T>, Vec<ImportRowError>), ApiFailure> {
    let (rows, errors) = result.map_err(|e| ApiFailure::bad_file(&e))?;
    Ok((rows, errors.into_iter().map(ImportRowError::from).collect()))
}

/// Imports agencies from CSV (`ma_co_quan`, `ten_co_quan`, `cap`,
/// `ma_co_quan_cap_tren`): per-row errors; the same file twice changes nothing.
#[utoipa::path(post, path = "/agencies/import", request_body(content = String, content_type = "text/csv"), security(("bearer" = [])), responses(
    (status = 200, body = ImportReport),
    (status = 400, body = ApiError, description = "`bad_file`, its `reason` as for dossiers"),
    (status = 403, body = ApiError),
))]
pub async fn import_agencies(
    State(state): State<AppState>,
    SignedIn(actor): SignedIn,
    body: Result<Bytes, BytesRejection>,
) -> Result<Json<ImportReport>, ApiFailure> {
    actor.require(Action::Administer)?;
    let (rows, errors) = parsed(danhgia_core::import::parse_agencies(&csv_body(body)?))?;
    Ok(Json(change(&state, move |sql| agencies::import(sql, &actor, &rows, errors)).await?))
}

/// The officials of the signed-in account's agencies (administrators and
/// office staff), merged ones included.
#[utoipa::path(get, path = "/officials", security(("bearer" = [])), responses(
    (status = 200, body = Vec<OfficialInfo>),
    (status = 403, body = ApiError),
))]
pub async fn list_officials(
    State(state): State<AppState>,
    SignedIn(actor): SignedIn,
) -> Result<Json<Vec<OfficialInfo>>, ApiFailure> {
    if !(actor.role.may(Action::Administer) || actor.role.may(Action::ReadReports)) {
        return Err(ApiFailure::forbidden("Your role does not manage officials."));
    }
    Ok(Json(state.db.read(move |sql| officials::list(sql, &actor.scope)).await?))
}

#[utoipa::path(post, path = "/officials", request_body = OfficialInput, security(("bearer" = [])), responses(
    (status = 201, body = OfficialInfo),
    (status = 400, body = ApiError, description = "`bad_full_name`, `bad_position`, `unknown_agency`, `inactive_agency`"),
    (status = 403, body = ApiError),
    (status = 409, body = ApiError, description = "`duplicate_name`"),
))]
pub async fn create_official(
    State(state): State<AppState>,
    SignedIn(actor): SignedIn,
    ApiJson(input): ApiJson<OfficialInput>,
) -> Result<(StatusCode, Json<OfficialInfo>), ApiFailure> {
    actor.require(Action::Administer)?;
    let created = change(&state, move |sql| officials::create(sql, &actor, &input)).await?;
    Ok((StatusCode::CREATED, Json(created)))
}

#[utoipa::path(patch, path = "/officials/{id}", params(("id" = i64, Path)), request_body = OfficialPatch, security(("bearer" = [])), responses(
    (status = 200, body = OfficialInfo),
    (status = 400, body = ApiError),
    (status = 403, body = ApiError),
    (status = 404, body = ApiError),
))]
pub async fn update_official(
    State(state): State<AppState>,
    SignedIn(actor): SignedIn,
    ApiPath(id): ApiPath<i64>,
    ApiJson(patch): ApiJson<OfficialPatch>,
) -> Result<Json<OfficialInfo>, ApiFailure> {
    actor.require(Action::Administer)?;
    Ok(Json(change(&state, move |sql| officials::update(sql, &actor, id, &patch)).await?))
}

/// Merges a duplicate official (an import typo) into another of the same
/// agency: the dossiers follow; the duplicate is deactivated.
#[utoipa::path(post, path = "/officials/{id}/merge", params(("id" = i64, Path)), request_body = MergeOfficials, security(("bearer" = [])), responses(
    (status = 200, body = OfficialInfo, description = "the official kept"),
    (status = 400, body = ApiError, description = "`same_official`, `other_agency`, `merged`"),
    (status = 403, body = ApiError),
    (status = 404, body = ApiError),
))]
pub async fn merge_official(
    State(state): State<AppState>,
    SignedIn(actor): SignedIn,
    ApiPath(id): ApiPath<i64>,
    ApiJson(merge): ApiJson<MergeOfficials>,
) -> Result<Json<OfficialInfo>, ApiFailure> {
    actor.require(Action::Administer)?;
    Ok(Json(change(&state, move |sql| officials::merge(sql, &actor, id, merge.into)).await?))
}

/// Imports officials from CSV (`co_quan`, `ho_ten`, `chuc_vu`).
#[utoipa::path(post, path = "/officials/import", request_body(content = String, content_type = "text/csv"), security(("bearer" = [])), responses(
    (status = 200, body = ImportReport),
    (status = 400, body = ApiError, description = "`bad_file`, its `reason` as for dossiers"),
    (status = 403, body = ApiError),
))]
pub async fn import_officials(
    State(state): State<AppState>,
    SignedIn(actor): SignedIn,
    body: Result<Bytes, BytesRejection>,
) -> Result<Json<ImportReport>, ApiFailure> {
    actor.require(Action::Administer)?;
    let (rows, errors) = parsed(danhgia_core::import::parse_officials(&csv_body(body)?))?;
    Ok(Json(change(&state, move |sql| officials::import(sql, &actor, &rows, errors)).await?))
}

/// The accounts of the administrator's agencies.
#[utoipa::path(get, path = "/accounts", security(("bearer" = [])), responses(
    (status = 200, body = Vec<AccountInfo>),
    (status = 403, body = ApiError),
))]
pub async fn list_accounts(
    State(state): State<AppState>,
    SignedIn(actor): SignedIn,
) -> Result<Json<Vec<AccountInfo>>, ApiFailure> {
    actor.require(Action::Administer)?;
    Ok(Json(state.db.read(move |sql| accounts::list(sql, &actor.scope)).await?))
}

/// Creates an account with a one-time password, shown once in the answer;
/// it must be changed at the first sign-in.
#[utoipa::path(post, path = "/accounts", request_body = AccountInput, security(("bearer" = [])), responses(
    (status = 201, body = OneTimePassword),
    (status = 400, body = ApiError, description = "`bad_username`, `bad_full_name`, `bad_role`, `unknown_agency`"),
    (status = 403, body = ApiError),
    (status = 409, body = ApiError, description = "`duplicate_username`"),
))]
pub async fn create_account(
    State(state): State<AppState>,
    SignedIn(actor): SignedIn,
    ApiJson(input): ApiJson<AccountInput>,
) -> Result<(StatusCode, Json<OneTimePassword>), ApiFailure> {
    actor.require(Action::Administer)?;
    let password = auth::one_time_password().map_err(ApiFailure::internal)?;
    let hash = state.hasher.hash(password.clone()).await?;
    let account = change(&state, move |sql| accounts::create(sql, &actor, &input, &hash)).await?;
    Ok((StatusCode::CREATED, Json(OneTimePassword { account, password })))
}

/// Changes an account's name, role or agency, or deactivates it (its
/// sessions end). The last administrator able to manage an agency stays.
#[utoipa::path(patch, path = "/accounts/{id}", params(("id" = i64, Path)), request_body = AccountPatch, security(("bearer" = [])), responses(
    (status = 200, body = AccountInfo),
    (status = 400, body = ApiError),
    (status = 403, body = ApiError),
    (status = 404, body = ApiError),
    (status = 409, body = ApiError, description = "`last_admin`"),
))]
pub async fn update_account(
    State(state): State<AppState>,
    SignedIn(actor): SignedIn,
    ApiPath(id): ApiPath<i64>,
    ApiJson(patch): ApiJson<AccountPatch>,
) -> Result<Json<AccountInfo>, ApiFailure> {
    actor.require(Action::Administer)?;
    Ok(Json(change(&state, move |sql| accounts::update(sql, &actor, id, &patch)).await?))
}

/// A new one-time password for an account, shown once; its sessions end.
#[utoipa::path(post, path = "/accounts/{id}/reset-password", params(("id" = i64, Path)), security(("bearer" = [])), responses(
    (status = 200, body = OneTimePassword),
    (status = 403, body = ApiError),
    (status = 404, body = ApiError),
))]
pub async fn reset_password(
    State(state): State<AppState>,
    SignedIn(actor): SignedIn,
    ApiPath(id): ApiPath<i64>,
) -> Result<Json<OneTimePassword>, ApiFailure> {
    actor.require(Action::Administer)?;
    let scope = actor.scope.clone();
    state.db.read(move |sql| accounts::exists(sql, &scope, id)).await?;
    let password = auth::one_time_password().map_err(ApiFailure::internal)?;
    let hash = state.hasher.hash(password.clone()).await?;
    let account = change(&state, move |sql| accounts::reset_password(sql, &actor, id, &hash)).await?;
    Ok(Json(OneTimePassword { account, password }))
}

/// Ends every session of an account (sign out everywhere).
#[utoipa::path(post, path = "/accounts/{id}/sign-out", params(("id" = i64, Path)), security(("bearer" = [])), responses(
    (status = 200, body = AccountInfo),
    (status = 403, body = ApiError),
    (status = 404, body = ApiError),
))]
pub async fn sign_out_account(
    State(state): State<AppState>,
    SignedIn(actor): SignedIn,
    ApiPath(id): ApiPath<i64>,
) -> Result<Json<AccountInfo>, ApiFailure> {
    actor.require(Action::Administer)?;
    Ok(Json(change(&state, move |sql| accounts::sign_out(sql, &actor, id)).await?))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub struct AuditQuery {
    offset: Option<u32>,
    /// At most 200 (default 50).
    limit: Option<u32>,
}

/// The audit log of the administrator's agencies, newest first.
#[utoipa::path(get, path = "/audit", params(AuditQuery), security(("bearer" = [])), responses(
    (status = 200, body = AuditPage),
    (status = 403, body = ApiError),
))]
pub async fn audit_log(
    State(state): State<AppState>,
    SignedIn(actor): SignedIn,
    ApiQuery(q): ApiQuery<AuditQuery>,
) -> Result<Json<AuditPage>, ApiFailure> {
    actor.require(Action::ReadAudit)?;
    let (offset, limit) = (q.offset.unwrap_or(0), q.limit.unwrap_or(50).clamp(1, 200));
    Ok(Json(state.db.read(move |sql| audit::list(sql, &actor.scope, offset, limit)).await?))
}
