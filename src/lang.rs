//! Language helpers for rule texts and dates.

/// The core's language for the current locale (rule texts carry both).
pub fn core_lang(locale: crate::i18n::Locale) -> danhgia_core::Lang {
    locale.core()
}

/// `yyyy-mm-dd` from the server as `dd/mm/yyyy`; anything else as it came.
pub fn date_vn(iso: &str) -> String {
    danhgia_core::CivilDate::parse_iso(iso).map(|d| d.format_vn()).unwrap_or_else(|_| iso.to_owned())
}
