//! Dossier codes (mã hồ sơ). The legal format is unconfirmed, so we accept
//! what real generators produce (`{agency}-{yyMMdd}-{NNNN}`, dotted agency
//! codes, slashes) and nothing that could be markup, a path trick or noise.

use serde::{Deserialize, Deserializer, Serialize};
use std::fmt;

/// A validated dossier code: 1–64 ASCII letters, digits, `-`, `.` or `/`,
/// starting and ending with a letter or digit, stored in upper case so that
/// a code typed in lower case finds the same dossier.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(transparent)]
pub struct DossierCode(String);

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DossierCodeError {
    Empty,
    TooLong {
        max: usize,
    },
    InvalidChar {
        ch: char,
    },
    /// Starts or ends with `-`, `.` or `/`.
    BadEdge,
}

impl fmt::Display for DossierCodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Empty => f.write_str("the dossier code is empty"),
            Self::TooLong { max } => write!(f, "the dossier code is longer than {max} characters"),
            // The code point, not `{ch:?}`: Debug's escaping is kilobytes of
            // the citizen's download.
            Self::InvalidChar { ch } => write!(f, "the dossier code may not contain U+{:04X}", u32::from(*ch)),
            Self::BadEdge => f.write_str("the dossier code must start and end with a letter or digit"),
        }
    }
}

impl std::error::Error for DossierCodeError {}

impl DossierCode {
    pub const MAX_LEN: usize = 64;

    /// Validates and normalises (trims surrounding white space, upper-cases).
    pub fn parse(input: &str) -> Result<Self, DossierCodeError> {
        let s = input.trim();
        if s.is_empty() {
            return Err(DossierCodeError::Empty);
        }
        if let Some(ch) = s.chars().find(|c| !(c.is_ascii_alphanumeric() || matches!(c, '-' | '.' | '/'))) {
            return Err(DossierCodeError::InvalidChar { ch });
        }
        // All ASCII from here on, so byte length is character count.
        if s.len() > Self::MAX_LEN {
            return Err(DossierCodeError::TooLong { max: Self::MAX_LEN });
        }
        let edge_ok = |b: Option<&u8>| b.is_some_and(|b| b.is_ascii_alphanumeric());
        if !edge_ok(s.as_bytes().first()) || !edge_ok(s.as_bytes().last()) {
            return Err(DossierCodeError::BadEdge);
        }
        Ok(DossierCode(s.to_ascii_uppercase()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The code as one URL path segment (`/` becomes `%2F`), for `/r/{code}`.
    pub fn to_path_segment(&self) -> String {
        self.0.replace('/', "%2F")
    }
}

impl fmt::Display for DossierCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for DossierCode {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        DossierCode::parse(&s).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn accepts_real_shapes() {
        for code in ["H56.21-190903-0001", "000.00.21.H56-200101-0042", "12/2024/HS", "A"] {
            assert_eq!(DossierCode::parse(code).unwrap().as_str(), code);
        }
        assert_eq!(DossierCode::parse("  h56-190903-0001\n").unwrap().as_str(), "H56-190903-0001");
    }

    #[test]
    fn rejects_bad_input() {
        assert_eq!(DossierCode::parse("   "), Err(DossierCodeError::Empty));
        assert_eq!(DossierCode::parse("<script>"), Err(DossierCodeError::InvalidChar { ch: '<' }));
        assert_eq!(DossierCode::parse("mã-1"), Err(DossierCodeError::InvalidChar { ch: 'ã' }));
        assert_eq!(DossierCode::parse("AB CD"), Err(DossierCodeError::InvalidChar { ch: ' ' }));
        assert_eq!(DossierCode::parse("../etc"), Err(DossierCodeError::BadEdge));
        assert_eq!(DossierCode::parse("ABC-"), Err(DossierCodeError::BadEdge));
        assert_eq!(DossierCode::parse(&"1".repeat(65)), Err(DossierCodeError::TooLong { max: 64 }));
        assert!(DossierCode::parse(&"1".repeat(64)).is_ok());
    }

    #[test]
    fn path_segment_escapes_slash() {
        assert_eq!(DossierCode::parse("12/2024").unwrap().to_path_segment(), "12%2F2024");
    }

    #[test]
    fn deserialising_validates() {
        assert!(serde_json::from_str::<DossierCode>("\"H56-1\"").is_ok());
        assert!(serde_json::from_str::<DossierCode>("\"H56 1\"").is_err());
    }

    proptest! {
        #[test]
        fn valid_codes_survive_and_normalise(code in "[A-Za-z0-9]([A-Za-z0-9./-]{0,62}[A-Za-z0-9])?") {
            let parsed = DossierCode::parse(&code).unwrap();
            prop_assert_eq!(parsed.as_str(), code.to_ascii_uppercase());
            // Parsing is idempotent.
            prop_assert_eq!(DossierCode::parse(parsed.as_str()).unwrap(), parsed.clone());
        }

        #[test]
        fn anything_accepted_is_safe(input in "\\PC{0,80}") {
            if let Ok(code) = DossierCode::parse(&input) {
                let s = code.as_str();
                prop_assert!(!s.is_empty() && s.len() <= DossierCode::MAX_LEN);
                prop_assert!(s.bytes().all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || b"-./".contains(&b)));
            }
        }
    }
}
