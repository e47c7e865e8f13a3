//! Sign-in accounts of the administrator's agencies: created with a
//! one-time password, changed, deactivated, signed out everywhere. Every
//! agency keeps an administrator able to manage it.

use super::audit::{self, Who};
use super::{AdminError, Result};
use crate::auth::{self, Actor};
use crate::params;
use crate::scope::{Role, SUBTREE, Scope};
use crate::store::{DbError, Row, Sql};
use danhgia_core::account::{clean_line, normalize_username};
use danhgia_core::wire::admin::{AccountInfo, AccountInput, AccountPatch};
use serde_json::json;

const COLUMNS: &str = "o.id, o.username, o.full_name, o.role, o.agency_id, o.active, o.must_change_password,
    (SELECT count(*) FROM sessions s WHERE s.account_id = o.id AND s.expires_at > $NOW)";

fn columns(now_param: usize) -> String {
    COLUMNS.replace("$NOW", &format!("${now_param}"))
}

fn info(row: &Row) -> std::result::Result<AccountInfo, DbError> {
    Ok(AccountInfo {
        id: row.get(0)?,
        username: row.get(1)?,
        full_name: row.get(2)?,
        role: row.get(3)?,
        agency_id: row.get(4)?,
        active: row.get(5)?,
        must_change_password: row.get(6)?,
        sessions: row.get(7)?,
    })
}

pub fn list(sql: &mut dyn Sql, scope: &Scope) -> Result<Vec<AccountInfo>> {
    let rows = sql.query(
        &format!(
            "{SUBTREE} SELECT {} FROM accounts o WHERE o.agency_id IN (SELECT id FROM scope) ORDER BY o.agency_id, o.username",
            columns(2)
        ),
        params![scope.root(), auth::unix_now()],
    )?;
    Ok(rows.iter().map(info).collect::<std::result::Result<_, _>>()?)
}

fn find(sql: &mut dyn Sql, scope: &Scope, id: i64) -> Result<AccountInfo> {
    sql.row(&format!("SELECT {} FROM accounts o WHERE o.id = $1", columns(2)), params![id, auth::unix_now()])?
        .map(|r| info(&r))
        .transpose()?
        .filter(|a| scope.covers(&a.agency_id))
        .ok_or_else(|| AdminError::NotFound("account".into()))
}

fn snapshot(a: &AccountInfo) -> serde_json::Value {
    json!({ "username": a.username, "full_name": a.full_name, "role": a.role, "agency_id": a.agency_id, "active": a.active })
}

fn who(actor: &Actor) -> Who {
    Who::account(actor.id(), &actor.account.username)
}

fn role(input: &str) -> Result<Role> {
    Role::parse(input.trim())
        .ok_or_else(|| AdminError::bad("bad_role", format!("role {input:?}: officer, office or admin")))
}

fn usable_agency(sql: &mut dyn Sql, scope: &Scope, agency: &str) -> Result<String> {
    let agency = agency.trim().to_uppercase();
    match sql.opt::<bool>("SELECT active FROM agencies WHERE id = $1", params![&agency])? {
        Some(true) if scope.covers(&agency) => Ok(agency),
        Some(false) if scope.covers(&agency) => {
            Err(AdminError::bad("inactive_agency", format!("{agency} is deactivated")))
        }
        _ => Err(AdminError::bad("unknown_agency", format!("no agency {agency} among yours"))),
    }
}

/// Creates an account; the caller hashed `password` (a one-time one).
pub fn create(sql: &mut dyn Sql, actor: &Actor, input: &AccountInput, password_hash: &str) -> Result<AccountInfo> {
    sql.serialize("accounts")?;
    let username = normalize_username(&input.username).map_err(|e| AdminError::field("username", e))?;
    let full_name = clean_line(&input.full_name, 150).map_err(|e| AdminError::field("full_name", e))?;
    let role = role(&input.role)?;
    let agency = usable_agency(sql, &actor.scope, &input.agency_id)?;
    if sql.exists("SELECT 1 FROM accounts WHERE username = $1", params![&username])? {
        return Err(AdminError::conflict("duplicate_username", format!("the user name {username} is taken")));
    }
    let id = auth::create_account(sql, &username, password_hash, &full_name, &agency, role, true)?;
    let created = find(sql, &actor.scope, id)?;
    audit::record(sql, &who(actor), Some(&agency), "account.create", &username, None, Some(snapshot(&created)))?;
    Ok(created)
}

/// Whether an active administrator other than `except` sits at `agency` or
/// above it: who can still manage that agency.
fn other_admin_above(sql: &mut dyn Sql, agency: &str, except: i64) -> std::result::Result<bool, DbError> {
    sql.exists(
        "WITH RECURSIVE up (id) AS (
             SELECT id FROM agencies WHERE id = $1
             UNION SELECT a.parent_id FROM agencies a JOIN up ON a.id = up.id WHERE a.parent_id IS NOT NULL)
         SELECT 1 FROM accounts o WHERE o.role = 'admin' AND o.active = 1 AND o.id <> $2
           AND o.agency_id IN (SELECT id FROM up)",
        params![agency, except],
    )
}

pub fn update(sql: &mut dyn Sql, actor: &Actor, id: i64, patch: &AccountPatch) -> Result<AccountInfo> {
    // One change to the accounts at a time: two admins stepping down at once
    // cannot both pass the last-admin check.
    sql.serialize("accounts")?;
    let before = find(sql, &actor.scope, id)?;
    let full_name = patch
        .full_name
        .as_deref()
        .map(|n| clean_line(n, 150))
        .transpose()
        .map_err(|e| AdminError::field("full_name", e))?;
    let new_role = patch.role.as_deref().map(role).transpose()?;
    let agency = match &patch.agency_id {
        Some(a) if *a != before.agency_id => Some(usable_agency(sql, &actor.scope, a)?),
        _ => None,
    };
    let was_admin = before.role == "admin" && before.active;
    let stays_admin = new_role.map_or(before.role == "admin", |r| r == Role::Admin)
        && patch.active.unwrap_or(before.active)
        && agency.is_none();
    if was_admin && !stays_admin && !other_admin_above(sql, &before.agency_id, before.id)? {
        return Err(AdminError::conflict(
            "last_admin",
            format!("{} is the last administrator of {}: make another first", before.username, before.agency_id),
        ));
    }
    sql.execute(
        "UPDATE accounts SET full_name = coalesce($2, full_name), role = coalesce($3, role),
             agency_id = coalesce($4, agency_id), active = coalesce($5, active) WHERE id = $1",
        params![id, full_name, new_role.map(Role::as_str), agency, patch.active],
    )?;
    let mut after = find(sql, &actor.scope, id)?;
    // What the account may do changed: its sessions end, and it signs in again.
    if after.role != before.role || after.agency_id != before.agency_id || (before.active && !after.active) {
        auth::end_sessions(sql, id)?;
        after.sessions = 0;
    }
    if after != before {
        let action = match (before.active, after.active) {
            (true, false) => "account.deactivate",
            (false, true) => "account.activate",
            _ => "account.update",
        };
        audit::record(
            sql,
            &who(actor),
            Some(&after.agency_id),
            action,
            &after.username,
            Some(snapshot(&before)),
            Some(snapshot(&after)),
        )?;
    }
    Ok(after)
}

/// A new one-time password (hashed by the caller): see `auth::set_one_time_password`.
pub fn reset_password(sql: &mut dyn Sql, actor: &Actor, id: i64, password_hash: &str) -> Result<AccountInfo> {
    let account = find(sql, &actor.scope, id)?;
    auth::set_one_time_password(sql, id, &account.username, password_hash)?;
    audit::record(sql, &who(actor), Some(&account.agency_id), "account.reset_password", &account.username, None, None)?;
    find(sql, &actor.scope, id)
}

/// Ends every session of an account.
pub fn sign_out(sql: &mut dyn Sql, actor: &Actor, id: i64) -> Result<AccountInfo> {
    let account = find(sql, &actor.scope, id)?;
    let ended = auth::end_sessions(sql, id)?;
    audit::record(
        sql,
        &who(actor),
        Some(&account.agency_id),
        "account.sign_out",
        &account.username,
        None,
        Some(json!({ "sessions_ended": ended })),
    )?;
    find(sql, &actor.scope, id)
}

/// Whether `id` exists among the administrator's accounts (before hashing a password for it).
pub fn exists(sql: &mut dyn Sql, scope: &Scope, id: i64) -> Result<()> {
    find(sql, scope, id).map(|_| ())
}
