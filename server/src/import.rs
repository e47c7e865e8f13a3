//! Saving imported dossier rows: created, updated or unchanged, each row on
//! its own; running the same file twice changes nothing. Rows are limited to
//! the importer's agencies, and an existing dossier never changes agency.

use crate::params;
use crate::scope::Scope;
use crate::store::{DbError, Sql};
use danhgia_core::RuleBook;
use danhgia_core::import::DossierRow;
use danhgia_core::wire::{ImportReport, ImportRowError};
use std::collections::HashSet;

fn error(line: usize, reason: &str, detail: String) -> ImportRowError {
    ImportRowError { line: line as u32, reason: reason.into(), detail }
}

/// The official of `agency_id` with this name (the one it was merged into,
/// if it was an import typo), created if there is none.
pub fn official_id(sql: &mut dyn Sql, agency_id: &str, name: &str) -> Result<i64, DbError> {
    let found = sql.row(
        "SELECT id, merged_into FROM officials WHERE agency_id = $1 AND full_name = $2 ORDER BY id LIMIT 1",
        params![agency_id, name],
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
    rows: &[DossierRow],
    mut errors: Vec<ImportRowError>,
) -> Result<ImportReport, DbError> {
    let (mut created, mut updated, mut unchanged) = (0, 0, 0);
    let mut seen = HashSet::new();
    for row in rows {
        if !seen.insert(row.code.clone()) {
            errors.push(error(row.line, "duplicate_in_file", format!("{} appears earlier in the file", row.code)));
            continue;
        }
        let agency = sql.opt::<bool>("SELECT active FROM agencies WHERE id = $1", params![&row.agency_id])?;
        let Some(active) = agency else {
            errors.push(error(row.line, "unknown_agency", format!("no agency {}", row.agency_id)));
            continue;
        };
        if !scope.covers(&row.agency_id) {
            errors.push(error(row.line, "out_of_scope", format!("{} is not one of your agencies", row.agency_id)));
            continue;
        }
        if !active {
            errors.push(error(row.line, "inactive_agency", format!("{} is deactivated", row.agency_id)));
            continue;
        }
        let existing =
            sql.opt::<String>("SELECT agency_id FROM dossiers WHERE code = $1", params![row.code.as_str()])?;
        match &existing {
            Some(agency) if !scope.covers(agency) => {
                errors.push(error(
                    row.line,
                    "out_of_scope",
                    format!("{} belongs to an agency outside yours", row.code),
                ));
                continue;
            }
            Some(agency) if *agency != row.agency_id => {
                errors.push(error(
                    row.line,
                    "agency_changed",
                    format!("{} belongs to {agency}; an import never moves a dossier", row.code),
                ));
                continue;
            }
            _ => {}
        }
        let Some(rule_set) = rules.for_date(row.received_on) else {
            errors.push(error(
                row.line,
                "no_ruleset",
                format!("no rule set in force on {}", row.received_on.format_vn()),
            ));
            continue;
        };
        let official = row.official.as_deref().map(|n| official_id(sql, &row.agency_id, n)).transpose()?;
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
        match (existing.is_some(), changed > 0) {
            (false, _) => created += 1,
            (true, true) => updated += 1,
            (true, false) => unchanged += 1,
        }
    }
    errors.sort_by_key(|e| e.line);
    Ok(ImportReport { created, updated, unchanged, errors })
}
