//! Saving imported dossier rows: created, updated or unchanged, each row on
//! its own; running the same file twice changes nothing.

use danhgia_core::RuleBook;
use danhgia_core::import::DossierRow;
use danhgia_core::wire::{ImportReport, ImportRowError};
use rusqlite::{Connection, OptionalExtension, params};
use std::collections::HashSet;

fn error(line: usize, reason: &str, detail: String) -> ImportRowError {
    ImportRowError { line: line as u32, reason: reason.into(), detail }
}

fn official_id(conn: &Connection, agency_id: &str, name: &str) -> rusqlite::Result<i64> {
    let found = conn
        .query_row("SELECT id FROM officials WHERE agency_id = ?1 AND full_name = ?2", params![agency_id, name], |r| {
            r.get(0)
        })
        .optional()?;
    match found {
        Some(id) => Ok(id),
        None => {
            conn.execute(
                "INSERT INTO officials (agency_id, full_name, position) VALUES (?1, ?2, '')",
                params![agency_id, name],
            )?;
            Ok(conn.last_insert_rowid())
        }
    }
}

/// Saves the rows in one transaction; `errors` from parsing come first in the report.
pub fn save(
    conn: &mut Connection,
    rules: &RuleBook,
    rows: &[DossierRow],
    mut errors: Vec<ImportRowError>,
) -> rusqlite::Result<ImportReport> {
    let tx = conn.transaction()?;
    let (mut created, mut updated, mut unchanged) = (0, 0, 0);
    let mut seen = HashSet::new();
    for row in rows {
        if !seen.insert(row.code.clone()) {
            errors.push(error(row.line, "duplicate_in_file", format!("{} appears earlier in the file", row.code)));
            continue;
        }
        let agency: Option<i64> =
            tx.query_row("SELECT 1 FROM agencies WHERE id = ?1", params![row.agency_id], |r| r.get(0)).optional()?;
        if agency.is_none() {
            errors.push(error(row.line, "unknown_agency", format!("no agency {}", row.agency_id)));
            continue;
        }
        let Some(rule_set) = rules.for_date(row.received_on) else {
            errors.push(error(
                row.line,
                "no_ruleset",
                format!("no rule set in force on {}", row.received_on.format_vn()),
            ));
            continue;
        };
        let official = row.official.as_deref().map(|n| official_id(&tx, &row.agency_id, n)).transpose()?;
        let existed: bool = tx
            .query_row("SELECT 1 FROM dossiers WHERE code = ?1", params![row.code.as_str()], |_| Ok(()))
            .optional()?
            .is_some();
        let changed = tx.execute(
            "INSERT INTO dossiers (code, procedure_name, agency_id, official_id, applicant_name, received_on, appointed_on, returned_on, ruleset_version)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)
             ON CONFLICT (code) DO UPDATE SET
               procedure_name = excluded.procedure_name, agency_id = excluded.agency_id,
               official_id = excluded.official_id, applicant_name = excluded.applicant_name,
               received_on = excluded.received_on, appointed_on = excluded.appointed_on,
               returned_on = excluded.returned_on, ruleset_version = excluded.ruleset_version
             WHERE dossiers.procedure_name IS NOT excluded.procedure_name
                OR dossiers.agency_id IS NOT excluded.agency_id
                OR dossiers.official_id IS NOT excluded.official_id
                OR dossiers.applicant_name IS NOT excluded.applicant_name
                OR dossiers.received_on IS NOT excluded.received_on
                OR dossiers.appointed_on IS NOT excluded.appointed_on
                OR dossiers.returned_on IS NOT excluded.returned_on
                OR dossiers.ruleset_version IS NOT excluded.ruleset_version",
            params![
                row.code.as_str(),
                row.procedure,
                row.agency_id,
                official,
                row.applicant,
                row.received_on.to_string(),
                row.appointed_on.to_string(),
                row.returned_on.map(|d| d.to_string()),
                rule_set.version
            ],
        )?;
        match (existed, changed > 0) {
            (false, _) => created += 1,
            (true, true) => updated += 1,
            (true, false) => unchanged += 1,
        }
    }
    tx.commit()?;
    errors.sort_by_key(|e| e.line);
    Ok(ImportReport { created, updated, unchanged, errors })
}
