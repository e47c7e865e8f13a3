//! The database: SQLite in the data folder by default, or PostgreSQL when a
//! `postgres://` URL is configured. Queries are written once, in the SQL
//! both understand, with `$1`-style placeholders; the few places where the
//! dialects differ (schema and migrations, transactions and locking,
//! backups) live in this module and its two backends, nowhere else.
//!
//! Why not one async library for both (sqlx): the server's storage code is
//! synchronous and runs on blocking threads, which suits SQLite (a library
//! call, no round trips) and keeps SQLite's online backup API at hand;
//! `postgres` (the synchronous face of `tokio-postgres`) gives PostgreSQL the
//! same shape, and a pool (r2d2) serves both.

pub mod pg;
pub mod sqlite;
mod value;

pub use value::{FromValue, Row, Value};

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

#[derive(Debug)]
pub enum DbError {
    Sqlite(rusqlite::Error),
    Postgres(postgres::Error),
    Pool(String),
    /// The database was written by a newer server than this one.
    TooNew {
        found: u32,
        known: u32,
    },
    Migration(String),
    /// A column did not hold what the code expected.
    Decode(String),
    /// A blocking task failed (panicked or was cancelled).
    Task(String),
}

impl DbError {
    /// A UNIQUE constraint refused the write.
    pub fn is_unique_violation(&self) -> bool {
        match self {
            DbError::Sqlite(rusqlite::Error::SqliteFailure(e, _)) => {
                e.extended_code == rusqlite::ffi::SQLITE_CONSTRAINT_UNIQUE
                    || e.extended_code == rusqlite::ffi::SQLITE_CONSTRAINT_PRIMARYKEY
            }
            DbError::Postgres(e) => e.code() == Some(&postgres::error::SqlState::UNIQUE_VIOLATION),
            _ => false,
        }
    }

    /// A lock was not had in time (PostgreSQL's `lock_timeout`, as a ratings
    /// batch waits behind a dossier import in [`Sql::alongside`]; SQLite's
    /// busy timeout, another writer holding the file): nothing is wrong, the
    /// request may be sent again. (Not SQLite's "locked", a conflict within
    /// one connection: a bug, which a retry would only hide.)
    pub fn is_busy(&self) -> bool {
        match self {
            DbError::Sqlite(rusqlite::Error::SqliteFailure(e, _)) => e.code == rusqlite::ErrorCode::DatabaseBusy,
            DbError::Postgres(e) => e.code() == Some(&postgres::error::SqlState::LOCK_NOT_AVAILABLE),
            _ => false,
        }
    }
}

impl std::fmt::Display for DbError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            DbError::Sqlite(e) => write!(f, "database error: {e}"),
            DbError::Postgres(e) => match e.as_db_error() {
                Some(db) => write!(f, "database error: {} ({})", db.message(), db.code().code()),
                None => write!(f, "database error: {e}"),
            },
            DbError::Pool(e) => write!(f, "database unavailable: {e}"),
            DbError::TooNew { found, known } => write!(
                f,
                "the database was migrated by a newer danhgia-server (schema {found}; this one knows {known}): \
                 run the newer server, or restore a backup made before the upgrade"
            ),
            DbError::Migration(e) => write!(f, "database migration failed: {e}"),
            DbError::Decode(e) => write!(f, "unexpected value in the database: {e}"),
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

impl From<postgres::Error> for DbError {
    fn from(e: postgres::Error) -> Self {
        DbError::Postgres(e)
    }
}

impl From<r2d2::Error> for DbError {
    fn from(e: r2d2::Error) -> Self {
        DbError::Pool(e.to_string())
    }
}

/// What storage code talks to: a connection, inside a transaction.
pub trait Sql {
    /// Every row of a query.
    fn query(&mut self, sql: &str, params: &[Value]) -> Result<Vec<Row>, DbError>;
    /// Rows changed by a statement.
    fn execute(&mut self, sql: &str, params: &[Value]) -> Result<u64, DbError>;
    fn backend(&self) -> Backend;
}

impl dyn Sql + '_ {
    /// The first row, if any.
    pub fn row(&mut self, sql: &str, params: &[Value]) -> Result<Option<Row>, DbError> {
        Ok(self.query(sql, params)?.into_iter().next())
    }

    /// The first column of the first row, if there is a row.
    pub fn opt<T: FromValue>(&mut self, sql: &str, params: &[Value]) -> Result<Option<T>, DbError> {
        self.row(sql, params)?.map(|r| r.get(0)).transpose()
    }

    /// The first column of the one row a query must return.
    pub fn one<T: FromValue>(&mut self, sql: &str, params: &[Value]) -> Result<T, DbError> {
        self.opt(sql, params)?.ok_or_else(|| DbError::Decode(format!("no row for: {sql}")))
    }

    /// The first column of every row.
    pub fn column<T: FromValue>(&mut self, sql: &str, params: &[Value]) -> Result<Vec<T>, DbError> {
        self.query(sql, params)?.iter().map(|r| r.get(0)).collect()
    }

    /// Whether a query returns any row.
    pub fn exists(&mut self, sql: &str, params: &[Value]) -> Result<bool, DbError> {
        Ok(self.row(sql, params)?.is_some())
    }

    /// Makes the rest of this transaction run alone among the transactions
    /// that take the same `key`: a check and the write it allows cannot
    /// interleave with another's. SQLite's write transactions already run
    /// one at a time (`BEGIN IMMEDIATE`); PostgreSQL takes a transaction-level
    /// advisory lock, released at commit or rollback.
    pub fn serialize(&mut self, key: &str) -> Result<(), DbError> {
        match self.backend() {
            Backend::Sqlite => Ok(()),
            Backend::Postgres => {
                self.query("SELECT 1 FROM pg_advisory_xact_lock(hashtext($1))", crate::params![key])?;
                Ok(())
            }
        }
    }

    /// The other side of [`serialize`](Self::serialize): transactions taking
    /// `key` this way run together, but not while one that serializes on it
    /// runs (a shared advisory lock on PostgreSQL). Taken first, before any
    /// row is written, so that it cannot deadlock with the exclusive side.
    /// Waited for at most 2 s, then the transaction fails (the caller's
    /// client retries): requests queued behind a long exclusive holder would
    /// otherwise hold every pooled connection meanwhile.
    pub fn alongside(&mut self, key: &str) -> Result<(), DbError> {
        match self.backend() {
            Backend::Sqlite => Ok(()),
            Backend::Postgres => {
                // The operator's setting comes back after the wait.
                let configured: String = self.one("SELECT current_setting('lock_timeout')", crate::params![])?;
                self.query("SELECT set_config('lock_timeout', '2s', true)", crate::params![])?;
                self.query("SELECT 1 FROM pg_advisory_xact_lock_shared(hashtext($1))", crate::params![key])?;
                self.query("SELECT set_config('lock_timeout', $1, true)", crate::params![configured.as_str()])?;
                Ok(())
            }
        }
    }
}

enum Pool {
    Sqlite { pool: r2d2::Pool<sqlite::Manager>, path: PathBuf },
    Postgres(r2d2::Pool<pg::Manager>),
}

/// The database, shared by every request. Cheap to clone.
#[derive(Clone)]
pub struct Db {
    pool: Arc<Pool>,
    schema_version: u32,
}

/// Where the data lives: a SQLite file, or a PostgreSQL URL.
#[derive(Debug, Clone)]
pub enum Location {
    Sqlite(PathBuf),
    Postgres(String),
}

impl Location {
    /// `postgres://…` or `postgresql://…` for PostgreSQL; otherwise the SQLite
    /// file in the data folder.
    pub fn from_config(database_url: Option<&str>, data_dir: &Path) -> Result<Location, String> {
        match database_url.map(str::trim).filter(|u| !u.is_empty()) {
            None => Ok(Location::Sqlite(data_dir.join("danhgia.sqlite3"))),
            Some(url) if url.starts_with("postgres://") || url.starts_with("postgresql://") => {
                Ok(Location::Postgres(url.to_owned()))
            }
            Some(url) if url.starts_with("sqlite://") => Ok(Location::Sqlite(PathBuf::from(&url["sqlite://".len()..]))),
            Some(_) => Err("--database-url must start with postgres:// (or sqlite:// for a file)".into()),
        }
    }
}

impl Db {
    pub fn open(location: &Location) -> Result<Db, DbError> {
        match location {
            Location::Sqlite(path) => Db::open_sqlite(path),
            Location::Postgres(url) => Db::open_postgres(url),
        }
    }

    /// Opens (creates) the SQLite file and migrates it.
    pub fn open_sqlite(path: &Path) -> Result<Db, DbError> {
        create_private_file(path)?;
        let mut conn = sqlite::open(path)?;
        let schema_version = sqlite::migrate(&mut conn)?;
        drop(conn);
        let pool = r2d2::Pool::builder()
            .max_size(4)
            .connection_timeout(Duration::from_secs(30))
            .build(sqlite::Manager::new(path))?;
        Ok(Db { pool: Arc::new(Pool::Sqlite { pool, path: path.to_owned() }), schema_version })
    }

    /// Connects to PostgreSQL and migrates it; a database that cannot be
    /// reached, refuses the password or is newer than this server fails
    /// here with one clear line.
    pub fn open_postgres(url: &str) -> Result<Db, DbError> {
        let config: postgres::Config =
            url.parse().map_err(|e| DbError::Pool(format!("the database URL is not valid: {e}")))?;
        let manager = pg::Manager::new(config.clone());
        let first = manager.connect().map_err(|e| DbError::Pool(pg::describe_connect_error(&config, &e)))?;
        let mut first = pg::Closing(Some(first));
        let schema_version = pg::migrate(&mut first)?;
        drop(first);
        let pool = r2d2::Pool::builder()
            .max_size(10)
            .min_idle(Some(1))
            .connection_timeout(Duration::from_secs(10))
            .build(manager)?;
        Ok(Db { pool: Arc::new(Pool::Postgres(pool)), schema_version })
    }

    pub fn backend(&self) -> Backend {
        match *self.pool {
            Pool::Sqlite { .. } => Backend::Sqlite,
            Pool::Postgres(_) => Backend::Postgres,
        }
    }

    /// The schema version this server migrated the database to.
    pub fn schema_version(&self) -> u32 {
        self.schema_version
    }

    /// Runs `f` in a write transaction, on this thread.
    pub fn write_blocking<T, E: From<DbError>>(&self, f: impl FnOnce(&mut dyn Sql) -> Result<T, E>) -> Result<T, E> {
        match &*self.pool {
            Pool::Sqlite { pool, .. } => sqlite::write(&mut *pool.get().map_err(DbError::from)?, f),
            Pool::Postgres(pool) => pg::transaction(&mut *pool.get().map_err(DbError::from)?, false, f),
        }
    }

    /// Runs `f` in a read-only snapshot, on this thread.
    pub fn read_blocking<T, E: From<DbError>>(&self, f: impl FnOnce(&mut dyn Sql) -> Result<T, E>) -> Result<T, E> {
        match &*self.pool {
            Pool::Sqlite { pool, .. } => sqlite::read(&mut *pool.get().map_err(DbError::from)?, f),
            Pool::Postgres(pool) => pg::transaction(&mut *pool.get().map_err(DbError::from)?, true, f),
        }
    }

    /// Runs `f` in a write transaction on a blocking thread.
    pub async fn write<T, E, F>(&self, f: F) -> Result<T, E>
    where
        T: Send + 'static,
        E: From<DbError> + Send + 'static,
        F: FnOnce(&mut dyn Sql) -> Result<T, E> + Send + 'static,
    {
        let db = self.clone();
        tokio::task::spawn_blocking(move || db.write_blocking(f))
            .await
            .map_err(|e| E::from(DbError::Task(e.to_string())))?
    }

    /// Runs `f` in a read-only snapshot on a blocking thread.
    pub async fn read<T, E, F>(&self, f: F) -> Result<T, E>
    where
        T: Send + 'static,
        E: From<DbError> + Send + 'static,
        F: FnOnce(&mut dyn Sql) -> Result<T, E> + Send + 'static,
    {
        let db = self.clone();
        tokio::task::spawn_blocking(move || db.read_blocking(f))
            .await
            .map_err(|e| E::from(DbError::Task(e.to_string())))?
    }

    /// Whether the database answers now (for the health check).
    pub async fn ping(&self) -> Result<u32, DbError> {
        self.read(|sql| sql.one::<i64>("SELECT 1", crate::params![])).await?;
        Ok(self.schema_version)
    }

    /// A consistent copy of a SQLite database, taken while it serves.
    /// PostgreSQL is backed up with its own tools (`pg_dump`).
    pub fn backup_sqlite(&self, dest: &Path) -> Result<(), DbError> {
        match &*self.pool {
            Pool::Sqlite { path, .. } => {
                // Nothing already there (a file, a link, a dangling link) is
                // followed or replaced: the copy goes to a new file beside
                // it, made here (0600), then takes its name.
                if std::fs::symlink_metadata(dest).is_ok() {
                    return Err(DbError::Pool(format!("{} exists: choose a new file", dest.display())));
                }
                let mut bytes = [0u8; 6];
                getrandom::fill(&mut bytes).map_err(|e| DbError::Task(e.to_string()))?;
                let name = dest.file_name().and_then(|n| n.to_str()).unwrap_or("backup");
                let tmp = dest.with_file_name(format!(
                    ".{name}.{}.partial",
                    bytes.iter().map(|b| format!("{b:02x}")).collect::<String>()
                ));
                create_new_private_file(&tmp)?;
                let made = sqlite::backup(path, &tmp).and_then(|()| {
                    if std::fs::symlink_metadata(dest).is_ok() {
                        return Err(DbError::Pool(format!(
                            "{} appeared meanwhile: the copy was not kept",
                            dest.display()
                        )));
                    }
                    std::fs::rename(&tmp, dest)
                        .map_err(|e| DbError::Pool(format!("cannot name the copy {}: {e}", dest.display())))
                });
                if made.is_err() {
                    let _ = std::fs::remove_file(&tmp);
                }
                made
            }
            Pool::Postgres(_) => {
                Err(DbError::Migration("a PostgreSQL database is backed up with pg_dump (see the README)".into()))
            }
        }
    }
}

/// Creates a new file readable by its owner only (0600); an existing entry
/// of that name, even a dangling link, is an error.
pub fn create_new_private_file(path: &Path) -> Result<(), DbError> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    options.open(path).map(|_| ()).map_err(|e| DbError::Pool(format!("cannot create {}: {e}", path.display())))
}

/// Creates `path` readable by its owner only (0600), if it does not exist.
pub fn create_private_file(path: &Path) -> Result<(), DbError> {
    if path.exists() {
        return Ok(());
    }
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    match options.open(path) {
        Ok(_) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => Ok(()),
        Err(e) => Err(DbError::Pool(format!("cannot create {}: {e}", path.display()))),
    }
}
