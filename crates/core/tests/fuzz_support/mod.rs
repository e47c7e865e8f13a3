//! The fuzz harness shared by `crates/core/tests/fuzz.rs` and
//! `server/tests/fuzz.rs` (included there by path).
//!
//! No nightly toolchain is assumed (a new machine of this project has one
//! stable Rust), so the fuzz targets are property tests run by proptest's
//! `TestRunner`: structure-aware generators (valid inputs, then mutated)
//! beside arbitrary strings and bytes, with properties asserted on every
//! answer. `cargo test` runs a short pass; `DANHGIA_FUZZ_CASES=N` runs N
//! cases per target (the benchmark command's long pass), and
//! `DANHGIA_FUZZ_REPORT=file` appends one JSON line per target (inputs run,
//! seconds, outcome) for BENCHMARKS.md. A failing case's seed is saved next
//! to the test file (`*.proptest-regressions`) and replayed first from then on.

#![allow(dead_code)]

use proptest::prelude::*;
use proptest::sample::Index;
use proptest::test_runner::{Config, FileFailurePersistence, TestCaseResult, TestRunner};
use std::fmt::Debug;
use std::io::Write;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Instant;

/// Cases for one target: `DANHGIA_FUZZ_CASES` if set, else the short pass.
pub fn cases(short_pass: u32) -> u32 {
    std::env::var("DANHGIA_FUZZ_CASES").ok().and_then(|v| v.trim().parse().ok()).unwrap_or(short_pass)
}

/// Runs one fuzz target: `cases(short_pass)` generated inputs through `test`,
/// shrinking and persisting any failure; panics (fails the test) with the
/// smallest failing input.
pub fn fuzz<S>(
    source_file: &'static str,
    target: &str,
    short_pass: u32,
    strategy: S,
    test: impl Fn(S::Value) -> TestCaseResult,
) where
    S: Strategy,
    S::Value: Debug,
{
    let cases = cases(short_pass);
    let config = Config {
        cases,
        source_file: Some(source_file),
        failure_persistence: Some(Box::new(FileFailurePersistence::WithSource("proptest-regressions"))),
        // Shrinking a long input can take many steps; bound it so a failure
        // is reported in reasonable time.
        max_shrink_iters: 20_000,
        ..Config::default()
    };
    let mut runner = TestRunner::new(config);
    let inputs = AtomicU64::new(0);
    let started = Instant::now();
    let outcome = runner.run(&strategy, |value| {
        inputs.fetch_add(1, Ordering::Relaxed);
        test(value)
    });
    let seconds = started.elapsed().as_secs_f64();
    let inputs = inputs.load(Ordering::Relaxed);
    let verdict = match &outcome {
        Ok(()) => "ok".to_owned(),
        Err(e) => format!("FAILED: {e}"),
    };
    println!("fuzz target {target}: {inputs} inputs in {seconds:.1} s: {verdict}");
    if let Ok(path) = std::env::var("DANHGIA_FUZZ_REPORT") {
        let line = serde_json::json!({
            "target": target, "cases": cases, "inputs": inputs, "seconds": seconds,
            "outcome": if outcome.is_ok() { "ok" } else { "failed" },
        });
        let written = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(&path)
            .and_then(|mut f| f.write_all(format!("{line}\n").as_bytes()));
        if let Err(e) = written {
            panic!("cannot append to {path}: {e}");
        }
    }
    if let Err(e) = outcome {
        panic!("fuzz target {target} failed: {e}");
    }
}

/// Characters that break parsers: separators and escapes of the formats we
/// read, every kind of white space and line end, controls, a byte-order mark,
/// look-alikes of letters, digits and punctuation (Cyrillic, full-width,
/// mathematical, dotless i, long s, Kelvin sign, ligatures), combining marks,
/// Vietnamese letters, emoji, and the edges of Unicode.
pub const NASTY: &[char] = &[
    '\0',
    '\t',
    '\n',
    '\r',
    '\u{b}',
    '\u{c}',
    '\u{1b}',
    '\u{7f}',
    '\u{85}',
    ' ',
    '\u{a0}',
    '\u{1680}',
    '\u{2000}',
    '\u{2007}',
    '\u{200b}',
    '\u{200d}',
    '\u{200e}',
    '\u{202e}',
    '\u{2028}',
    '\u{2029}',
    '\u{3000}',
    '\u{feff}',
    '\u{fffd}',
    '%',
    '/',
    '\\',
    '.',
    '-',
    '_',
    ':',
    '?',
    '#',
    '@',
    '&',
    '=',
    '+',
    '"',
    '\'',
    ',',
    ';',
    '<',
    '>',
    '{',
    '}',
    '[',
    ']',
    '|',
    '*',
    '`',
    '$',
    '~',
    '!',
    'a',
    'Z',
    '0',
    '9',
    'T',
    'Z',
    'А',
    'Н',
    'О',
    'Ѕ',
    'Ｈ',
    '０',
    '９',
    '٠',
    '१',
    '\u{212a}',
    '\u{17f}',
    'ı',
    'İ',
    'ß',
    'ﬀ',
    'ﬆ',
    'ǅ',
    '\u{301}',
    '\u{323}',
    '‐',
    '–',
    '−',
    '／',
    '∕',
    '․',
    '。',
    '𝐇',
    'ă',
    'đ',
    'Đ',
    'ơ',
    'ư',
    'ệ',
    'Ế',
    '😀',
    '\u{e000}',
    '\u{10ffff}',
];

/// Pieces worth splicing in whole.
pub const TOKENS: &[&str] = &[
    "%2F",
    "%2f",
    "%00",
    "%",
    "%%",
    "%ZZ",
    "%C3",
    "%E1%BB%87",
    "?t=",
    "&t=",
    "#",
    "//",
    "/r/",
    "/../",
    "\r\n",
    "\"",
    "\"\"",
    ",,,",
    "\n\n",
    "\r",
    "javascript:",
    "http://",
    "https://",
    "@evil.example",
    ".gov.vn",
    "H45.03-",
    "-261127-",
    "31/02/2024",
    "29/02/2023",
    "00/01/2024",
    "1/1/2024",
    "2024-01-01",
    "T00:00:00Z",
    "+07:00",
    "null",
    "true",
    "[]",
    "{}",
    "\\u0000",
    "\\ud800",
    "\\\"",
    "blank",
    "=HYPERLINK(\"x\")",
    "\u{feff}",
];

/// One edit of a string.
#[derive(Debug, Clone)]
pub enum Edit {
    Insert(Index, char),
    Replace(Index, char),
    Delete(Index),
    Splice(Index, &'static str),
    /// Repeats a run of characters: huge fields, long codes.
    Repeat {
        at: Index,
        len: usize,
        times: usize,
    },
    Truncate(Index),
    FlipCase(Index),
}

pub fn edit() -> impl Strategy<Value = Edit> {
    let nasty = proptest::sample::select(NASTY);
    let any_char = prop_oneof![3 => nasty, 1 => any::<char>()];
    prop_oneof![
        3 => (any::<Index>(), any_char.clone()).prop_map(|(i, c)| Edit::Insert(i, c)),
        3 => (any::<Index>(), any_char).prop_map(|(i, c)| Edit::Replace(i, c)),
        2 => any::<Index>().prop_map(Edit::Delete),
        2 => (any::<Index>(), proptest::sample::select(TOKENS)).prop_map(|(i, t)| Edit::Splice(i, t)),
        1 => (any::<Index>(), 1usize..8, prop_oneof![2usize..10, 100usize..400]).prop_map(|(at, len, times)| Edit::Repeat { at, len, times }),
        1 => any::<Index>().prop_map(Edit::Truncate),
        1 => any::<Index>().prop_map(Edit::FlipCase),
    ]
}

/// Applies edits to a string, character by character.
pub fn apply(s: &str, edits: &[Edit]) -> String {
    let mut chars: Vec<char> = s.chars().collect();
    for e in edits {
        let pos =
            |i: &Index, extra: usize| if chars.is_empty() && extra == 0 { 0 } else { i.index(chars.len() + extra) };
        match e {
            Edit::Insert(i, c) => {
                let at = pos(i, 1);
                chars.insert(at, *c);
            }
            Edit::Replace(i, c) if !chars.is_empty() => {
                let at = pos(i, 0);
                chars[at] = *c;
            }
            Edit::Delete(i) if !chars.is_empty() => {
                let at = pos(i, 0);
                chars.remove(at);
            }
            Edit::Splice(i, t) => {
                let at = pos(i, 1);
                chars.splice(at..at, t.chars());
            }
            Edit::Repeat { at, len, times } if !chars.is_empty() => {
                let start = pos(at, 0);
                let end = (start + len).min(chars.len());
                let run: Vec<char> = chars[start..end].to_vec();
                let copies = run.iter().cycle().take(run.len() * times).copied().collect::<Vec<_>>();
                chars.splice(end..end, copies);
            }
            Edit::Truncate(i) if !chars.is_empty() => {
                let at = pos(i, 0);
                chars.truncate(at);
            }
            Edit::FlipCase(i) if !chars.is_empty() => {
                let at = pos(i, 0);
                let c = chars[at];
                chars[at] = if c.is_lowercase() {
                    c.to_uppercase().next().unwrap_or(c)
                } else {
                    c.to_lowercase().next().unwrap_or(c)
                };
            }
            _ => {}
        }
    }
    chars.into_iter().collect()
}

/// A string from `base`, edited 0–4 times.
pub fn mutated<S: Strategy<Value = String>>(base: S) -> impl Strategy<Value = String> {
    (base, prop::collection::vec(edit(), 0..5)).prop_map(|(s, edits)| apply(&s, &edits))
}

/// Bytes that are not UTF-8 (lone continuation, truncated sequence,
/// overlong encoding, surrogate, out of range) and other awkward bytes.
pub const BAD_BYTES: &[&[u8]] = &[
    b"\xff",
    b"\xfe",
    b"\x80",
    b"\xc3",
    b"\xe1\xbb",
    b"\xc0\x80",
    b"\xed\xa0\x80",
    b"\xf4\x90\x80\x80",
    b"\x00",
    b"\r",
    b"\n",
    b"\"",
    b",",
    b"\xef\xbb\xbf",
];

/// One edit of a byte string.
#[derive(Debug, Clone)]
pub enum ByteEdit {
    Insert(Index, &'static [u8]),
    Set(Index, u8),
    Delete(Index),
    Truncate(Index),
}

pub fn byte_edit() -> impl Strategy<Value = ByteEdit> {
    prop_oneof![
        2 => (any::<Index>(), proptest::sample::select(BAD_BYTES)).prop_map(|(i, b)| ByteEdit::Insert(i, b)),
        2 => (any::<Index>(), any::<u8>()).prop_map(|(i, b)| ByteEdit::Set(i, b)),
        1 => any::<Index>().prop_map(ByteEdit::Delete),
        1 => any::<Index>().prop_map(ByteEdit::Truncate),
    ]
}

pub fn apply_bytes(bytes: &[u8], edits: &[ByteEdit]) -> Vec<u8> {
    let mut out = bytes.to_vec();
    for e in edits {
        match e {
            ByteEdit::Insert(i, b) => {
                let at = i.index(out.len() + 1);
                out.splice(at..at, b.iter().copied());
            }
            ByteEdit::Set(i, b) if !out.is_empty() => {
                let at = i.index(out.len());
                out[at] = *b;
            }
            ByteEdit::Delete(i) if !out.is_empty() => {
                let at = i.index(out.len());
                out.remove(at);
            }
            ByteEdit::Truncate(i) if !out.is_empty() => {
                let at = i.index(out.len());
                out.truncate(at);
            }
            _ => {}
        }
    }
    out
}

/// Bytes from `base`, edited at the byte level 0–3 times.
pub fn mutated_bytes<S: Strategy<Value = Vec<u8>>>(base: S) -> impl Strategy<Value = Vec<u8>> {
    (base, prop::collection::vec(byte_edit(), 0..4)).prop_map(|(b, edits)| apply_bytes(&b, &edits))
}

/// Arbitrary text: printable, any Unicode, or ASCII with controls.
pub fn any_text(max: usize) -> impl Strategy<Value = String> {
    prop_oneof![
        proptest::string::string_regex(&format!("\\PC{{0,{max}}}")).unwrap_or_else(|e| panic!("{e}")),
        prop::collection::vec(any::<char>(), 0..max).prop_map(|v| v.into_iter().collect()),
        prop::collection::vec(0u8..128, 0..max).prop_map(|v| v.into_iter().map(char::from).collect()),
    ]
}

/// Valid dossier codes of the shapes real generators print, and any other
/// valid code.
pub fn valid_code() -> impl Strategy<Value = String> {
    prop_oneof![
        "H[0-9]{2}(\\.[0-9]{2}){0,2}-[0-9]{6}-[0-9]{4}",
        "000\\.00\\.[0-9]{2}\\.H[0-9]{2}-[0-9]{6}-[0-9]{4}",
        "[0-9]{1,4}/20[0-9]{2}/[A-Z]{2,4}",
        "[A-Za-z0-9]([A-Za-z0-9./-]{0,62}[A-Za-z0-9])?",
    ]
}
