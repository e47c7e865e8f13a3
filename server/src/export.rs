//! Reports as files, laid out like the provincial forms with Vietnamese
//! headers: officials (Mẫu số 03) and agencies (Mẫu số 02 / 05).

use danhgia_core::wire::Report;
use rust_xlsxwriter::{Format, Workbook, XlsxError};

const OFFICIAL_HEADERS: [&str; 13] = [
    "STT",
    "Cán bộ",
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
];
const AGENCY_HEADERS: [&str; 17] = [
    "Xếp hạng",
    "Mã cơ quan",
    "Cơ quan",
    "Số hồ sơ",
    "Số hồ sơ được đánh giá",
    "Chỉ số 1",
    "Chỉ số 2",
    "Chỉ số 3",
    "Chỉ số 4",
    "Chỉ số 5",
    "Chỉ số 6",
    "Chỉ số 7",
    "Chỉ số 8",
    "Chỉ số 9",
    "Tổng điểm (tối đa 18)",
    "Xếp loại",
    "Lý do trừ điểm",
];

fn num(v: Option<f64>) -> String {
    v.map(|x| format!("{x:.2}")).unwrap_or_default()
}

fn band_label(report: &Report, key: Option<&str>) -> String {
    key.and_then(|k| report.bands.bands.iter().find(|b| b.key == k)).map(|b| b.label.vi.clone()).unwrap_or_default()
}

/// Answers of the "not satisfied" levels (the rule sets' scale keys).
fn dissatisfied(counts: &std::collections::BTreeMap<String, u32>) -> u32 {
    ["dissatisfied", "very_dissatisfied"].iter().filter_map(|k| counts.get(*k)).sum()
}

/// The rows of both tables as text cells (shared by CSV and XLSX).
fn tables(report: &Report) -> (Vec<Vec<String>>, Vec<Vec<String>>) {
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
            row.extend([
                format!("{:.2}", o.total),
                dissatisfied(&o.satisfaction).to_string(),
                num(o.satisfaction_rate),
            ]);
            row
        })
        .collect();
    let agencies = report
        .agencies
        .iter()
        .map(|a| {
            let mut row = vec![
                a.rank.to_string(),
                a.agency_id.clone(),
                a.name.clone(),
                a.dossiers.to_string(),
                a.rated.to_string(),
            ];
            row.extend((1..=9u8).map(|n| num(a.indicators.get(&n).copied().flatten())));
            row.push(format!("{:.2}", a.total));
            row.push(band_label(report, a.band.as_deref()));
            row.push(a.reasons.iter().map(|(n, r)| format!("Chỉ số {n}: {r}")).collect::<Vec<_>>().join("; "));
            row
        })
        .collect();
    (officials, agencies)
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
    let (officials, agencies) = tables(report);
    let mut out = csv::WriterBuilder::new().flexible(true).terminator(csv::Terminator::CRLF).from_writer(Vec::new());
    let mut write = |cells: Vec<String>| {
        // Writing to a Vec cannot fail.
        let _ = out.write_record(cells.iter().map(|c| neutralise(c)));
    };
    write(vec![format!("Kết quả đánh giá {} — {} đến {}", report.unit_name, report.from, report.to)]);
    write(vec!["Mẫu số 03: Cán bộ, công chức".to_owned()]);
    write(OFFICIAL_HEADERS.map(String::from).to_vec());
    officials.into_iter().for_each(&mut write);
    write(vec![String::new()]);
    write(vec!["Mẫu số 02/05: Cơ quan, đơn vị".to_owned()]);
    write(AGENCY_HEADERS.map(String::from).to_vec());
    agencies.into_iter().for_each(&mut write);
    let mut bytes = "\u{feff}".as_bytes().to_vec();
    bytes.extend(out.into_inner().unwrap_or_default());
    bytes
}

pub fn xlsx(report: &Report) -> Result<Vec<u8>, XlsxError> {
    let (officials, agencies) = tables(report);
    let mut book = Workbook::new();
    let bold = Format::new().set_bold().set_text_wrap();
    let title = format!("Kết quả đánh giá {} — {} đến {}", report.unit_name, report.from, report.to);
    for (name, headers, rows) in
        [("Mẫu 03 - Cán bộ", &OFFICIAL_HEADERS[..], officials), ("Mẫu 02-05 - Cơ quan", &AGENCY_HEADERS[..], agencies)]
    {
        let sheet = book.add_worksheet().set_name(name)?;
        sheet.write_string_with_format(0, 0, &title, &bold)?;
        for (c, h) in headers.iter().enumerate() {
            sheet.write_string_with_format(2, c as u16, *h, &bold)?;
            sheet.set_column_width(c as u16, if c == 1 || c == 2 { 28 } else { 12 })?;
        }
        for (r, row) in rows.iter().enumerate() {
            for (c, cell) in row.iter().enumerate() {
                let (r, c) = (r as u32 + 3, c as u16);
                match cell.parse::<f64>() {
                    Ok(v) if c != 1 => sheet.write_number(r, c, v)?,
                    _ => sheet.write_string(r, c, cell)?,
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
