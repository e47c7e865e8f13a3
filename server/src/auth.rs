//! Accounts and sessions: argon2 password hashes (computed away from the
//! database, a few at a time), random bearer tokens stored only as their
//! SHA-256, sessions that expire, go idle or are revoked.

use crate::api::ApiFailure;
use crate::scope::{Action, Role, Scope};
use crate::store::{DbError, Sql};
use crate::{AppState, params};
use argon2::Argon2;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use axum::extract::FromRequestParts;
use axum::http::StatusCode;
use axum::http::header::AUTHORIZATION;
use axum::http::request::Parts;
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use sha2::{Digest, Sha256};
use tokio::sync::Semaphore;

/// How long a sign-in lasts at most: a working week, since officers work offline.
pub const SESSION_SECONDS: i64 = 7 * 24 * 3600;

/// A session unused for this long ends: three days for staff who work
/// offline over a weekend, eight hours for administrators.
pub fn idle_seconds(role: Role) -> i64 {
    match role {
        Role::Admin => 8 * 3600,
        Role::Officer | Role::Office => 3 * 24 * 3600,
    }
}

/// `last_seen_at` is written at most this often, not on every request.
const TOUCH_EVERY: i64 = 60;

/// A signed-in account: the same shape the API answers with.
pub use danhgia_core::wire::OfficerInfo as Officer;

pub fn random_bytes<const N: usize>() -> Result<[u8; N], String> {
    let mut bytes = [0u8; N];
    getrandom::fill(&mut bytes).map_err(|e| e.to_string())?;
    Ok(bytes)
}

pub fn hash_password(password: &str) -> Result<String, String> {
    let salt = SaltString::encode_b64(&random_bytes::<16>()?).map_err(|e| e.to_string())?;
    Argon2::default().hash_password(password.as_bytes(), &salt).map(|h| h.to_string()).map_err(|e| e.to_string())
}

pub fn verify_password(password: &str, hash: &str) -> bool {
    PasswordHash::new(hash).is_ok_and(|parsed| Argon2::default().verify_password(password.as_bytes(), &parsed).is_ok())
}

/// A one-time password to read out or hand over: 4 groups of 4 characters
/// from an alphabet without look-alikes (about 80 bits).
pub fn one_time_password() -> Result<String, String> {
    const ALPHABET: &[u8] = b"abcdefghijkmnpqrstuvwxyz23456789";
    let bytes = random_bytes::<16>()?;
    let chars: Vec<char> = bytes.iter().map(|b| ALPHABET[usize::from(*b) % ALPHABET.len()] as char).collect();
    Ok(chars.chunks(4).map(|c| c.iter().collect::<String>()).collect::<Vec<_>>().join("-"))
}

/// Argon2 is slow on purpose: it runs on blocking threads, never while a
/// database connection is held, and only a few at a time, so that a flood
/// of sign-ins cannot starve everything else.
pub struct Hasher {
    permits: Semaphore,
    /// Hashes waiting for a permit, and how many may wait: past that, a
    /// request is refused at once (503) rather than queued without bound.
    waiting: std::sync::atomic::AtomicUsize,
    max_waiting: usize,
    dummy: std::sync::OnceLock<String>,
}

impl Hasher {
    pub fn new(concurrent: usize) -> Self {
        let concurrent = concurrent.max(1);
        Hasher {
            permits: Semaphore::new(concurrent),
            waiting: std::sync::atomic::AtomicUsize::new(0),
            max_waiting: 8 * concurrent,
            dummy: std::sync::OnceLock::new(),
        }
    }

    async fn run<T: Send + 'static>(&self, f: impl FnOnce() -> T + Send + 'static) -> Result<T, ApiFailure> {
        use std::sync::atomic::Ordering;
        if self.waiting.fetch_add(1, Ordering::SeqCst) >= self.max_waiting {
            self.waiting.fetch_sub(1, Ordering::SeqCst);
            let mut busy = ApiFailure::new(
                StatusCode::SERVICE_UNAVAILABLE,
                "busy",
                "Too many sign-ins at once: try again shortly.",
            );
            busy.retry_after = Some(2);
            return Err(busy);
        }
        let permit = self.permits.acquire().await;
        self.waiting.fetch_sub(1, Ordering::SeqCst);
        let _permit = permit.map_err(ApiFailure::internal)?;
        tokio::task::spawn_blocking(f).await.map_err(ApiFailure::internal)
    }

    pub async fn hash(&self, password: String) -> Result<String, ApiFailure> {
        self.run(move || hash_password(&password)).await?.map_err(ApiFailure::internal)
    }

    /// Checks a password; with no hash (no such account) it spends the same
    /// time, so that timing does not tell which user names exist.
    pub async fn verify(&self, password: String, hash: Option<String>) -> Result<bool, ApiFailure> {
        let hash = match hash {
            Some(h) => (h, true),
            None => (self.dummy.get_or_init(|| hash_password("no such account").unwrap_or_default()).clone(), false),
        };
        let ok = self.run(move || verify_password(&password, &hash.0)).await?;
        Ok(ok && hash.1)
    }
}

pub fn token_hash(token: &str) -> String {
    Sha256::digest(token.as_bytes()).iter().map(|b| format!("{b:02x}")).collect()
}

const ACCOUNT_COLUMNS: &str =
    "o.id, o.username, o.full_name, o.agency_id, a.name, o.role, o.must_change_password, o.password_hash";

fn account_row(row: &crate::store::Row) -> Result<(Officer, String), DbError> {
    Ok((
        Officer {
            id: row.get(0)?,
            username: row.get(1)?,
            full_name: row.get(2)?,
            agency_id: row.get(3)?,
            agency: row.get(4)?,
            role: row.get(5)?,
            must_change_password: row.get(6)?,
        },
        row.get(7)?,
    ))
}

/// Creates an account; the caller has validated every field.
pub fn create_account(
    sql: &mut dyn Sql,
    username: &str,
    password_hash: &str,
    full_name: &str,
    agency_id: &str,
    role: Role,
    must_change_password: bool,
) -> Result<i64, DbError> {
    sql.one(
        "INSERT INTO accounts (username, password_hash, full_name, agency_id, role, must_change_password, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
        params![username, password_hash, full_name, agency_id, role.as_str(), must_change_password, unix_now()],
    )
}

/// An active account by user name, with its password hash.
pub fn account_for_login(sql: &mut dyn Sql, username: &str) -> Result<Option<(Officer, String)>, DbError> {
    sql.row(
        &format!(
            "SELECT {ACCOUNT_COLUMNS} FROM accounts o JOIN agencies a ON a.id = o.agency_id
             WHERE o.username = $1 AND o.active = 1
               AND NOT EXISTS (
                   WITH RECURSIVE up (id) AS (
                       SELECT o.agency_id
                       UNION SELECT p.parent_id FROM agencies p JOIN up ON p.id = up.id WHERE p.parent_id IS NOT NULL)
                   SELECT 1 FROM agencies x WHERE x.id IN (SELECT id FROM up) AND x.active = 0)"
        ),
        params![username],
    )?
    .map(|r| account_row(&r))
    .transpose()
}

/// Opens a session and returns its token and expiry.
pub fn open_session(sql: &mut dyn Sql, account_id: i64, now: i64) -> Result<(String, i64), DbError> {
    let token = URL_SAFE_NO_PAD.encode(random_bytes::<32>().map_err(DbError::Task)?);
    let expires_at = now + SESSION_SECONDS;
    sql.execute(
        "INSERT INTO sessions (token_hash, account_id, created_at, expires_at, last_seen_at) VALUES ($1, $2, $3, $4, $3)",
        params![token_hash(&token), account_id, now, expires_at],
    )?;
    sql.execute("DELETE FROM sessions WHERE expires_at < $1", params![now])?;
    Ok((token, expires_at))
}

/// A one-time password from an administrator (or `reset-password`): the
/// replaced one joins the history (it cannot come back), every session
/// ends, and the wait after wrong passwords for the user name is lifted, as
/// a locked-out officer is told to ask for this: its failures are taken off
/// its addresses' counts too (an office shares one address).
pub fn set_one_time_password(sql: &mut dyn Sql, id: i64, username: &str, hash: &str) -> Result<(), DbError> {
    sql.execute(
        "INSERT INTO password_history (account_id, password_hash, changed_at)
         SELECT id, password_hash, $2 FROM accounts WHERE id = $1",
        params![id, unix_now()],
    )?;
    sql.execute("UPDATE accounts SET password_hash = $2, must_change_password = 1 WHERE id = $1", params![id, hash])?;
    end_sessions(sql, id)?;
    crate::throttle::LOGIN_PER_USER.clear(sql, username)?;
    crate::throttle::LOGIN_PER_ADDRESS.clear_account(sql, username)
}

/// Ends every session of an account (sign out everywhere).
pub fn end_sessions(sql: &mut dyn Sql, account_id: i64) -> Result<u64, DbError> {
    sql.execute("DELETE FROM sessions WHERE account_id = $1", params![account_id])
}

/// What a bearer token stands for.
pub enum TokenLookup {
    /// A live session: the account, and when it was last seen.
    Live(Box<Actor>, i64),
    /// A session left unused too long (its token hash, to end it).
    Idle(String),
    Unknown,
}

/// The account a bearer token belongs to, while its session lasts.
pub fn actor_for_token(sql: &mut dyn Sql, token: &str, now: i64) -> Result<TokenLookup, DbError> {
    let hash = token_hash(token);
    let Some(row) = sql.row(
        &format!(
            "SELECT {ACCOUNT_COLUMNS}, s.last_seen_at FROM sessions s JOIN accounts o ON o.id = s.account_id
             JOIN agencies a ON a.id = o.agency_id
             WHERE s.token_hash = $1 AND s.expires_at > $2 AND o.active = 1
               AND NOT EXISTS (
                   WITH RECURSIVE up (id) AS (
                       SELECT o.agency_id
                       UNION SELECT p.parent_id FROM agencies p JOIN up ON p.id = up.id WHERE p.parent_id IS NOT NULL)
                   SELECT 1 FROM agencies x WHERE x.id IN (SELECT id FROM up) AND x.active = 0)"
        ),
        params![&hash, now],
    )?
    else {
        return Ok(TokenLookup::Unknown);
    };
    let (account, _) = account_row(&row)?;
    let last_seen: i64 = row.get(8)?;
    let Some(role) = Role::parse(&account.role) else { return Ok(TokenLookup::Unknown) };
    if now - last_seen > idle_seconds(role) {
        return Ok(TokenLookup::Idle(hash));
    }
    let scope = Scope::load(sql, &account.agency_id)?;
    Ok(TokenLookup::Live(Box::new(Actor { account, role, scope, session: hash }), last_seen))
}

pub fn unix_now() -> i64 {
    time::OffsetDateTime::now_utc().unix_timestamp()
}

/// The signed-in account behind a request: who, with which role, over
/// which agencies.
#[derive(Debug, Clone)]
pub struct Actor {
    pub account: Officer,
    pub role: Role,
    pub scope: Scope,
    /// The session's token hash (for signing out).
    pub session: String,
}

impl Actor {
    pub fn id(&self) -> i64 {
        self.account.id
    }

    /// Refuses with 403 what this role may not do.
    pub fn require(&self, action: Action) -> Result<(), ApiFailure> {
        if self.role.may(action) {
            Ok(())
        } else {
            Err(ApiFailure::new(StatusCode::FORBIDDEN, "forbidden", "Your role may not do this."))
        }
    }

    /// Whether this account may do `action` on `agency`'s data.
    pub fn may_on(&self, action: Action, agency: &str) -> bool {
        self.role.may(action) && self.scope.covers(agency)
    }
}

/// The bearer token, if an `Authorization` header is present: a header that
/// is present but not `Bearer <token>` is refused, never taken as anonymous.
fn bearer(parts: &Parts) -> Result<Option<String>, ApiFailure> {
    let Some(value) = parts.headers.get(AUTHORIZATION) else { return Ok(None) };
    let token = value
        .to_str()
        .ok()
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(str::trim)
        .filter(|t| !t.is_empty() && t.len() <= 200 && t.bytes().all(|b| b.is_ascii_graphic()))
        .ok_or_else(|| {
            ApiFailure::new(
                StatusCode::UNAUTHORIZED,
                "unauthorized",
                "The Authorization header must be `Bearer <token>`.",
            )
        })?;
    Ok(Some(token.to_owned()))
}

/// Someone signed in, or no one; a token that is present but invalid,
/// expired or idle is refused with 401 `unauthorized`, so that the app can
/// ask the officer to sign in again (and keep what it has queued).
pub struct MaybeActor(pub Option<Actor>);

pub fn unauthorized() -> ApiFailure {
    ApiFailure::new(StatusCode::UNAUTHORIZED, "unauthorized", "Sign in again: the session has expired or is not valid.")
}

impl FromRequestParts<AppState> for MaybeActor {
    type Rejection = ApiFailure;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        let Some(token) = bearer(parts)? else {
            return Ok(MaybeActor(None));
        };
        let now = unix_now();
        let found = state.db.read(move |sql| actor_for_token(sql, &token, now)).await.map_err(ApiFailure::internal)?;
        let (actor, last_seen) = match found {
            TokenLookup::Live(actor, last_seen) => (*actor, last_seen),
            TokenLookup::Idle(hash) => {
                state
                    .db
                    .write(move |sql| sql.execute("DELETE FROM sessions WHERE token_hash = $1", params![hash]))
                    .await?;
                return Err(unauthorized());
            }
            TokenLookup::Unknown => return Err(unauthorized()),
        };
        if now - last_seen >= TOUCH_EVERY {
            let hash = actor.session.clone();
            state
                .db
                .write(move |sql| {
                    sql.execute("UPDATE sessions SET last_seen_at = $1 WHERE token_hash = $2", params![now, hash])
                })
                .await
                .map_err(ApiFailure::internal)?;
        }
        Ok(MaybeActor(Some(actor)))
    }
}

/// Someone is signed in, even with a one-time password still to change
/// (for signing out and changing it).
pub struct Authenticated(pub Actor);

impl FromRequestParts<AppState> for Authenticated {
    type Rejection = ApiFailure;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        MaybeActor::from_request_parts(parts, state).await?.0.map(Authenticated).ok_or_else(unauthorized)
    }
}

fn password_change_required() -> ApiFailure {
    ApiFailure::new(
        StatusCode::FORBIDDEN,
        "password_change_required",
        "Change the one-time password before anything else.",
    )
}

/// Someone is signed in with a password of their own: what every staff
/// endpoint needs.
pub struct SignedIn(pub Actor);

impl FromRequestParts<AppState> for SignedIn {
    type Rejection = ApiFailure;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        let Authenticated(actor) = Authenticated::from_request_parts(parts, state).await?;
        if actor.account.must_change_password {
            return Err(password_change_required());
        }
        Ok(SignedIn(actor))
    }
}

/// Signed in with a password of one's own, or no one (citizens).
pub struct MaybeSignedIn(pub Option<Actor>);

impl FromRequestParts<AppState> for MaybeSignedIn {
    type Rejection = ApiFailure;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        match MaybeActor::from_request_parts(parts, state).await?.0 {
            Some(actor) if actor.account.must_change_password => Err(password_change_required()),
            found => Ok(MaybeSignedIn(found)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_time_passwords_are_long_and_differ() {
        let a = one_time_password().unwrap();
        let b = one_time_password().unwrap();
        assert_eq!(a.len(), 19);
        assert_ne!(a, b);
        assert!(danhgia_core::account::check_password(&a, "admin").is_ok());
    }

    #[test]
    fn hashes_verify_only_their_password() {
        let hash = hash_password("mật khẩu dài").unwrap();
        assert!(!hash.contains("mật khẩu"));
        assert!(verify_password("mật khẩu dài", &hash));
        assert!(!verify_password("mật khẩu dai", &hash));
        assert!(!verify_password("x", "not a hash"));
        assert_ne!(token_hash("a"), token_hash("b"));
    }
}
