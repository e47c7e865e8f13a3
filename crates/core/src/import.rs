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
    /// What was wrong, for people.
    pub detail: String,
}

/// What stops a whole file (nothing is imported).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FileError {
    NotCsv(String),
    MissingColumns(Vec<&'static str>),
    TooManyRows,
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

fn text(cell: &str, column: &str, line: usize) -> Result<String, RowError> {
    let t = cell.trim();
    if t.chars().count() > MAX_TEXT {
        return Err(RowError {
            line,
            reason: "too_long",
            detail: format!("{column}: more than {MAX_TEXT} characters"),
        });
    }
    if t.chars().any(char::is_control) {
        return Err(RowError { line, reason: "bad_text", detail: format!("{column}: control characters") });
    }
    Ok(t.to_owned())
}

fn date(cell: &str, column: &str, line: usize) -> Result<CivilDate, RowError> {
    CivilDate::parse_vn(cell).map_err(|e| RowError {
        line,
        reason: "bad_date",
        detail: format!("{column}: {:?} — {e}", cell.trim()),
    })
}

/// Parses a whole file: the good rows and one error per bad row.
pub fn parse_csv(input: &str) -> Result<(Vec<DossierRow>, Vec<RowError>), FileError> {
    let input = input.strip_prefix('\u{feff}').unwrap_or(input);
    let mut reader = csv::ReaderBuilder::new().flexible(true).trim(csv::Trim::All).from_reader(input.as_bytes());
    let headers = reader.headers().map_err(|e| FileError::NotCsv(e.to_string()))?.clone();
    let index = |name: &str| headers.iter().position(|h| h.trim().eq_ignore_ascii_case(name));
    let missing: Vec<&'static str> = REQUIRED.into_iter().filter(|c| index(c).is_none()).collect();
    if !missing.is_empty() {
        return Err(FileError::MissingColumns(missing));
    }
    let col: Vec<Option<usize>> = COLUMNS.iter().map(|c| index(c)).collect();
    let (mut rows, mut errors) = (Vec::new(), Vec::new());
    for (n, record) in reader.records().enumerate() {
        if n >= MAX_ROWS {
            return Err(FileError::TooManyRows);
        }
        let line = n + 2;
        let record = match record {
            Ok(r) => r,
            Err(e) => {
                errors.push(RowError { line, reason: "bad_row", detail: e.to_string() });
                continue;
            }
        };
        if record.iter().all(|c| c.trim().is_empty()) {
            continue;
        }
        let cell = |i: usize| col[i].and_then(|c| record.get(c)).unwrap_or("");
        match row(line, &cell) {
            Ok(r) => rows.push(r),
            Err(e) => errors.push(e),
        }
    }
    Ok((rows, errors))
}

fn row<'a>(line: usize, cell: &dyn Fn(usize) -> &'a str) -> Result<DossierRow, RowError> {
    let code = DossierCode::parse(cell(0)).map_err(|e| RowError {
        line,
        reason: "bad_code",
        detail: format!("ma_ho_so: {e}"),
    })?;
    let procedure = text(cell(1), "thu_tuc", line)?;
    let agency_id = text(cell(2), "co_quan", line)?;
    if procedure.is_empty() || agency_id.is_empty() {
        return Err(RowError { line, reason: "missing_value", detail: "thu_tuc and co_quan are required".into() });
    }
    let optional = |i: usize, name: &str| text(cell(i), name, line).map(|t| (!t.is_empty()).then_some(t));
    let official = optional(3, "can_bo")?;
    let applicant = optional(4, "nguoi_nop")?;
    let received_on = date(cell(5), "ngay_tiep_nhan", line)?;
    let appointed_on = date(cell(6), "ngay_hen_tra", line)?;
    let returned_on = if cell(7).trim().is_empty() { None } else { Some(date(cell(7), "ngay_tra", line)?) };
    if appointed_on < received_on || returned_on.is_some_and(|r| r < received_on) {
        return Err(RowError { line, reason: "date_order", detail: "a date comes before ngay_tiep_nhan".into() });
    }
    Ok(DossierRow { line, code, procedure, agency_id, official, applicant, received_on, appointed_on, returned_on })
}

#[cfg(test)]
mod tests {
    use super::*;

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
