//! The audit log: every administrative change, who made it and when, with
//! what it was before and after.

use crate::params;
use crate::store::{DbError, Sql};
use serde_json::Value as Json;

/// Who made a change: an account, or the command line on the server.
#[derive(Debug, Clone)]
pub struct Who {
    pub account_id: Option<i64>,
    pub name: String,
}

impl Who {
    pub fn cli() -> Who {
        let user = std::env::var("USER").unwrap_or_default();
        Who { account_id: None, name: if user.is_empty() { "cli".into() } else { format!("cli:{user}") } }
    }

    pub fn account(id: i64, username: &str) -> Who {
        Who { account_id: Some(id), name: username.to_owned() }
    }
}

/// One change. `agency` is the agency it concerns (who may read the entry).
pub fn record(
    sql: &mut dyn Sql,
    who: &Who,
    agency: Option<&str>,
    action: &str,
    target: &str,
    before: Option<Json>,
    after: Option<Json>,
) -> Result<(), DbError> {
    sql.execute(
        "INSERT INTO audit_log (at, account_id, actor, agency_id, action, target, before, after)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        params![
            crate::api::now_rfc3339(),
            who.account_id,
            &who.name,
            agency,
            action,
            target,
            before.map(|b| b.to_string()),
            after.map(|a| a.to_string())
        ],
    )?;
    Ok(())
}

/// The entries about the agencies within `scope`, newest first.
pub fn list(
    sql: &mut dyn Sql,
    scope: &crate::scope::Scope,
    offset: u32,
    limit: u32,
) -> Result<danhgia_core::wire::admin::AuditPage, DbError> {
    use crate::scope::SUBTREE;
    let total: u32 = sql.one(
        &format!("{SUBTREE} SELECT count(*) FROM audit_log WHERE agency_id IN (SELECT id FROM scope)"),
        params![scope.root()],
    )?;
    let rows = sql.query(
        &format!(
            "{SUBTREE} SELECT id, at, actor, action, target, agency_id, before, after FROM audit_log
             WHERE agency_id IN (SELECT id FROM scope) ORDER BY id DESC LIMIT $2 OFFSET $3"
        ),
        params![scope.root(), limit, offset],
    )?;
    let json = |s: Option<String>| s.and_then(|s| serde_json::from_str(&s).ok());
    let entries = rows
        .iter()
        .map(|r| {
            Ok(danhgia_core::wire::admin::AuditEntry {
                id: r.get(0)?,
                at: r.get(1)?,
                actor: r.get(2)?,
                action: r.get(3)?,
                target: r.get(4)?,
                agency_id: r.get(5)?,
                before: json(r.get(6)?),
                after: json(r.get(7)?),
            })
        })
        .collect::<Result<_, DbError>>()?;
    Ok(danhgia_core::wire::admin::AuditPage { total, offset, entries })
}
