//! Signed citizen links. The slip's QR code holds `/r/{code}?t={token}`; the
//! token is a truncated HMAC-SHA256 of the code under a secret that never
//! leaves the server, so a guessed dossier code alone cannot be rated. The
//! slip also prints a 6-digit check code from the same tag, for typing.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use danhgia_core::DossierCode;
use hmac::{Hmac, Mac};
use sha2::Sha256;
use std::io::Write;
use std::path::Path;

const SECRET_FILE: &str = "citizen-link.key";
const SECRET_LEN: usize = 32;
/// Token bytes: 12 bytes = 96 bits, 16 characters of base64url.
const TOKEN_BYTES: usize = 12;

pub struct LinkSigner {
    key: [u8; SECRET_LEN],
}

impl LinkSigner {
    /// Reads the secret from the data folder, or creates it on first start.
    pub fn load_or_create(data_dir: &Path) -> std::io::Result<Self> {
        let path = data_dir.join(SECRET_FILE);
        match std::fs::read(&path) {
            Ok(bytes) => {
                let key: [u8; SECRET_LEN] = bytes.try_into().map_err(|_| {
                    std::io::Error::other(format!("{} is damaged: expected {SECRET_LEN} bytes", path.display()))
                })?;
                Ok(LinkSigner { key })
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                let mut key = [0u8; SECRET_LEN];
                getrandom::fill(&mut key).map_err(|e| std::io::Error::other(e.to_string()))?;
                let mut options = std::fs::OpenOptions::new();
                options.write(true).create_new(true);
                #[cfg(unix)]
                std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
                options.open(&path)?.write_all(&key)?;
                tracing::info!(path = %path.display(), "created the citizen-link secret");
                Ok(LinkSigner { key })
            }
            Err(e) => Err(e),
        }
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
        assert!(!signer.verify_check_code(&b, &check) || signer.check_code(&b) == check);
    }

    #[test]
    fn the_secret_persists() {
        let dir = tempfile::tempdir().unwrap();
        let first = LinkSigner::load_or_create(dir.path()).unwrap();
        let again = LinkSigner::load_or_create(dir.path()).unwrap();
        let c = code("A1");
        assert_eq!(first.token(&c), again.token(&c));
        std::fs::write(dir.path().join(SECRET_FILE), b"short").unwrap();
        assert!(LinkSigner::load_or_create(dir.path()).is_err());
    }
}
