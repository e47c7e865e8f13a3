//! Dossier look-ups.

use danhgia_core::rating::DossierDates;
use danhgia_core::{CivilDate, DossierCode};
use rusqlite::{Connection, OptionalExtension, params};

/// A dossier as the rules and the public page need it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Dossier {
    pub code: DossierCode,
    pub procedure: String,
    pub agency: String,
    pub dates: DossierDates,
    pub ruleset_version: String,
}

fn date(s: String) -> rusqlite::Result<CivilDate> {
    CivilDate::parse_iso(&s)
        .map_err(|e| rusqlite::Error::FromSqlConversionFailure(0, rusqlite::types::Type::Text, Box::new(e)))
}

pub fn find(conn: &Connection, code: &DossierCode) -> rusqlite::Result<Option<Dossier>> {
    conn.query_row(
        "SELECT d.procedure_name, a.name, d.received_on, d.appointed_on, d.returned_on, d.ruleset_version
         FROM dossiers d JOIN agencies a ON a.id = d.agency_id WHERE d.code = ?1",
        params![code.as_str()],
        |row| {
            let returned: Option<String> = row.get(4)?;
            Ok(Dossier {
                code: code.clone(),
                procedure: row.get(0)?,
                agency: row.get(1)?,
                dates: DossierDates {
                    received_on: date(row.get(2)?)?,
                    appointed_on: date(row.get(3)?)?,
                    returned_on: returned.map(date).transpose()?,
                },
                ruleset_version: row.get(5)?,
            })
        },
    )
    .optional()
}

/// Codes of an agency's dossiers (a district sees its communes' too), a page
/// at a time, with the total.
pub fn codes_of_agency(
    conn: &Connection,
    agency_id: &str,
    offset: u32,
    limit: u32,
) -> rusqlite::Result<(u32, Vec<DossierCode>)> {
    const SCOPE: &str = "d.agency_id IN (SELECT id FROM agencies WHERE id = ?1 OR parent_id = ?1)";
    let total: u32 =
        conn.query_row(&format!("SELECT count(*) FROM dossiers d WHERE {SCOPE}"), params![agency_id], |r| r.get(0))?;
    let mut stmt =
        conn.prepare(&format!("SELECT d.code FROM dossiers d WHERE {SCOPE} ORDER BY d.code LIMIT ?2 OFFSET ?3"))?;
    let codes = stmt
        .query_map(params![agency_id, limit, offset], |row| row.get::<_, String>(0))?
        .filter_map(|c| c.ok().and_then(|c| DossierCode::parse(&c).ok()))
        .collect();
    Ok((total, codes))
}
