//! Ingesting rating batches: idempotent by record id, one rating per dossier,
//! each record answered on its own, the whole batch in one transaction.

use crate::dossiers;
use crate::links::LinkSigner;
use danhgia_core::rating::{Channel, MAX_BATCH, RatingRecord, Reason, Rejection, check_record};
use danhgia_core::wire::{GivenRating, RecordResult, RecordStatus};
use danhgia_core::{DossierCode, RuleBook};
use rusqlite::{Connection, OptionalExtension, params};
use serde::Serialize;
use std::collections::BTreeMap;

/// Who is sending: an officer's id once signed in (paper slips need one).
#[derive(Debug, Clone, Copy, Default)]
pub struct Sender {
    pub officer_id: Option<i64>,
}

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

#[derive(Debug)]
pub enum BatchError {
    TooLarge,
    Db(rusqlite::Error),
}

impl From<rusqlite::Error> for BatchError {
    fn from(e: rusqlite::Error) -> Self {
        BatchError::Db(e)
    }
}

/// Stores what can be stored and says, per record, what happened.
pub fn ingest(
    conn: &mut Connection,
    rules: &RuleBook,
    signer: &LinkSigner,
    sender: Sender,
    records: &[RatingRecord],
    now: &str,
) -> Result<Vec<RecordResult>, BatchError> {
    if records.len() > MAX_BATCH {
        return Err(BatchError::TooLarge);
    }
    let tx = conn.transaction()?;
    let mut results = Vec::with_capacity(records.len());
    for record in records {
        results.push(ingest_one(&tx, rules, signer, sender, record, now)?);
    }
    tx.commit()?;
    Ok(results)
}

fn ingest_one(
    tx: &rusqlite::Transaction<'_>,
    rules: &RuleBook,
    signer: &LinkSigner,
    sender: Sender,
    r: &RatingRecord,
    now: &str,
) -> Result<RecordResult, BatchError> {
    let id = r.id.as_str();
    let code = match DossierCode::parse(&r.dossier_code) {
        Ok(code) => code,
        Err(e) => return Ok(rejected(id, Reason::BadCode, e.to_string())),
    };
    let content = content_of(r, &code);

    // A replay of a record we already hold (stored or set aside) is answered
    // as before; the same id with other content is never stored twice.
    let stored: Option<String> =
        tx.query_row("SELECT content FROM ratings WHERE id = ?1", params![id], |row| row.get(0)).optional()?;
    if let Some(stored) = stored {
        return Ok(if stored == content {
            result(id, RecordStatus::Duplicate, None)
        } else {
            result(
                id,
                RecordStatus::Conflict,
                Some(Rejection::new(Reason::IdReused, "this id was used for another rating")),
            )
        });
    }
    let set_aside: Option<String> =
        tx.query_row("SELECT content FROM rating_conflicts WHERE id = ?1", params![id], |row| row.get(0)).optional()?;
    if let Some(set_aside) = set_aside {
        let why = if set_aside == content {
            Rejection::new(Reason::AlreadyRated, "the dossier already has a rating")
        } else {
            Rejection::new(Reason::IdReused, "this id was used for another rating")
        };
        return Ok(result(id, RecordStatus::Conflict, Some(why)));
    }

    let Some(dossier) = dossiers::find(tx, &code)? else {
        return Ok(rejected(id, Reason::UnknownDossier, format!("no dossier {code}")));
    };
    match r.channel {
        Channel::Online => {
            let ok = r.citizen_token.as_deref().is_some_and(|t| signer.verify_token(&code, t));
            if !ok {
                return Ok(rejected(id, Reason::BadToken, "the link's token does not match the dossier"));
            }
        }
        Channel::Paper => {
            if sender.officer_id.is_none() {
                return Ok(rejected(id, Reason::SignInRequired, "paper slips are entered by a signed-in officer"));
            }
        }
    }
    let Some(rule_set) = rules.by_version(&dossier.ruleset_version) else {
        return Ok(rejected(id, Reason::RulesetMismatch, format!("unknown rule set {}", dossier.ruleset_version)));
    };
    if let Err(why) = check_record(r, rule_set, &dossier.dates) {
        return Ok(result(id, RecordStatus::Rejected, Some(why)));
    }

    let answers = serde_json::to_string(&r.answers).unwrap_or_default();
    // Only a paper slip is the officer's work; a citizen's rating that
    // happens to travel with an officer's session stays the citizen's.
    let officer_id = if r.channel == Channel::Paper { sender.officer_id } else { None };
    let already: bool = tx
        .query_row("SELECT 1 FROM ratings WHERE dossier_code = ?1", params![code.as_str()], |_| Ok(()))
        .optional()?
        .is_some();
    if already {
        tx.execute(
            "INSERT INTO rating_conflicts (id, dossier_code, channel, content, received_at, officer_id)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            params![id, code.as_str(), r.channel.as_str(), content, now, officer_id],
        )?;
        return Ok(result(
            id,
            RecordStatus::Conflict,
            Some(Rejection::new(Reason::AlreadyRated, "the dossier already has a rating")),
        ));
    }
    tx.execute(
        "INSERT INTO ratings (id, dossier_code, channel, ruleset_version, answers, comment, client_time, received_at, officer_id, content)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
        params![
            id,
            code.as_str(),
            r.channel.as_str(),
            r.ruleset_version,
            answers,
            r.comment,
            r.client_time,
            now,
            officer_id,
            content
        ],
    )?;
    Ok(result(id, RecordStatus::Accepted, None))
}

/// The rating a dossier holds, for its public page.
pub fn given(conn: &Connection, code: &DossierCode) -> rusqlite::Result<Option<GivenRating>> {
    conn.query_row(
        "SELECT channel, answers, received_at FROM ratings WHERE dossier_code = ?1",
        params![code.as_str()],
        |row| {
            let channel: String = row.get(0)?;
            let answers: String = row.get(1)?;
            Ok(GivenRating {
                channel: if channel == "paper" { Channel::Paper } else { Channel::Online },
                answers: serde_json::from_str(&answers).unwrap_or_default(),
                received_at: row.get(2)?,
            })
        },
    )
    .optional()
}
