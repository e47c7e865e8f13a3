//! Saving imported dossier rows: created, updated or unchanged, each row on
//! its own; running the same file twice changes nothing. Rows are limited to
//! the importer's agencies, and an existing dossier never changes agency.

use crate::admin::audit::{self, Who};
use crate::params;
use crate::scope::Scope;
use crate::store::{DbError, Sql, Value};
use danhgia_core::RuleBook;
use danhgia_core::import::DossierRow;
use danhgia_core::wire::{ImportReport, ImportRowError};
use serde_json::json;
use std::collections::{HashMap, HashSet};

/// What a dossier import runs alone on, and ratings alongside one another
/// (an import reads whether each dossier is rated before it changes it).
pub const IMPORT_LOCK: &str = "dossier-import";

fn error(line: usize, reason: &str, detail: String) -> ImportRowError {
    ImportRowError::new(line, reason, detail)
}

/// The official of `agency_id` with this name (the one it was merged into,
/// if it was an import typo), created if there is none.
/// `name` is composed (NFC); an official stored before names were composed
/// may hold its decomposed form (NFD), and is the same official.
pub fn official_id(sql: &mut dyn Sql, agency_id: &str, name: &str) -> Result<i64, DbError> {
    let decomposed = danhgia_core::import::decompose(name);
    let found = sql.row(
        "SELECT id, merged_into FROM officials WHERE agency_id = $1 AND full_name IN ($2, $3)
         ORDER BY full_name = $2 DESC, id LIMIT 1",
        params![agency_id, name, decomposed.as_str()],
    )?;
    match found {
        Some(row) => Ok(row.get::<Option<i64>>(1)?.map_or_else(|| row.get(0), Ok)?),
        None => sql.one(
            "INSERT INTO officials (agency_id, full_name, position) VALUES ($1, $2, '') RETURNING id",
            params![agency_id, name],
        ),
    }
}

/// Saves the rows (the caller's transaction); `errors` from parsing come
/// first in the report.
pub fn save(
    sql: &mut dyn Sql,
    rules: &RuleBook,
    scope: &Scope,
    who: &Who,
    rows: &[DossierRow],
    mut errors: Vec<ImportRowError>,
) -> Result<ImportReport, DbError> {
    // Alone (on PostgreSQL; SQLite writes one transaction at a time anyway):
    // no other import, and no rating, changes what it reads of the file's
    // dossiers before it has written them. Ratings wait for it
    // (`ratings::ingest`).
    sql.serialize(IMPORT_LOCK)?;
    let (mut created, mut updated, mut unchanged) = (0, 0, 0);
    let mut seen = HashSet::new();
    // Every agency and whether it is active, read once: a district has a few
    // hundred, a file may have thousands of rows.
    let agencies: HashMap<String, bool> = sql
        .query("SELECT id, active FROM agencies", &[])?
        .iter()
        .map(|r| Ok((r.get(0)?, r.get(1)?)))
        .collect::<Result<_, DbError>>()?;
    // The file's dossiers as stored, read in a few queries rather than one a
    // row (a code appears once: a second is refused below, so this stays
    // true while rows are saved), and each official looked up once.
    let mut existing = stored(sql, rows.iter().map(|r| r.code.as_str()))?;
    let mut officials: HashMap<(&str, &str), i64> = HashMap::new();
    for row in rows {
        if !seen.insert(row.code.clone()) {
            errors.push(
                error(row.line, "duplicate_in_file", format!("{} appears earlier in the file", row.code))
                    .at("ma_ho_so", row.code.as_str()),
            );
            continue;
        }
        let Some(&active) = agencies.get(&row.agency_id) else {
            errors.push(
                error(row.line, "unknown_agency", format!("no agency {}", row.agency_id)).at("co_quan", &row.agency_id),
            );
            continue;
        };
        if !scope.covers(&row.agency_id) {
            errors.push(
                error(row.line, "out_of_scope", format!("{} is not one of your agencies", row.agency_id))
                    .at("co_quan", &row.agency_id),
            );
            continue;
        }
        if !active {
            errors.push(
                error(row.line, "inactive_agency", format!("{} is deactivated", row.agency_id))
                    .at("co_quan", &row.agency_id),
            );
            continue;
        }
        let existing = existing.remove(row.code.as_str());
        // Another agency's dossier, or a new code that begins with another
        // agency's code (`H45.05-…`: it cannot be taken ahead of it), answer
        // alike, so that an import does not tell whether such a code exists.
        let foreign = match &existing {
            Some(d) => !scope.covers(&d.agency_id),
            None => other_agency_in_code(&agencies, scope, row.code.as_str()),
        };
        if foreign {
            errors.push(
                error(row.line, "out_of_scope", format!("{} is a code of an agency outside yours", row.code))
                    .at("ma_ho_so", row.code.as_str()),
            );
            continue;
        }
        if let Some(d) = &existing
            && d.agency_id != row.agency_id
        {
            errors.push(
                error(
                    row.line,
                    "agency_changed",
                    format!("{} belongs to {}; an import never moves a dossier", row.code, d.agency_id),
                )
                .at("co_quan", &row.agency_id),
            );
            continue;
        }
        let Some(rule_set) = rules.for_date(row.received_on) else {
            errors.push(
                error(row.line, "no_ruleset", format!("no rule set in force on {}", row.received_on.format_vn()))
                    .at("ngay_tiep_nhan", &row.received_on.format_vn()),
            );
            continue;
        };
        let official = match row.official.as_deref() {
            None => None,
            Some(name) => Some(match officials.get(&(row.agency_id.as_str(), name)) {
                Some(&id) => id,
                None => {
                    let id = official_id(sql, &row.agency_id, name)?;
                    officials.insert((row.agency_id.as_str(), name), id);
                    id
                }
            }),
        };
        let after = Stored {
            agency_id: row.agency_id.clone(),
            procedure: row.procedure.clone(),
            applicant: row.applicant.clone(),
            official_id: official,
            received_on: row.received_on.to_string(),
            appointed_on: row.appointed_on.to_string(),
            returned_on: row.returned_on.map(|d| d.to_string()),
            ruleset_version: rule_set.version.clone(),
            rated: false,
        };
        if let Some(before) = &existing {
            // The same file again: nothing to write.
            if before.saved_fields() == after.saved_fields() {
                unchanged += 1;
                continue;
            }
            // A rated dossier's dates and official decide its scores: they
            // stay as rated (a correction goes through the district office).
            if before.rated && before.scored_facts() != after.scored_facts() {
                errors.push(
                    error(
                        row.line,
                        "rated_locked",
                        format!("{} has a rating: its dates and official are no longer changed by import", row.code),
                    )
                    .at("ma_ho_so", row.code.as_str()),
                );
                continue;
            }
        }
        let changed = sql.execute(
            "INSERT INTO dossiers (code, procedure_name, agency_id, official_id, applicant_name, received_on, appointed_on, returned_on, ruleset_version)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
             ON CONFLICT (code) DO UPDATE SET
               procedure_name = excluded.procedure_name,
               official_id = excluded.official_id, applicant_name = excluded.applicant_name,
               received_on = excluded.received_on, appointed_on = excluded.appointed_on,
               returned_on = excluded.returned_on, ruleset_version = excluded.ruleset_version
             WHERE dossiers.procedure_name IS DISTINCT FROM excluded.procedure_name
                OR dossiers.official_id IS DISTINCT FROM excluded.official_id
                OR dossiers.applicant_name IS DISTINCT FROM excluded.applicant_name
                OR dossiers.received_on IS DISTINCT FROM excluded.received_on
                OR dossiers.appointed_on IS DISTINCT FROM excluded.appointed_on
                OR dossiers.returned_on IS DISTINCT FROM excluded.returned_on
                OR dossiers.ruleset_version IS DISTINCT FROM excluded.ruleset_version",
            params![
                row.code.as_str(),
                &row.procedure,
                &row.agency_id,
                official,
                &row.applicant,
                row.received_on.to_string(),
                row.appointed_on.to_string(),
                row.returned_on.map(|d| d.to_string()),
                &rule_set.version
            ],
        )?;
        match (&existing, changed > 0) {
            (None, _) => created += 1,
            (Some(before), true) => {
                updated += 1;
                audit::record(
                    sql,
                    who,
                    Some(&row.agency_id),
                    "dossier.update",
                    row.code.as_str(),
                    Some(before.json()),
                    Some(after.json()),
                )?;
            }
            (Some(_), false) => unchanged += 1,
        }
    }
    errors.sort_by_key(|e| e.line);
    let summary = json!({ "created": created, "updated": updated, "unchanged": unchanged, "errors": errors.len() });
    audit::record(
        sql,
        who,
        Some(scope.root()),
        "dossier.import",
        &format!("{} rows", rows.len()),
        None,
        Some(summary),
    )?;
    Ok(ImportReport { created, updated, unchanged, errors })
}

/// A dossier as stored, for the import's checks and its audit entries.
struct Stored {
    agency_id: String,
    procedure: String,
    applicant: Option<String>,
    official_id: Option<i64>,
    received_on: String,
    appointed_on: String,
    returned_on: Option<String>,
    ruleset_version: String,
    /// It has a rating (counted or set aside).
    rated: bool,
}

impl Stored {
    /// What an import writes (the statement below changes a row only where
    /// one of these differs).
    #[allow(clippy::type_complexity)]
    fn saved_fields(&self) -> (&str, &Option<String>, &Option<i64>, &str, &str, &Option<String>, &str) {
        let (official, received, appointed, returned, ruleset) = self.scored_facts();
        (&self.procedure, &self.applicant, official, received, appointed, returned, ruleset)
    }

    /// What the scores are computed from.
    fn scored_facts(&self) -> (&Option<i64>, &str, &str, &Option<String>, &str) {
        (&self.official_id, &self.received_on, &self.appointed_on, &self.returned_on, &self.ruleset_version)
    }

    fn json(&self) -> serde_json::Value {
        json!({ "procedure": self.procedure, "official_id": self.official_id, "received_on": self.received_on,
                "appointed_on": self.appointed_on, "returned_on": self.returned_on })
    }
}

/// How many codes one lookup asks for (PostgreSQL takes up to 65,535
/// parameters a statement, SQLite 32,766), and the sizes a last, shorter
/// lookup is padded to (its last code repeated): statements are prepared
/// and cached by their text, so a few shapes, not one per file length.
const LOOKUP_SIZES: [usize; 4] = [1, 10, 100, 1000];

/// The dossiers stored under these codes, by code.
fn stored<'a>(sql: &mut dyn Sql, codes: impl Iterator<Item = &'a str>) -> Result<HashMap<String, Stored>, DbError> {
    let codes: Vec<&str> = codes.collect();
    let most = LOOKUP_SIZES[LOOKUP_SIZES.len() - 1];
    let mut found = HashMap::new();
    for chunk in codes.chunks(most) {
        let size = LOOKUP_SIZES.iter().copied().find(|&n| n >= chunk.len()).unwrap_or(most);
        let placeholders = (1..=size).map(|i| format!("${i}")).collect::<Vec<_>>().join(", ");
        let last = chunk.last().copied().unwrap_or_default();
        let params: Vec<Value> =
            chunk.iter().copied().chain(std::iter::repeat(last)).take(size).map(Value::from).collect();
        let rows = sql.query(
            &format!(
                "SELECT d.code, d.agency_id, d.procedure_name, d.official_id, d.received_on, d.appointed_on, d.returned_on,
                        d.ruleset_version, d.applicant_name,
                        EXISTS (SELECT 1 FROM ratings r WHERE r.dossier_code = d.code)
                        OR EXISTS (SELECT 1 FROM rating_conflicts c WHERE c.dossier_code = d.code)
                 FROM dossiers d WHERE d.code IN ({placeholders})"
            ),
            &params,
        )?;
        for r in rows {
            let stored = Stored {
                agency_id: r.get(1)?,
                procedure: r.get(2)?,
                official_id: r.get(3)?,
                received_on: r.get(4)?,
                appointed_on: r.get(5)?,
                returned_on: r.get(6)?,
                ruleset_version: r.get(7)?,
                applicant: r.get(8)?,
                rated: r.get(9)?,
            };
            found.insert(r.get(0)?, stored);
        }
    }
    Ok(found)
}

/// Whether a dossier code begins with the code of an agency outside
/// `scope` (`H45.05` in `H45.05-261101-0001`). The agency is the shortest
/// start, up to a `-`, that names one: agency codes hold no `-`, so that is
/// the part before the first; a longer one is looked at only if that names
/// none (a database from before the rule could hold `H45.05-261201` as a desk
/// of another commune, which would otherwise own H45.05's codes of the day).
/// Codes that begin with no agency's code go to the first agency to import
/// them, and that an import is refused or accepted then tells whether such a
/// code exists.
fn other_agency_in_code(agencies: &HashMap<String, bool>, scope: &Scope, code: &str) -> bool {
    code.match_indices('-')
        .map(|(i, _)| &code[..i])
        .find(|prefix| agencies.contains_key(*prefix))
        .is_some_and(|agency| !scope.covers(agency))
}
