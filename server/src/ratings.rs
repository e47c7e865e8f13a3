//! Ingesting rating batches: idempotent by record id, one rating per dossier,
//! each record answered on its own, the whole batch in one transaction.

use crate::auth::Actor;
use crate::dossiers;
use crate::links::LinkSigner;
use crate::params;
use crate::scope::Action;
use crate::store::{DbError, Sql};
use danhgia_core::rating::{Channel, MAX_BATCH, RatingRecord, Reason, Rejection, check_record};
use danhgia_core::wire::{RecordResult, RecordStatus};
use danhgia_core::{DossierCode, RuleBook};
use serde::Serialize;
use std::collections::BTreeMap;

/// What a rating says, canonically: a replay of the same record has exactly
/// this JSON, whatever the order of its keys on the wire.
#[derive(Serialize)]
struct Content<'a> {
    dossier_code: &'a str,
    channel: Channel,
    ruleset_version: &'a str,
    answers: &'a BTreeMap<String, String>,
    comment: Option<&'a str>,
    client_time: &'a str,
}

fn content_of(r: &RatingRecord, code: &DossierCode) -> String {
    let c = Content {
        dossier_code: code.as_str(),
        channel: r.channel,
        ruleset_version: &r.ruleset_version,
        answers: &r.answers,
        comment: r.comment.as_deref(),
        client_time: &r.client_time,
    };
    // Serialising plain strings and maps cannot fail.
    serde_json::to_string(&c).unwrap_or_default()
}

fn result(id: &str, status: RecordStatus, why: Option<Rejection>) -> RecordResult {
    RecordResult {
        id: id.to_owned(),
        status,
        reason: why.as_ref().map(|w| w.reason.code().to_owned()),
        message: why.map(|w| w.detail),
    }
}

fn rejected(id: &str, reason: Reason, detail: impl Into<String>) -> RecordResult {
    result(id, RecordStatus::Rejected, Some(Rejection::new(reason, detail)))
}

fn already_rated() -> Option<Rejection> {
    Some(Rejection::new(Reason::AlreadyRated, "the dossier already has a rating"))
}

#[derive(Debug)]
pub enum BatchError {
    TooLarge,
    Db(DbError),
}

impl From<DbError> for BatchError {
    fn from(e: DbError) -> Self {
        BatchError::Db(e)
    }
}

/// Stores what can be stored and says, per record, what happened. `sender`
/// is the signed-in account the request came with, if any.
pub fn ingest(
    sql: &mut dyn Sql,
    rules: &RuleBook,
    signer: &LinkSigner,
    sender: Option<&Actor>,
    records: &[RatingRecord],
    now: &str,
) -> Result<Vec<RecordResult>, BatchError> {
    if records.len() > MAX_BATCH {
        return Err(BatchError::TooLarge);
    }
    // Not while a dossier import runs: it decides from whether a dossier is
    // rated what it may still change.
    sql.alongside(crate::import::IMPORT_LOCK)?;
    let mut results = Vec::with_capacity(records.len());
    for record in records {
        results.push(ingest_one(sql, rules, signer, sender, record, now)?);
    }
    Ok(results)
}

/// How a record we already hold by its id is answered again.
fn replay(sql: &mut dyn Sql, id: &str, content: &str) -> Result<Option<RecordResult>, DbError> {
    if let Some(stored) = sql.opt::<String>("SELECT content FROM ratings WHERE id = $1", params![id])? {
        return Ok(Some(if stored == content {
            result(id, RecordStatus::Duplicate, None)
        } else {
            result(
                id,
                RecordStatus::Conflict,
                Some(Rejection::new(Reason::IdReused, "this id was used for another rating")),
            )
        }));
    }
    if let Some(row) = sql.row("SELECT content, demoted FROM rating_conflicts WHERE id = $1", params![id])? {
        let (stored, demoted): (String, bool) = (row.get(0)?, row.get(1)?);
        return Ok(Some(if stored != content {
            result(
                id,
                RecordStatus::Conflict,
                Some(Rejection::new(Reason::IdReused, "this id was used for another rating")),
            )
        } else if demoted {
            // Accepted when it came; the office later counted another.
            result(id, RecordStatus::Duplicate, None)
        } else {
            result(id, RecordStatus::Conflict, already_rated())
        }));
    }
    Ok(None)
}

/// What setting a rating aside and the office's decisions take turns on
/// (`quarter::decide`).
pub const SET_ASIDE_LOCK: &str = "rating_conflicts";

fn ingest_one(
    sql: &mut dyn Sql,
    rules: &RuleBook,
    signer: &LinkSigner,
    sender: Option<&Actor>,
    r: &RatingRecord,
    now: &str,
) -> Result<RecordResult, DbError> {
    let id = r.id.as_str();
    let code = match DossierCode::parse(&r.dossier_code) {
        Ok(code) => code,
        Err(e) => return Ok(rejected(id, Reason::BadCode, e.to_string())),
    };
    let content = content_of(r, &code);
    if let Some(answer) = replay(sql, id, &content)? {
        return Ok(answer);
    }

    // Who may rate: a citizen through the dossier's signed token (checked
    // before the dossier is looked up, so that an unknown code and a wrong
    // token answer alike), or a signed-in account within its agencies.
    let staff = if r.channel.needs_staff_device() {
        let Some(actor) = sender else {
            return Ok(rejected(id, Reason::SignInRequired, "paper slips and kiosk ratings need a signed-in officer"));
        };
        if !actor.role.may(Action::EnterRatings) {
            return Ok(rejected(id, Reason::OutOfScope, "this account's role does not enter ratings"));
        }
        Some(actor)
    } else {
        if !r.citizen_token.as_deref().is_some_and(|t| signer.verify_token(&code, t)) {
            return Ok(rejected(id, Reason::BadToken, "the link does not match a dossier"));
        }
        None
    };
    // For staff, a code that exists elsewhere and one that does not exist
    // answer alike: "not among your agencies".
    let dossier = dossiers::find(sql, &code)?;
    let dossier = match (dossier, staff) {
        (Some(d), Some(actor)) if actor.scope.covers(&d.agency_id) => d,
        (_, Some(_)) => {
            return Ok(rejected(id, Reason::OutOfScope, format!("no dossier {code} among your agencies")));
        }
        (Some(d), None) => d,
        (None, None) => return Ok(rejected(id, Reason::UnknownDossier, format!("no dossier {code}"))),
    };
    let Some(rule_set) = rules.by_version(&dossier.ruleset_version) else {
        return Ok(rejected(id, Reason::RulesetMismatch, format!("unknown rule set {}", dossier.ruleset_version)));
    };
    if let Err(why) = check_record(r, rule_set, &dossier.dates) {
        return Ok(result(id, RecordStatus::Rejected, Some(why)));
    }

    let answers = serde_json::to_string(&r.answers).unwrap_or_default();
    // A citizen's rating that happens to travel with an officer's session
    // stays the citizen's; paper slips and kiosk ratings note the account.
    let officer_id = staff.map(Actor::id);
    let inserted = sql.execute(
        "INSERT INTO ratings (id, dossier_code, channel, ruleset_version, answers, comment, client_time, received_at, officer_id, content)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) ON CONFLICT DO NOTHING",
        params![id, code.as_str(), r.channel.as_str(), &r.ruleset_version, &answers, &r.comment, &r.client_time, now, officer_id, &content],
    )?;
    if inserted == 1 {
        return Ok(result(id, RecordStatus::Accepted, None));
    }
    // The dossier holds another rating: set this one aside for the office,
    // at most one per dossier and channel in the dossier's life (repeats count
    // as delivered, not kept). A rating of the channel set aside before counts
    // whatever became of it, and so does one a decision made count: else a
    // citizen's link reopened the dossier after every decision. Set-asides
    // and decisions take turns (one lock for all: they are rare, and one lock
    // cannot deadlock two batches). Another request (or server) may have
    // stored or set aside this very record a moment ago: a replay.
    sql.serialize(SET_ASIDE_LOCK)?;
    if let Some(answer) = replay(sql, id, &content)? {
        return Ok(answer);
    }
    let no_room = sql.exists(
        "SELECT 1 FROM rating_conflicts WHERE dossier_code = $1 AND channel = $2
         UNION ALL
         SELECT 1 FROM rating_decisions d JOIN ratings r ON r.id = d.counted_id
         WHERE d.dossier_code = $1 AND r.channel = $2",
        params![code.as_str(), r.channel.as_str()],
    )?;
    let set_aside = !no_room
        && sql.execute(
            "INSERT INTO rating_conflicts (id, dossier_code, channel, ruleset_version, answers, comment, client_time,
                 content, received_at, officer_id)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) ON CONFLICT DO NOTHING",
            params![
                id,
                code.as_str(),
                r.channel.as_str(),
                &r.ruleset_version,
                &answers,
                &r.comment,
                &r.client_time,
                &content,
                now,
                officer_id
            ],
        )? == 1;
    Ok(if set_aside {
        result(id, RecordStatus::Conflict, already_rated())
    } else {
        result(id, RecordStatus::Duplicate, already_rated())
    })
}
