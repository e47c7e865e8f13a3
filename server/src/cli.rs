//! What an operator runs on the server itself: the first run (`init`), a
//! new password for a locked-out account (`reset-password`), and a backup
//! taken while the server serves (`backup`).

use crate::admin::audit::{self, Who};
use crate::auth;
use crate::params;
use crate::scope::Role;
use crate::store::{Db, DbError};
use danhgia_core::account;
use serde_json::json;
use std::path::Path;

/// What `init` and `reset-password` print: one line an IT person can copy.
fn password_line(username: &str, password: &str) -> String {
    format!("username={username} password={password} (one-time: it must be changed at the first sign-in)")
}

/// Creates the top agency and its first admin on an empty database;
/// refuses, changing nothing, when the database already holds a district.
pub fn init(
    db: &Db,
    code: &str,
    name: &str,
    level: &str,
    username: &str,
    full_name: Option<&str>,
) -> Result<String, String> {
    let code = account::normalize_agency_code(code).map_err(|e| format!("--agency-code: {e}"))?;
    let name = account::clean_line(name, 200).map_err(|e| format!("--agency-name: {e}"))?;
    let username = account::normalize_username(username).map_err(|e| format!("--username: {e}"))?;
    let full_name =
        account::clean_line(full_name.unwrap_or(&username), 200).map_err(|e| format!("--full-name: {e}"))?;
    if !matches!(level, "district" | "province") {
        return Err("--agency-level must be district or province".into());
    }
    let password = auth::one_time_password()?;
    let hash = auth::hash_password(&password)?;
    let outcome = db.write_blocking(|sql| {
        if let Some(existing) =
            sql.row("SELECT id, name FROM agencies WHERE parent_id IS NULL ORDER BY id LIMIT 1", params![])?
        {
            let (id, existing_name): (String, String) = (existing.get(0)?, existing.get(1)?);
            return Ok(Err(format!(
                "this data folder already holds a district ({id}, {existing_name}): init changed nothing. \
                 Use reset-password to get into an existing account."
            )));
        }
        sql.execute("INSERT INTO agencies (id, name, level) VALUES ($1, $2, $3)", params![&code, &name, level])?;
        let id = auth::create_account(sql, &username, &hash, &full_name, &code, Role::Admin, true)?;
        let who = Who::cli();
        audit::record(
            sql,
            &who,
            Some(&code),
            "agency.create",
            &code,
            None,
            Some(json!({"name": name, "level": level})),
        )?;
        audit::record(
            sql,
            &who,
            Some(&code),
            "account.create",
            &username,
            None,
            Some(json!({"id": id, "role": "admin", "agency_id": code})),
        )?;
        Ok::<_, DbError>(Ok(()))
    });
    match outcome {
        Ok(Ok(())) => {
            Ok(format!("created {code} ({name}) and its first admin: {}", password_line(&username, &password)))
        }
        Ok(Err(refusal)) => Err(refusal),
        Err(e) => Err(e.to_string()),
    }
}

/// A new one-time password for `username`; every session of the account ends.
pub fn reset_password(db: &Db, username: &str) -> Result<String, String> {
    let username = account::normalize_username(username).map_err(|e| format!("user name: {e}"))?;
    let password = auth::one_time_password()?;
    let hash = auth::hash_password(&password)?;
    let found = db
        .write_blocking(|sql| {
            let Some(row) =
                sql.row("SELECT id, agency_id, active FROM accounts WHERE username = $1", params![&username])?
            else {
                return Ok(None);
            };
            let (id, agency, active): (i64, String, bool) = (row.get(0)?, row.get(1)?, row.get(2)?);
            // A deactivated account stays so.
            auth::set_one_time_password(sql, id, &username, &hash)?;
            audit::record(sql, &Who::cli(), Some(&agency), "account.reset_password", &username, None, None)?;
            Ok::<_, DbError>(Some(active))
        })
        .map_err(|e| e.to_string())?;
    match found {
        Some(true) => Ok(format!("new password for {}", password_line(&username, &password))),
        Some(false) => Ok(format!(
            "new password for {} — the account is deactivated: an administrator must activate it first",
            password_line(&username, &password)
        )),
        None => Err(format!("no account {username}")),
    }
}

/// Copies the live SQLite database to `file`.
pub fn backup(db: &Db, file: &Path) -> Result<String, String> {
    db.backup_sqlite(file).map_err(|e| e.to_string())?;
    let size = std::fs::metadata(file).map(|m| m.len()).unwrap_or(0);
    Ok(format!("backed up the database to {} ({} KB)", file.display(), size / 1024))
}
