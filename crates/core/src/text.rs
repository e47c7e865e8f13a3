//! Text that the rules carry in both working languages.

use serde::{Deserialize, Serialize};

/// The languages the app speaks; Vietnamese is the working language.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Lang {
    #[default]
    Vi,
    En,
}

impl Lang {
    pub const ALL: [Lang; 2] = [Lang::Vi, Lang::En];

    /// BCP 47 tag, for `<html lang>` and storage.
    pub fn tag(self) -> &'static str {
        match self {
            Lang::Vi => "vi",
            Lang::En => "en",
        }
    }

    pub fn from_tag(tag: &str) -> Option<Lang> {
        match tag.trim().to_ascii_lowercase().as_str() {
            "vi" => Some(Lang::Vi),
            "en" => Some(Lang::En),
            _ => None,
        }
    }
}

/// A label in Vietnamese and English. Both are required: a rule set whose
/// text lacks either fails validation when it is loaded.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Text {
    pub vi: String,
    pub en: String,
}

impl Text {
    pub fn get(&self, lang: Lang) -> &str {
        match lang {
            Lang::Vi => &self.vi,
            Lang::En => &self.en,
        }
    }

    pub fn is_complete(&self) -> bool {
        !self.vi.trim().is_empty() && !self.en.trim().is_empty()
    }
}

/// Characters that change how text is shown without showing themselves:
/// control characters, bidirectional overrides and isolates (which can make
/// a name read backwards in a report), zero-width characters, the
/// byte-order mark and the Unicode line separators. Free text refuses them.
pub fn is_hidden(c: char) -> bool {
    c.is_control()
        || matches!(c, '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2060}'..='\u{2069}' | '\u{FEFF}' | '\u{2028}' | '\u{2029}')
}

/// Typed or pasted text made one line, as `account::clean_line` takes it:
/// line breaks and tabs become spaces, runs of spaces one, the other hidden
/// characters (pasted zero-width or direction marks, which show nothing)
/// are dropped, and the ends trimmed. For a reason typed in a box where
/// Enter makes a new line.
pub fn as_line(input: &str) -> String {
    let kept: String = input.chars().filter(|c| c.is_whitespace() || !is_hidden(*c)).collect();
    kept.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Typed or pasted text as `account::clean_text` takes it: line breaks kept
/// (`\r\n` and the Unicode separators as `\n`), tabs as a space, the other
/// hidden characters dropped, the ends trimmed.
pub fn as_text(input: &str) -> String {
    let text: String = input
        .replace("\r\n", "\n")
        .chars()
        .filter_map(|c| match c {
            '\n' | '\r' | '\u{2028}' | '\u{2029}' => Some('\n'),
            '\t' => Some(' '),
            c if is_hidden(c) => None,
            c => Some(c),
        })
        .collect();
    text.trim().to_owned()
}

/// `n` with its thousands grouped by `separator` (20.000 in Vietnamese,
/// 20,000 in English).
pub fn grouped(n: u64, separator: char) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, d) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(separator);
        }
        out.push(d);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn thousands_are_grouped() {
        assert_eq!(grouped(20_000, '.'), "20.000");
        assert_eq!(grouped(1_234_567, ','), "1,234,567");
        assert_eq!(grouped(999, '.'), "999");
        assert_eq!(grouped(0, '.'), "0");
        assert_eq!(grouped(100_000, '.'), "100.000");
    }

    #[test]
    fn typed_text_made_to_fit() {
        assert_eq!(as_line("  Hồ sơ trả\r\nđúng hạn\t(đã\u{200B} kiểm tra) "), "Hồ sơ trả đúng hạn (đã kiểm tra)");
        assert_eq!(as_text(" Dòng một\r\nDòng\thai\u{202E}\u{2028}ba "), "Dòng một\nDòng hai\nba");
    }

    proptest! {
        /// Whatever is typed or pasted, what is sent is never refused for
        /// hidden characters, and what shows is kept.
        #[test]
        fn made_to_fit_is_never_refused_for_hidden_characters(s in "\\PC*|[\\t\\r\\n\u{200B}\u{202E}\u{2028}a ệ]{0,40}") {
            let line = as_line(&s);
            prop_assert!(!line.chars().any(is_hidden));
            prop_assert_eq!(line.split_whitespace().collect::<String>(), s.chars().filter(|c| !c.is_whitespace() && !is_hidden(*c)).collect::<String>());
            let text = as_text(&s);
            prop_assert!(!text.chars().any(|c| is_hidden(c) && c != '\n'));
            prop_assert!(text.chars().count() <= s.chars().count());
        }
    }

    #[test]
    fn hidden_characters() {
        for c in ['\u{202E}', '\u{200B}', '\u{2066}', '\u{FEFF}', '\t', '\r', '\u{7}', '\u{2028}'] {
            assert!(is_hidden(c), "{c:?}");
        }
        for c in ['a', 'ệ', 'Đ', ' ', '\u{300}', '—'] {
            assert!(!is_hidden(c), "{c:?}");
        }
    }

    #[test]
    fn tags_round_trip() {
        for lang in Lang::ALL {
            assert_eq!(Lang::from_tag(lang.tag()), Some(lang));
        }
        assert_eq!(Lang::from_tag(" EN "), Some(Lang::En));
        assert_eq!(Lang::from_tag("fr"), None);
    }
}
