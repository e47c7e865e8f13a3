//! Reports as files, laid out like the provincial forms with Vietnamese
//! headers: the agencies' scores (Mẫu số 02), the officials' (Mẫu số 03)
//! and the commune summary with proposals (Mẫu số 05). XLSX has one sheet
//! per form, named after it; CSV has the three one after another.

use danhgia_core::wire::{AgencyRow, Report};
use rust_xlsxwriter::{Format, Workbook, XlsxError};

/// One provincial form: its sheet name, title, headers and rows.
pub struct Form {
    pub sheet: &'static str,
    pub title: &'static str,
    pub headers: Vec<&'static str>,
    pub rows: Vec<Vec<String>>,
    /// Columns that hold text even when they look like numbers (codes).
    pub text_columns: Vec<usize>,
}

fn num(v: Option<f64>) -> String {
    v.map(|x| format!("{x:.2}")).unwrap_or_default()
}

fn band_label(report: &Report, key: Option<&str>) -> String {
    key.and_then(|k| report.bands.bands.iter().find(|b| b.key == k)).map(|b| b.label.vi.clone()).unwrap_or_default()
}

/// The grade, or why there is none.
fn grade(report: &Report, a: &AgencyRow) -> String {
    match a.standing.as_str() {
        "not_rated" => "Chưa có đánh giá".to_owned(),
        "incomplete" => "Chưa đủ chỉ số".to_owned(),
        _ => band_label(report, a.band.as_deref()),
    }
}

fn rank(r: Option<u32>) -> String {
    r.map(|r| r.to_string()).unwrap_or_default()
}

/// Answers of the "not satisfied" levels (the rule sets' scale keys).
fn dissatisfied(counts: &std::collections::BTreeMap<String, u32>) -> u32 {
    ["dissatisfied", "very_dissatisfied"].iter().filter_map(|k| counts.get(*k)).sum()
}

/// The three forms of a report, as text cells (shared by CSV and XLSX).
pub fn forms(report: &Report) -> Vec<Form> {
    let mut agencies = Vec::new();
    for a in &report.agencies {
        let mut row =
            vec![rank(a.rank), a.agency_id.clone(), a.name.clone(), a.dossiers.to_string(), a.rated.to_string()];
        for channel in ["online", "paper", "kiosk"] {
            row.push(a.channels.get(channel).copied().unwrap_or(0).to_string());
        }
        for n in 1..=9u8 {
            match a.entries.get(&n) {
                Some(pair) if [5, 6, 8, 9].contains(&n) => {
                    row.push(num(pair.self_assessed));
                    row.push(num(pair.verified));
                }
                _ if [5, 6, 8, 9].contains(&n) => {
                    row.push(String::new());
                    row.push(String::new());
                }
                _ => row.push(num(a.indicators.get(&n).copied().flatten())),
            }
        }
        row.push(num(Some(a.total)));
        row.push(grade(report, a));
        row.push(a.reasons.iter().map(|(n, r)| format!("Chỉ số {n}: {r}")).collect::<Vec<_>>().join("; "));
        agencies.push(row);
    }
    let officials = report
        .officials
        .iter()
        .enumerate()
        .map(|(i, o)| {
            let mut row = vec![
                (i + 1).to_string(),
                o.name.clone(),
                o.agency.clone(),
                o.dossiers.to_string(),
                o.rated.to_string(),
            ];
            row.extend([1u8, 2, 3, 4, 7].iter().map(|n| num(o.averages.get(n).copied())));
            // A number a spreadsheet can sum ("(7.50)" reads as −7.50); empty
            // with nothing rated, as the screen's "—".
            let total = if o.rated == 0 { String::new() } else { format!("{:.2}", o.total) };
            row.extend([total, dissatisfied(&o.satisfaction).to_string(), num(o.satisfaction_rate)]);
            row
        })
        .collect();
    let mut communes: Vec<&AgencyRow> =
        report.agencies.iter().filter(|a| matches!(a.level.as_str(), "commune" | "town")).collect();
    communes.sort_by(|a, b| {
        a.commune_rank
            .unwrap_or(u32::MAX)
            .cmp(&b.commune_rank.unwrap_or(u32::MAX))
            .then_with(|| a.agency_id.cmp(&b.agency_id))
    });
    let communes = communes
        .into_iter()
        .map(|a| {
            vec![
                rank(a.commune_rank),
                a.agency_id.clone(),
                a.name.clone(),
                a.dossiers.to_string(),
                a.rated.to_string(),
                num(a.satisfaction_rate),
                num(Some(a.total)),
                grade(report, a),
                a.proposals.clone().unwrap_or_default(),
            ]
        })
        .collect();
    vec![
        Form {
            sheet: "Mẫu 02",
            title: "Mẫu số 02: Kết quả đánh giá, chấm điểm cơ quan, đơn vị",
            headers: vec![
                "Xếp hạng",
                "Mã cơ quan",
                "Cơ quan, đơn vị",
                "Số hồ sơ",
                "Số hồ sơ được đánh giá",
                "Đánh giá trực tuyến",
                "Đánh giá trên phiếu giấy",
                "Đánh giá tại thiết bị ở quầy",
                "Chỉ số 1",
                "Chỉ số 2",
                "Chỉ số 3",
                "Chỉ số 4",
                "Chỉ số 5 (tự chấm)",
                "Chỉ số 5 (thẩm định)",
                "Chỉ số 6 (tự chấm)",
                "Chỉ số 6 (thẩm định)",
                "Chỉ số 7",
                "Chỉ số 8 (tự chấm)",
                "Chỉ số 8 (thẩm định)",
                "Chỉ số 9 (tự chấm)",
                "Chỉ số 9 (thẩm định)",
                "Tổng điểm (tối đa 18)",
                "Xếp loại",
                "Lý do trừ điểm",
            ],
            rows: agencies,
            text_columns: vec![1, 2, 22, 23],
        },
        Form {
            sheet: "Mẫu 03",
            title: "Mẫu số 03: Kết quả đánh giá cán bộ, công chức",
            headers: vec![
                "STT",
                "Cán bộ, công chức",
                "Cơ quan",
                "Số hồ sơ",
                "Số hồ sơ được đánh giá",
                "Chỉ số 1",
                "Chỉ số 2",
                "Chỉ số 3",
                "Chỉ số 4",
                "Chỉ số 7",
                "Tổng điểm (tối đa 10)",
                "Số không hài lòng",
                "Tỷ lệ hài lòng (%)",
            ],
            rows: officials,
            text_columns: vec![1, 2],
        },
        Form {
            sheet: "Mẫu 05",
            title: "Mẫu số 05: Tổng hợp kết quả đánh giá của các xã, thị trấn",
            headers: vec![
                "Xếp hạng",
                "Mã đơn vị",
                "Xã, thị trấn",
                "Số hồ sơ",
                "Số hồ sơ được đánh giá",
                "Tỷ lệ hài lòng (%)",
                "Tổng điểm (tối đa 18)",
                "Xếp loại",
                "Đề xuất, kiến nghị",
            ],
            rows: communes,
            text_columns: vec![1, 2, 7, 8],
        },
    ]
}

fn heading(report: &Report) -> Vec<String> {
    let mut lines = vec![format!("Kết quả đánh giá {} — {} đến {}", report.unit_name, report.from, report.to)];
    if report.proportional_totals {
        lines.push(
            "Cơ quan thiếu chỉ số: tổng điểm quy đổi theo tỷ lệ về thang 18 điểm (theo cấu hình của tỉnh).".to_owned(),
        );
    }
    lines
}

/// A cell a spreadsheet could take for a formula (`=`, `+`, `-`, `@`, or a
/// tab or carriage return first) gets a leading apostrophe, so that
/// imported names like `=HYPERLINK(…)` stay text. Numbers are written as
/// numbers and never start with those characters.
pub fn neutralise(cell: &str) -> String {
    if cell.starts_with(['=', '+', '-', '@', '\t', '\r']) && cell.parse::<f64>().is_err() {
        format!("'{cell}")
    } else {
        cell.to_owned()
    }
}

/// UTF-8 with a byte-order mark, so that spreadsheet programs show the
/// diacritics; written by the `csv` crate (quoting cells with commas,
/// quotes and line breaks), every cell neutralised.
pub fn csv(report: &Report) -> Vec<u8> {
    let mut out = csv::WriterBuilder::new().flexible(true).terminator(csv::Terminator::CRLF).from_writer(Vec::new());
    let mut write = |cells: Vec<String>| {
        // Writing to a Vec cannot fail.
        let _ = out.write_record(cells.iter().map(|c| neutralise(c)));
    };
    for line in heading(report) {
        write(vec![line]);
    }
    for form in forms(report) {
        write(vec![String::new()]);
        write(vec![form.title.to_owned()]);
        write(form.headers.iter().map(|h| h.to_string()).collect());
        form.rows.into_iter().for_each(&mut write);
    }
    let mut bytes = "\u{feff}".as_bytes().to_vec();
    bytes.extend(out.into_inner().unwrap_or_default());
    bytes
}

/// One sheet per form, named after it. Strings are written as strings (a
/// spreadsheet never evaluates them), figures as numbers.
pub fn xlsx(report: &Report) -> Result<Vec<u8>, XlsxError> {
    let mut book = Workbook::new();
    let bold = Format::new().set_bold().set_text_wrap();
    let wrap = Format::new().set_text_wrap();
    let heading = heading(report);
    for form in forms(report) {
        let sheet = book.add_worksheet().set_name(form.sheet)?;
        sheet.set_landscape();
        sheet.set_paper_size(9); // A4
        sheet.set_print_fit_to_pages(1, 0);
        sheet.write_string_with_format(0, 0, form.title, &bold)?;
        for (i, line) in heading.iter().enumerate() {
            sheet.write_string(1 + i as u32, 0, line)?;
        }
        let header_row = 2 + heading.len() as u32;
        for (c, h) in form.headers.iter().enumerate() {
            sheet.write_string_with_format(header_row, c as u16, *h, &bold)?;
            let wide = form.text_columns.contains(&c) || c == 2;
            sheet.set_column_width(c as u16, if wide { 28 } else { 11 })?;
        }
        for (r, row) in form.rows.iter().enumerate() {
            for (c, cell) in row.iter().enumerate() {
                let (r, c16) = (header_row + 1 + r as u32, c as u16);
                match cell.parse::<f64>() {
                    Ok(v) if !form.text_columns.contains(&c) => sheet.write_number(r, c16, v)?,
                    _ => sheet.write_string_with_format(r, c16, cell, &wrap)?,
                };
            }
        }
    }
    book.save_to_buffer()
}

#[cfg(test)]
mod tests {
    use super::neutralise;

    #[test]
    fn formulas_stay_text() {
        for evil in ["=HYPERLINK(\"http://x\")", "+cmd|' /C calc'!A0", "@SUM(1+1)", "-2+3", "\tx", "\rx"] {
            assert!(neutralise(evil).starts_with('\''), "{evil}");
        }
        for fine in ["Nguyễn Văn A", "1.50", "-1.5", "", "12", "Chỉ số 5: thiếu"] {
            assert_eq!(neutralise(fine), fine);
        }
    }
}
