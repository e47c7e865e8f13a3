//! Small SVG charts for the reports, drawn from data with no library:
//! readable on a tablet, labelled in the user's language, printable.

use leptos::prelude::*;

/// Horizontal bars, one per row: `(label, value)` against `max`.
#[component]
pub fn BarChart(
    title: String,
    rows: Vec<(String, f64)>,
    max: f64,
    #[prop(optional)] unit: &'static str,
) -> impl IntoView {
    let (label_w, bar_w, row_h) = (190.0, 300.0, 26.0);
    let height = rows.len() as f64 * row_h + 10.0;
    let bars = rows
        .into_iter()
        .enumerate()
        .map(|(i, (label, value))| {
            let y = i as f64 * row_h + 5.0;
            let w = if max > 0.0 { (value / max).clamp(0.0, 1.0) * bar_w } else { 0.0 };
            view! {
                <g>
                    <text x=label_w - 6.0 y=y + 17.0 text-anchor="end" font-size="13">{label}</text>
                    <rect x=label_w y=y + 3.0 width=w height=row_h - 8.0 rx="3" fill="#a3161a"></rect>
                    <text x=label_w + w + 6.0 y=y + 17.0 font-size="13">{format!("{value:.2}{unit}")}</text>
                </g>
            }
        })
        .collect_view();
    view! {
        <figure class="chart">
            <figcaption>{title.clone()}</figcaption>
            <svg viewBox=format!("0 0 {} {height}", label_w + bar_w + 70.0) role="img" aria-label=title>
                {bars}
            </svg>
        </figure>
    }
}

/// Columns over time: `(label, value)` in percent, `None` drawn as a gap.
#[component]
pub fn ColumnChart(title: String, columns: Vec<(String, Option<f64>)>, empty: String) -> impl IntoView {
    let (col_w, chart_h, top) = (62.0, 160.0, 20.0);
    let width = columns.len() as f64 * col_w + 10.0;
    let cols = columns
        .into_iter()
        .enumerate()
        .map(|(i, (label, value))| {
            let x = i as f64 * col_w + 10.0;
            let h = value.map_or(0.0, |v| v.clamp(0.0, 100.0) / 100.0 * chart_h);
            let text = value.map_or(empty.clone(), |v| format!("{v:.1}%"));
            view! {
                <g>
                    <rect x=x y=top + chart_h - h width=col_w - 14.0 height=h rx="3" fill="#1d6b35"></rect>
                    <text x=x + (col_w - 14.0) / 2.0 y=top + chart_h - h - 5.0 text-anchor="middle" font-size="11">{text}</text>
                    <text x=x + (col_w - 14.0) / 2.0 y=top + chart_h + 16.0 text-anchor="middle" font-size="11">{label}</text>
                </g>
            }
        })
        .collect_view();
    view! {
        <figure class="chart">
            <figcaption>{title.clone()}</figcaption>
            <svg viewBox=format!("0 0 {width} {}", top + chart_h + 26.0) role="img" aria-label=title>
                <line x1="5" x2=width y1=top + chart_h y2=top + chart_h stroke="#999"></line>
                {cols}
            </svg>
        </figure>
    }
}
