//! Officer accounts and sessions: argon2 password hashes, random bearer
//! tokens stored only as their SHA-256, sessions that expire.

use crate::AppState;
use crate::api::ApiFailure;
use argon2::Argon2;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use axum::extract::FromRequestParts;
use axum::http::StatusCode;
use axum::http::header::AUTHORIZATION;
use axum::http::request::Parts;
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use rusqlite::{Connection, OptionalExtension, params};
use sha2::{Digest, Sha256};

/// How long a sign-in lasts: a working week, since officers work offline.
pub const SESSION_SECONDS: i64 = 7 * 24 * 3600;

/// A signed-in officer: the same shape the API answers with.
pub use danhgia_core::wire::OfficerInfo as Officer;

fn random_bytes<const N: usize>() -> Result<[u8; N], String> {
    let mut bytes = [0u8; N];
    getrandom::fill(&mut bytes).map_err(|e| e.to_string())?;
    Ok(bytes)
}

pub fn hash_password(password: &str) -> Result<String, String> {
    let salt = SaltString::encode_b64(&random_bytes::<16>()?).map_err(|e| e.to_string())?;
    Argon2::default().hash_password(password.as_bytes(), &salt).map(|h| h.to_string()).map_err(|e| e.to_string())
}

fn verify_password(password: &str, hash: &str) -> bool {
    PasswordHash::new(hash).is_ok_and(|parsed| Argon2::default().verify_password(password.as_bytes(), &parsed).is_ok())
}

fn token_hash(token: &str) -> String {
    Sha256::digest(token.as_bytes()).iter().map(|b| format!("{b:02x}")).collect()
}

pub fn create_officer(
    conn: &Connection,
    username: &str,
    password_hash: &str,
    full_name: &str,
    agency_id: &str,
    role: &str,
) -> rusqlite::Result<i64> {
    conn.execute(
        "INSERT INTO officers (username, password_hash, full_name, agency_id, role) VALUES (?1, ?2, ?3, ?4, ?5)",
        params![username, password_hash, full_name, agency_id, role],
    )?;
    Ok(conn.last_insert_rowid())
}

const OFFICER_COLUMNS: &str = "o.id, o.username, o.full_name, o.agency_id, a.name, o.role";

fn officer_row(row: &rusqlite::Row<'_>) -> rusqlite::Result<Officer> {
    Ok(Officer {
        id: row.get(0)?,
        username: row.get(1)?,
        full_name: row.get(2)?,
        agency_id: row.get(3)?,
        agency: row.get(4)?,
        role: row.get(5)?,
    })
}

/// Checks the password; on success opens a session and returns its token.
pub fn login(
    conn: &Connection,
    username: &str,
    password: &str,
    now: i64,
) -> rusqlite::Result<Option<(String, i64, Officer)>> {
    let found = conn
        .query_row(
            &format!(
                "SELECT {OFFICER_COLUMNS}, o.password_hash FROM officers o JOIN agencies a ON a.id = o.agency_id
                 WHERE o.username = ?1 AND o.active = 1"
            ),
            params![username.trim().to_lowercase()],
            |row| Ok((officer_row(row)?, row.get::<_, String>(6)?)),
        )
        .optional()?;
    let Some((officer, hash)) = found else {
        // Spend the same time as for a real account, so that timing does not
        // tell which user names exist.
        static DUMMY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
        let dummy = DUMMY.get_or_init(|| hash_password("no such officer").unwrap_or_default());
        let _ = verify_password(password, dummy);
        return Ok(None);
    };
    if !verify_password(password, &hash) {
        return Ok(None);
    }
    let Ok(bytes) = random_bytes::<32>() else {
        return Err(rusqlite::Error::InvalidQuery);
    };
    let token = URL_SAFE_NO_PAD.encode(bytes);
    let expires_at = now + SESSION_SECONDS;
    conn.execute(
        "INSERT INTO sessions (token_hash, officer_id, created_at, expires_at) VALUES (?1, ?2, ?3, ?4)",
        params![token_hash(&token), officer.id, now, expires_at],
    )?;
    conn.execute("DELETE FROM sessions WHERE expires_at < ?1", params![now])?;
    Ok(Some((token, expires_at, officer)))
}

/// The officer a bearer token belongs to, while its session lasts.
pub fn officer_for_token(conn: &Connection, token: &str, now: i64) -> rusqlite::Result<Option<Officer>> {
    conn.query_row(
        &format!(
            "SELECT {OFFICER_COLUMNS} FROM sessions s JOIN officers o ON o.id = s.officer_id
             JOIN agencies a ON a.id = o.agency_id
             WHERE s.token_hash = ?1 AND s.expires_at > ?2 AND o.active = 1"
        ),
        params![token_hash(token), now],
        officer_row,
    )
    .optional()
}

pub fn unix_now() -> i64 {
    time::OffsetDateTime::now_utc().unix_timestamp()
}

fn bearer(parts: &Parts) -> Option<&str> {
    parts.headers.get(AUTHORIZATION)?.to_str().ok()?.strip_prefix("Bearer ").map(str::trim)
}

/// An officer signed in, or no one; a token that is present but invalid or
/// expired is refused with 401 `unauthorized`, so that the app can ask the
/// officer to sign in again (and keep what it has queued).
pub struct MaybeOfficer(pub Option<Officer>);

pub fn unauthorized() -> ApiFailure {
    ApiFailure::new(StatusCode::UNAUTHORIZED, "unauthorized", "Sign in again: the session has expired or is not valid.")
}

impl FromRequestParts<AppState> for MaybeOfficer {
    type Rejection = ApiFailure;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        let Some(token) = bearer(parts).map(str::to_owned) else {
            return Ok(MaybeOfficer(None));
        };
        let found = state
            .db
            .call(move |conn| Ok(officer_for_token(conn, &token, unix_now())?))
            .await
            .map_err(ApiFailure::internal)?;
        found.map(|o| MaybeOfficer(Some(o))).ok_or_else(unauthorized)
    }
}

/// An officer must be signed in.
pub struct SignedIn(pub Officer);

impl FromRequestParts<AppState> for SignedIn {
    type Rejection = ApiFailure;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        MaybeOfficer::from_request_parts(parts, state).await?.0.map(SignedIn).ok_or_else(unauthorized)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::db::Db;

    #[test]
    fn sign_in_and_expiry() {
        let dir = tempfile::tempdir().unwrap();
        let db = Db::open(&dir.path().join("x.sqlite3")).unwrap();
        let conn = db.lock();
        conn.execute("INSERT INTO agencies (id, name, level) VALUES ('H45', 'UBND huyện', 'district')", []).unwrap();
        let hash = hash_password("mật khẩu").unwrap();
        assert!(!hash.contains("mật khẩu"));
        create_officer(&conn, "canbo", &hash, "Lê Văn A", "H45", "officer").unwrap();
        assert_eq!(login(&conn, "canbo", "sai", 1000).unwrap(), None);
        assert_eq!(login(&conn, "khong-co", "mật khẩu", 1000).unwrap(), None);
        let (token, expires, officer) = login(&conn, " CanBo ", "mật khẩu", 1000).unwrap().unwrap();
        assert_eq!(expires, 1000 + SESSION_SECONDS);
        assert_eq!(officer.agency, "UBND huyện");
        assert_eq!(officer_for_token(&conn, &token, 2000).unwrap(), Some(officer));
        assert_eq!(officer_for_token(&conn, &token, expires).unwrap(), None, "expired");
        assert_eq!(officer_for_token(&conn, "forged", 2000).unwrap(), None);
        let stored: String = conn.query_row("SELECT token_hash FROM sessions", [], |r| r.get(0)).unwrap();
        assert_ne!(stored, token, "only the hash is stored");
    }
}
