//! Dossier look-ups.

use crate::links::LinkSigner;
use crate::params;
use crate::scope::{SUBTREE, Scope};
use crate::store::{DbError, Row, Sql};
use danhgia_core::rating::{Channel, DossierDates};
use danhgia_core::wire::{DossierPublic, GivenRating};
use danhgia_core::{CivilDate, DossierCode};

/// A dossier as the rules, the scope checks and the public page need it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Dossier {
    pub code: DossierCode,
    pub procedure: String,
    /// The agency's code, for scope checks.
    pub agency_id: String,
    /// The agency's name, for people.
    pub agency: String,
    pub dates: DossierDates,
    pub ruleset_version: String,
}

fn date(s: String) -> Result<CivilDate, DbError> {
    CivilDate::parse_iso(&s).map_err(|e| DbError::Decode(e.to_string()))
}

const COLUMNS: &str =
    "d.code, d.procedure_name, d.agency_id, a.name, d.received_on, d.appointed_on, d.returned_on, d.ruleset_version";

fn dossier(row: &Row) -> Result<Dossier, DbError> {
    let code: String = row.get(0)?;
    Ok(Dossier {
        code: DossierCode::parse(&code).map_err(|e| DbError::Decode(e.to_string()))?,
        procedure: row.get(1)?,
        agency_id: row.get(2)?,
        agency: row.get(3)?,
        dates: DossierDates {
            received_on: date(row.get(4)?)?,
            appointed_on: date(row.get(5)?)?,
            returned_on: row.get::<Option<String>>(6)?.map(date).transpose()?,
        },
        ruleset_version: row.get(7)?,
    })
}

pub fn find(sql: &mut dyn Sql, code: &DossierCode) -> Result<Option<Dossier>, DbError> {
    sql.row(
        &format!("SELECT {COLUMNS} FROM dossiers d JOIN agencies a ON a.id = d.agency_id WHERE d.code = $1"),
        params![code.as_str()],
    )?
    .map(|r| dossier(&r))
    .transpose()
}

/// The rating a dossier holds (the one that counts), for its public page.
pub fn given(sql: &mut dyn Sql, code: &DossierCode) -> Result<Option<GivenRating>, DbError> {
    let Some(row) =
        sql.row("SELECT channel, answers, received_at FROM ratings WHERE dossier_code = $1", params![code.as_str()])?
    else {
        return Ok(None);
    };
    let channel: String = row.get(0)?;
    let answers: String = row.get(1)?;
    Ok(Some(GivenRating {
        channel: Channel::parse(&channel).unwrap_or(Channel::Online),
        answers: serde_json::from_str(&answers).unwrap_or_default(),
        received_at: row.get(2)?,
    }))
}

/// What anyone holding the slip may see, with the citizen token.
pub fn public_view(sql: &mut dyn Sql, signer: &LinkSigner, dossier: Dossier) -> Result<DossierPublic, DbError> {
    let rating = given(sql, &dossier.code)?;
    Ok(DossierPublic {
        token: signer.token(&dossier.code),
        code: dossier.code.to_string(),
        procedure: dossier.procedure,
        agency: dossier.agency,
        received_on: dossier.dates.received_on.to_string(),
        appointed_on: dossier.dates.appointed_on.to_string(),
        returned_on: dossier.dates.returned_on.map(|d| d.to_string()),
        ruleset_version: dossier.ruleset_version,
        rating,
    })
}

/// A page of the dossiers within `scope`, with the total.
pub fn page_in_scope(
    sql: &mut dyn Sql,
    scope: &Scope,
    offset: u32,
    limit: u32,
) -> Result<(u32, Vec<Dossier>), DbError> {
    let total: u32 = sql.one(
        &format!("{SUBTREE} SELECT count(*) FROM dossiers d WHERE d.agency_id IN (SELECT id FROM scope)"),
        params![scope.root()],
    )?;
    let rows = sql.query(
        &format!(
            "{SUBTREE} SELECT {COLUMNS} FROM dossiers d JOIN agencies a ON a.id = d.agency_id
             WHERE d.agency_id IN (SELECT id FROM scope) ORDER BY d.code LIMIT $2 OFFSET $3"
        ),
        params![scope.root(), limit, offset],
    )?;
    Ok((total, rows.iter().map(dossier).collect::<Result<_, _>>()?))
}

/// The dossiers within `scope` returned on `day`, at most `limit`.
pub fn returned_on_in_scope(
    sql: &mut dyn Sql,
    scope: &Scope,
    day: CivilDate,
    limit: u32,
) -> Result<Vec<Dossier>, DbError> {
    let rows = sql.query(
        &format!(
            "{SUBTREE} SELECT {COLUMNS} FROM dossiers d JOIN agencies a ON a.id = d.agency_id
             WHERE d.returned_on = $2 AND d.agency_id IN (SELECT id FROM scope) ORDER BY d.code LIMIT $3"
        ),
        params![scope.root(), day.to_string(), limit],
    )?;
    rows.iter().map(dossier).collect()
}
