//! Reports of a period for a unit (an agency and, for a district, its
//! communes): the core's scoring over what the database holds.

use crate::api::now_rfc3339;
use crate::params;
use crate::scope::SUBTREE;
use crate::store::{DbError, Sql};
use danhgia_core::bands::Bands;
use danhgia_core::scoring::{AgencyEntry, DossierFacts, Unit, is_dissatisfied, score_agencies, score_officials};
use danhgia_core::wire::{AgencyRow, ConflictRow, OfficialRow, Period, QuarterSatisfaction, Report, ScorePair};
use danhgia_core::{CivilDate, RuleBook};
use std::collections::BTreeMap;

struct Agency {
    id: String,
    name: String,
    level: String,
}

/// The unit and every agency below it.
fn agencies_of(sql: &mut dyn Sql, unit: &str) -> Result<Vec<Agency>, DbError> {
    sql.query(
        &format!("{SUBTREE} SELECT id, name, level FROM agencies WHERE id IN (SELECT id FROM scope) ORDER BY id"),
        params![unit],
    )?
    .iter()
    .map(|r| Ok(Agency { id: r.get(0)?, name: r.get(1)?, level: r.get(2)? }))
    .collect()
}

/// Dossiers of the unit returned in `from..=to`, with their ratings.
fn facts<'a>(
    sql: &mut dyn Sql,
    rules: &'a RuleBook,
    unit: &str,
    from: CivilDate,
    to: CivilDate,
) -> Result<Vec<DossierFacts<'a>>, DbError> {
    let rows = sql.query(
        &format!(
            "{SUBTREE} SELECT d.agency_id, d.official_id, d.received_on, d.appointed_on, d.returned_on, d.ruleset_version, r.answers
             FROM dossiers d LEFT JOIN ratings r ON r.dossier_code = d.code
             WHERE d.returned_on BETWEEN $2 AND $3 AND d.agency_id IN (SELECT id FROM scope)"
        ),
        params![unit, from.to_string(), to.to_string()],
    )?;
    let mut out = Vec::new();
    for r in rows {
        let (agency_id, official_id, received, appointed, returned, version, answers): (
            String,
            Option<i64>,
            String,
            String,
            Option<String>,
            String,
            Option<String>,
        ) = (r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?, r.get(5)?, r.get(6)?);
        let (Some(rules), Ok(received_on), Ok(appointed_on)) =
            (rules.by_version(&version), CivilDate::parse_iso(&received), CivilDate::parse_iso(&appointed))
        else {
            continue;
        };
        out.push(DossierFacts {
            agency_id,
            official_id,
            dates: danhgia_core::rating::DossierDates {
                received_on,
                appointed_on,
                returned_on: returned.and_then(|r| CivilDate::parse_iso(&r).ok()),
            },
            rules,
            answers: answers.and_then(|a| serde_json::from_str(&a).ok()),
        });
    }
    Ok(out)
}

type Entries = (Vec<AgencyEntry>, BTreeMap<String, BTreeMap<u8, ScorePair>>, BTreeMap<String, BTreeMap<u8, String>>);

/// The per-agency indicators of the period. A year without entries of its
/// own takes, per agency and indicator, the mean of its quarters' entries
/// (self-assessed and verified apart), with the quarters' reasons.
fn agency_entries(sql: &mut dyn Sql, unit: &str, period: &Period) -> Result<Entries, DbError> {
    let keys: Vec<String> = match period.quarter {
        Some(_) => vec![period.key()],
        None => std::iter::once(period.key())
            .chain((1..=4).map(|q| Period { year: period.year, quarter: Some(q) }.key()))
            .collect(),
    };
    let rows = sql.query(
        &format!(
            "{SUBTREE} SELECT agency_id, indicator, self_assessed, verified, reason, period FROM agency_scores
             WHERE period IN ($2, $3, $4, $5, $6) AND agency_id IN (SELECT id FROM scope)
             ORDER BY agency_id, indicator, period"
        ),
        params![
            unit,
            keys.first().cloned(),
            keys.get(1).cloned(),
            keys.get(2).cloned(),
            keys.get(3).cloned(),
            keys.get(4).cloned()
        ],
    )?;
    type Found = (Vec<f64>, Vec<f64>, Vec<String>, bool);
    let mut found: BTreeMap<(String, u8), Found> = BTreeMap::new();
    for r in rows {
        let (agency, indicator, self_assessed, verified, reason, key): (
            String,
            u8,
            Option<f64>,
            Option<f64>,
            Option<String>,
            String,
        ) = (r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?, r.get(5)?);
        let own = key == period.key();
        let slot = found.entry((agency, indicator)).or_insert_with(|| (Vec::new(), Vec::new(), Vec::new(), false));
        if own && !slot.3 {
            // The period's own entry replaces what its quarters said.
            *slot = (Vec::new(), Vec::new(), Vec::new(), true);
        } else if slot.3 {
            continue;
        }
        slot.0.extend(self_assessed);
        slot.1.extend(verified);
        if let Some(reason) = reason.filter(|r| !r.trim().is_empty()) {
            let label = key.split_once('-').map_or(String::new(), |(_, q)| format!("{q}: "));
            slot.2.push(if own { reason } else { format!("{label}{reason}") });
        }
    }
    let mean = |v: &[f64]| (!v.is_empty()).then(|| v.iter().sum::<f64>() / v.len() as f64);
    let (mut entries, mut pairs, mut reasons) = (Vec::new(), BTreeMap::new(), BTreeMap::new());
    for ((agency_id, indicator), (selfs, verifieds, why, _)) in found {
        let (self_assessed, verified) = (mean(&selfs), mean(&verifieds));
        if !why.is_empty() {
            reasons.entry(agency_id.clone()).or_insert_with(BTreeMap::new).insert(indicator, why.join("; "));
        }
        pairs
            .entry(agency_id.clone())
            .or_insert_with(BTreeMap::new)
            .insert(indicator, ScorePair { self_assessed, verified });
        entries.push(AgencyEntry { agency_id, indicator, self_assessed, verified });
    }
    Ok((entries, pairs, reasons))
}

fn quarter_of(d: CivilDate) -> (u16, u8) {
    (d.year(), (d.month() - 1) / 3 + 1)
}

/// The report, or `None` when the unit does not exist or the period is invalid.
pub fn build(
    sql: &mut dyn Sql,
    rules: &RuleBook,
    bands: &Bands,
    unit: &str,
    period: Period,
) -> Result<Option<Report>, DbError> {
    let Some((from, to)) = period.bounds() else { return Ok(None) };
    let unit_name: Option<String> = sql.opt("SELECT name FROM agencies WHERE id = $1", params![unit])?;
    let Some(unit_name) = unit_name else { return Ok(None) };
    let agencies = agencies_of(sql, unit)?;
    let names: BTreeMap<&str, &Agency> = agencies.iter().map(|a| (a.id.as_str(), a)).collect();
    let dossiers = facts(sql, rules, unit, from, to)?;

    let mut official_names: BTreeMap<i64, (String, String)> = BTreeMap::new();
    for r in sql.query(
        &format!(
            "{SUBTREE} SELECT o.id, o.full_name, a.name FROM officials o JOIN agencies a ON a.id = o.agency_id
             WHERE o.agency_id IN (SELECT id FROM scope)"
        ),
        params![unit],
    )? {
        official_names.insert(r.get(0)?, (r.get(1)?, r.get(2)?));
    }
    let officials = score_officials(&dossiers)
        .into_iter()
        .map(|s| {
            let (name, agency) = official_names.get(&s.official_id).cloned().unwrap_or_default();
            OfficialRow {
                official_id: s.official_id,
                name,
                agency,
                dossiers: s.dossiers,
                rated: s.rated,
                averages: s.averages,
                total: s.total,
                satisfaction: s.satisfaction,
                satisfaction_rate: s.satisfaction_rate,
            }
        })
        .collect();

    let (entries, mut pairs, mut reasons) = agency_entries(sql, unit, &period)?;
    let mut proposals: BTreeMap<String, String> = sql
        .query(
            &format!("{SUBTREE} SELECT agency_id, text FROM proposals WHERE period = $2 AND agency_id IN (SELECT id FROM scope)"),
            params![unit, period.key()],
        )?
        .iter()
        .map(|r| Ok((r.get(0)?, r.get(1)?)))
        .collect::<Result<_, DbError>>()?;
    let mut channels: BTreeMap<String, BTreeMap<String, u32>> = BTreeMap::new();
    for r in sql.query(
        &format!(
            "{SUBTREE} SELECT d.agency_id, r.channel, count(*) FROM dossiers d JOIN ratings r ON r.dossier_code = d.code
             WHERE d.returned_on BETWEEN $2 AND $3 AND d.agency_id IN (SELECT id FROM scope)
             GROUP BY d.agency_id, r.channel"
        ),
        params![unit, from.to_string(), to.to_string()],
    )? {
        channels.entry(r.get(0)?).or_default().insert(r.get(1)?, r.get(2)?);
    }
    let units: Vec<Unit> = agencies.iter().map(|a| Unit { id: a.id.clone(), level: a.level.clone() }).collect();
    let agency_rows = score_agencies(&units, &dossiers, &entries, bands)
        .into_iter()
        .map(|s| AgencyRow {
            name: names.get(s.agency_id.as_str()).map(|a| a.name.clone()).unwrap_or_default(),
            level: names.get(s.agency_id.as_str()).map(|a| a.level.clone()).unwrap_or_default(),
            reasons: reasons.remove(&s.agency_id).unwrap_or_default(),
            entries: pairs.remove(&s.agency_id).unwrap_or_default(),
            channels: channels.remove(&s.agency_id).unwrap_or_default(),
            proposals: proposals.remove(&s.agency_id),
            sources: s.sources.iter().map(|(n, src)| (*n, src.as_str().to_owned())).collect(),
            standing: s.standing.as_str().to_owned(),
            proportional: s.proportional,
            commune_rank: s.commune_rank,
            satisfaction_rate: s.satisfaction_rate,
            agency_id: s.agency_id,
            dossiers: s.dossiers,
            rated: s.rated,
            indicators: s.indicators,
            total: s.total,
            band: s.band,
            rank: s.rank,
        })
        .collect();

    // Satisfaction over the eight quarters that end with this period.
    let last = quarter_of(to);
    let mut quarters = Vec::new();
    let (mut y, mut q) = last;
    for _ in 0..8 {
        quarters.push((y, q));
        (y, q) = if q == 1 { (y - 1, 4) } else { (y, q - 1) };
    }
    quarters.reverse();
    let first_day = quarters
        .first()
        .and_then(|(y, q)| Period { year: *y, quarter: Some(*q) }.bounds())
        .map_or(from, |(start, _)| start);
    let history = facts(sql, rules, unit, first_day, to)?;
    let quarters = quarters
        .into_iter()
        .map(|(year, quarter)| {
            let within: Vec<&DossierFacts> =
                history.iter().filter(|d| d.dates.returned_on.map(quarter_of) == Some((year, quarter))).collect();
            let n = within.len() as u32;
            let unhappy = within.iter().filter(|d| is_dissatisfied(d)).count() as u32;
            QuarterSatisfaction {
                year,
                quarter,
                dossiers: n,
                rate: (n > 0).then(|| f64::from(n - unhappy) / f64::from(n) * 100.0),
            }
        })
        .collect();

    // The period's dossiers rated twice and not yet decided: the first page.
    const OPEN: &str = "FROM rating_conflicts c JOIN ratings r ON r.dossier_code = c.dossier_code
         JOIN dossiers d ON d.code = c.dossier_code
         WHERE c.resolved = 0 AND c.demoted = 0 AND d.agency_id IN (SELECT id FROM scope)
           AND d.returned_on BETWEEN $2 AND $3";
    let conflicts_total: u32 =
        sql.one(&format!("{SUBTREE} SELECT count(*) {OPEN}"), params![unit, from.to_string(), to.to_string()])?;
    let conflicts = sql
        .query(
            &format!(
                "{SUBTREE} SELECT c.dossier_code, d.agency_id, r.channel, c.channel, c.received_at {OPEN}
                 ORDER BY c.received_at, c.dossier_code LIMIT 50"
            ),
            params![unit, from.to_string(), to.to_string()],
        )?
        .iter()
        .map(|r| {
            Ok(ConflictRow {
                dossier_code: r.get(0)?,
                agency_id: r.get(1)?,
                counted: r.get(2)?,
                set_aside: r.get(3)?,
                received_at: r.get(4)?,
                decided: false,
            })
        })
        .collect::<Result<Vec<_>, DbError>>()?;

    Ok(Some(Report {
        period,
        from: from.to_string(),
        to: to.to_string(),
        unit: unit.to_owned(),
        unit_name,
        officials,
        agencies: agency_rows,
        bands: bands.clone(),
        quarters,
        conflicts,
        conflicts_total,
        proportional_totals: bands.proportional_when_incomplete,
        generated_at: now_rfc3339(),
    }))
}
