//! Rules for what administrators type: user names, passwords, agency codes
//! and free text. The server enforces them; the PWA uses the same functions
//! to say what is wrong before anything is sent.

use serde::{Deserialize, Serialize};

/// Why a value was refused; `code()` is the stable API code.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Problem {
    /// Empty after trimming.
    Missing,
    TooLong {
        max: usize,
    },
    /// A character outside what the field allows.
    BadChar {
        ch: char,
    },
    /// Control characters (tab, CR, NUL …) in free text.
    ControlChar,
    /// A password shorter than [`MIN_PASSWORD_LEN`].
    PasswordTooShort {
        min: usize,
    },
    /// A password that is the user name, a run of one character, or on the
    /// list of common passwords.
    PasswordWeak,
}

impl Problem {
    pub fn code(&self) -> &'static str {
        match self {
            Problem::Missing => "missing_value",
            Problem::TooLong { .. } => "too_long",
            Problem::BadChar { .. } => "bad_char",
            Problem::ControlChar => "control_char",
            Problem::PasswordTooShort { .. } => "weak_password",
            Problem::PasswordWeak => "weak_password",
        }
    }
}

impl std::fmt::Display for Problem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Problem::Missing => f.write_str("a value is required"),
            Problem::TooLong { max } => write!(f, "at most {max} characters"),
            Problem::BadChar { ch } => write!(f, "{ch:?} is not allowed here"),
            Problem::ControlChar => {
                f.write_str("control or invisible characters (tab, line breaks, direction marks …) are not allowed")
            }
            Problem::PasswordTooShort { min } => write!(f, "a password needs at least {min} characters"),
            Problem::PasswordWeak => f.write_str("this password is too easy to guess"),
        }
    }
}

pub const MIN_PASSWORD_LEN: usize = 10;
pub const MAX_PASSWORD_LEN: usize = 200;

/// Passwords people pick first, in Vietnamese offices too.
const COMMON: [&str; 16] = [
    "1234567890",
    "12345678910",
    "0123456789",
    "1111111111",
    "qwertyuiop",
    "password123",
    "password1234",
    "matkhau123",
    "matkhau1234",
    "abc1234567",
    "admin12345",
    "admin123456",
    "danhgia123",
    "danhgia-demo",
    "iloveyou123",
    "vietnam123",
];

/// Whether `password` may be set for `username`.
pub fn check_password(password: &str, username: &str) -> Result<(), Problem> {
    let len = password.chars().count();
    if len < MIN_PASSWORD_LEN {
        return Err(Problem::PasswordTooShort { min: MIN_PASSWORD_LEN });
    }
    if len > MAX_PASSWORD_LEN {
        return Err(Problem::TooLong { max: MAX_PASSWORD_LEN });
    }
    let lower = password.to_lowercase();
    let first = lower.chars().next();
    let one_char = lower.chars().all(|c| Some(c) == first);
    let user = username.trim().to_lowercase();
    if one_char || COMMON.contains(&lower.as_str()) || (!user.is_empty() && lower.contains(&user)) {
        return Err(Problem::PasswordWeak);
    }
    Ok(())
}

/// A user name: 3–64 of lower-case ASCII letters, digits, `.`, `_`, `-`;
/// stored lower-cased. Only ASCII letters change case: Unicode case mapping
/// would turn look-alikes (the Kelvin sign, long s, dotless ı) into ASCII.
pub fn normalize_username(input: &str) -> Result<String, Problem> {
    let s = input.trim().to_ascii_lowercase();
    if s.is_empty() {
        return Err(Problem::Missing);
    }
    if let Some(ch) =
        s.chars().find(|c| !(c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '.' | '_' | '-')))
    {
        return Err(Problem::BadChar { ch });
    }
    if s.len() > 64 {
        return Err(Problem::TooLong { max: 64 });
    }
    if s.len() < 3 {
        return Err(Problem::Missing);
    }
    Ok(s)
}

/// An agency code (e.g. `H45.03`): 1–32 ASCII letters, digits, `.`, `-`,
/// starting with a letter or digit; stored upper-cased. Dossier codes begin
/// with it, so it follows the same alphabet (and, like dossier codes, only
/// ASCII letters change case).
pub fn normalize_agency_code(input: &str) -> Result<String, Problem> {
    let s = input.trim().to_ascii_uppercase();
    if s.is_empty() {
        return Err(Problem::Missing);
    }
    if let Some(ch) = s.chars().find(|c| !(c.is_ascii_alphanumeric() || matches!(c, '.' | '-'))) {
        return Err(Problem::BadChar { ch });
    }
    if s.len() > 32 {
        return Err(Problem::TooLong { max: 32 });
    }
    for edge in [s.chars().next(), s.chars().last()].into_iter().flatten() {
        if !edge.is_ascii_alphanumeric() {
            return Err(Problem::BadChar { ch: edge });
        }
    }
    Ok(s)
}

/// One line of free text (a name, a position, a reason): trimmed, at most
/// `max` characters, no control characters — they break CSV rows and
/// logs. Markup is kept as text; every view escapes it.
pub fn clean_line(input: &str, max: usize) -> Result<String, Problem> {
    let s = input.trim();
    if s.is_empty() {
        return Err(Problem::Missing);
    }
    if s.chars().any(crate::text::is_hidden) {
        return Err(Problem::ControlChar);
    }
    if s.chars().count() > max {
        return Err(Problem::TooLong { max });
    }
    Ok(s.to_owned())
}

/// Longer free text (a commune's proposals): line breaks allowed (stored as
/// `\n`), other control characters refused.
pub fn clean_text(input: &str, max: usize) -> Result<String, Problem> {
    let s = input.replace("\r\n", "\n");
    let s = s.trim();
    if s.is_empty() {
        return Err(Problem::Missing);
    }
    if s.chars().any(|c| crate::text::is_hidden(c) && c != '\n') {
        return Err(Problem::ControlChar);
    }
    if s.chars().count() > max {
        return Err(Problem::TooLong { max });
    }
    Ok(s.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn passwords() {
        assert_eq!(check_password("short", "a"), Err(Problem::PasswordTooShort { min: 10 }));
        assert_eq!(check_password("aaaaaaaaaaaa", "a"), Err(Problem::PasswordWeak));
        assert_eq!(check_password("Password123", "x"), Err(Problem::PasswordWeak));
        assert_eq!(check_password("nguyenvana-2026", "nguyenvana"), Err(Problem::PasswordWeak));
        assert_eq!(check_password("hoa sen nở muộn", "nguyenvana"), Ok(()));
        assert_eq!(check_password(&"x".repeat(201), "a").map_err(|e| e.code()), Err("too_long"));
    }

    #[test]
    fn names_and_codes() {
        assert_eq!(normalize_username(" CanBo.H45 "), Ok("canbo.h45".into()));
        assert_eq!(normalize_username("cán bộ"), Err(Problem::BadChar { ch: 'á' }));
        assert_eq!(normalize_username("ab"), Err(Problem::Missing));
        assert_eq!(normalize_agency_code(" h45.03 "), Ok("H45.03".into()));
        assert!(normalize_agency_code("H45/03").is_err());
        assert!(normalize_agency_code(".H45").is_err());
        assert!(normalize_agency_code("H45.").is_err());
        assert_eq!(clean_line("  Chuyên viên  ", 50), Ok("Chuyên viên".into()));
        assert_eq!(clean_line("a\rb", 50), Err(Problem::ControlChar));
        assert_eq!(clean_line("a\tb", 50), Err(Problem::ControlChar));
        assert_eq!(clean_text("dòng 1\r\ndòng 2", 50), Ok("dòng 1\ndòng 2".into()));
        assert_eq!(clean_text("a\u{0}b", 50), Err(Problem::ControlChar));
    }

    /// Found by the fuzz target `core/account_fields`: Unicode case mapping
    /// turned look-alikes into ASCII, so `\u{212a}im` (Kelvin sign) became
    /// the user name `kim` and `ſ45` (long s) the agency code `S45`.
    #[test]
    fn look_alikes_are_refused_not_folded() {
        assert_eq!(normalize_username("\u{212a}im"), Err(Problem::BadChar { ch: '\u{212a}' }));
        assert_eq!(normalize_username("nguyen.\u{17f}on"), Err(Problem::BadChar { ch: '\u{17f}' }));
        assert_eq!(normalize_agency_code("\u{17f}45"), Err(Problem::BadChar { ch: '\u{17f}' }));
        assert_eq!(normalize_agency_code("h\u{131}45"), Err(Problem::BadChar { ch: '\u{131}' }));
        assert_eq!(normalize_agency_code("\u{fb00}45"), Err(Problem::BadChar { ch: '\u{fb00}' }));
    }

    proptest! {
        #[test]
        fn cleaned_text_never_holds_control_characters(s in "\\PC*[\\x00-\\x1f]?\\PC*") {
            if let Ok(clean) = clean_line(&s, 1000) {
                prop_assert!(!clean.chars().any(char::is_control));
            }
            if let Ok(code) = normalize_agency_code(&s) {
                prop_assert!(code.chars().all(|c| c.is_ascii_alphanumeric() || c == '.' || c == '-'));
                prop_assert_eq!(normalize_agency_code(&code), Ok(code.clone()));
            }
        }
    }
}
