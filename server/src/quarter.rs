//! The district office's quarter: the per-agency indicators (self-assessed
//! by the agency, verified by the district, each entry kept), decisions on
//! dossiers rated twice (which rating counts, why, who), and each commune's
//! proposals for the period.

use crate::admin::audit::{self, Who};
use crate::admin::{AdminError, Result};
use crate::auth::Actor;
use crate::params;
use crate::scope::{Action, SUBTREE, Scope};
use crate::store::{DbError, Row, Sql};
use danhgia_core::CivilDate;
use danhgia_core::account::{clean_line, clean_text};
use danhgia_core::wire::quarter::{
    AgencyScoreView, AgencyScores, ConflictDetail, ConflictPage, Decision, DecisionView, ProposalInput, ProposalView,
    RatingView, ScoreChange,
};
use danhgia_core::wire::{AgencyScoreEntry, Period};
use serde_json::json;
use std::collections::BTreeMap;

/// The per-agency indicators.
pub const AGENCY_INDICATORS: [u8; 4] = [5, 6, 8, 9];

/// Years a report or entry may name.
pub const YEARS: std::ops::RangeInclusive<u16> = 2000..=2100;

/// A period that exists and has begun (entries for the future are refused).
pub fn usable_period(period: &Period, today: CivilDate) -> Result<(CivilDate, CivilDate)> {
    let bounds = period.bounds().filter(|_| YEARS.contains(&period.year));
    let Some((from, to)) = bounds else {
        return Err(AdminError::bad("bad_period", "year 2000–2100; quarter 1–4 or none for the whole year"));
    };
    if from > today {
        return Err(AdminError::bad("future_period", format!("{} has not begun", period.key())));
    }
    Ok((from, to))
}

fn who(actor: &Actor) -> Who {
    Who::account(actor.id(), &actor.account.username)
}

fn agency_name(sql: &mut dyn Sql, scope: &Scope, id: &str) -> Result<String> {
    match sql.opt::<String>("SELECT name FROM agencies WHERE id = $1", params![id])? {
        Some(name) if scope.covers(id) => Ok(name),
        _ => Err(AdminError::NotFound("agency".into())),
    }
}

fn points(v: Option<f64>) -> Result<Option<f64>> {
    match v {
        Some(p) if !(p.is_finite() && (0.0..=2.0).contains(&p)) => {
            Err(AdminError::bad("bad_points", format!("{p}: points are 0 to 2")))
        }
        other => Ok(other),
    }
}

/// What `actor` may enter for `agency`: its own agency's self-assessment,
/// the verified points of agencies below its own.
pub fn may_enter(actor: &Actor, agency: &str) -> Vec<String> {
    let mut kinds = Vec::new();
    if actor.role.may(Action::EnterSelfScores) && actor.scope.root() == agency {
        kinds.push("self".to_owned());
    }
    if actor.role.may(Action::VerifyScores) && actor.scope.is_below(agency) {
        kinds.push("verified".to_owned());
    }
    kinds
}

const NAME_OF: &str = "(SELECT full_name || ' (' || username || ')' FROM accounts WHERE id = $ID)";

fn view(sql: &mut dyn Sql, agency: &str, name: &str, period: &Period, indicator: u8) -> Result<AgencyScoreView> {
    let current = sql.row(
        &format!(
            "SELECT self_assessed, {}, self_at, verified, {}, verified_at, reason FROM agency_scores
             WHERE agency_id = $1 AND period = $2 AND indicator = $3",
            NAME_OF.replace("$ID", "self_by"),
            NAME_OF.replace("$ID", "verified_by")
        ),
        params![agency, period.key(), indicator],
    )?;
    let history = sql
        .query(
            &format!(
                "SELECT kind, points, reason, coalesce({}, ''), at FROM agency_score_history h
                 WHERE agency_id = $1 AND period = $2 AND indicator = $3 ORDER BY id",
                NAME_OF.replace("$ID", "h.account_id")
            ),
            params![agency, period.key(), indicator],
        )?
        .iter()
        .map(|r| {
            Ok(ScoreChange { kind: r.get(0)?, points: r.get(1)?, reason: r.get(2)?, by: r.get(3)?, at: r.get(4)? })
        })
        .collect::<std::result::Result<_, DbError>>()?;
    let get = |i: usize| -> std::result::Result<_, DbError> {
        current.as_ref().map(|r| r.get::<crate::store::Value>(i)).transpose()
    };
    let num = |v: Option<crate::store::Value>| match v {
        Some(crate::store::Value::Real(f)) => Some(f),
        Some(crate::store::Value::Int(i)) => Some(i as f64),
        _ => None,
    };
    let text = |v: Option<crate::store::Value>| match v {
        Some(crate::store::Value::Text(s)) => Some(s),
        _ => None,
    };
    Ok(AgencyScoreView {
        agency_id: agency.to_owned(),
        agency: name.to_owned(),
        indicator,
        self_assessed: num(get(0)?),
        self_by: text(get(1)?),
        self_at: text(get(2)?),
        verified: num(get(3)?),
        verified_by: text(get(4)?),
        verified_at: text(get(5)?),
        reason: text(get(6)?),
        history,
    })
}

/// Every agency of `unit` (within the actor's scope) with its four
/// indicators for the period.
pub fn scores(sql: &mut dyn Sql, actor: &Actor, unit: &str, period: &Period, today: CivilDate) -> Result<AgencyScores> {
    usable_period(period, today)?;
    agency_name(sql, &actor.scope, unit)?;
    let agencies: Vec<(String, String)> = sql
        .query(
            &format!("{SUBTREE} SELECT id, name FROM agencies WHERE id IN (SELECT id FROM scope) ORDER BY id"),
            params![unit],
        )?
        .iter()
        .map(|r| Ok((r.get(0)?, r.get(1)?)))
        .collect::<std::result::Result<_, DbError>>()?;
    let mut scores = Vec::new();
    let mut may = BTreeMap::new();
    for (id, name) in &agencies {
        may.insert(id.clone(), may_enter(actor, id));
        for n in AGENCY_INDICATORS {
            scores.push(view(sql, id, name, period, n)?);
        }
    }
    Ok(AgencyScores { period: *period, may_enter: may, scores })
}

/// Enters an agency's self-assessed or verified points (or both, if the
/// account may), keeping the other kind and the history.
pub fn enter_score(
    sql: &mut dyn Sql,
    actor: &Actor,
    e: &AgencyScoreEntry,
    today: CivilDate,
    now: &str,
) -> Result<AgencyScoreView> {
    usable_period(&e.period, today)?;
    if !AGENCY_INDICATORS.contains(&e.indicator) {
        return Err(AdminError::bad("bad_indicator", "indicators 5, 6, 8 and 9 are entered per agency"));
    }
    let (self_points, verified) = (points(e.self_assessed)?, points(e.verified)?);
    if self_points.is_none() && verified.is_none() {
        return Err(AdminError::bad("nothing_to_enter", "give self_assessed or verified points"));
    }
    let name = agency_name(sql, &actor.scope, &e.agency_id)?;
    let may = may_enter(actor, &e.agency_id);
    if self_points.is_some() && !may.iter().any(|k| k == "self") {
        return Err(AdminError::Forbidden("only the agency's own office enters its self-assessment".into()));
    }
    if verified.is_some() && !may.iter().any(|k| k == "verified") {
        return Err(AdminError::Forbidden("only an office above the agency verifies its points".into()));
    }
    let reason = match e.reason.as_deref().map(str::trim).filter(|r| !r.is_empty()) {
        Some(r) => Some(clean_line(r, 500).map_err(|p| AdminError::field("reason", p))?),
        None => None,
    };
    let key = e.period.key();
    sql.serialize(&format!("agency_scores:{}:{key}:{}", e.agency_id, e.indicator))?;
    let before = view(sql, &e.agency_id, &name, &e.period, e.indicator)?;
    // Once verified, the self-assessment stands as it was verified.
    if self_points.is_some() && before.verified.is_some() && verified.is_none() {
        return Err(AdminError::conflict(
            "already_verified",
            "the district has verified this indicator: ask it to revise",
        ));
    }
    // A deduction from the self-assessment (or, without one, from full
    // marks) needs its reason.
    let self_after = self_points.or(before.self_assessed);
    if let Some(v) = verified
        && v < self_after.unwrap_or(2.0)
        && reason.is_none()
    {
        return Err(AdminError::bad("reason_required", "a verified score below the self-assessment needs its reason"));
    }
    sql.execute(
        "INSERT INTO agency_scores (agency_id, period, indicator) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING",
        params![&e.agency_id, &key, e.indicator],
    )?;
    if let Some(p) = self_points {
        sql.execute(
            "UPDATE agency_scores SET self_assessed = $4, self_by = $5, self_at = $6
             WHERE agency_id = $1 AND period = $2 AND indicator = $3",
            params![&e.agency_id, &key, e.indicator, p, actor.id(), now],
        )?;
    }
    if let Some(p) = verified {
        sql.execute(
            "UPDATE agency_scores SET verified = $4, verified_by = $5, verified_at = $6, reason = $7
             WHERE agency_id = $1 AND period = $2 AND indicator = $3",
            params![&e.agency_id, &key, e.indicator, p, actor.id(), now, &reason],
        )?;
    }
    for (kind, p, why) in [("self", self_points, None), ("verified", verified, reason.as_ref())] {
        if let Some(p) = p {
            sql.execute(
                "INSERT INTO agency_score_history (agency_id, period, indicator, kind, points, reason, account_id, at)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
                params![&e.agency_id, &key, e.indicator, kind, p, why, actor.id(), now],
            )?;
        }
    }
    view(sql, &e.agency_id, &name, &e.period, e.indicator)
}

fn rating_view(r: &Row, counts: bool) -> std::result::Result<RatingView, DbError> {
    let answers: String = r.get(2)?;
    Ok(RatingView {
        id: r.get(0)?,
        channel: r.get(1)?,
        answers: serde_json::from_str(&answers).unwrap_or_default(),
        comment: r.get(3)?,
        received_at: r.get(4)?,
        entered_by: r.get(5)?,
        counts,
    })
}

fn detail(sql: &mut dyn Sql, code: &str) -> Result<ConflictDetail> {
    let d = sql
        .row(
            "SELECT d.procedure_name, d.agency_id, a.name, d.returned_on, d.ruleset_version
             FROM dossiers d JOIN agencies a ON a.id = d.agency_id WHERE d.code = $1",
            params![code],
        )?
        .ok_or_else(|| AdminError::NotFound("dossier".into()))?;
    let mut ratings: Vec<RatingView> = sql
        .query(
            "SELECT r.id, r.channel, r.answers, r.comment, r.received_at, o.username FROM ratings r
             LEFT JOIN accounts o ON o.id = r.officer_id WHERE r.dossier_code = $1",
            params![code],
        )?
        .iter()
        .map(|r| rating_view(r, true))
        .collect::<std::result::Result<_, _>>()?;
    ratings.extend(
        sql.query(
            "SELECT c.id, c.channel, c.answers, c.comment, c.received_at, o.username FROM rating_conflicts c
             LEFT JOIN accounts o ON o.id = c.officer_id WHERE c.dossier_code = $1 ORDER BY c.received_at, c.id",
            params![code],
        )?
        .iter()
        .map(|r| rating_view(r, false))
        .collect::<std::result::Result<Vec<_>, _>>()?,
    );
    let decisions = sql
        .query(
            "SELECT x.counted_id, x.previous_id, x.reason, o.full_name || ' (' || o.username || ')', x.decided_at
             FROM rating_decisions x JOIN accounts o ON o.id = x.decided_by WHERE x.dossier_code = $1 ORDER BY x.id",
            params![code],
        )?
        .iter()
        .map(|r| {
            Ok(DecisionView {
                counted_id: r.get(0)?,
                previous_id: r.get(1)?,
                reason: r.get(2)?,
                decided_by: r.get(3)?,
                decided_at: r.get(4)?,
            })
        })
        .collect::<std::result::Result<_, DbError>>()?;
    Ok(ConflictDetail {
        dossier_code: code.to_owned(),
        procedure: d.get(0)?,
        agency_id: d.get(1)?,
        agency: d.get(2)?,
        returned_on: d.get(3)?,
        ruleset_version: d.get(4)?,
        ratings,
        decisions,
    })
}

/// Dossiers of `unit` returned in `from..=to` that were rated twice: open
/// ones, or (with `decided`) those decided too; a page at a time.
#[allow(clippy::too_many_arguments)]
pub fn conflicts(
    sql: &mut dyn Sql,
    scope: &Scope,
    unit: &str,
    from: CivilDate,
    to: CivilDate,
    decided: bool,
    offset: u32,
    limit: u32,
) -> Result<ConflictPage> {
    if !scope.covers(unit) {
        return Err(AdminError::NotFound("unit".into()));
    }
    let filter = if decided { "1 = 1" } else { "c.demoted = 0 AND c.resolved = 0" };
    let base = format!(
        "{SUBTREE} SELECT DISTINCT d.code FROM rating_conflicts c JOIN dossiers d ON d.code = c.dossier_code
         WHERE {filter} AND d.agency_id IN (SELECT id FROM scope) AND d.returned_on BETWEEN $2 AND $3"
    );
    let total: u32 =
        sql.one(&format!("SELECT count(*) FROM ({base}) t"), params![unit, from.to_string(), to.to_string()])?;
    let codes: Vec<String> = sql.column(
        &format!("{base} ORDER BY d.code LIMIT $4 OFFSET $5"),
        params![unit, from.to_string(), to.to_string(), limit, offset],
    )?;
    let conflicts = codes.iter().map(|c| detail(sql, c)).collect::<Result<_>>()?;
    Ok(ConflictPage { total, offset, conflicts })
}

/// The office decides which of a dossier's ratings counts; the other stays,
/// set aside, for audit. Reports and exports follow.
pub fn decide(sql: &mut dyn Sql, actor: &Actor, code: &str, decision: &Decision, now: &str) -> Result<ConflictDetail> {
    // Before reading the dossier's ratings: one set aside meanwhile would
    // otherwise be marked decided unseen.
    sql.serialize(crate::ratings::SET_ASIDE_LOCK)?;
    let before = detail(sql, code)?;
    if !actor.scope.covers(&before.agency_id) {
        return Err(AdminError::NotFound("dossier".into()));
    }
    // Like verified points: an office above the agency decides, never the
    // agency whose desk the ratings judge — but the top agency, with no one
    // above it, decides its own.
    let own_top = before.agency_id == actor.scope.root() && actor.scope.is_top();
    if !(actor.scope.is_below(&before.agency_id) || own_top) {
        return Err(AdminError::Forbidden(
            "only an office above the agency decides which of its ratings counts".into(),
        ));
    }
    let reason = clean_line(&decision.reason, 500).map_err(|p| AdminError::field("reason", p))?;
    if before.ratings.len() < 2 {
        return Err(AdminError::bad("not_rated_twice", format!("{code} has no rating set aside")));
    }
    let Some(chosen) = before.ratings.iter().find(|r| r.id == decision.count) else {
        return Err(AdminError::bad("unknown_rating", format!("{} is not a rating of {code}", decision.count)));
    };
    let counted = before.ratings.iter().find(|r| r.counts).map(|r| r.id.clone()).unwrap_or_default();
    if !chosen.counts {
        // Swap: the counted rating moves aside (marked as once counted), the chosen one counts.
        let columns = "id, dossier_code, channel, ruleset_version, answers, comment, client_time, content, received_at, officer_id";
        sql.execute(
            &format!(
                "INSERT INTO rating_conflicts ({columns}, demoted, resolved)
                 SELECT {columns}, 1, 1 FROM ratings WHERE id = $1"
            ),
            params![&counted],
        )?;
        sql.execute("DELETE FROM ratings WHERE id = $1", params![&counted])?;
        sql.execute(
            &format!("INSERT INTO ratings ({columns}) SELECT {columns} FROM rating_conflicts WHERE id = $1"),
            params![&chosen.id],
        )?;
        sql.execute("DELETE FROM rating_conflicts WHERE id = $1", params![&chosen.id])?;
    }
    sql.execute("UPDATE rating_conflicts SET resolved = 1 WHERE dossier_code = $1", params![code])?;
    sql.execute(
        "INSERT INTO rating_decisions (dossier_code, counted_id, previous_id, reason, decided_by, decided_at)
         VALUES ($1, $2, $3, $4, $5, $6)",
        params![code, &chosen.id, &counted, &reason, actor.id(), now],
    )?;
    audit::record(
        sql,
        &who(actor),
        Some(&before.agency_id),
        "rating.decide",
        code,
        Some(json!({ "counted": counted })),
        Some(json!({ "counted": chosen.id, "reason": reason })),
    )?;
    detail(sql, code)
}

fn proposal_view(r: &Row) -> std::result::Result<ProposalView, DbError> {
    let key: String = r.get(2)?;
    let period = key
        .split_once("-Q")
        .and_then(|(y, q)| Some(Period { year: y.parse().ok()?, quarter: Some(q.parse().ok()?) }))
        .or_else(|| key.parse().ok().map(|year| Period { year, quarter: None }))
        .ok_or_else(|| DbError::Decode(format!("period {key}")))?;
    Ok(ProposalView {
        agency_id: r.get(0)?,
        agency: r.get(1)?,
        period,
        text: r.get(3)?,
        updated_by: r.get(4)?,
        updated_at: r.get(5)?,
    })
}

const PROPOSAL_COLUMNS: &str =
    "p.agency_id, a.name, p.period, p.text, o.full_name || ' (' || o.username || ')', p.updated_at";

/// The proposals of `unit`'s agencies for a period.
pub fn proposals(sql: &mut dyn Sql, scope: &Scope, unit: &str, period: &Period) -> Result<Vec<ProposalView>> {
    if !scope.covers(unit) {
        return Err(AdminError::NotFound("unit".into()));
    }
    let rows = sql.query(
        &format!(
            "{SUBTREE} SELECT {PROPOSAL_COLUMNS} FROM proposals p JOIN agencies a ON a.id = p.agency_id
             JOIN accounts o ON o.id = p.updated_by
             WHERE p.period = $2 AND p.agency_id IN (SELECT id FROM scope) ORDER BY p.agency_id"
        ),
        params![unit, period.key()],
    )?;
    Ok(rows.iter().map(proposal_view).collect::<std::result::Result<_, _>>()?)
}

/// A commune's office writes its proposals for the period.
pub fn write_proposal(
    sql: &mut dyn Sql,
    actor: &Actor,
    input: &ProposalInput,
    today: CivilDate,
    now: &str,
) -> Result<ProposalView> {
    usable_period(&input.period, today)?;
    agency_name(sql, &actor.scope, &input.agency_id)?;
    if !(actor.role.may(Action::WriteProposals) && actor.scope.root() == input.agency_id) {
        return Err(AdminError::Forbidden("only the agency's own office writes its proposals".into()));
    }
    let text = clean_text(&input.text, 4000).map_err(|p| AdminError::field("text", p))?;
    let key = input.period.key();
    let before: Option<String> =
        sql.opt("SELECT text FROM proposals WHERE agency_id = $1 AND period = $2", params![&input.agency_id, &key])?;
    sql.execute(
        "INSERT INTO proposals (agency_id, period, text, updated_by, updated_at) VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (agency_id, period) DO UPDATE SET text = excluded.text, updated_by = excluded.updated_by,
             updated_at = excluded.updated_at",
        params![&input.agency_id, &key, &text, actor.id(), now],
    )?;
    audit::record(
        sql,
        &who(actor),
        Some(&input.agency_id),
        "proposal.write",
        &format!("{} {key}", input.agency_id),
        before.map(|t| json!({ "text": t })),
        Some(json!({ "text": text })),
    )?;
    let row = sql
        .row(
            &format!(
                "SELECT {PROPOSAL_COLUMNS} FROM proposals p JOIN agencies a ON a.id = p.agency_id
                 JOIN accounts o ON o.id = p.updated_by WHERE p.agency_id = $1 AND p.period = $2"
            ),
            params![&input.agency_id, &key],
        )?
        .ok_or_else(|| AdminError::NotFound("proposal".into()))?;
    Ok(proposal_view(&row)?)
}
