//! SQLite, the embedded default: a file in the data folder, WAL, every
//! commit synced to disk before it is answered.

use super::{Backend, DbError, Row, Sql, Value};
use rusqlite::types::{ToSqlOutput, ValueRef};
use std::borrow::Cow;
use std::path::{Path, PathBuf};

/// Opens connections for the pool, each set up the same way.
pub struct Manager {
    path: PathBuf,
}

impl Manager {
    pub fn new(path: &Path) -> Self {
        Manager { path: path.to_owned() }
    }
}

pub fn open(path: &Path) -> rusqlite::Result<rusqlite::Connection> {
    let conn = rusqlite::Connection::open(path)?;
    // FULL: a rating answered "accepted" survives a power cut.
    conn.execute_batch(
        "PRAGMA journal_mode = WAL;
         PRAGMA synchronous = FULL;
         PRAGMA foreign_keys = ON;
         PRAGMA busy_timeout = 10000;",
    )?;
    Ok(conn)
}

impl r2d2::ManageConnection for Manager {
    type Connection = rusqlite::Connection;
    type Error = rusqlite::Error;

    fn connect(&self) -> Result<Self::Connection, Self::Error> {
        open(&self.path)
    }

    fn is_valid(&self, conn: &mut Self::Connection) -> Result<(), Self::Error> {
        conn.execute_batch("")
    }

    fn has_broken(&self, _conn: &mut Self::Connection) -> bool {
        false
    }
}

/// `$1` → `?1`: queries are written in PostgreSQL's placeholder style; SQLite
/// reads `$1` as a *named* parameter numbered by first appearance, so it is
/// rewritten to the explicit `?NNN` form. String literals are left alone.
pub fn placeholders(sql: &str) -> Cow<'_, str> {
    if !sql.contains('$') {
        return Cow::Borrowed(sql);
    }
    let mut out = String::with_capacity(sql.len());
    let mut in_string = false;
    let mut chars = sql.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\'' => {
                in_string = !in_string;
                out.push(c);
            }
            '$' if !in_string && chars.peek().is_some_and(char::is_ascii_digit) => out.push('?'),
            _ => out.push(c),
        }
    }
    Cow::Owned(out)
}

struct Param<'a>(&'a Value);

impl rusqlite::ToSql for Param<'_> {
    fn to_sql(&self) -> rusqlite::Result<ToSqlOutput<'_>> {
        Ok(match self.0 {
            Value::Null => ToSqlOutput::Borrowed(ValueRef::Null),
            Value::Int(i) => ToSqlOutput::Borrowed(ValueRef::Integer(*i)),
            Value::Real(f) => ToSqlOutput::Borrowed(ValueRef::Real(*f)),
            Value::Text(s) => ToSqlOutput::Borrowed(ValueRef::Text(s.as_bytes())),
        })
    }
}

fn value(v: ValueRef<'_>) -> Value {
    match v {
        ValueRef::Null => Value::Null,
        ValueRef::Integer(i) => Value::Int(i),
        ValueRef::Real(f) => Value::Real(f),
        ValueRef::Text(t) | ValueRef::Blob(t) => Value::Text(String::from_utf8_lossy(t).into_owned()),
    }
}

impl Sql for rusqlite::Connection {
    fn query(&mut self, sql: &str, params: &[Value]) -> Result<Vec<Row>, DbError> {
        let mut stmt = self.prepare_cached(&placeholders(sql))?;
        let columns = stmt.column_count();
        let mut rows = stmt.query(rusqlite::params_from_iter(params.iter().map(Param)))?;
        let mut out = Vec::new();
        while let Some(row) = rows.next()? {
            out.push(Row((0..columns).map(|i| row.get_ref(i).map(value)).collect::<Result<_, _>>()?));
        }
        Ok(out)
    }

    fn execute(&mut self, sql: &str, params: &[Value]) -> Result<u64, DbError> {
        let mut stmt = self.prepare_cached(&placeholders(sql))?;
        Ok(stmt.execute(rusqlite::params_from_iter(params.iter().map(Param)))? as u64)
    }

    fn backend(&self) -> Backend {
        Backend::Sqlite
    }
}

/// Runs `f` in a write transaction. `BEGIN IMMEDIATE` takes the write lock
/// up front, so a transaction that reads then writes never fails half-way
/// because another connection wrote in between.
pub fn write<T, E: From<DbError>>(
    conn: &mut rusqlite::Connection,
    f: impl FnOnce(&mut dyn Sql) -> Result<T, E>,
) -> Result<T, E> {
    conn.execute_batch("BEGIN IMMEDIATE").map_err(DbError::from)?;
    match f(conn) {
        Ok(v) => {
            if let Err(e) = conn.execute_batch("COMMIT") {
                let _ = conn.execute_batch("ROLLBACK");
                return Err(DbError::from(e).into());
            }
            Ok(v)
        }
        Err(e) => {
            let _ = conn.execute_batch("ROLLBACK");
            Err(e)
        }
    }
}

/// Runs `f` in a read transaction: one consistent snapshot.
pub fn read<T, E: From<DbError>>(
    conn: &mut rusqlite::Connection,
    f: impl FnOnce(&mut dyn Sql) -> Result<T, E>,
) -> Result<T, E> {
    conn.execute_batch("BEGIN").map_err(DbError::from)?;
    let out = f(conn);
    let _ = conn.execute_batch(if out.is_ok() { "COMMIT" } else { "ROLLBACK" });
    out
}

/// Migration scripts, in order. Never edit one that has shipped: add another.
pub const MIGRATIONS: &[&str] = &[
    include_str!("../../migrations/sqlite/0001_init.sql"),
    include_str!("../../migrations/sqlite/0002_dossiers_ratings.sql"),
    include_str!("../../migrations/sqlite/0003_officers.sql"),
    include_str!("../../migrations/sqlite/0004_agency_scores.sql"),
    include_str!("../../migrations/sqlite/0005_district.sql"),
    include_str!("../../migrations/sqlite/0006_throttle_subject.sql"),
];

/// `PRAGMA user_version` records the last migration applied. Foreign keys
/// are off while a migration rebuilds tables (SQLite's documented way), and
/// checked before it commits.
pub fn migrate(conn: &mut rusqlite::Connection) -> Result<u32, DbError> {
    let known = MIGRATIONS.len() as u32;
    let current: u32 = conn.query_row("PRAGMA user_version", [], |row| row.get(0))?;
    if current > known {
        return Err(DbError::TooNew { found: current, known });
    }
    if current == known {
        return Ok(current);
    }
    conn.execute_batch("PRAGMA foreign_keys = OFF")?;
    let result = (|| {
        for (index, sql) in MIGRATIONS.iter().enumerate().skip(current as usize) {
            let tx = conn.transaction()?;
            tx.execute_batch(sql)?;
            let broken: i64 = tx.query_row("SELECT count(*) FROM pragma_foreign_key_check", [], |r| r.get(0))?;
            if broken > 0 {
                return Err(DbError::Migration(format!("migration {} leaves {broken} broken references", index + 1)));
            }
            tx.pragma_update(None, "user_version", index as u32 + 1)?;
            tx.commit()?;
            tracing::info!(migration = index + 1, "database migrated");
        }
        Ok(known)
    })();
    conn.execute_batch("PRAGMA foreign_keys = ON")?;
    result
}

pub fn schema_version(conn: &rusqlite::Connection) -> Result<u32, DbError> {
    Ok(conn.query_row("PRAGMA user_version", [], |row| row.get(0))?)
}

/// A consistent copy of the live database into `dest`, page by page with
/// SQLite's online backup, while the server goes on serving.
pub fn backup(src: &Path, dest: &Path) -> Result<(), DbError> {
    let from = open(src)?;
    let mut to = rusqlite::Connection::open(dest)?;
    {
        let backup = rusqlite::backup::Backup::new(&from, &mut to)?;
        backup.run_to_completion(256, std::time::Duration::from_millis(5), None)?;
    }
    // A restored copy is a plain file: no WAL beside it to carry along.
    to.execute_batch("PRAGMA journal_mode = DELETE")?;
    let check: String = to.query_row("PRAGMA integrity_check", [], |r| r.get(0))?;
    if check != "ok" {
        return Err(DbError::Migration(format!("the copy failed its integrity check: {check}")));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::placeholders;

    #[test]
    fn placeholders_are_numbered_outside_strings() {
        assert_eq!(placeholders("SELECT 1"), "SELECT 1");
        assert_eq!(placeholders("a = $1 AND b = $12 AND c = '$1'"), "a = ?1 AND b = ?12 AND c = '$1'");
        assert_eq!(placeholders("x = '' || $2"), "x = '' || ?2");
    }
}

#[cfg(test)]
mod upgrade {
    use crate::params;
    use crate::store::Db;

    /// A database written by the previous release (schema 4), with a row in
    /// every table, opens under this one with nothing lost.
    #[test]
    fn a_schema_4_database_migrates_with_its_data() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("old.sqlite3");
        {
            let conn = rusqlite::Connection::open(&path).unwrap();
            for sql in &super::MIGRATIONS[..4] {
                conn.execute_batch(sql).unwrap();
            }
            conn.execute_batch(
                "INSERT INTO agencies VALUES ('H45', 'UBND huyện', 'district', NULL), ('H45.01', 'UBND xã', 'commune', 'H45');
                 INSERT INTO officials VALUES (1, 'H45.01', 'Lê Văn A', 'Công chức');
                 INSERT INTO dossiers VALUES ('H45.01-250101-0001', 'Khai sinh', 'H45.01', 1, 'X', '2025-01-01', '2025-01-02', '2025-01-02', 'tt01-2018');
                 INSERT INTO officers VALUES (7, 'canbo', 'hash', 'Cán bộ', 'H45.01', 'officer', 1);
                 INSERT INTO sessions VALUES ('tokenhash', 7, 100, 999999999999);
                 INSERT INTO ratings VALUES ('r1', 'H45.01-250101-0001', 'paper', 'tt01-2018', '{\"i1\":\"early\"}', NULL, '2025-01-03T00:00:00Z', '2025-01-03T00:00:01Z', 7, 'c1');
                 INSERT INTO rating_conflicts VALUES ('r2', 'H45.01-250101-0001', 'online',
                     '{\"ruleset_version\":\"tt01-2018\",\"answers\":{\"i7\":\"early\"},\"comment\":\"tốt\",\"client_time\":\"2025-01-04T00:00:00Z\"}', '2025-01-04T00:00:01Z', NULL, 0);
                 INSERT INTO rating_conflicts VALUES ('r3', 'H45.01-250101-0001', 'online', '{}', '2025-01-05T00:00:01Z', NULL, 0);
                 INSERT INTO agency_scores VALUES ('H45.01', '2025-Q1', 5, 2.0, 1.0, 'Thiếu', 7, '2025-04-01T00:00:00Z');
                 PRAGMA user_version = 4;",
            )
            .unwrap();
        }
        let db = Db::open_sqlite(&path).unwrap();
        assert_eq!(db.schema_version(), super::MIGRATIONS.len() as u32);
        let one = |q: &str| db.read_blocking(|s| s.one::<String>(q, params![])).unwrap();
        assert_eq!(
            one("SELECT username || ':' || role || ':' || agency_id FROM accounts WHERE id = 7"),
            "canbo:officer:H45.01"
        );
        assert_eq!(one("SELECT CAST(account_id AS TEXT) || ':' || CAST(last_seen_at AS TEXT) FROM sessions"), "7:100");
        assert_eq!(one("SELECT id || ':' || channel || ':' || officer_id FROM ratings"), "r1:paper:7");
        // The first set-aside stays open with its answers taken from its content; the repeat is kept, reviewed.
        assert_eq!(
            one("SELECT answers || ':' || comment || ':' || resolved FROM rating_conflicts WHERE id = 'r2'"),
            "{\"i7\":\"early\"}:tốt:0"
        );
        assert_eq!(one("SELECT CAST(resolved AS TEXT) FROM rating_conflicts WHERE id = 'r3'"), "1");
        assert_eq!(
            one(
                "SELECT self_assessed || ':' || self_by || ':' || verified || ':' || verified_by || ':' || reason FROM agency_scores"
            ),
            "2.0:7:1.0:7:Thiếu"
        );
        assert_eq!(one("SELECT level || ':' || active FROM agencies WHERE id = 'H45.01'"), "commune:1");
        let officers: i64 = db
            .read_blocking(|s| s.one("SELECT count(*) FROM sqlite_master WHERE name = 'officers'", params![]))
            .unwrap();
        assert_eq!(officers, 0);
    }
}
