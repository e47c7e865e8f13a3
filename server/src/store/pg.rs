//! PostgreSQL, for a province or a portal: several stateless servers over one
//! database that replicates and fails over on its own.

use super::{Backend, DbError, Row, Sql, Value};
use bytes::BytesMut;
use postgres::types::{FromSql, IsNull, ToSql, Type, to_sql_checked};
use postgres::{Client, NoTls};
use std::collections::HashMap;
use std::error::Error as StdError;

type BoxError = Box<dyn StdError + Sync + Send>;

/// A connection with its prepared statements: each query is parsed once per
/// connection, then only bound and run.
pub struct PgConn {
    client: Client,
    statements: HashMap<String, postgres::Statement>,
}

/// The synchronous client closes its connection by blocking on its own
/// runtime, which panics inside an async context (a pool dropped when the
/// server stops): such a drop is finished on a thread of its own.
pub struct Closing(pub Option<PgConn>);

impl Drop for Closing {
    fn drop(&mut self) {
        if let Some(conn) = self.0.take()
            && tokio::runtime::Handle::try_current().is_ok()
        {
            let _ = std::thread::spawn(move || drop(conn));
        }
    }
}

pub struct Manager {
    config: postgres::Config,
}

impl Manager {
    pub fn new(config: postgres::Config) -> Self {
        Manager { config }
    }
}

/// One clear line for a database that cannot be reached, refuses us, or
/// does not exist: what the operator must fix, never a traceback.
pub fn describe_connect_error(config: &postgres::Config, e: &postgres::Error) -> String {
    let hosts: Vec<String> = config
        .get_hosts()
        .iter()
        .map(|h| match h {
            postgres::config::Host::Tcp(h) => h.clone(),
            #[cfg(unix)]
            postgres::config::Host::Unix(p) => p.display().to_string(),
        })
        .collect();
    let port = config.get_ports().first().copied().unwrap_or(5432);
    let db = config.get_dbname().unwrap_or("(default)");
    let user = config.get_user().unwrap_or("(default)");
    let why = match e.as_db_error() {
        Some(db) => db.message().to_owned(),
        None => e.source().map_or_else(|| e.to_string(), ToString::to_string),
    };
    format!("cannot connect to PostgreSQL database {db} at {}:{port} as {user}: {why}", hosts.join(","))
}

impl Manager {
    pub fn connect(&self) -> Result<PgConn, postgres::Error> {
        let mut client = self.config.connect(NoTls)?;
        // Dates and times are stored as text and integers; keep the session
        // plain so both backends read the same values.
        client.batch_execute("SET TIME ZONE 'UTC'; SET client_min_messages TO WARNING")?;
        Ok(PgConn { client, statements: HashMap::new() })
    }
}

impl r2d2::ManageConnection for Manager {
    type Connection = Closing;
    type Error = postgres::Error;

    fn connect(&self) -> Result<Closing, postgres::Error> {
        Manager::connect(self).map(|c| Closing(Some(c)))
    }

    fn is_valid(&self, conn: &mut Closing) -> Result<(), postgres::Error> {
        match &mut conn.0 {
            Some(c) => c.client.simple_query("").map(|_| ()),
            None => Ok(()),
        }
    }

    fn has_broken(&self, conn: &mut Closing) -> bool {
        conn.0.as_ref().is_none_or(|c| c.client.is_closed())
    }
}

impl std::ops::Deref for Closing {
    type Target = PgConn;

    fn deref(&self) -> &PgConn {
        self.0.as_ref().unwrap_or_else(|| unreachable!("a pooled connection is present until dropped"))
    }
}

impl std::ops::DerefMut for Closing {
    fn deref_mut(&mut self) -> &mut PgConn {
        self.0.as_mut().unwrap_or_else(|| unreachable!("a pooled connection is present until dropped"))
    }
}

impl ToSql for Value {
    fn to_sql(&self, ty: &Type, out: &mut BytesMut) -> Result<IsNull, BoxError> {
        match self {
            Value::Null => Ok(IsNull::Yes),
            Value::Int(i) => match *ty {
                Type::INT8 => i.to_sql(ty, out),
                Type::INT4 => i32::try_from(*i)?.to_sql(ty, out),
                Type::INT2 => i16::try_from(*i)?.to_sql(ty, out),
                Type::FLOAT8 => (*i as f64).to_sql(ty, out),
                Type::FLOAT4 => (*i as f32).to_sql(ty, out),
                Type::BOOL => (*i != 0).to_sql(ty, out),
                _ => i.to_string().to_sql(&Type::TEXT, out),
            },
            Value::Real(f) => match *ty {
                Type::FLOAT4 => (*f as f32).to_sql(ty, out),
                Type::FLOAT8 => f.to_sql(ty, out),
                _ => Err(format!("a real number cannot be stored as {ty}").into()),
            },
            Value::Text(s) => match *ty {
                Type::INT8 => s.parse::<i64>()?.to_sql(ty, out),
                _ => s.to_sql(&Type::TEXT, out),
            },
        }
    }

    fn accepts(ty: &Type) -> bool {
        matches!(
            *ty,
            Type::INT8
                | Type::INT4
                | Type::INT2
                | Type::FLOAT8
                | Type::FLOAT4
                | Type::BOOL
                | Type::TEXT
                | Type::VARCHAR
                | Type::BPCHAR
                | Type::NAME
                | Type::UNKNOWN
        )
    }

    to_sql_checked!();
}

struct Column(Value);

impl<'a> FromSql<'a> for Column {
    fn from_sql(ty: &Type, raw: &'a [u8]) -> Result<Self, BoxError> {
        Ok(Column(match *ty {
            Type::INT8 => Value::Int(i64::from_sql(ty, raw)?),
            Type::INT4 => Value::Int(i64::from(i32::from_sql(ty, raw)?)),
            Type::INT2 => Value::Int(i64::from(i16::from_sql(ty, raw)?)),
            Type::BOOL => Value::Int(i64::from(bool::from_sql(ty, raw)?)),
            Type::FLOAT8 => Value::Real(f64::from_sql(ty, raw)?),
            Type::FLOAT4 => Value::Real(f64::from(f32::from_sql(ty, raw)?)),
            _ => Value::Text(String::from_sql(ty, raw)?),
        }))
    }

    fn from_sql_null(_: &Type) -> Result<Self, BoxError> {
        Ok(Column(Value::Null))
    }

    fn accepts(ty: &Type) -> bool {
        <Value as ToSql>::accepts(ty)
    }
}

fn rows(found: Vec<postgres::Row>) -> Result<Vec<Row>, DbError> {
    found
        .into_iter()
        .map(|row| (0..row.len()).map(|i| row.try_get::<_, Column>(i).map(|c| c.0)).collect::<Result<_, _>>().map(Row))
        .collect::<Result<_, _>>()
        .map_err(DbError::from)
}

/// A connection inside a transaction (or not), with the statement cache.
pub struct Session<'a, C: postgres::GenericClient> {
    client: &'a mut C,
    statements: &'a mut HashMap<String, postgres::Statement>,
}

impl<C: postgres::GenericClient> Session<'_, C> {
    fn statement(&mut self, sql: &str) -> Result<postgres::Statement, DbError> {
        if let Some(s) = self.statements.get(sql) {
            return Ok(s.clone());
        }
        let s = self.client.prepare(sql)?;
        self.statements.insert(sql.to_owned(), s.clone());
        Ok(s)
    }
}

fn refs(params: &[Value]) -> Vec<&(dyn ToSql + Sync)> {
    params.iter().map(|p| p as &(dyn ToSql + Sync)).collect()
}

impl<C: postgres::GenericClient> Sql for Session<'_, C> {
    fn query(&mut self, sql: &str, params: &[Value]) -> Result<Vec<Row>, DbError> {
        let stmt = self.statement(sql)?;
        rows(self.client.query(&stmt, &refs(params))?)
    }

    fn execute(&mut self, sql: &str, params: &[Value]) -> Result<u64, DbError> {
        let stmt = self.statement(sql)?;
        Ok(self.client.execute(&stmt, &refs(params))?)
    }

    fn backend(&self) -> Backend {
        Backend::Postgres
    }
}

/// Runs `f` in a transaction: committed if it succeeds, rolled back if not.
pub fn transaction<T, E: From<DbError>>(
    conn: &mut PgConn,
    read_only: bool,
    f: impl FnOnce(&mut dyn Sql) -> Result<T, E>,
) -> Result<T, E> {
    let mut builder = conn.client.build_transaction();
    if read_only {
        builder = builder.read_only(true).isolation_level(postgres::IsolationLevel::RepeatableRead);
    }
    let mut tx = builder.start().map_err(DbError::from)?;
    let out = f(&mut Session { client: &mut tx, statements: &mut conn.statements })?;
    tx.commit().map_err(DbError::from)?;
    Ok(out)
}

/// Migration scripts for PostgreSQL, in order. Never edit one that has
/// shipped: add another. They reach the same schema as SQLite's.
pub const MIGRATIONS: &[&str] = &[
    include_str!("../../migrations/postgres/0001_schema.sql"),
    include_str!("../../migrations/postgres/0002_throttle_subject.sql"),
];

/// Any number for the advisory lock that serialises migrations when
/// several servers start at once.
const MIGRATION_LOCK: i64 = 0x0064_616e_6867_6961;

pub fn migrate(conn: &mut PgConn) -> Result<u32, DbError> {
    let known = MIGRATIONS.len() as u32;
    let client = &mut conn.client;
    client.batch_execute(
        "CREATE TABLE IF NOT EXISTS schema_migrations (version BIGINT PRIMARY KEY, applied_at TEXT NOT NULL)",
    )?;
    client.execute("SELECT pg_advisory_lock($1)", &[&MIGRATION_LOCK])?;
    let result = (|| {
        let current: i64 = client.query_one("SELECT coalesce(max(version), 0) FROM schema_migrations", &[])?.get(0);
        let current = u32::try_from(current).unwrap_or(u32::MAX);
        if current > known {
            return Err(DbError::TooNew { found: current, known });
        }
        for (index, sql) in MIGRATIONS.iter().enumerate().skip(current as usize) {
            let mut tx = client.transaction()?;
            tx.batch_execute(sql)?;
            tx.execute(
                "INSERT INTO schema_migrations (version, applied_at) VALUES ($1, $2)",
                &[&(index as i64 + 1), &crate::api::now_rfc3339()],
            )?;
            tx.commit()?;
            tracing::info!(migration = index + 1, "database migrated");
        }
        Ok(known)
    })();
    let _ = client.execute("SELECT pg_advisory_unlock($1)", &[&MIGRATION_LOCK]);
    result
}

pub fn schema_version(conn: &mut PgConn) -> Result<u32, DbError> {
    let v: i64 = conn.client.query_one("SELECT coalesce(max(version), 0) FROM schema_migrations", &[])?.get(0);
    Ok(u32::try_from(v).unwrap_or(u32::MAX))
}
