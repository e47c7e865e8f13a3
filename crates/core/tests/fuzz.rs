//! Fuzz targets for the core's parsers of outside input: dossier codes, scan
//! payloads, dossier CSV, rating records and what administrators type. Each
//! target mixes valid inputs (as the app and real generators print them),
//! the same inputs mutated, and arbitrary text or bytes, and checks
//! properties of every answer, not only that nothing panics. See
//! `fuzz_support` for the harness, the case counts and the long pass.

mod fuzz_support;

use danhgia_core::account::{
    MAX_PASSWORD_LEN, MIN_PASSWORD_LEN, Problem, check_password, clean_line, clean_text, normalize_agency_code,
    normalize_username,
};
use danhgia_core::import::{COLUMNS, FileError, MAX_TEXT, REQUIRED, parse_csv};
use danhgia_core::link::{CITIZEN_PATH_PREFIX, CitizenToken};
use danhgia_core::rating::{
    BLANK, Channel, DossierDates, MAX_COMMENT_CHARS, RatingRecord, Reason, check_record, form_for, is_uuid_v4,
};
use danhgia_core::scan::MAX_SCAN_LEN;
use danhgia_core::wire::RatingBatch;
use danhgia_core::{
    CivilDate, DossierCode, DossierCodeError, RuleBook, RuleSet, ScanError, ScanPolicy, ScanTarget, citizen_path,
    parse_scan,
};
use fuzz_support::*;
use proptest::prelude::*;
use proptest::sample::Index;
use proptest::test_runner::TestCaseResult;
use std::collections::BTreeMap;

/// Short-pass cases per core target: about a second each in a debug build.
const SHORT: u32 = 1_000;

fn in_alphabet(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '-' | '.' | '/')
}

// ---------------------------------------------------------------------------
// Dossier codes

fn padded_code() -> impl Strategy<Value = String> {
    (valid_code(), "[ \t\r\n]{0,2}", "[ \t\r\n]{0,2}").prop_map(|(c, a, b)| format!("{a}{c}{b}"))
}

fn code_input() -> impl Strategy<Value = String> {
    prop_oneof![
        3 => padded_code(),
        6 => mutated(padded_code()),
        2 => any_text(80),
        1 => any_text(200),
    ]
}

#[test]
fn fuzz_dossier_code() {
    fuzz(file!(), "core/dossier_code", SHORT, code_input(), |input| {
        let t = input.trim();
        let spec_ok = !t.is_empty()
            && t.chars().all(in_alphabet)
            && t.len() <= DossierCode::MAX_LEN
            && t.starts_with(|c: char| c.is_ascii_alphanumeric())
            && t.ends_with(|c: char| c.is_ascii_alphanumeric());
        match DossierCode::parse(&input) {
            Ok(code) => {
                prop_assert!(spec_ok, "accepted {input:?}");
                let s = code.as_str();
                prop_assert_eq!(s, t.to_ascii_uppercase());
                prop_assert!(s.chars().all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || "-./".contains(c)));
                // A parsed code re-parses to itself, in any case.
                prop_assert_eq!(DossierCode::parse(s), Ok(code.clone()));
                prop_assert_eq!(DossierCode::parse(&s.to_ascii_lowercase()), Ok(code.clone()));
                prop_assert_eq!(code.to_string(), s);
                // JSON round trip; the path segment holds no slash and gives the code back.
                let json = serde_json::to_string(&code).map_err(|e| TestCaseError::fail(e.to_string()))?;
                prop_assert_eq!(serde_json::from_str::<DossierCode>(&json).ok(), Some(code.clone()));
                let segment = code.to_path_segment();
                prop_assert!(!segment.contains('/'));
                prop_assert_eq!(segment.replace("%2F", "/"), s);
            }
            Err(e) => {
                prop_assert!(!spec_ok, "refused {input:?}: {e}");
                match e {
                    DossierCodeError::Empty => prop_assert!(t.is_empty()),
                    DossierCodeError::InvalidChar { ch } => prop_assert!(t.contains(ch) && !in_alphabet(ch)),
                    DossierCodeError::TooLong { max } => prop_assert!(t.chars().count() > max),
                    DossierCodeError::BadEdge => prop_assert!(!t.is_empty()),
                }
                // Deserialising refuses what parsing refuses.
                let json = serde_json::to_string(&input).map_err(|e| TestCaseError::fail(e.to_string()))?;
                prop_assert!(serde_json::from_str::<DossierCode>(&json).is_err());
            }
        }
        Ok(())
    });
}

// ---------------------------------------------------------------------------
// Scan payloads

const OWN_HOST: &str = "danhgia.trieuphong.gov.vn";

fn policy() -> ScanPolicy {
    ScanPolicy::for_own_host(OWN_HOST)
}

fn code_of(s: &str) -> DossierCode {
    DossierCode::parse(s).unwrap_or_else(|e| panic!("{s:?} is a valid code: {e}"))
}

fn token_of(s: &str) -> CitizenToken {
    CitizenToken::parse(s).unwrap_or_else(|_| panic!("{s:?} is a valid token"))
}

fn flip_case(s: &str, mask: u64) -> String {
    s.chars().enumerate().map(|(i, c)| if mask >> (i % 64) & 1 == 1 { c.to_ascii_uppercase() } else { c }).collect()
}

/// A payload a slip or a portal really carries, and what it must read as.
fn valid_payload() -> impl Strategy<Value = (String, ScanTarget)> {
    let token = "[A-Za-z0-9_-]{8,64}";
    let bare = (valid_code(), any::<u64>()).prop_map(|(c, mask)| {
        let typed = flip_case(&c, mask);
        (typed, ScanTarget::Code(code_of(&c)))
    });
    let citizen = (
        valid_code(),
        token,
        prop::sample::select(&["https", "http", "HTTPS", "Http"][..]),
        any::<u64>(),
        prop::sample::select(&["", ":443", ":8080", ":3000"][..]),
        prop::sample::select(&["", "&utm=qr", "#top", "&t2=x"][..]),
        any::<bool>(),
    )
        .prop_map(|(c, t, scheme, mask, port, extra, relative)| {
            let (code, token) = (code_of(&c), token_of(&t));
            let path = citizen_path(&code, &token);
            let text = if relative {
                format!("{path}{extra}")
            } else {
                format!("{scheme}://{}{port}{path}{extra}", flip_case(OWN_HOST, mask))
            };
            (text, ScanTarget::CitizenLink { code, token })
        });
    let portal = (
        valid_code(),
        "[a-wyz][a-z0-9]{0,10}(-[a-z0-9]{1,8})?",
        prop::sample::select(&["mahoso", "MaHoSo", "ma_ho_so", "hoso", "code", "dossier", "SoHoSo", "so_ho_so"][..]),
        prop::sample::select(&["/danh-gia", "/", "/mucdo-hailong/index", ""][..]),
        any::<bool>(),
    )
        .prop_map(|(c, sub, param, path, escape)| {
            let value = if escape { c.replace('/', "%2F") } else { c.clone() };
            let host = format!("{sub}.quangtri.gov.vn");
            let text = format!("https://{host}{path}?lang=vi&{param}={value}");
            (text, ScanTarget::PortalLink { code: code_of(&c), host })
        });
    prop_oneof![bare, citizen, portal]
}

/// Payloads nobody should open: other schemes, foreign and look-alike hosts,
/// user-info tricks, Wi-Fi and contact QR codes.
fn hostile_payload() -> impl Strategy<Value = String> {
    prop::sample::select(
        &[
            "javascript:alert(1)//https://danhgia.trieuphong.gov.vn/r/A1?t=Abcdefgh12",
            "data:text/html,<script>alert(1)</script>",
            "WIFI:S:cafe;T:WPA;P:secret;;",
            "BEGIN:VCARD\nFN:x\nEND:VCARD",
            "mailto:a@b.c",
            "tel:+84123456789",
            "https://danhgia.trieuphong.gov.vn.evil.example/r/A1?t=Abcdefgh12",
            "https://danhgia.trieuphong.gov.vn@evil.example/r/A1?t=Abcdefgh12",
            "https://evil.example\\@danhgia.trieuphong.gov.vn/r/A1?t=Abcdefgh12",
            "https://danhgiа.trieuphong.gov.vn/r/A1?t=Abcdefgh12",
            "https://evilgov.vn/?mahoso=A1",
            "https://.gov.vn/?mahoso=A1",
            "//evil.example/r/A1?t=Abcdefgh12",
            "/r/../admin?t=Abcdefgh12",
            "/r/A1%2F..%2F..?t=Abcdefgh12",
            "/r/%C3%A3?t=Abcdefgh12",
            "https://danhgia.trieuphong.gov.vn/r/A1?t=Abcdefgh12&t=short",
            "https://[::1]/r/A1?t=Abcdefgh12",
            "https://127.0.0.1/r/A1?t=Abcdefgh12",
            "file:///etc/passwd",
        ][..],
    )
    .prop_map(str::to_owned)
}

fn scan_input() -> impl Strategy<Value = (String, Option<ScanTarget>)> {
    let unknown = |s: BoxedStrategy<String>| s.prop_map(|s| (s, None));
    let near_limit = ("[A-Z0-9]{2040,2056}", valid_code()).prop_map(|(pad, c)| format!("{c}{pad}"));
    prop_oneof![
        3 => valid_payload().prop_map(|(s, t)| (s, Some(t))),
        6 => unknown(mutated(valid_payload().prop_map(|(s, _)| s)).boxed()),
        2 => unknown(mutated(hostile_payload()).boxed()),
        2 => unknown(any_text(300).boxed()),
        1 => unknown(near_limit.boxed()),
    ]
}

#[test]
fn fuzz_scan_payload() {
    let policy = policy();
    fuzz(file!(), "core/scan_payload", SHORT, scan_input(), |(input, expected)| {
        let got = parse_scan(&input, &policy);
        if let Some(expected) = expected {
            prop_assert_eq!(&got, &Ok(expected), "{:?}", input);
        }
        let t = input.trim();
        if input.len() > MAX_SCAN_LEN {
            prop_assert_eq!(got, Err(ScanError::TooLong));
            return Ok(());
        }
        prop_assert_eq!(t.is_empty(), got == Err(ScanError::Empty));
        if t.is_empty() {
            return Ok(());
        }
        if !t.is_empty() && t.chars().any(char::is_control) {
            prop_assert_eq!(got, Err(ScanError::ControlChars));
            return Ok(());
        }
        match got {
            Ok(target) => {
                let code = target.code();
                prop_assert_eq!(DossierCode::parse(code.as_str()).ok(), Some(code.clone()));
                match &target {
                    ScanTarget::Code(c) => {
                        prop_assert!(!t.contains(':'));
                        prop_assert_eq!(DossierCode::parse(&input).ok(), Some(c.clone()));
                    }
                    ScanTarget::CitizenLink { code, token } => {
                        // Only from our own host (or a link relative to it).
                        if !t.starts_with(CITIZEN_PATH_PREFIX) {
                            // (A fully qualified name's root dot is the same host.)
                            let host = url::Url::parse(t).ok().and_then(|u| {
                                u.host_str().map(|h| h.strip_suffix('.').unwrap_or(h).to_ascii_lowercase())
                            });
                            prop_assert_eq!(host.as_deref(), Some(OWN_HOST));
                        }
                        prop_assert!(CitizenToken::parse(token.as_str()).is_ok());
                        // The link we would print for it reads back the same, absolute or relative.
                        let path = citizen_path(code, token);
                        prop_assert_eq!(parse_scan(&path, &policy), Ok(target.clone()));
                        prop_assert_eq!(parse_scan(&format!("https://{OWN_HOST}{path}"), &policy), Ok(target.clone()));
                    }
                    ScanTarget::PortalLink { host, .. } => {
                        prop_assert!(host.ends_with(".gov.vn") && host.len() > ".gov.vn".len(), "{}", host);
                        prop_assert_eq!(host, &host.to_ascii_lowercase());
                        prop_assert!(host != OWN_HOST);
                        prop_assert!(t.to_ascii_lowercase().starts_with("http"));
                    }
                }
            }
            Err(ScanError::UnsupportedScheme(scheme)) => {
                prop_assert!(scheme != "http" && scheme != "https");
                prop_assert!(t.to_ascii_lowercase().starts_with(&format!("{scheme}:")), "{:?}", t);
            }
            Err(ScanError::NotADossierCode(_)) | Err(ScanError::ForeignUrl { .. }) | Err(ScanError::MalformedLink) => {}
            Err(e @ (ScanError::TooLong | ScanError::Empty | ScanError::ControlChars)) => {
                prop_assert!(false, "{e:?} for {input:?}");
            }
        }
        Ok(())
    });
}

// ---------------------------------------------------------------------------
// Dossier CSV

/// What a row of a generated file must come out as.
#[derive(Debug, Clone, PartialEq)]
enum Expect {
    Row,
    Error(&'static str),
    /// All cells empty: skipped without a word.
    Skipped,
}

/// One cell's defect, or none.
#[derive(Debug, Clone, Copy)]
enum Defect {
    None,
    BadCode,
    TooLong,
    Control,
    Missing,
    BadDate,
    DateOrder,
    Blank,
}

#[derive(Debug, Clone)]
struct GenRow {
    cells: BTreeMap<&'static str, String>,
    expect: Expect,
}

const PROCEDURES: [&str; 5] = [
    "Đăng ký khai sinh",
    "Chứng thực bản sao từ bản chính giấy tờ, văn bản",
    "Cấp giấy phép xây dựng \"nhà ở\" riêng lẻ",
    "<script>alert(1)</script>",
    "=HYPERLINK(\"http://x\")",
];

fn gen_row() -> impl Strategy<Value = GenRow> {
    let defect = prop_oneof![
        8 => Just(Defect::None),
        1 => Just(Defect::BadCode),
        1 => Just(Defect::TooLong),
        1 => Just(Defect::Control),
        1 => Just(Defect::Missing),
        1 => Just(Defect::BadDate),
        1 => Just(Defect::DateOrder),
        1 => Just(Defect::Blank),
    ];
    (
        valid_code(),
        prop::sample::select(&PROCEDURES[..]),
        prop::sample::select(&["H45", "H45.03", "H45.12", "H99"][..]),
        prop::option::of(prop::sample::select(&["Lê Thị Hoa", "Nguyễn Văn An", " Trần  Bình "][..])),
        (2019u16..2027, 1u8..13, 1u8..29, 0i64..40, prop::option::of(0i64..40), any::<bool>()),
        defect,
        any::<Index>(),
    )
        .prop_map(
            |(code, procedure, agency, official, (y, m, d, allowed, returned, short_dates), defect, pick)| {
                let received = CivilDate::new(y, m, d).unwrap_or_else(|e| panic!("{e}"));
                let after = |n: i64| received.add_days(n).unwrap_or(received);
                let vn = |date: CivilDate| {
                    if short_dates {
                        format!("{}/{}/{}", date.day(), date.month(), date.year())
                    } else {
                        date.format_vn()
                    }
                };
                let mut cells: BTreeMap<&'static str, String> = BTreeMap::new();
                cells.insert("ma_ho_so", code);
                cells.insert("thu_tuc", procedure.to_owned());
                cells.insert("co_quan", agency.to_owned());
                cells.insert("can_bo", official.unwrap_or_default().to_owned());
                cells.insert("nguoi_nop", "Phan Văn Bình".to_owned());
                cells.insert("ngay_tiep_nhan", vn(received));
                cells.insert("ngay_hen_tra", vn(after(allowed)));
                cells.insert("ngay_tra", returned.map(|r| vn(after(r))).unwrap_or_default());
                let text_column = *pick.get(&["thu_tuc", "co_quan", "can_bo", "nguoi_nop"]);
                let expect = match defect {
                    Defect::None => Expect::Row,
                    Defect::BadCode => {
                        let long = "9".repeat(65);
                        let bad = *pick.get(&["bad code!", "mã-1", "-A1", "A1/", "<b>", long.as_str(), "A\u{feff}1"]);
                        cells.insert("ma_ho_so", bad.to_owned());
                        Expect::Error("bad_code")
                    }
                    Defect::TooLong => {
                        cells.insert(text_column, "ệ".repeat(MAX_TEXT + 1));
                        // The agency is a code, not free text: outside its alphabet it is a bad code.
                        Expect::Error(if text_column == "co_quan" { "bad_code" } else { "too_long" })
                    }
                    Defect::Control => {
                        let c = *pick.get(&[
                            "\t",
                            "\u{7}",
                            "\u{1b}[31m",
                            "a\nb",
                            "a\rb",
                            "\u{85}",
                            "\u{0}",
                            "\u{202e}",
                            "\u{200b}",
                            "\u{2066}",
                        ]);
                        cells.insert(text_column, format!("Chứng{c}thực"));
                        Expect::Error(if text_column == "co_quan" { "bad_code" } else { "bad_text" })
                    }
                    Defect::Missing => {
                        cells.insert(*pick.get(&["thu_tuc", "co_quan"]), "   ".to_owned());
                        Expect::Error("missing_value")
                    }
                    Defect::BadDate => {
                        let column = *pick.get(&["ngay_tiep_nhan", "ngay_hen_tra", "ngay_tra"]);
                        let bad = *pick.get(&[
                            "31/02/2024",
                            "29/02/2023",
                            "00/01/2024",
                            "2024-01-05",
                            "5/13/2024",
                            "1/1/24",
                            "x",
                        ]);
                        cells.insert(column, bad.to_owned());
                        Expect::Error("bad_date")
                    }
                    Defect::DateOrder => {
                        let before = received.add_days(-1 - allowed).unwrap_or(received);
                        if before == received {
                            Expect::Row
                        } else {
                            cells.insert(*pick.get(&["ngay_hen_tra", "ngay_tra"]), vn(before));
                            Expect::Error("date_order")
                        }
                    }
                    Defect::Blank => {
                        cells.values_mut().for_each(|v| *v = String::new());
                        Expect::Skipped
                    }
                };
                GenRow { cells, expect }
            },
        )
}

#[derive(Debug, Clone)]
struct GenFile {
    columns: Vec<&'static str>,
    header_names: Vec<String>,
    rows: Vec<GenRow>,
    terminator: &'static str,
    bom: bool,
    quote_all: bool,
    blank_lines: Vec<bool>,
}

fn gen_file() -> impl Strategy<Value = GenFile> {
    (
        Just(COLUMNS.to_vec()).prop_shuffle(),
        prop::collection::vec((any::<bool>(), any::<bool>()), COLUMNS.len()),
        prop::collection::vec(gen_row(), 0..12),
        prop::sample::select(&["\n", "\r\n", "\r"][..]),
        any::<bool>(),
        any::<bool>(),
        prop::collection::vec(prop::bool::weighted(0.1), 12),
    )
        .prop_map(|(columns, styles, rows, terminator, bom, quote_all, blank_lines)| {
            let header_names = columns
                .iter()
                .zip(styles)
                .map(|(c, (upper, padded))| {
                    let name = if upper { c.to_ascii_uppercase() } else { (*c).to_owned() };
                    if padded { format!(" {name} ") } else { name }
                })
                .collect();
            GenFile { columns, header_names, rows, terminator, bom, quote_all, blank_lines }
        })
}

fn csv_cell(s: &str, quote_all: bool) -> String {
    if quote_all || s.contains([',', '"', '\n', '\r']) || s.starts_with(' ') || s.ends_with(' ') {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_owned()
    }
}

impl GenFile {
    /// The file's text and, per generated row, the line it starts on.
    fn render(&self) -> (String, Vec<usize>) {
        let mut text = String::new();
        let mut line = 1;
        if self.bom {
            text.push('\u{feff}');
        }
        let header: Vec<String> = self.header_names.iter().map(|h| csv_cell(h, self.quote_all)).collect();
        text.push_str(&header.join(","));
        text.push_str(self.terminator);
        let mut lines = Vec::new();
        for (i, row) in self.rows.iter().enumerate() {
            line += 1;
            if self.blank_lines[i % self.blank_lines.len()] {
                text.push_str(self.terminator);
                line += 1;
            }
            lines.push(line);
            let cells: Vec<String> = self.columns.iter().map(|c| csv_cell(&row.cells[c], self.quote_all)).collect();
            let record = cells.join(",");
            // Line breaks inside quoted cells count as lines of the file.
            line += record.matches('\n').count() + record.matches('\r').count() - record.matches("\r\n").count();
            text.push_str(&record);
            text.push_str(self.terminator);
        }
        (text, lines)
    }
}

/// What holds for any answer of `parse_csv`, whatever the input.
fn check_csv_answer(input: &str) -> Result<Option<(usize, usize)>, TestCaseError> {
    let physical_lines = input.split(['\n', '\r']).count().max(1);
    match parse_csv(input) {
        Ok((rows, errors)) => {
            let mut lines: Vec<usize> = rows.iter().map(|r| r.line).chain(errors.iter().map(|e| e.line)).collect();
            lines.sort_unstable();
            let before = lines.len();
            lines.dedup();
            prop_assert_eq!(lines.len(), before, "two answers for one line");
            prop_assert!(lines.iter().all(|l| (2..=physical_lines).contains(l)), "{:?} of {}", lines, physical_lines);
            prop_assert!(rows.windows(2).all(|w| w[0].line < w[1].line));
            for r in &rows {
                let reparsed = DossierCode::parse(r.code.as_str());
                prop_assert_eq!(reparsed.as_ref(), Ok(&r.code));
                for t in [&r.procedure, &r.agency_id].into_iter().chain(r.official.as_ref()).chain(r.applicant.as_ref())
                {
                    prop_assert!(!t.is_empty() && t.trim() == t.as_str(), "{:?}", t);
                    prop_assert!(t.chars().count() <= MAX_TEXT);
                    prop_assert!(!t.chars().any(danhgia_core::text::is_hidden), "{:?}", t);
                }
                prop_assert!(r.appointed_on >= r.received_on);
                prop_assert!(r.returned_on.is_none_or(|d| d >= r.received_on));
            }
            let known = ["bad_row", "bad_code", "too_long", "bad_text", "missing_value", "bad_date", "date_order"];
            for e in &errors {
                prop_assert!(known.contains(&e.reason), "{:?}", e);
            }
            Ok(Some((rows.len(), errors.len())))
        }
        Err(FileError::MissingColumns(missing)) => {
            prop_assert!(!missing.is_empty() && missing.iter().all(|c| REQUIRED.contains(c)));
            Ok(None)
        }
        Err(FileError::NotCsv(_)) | Err(FileError::TooManyRows) => Ok(None),
    }
}

#[derive(Debug, Clone)]
enum CsvInput {
    /// A generated file, whose every row's outcome is known.
    Known(GenFile),
    Bytes(Vec<u8>),
}

fn csv_input() -> impl Strategy<Value = CsvInput> {
    let rendered = || gen_file().prop_map(|f| f.render().0.into_bytes());
    let header = COLUMNS.join(",").into_bytes();
    prop_oneof![
        4 => gen_file().prop_map(CsvInput::Known),
        4 => mutated_bytes(rendered()).prop_map(CsvInput::Bytes),
        2 => mutated(rendered().prop_map(|b| String::from_utf8(b).unwrap_or_default())).prop_map(|s| CsvInput::Bytes(s.into_bytes())),
        1 => (Just(header), prop::collection::vec(any::<u8>(), 0..400)).prop_map(|(mut h, tail)| { h.push(b'\n'); h.extend(tail); CsvInput::Bytes(h) }),
        1 => any_text(400).prop_map(|s| CsvInput::Bytes(s.into_bytes())),
    ]
}

#[test]
fn fuzz_dossier_csv() {
    fuzz(file!(), "core/dossier_csv", SHORT / 2, csv_input(), |input| {
        match input {
            CsvInput::Known(file) => {
                let (text, lines) = file.render();
                let (rows, errors) = parse_csv(&text).map_err(|e| TestCaseError::fail(format!("{e}: {text:?}")))?;
                check_csv_answer(&text)?;
                let mut got_rows = rows.iter();
                let mut got_errors = errors.iter();
                for (row, line) in file.rows.iter().zip(&lines) {
                    match &row.expect {
                        Expect::Skipped => {}
                        Expect::Row => {
                            let got = got_rows.next();
                            prop_assert!(
                                got.is_some_and(|r| r.line == *line),
                                "line {}: {:?} in {:?}",
                                line,
                                got,
                                text
                            );
                            let Some(got) = got else { continue };
                            let cell = |c: &str| row.cells[c].trim().to_owned();
                            prop_assert_eq!(got.code.as_str(), cell("ma_ho_so").to_ascii_uppercase());
                            prop_assert_eq!(&got.procedure, &cell("thu_tuc"));
                            prop_assert_eq!(&got.agency_id, &cell("co_quan"));
                            prop_assert_eq!(got.official.clone().unwrap_or_default(), cell("can_bo"));
                            prop_assert_eq!(
                                got.received_on.format_vn(),
                                CivilDate::parse_vn(&cell("ngay_tiep_nhan"))
                                    .map(CivilDate::format_vn)
                                    .unwrap_or_default()
                            );
                        }
                        Expect::Error(reason) => {
                            let got = got_errors.next();
                            prop_assert!(
                                got.is_some_and(|e| e.line == *line && e.reason == *reason),
                                "line {} should be {}: {:?} in {:?}",
                                line,
                                reason,
                                got,
                                text
                            );
                        }
                    }
                }
                prop_assert!(got_rows.next().is_none() && got_errors.next().is_none(), "extra answers for {:?}", text);
            }
            CsvInput::Bytes(bytes) => {
                // The server refuses non-UTF-8 files before parsing; the app reads them lossily.
                match std::str::from_utf8(&bytes) {
                    Ok(text) => {
                        check_csv_answer(text)?;
                    }
                    Err(_) => {
                        check_csv_answer(&String::from_utf8_lossy(&bytes))?;
                    }
                }
            }
        }
        Ok(())
    });
}

// ---------------------------------------------------------------------------
// Rating records

fn builtin() -> &'static RuleBook {
    static BOOK: std::sync::OnceLock<RuleBook> = std::sync::OnceLock::new();
    BOOK.get_or_init(RuleBook::builtin)
}

/// One defect put into a valid record, or none.
#[derive(Debug, Clone, Copy)]
enum RecordDefect {
    None,
    Id,
    Code,
    Ruleset,
    ClientTime,
    CommentTooLong,
    CommentControl,
    UnknownQuestion,
    DerivedAnswered,
    UnknownOption,
    Blank,
    Missing,
}

fn record_defect() -> impl Strategy<Value = RecordDefect> {
    use RecordDefect::*;
    prop::sample::select(
        &[
            None,
            None,
            None,
            Id,
            Code,
            Ruleset,
            ClientTime,
            CommentTooLong,
            CommentControl,
            UnknownQuestion,
            DerivedAnswered,
            UnknownOption,
            Blank,
            Missing,
        ][..],
    )
}

#[derive(Debug, Clone)]
struct GenRecord {
    version: usize,
    dates: DossierDates,
    record: RatingRecord,
    /// The answer `check_record` must give.
    expect: Result<(), Reason>,
}

fn any_dates() -> impl Strategy<Value = DossierDates> {
    (0i64..3000, 0i64..40, prop::option::of(-10i64..10)).prop_map(|(start, allowed, returned)| {
        let base = CivilDate::new(2019, 1, 1).unwrap_or_else(|e| panic!("{e}"));
        let received = base.add_days(start).unwrap_or(base);
        let appointed = received.add_days(allowed).unwrap_or(received);
        let returned = returned.map(|r| appointed.add_days(r).unwrap_or(appointed).max(received));
        DossierDates { received_on: received, appointed_on: appointed, returned_on: returned }
    })
}

fn uuid_v4() -> impl Strategy<Value = String> {
    ("[0-9a-f]{8}", "[0-9a-f]{4}", "[0-9a-f]{3}", "[89ab]", "[0-9a-f]{3}", "[0-9a-f]{12}")
        .prop_map(|(a, b, c, v, d, e)| format!("{a}-{b}-4{c}-{v}{d}-{e}"))
}

fn gen_record() -> impl Strategy<Value = GenRecord> {
    (
        0usize..2,
        any_dates(),
        prop::sample::select(&[Channel::Online, Channel::Paper, Channel::Kiosk][..]),
        prop::collection::vec(any::<Index>(), 16),
        uuid_v4(),
        valid_code(),
        prop::option::of("\\PC{0,60}"),
        prop::sample::select(&["2024-03-20T09:15:00.000Z", "2026-11-27T08:00:00+07:00", "2025-01-01T00:00:00Z"][..]),
        record_defect(),
        any::<Index>(),
    )
        .prop_map(|(version, dates, channel, picks, id, code, comment, client_time, defect, pick)| {
            let rules = &builtin().sets()[version];
            let form = form_for(rules, &dates);
            let mut answers = BTreeMap::new();
            for (i, q) in form.iter().filter(|q| q.is_asked()).enumerate() {
                let choice = picks[i % picks.len()].get(&q.question.choices).0;
                answers.insert(q.question.key.to_owned(), choice.to_owned());
            }
            // A plain comment: without the invisible characters (line and
            // paragraph separators, bidi controls …) the defects bring in.
            let comment =
                comment.map(|c| c.chars().filter(|ch| !danhgia_core::text::is_hidden(*ch)).collect::<String>());
            let comment = comment.map(|c| c.trim().to_owned());
            let mut record = RatingRecord {
                id,
                dossier_code: code,
                citizen_token: None,
                channel,
                ruleset_version: rules.version.clone(),
                answers,
                comment,
                client_time: client_time.to_owned(),
            };
            let paper = channel == Channel::Paper;
            let asked: Vec<&str> = form.iter().filter(|q| q.is_asked()).map(|q| q.question.key).collect();
            let derived: Vec<&str> = form.iter().filter(|q| !q.is_asked()).map(|q| q.question.key).collect();
            let expect = match defect {
                RecordDefect::None => Ok(()),
                RecordDefect::Id => {
                    let bad = [
                        record.id.to_uppercase(),
                        record.id.replacen('4', "1", 1),
                        format!(" {}", record.id),
                        String::new(),
                        record.id[..35].to_owned(),
                        record.id.replace('-', ""),
                    ];
                    record.id = pick.get(&bad).clone();
                    if is_uuid_v4(&record.id) { Ok(()) } else { Err(Reason::BadId) }
                }
                RecordDefect::Code => {
                    let long = "7".repeat(65);
                    record.dossier_code =
                        (*pick.get(&["", "<b>", "A B", "mã-1", "A1-", "../x", long.as_str()])).to_owned();
                    Err(Reason::BadCode)
                }
                RecordDefect::Ruleset => {
                    record.ruleset_version = (*pick.get(&["", "tt01", "TT01-2018", " tt01-2018", "x"])).to_owned();
                    Err(Reason::RulesetMismatch)
                }
                RecordDefect::ClientTime => {
                    let bad = [
                        "",
                        "yesterday",
                        "2024-02-30T09:00:00Z",
                        "2024-03-20 09:15:00Z",
                        "2024-03-20T09:15",
                        "2024-03-20T１０:00:00Z",
                        "20240320T091500Z",
                    ];
                    record.client_time = (*pick.get(&bad)).to_owned();
                    Err(Reason::BadClientTime)
                }
                RecordDefect::CommentTooLong => {
                    record.comment = Some("ệ".repeat(MAX_COMMENT_CHARS + 1));
                    Err(Reason::CommentTooLong)
                }
                RecordDefect::CommentControl => {
                    let c = *pick.get(&["\r", "\0", "\u{1b}", "\u{7f}", "\u{85}", "\u{b}"]);
                    record.comment = Some(format!("Cán bộ{c}nhiệt tình"));
                    Err(Reason::BadComment)
                }
                RecordDefect::UnknownQuestion => {
                    record
                        .answers
                        .insert((*pick.get(&["i5", "i9", "x", "", "I3", "s_overall "])).to_owned(), "none".into());
                    Err(Reason::UnknownQuestion)
                }
                RecordDefect::DerivedAnswered if !derived.is_empty() => {
                    let key = *pick.get(&derived);
                    record.answers.insert(key.to_owned(), "equal".into());
                    // A slip may carry the tick; the dates still decide.
                    if paper { Ok(()) } else { Err(Reason::DerivedAnswered) }
                }
                RecordDefect::UnknownOption => {
                    let key = *pick.get(&asked);
                    let bad = *pick.get(&["", "twice", "NONE", "very_satisfied ", "2", "Rất hài lòng"]);
                    record.answers.insert(key.to_owned(), bad.to_owned());
                    Err(Reason::UnknownOption)
                }
                RecordDefect::Blank => {
                    record.answers.insert((*pick.get(&asked)).to_owned(), BLANK.into());
                    if paper { Ok(()) } else { Err(Reason::BlankNotAllowed) }
                }
                RecordDefect::Missing => {
                    record.answers.remove(*pick.get(&asked));
                    Err(Reason::MissingAnswer)
                }
                RecordDefect::DerivedAnswered => Ok(()),
            };
            GenRecord { version, dates, record, expect }
        })
}

/// What holds for every record `check_record` accepts, stated apart from
/// how it checks.
fn accepted_record_is_sound(r: &RatingRecord, rules: &RuleSet, dates: &DossierDates) -> TestCaseResult {
    let hex = |s: &str| s.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b));
    let groups: Vec<&str> = r.id.split('-').collect();
    prop_assert!(groups.iter().map(|g| g.len()).eq([8, 4, 4, 4, 12]) && groups.iter().all(|g| hex(g)), "id {:?}", r.id);
    prop_assert!(groups[2].starts_with('4') && groups[3].starts_with(['8', '9', 'a', 'b']));
    prop_assert!(DossierCode::parse(&r.dossier_code).is_ok());
    prop_assert_eq!(&r.ruleset_version, &rules.version);
    let t = r.client_time.as_str();
    prop_assert!((19..=40).contains(&t.len()) && t.is_ascii() && &t[10..11] == "T", "{:?}", t);
    prop_assert!(CivilDate::parse_iso(&t[..10]).is_ok());
    if let Some(c) = &r.comment {
        prop_assert!(c.chars().count() <= MAX_COMMENT_CHARS);
        prop_assert!(!c.chars().any(|ch| danhgia_core::text::is_hidden(ch) && ch != '\n' && ch != '\t'), "{:?}", c);
    }
    let form = form_for(rules, dates);
    for (key, value) in &r.answers {
        let q = form.iter().find(|q| q.question.key == key);
        prop_assert!(q.is_some(), "{key} is not on the form");
        let Some(q) = q else { continue };
        prop_assert!(q.is_asked() || r.channel == Channel::Paper);
        prop_assert!(
            q.question.choices.iter().any(|(k, _)| k == value) || (value == BLANK && r.channel == Channel::Paper)
        );
    }
    prop_assert!(form.iter().filter(|q| q.is_asked()).all(|q| r.answers.contains_key(q.question.key)));
    Ok(())
}

#[derive(Debug, Clone)]
enum RecordInput {
    Known(GenRecord),
    /// JSON text (mutated records, or anything), checked against both sets and these dates.
    Json(Vec<u8>, DossierDates),
}

fn record_input() -> impl Strategy<Value = RecordInput> {
    let json = || gen_record().prop_map(|g| serde_json::to_vec(&g.record).unwrap_or_default());
    prop_oneof![
        4 => gen_record().prop_map(RecordInput::Known),
        4 => (mutated(json().prop_map(|b| String::from_utf8(b).unwrap_or_default())), any_dates()).prop_map(|(s, d)| RecordInput::Json(s.into_bytes(), d)),
        2 => (mutated_bytes(json()), any_dates()).prop_map(|(b, d)| RecordInput::Json(b, d)),
        1 => (any_text(200).prop_map(String::into_bytes), any_dates()).prop_map(|(b, d)| RecordInput::Json(b, d)),
    ]
}

#[test]
fn fuzz_rating_record() {
    fuzz(file!(), "core/rating_record", SHORT, record_input(), |input| {
        match input {
            RecordInput::Known(g) => {
                let rules = &builtin().sets()[g.version];
                let got = check_record(&g.record, rules, &g.dates).map_err(|r| r.reason);
                prop_assert_eq!(got, g.expect, "{:?}", g.record);
                if got.is_ok() {
                    accepted_record_is_sound(&g.record, rules, &g.dates)?;
                }
                // The wire form reads back as the same record, alone or in a batch.
                let json = serde_json::to_string(&g.record).map_err(|e| TestCaseError::fail(e.to_string()))?;
                prop_assert_eq!(serde_json::from_str::<RatingRecord>(&json).ok(), Some(g.record.clone()));
                let batch = format!("{{\"records\":[{json},{json}]}}");
                prop_assert_eq!(serde_json::from_str::<RatingBatch>(&batch).map(|b| b.records.len()).ok(), Some(2));
            }
            RecordInput::Json(bytes, dates) => {
                let Ok(record) = serde_json::from_slice::<RatingRecord>(&bytes) else { return Ok(()) };
                let again = serde_json::to_string(&record).map_err(|e| TestCaseError::fail(e.to_string()))?;
                prop_assert_eq!(serde_json::from_str::<RatingRecord>(&again).ok(), Some(record.clone()));
                for rules in builtin().sets() {
                    match check_record(&record, rules, &dates) {
                        Ok(()) => accepted_record_is_sound(&record, rules, &dates)?,
                        Err(why) => prop_assert_eq!(Reason::from_code(why.reason.code()), Some(why.reason)),
                    }
                }
            }
        }
        Ok(())
    });
}

// ---------------------------------------------------------------------------
// What administrators type: user names, agency codes, free text, passwords

fn account_input() -> impl Strategy<Value = String> {
    let valid = prop_oneof![
        "[a-z][a-z0-9._-]{2,20}",
        "canbo\\.h[0-9]{2}(\\.[0-9]{2})?",
        "H[0-9]{2}(\\.[0-9]{2}){0,2}",
        "[A-Za-z0-9]([A-Za-z0-9.-]{0,30}[A-Za-z0-9])?",
        "[A-Za-zÀ-ỹ ]{1,40}",
        Just("Lê Thị Hoa".to_owned()),
        Just("hoa sen nở muộn".to_owned()),
        Just("dòng 1\r\ndòng 2".to_owned()),
    ];
    prop_oneof![
        3 => valid.clone(),
        6 => mutated(valid),
        2 => any_text(80),
        1 => any_text(300),
    ]
}

#[test]
fn fuzz_account_fields() {
    fuzz(file!(), "core/account_fields", SHORT, (account_input(), account_input()), |(input, other)| {
        if let Ok(name) = normalize_username(&input) {
            // Only the documented alphabet, from the input's own characters.
            prop_assert!((3..=64).contains(&name.len()));
            prop_assert!(
                name.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || "._-".contains(c)),
                "{:?}",
                name
            );
            prop_assert_eq!(&name, &input.trim().to_ascii_lowercase(), "{:?}", input);
            prop_assert_eq!(normalize_username(&name), Ok(name.clone()));
        }
        match normalize_agency_code(&input) {
            Ok(code) => {
                prop_assert!((1..=32).contains(&code.len()));
                prop_assert!(
                    code.chars().all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || ".-".contains(c)),
                    "{:?}",
                    code
                );
                prop_assert!(
                    code.starts_with(|c: char| c.is_ascii_alphanumeric())
                        && code.ends_with(|c: char| c.is_ascii_alphanumeric())
                );
                prop_assert_eq!(&code, &input.trim().to_ascii_uppercase(), "{:?}", input);
                prop_assert_eq!(normalize_agency_code(&code.to_ascii_lowercase()), Ok(code.clone()));
            }
            Err(Problem::BadChar { ch }) => prop_assert!(!ch.is_ascii_alphanumeric(), "{:?}", ch),
            Err(_) => {}
        }
        for max in [1, 50, 300] {
            if let Ok(line) = clean_line(&input, max) {
                prop_assert!(!line.is_empty() && line.trim() == line && line.chars().count() <= max);
                prop_assert!(!line.chars().any(danhgia_core::text::is_hidden), "{:?}", line);
                prop_assert_eq!(clean_line(&line, max), Ok(line.clone()));
            }
            if let Ok(text) = clean_text(&input, max) {
                prop_assert!(!text.is_empty() && text.trim() == text && text.chars().count() <= max);
                prop_assert!(!text.chars().any(|c| danhgia_core::text::is_hidden(c) && c != '\n'), "{:?}", text);
                prop_assert_eq!(clean_text(&text, max), Ok(text.clone()));
            }
        }
        match check_password(&input, &other) {
            Ok(()) => {
                let n = input.chars().count();
                prop_assert!((MIN_PASSWORD_LEN..=MAX_PASSWORD_LEN).contains(&n));
                let lower = input.to_lowercase();
                prop_assert!(lower.chars().any(|c| !lower.starts_with(c)));
                let user = other.trim().to_lowercase();
                prop_assert!(user.is_empty() || !lower.contains(&user));
            }
            Err(p) => prop_assert!(["weak_password", "too_long"].contains(&p.code())),
        }
        Ok(())
    });
}

// ---------------------------------------------------------------------------
// Agency and official CSV (the administrators' imports)

fn admin_csv_input() -> impl Strategy<Value = (bool, String)> {
    let agency_row = (
        "[Hh][0-9]{2}(\\.[0-9A-Z]{2}){0,2}",
        prop::sample::select(&["UBND xã Triệu Vân", "Phòng Tư pháp", "\"Văn phòng, HĐND\"", ""][..]),
        prop::sample::select(&["xã", "xa", "phong_ban", "huyện", "Thị trấn", "town", "thôn", ""][..]),
        prop::sample::select(&["H45", "h45.03", "", "H45/1"][..]),
    )
        .prop_map(|(code, name, level, parent)| format!("{code},{name},{level},{parent}"));
    let official_row = (
        "[Hh][0-9]{2}(\\.[0-9]{2})?",
        prop::sample::select(&["Lê Văn A", "", "\"Trần, Thị B\"", "Ngô\u{7}C"][..]),
        prop::sample::select(&["Công chức", "", "Chủ tịch"][..]),
    )
        .prop_map(|(agency, name, position)| format!("{agency},{name},{position}"));
    let file = |header: &'static str, row: BoxedStrategy<String>| {
        (prop::collection::vec(row, 0..8), prop::sample::select(&["\n", "\r\n", "\r"][..]))
            .prop_map(move |(rows, end)| format!("{header}{end}{}", rows.join(end)))
    };
    let agencies = || file("ma_co_quan,ten_co_quan,cap,ma_co_quan_cap_tren", agency_row.clone().boxed());
    let officials = || file("co_quan,ho_ten,chuc_vu", official_row.clone().boxed());
    prop_oneof![
        2 => agencies().prop_map(|s| (true, s)),
        2 => officials().prop_map(|s| (false, s)),
        3 => mutated(agencies()).prop_map(|s| (true, s)),
        3 => mutated(officials()).prop_map(|s| (false, s)),
        1 => (any::<bool>(), any_text(300)),
    ]
}

fn is_agency_code(s: &str) -> bool {
    (1..=32).contains(&s.len())
        && s.chars().all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '.')
        && s.starts_with(|c: char| c.is_ascii_alphanumeric())
        && s.ends_with(|c: char| c.is_ascii_alphanumeric())
}

fn clean(s: &str) -> bool {
    s.trim() == s && s.chars().count() <= MAX_TEXT && !s.chars().any(danhgia_core::text::is_hidden)
}

#[test]
fn fuzz_agency_and_official_csv() {
    use danhgia_core::import::{parse_agencies, parse_officials};
    fuzz(file!(), "core/agency_official_csv", SHORT, admin_csv_input(), |(agencies, input)| {
        let physical_lines = input.split(['\n', '\r']).count();
        let known = ["bad_row", "bad_code", "missing_value", "too_long", "bad_text", "bad_level"];
        let (lines, errors) = if agencies {
            let Ok((rows, errors)) = parse_agencies(&input) else { return Ok(()) };
            for r in &rows {
                prop_assert!(is_agency_code(&r.code) && r.parent.as_deref().is_none_or(is_agency_code), "{:?}", r);
                prop_assert!(!r.name.is_empty() && clean(&r.name), "{:?}", r);
                prop_assert!(["province", "district", "commune", "town", "department"].contains(&r.level));
            }
            (rows.iter().map(|r| r.line).collect::<Vec<_>>(), errors)
        } else {
            let Ok((rows, errors)) = parse_officials(&input) else { return Ok(()) };
            for r in &rows {
                prop_assert!(is_agency_code(&r.agency), "{:?}", r);
                prop_assert!(!r.full_name.is_empty() && clean(&r.full_name) && clean(&r.position), "{:?}", r);
            }
            (rows.iter().map(|r| r.line).collect::<Vec<_>>(), errors)
        };
        prop_assert!(errors.iter().all(|e| known.contains(&e.reason)), "{:?}", errors);
        let mut all: Vec<usize> = lines.into_iter().chain(errors.iter().map(|e| e.line)).collect();
        all.sort_unstable();
        let n = all.len();
        all.dedup();
        prop_assert_eq!(all.len(), n, "two answers for one line");
        prop_assert!(all.iter().all(|l| (2..=physical_lines).contains(l)), "{:?} of {}", all, physical_lines);
        Ok(())
    });
}
