//! Dossiers from the one-stop software, as CSV: UTF-8 (a byte-order mark is
//! tolerated), a header row naming the columns in any order, dates
//! dd/mm/yyyy. Every bad row gets its own error with its line and reason;
//! good rows go through.
//!
//! | column | required | content |
//! | --- | --- | --- |
//! | `ma_ho_so` | yes | dossier code |
//! | `thu_tuc` | yes | procedure name |
//! | `co_quan` | yes | agency code (e.g. `H45.03`) |
//! | `can_bo` | no | handling official's full name |
//! | `nguoi_nop` | no | applicant (kept on the server, never shown publicly) |
//! | `ngay_tiep_nhan` | yes | received, dd/mm/yyyy |
//! | `ngay_hen_tra` | yes | appointed return, dd/mm/yyyy |
//! | `ngay_tra` | no | returned, dd/mm/yyyy |

use crate::{CivilDate, DossierCode};

pub const COLUMNS: [&str; 8] =
    ["ma_ho_so", "thu_tuc", "co_quan", "can_bo", "nguoi_nop", "ngay_tiep_nhan", "ngay_hen_tra", "ngay_tra"];
pub const REQUIRED: [&str; 5] = ["ma_ho_so", "thu_tuc", "co_quan", "ngay_tiep_nhan", "ngay_hen_tra"];
/// Rows per file, and characters per text cell.
pub const MAX_ROWS: usize = 20_000;
pub const MAX_TEXT: usize = 300;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DossierRow {
    /// Line in the file (the header is line 1).
    pub line: usize,
    pub code: DossierCode,
    pub procedure: String,
    pub agency_id: String,
    pub official: Option<String>,
    pub applicant: Option<String>,
    pub received_on: CivilDate,
    pub appointed_on: CivilDate,
    pub returned_on: Option<CivilDate>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RowError {
    pub line: usize,
    /// Stable code, for translation.
    pub reason: &'static str,
    /// The column the row is refused for (its header name), where there is one.
    pub column: Option<&'static str>,
    /// That cell as found ([`shown`]), where seeing it helps.
    pub value: Option<String>,
    /// What was wrong, in English, for the API's readers.
    pub detail: String,
}

impl RowError {
    fn new(line: usize, reason: &'static str, detail: String) -> Self {
        RowError { line, reason, column: None, value: None, detail }
    }

    /// About `column`'s cell, which holds `cell`.
    fn at(mut self, column: &'static str, cell: &str) -> Self {
        self.column = Some(column);
        self.value = Some(shown(cell));
        self
    }

    fn in_column(mut self, column: &'static str) -> Self {
        self.column = Some(column);
        self
    }
}

impl From<RowError> for crate::wire::ImportRowError {
    fn from(e: RowError) -> Self {
        crate::wire::ImportRowError {
            line: e.line as u32,
            reason: e.reason.into(),
            column: e.column.map(Into::into),
            value: e.value,
            detail: e.detail,
        }
    }
}

/// Characters of a cell shown back in an import's report.
pub const SHOWN_CHARS: usize = 100;

/// A cell as an import's report shows it back: trimmed, without the
/// characters that change how text shows (a direction mark would scramble
/// the report's row), at most [`SHOWN_CHARS`] characters (then an ellipsis).
pub fn shown(cell: &str) -> String {
    let visible: String = cell.trim().chars().filter(|c| !crate::text::is_hidden(*c)).collect();
    match visible.char_indices().nth(SHOWN_CHARS) {
        Some((at, _)) => format!("{}…", &visible[..at]),
        None => visible,
    }
}

/// What stops a whole file (nothing is imported): `reason()` names it
/// for the app, `Display` in English for the API's readers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FileError {
    NotCsv(String),
    MissingColumns(Vec<&'static str>),
    TooManyRows,
}

impl FileError {
    /// Stable code, for translation.
    pub fn reason(&self) -> &'static str {
        match self {
            FileError::NotCsv(_) => "not_csv",
            FileError::MissingColumns(_) => "missing_columns",
            FileError::TooManyRows => "too_many_rows",
        }
    }

    /// The required columns missing, for `MissingColumns`.
    pub fn columns(&self) -> Vec<String> {
        match self {
            FileError::MissingColumns(c) => c.iter().map(|c| (*c).to_owned()).collect(),
            _ => Vec::new(),
        }
    }
}

impl std::fmt::Display for FileError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            FileError::NotCsv(e) => write!(f, "not a CSV file: {e}"),
            FileError::MissingColumns(c) => write!(f, "missing columns: {}", c.join(", ")),
            FileError::TooManyRows => write!(f, "more than {MAX_ROWS} rows"),
        }
    }
}

/// A name or text as stored: composed (NFC), so that "Tâm" typed as "a"
/// plus a combining circumflex is the same name as the one typed as "â".
/// (Not in `account::clean_line`: the officers' apps use that, and would
/// carry the tables.)
pub fn compose(s: &str) -> String {
    use unicode_normalization::UnicodeNormalization;
    s.nfc().collect()
}

/// The decomposed form of a name (NFD), as a decomposing keyboard setting
/// typed it: what names stored before imports composed them may hold.
pub fn decompose(s: &str) -> String {
    use unicode_normalization::UnicodeNormalization;
    s.nfd().collect()
}

/// A text cell, trimmed and composed ([`compose`]).
fn text(cell: &str, column: &'static str, line: usize) -> Result<String, RowError> {
    let composed = compose(cell.trim());
    let t = composed.as_str();
    if t.chars().count() > MAX_TEXT {
        return Err(RowError::new(line, "too_long", format!("{column}: more than {MAX_TEXT} characters")).at(column, t));
    }
    if t.chars().any(crate::text::is_hidden) {
        return Err(RowError::new(line, "bad_text", format!("{column}: control characters")).in_column(column));
    }
    Ok(t.to_owned())
}

fn date(cell: &str, column: &'static str, line: usize) -> Result<CivilDate, RowError> {
    CivilDate::parse_vn(cell)
        .map_err(|e| RowError::new(line, "bad_date", format!("{column}: {:?} — {e}", cell.trim())).at(column, cell))
}

/// Line numbers as people count them in the file: `\n`, `\r\n` and a lone
/// `\r` each end a line, and blank lines and line breaks inside quoted cells
/// are lines too (the CSV reader's own count knows only `\n`).
struct Lines<'a> {
    text: &'a [u8],
    at: usize,
    line: usize,
}

impl Lines<'_> {
    /// The line a record starts on, from the reader's byte position for it
    /// (which lies before the blank lines it skipped). Positions only grow.
    fn of(&mut self, byte: u64) -> usize {
        let byte = usize::try_from(byte).unwrap_or(usize::MAX).min(self.text.len());
        let start = byte + self.text[byte..].iter().take_while(|b| matches!(b, b'\r' | b'\n')).count();
        for i in self.at..start {
            match self.text[i] {
                b'\n' => self.line += 1,
                b'\r' if self.text.get(i + 1) != Some(&b'\n') => self.line += 1,
                _ => {}
            }
        }
        self.at = self.at.max(start);
        self.line
    }
}

/// The file's separator, read from its header line (the first that is not
/// blank, as the CSV reader skips blank lines): a comma, or the semicolon
/// (or tab) that Excel writes where the decimal mark is a comma, as on
/// Vietnamese Windows, whichever the header has most of outside quotes.
fn delimiter(input: &str) -> u8 {
    let header = input.lines().find(|l| !l.trim().is_empty()).unwrap_or("");
    let (mut quoted, mut counts) = (false, [0usize; 3]);
    for b in header.bytes() {
        match b {
            b'"' => quoted = !quoted,
            b',' if !quoted => counts[0] += 1,
            b';' if !quoted => counts[1] += 1,
            b'\t' if !quoted => counts[2] += 1,
            _ => {}
        }
    }
    let most = counts.iter().copied().max().unwrap_or(0);
    match counts.iter().position(|&c| c == most && c > 0) {
        Some(1) => b';',
        Some(2) => b'\t',
        _ => b',',
    }
}

/// A row's line in the file and its cells.
type TableRow = (usize, Vec<String>);

/// The cells of a CSV file's rows, by column name: the shared first step of
/// every import. `Ok` holds, per non-empty row, its line and its cells in
/// the order of `columns` (missing optional columns read as empty).
fn read_table(
    input: &str,
    columns: &[&'static str],
    required: &[&'static str],
) -> Result<(Vec<TableRow>, Vec<RowError>), FileError> {
    let input = input.strip_prefix('\u{feff}').unwrap_or(input);
    // Excel's "sep=;" first line names the separator; it is no header.
    let sep_line = |first: &str| match first.trim_end_matches('\r').strip_prefix("sep=").map(str::as_bytes) {
        Some(&[c]) => Some(c),
        _ => None,
    };
    let (input, separator, skipped) = match input.split_once('\n') {
        Some((first, rest)) if let Some(c) = sep_line(first) => (rest, c, 1),
        _ => (input, delimiter(input), 0),
    };
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(separator)
        .flexible(true)
        .trim(csv::Trim::All)
        .from_reader(input.as_bytes());
    let headers = reader.headers().map_err(|e| FileError::NotCsv(e.to_string()))?.clone();
    let index = |name: &str| headers.iter().position(|h| h.trim().eq_ignore_ascii_case(name));
    let missing: Vec<&'static str> = required.iter().copied().filter(|c| index(c).is_none()).collect();
    if !missing.is_empty() {
        return Err(FileError::MissingColumns(missing));
    }
    let col: Vec<Option<usize>> = columns.iter().map(|c| index(c)).collect();
    let (mut rows, mut errors) = (Vec::new(), Vec::new());
    let mut lines = Lines { text: input.as_bytes(), at: 0, line: 1 + skipped };
    for (n, record) in reader.records().enumerate() {
        if n >= MAX_ROWS {
            return Err(FileError::TooManyRows);
        }
        let position = match &record {
            Ok(r) => r.position(),
            Err(e) => e.position(),
        };
        let line = position.map_or(n + 2, |p| lines.of(p.byte()));
        let record = match record {
            Ok(r) => r,
            Err(e) => {
                errors.push(RowError::new(line, "bad_row", e.to_string()));
                continue;
            }
        };
        if record.iter().all(|c| c.trim().is_empty()) {
            continue;
        }
        rows.push((line, col.iter().map(|c| c.and_then(|c| record.get(c)).unwrap_or("").to_owned()).collect()));
    }
    Ok((rows, errors))
}

/// Parses rows of one kind: the good rows and one error per bad row.
fn parse_rows<T>(
    input: &str,
    columns: &[&'static str],
    required: &[&'static str],
    parse: impl for<'c> Fn(usize, &'c dyn Fn(usize) -> &'c str) -> Result<T, RowError>,
) -> Result<(Vec<T>, Vec<RowError>), FileError> {
    let (table, mut errors) = read_table(input, columns, required)?;
    let mut rows = Vec::with_capacity(table.len());
    for (line, cells) in table {
        let cell = |i: usize| cells.get(i).map_or("", String::as_str);
        match parse(line, &cell) {
            Ok(r) => rows.push(r),
            Err(e) => errors.push(e),
        }
    }
    errors.sort_by_key(|e| e.line);
    Ok((rows, errors))
}

/// Parses a whole file of dossiers: the good rows and one error per bad row.
pub fn parse_csv(input: &str) -> Result<(Vec<DossierRow>, Vec<RowError>), FileError> {
    parse_rows(input, &COLUMNS, &REQUIRED, |line, cell| row(line, cell))
}

fn agency_code(cell: &str, column: &'static str, line: usize) -> Result<String, RowError> {
    crate::account::normalize_agency_code(cell).map_err(|e| {
        let missing = e == crate::account::Problem::Missing;
        let error = RowError::new(line, if missing { "missing_value" } else { "bad_code" }, format!("{column}: {e}"));
        if missing { error.in_column(column) } else { error.at(column, cell) }
    })
}

/// Agencies, as CSV: `ma_co_quan` (code), `ten_co_quan` (name), `cap`
/// (level: `xa`/`commune`, `thi_tran`/`town`, `phong_ban`/`department`,
/// `huyen`/`district`, `tinh`/`province`), `ma_co_quan_cap_tren` (the parent's code).
pub const AGENCY_COLUMNS: [&str; 4] = ["ma_co_quan", "ten_co_quan", "cap", "ma_co_quan_cap_tren"];

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AgencyRow {
    pub line: usize,
    pub code: String,
    pub name: String,
    /// `province`, `district`, `commune`, `town` or `department`.
    pub level: &'static str,
    pub parent: Option<String>,
}

/// The stored level for a level as written in a file, Vietnamese or English.
pub fn agency_level(s: &str) -> Option<&'static str> {
    let s = s.trim().to_lowercase().replace([' ', '-'], "_");
    Some(match s.as_str() {
        "province" | "tinh" | "tỉnh" => "province",
        "district" | "huyen" | "huyện" => "district",
        "commune" | "xa" | "xã" | "phuong" | "phường" => "commune",
        "town" | "thi_tran" | "thị_trấn" => "town",
        "department" | "phong_ban" | "phòng_ban" | "phong" | "phòng" => "department",
        _ => return None,
    })
}

pub fn parse_agencies(input: &str) -> Result<(Vec<AgencyRow>, Vec<RowError>), FileError> {
    parse_rows(input, &AGENCY_COLUMNS, &["ma_co_quan", "ten_co_quan", "cap"], |line, cell| {
        let code = agency_code(cell(0), "ma_co_quan", line)?;
        let name = text(cell(1), "ten_co_quan", line)?;
        if name.is_empty() {
            return Err(RowError::new(line, "missing_value", "ten_co_quan is required".into()).in_column("ten_co_quan"));
        }
        let level = agency_level(cell(2))
            .ok_or_else(|| RowError::new(line, "bad_level", format!("cap: {:?}", cell(2).trim())).at("cap", cell(2)))?;
        let parent =
            if cell(3).trim().is_empty() { None } else { Some(agency_code(cell(3), "ma_co_quan_cap_tren", line)?) };
        Ok(AgencyRow { line, code, name, level, parent })
    })
}

/// Officials, as CSV: `co_quan` (agency code), `ho_ten` (full name), `chuc_vu` (position).
pub const OFFICIAL_COLUMNS: [&str; 3] = ["co_quan", "ho_ten", "chuc_vu"];

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OfficialRow {
    pub line: usize,
    pub agency: String,
    pub full_name: String,
    pub position: String,
}

pub fn parse_officials(input: &str) -> Result<(Vec<OfficialRow>, Vec<RowError>), FileError> {
    parse_rows(input, &OFFICIAL_COLUMNS, &["co_quan", "ho_ten"], |line, cell| {
        let agency = agency_code(cell(0), "co_quan", line)?;
        let full_name = text(cell(1), "ho_ten", line)?;
        if full_name.is_empty() {
            return Err(RowError::new(line, "missing_value", "ho_ten is required".into()).in_column("ho_ten"));
        }
        Ok(OfficialRow { line, agency, full_name, position: text(cell(2), "chuc_vu", line)? })
    })
}

fn row<'a>(line: usize, cell: &'a dyn Fn(usize) -> &'a str) -> Result<DossierRow, RowError> {
    let code = DossierCode::parse(cell(0))
        .map_err(|e| RowError::new(line, "bad_code", format!("ma_ho_so: {e}")).at("ma_ho_so", cell(0)))?;
    let procedure = text(cell(1), "thu_tuc", line)?;
    if procedure.is_empty() || cell(2).trim().is_empty() {
        let column = if procedure.is_empty() { "thu_tuc" } else { "co_quan" };
        return Err(RowError::new(line, "missing_value", "thu_tuc and co_quan are required".into()).in_column(column));
    }
    let agency_id = agency_code(cell(2), "co_quan", line)?;
    let optional = |i: usize, name: &'static str| text(cell(i), name, line).map(|t| (!t.is_empty()).then_some(t));
    let official = optional(3, "can_bo")?;
    let applicant = optional(4, "nguoi_nop")?;
    let received_on = date(cell(5), "ngay_tiep_nhan", line)?;
    let appointed_on = date(cell(6), "ngay_hen_tra", line)?;
    let returned_on = if cell(7).trim().is_empty() { None } else { Some(date(cell(7), "ngay_tra", line)?) };
    if appointed_on < received_on || returned_on.is_some_and(|r| r < received_on) {
        let (column, cell) = if appointed_on < received_on { ("ngay_hen_tra", cell(6)) } else { ("ngay_tra", cell(7)) };
        return Err(RowError::new(line, "date_order", "a date comes before ngay_tiep_nhan".into()).at(column, cell));
    }
    Ok(DossierRow { line, code, procedure, agency_id, official, applicant, received_on, appointed_on, returned_on })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn agencies_and_officials() {
        let csv = "ma_co_quan,ten_co_quan,cap,ma_co_quan_cap_tren\n\
                   h45.13,UBND xã Triệu Vân,xã,H45\n\
                   H45.P1,Phòng Tư pháp,phong_ban,h45\n\
                   H45/14,X,xa,H45\n\
                   H45.15,Y,thôn,H45\n\
                   H45.16,,xa,H45\n";
        let (rows, errors) = parse_agencies(csv).unwrap();
        assert_eq!(rows.len(), 2);
        assert_eq!(
            (rows[0].code.as_str(), rows[0].level, rows[0].parent.as_deref()),
            ("H45.13", "commune", Some("H45"))
        );
        assert_eq!(rows[1].level, "department");
        let reasons: Vec<_> = errors.iter().map(|e| (e.line, e.reason)).collect();
        assert_eq!(reasons, [(4, "bad_code"), (5, "bad_level"), (6, "missing_value")]);

        let csv = "co_quan,ho_ten,chuc_vu\nH45.01,Lê Văn A,Công chức\nH45.01,,x\nH45.01,\"B\u{7}\",\n";
        let (rows, errors) = parse_officials(csv).unwrap();
        assert_eq!(
            rows,
            [OfficialRow {
                line: 2,
                agency: "H45.01".into(),
                full_name: "Lê Văn A".into(),
                position: "Công chức".into()
            }]
        );
        assert_eq!(errors.iter().map(|e| e.reason).collect::<Vec<_>>(), ["missing_value", "bad_text"]);
        assert_eq!(parse_officials("ho_ten\nA\n"), Err(FileError::MissingColumns(vec!["co_quan"])));
    }

    const HEADER: &str = "ma_ho_so,thu_tuc,co_quan,can_bo,nguoi_nop,ngay_tiep_nhan,ngay_hen_tra,ngay_tra\n";

    #[test]
    fn good_and_bad_rows() {
        let csv = format!(
            "\u{feff}{HEADER}\
             H45.03-240105-0001,Đăng ký khai sinh,H45.03,Lê Thị Hoa,Nguyễn Văn A,05/01/2024,06/01/2024,06/01/2024\n\
             H45.03-240105-0002,Đăng ký kết hôn,H45.03,,,31/02/2024,03/03/2024,\n\
             bad code!,Chứng thực,H45.03,,,05/01/2024,06/01/2024,\n\
             H45.03-240105-0003,\"<script>alert(1)</script> Cấp bản sao\",H45.03,,,05/01/2024,06/01/2024,\n\
             H45.03-240105-0004,Chứng thực,H45.03,,,10/01/2024,06/01/2024,\n\
             ,,,,,,,\n"
        );
        let (rows, errors) = parse_csv(&csv).unwrap();
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[0].line, 2);
        assert_eq!(rows[0].official.as_deref(), Some("Lê Thị Hoa"));
        assert_eq!(rows[0].returned_on, CivilDate::new(2024, 1, 6).ok());
        // Markup is kept as text; showing it as text is the views' job.
        assert_eq!(rows[1].procedure, "<script>alert(1)</script> Cấp bản sao");
        let reasons: Vec<_> = errors.iter().map(|e| (e.line, e.reason)).collect();
        assert_eq!(reasons, [(3, "bad_date"), (4, "bad_code"), (6, "date_order")]);
        // Each names its column and shows the cell, for the app to word.
        let places: Vec<_> = errors.iter().map(|e| (e.column, e.value.as_deref())).collect();
        assert_eq!(
            places,
            [
                (Some("ngay_tiep_nhan"), Some("31/02/2024")),
                (Some("ma_ho_so"), Some("bad code!")),
                (Some("ngay_hen_tra"), Some("06/01/2024"))
            ]
        );
    }

    #[test]
    fn cells_are_shown_trimmed_and_cut() {
        assert_eq!(shown("  31/02/2024 "), "31/02/2024");
        assert_eq!(shown("\u{202E}H45\u{200B}.03"), "H45.03");
        let long = "ắ".repeat(SHOWN_CHARS + 1);
        let cut = shown(&long);
        assert_eq!(cut.chars().count(), SHOWN_CHARS + 1);
        assert!(cut.ends_with('…') && cut.starts_with(&"ắ".repeat(SHOWN_CHARS)));
        assert_eq!(shown(&"ắ".repeat(SHOWN_CHARS)), "ắ".repeat(SHOWN_CHARS));
    }

    #[test]
    fn a_file_refused_as_a_whole_is_named() {
        let e = parse_csv("ma_ho_so,thu_tuc\nA,B\n").unwrap_err();
        assert_eq!(e.reason(), "missing_columns");
        assert_eq!(e.columns(), ["co_quan", "ngay_tiep_nhan", "ngay_hen_tra"]);
    }

    /// Found by the fuzz target `core/dossier_csv`: lines were counted as
    /// records, so every error after a blank line or a cell with a line
    /// break pointed at the wrong line.
    #[test]
    fn errors_name_the_line_of_the_file() {
        let row = |code: &str, received: &str| format!("{code},Khai sinh,H45,,,{received},06/01/2024,");
        for end in ["\n", "\r\n", "\r"] {
            let csv = [
                HEADER.trim_end().to_owned(),
                String::new(),
                row("A-1", "05/01/2024"),
                format!("A-2,\"Khai{end}sinh\",H45,,,05/01/2024,06/01/2024,"),
                String::new(),
                String::new(),
                row("A-3", "32/01/2024"),
                row("A-4", "05/01/2024"),
            ]
            .join(end);
            let (rows, errors) = parse_csv(&csv).unwrap();
            let lines: Vec<_> = rows.iter().map(|r| r.line).collect();
            assert_eq!(lines, [3, 9], "{end:?}");
            let errors: Vec<_> = errors.iter().map(|e| (e.line, e.reason)).collect();
            assert_eq!(errors, [(4, "bad_text"), (8, "bad_date")], "{end:?}");
        }
    }

    #[test]
    fn columns_in_any_order_and_missing_ones() {
        let csv = "ngay_hen_tra,ma_ho_so,co_quan,thu_tuc,ngay_tiep_nhan\n06/01/2024,A-1,H45,Khai sinh,05/01/2024\n";
        let (rows, errors) = parse_csv(csv).unwrap();
        assert!(errors.is_empty());
        assert_eq!(rows[0].code.as_str(), "A-1");
        assert_eq!(
            parse_csv("ma_ho_so,thu_tuc\nA,B\n"),
            Err(FileError::MissingColumns(vec!["co_quan", "ngay_tiep_nhan", "ngay_hen_tra"]))
        );
    }
}

#[cfg(test)]
mod spreadsheet_files {
    use super::*;

    /// Excel on Vietnamese Windows saves "CSV" with semicolons; a header
    /// with commas inside quotes is still a comma file.
    #[test]
    fn semicolon_files_read_as_comma_files() {
        let comma = "ma_ho_so,thu_tuc,co_quan,can_bo,nguoi_nop,ngay_tiep_nhan,ngay_hen_tra,ngay_tra\n\
                     A-1,\"Khai sinh; trích lục\",H45,Lê Thị Hoa,,05/01/2024,06/01/2024,\n";
        let semicolon = "\u{feff}ma_ho_so;thu_tuc;co_quan;can_bo;nguoi_nop;ngay_tiep_nhan;ngay_hen_tra;ngay_tra\r\n\
                         A-1;\"Khai sinh; trích lục\";H45;Lê Thị Hoa;;05/01/2024;06/01/2024;\r\n";
        let (a, errors_a) = parse_csv(comma).unwrap();
        let (b, errors_b) = parse_csv(semicolon).unwrap();
        assert!(errors_a.is_empty() && errors_b.is_empty(), "{errors_a:?} {errors_b:?}");
        assert_eq!(a, b);
        assert_eq!(b[0].procedure, "Khai sinh; trích lục");
        assert_eq!(delimiter("\"a,b\";c;d\n"), b';');
        assert_eq!(delimiter("a\tb\tc\n"), b'\t');
        assert_eq!(delimiter("ma_ho_so\n"), b',');
        // A blank first line, as the reader skips it.
        let (after_blank, _) = parse_csv(&format!("\n{}", &semicolon[3..])).unwrap();
        assert_eq!((after_blank[0].line, &after_blank[0].procedure), (3, &b[0].procedure));
        // Excel's "sep=;" line: not a header, and lines still counted from the file's first.
        let with_sep = format!("sep=;\n{}A-2;Khai sinh;H45;;;32/01/2024;06/01/2024;\n", &semicolon[3..]);
        let (rows, errors) = parse_csv(&with_sep).unwrap();
        assert_eq!((rows.len(), rows[0].line, &rows[0].procedure), (1, 3, &b[0].procedure));
        assert_eq!(errors.iter().map(|e| (e.line, e.reason)).collect::<Vec<_>>(), [(4, "bad_date")]);
        let tabs = format!("sep=\t\r\n{}", semicolon[3..].replace(';', "\t").replace("sinh\t trích", "sinh; trích"));
        let (tab_rows, tab_errors) = parse_csv(&tabs).unwrap();
        assert_eq!(tab_rows.first().map(|r| &r.procedure), Some(&b[0].procedure), "{tab_errors:?}");
    }

    /// The same name typed composed or decomposed is one name.
    #[test]
    fn decomposed_names_are_stored_composed() {
        let composed = "Trần Thị Tâm";
        let decomposed = "Tra\u{302}\u{300}n Thi\u{323} Ta\u{302}m";
        assert_ne!(composed, decomposed);
        let file = |name: &str| format!("co_quan,ho_ten,chuc_vu\nH45.03,{name},\n");
        let (a, _) = parse_officials(&file(composed)).unwrap();
        let (b, _) = parse_officials(&file(decomposed)).unwrap();
        assert_eq!(a, b);
        assert_eq!(b[0].full_name, composed);
    }
}
