//! Signed citizen links. The slip's QR code holds `/r/{code}?t={token}`; the
//! token is a truncated HMAC-SHA256 of the code under a secret that never
//! leaves the server, so a guessed dossier code alone cannot be rated. The
//! slip also prints a 6-digit check code from the same tag, for typing.

use crate::params;
use crate::store::Db;
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use danhgia_core::DossierCode;
use hmac::{Hmac, Mac};
use sha2::Sha256;
use std::path::Path;

const SECRET_FILE: &str = "citizen-link.key";
const SECRET_LEN: usize = 32;
/// Token bytes: 12 bytes = 96 bits, 16 characters of base64url.
const TOKEN_BYTES: usize = 12;

pub struct LinkSigner {
    key: [u8; SECRET_LEN],
}

impl LinkSigner {
    /// The secret lives in the database (so every server on it signs alike,
    /// and a backup restores working links). A data folder from an earlier
    /// version keeps its secret: the file's key is moved into the database.
    pub fn load_or_create(db: &Db, data_dir: &Path) -> Result<Self, String> {
        const KEY: &str = "citizen_link_key";
        let stored = db
            .read_blocking(|sql| sql.opt::<String>("SELECT value FROM server_meta WHERE key = $1", params![KEY]))
            .map_err(|e| e.to_string())?;
        let encoded = match stored {
            Some(v) => v,
            None => {
                let legacy = data_dir.join(SECRET_FILE);
                let key: Vec<u8> = match std::fs::read(&legacy) {
                    Ok(bytes) => bytes,
                    Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                        let mut key = [0u8; SECRET_LEN];
                        getrandom::fill(&mut key).map_err(|e| e.to_string())?;
                        key.to_vec()
                    }
                    Err(e) => return Err(format!("cannot read {}: {e}", legacy.display())),
                };
                let encoded = URL_SAFE_NO_PAD.encode(&key);
                // Two servers starting at once: the first key written wins.
                db.write_blocking(|sql| {
                    sql.execute(
                        "INSERT INTO server_meta (key, value) VALUES ($1, $2) ON CONFLICT (key) DO NOTHING",
                        params![KEY, &encoded],
                    )?;
                    sql.one::<String>("SELECT value FROM server_meta WHERE key = $1", params![KEY])
                })
                .map_err(|e| e.to_string())?
            }
        };
        let key: [u8; SECRET_LEN] =
            URL_SAFE_NO_PAD.decode(encoded.trim()).ok().and_then(|k| k.try_into().ok()).ok_or_else(|| {
                format!("the citizen-link secret in the database is damaged: expected {SECRET_LEN} bytes")
            })?;
        Ok(LinkSigner { key })
    }

    #[cfg(test)]
    pub fn with_key(key: [u8; SECRET_LEN]) -> Self {
        LinkSigner { key }
    }

    fn tag(&self, code: &DossierCode) -> [u8; 32] {
        // HMAC accepts keys of any length, so this cannot fail.
        let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(&self.key).unwrap_or_else(|_| unreachable!());
        mac.update(b"danhgia citizen link v1\0");
        mac.update(code.as_str().as_bytes());
        mac.finalize().into_bytes().into()
    }

    pub fn token(&self, code: &DossierCode) -> String {
        URL_SAFE_NO_PAD.encode(&self.tag(code)[..TOKEN_BYTES])
    }

    /// Six digits, from tag bytes the token does not show.
    pub fn check_code(&self, code: &DossierCode) -> String {
        let tag = self.tag(code);
        let n =
            u32::from_be_bytes([tag[TOKEN_BYTES], tag[TOKEN_BYTES + 1], tag[TOKEN_BYTES + 2], tag[TOKEN_BYTES + 3]]);
        format!("{:06}", n % 1_000_000)
    }

    pub fn verify_token(&self, code: &DossierCode, token: &str) -> bool {
        constant_time_eq(self.token(code).as_bytes(), token.as_bytes())
    }

    pub fn verify_check_code(&self, code: &DossierCode, check: &str) -> bool {
        let typed: String = check.chars().filter(|c| !c.is_whitespace()).collect();
        constant_time_eq(self.check_code(code).as_bytes(), typed.as_bytes())
    }
}

/// Compares without an early exit, so timing does not leak how much matched.
fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

#[cfg(test)]
mod tests {
    use super::*;
    use danhgia_core::CitizenToken;

    fn code(s: &str) -> DossierCode {
        DossierCode::parse(s).unwrap()
    }

    #[test]
    fn tokens_verify_and_differ_per_code_and_key() {
        let signer = LinkSigner::with_key([7; 32]);
        let (a, b) = (code("H45.03-240301-0001"), code("H45.03-240301-0002"));
        let token = signer.token(&a);
        assert_eq!(token.len(), 16);
        assert!(CitizenToken::parse(&token).is_ok(), "the core accepts the tokens we make");
        assert!(signer.verify_token(&a, &token));
        assert!(!signer.verify_token(&b, &token));
        assert!(!LinkSigner::with_key([8; 32]).verify_token(&a, &token));
        let check = signer.check_code(&a);
        assert_eq!(check.len(), 6);
        assert!(signer.verify_check_code(&a, &format!(" {} {} ", &check[..3], &check[3..])));
        assert_ne!(signer.check_code(&b), check, "these two codes' check codes differ under this key");
        assert!(!signer.verify_check_code(&b, &check));
    }

    #[test]
    fn the_secret_persists_and_an_old_key_file_is_kept() {
        let dir = tempfile::tempdir().unwrap();
        let db = Db::open_sqlite(&dir.path().join("a.sqlite3")).unwrap();
        let first = LinkSigner::load_or_create(&db, dir.path()).unwrap();
        let again = LinkSigner::load_or_create(&db, dir.path()).unwrap();
        let c = code("A1");
        assert_eq!(first.token(&c), again.token(&c));

        // A data folder of the previous version: its links keep working.
        let old = tempfile::tempdir().unwrap();
        std::fs::write(old.path().join(SECRET_FILE), [9u8; 32]).unwrap();
        let db = Db::open_sqlite(&old.path().join("a.sqlite3")).unwrap();
        let moved = LinkSigner::load_or_create(&db, old.path()).unwrap();
        assert_eq!(moved.token(&c), LinkSigner::with_key([9; 32]).token(&c));
        assert_ne!(moved.token(&c), first.token(&c));

        let broken = tempfile::tempdir().unwrap();
        std::fs::write(broken.path().join(SECRET_FILE), b"short").unwrap();
        let db = Db::open_sqlite(&broken.path().join("a.sqlite3")).unwrap();
        assert!(LinkSigner::load_or_create(&db, broken.path()).is_err());
    }
}
