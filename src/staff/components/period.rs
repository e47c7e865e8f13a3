//! The period (year, quarter or whole year) and unit the quarter's screens
//! work on. It travels between them in the address (`?nam=2025&quy=4&don-vi=H45`),
//! so that the reports page's links open the other screens on its period.

use crate::i18n::*;
use danhgia_core::CivilDate;
use danhgia_core::wire::Period;
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

/// Today on the device's calendar.
pub fn today() -> Option<CivilDate> {
    let d = js_sys::Date::new_0();
    CivilDate::new(d.get_full_year() as u16, d.get_month() as u8 + 1, d.get_date() as u8).ok()
}

/// The day an RFC 3339 time (a report's `generated_at`) fell on, here.
pub fn local_day(rfc3339: &str) -> Option<CivilDate> {
    let d = js_sys::Date::new(&wasm_bindgen::JsValue::from_str(rfc3339));
    // (An unreadable time is NaN, which reads as year 0.)
    let year = u16::try_from(d.get_full_year()).ok().filter(|y| *y > 0)?;
    CivilDate::new(year, d.get_month() as u8 + 1, d.get_date() as u8).ok()
}

/// The quarter of today (1–4) and its year.
fn current() -> (u16, u8) {
    let d = js_sys::Date::new_0();
    (d.get_full_year() as u16, (d.get_month() / 3) as u8 + 1)
}

/// What the period pickers hold, as typed (select values).
#[derive(Clone, Copy)]
pub struct PeriodChoice {
    pub year: RwSignal<String>,
    /// `1`–`4`, or `0` for the whole year.
    pub quarter: RwSignal<String>,
    /// An agency code, or empty for the account's own agency.
    pub unit: RwSignal<String>,
}

impl PeriodChoice {
    /// From the address when it names a period, else the current quarter.
    pub fn from_query() -> Self {
        let query = use_query_map();
        let (year, quarter) = current();
        let get = |key: &str| query.with_untracked(|q| q.get(key)).filter(|v| !v.is_empty());
        PeriodChoice {
            year: RwSignal::new(get("nam").unwrap_or_else(|| year.to_string())),
            quarter: RwSignal::new(get("quy").unwrap_or_else(|| quarter.to_string())),
            unit: RwSignal::new(get("don-vi").unwrap_or_default()),
        }
    }

    /// Whether the address named a period (a screen opened from a link shows it at once).
    pub fn named_in_query() -> bool {
        use_query_map().with_untracked(|q| q.get("nam").is_some())
    }

    /// The period chosen; `None` for a year that is not a number.
    pub fn period_untracked(&self) -> Option<Period> {
        let year: u16 = self.year.get_untracked().trim().parse().ok()?;
        let quarter = self.quarter.get_untracked().parse::<u8>().ok().filter(|q| (1..=4).contains(q));
        Some(Period { year, quarter })
    }

    pub fn unit_untracked(&self) -> Option<String> {
        Some(self.unit.get_untracked()).filter(|u| !u.is_empty())
    }

    /// `?nam=…&quy=…[&don-vi=…]` of the current choice (tracked: for links).
    pub fn query(&self) -> String {
        let mut q = format!("?nam={}&quy={}", self.year.get(), self.quarter.get());
        let unit = self.unit.get();
        if !unit.is_empty() {
            q.push_str("&don-vi=");
            q.push_str(&String::from(js_sys::encode_uri_component(&unit)));
        }
        q
    }
}

/// "Quý IV/2025" or "Năm 2025", in the user's language.
pub fn period_label(i18n: I18n, period: &Period) -> String {
    match period.quarter {
        Some(q) => t_string!(i18n, period.quarter_of, q = roman(q), year = period.year),
        None => t_string!(i18n, period.year_of, year = period.year),
    }
}

/// Quarters as the provincial forms write them.
pub fn roman(q: u8) -> &'static str {
    match q {
        1 => "I",
        2 => "II",
        3 => "III",
        _ => "IV",
    }
}

/// Whether the period has begun (entries for a future period are refused,
/// by the server too).
pub fn has_begun(period: &Period) -> bool {
    match (period.bounds(), today()) {
        (Some((from, _)), Some(today)) => from <= today,
        _ => false,
    }
}

/// The year and quarter selects (labelled; ids prefixed with `id`).
#[component]
pub fn PeriodFields(choice: PeriodChoice, #[prop(default = "period")] id: &'static str) -> impl IntoView {
    let i18n = use_i18n();
    let (this_year, _) = current();
    let years: Vec<String> = (2019..=this_year).rev().map(|y| y.to_string()).collect();
    let (year_id, quarter_id) = (format!("{id}-year"), format!("{id}-quarter"));
    let chosen_year = choice.year.get_untracked();
    // A year named in the address but not offered (a future one) is still shown, so the
    // screen can say why it refuses it.
    let extra = (!years.contains(&chosen_year)).then_some(chosen_year);
    view! {
        <label for=year_id.clone()>{t!(i18n, period.year)}</label>
        <select id=year_id prop:value=move || choice.year.get() on:change=move |ev| choice.year.set(event_target_value(&ev))>
            {extra.map(|y| view! { <option value=y.clone()>{y.clone()}</option> })}
            {years.into_iter().map(|y| view! { <option value=y.clone()>{y.clone()}</option> }).collect_view()}
        </select>
        <label for=quarter_id.clone()>{t!(i18n, period.quarter)}</label>
        <select id=quarter_id prop:value=move || choice.quarter.get() on:change=move |ev| choice.quarter.set(event_target_value(&ev))>
            <option value="0">{t!(i18n, period.whole_year)}</option>
            {(1..=4).map(|n| view! { <option value=n.to_string()>{t!(i18n, period.q, n = n)}</option> }).collect_view()}
        </select>
    }
}
