//! The agency tree: created under one of the administrator's agencies,
//! renamed, moved (never under itself), deactivated; deleted only while
//! nothing refers to it (an agency with dossiers is never deleted).

use super::audit::{self, Who};
use super::{AdminError, Result};
use crate::auth::Actor;
use crate::params;
use crate::scope::{SUBTREE, Scope};
use crate::store::{DbError, Row, Sql};
use danhgia_core::account::{clean_line, normalize_agency_code};
use danhgia_core::import::{AgencyRow, agency_level};
use danhgia_core::wire::admin::{AgencyInfo, AgencyInput, AgencyPatch};
use danhgia_core::wire::{ImportReport, ImportRowError};
use serde_json::json;

const COLUMNS: &str = "a.id, a.name, a.level, a.parent_id, a.active,
    (SELECT count(*) FROM dossiers d WHERE d.agency_id = a.id)";

fn info(row: &Row) -> std::result::Result<AgencyInfo, DbError> {
    Ok(AgencyInfo {
        id: row.get(0)?,
        name: row.get(1)?,
        level: row.get(2)?,
        parent_id: row.get(3)?,
        active: row.get(4)?,
        dossiers: row.get(5)?,
    })
}

/// The agencies within `scope`, parents before children.
pub fn list(sql: &mut dyn Sql, scope: &Scope) -> Result<Vec<AgencyInfo>> {
    let rows = sql.query(
        &format!("{SUBTREE} SELECT {COLUMNS} FROM agencies a WHERE a.id IN (SELECT id FROM scope) ORDER BY a.id"),
        params![scope.root()],
    )?;
    Ok(rows.iter().map(info).collect::<std::result::Result<_, _>>()?)
}

fn find(sql: &mut dyn Sql, id: &str) -> Result<Option<AgencyInfo>> {
    Ok(sql
        .row(&format!("SELECT {COLUMNS} FROM agencies a WHERE a.id = $1"), params![id])?
        .map(|r| info(&r))
        .transpose()?)
}

fn snapshot(a: &AgencyInfo) -> serde_json::Value {
    json!({ "name": a.name, "level": a.level, "parent_id": a.parent_id, "active": a.active })
}

/// Which levels may sit under which: communes, towns and departments under
/// a district; districts and departments under a province; departments also
/// under a commune or town (its own desks).
fn fits_under(level: &str, parent_level: &str) -> bool {
    match parent_level {
        "province" => matches!(level, "district" | "department"),
        "district" => matches!(level, "commune" | "town" | "department"),
        "commune" | "town" => level == "department",
        _ => false,
    }
}

fn check_fit(level: &str, parent_level: &str) -> Result<()> {
    if fits_under(level, parent_level) {
        Ok(())
    } else {
        Err(AdminError::bad("bad_level", format!("a {level} cannot sit under a {parent_level}")))
    }
}

fn level(input: &str) -> Result<&'static str> {
    agency_level(input).ok_or_else(|| {
        AdminError::bad("bad_level", format!("level {input:?}: commune, town, department, district or province"))
    })
}

/// A parent the administrator may put agencies under: within their agencies and active.
fn usable_parent(sql: &mut dyn Sql, scope: &Scope, parent: &str) -> Result<String> {
    let parent = normalize_agency_code(parent).map_err(|e| AdminError::field("parent_id", e))?;
    match find(sql, &parent)? {
        Some(p) if scope.covers(&p.id) && p.active => Ok(p.id),
        Some(p) if scope.covers(&p.id) => Err(AdminError::bad("inactive_parent", format!("{} is deactivated", p.id))),
        _ => Err(AdminError::bad("unknown_parent", format!("no agency {parent} among yours"))),
    }
}

pub fn create(sql: &mut dyn Sql, actor: &Actor, input: &AgencyInput) -> Result<AgencyInfo> {
    sql.serialize("agencies")?;
    let id = normalize_agency_code(&input.id).map_err(|e| AdminError::field("id", e))?;
    let name = clean_line(&input.name, 200).map_err(|e| AdminError::field("name", e))?;
    let level = level(&input.level)?;
    let parent = usable_parent(sql, &actor.scope, &input.parent_id)?;
    if let Some(p) = find(sql, &parent)? {
        check_fit(level, &p.level)?;
    }
    if find(sql, &id)?.is_some() {
        return Err(AdminError::conflict("duplicate_code", format!("an agency {id} exists already")));
    }
    sql.execute(
        "INSERT INTO agencies (id, name, level, parent_id) VALUES ($1, $2, $3, $4)",
        params![&id, &name, level, &parent],
    )?;
    let created = find(sql, &id)?.ok_or_else(|| AdminError::NotFound("agency".into()))?;
    audit::record(sql, &who(actor), Some(&id), "agency.create", &id, None, Some(snapshot(&created)))?;
    Ok(created)
}

fn who(actor: &Actor) -> Who {
    Who::account(actor.id(), &actor.account.username)
}

pub fn update(sql: &mut dyn Sql, actor: &Actor, id: &str, patch: &AgencyPatch) -> Result<AgencyInfo> {
    // One change to the tree at a time: two moves at once cannot make a loop.
    sql.serialize("agencies")?;
    let Some(before) = find(sql, id)?.filter(|a| actor.scope.covers(&a.id)) else {
        return Err(AdminError::NotFound("agency".into()));
    };
    let own = before.id == actor.scope.root();
    let name =
        patch.name.as_deref().map(|n| clean_line(n, 200)).transpose().map_err(|e| AdminError::field("name", e))?;
    let level = patch.level.as_deref().map(level).transpose()?;
    let parent = match &patch.parent_id {
        Some(p) if before.parent_id.as_deref() != Some(p.as_str()) => {
            if own {
                return Err(AdminError::bad("own_agency", "your own agency cannot be moved"));
            }
            let parent = usable_parent(sql, &actor.scope, p)?;
            // The new parent may not be the agency itself or below it.
            let below: bool =
                sql.exists(&format!("{SUBTREE} SELECT 1 FROM scope WHERE id = $2"), params![&before.id, &parent])?;
            if below {
                return Err(AdminError::bad("cycle", format!("{parent} is {} or below it", before.id)));
            }
            Some(parent)
        }
        _ => None,
    };
    if patch.active == Some(false) && own {
        return Err(AdminError::bad("own_agency", "your own agency cannot be deactivated"));
    }
    if own && level.is_some_and(|l| l != before.level) {
        return Err(AdminError::bad("own_agency", "your own agency's level is set above you"));
    }
    // The name shows in the district's reports, on slips and citizens' pages:
    // set above it too, but for the top agency, which has no one above it.
    if own && !actor.scope.is_top() && name.as_ref().is_some_and(|n| *n != before.name) {
        return Err(AdminError::bad("own_agency", "your own agency's name is set above you"));
    }
    // The level must fit under the parent (the new one if it moves), and the children under it.
    let new_level = level.unwrap_or(&before.level);
    if let Some(parent_id) = parent.as_deref().or(before.parent_id.as_deref())
        && let Some(p) = find(sql, parent_id)?
        && (level.is_some() || parent.is_some())
    {
        check_fit(new_level, &p.level)?;
    }
    if level.is_some_and(|l| l != before.level) {
        let children: Vec<String> =
            sql.column("SELECT level FROM agencies WHERE parent_id = $1", params![&before.id])?;
        if let Some(child) = children.iter().find(|c| !fits_under(c, new_level)) {
            return Err(AdminError::bad("bad_level", format!("its {child} agencies cannot sit under a {new_level}")));
        }
    }
    sql.execute(
        "UPDATE agencies SET name = coalesce($2, name), level = coalesce($3, level),
             parent_id = coalesce($4, parent_id), active = coalesce($5, active) WHERE id = $1",
        params![&before.id, name, level, parent, patch.active],
    )?;
    let after = find(sql, &before.id)?.ok_or_else(|| AdminError::NotFound("agency".into()))?;
    if before.active && !after.active {
        // Its accounts, and those of every agency below it, stop working now.
        sql.execute(
            &format!(
                "{SUBTREE} DELETE FROM sessions WHERE account_id IN
                   (SELECT id FROM accounts WHERE agency_id IN (SELECT id FROM scope))"
            ),
            params![&before.id],
        )?;
    }
    if after != before {
        let action = match (before.active, after.active) {
            (true, false) => "agency.deactivate",
            (false, true) => "agency.activate",
            _ => "agency.update",
        };
        audit::record(
            sql,
            &who(actor),
            Some(&after.id),
            action,
            &after.id,
            Some(snapshot(&before)),
            Some(snapshot(&after)),
        )?;
    }
    Ok(after)
}

/// Deletes an agency nothing refers to; one with dossiers is deactivated instead.
pub fn delete(sql: &mut dyn Sql, actor: &Actor, id: &str) -> Result<()> {
    sql.serialize("agencies")?;
    let Some(before) = find(sql, id)?.filter(|a| actor.scope.covers(&a.id)) else {
        return Err(AdminError::NotFound("agency".into()));
    };
    if before.id == actor.scope.root() {
        return Err(AdminError::bad("own_agency", "your own agency cannot be deleted"));
    }
    if before.dossiers > 0 {
        return Err(AdminError::conflict(
            "has_dossiers",
            format!("{} has {} dossiers: deactivate it instead", before.id, before.dossiers),
        ));
    }
    let used: i64 = sql.one(
        "SELECT (SELECT count(*) FROM agencies WHERE parent_id = $1) + (SELECT count(*) FROM accounts WHERE agency_id = $1)
              + (SELECT count(*) FROM officials WHERE agency_id = $1) + (SELECT count(*) FROM agency_scores WHERE agency_id = $1)
              + (SELECT count(*) FROM proposals WHERE agency_id = $1)",
        params![&before.id],
    )?;
    if used > 0 {
        return Err(AdminError::conflict(
            "in_use",
            format!("{} has agencies, accounts, officials or scores: deactivate it instead", before.id),
        ));
    }
    sql.execute("DELETE FROM agencies WHERE id = $1", params![&before.id])?;
    // Its history stays readable, filed under its parent from now on.
    let filed = before.parent_id.clone().unwrap_or_else(|| actor.scope.root().to_owned());
    sql.execute("UPDATE audit_log SET agency_id = $2 WHERE agency_id = $1", params![&before.id, &filed])?;
    audit::record(sql, &who(actor), Some(&filed), "agency.delete", &before.id, Some(snapshot(&before)), None)?;
    Ok(())
}

/// A row refused by the administration's rules, naming the column it is
/// about and showing the cell.
fn row_error(row: &AgencyRow, e: AdminError) -> std::result::Result<ImportRowError, AdminError> {
    let error = match e {
        AdminError::Db(e) => return Err(AdminError::Db(e)),
        AdminError::Bad { code, message } | AdminError::Conflict { code, message } => {
            ImportRowError::new(row.line, code, message)
        }
        AdminError::Forbidden(why) => ImportRowError::new(row.line, "forbidden", why),
        AdminError::NotFound(what) => ImportRowError::new(row.line, "out_of_scope", format!("{what} outside yours")),
    };
    Ok(match error.reason.as_str() {
        "unknown_parent" | "inactive_parent" | "cycle" => {
            error.at("ma_co_quan_cap_tren", row.parent.as_deref().unwrap_or(""))
        }
        "bad_level" => error.in_column("cap"),
        "bad_name" => error.in_column("ten_co_quan"),
        _ => error.at("ma_co_quan", &row.code),
    })
}

/// Imports agencies: new codes are created under their parent, known ones
/// (within the administrator's agencies) updated; the same file twice
/// changes nothing. Rows may come in any order: they are put parents first
/// in memory, then each is saved once.
pub fn import(
    sql: &mut dyn Sql,
    actor: &Actor,
    rows: &[AgencyRow],
    mut errors: Vec<ImportRowError>,
) -> Result<ImportReport> {
    let (mut created, mut updated, mut unchanged) = (0, 0, 0);
    let mut seen = std::collections::HashSet::new();
    let mut pending: Vec<&AgencyRow> = Vec::new();
    for r in rows {
        if seen.insert(r.code.clone()) {
            pending.push(r);
        } else {
            errors.push(
                ImportRowError::new(r.line, "duplicate_in_file", format!("{} appears earlier in the file", r.code))
                    .at("ma_co_quan", &r.code),
            );
        }
    }
    // Parents first: a row goes once its parent is one of the administrator's
    // agencies or a row already placed, breadth first from the rows that are
    // ready at once (linear: a file listed children first took one pass per
    // row, seconds of the database's write turn). What never can be placed
    // (an unknown parent, a loop within the file) is refused.
    let mut children: std::collections::HashMap<&str, Vec<usize>> = std::collections::HashMap::new();
    let mut queue = std::collections::VecDeque::new();
    for (i, r) in pending.iter().enumerate() {
        match r.parent.as_deref() {
            Some(p) if !actor.scope.covers(p) => children.entry(p).or_default().push(i),
            _ => queue.push_back(i),
        }
    }
    let mut ordered = Vec::with_capacity(pending.len());
    while let Some(i) = queue.pop_front() {
        ordered.push(pending[i]);
        if let Some(below) = children.remove(pending[i].code.as_str()) {
            queue.extend(below);
        }
    }
    // Whose parent was never placed is still waiting for it.
    for row in children.into_values().flatten().map(|i| pending[i]) {
        let parent = row.parent.as_deref().unwrap_or("");
        errors.push(
            ImportRowError::new(row.line, "unknown_parent", format!("no agency {parent} among yours"))
                .at("ma_co_quan_cap_tren", parent),
        );
    }
    let mut actor = actor.clone();
    for row in ordered {
        let outcome = match find(sql, &row.code)? {
            None => {
                let input = AgencyInput {
                    id: row.code.clone(),
                    name: row.name.clone(),
                    level: row.level.into(),
                    parent_id: row.parent.clone().unwrap_or_default(),
                };
                create(sql, &actor, &input).map(|a| {
                    actor.scope.add(&a.id, a.parent_id.as_deref());
                    created += 1;
                })
            }
            Some(a) => {
                let patch = AgencyPatch {
                    name: Some(row.name.clone()),
                    level: Some(row.level.into()).filter(|_| a.id != actor.scope.root()),
                    parent_id: row.parent.clone().filter(|_| a.id != actor.scope.root()),
                    active: None,
                };
                update(sql, &actor, &a.id, &patch).map(|after| {
                    if after == a {
                        unchanged += 1;
                    } else {
                        updated += 1;
                    }
                })
            }
        };
        if let Err(e) = outcome {
            errors.push(row_error(row, e)?);
        }
    }
    errors.sort_by_key(|e| e.line);
    Ok(ImportReport { created, updated, unchanged, errors })
}
