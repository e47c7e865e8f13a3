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

/// Words people build passwords on, in Vietnamese offices too: a password
/// whose letters are one of these (with digits or symbols around it) is
/// refused, as is any password containing one of the product's own words.
const COMMON_WORDS: [&str; 48] = [
    "password",
    "passw",
    "pass",
    "matkhau",
    "mk",
    "admin",
    "administrator",
    "root",
    "user",
    "guest",
    "test",
    "demo",
    "qwerty",
    "qwertyuiop",
    "azerty",
    "asdf",
    "asdfgh",
    "zxcvbn",
    "abc",
    "abcd",
    "abcde",
    "iloveyou",
    "welcome",
    "letmein",
    "monkey",
    "dragon",
    "football",
    "superman",
    "sunshine",
    "master",
    "shadow",
    "princess",
    "hello",
    "secret",
    "vietnam",
    "hanoi",
    "saigon",
    "hochiminh",
    "quangtri",
    "trieuphong",
    "ubnd",
    "motcua",
    "hoso",
    "canbo",
    "vanphong",
    "quantri",
    "congchuc",
    "changeme",
];
/// Words of this product and its users that no password may contain.
const FORBIDDEN_PARTS: [&str; 4] = ["danhgia", "matkhau", "password", "quantri"];
/// Rows and runs people type without thinking.
const RUNS: [&str; 6] = [
    "01234567890123456789",
    "98765432109876543210",
    "abcdefghijklmnopqrstuvwxyz",
    "zyxwvutsrqponmlkjihgfedcba",
    "qwertyuiopasdfghjklzxcvbnm",
    "1qaz2wsx3edc4rfv5tgb6yhn7ujm8ik9ol0p",
];

/// Whether most of the password is one run of `RUNS` (or repeats of a
/// short block), like `1234567891` or `abcabcabcabc`.
fn is_run(lower: &str) -> bool {
    let chars: Vec<char> = lower.chars().collect();
    // The longest piece that appears in a run.
    let mut longest = 0;
    for start in 0..chars.len() {
        for end in (start + 1..=chars.len()).rev() {
            if end - start <= longest {
                break;
            }
            let piece: String = chars[start..end].iter().collect();
            if RUNS.iter().any(|r| r.contains(&piece)) {
                longest = end - start;
                break;
            }
        }
    }
    if longest * 10 >= chars.len() * 7 {
        return true;
    }
    // A block of up to 4 characters repeated.
    (1..=4).any(|n| chars.len() >= 2 * n && chars.chunks(n).all(|c| c == &chars[..c.len()]))
}

/// Whether `password` may be set for `username`: long enough, at least
/// five different characters, not a run or a repeated block, not a common
/// word with digits around it, not containing the product's words or the
/// user name.
pub fn check_password(password: &str, username: &str) -> Result<(), Problem> {
    let len = password.chars().count();
    if len < MIN_PASSWORD_LEN {
        return Err(Problem::PasswordTooShort { min: MIN_PASSWORD_LEN });
    }
    if len > MAX_PASSWORD_LEN {
        return Err(Problem::TooLong { max: MAX_PASSWORD_LEN });
    }
    let lower = password.to_lowercase();
    let distinct: std::collections::BTreeSet<char> = lower.chars().collect();
    let letters: String = lower.chars().filter(|c| c.is_alphabetic()).collect();
    let user = username.trim().to_lowercase();
    let weak = distinct.len() < 5
        || is_run(&lower)
        || COMMON_WORDS.contains(&letters.as_str())
        || FORBIDDEN_PARTS.iter().any(|w| lower.contains(w))
        || (!user.is_empty() && lower.contains(&user));
    if weak {
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

/// An agency code (e.g. `H45.03`, `000.00.21.H56`): 1–32 ASCII letters,
/// digits and `.`, starting and ending with a letter or digit; stored
/// upper-cased (like dossier codes, only ASCII letters change case). Dossier
/// codes begin with it and a `-` (`H45.03-261101-0001`), so it holds no `-`:
/// an agency named `H45.05-261201` would own another's codes of that day.
pub fn normalize_agency_code(input: &str) -> Result<String, Problem> {
    let s = input.trim().to_ascii_uppercase();
    if s.is_empty() {
        return Err(Problem::Missing);
    }
    if let Some(ch) = s.chars().find(|c| !(c.is_ascii_alphanumeric() || *c == '.')) {
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
        // What a reviewer got through before: runs, keyboard rows, common words with digits.
        for weak in [
            "1234567891",
            "abcdefghij",
            "qwerty1234",
            "Password12",
            "danhgia2026",
            "12345678901",
            "abcabcabcabc",
            "1qaz2wsx3edc",
            "matkhau@2026",
            "Admin@12345",
            "aaaaaaaaab",
            "0987654321",
        ] {
            assert_eq!(check_password(weak, "someone"), Err(Problem::PasswordWeak), "{weak}");
        }
        for fine in ["Triệu Phong 45!", "mưa-rơi-trên-mái", "k7wq-9fzp-2mxd", "bà ngoại 1958 ăn phở"] {
            assert_eq!(check_password(fine, "someone"), Ok(()), "{fine}");
        }
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
        assert_eq!(normalize_agency_code("000.00.21.h56"), Ok("000.00.21.H56".into()));
        assert_eq!(normalize_agency_code("H45.05-261201"), Err(Problem::BadChar { ch: '-' }));
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
                prop_assert!(code.chars().all(|c| c.is_ascii_alphanumeric() || c == '.'));
                prop_assert_eq!(normalize_agency_code(&code), Ok(code.clone()));
            }
        }
    }
}
