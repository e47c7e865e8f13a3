//! The embedded SQLite database: opened (created) at start and migrated.
//! Migrations are plain SQL files under version control, applied in order;
//! `PRAGMA user_version` records the last one applied.

use rusqlite::Connection;
use std::path::Path;
use std::sync::{Arc, Mutex};

/// Migration scripts, in order. Never edit one that has shipped: add another.
const MIGRATIONS: &[&str] = &[
    include_str!("../migrations/0001_init.sql"),
    include_str!("../migrations/0002_dossiers_ratings.sql"),
    include_str!("../migrations/0003_officers.sql"),
    include_str!("../migrations/0004_agency_scores.sql"),
];

pub const SCHEMA_VERSION: u32 = MIGRATIONS.len() as u32;

#[derive(Debug)]
pub enum DbError {
    Sqlite(rusqlite::Error),
    /// The file was written by a newer server than this one.
    TooNew {
        found: u32,
        known: u32,
    },
    /// A blocking task failed (panicked or was cancelled).
    Task(String),
}

impl std::fmt::Display for DbError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            DbError::Sqlite(e) => write!(f, "database error: {e}"),
            DbError::TooNew { found, known } => {
                write!(f, "database schema {found} is newer than this server's {known}: upgrade the server")
            }
            DbError::Task(e) => write!(f, "database task failed: {e}"),
        }
    }
}

impl std::error::Error for DbError {}

impl From<rusqlite::Error> for DbError {
    fn from(e: rusqlite::Error) -> Self {
        DbError::Sqlite(e)
    }
}

/// A shared connection. SQLite serialises writers anyway; one connection
/// behind a mutex, used from blocking threads, keeps it simple and correct.
#[derive(Clone)]
pub struct Db {
    conn: Arc<Mutex<Connection>>,
}

impl Db {
    pub fn open(path: &Path) -> Result<Self, DbError> {
        let mut conn = Connection::open(path)?;
        conn.execute_batch(
            "PRAGMA journal_mode = WAL;
             PRAGMA synchronous = NORMAL;
             PRAGMA foreign_keys = ON;
             PRAGMA busy_timeout = 5000;",
        )?;
        migrate(&mut conn)?;
        Ok(Db { conn: Arc::new(Mutex::new(conn)) })
    }

    /// The connection, for start-up work and tests (handlers use [`Db::call`]).
    pub fn lock(&self) -> std::sync::MutexGuard<'_, Connection> {
        // A panic while holding the lock leaves SQLite consistent (the
        // transaction rolls back), so a poisoned lock is still usable.
        self.conn.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Runs `f` with the connection on a blocking thread.
    pub async fn call<T, F>(&self, f: F) -> Result<T, DbError>
    where
        T: Send + 'static,
        F: FnOnce(&mut Connection) -> Result<T, DbError> + Send + 'static,
    {
        let db = self.clone();
        tokio::task::spawn_blocking(move || f(&mut db.lock())).await.map_err(|e| DbError::Task(e.to_string()))?
    }
}

fn migrate(conn: &mut Connection) -> Result<(), DbError> {
    let current: u32 = conn.query_row("PRAGMA user_version", [], |row| row.get(0))?;
    if current > SCHEMA_VERSION {
        return Err(DbError::TooNew { found: current, known: SCHEMA_VERSION });
    }
    for (index, sql) in MIGRATIONS.iter().enumerate().skip(current as usize) {
        let tx = conn.transaction()?;
        tx.execute_batch(sql)?;
        tx.pragma_update(None, "user_version", index as u32 + 1)?;
        tx.commit()?;
        tracing::info!(migration = index + 1, "database migrated");
    }
    Ok(())
}

/// The schema version recorded in the database.
pub fn schema_version(conn: &Connection) -> Result<u32, DbError> {
    Ok(conn.query_row("PRAGMA user_version", [], |row| row.get(0))?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn migrates_once_and_reopens() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("danhgia.sqlite3");
        drop(Db::open(&path).unwrap());
        let db = Db::open(&path).unwrap();
        let conn = db.lock();
        assert_eq!(schema_version(&conn).unwrap(), SCHEMA_VERSION);
        let tables: i64 =
            conn.query_row("SELECT count(*) FROM sqlite_master WHERE name = 'server_meta'", [], |r| r.get(0)).unwrap();
        assert_eq!(tables, 1);
    }

    #[test]
    fn refuses_a_newer_schema() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("danhgia.sqlite3");
        Connection::open(&path).unwrap().pragma_update(None, "user_version", 999).unwrap();
        assert!(matches!(Db::open(&path), Err(DbError::TooNew { found: 999, .. })));
    }
}
