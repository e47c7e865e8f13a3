//! How a report's figures read: the server's standing, total, grade and
//! ranks put into words. Nothing here computes a score or a rank; an agency
//! without a grade says why ("Chưa có đánh giá", "Chưa đủ chỉ số").

use crate::i18n::*;
use danhgia_core::bands::Bands;
use danhgia_core::wire::{AgencyRow, Report};
use leptos::prelude::*;

/// Points with two decimals, "—" when unknown.
pub fn points(v: Option<f64>) -> String {
    v.map_or("—".into(), |x| format!("{x:.2}"))
}

/// A percentage with one decimal, "—" without a rated dossier.
pub fn rate(v: Option<f64>) -> String {
    v.map_or("—".into(), |r| format!("{r:.1}"))
}

/// A rank from the server; "—" for an agency not ranked.
pub fn rank(r: Option<u32>) -> String {
    r.map_or("—".into(), |r| r.to_string())
}

/// The total out of 18 as the report shows it: plain when graded, in
/// brackets when some indicator is missing (not classified), "—" with no
/// rated dossier.
pub fn total(a: &AgencyRow) -> String {
    match a.standing.as_str() {
        "not_rated" => "—".into(),
        "incomplete" => format!("({:.2})", a.total),
        _ => format!("{:.2}", a.total),
    }
}

/// An official's total out of 10 as the report shows it: "—" with no rated
/// dossier, in brackets while some of the official's indicators have no
/// points (those the citizen answers, before any rating), as agencies'.
pub fn official_total(o: &danhgia_core::wire::OfficialRow) -> String {
    o.total_shown()
}

/// The grade, or why there is none.
pub fn grade(i18n: I18n, bands: &Bands, a: &AgencyRow) -> String {
    match a.standing.as_str() {
        "not_rated" => t_string!(i18n, grades.not_rated).to_owned(),
        "incomplete" => t_string!(i18n, grades.incomplete).to_owned(),
        _ => a
            .band
            .as_deref()
            .and_then(|k| bands.bands.iter().find(|b| b.key == k))
            .map(|b| b.label.get(i18n.get_locale().core()).to_owned())
            .unwrap_or_default(),
    }
}

/// The mark of an indicator's source: verified (thẩm định) or self-assessed.
/// Indicators from the dossiers carry none.
pub fn source_mark(i18n: I18n, source: Option<&str>) -> Option<&'static str> {
    match source {
        Some("verified") => Some(t_string!(i18n, grades.mark_verified)),
        Some("self") => Some(t_string!(i18n, grades.mark_self)),
        _ => None,
    }
}

/// The agencies of the commune summary (Mẫu 05): communes and towns.
pub fn is_commune(a: &AgencyRow) -> bool {
    matches!(a.level.as_str(), "commune" | "town")
}

/// The communes in the server's order of their commune rank (unranked last, by code).
pub fn communes(report: &Report) -> Vec<AgencyRow> {
    let mut rows: Vec<AgencyRow> = report.agencies.iter().filter(|a| is_commune(a)).cloned().collect();
    rows.sort_by(|a, b| {
        a.commune_rank
            .unwrap_or(u32::MAX)
            .cmp(&b.commune_rank.unwrap_or(u32::MAX))
            .then_with(|| a.agency_id.cmp(&b.agency_id))
    });
    rows
}

/// Mẫu 05's header row, the same on the reports screen and its print view.
pub fn commune_head(i18n: I18n) -> impl IntoView {
    view! {
        <thead>
            <tr>
                <th>{t!(i18n, report.commune_rank)}</th>
                <th>{t!(i18n, report.commune)}</th>
                <th>{t!(i18n, report.dossiers)}</th>
                <th>{t!(i18n, report.rated)}</th>
                <th>{t!(i18n, report.rate)}</th>
                <th>{t!(i18n, report.total18)}</th>
                <th>{t!(i18n, report.band)}</th>
                <th>{t!(i18n, report.proposals)}</th>
            </tr>
        </thead>
    }
}

/// Mẫu 05's rows: the communes in rank order, each with its proposals.
pub fn commune_rows(i18n: I18n, report: &Report) -> impl IntoView + Clone + use<> {
    communes(report)
        .into_iter()
        .map(|a| {
            let (bands, row) = (report.bands.clone(), a.clone());
            view! {
                <tr data-agency=a.agency_id.clone() data-standing=a.standing.clone()>
                    <td class="rank">{rank(a.commune_rank)}</td>
                    <td class="name">{a.name.clone()}</td>
                    <td>{a.dossiers}</td>
                    <td>{a.rated}</td>
                    <td class="rate">{rate(a.satisfaction_rate)}</td>
                    <td class="total">{total(&a)}</td>
                    <td class="band">{move || grade(i18n, &bands, &row)}</td>
                    <td class="name proposals">{a.proposals.clone().unwrap_or_default()}</td>
                </tr>
            }
        })
        .collect_view()
}

/// A rating's channel in words.
pub fn channel(i18n: I18n, channel: &str) -> &'static str {
    match channel {
        "online" => t_string!(i18n, grades.online),
        "paper" => t_string!(i18n, grades.paper),
        "kiosk" => t_string!(i18n, grades.kiosk),
        _ => t_string!(i18n, grades.other_channel),
    }
}
