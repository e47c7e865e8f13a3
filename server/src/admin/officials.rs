//! Officials who handle dossiers: created, renamed, deactivated, and merged
//! when an import typo made two of one person (the dossiers follow).

use super::audit::{self, Who};
use super::{AdminError, Result};
use crate::auth::Actor;
use crate::params;
use crate::scope::{SUBTREE, Scope};
use crate::store::{DbError, Row, Sql};
use danhgia_core::account::clean_line;
use danhgia_core::import::OfficialRow;
use danhgia_core::wire::admin::{OfficialInfo, OfficialInput, OfficialPatch};
use danhgia_core::wire::{ImportReport, ImportRowError};
use serde_json::json;

const COLUMNS: &str = "o.id, o.agency_id, o.full_name, o.position, o.active, o.merged_into,
    (SELECT count(*) FROM dossiers d WHERE d.official_id = o.id)";

fn info(row: &Row) -> std::result::Result<OfficialInfo, DbError> {
    Ok(OfficialInfo {
        id: row.get(0)?,
        agency_id: row.get(1)?,
        full_name: row.get(2)?,
        position: row.get(3)?,
        active: row.get(4)?,
        merged_into: row.get(5)?,
        dossiers: row.get(6)?,
    })
}

pub fn list(sql: &mut dyn Sql, scope: &Scope) -> Result<Vec<OfficialInfo>> {
    let rows = sql.query(
        &format!(
            "{SUBTREE} SELECT {COLUMNS} FROM officials o WHERE o.agency_id IN (SELECT id FROM scope)
             ORDER BY o.agency_id, o.full_name, o.id"
        ),
        params![scope.root()],
    )?;
    Ok(rows.iter().map(info).collect::<std::result::Result<_, _>>()?)
}

fn find(sql: &mut dyn Sql, scope: &Scope, id: i64) -> Result<OfficialInfo> {
    sql.row(&format!("SELECT {COLUMNS} FROM officials o WHERE o.id = $1"), params![id])?
        .map(|r| info(&r))
        .transpose()?
        .filter(|o| scope.covers(&o.agency_id))
        .ok_or_else(|| AdminError::NotFound("official".into()))
}

fn snapshot(o: &OfficialInfo) -> serde_json::Value {
    json!({ "agency_id": o.agency_id, "full_name": o.full_name, "position": o.position, "active": o.active,
            "merged_into": o.merged_into })
}

fn who(actor: &Actor) -> Who {
    Who::account(actor.id(), &actor.account.username)
}

fn position(input: &str) -> Result<String> {
    if input.trim().is_empty() {
        return Ok(String::new());
    }
    clean_line(input, 150).map_err(|e| AdminError::field("position", e))
}

fn active_agency(sql: &mut dyn Sql, scope: &Scope, agency: &str) -> Result<String> {
    let agency = agency.trim().to_uppercase();
    match sql.opt::<bool>("SELECT active FROM agencies WHERE id = $1", params![&agency])? {
        Some(true) if scope.covers(&agency) => Ok(agency),
        Some(false) if scope.covers(&agency) => {
            Err(AdminError::bad("inactive_agency", format!("{agency} is deactivated")))
        }
        _ => Err(AdminError::bad("unknown_agency", format!("no agency {agency} among yours"))),
    }
}

pub fn create(sql: &mut dyn Sql, actor: &Actor, input: &OfficialInput) -> Result<OfficialInfo> {
    let agency = active_agency(sql, &actor.scope, &input.agency_id)?;
    let full_name = clean_line(&input.full_name, 150)
        .map(|n| danhgia_core::import::compose(&n))
        .map_err(|e| AdminError::field("full_name", e))?;
    let position = position(&input.position)?;
    if sql.exists(
        "SELECT 1 FROM officials WHERE agency_id = $1 AND full_name IN ($2, $3) AND active = 1",
        params![&agency, &full_name, danhgia_core::import::decompose(&full_name).as_str()],
    )? {
        return Err(AdminError::conflict("duplicate_name", format!("{agency} has an official named {full_name}")));
    }
    let id: i64 = sql.one(
        "INSERT INTO officials (agency_id, full_name, position) VALUES ($1, $2, $3) RETURNING id",
        params![&agency, &full_name, &position],
    )?;
    let created = find(sql, &actor.scope, id)?;
    audit::record(sql, &who(actor), Some(&agency), "official.create", &id.to_string(), None, Some(snapshot(&created)))?;
    Ok(created)
}

pub fn update(sql: &mut dyn Sql, actor: &Actor, id: i64, patch: &OfficialPatch) -> Result<OfficialInfo> {
    let before = find(sql, &actor.scope, id)?;
    let full_name = patch
        .full_name
        .as_deref()
        .map(|n| clean_line(n, 150).map(|n| danhgia_core::import::compose(&n)))
        .transpose()
        .map_err(|e| AdminError::field("full_name", e))?;
    let position = patch.position.as_deref().map(position).transpose()?;
    if patch.active == Some(true) && before.merged_into.is_some() {
        return Err(AdminError::bad("merged", "a merged official stays merged"));
    }
    sql.execute(
        "UPDATE officials SET full_name = coalesce($2, full_name), position = coalesce($3, position),
             active = coalesce($4, active) WHERE id = $1",
        params![id, full_name, position, patch.active],
    )?;
    let after = find(sql, &actor.scope, id)?;
    if after != before {
        let action = if before.active && !after.active { "official.deactivate" } else { "official.update" };
        audit::record(
            sql,
            &who(actor),
            Some(&after.agency_id),
            action,
            &id.to_string(),
            Some(snapshot(&before)),
            Some(snapshot(&after)),
        )?;
    }
    Ok(after)
}

/// Moves `id`'s dossiers to `into` (same agency) and deactivates `id`.
pub fn merge(sql: &mut dyn Sql, actor: &Actor, id: i64, into: i64) -> Result<OfficialInfo> {
    if id == into {
        return Err(AdminError::bad("same_official", "an official cannot be merged into itself"));
    }
    let (from, target) = (find(sql, &actor.scope, id)?, find(sql, &actor.scope, into)?);
    if from.agency_id != target.agency_id {
        return Err(AdminError::bad("other_agency", "only officials of the same agency are merged"));
    }
    if from.merged_into.is_some() || target.merged_into.is_some() {
        return Err(AdminError::bad("merged", "one of them is already merged"));
    }
    let moved = sql.execute("UPDATE dossiers SET official_id = $2 WHERE official_id = $1", params![id, into])?;
    sql.execute("UPDATE officials SET merged_into = $2 WHERE merged_into = $1", params![id, into])?;
    sql.execute("UPDATE officials SET active = 0, merged_into = $2 WHERE id = $1", params![id, into])?;
    let after = find(sql, &actor.scope, into)?;
    audit::record(
        sql,
        &who(actor),
        Some(&from.agency_id),
        "official.merge",
        &id.to_string(),
        Some(snapshot(&from)),
        Some(json!({ "merged_into": into, "into_name": target.full_name, "dossiers_moved": moved })),
    )?;
    Ok(after)
}

/// Imports officials by agency and name: new ones are created, known ones
/// get the file's position; the same file twice changes nothing.
pub fn import(
    sql: &mut dyn Sql,
    actor: &Actor,
    rows: &[OfficialRow],
    mut errors: Vec<ImportRowError>,
) -> Result<ImportReport> {
    let (mut created, mut updated, mut unchanged) = (0, 0, 0);
    let mut seen = std::collections::HashSet::new();
    for row in rows {
        // Each refusal names the column it is about and shows the cell.
        let error = |reason: &str, detail: String| {
            let e = ImportRowError::new(row.line, reason, detail);
            match reason {
                "bad_position" => e.at("chuc_vu", &row.position),
                "duplicate_in_file" | "duplicate_name" | "bad_full_name" => e.at("ho_ten", &row.full_name),
                _ => e.at("co_quan", &row.agency),
            }
        };
        if !seen.insert((row.agency.clone(), row.full_name.clone())) {
            errors.push(error("duplicate_in_file", format!("{} of {} appears earlier", row.full_name, row.agency)));
            continue;
        }
        let agency = match active_agency(sql, &actor.scope, &row.agency) {
            Ok(a) => a,
            Err(AdminError::Bad { code, message }) => {
                errors.push(error(if code == "unknown_agency" { "out_of_scope" } else { code }, message));
                continue;
            }
            Err(e) => return Err(e),
        };
        let existing = sql.row(
            "SELECT id, position FROM officials WHERE agency_id = $1 AND full_name IN ($2, $3) AND merged_into IS NULL
             ORDER BY active DESC, full_name = $2 DESC, id LIMIT 1",
            params![&agency, &row.full_name, danhgia_core::import::decompose(&row.full_name).as_str()],
        )?;
        match existing {
            None => {
                let input = OfficialInput {
                    agency_id: agency,
                    full_name: row.full_name.clone(),
                    position: row.position.clone(),
                };
                match create(sql, actor, &input) {
                    Ok(_) => created += 1,
                    Err(AdminError::Bad { code, message } | AdminError::Conflict { code, message }) => {
                        errors.push(error(code, message));
                    }
                    Err(e) => return Err(e),
                }
            }
            Some(r) => {
                let (id, position): (i64, String) = (r.get(0)?, r.get(1)?);
                if position == row.position || row.position.is_empty() {
                    unchanged += 1;
                } else {
                    let patch = OfficialPatch { position: Some(row.position.clone()), ..Default::default() };
                    update(sql, actor, id, &patch)?;
                    updated += 1;
                }
            }
        }
    }
    errors.sort_by_key(|e| e.line);
    Ok(ImportReport { created, updated, unchanged, errors })
}
