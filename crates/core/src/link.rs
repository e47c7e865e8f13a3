//! This app's citizen link, `/r/{code}?t={token}`, printed as the slip's QR code.
//! The token is made and checked by the server (a truncated HMAC of the code);
//! here we only know its shape, so that junk is refused before any request.

use crate::DossierCode;
use serde::{Deserialize, Deserializer, Serialize};
use std::fmt;

/// The path prefix of citizen links.
pub const CITIZEN_PATH_PREFIX: &str = "/r/";

/// The shape of a citizen token: 8–64 characters of URL-safe base64.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
#[serde(transparent)]
pub struct CitizenToken(String);

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BadToken;

impl fmt::Display for BadToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("the link's token is malformed")
    }
}

impl std::error::Error for BadToken {}

impl CitizenToken {
    pub const MIN_LEN: usize = 8;
    pub const MAX_LEN: usize = 64;

    pub fn parse(s: &str) -> Result<Self, BadToken> {
        let ok_len = (Self::MIN_LEN..=Self::MAX_LEN).contains(&s.len());
        let ok_chars = s.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
        if ok_len && ok_chars { Ok(CitizenToken(s.to_owned())) } else { Err(BadToken) }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl<'de> Deserialize<'de> for CitizenToken {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        CitizenToken::parse(&s).map_err(serde::de::Error::custom)
    }
}

/// `/r/{code}?t={token}`: the path and query of a citizen link (the origin is
/// the server's public address, added by whoever prints it).
pub fn citizen_path(code: &DossierCode, token: &CitizenToken) -> String {
    format!("{CITIZEN_PATH_PREFIX}{}?t={}", code.to_path_segment(), token.as_str())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn token_shape() {
        assert!(CitizenToken::parse("abcDEF12_-").is_ok());
        assert_eq!(CitizenToken::parse("short"), Err(BadToken));
        assert_eq!(CitizenToken::parse("has space in it"), Err(BadToken));
        assert_eq!(CitizenToken::parse(&"a".repeat(65)), Err(BadToken));
    }

    #[test]
    fn path_escapes_code() {
        let code = DossierCode::parse("12/2024-1").unwrap();
        let token = CitizenToken::parse("abcdefgh").unwrap();
        assert_eq!(citizen_path(&code, &token), "/r/12%2F2024-1?t=abcdefgh");
    }
}
