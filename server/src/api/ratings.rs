use super::{ApiFailure, now_rfc3339};
use crate::AppState;
use crate::auth::MaybeSignedIn;
use crate::config::Fault;
use crate::ratings::{self, BatchError};
use axum::Json;
use axum::body::Bytes;
use axum::extract::State;
use axum::extract::rejection::BytesRejection;
use axum::http::StatusCode;
use danhgia_core::rating::MAX_BATCH;
use danhgia_core::wire::{ApiError, BatchResults, RatingBatch, RecordStatus};

/// Largest request body: a full batch with maximal comments fits well within it.
pub const MAX_BODY_BYTES: usize = 512 * 1024;

/// Delivers a batch of rating records.
///
/// Each record gets its own result: `accepted`, `duplicate` (same id and
/// content as before — counts as delivered; with the reason `already_rated`,
/// delivered but not kept: the dossier already holds its rating of this
/// channel and one set aside), `conflict` (the dossier already
/// holds a different rating, or the id was reused) or `rejected` with a
/// stable reason code. The batch is one transaction. Paper slips and kiosk
/// ratings need a signed-in officer (`Authorization: Bearer …`) whose
/// agencies include the dossier (`out_of_scope` otherwise); they are
/// attributed to that account. A citizen's record needs the dossier's token:
/// an unknown dossier and a wrong token are both `bad_token`.
#[utoipa::path(post, path = "/ratings", request_body = RatingBatch, responses(
    (status = 200, body = BatchResults),
    (status = 400, body = ApiError, description = "`bad_json`: not a batch of records"),
    (status = 401, body = ApiError, description = "`unauthorized`: the officer's session has expired; nothing was stored"),
    (status = 413, body = ApiError, description = "`batch_too_large`"),
))]
pub async fn post_ratings(
    State(state): State<AppState>,
    MaybeSignedIn(sender): MaybeSignedIn,
    body: Result<Bytes, BytesRejection>,
) -> Result<Json<BatchResults>, ApiFailure> {
    let too_large = || {
        ApiFailure::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "batch_too_large",
            format!("Send at most {MAX_BATCH} records per request."),
        )
    };
    let body = body.map_err(|e| super::body_failure(e, too_large()))?;
    let batch: RatingBatch = serde_json::from_slice(&body)
        .map_err(|e| ApiFailure::new(StatusCode::BAD_REQUEST, "bad_json", format!("Not a batch of records: {e}")))?;
    if batch.records.len() > MAX_BATCH {
        return Err(too_large());
    }
    let faults = state.config.faults.clone();
    if faults.fault_latency_ms > 0 {
        tokio::time::sleep(std::time::Duration::from_millis(faults.fault_latency_ms)).await;
    }
    if faults.roll(Fault::Fail) {
        tracing::warn!("fault injection: failing a ratings request before storing it");
        return Err(ApiFailure::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "fault_injected",
            "Injected failure (test mode).",
        ));
    }
    let (rules, links) = (state.rules.clone(), state.links.clone());
    let sender_id = sender.as_ref().map(|a| a.id());
    let now = now_rfc3339();
    let results = state
        .db
        .write(move |sql| ratings::ingest(sql, &rules, &links, sender.as_ref(), &batch.records, &now))
        .await
        .map_err(|e| match e {
            BatchError::Db(e) => e.into(),
            BatchError::TooLarge => too_large(),
        })?;
    let count = |status| results.iter().filter(|r| r.status == status).count();
    tracing::info!(
        records = results.len(),
        accepted = count(RecordStatus::Accepted),
        duplicate = count(RecordStatus::Duplicate),
        conflict = count(RecordStatus::Conflict),
        rejected = count(RecordStatus::Rejected),
        officer = ?sender_id,
        "ratings batch"
    );
    if faults.roll(Fault::Drop) {
        tracing::warn!(records = results.len(), "fault injection: losing the answer to a stored batch");
        return Err(ApiFailure::new(StatusCode::BAD_GATEWAY, "fault_injected", "Injected lost answer (test mode)."));
    }
    Ok(Json(BatchResults { results }))
}
