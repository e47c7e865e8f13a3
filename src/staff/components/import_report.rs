//! What the CSV import screens (dossiers; agencies and officials) show of a
//! file refused as a whole, or of its refused rows, in the user's words:
//! the server's reason codes, the column by its header name and the cell
//! as the file has it, never the server's English.

use crate::i18n::*;
use danhgia_core::import::MAX_ROWS;
use danhgia_core::wire::ImportRowError;
use leptos::prelude::*;
use wasm_bindgen_futures::JsFuture;

/// A picked file's text, if it is UTF-8: `Err` with `file_refused`'s
/// reason (`unreadable`, `not_utf8`) otherwise. Checked here because the
/// browser's own reading (`Blob.text()`) puts U+FFFD in place of what is
/// not UTF-8, and an Excel file saved in the Windows code page would be
/// imported with its Vietnamese letters lost.
pub async fn read_text(file: &web_sys::File) -> Result<String, &'static str> {
    let buffer = JsFuture::from(file.array_buffer()).await.map_err(|_| "unreadable")?;
    String::from_utf8(js_sys::Uint8Array::new(&buffer).to_vec()).map_err(|_| "not_utf8")
}

/// Why a whole file was refused (`bad_file`'s `reason`).
pub fn file_refused(i18n: I18n, reason: &str, columns: &[String]) -> String {
    match reason {
        "not_utf8" => t_string!(i18n, import_file.not_utf8).to_owned(),
        "unreadable" => t_string!(i18n, import_file.unreadable).to_owned(),
        "missing_columns" => t_string!(i18n, import_file.missing_columns, columns = columns.join(", ")),
        "too_many_rows" => t_string!(i18n, import_file.too_many_rows, max = grouped(i18n, MAX_ROWS)),
        _ => t_string!(i18n, import_file.not_csv).to_owned(),
    }
}

/// A count with its thousands grouped as the user's language writes them
/// (20.000 in Vietnamese, 20,000 in English).
fn grouped(i18n: I18n, n: usize) -> String {
    let separator = if i18n.get_locale_untracked() == Locale::vi { '.' } else { ',' };
    danhgia_core::text::grouped(n as u64, separator)
}

/// Where in a row the refusal is: `column: “cell”`, or the column alone.
fn place(e: &ImportRowError) -> Option<String> {
    match (&e.column, &e.value) {
        (Some(c), Some(v)) => Some(format!("{c}: “{v}”")),
        (Some(c), None) => Some(c.clone()),
        (None, Some(v)) => Some(format!("“{v}”")),
        (None, None) => None,
    }
}

/// The refused rows, in file order: line, reason and where.
#[component]
pub fn RefusedRows(errors: Vec<ImportRowError>, reason_text: fn(I18n, &str) -> &'static str) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <table class="import-errors">
            <thead><tr><th scope="col">{t!(i18n, import.line)}</th><th scope="col">{t!(i18n, import.reason)}</th></tr></thead>
            <tbody>
                {errors.into_iter().map(|e| {
                    let place = place(&e).map(|p| view! { <span class="hint">" — " {p}</span> });
                    view! {
                        <tr data-reason=e.reason.clone()>
                            <td>{e.line}</td>
                            <td>{reason_text(i18n, &e.reason)} {place}</td>
                        </tr>
                    }
                }).collect_view()}
            </tbody>
        </table>
    }
}
