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
