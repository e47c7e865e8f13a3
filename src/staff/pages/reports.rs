//! "Báo cáo": a quarter's or a year's scores for the officer's unit —
//! agencies with classification and rank, officials, charts, rated-twice
//! dossiers — with CSV/XLSX export and print. The last report fetched stays
//! viewable offline, marked with its time.

use crate::api;
use crate::browser::{download, forget, local_time};
use crate::i18n::*;
use crate::lang::{core_lang, date_vn};
use crate::session::CurrentSession;
use crate::staff::components::charts::{BarChart, ColumnChart};
use danhgia_core::wire::Report;
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::components::A;
use serde::{Deserialize, Serialize};

const CACHE_KEY: &str = "danhgia.report";

// The last report, in localStorage as serde_json writes it (its maps are
// keyed by numbers: see `api::report`).
fn stored<T: serde::de::DeserializeOwned>(key: &str) -> Option<T> {
    let text = window().local_storage().ok().flatten()?.get_item(key).ok()??;
    serde_json::from_str(&text).ok()
}

fn store<T: serde::Serialize>(key: &str, value: &T) {
    match (window().local_storage().ok().flatten(), serde_json::to_string(value)) {
        (Some(s), Ok(text)) => {
            let _ = s.set_item(key, &text);
        }
        _ => forget(key),
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct Cached {
    report: Report,
    /// ms since the epoch.
    fetched_at: f64,
}

fn fmt(v: Option<f64>) -> String {
    v.map_or("—".into(), |x| format!("{x:.2}"))
}

#[derive(Debug, Clone, PartialEq)]
enum State {
    Idle,
    Loading,
    Ready { report: Box<Report>, offline_since: Option<f64> },
    Failed,
}

#[component]
pub fn Reports() -> impl IntoView {
    let i18n = use_i18n();
    let session = expect_context::<CurrentSession>();
    let now = js_sys::Date::new_0();
    let year = RwSignal::new(now.get_full_year().to_string());
    let quarter = RwSignal::new(((now.get_month() / 3) + 1).to_string());
    // The unit: the officer's own agency, or (for a district) one of its communes.
    let unit = RwSignal::new(String::new());
    let units = RwSignal::new(Vec::<(String, String)>::new());
    let state = RwSignal::new(match stored::<Cached>(CACHE_KEY) {
        Some(c) => State::Ready { report: Box::new(c.report), offline_since: Some(c.fetched_at) },
        None => State::Idle,
    });

    let period = move || {
        let y: u16 = year.get_untracked().parse().unwrap_or(2026);
        let q: Option<u8> = quarter.get_untracked().parse().ok().filter(|q| (1..=4).contains(q));
        (y, q)
    };
    let chosen_unit = move || Some(unit.get_untracked()).filter(|u| !u.is_empty());
    let load = move || {
        let Some(bearer) = session.token_untracked() else { return };
        let (y, q) = period();
        let u = chosen_unit();
        state.set(State::Loading);
        spawn_local(async move {
            match api::report(&bearer, y, q, u.as_deref()).await {
                Ok(report) => {
                    // A district's first report lists the units it may pick.
                    if units.with_untracked(Vec::is_empty) && report.agencies.len() > 1 {
                        units.set(report.agencies.iter().map(|a| (a.agency_id.clone(), a.name.clone())).collect());
                        unit.set(report.unit.clone());
                    }
                    store(CACHE_KEY, &Cached { report: report.clone(), fetched_at: js_sys::Date::now() });
                    state.set(State::Ready { report: Box::new(report), offline_since: None });
                }
                Err(_) => state.set(match stored::<Cached>(CACHE_KEY) {
                    Some(c) => State::Ready { report: Box::new(c.report), offline_since: Some(c.fetched_at) },
                    None => State::Failed,
                }),
            }
        });
    };
    let export = move |format: &'static str| {
        let Some(bearer) = session.token_untracked() else { return };
        let (y, q) = period();
        let u = chosen_unit();
        spawn_local(async move {
            if let Ok(bytes) = api::report_file(&bearer, y, q, u.as_deref(), format).await {
                let mime = if format == "csv" {
                    "text/csv"
                } else {
                    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
                };
                let key = q.map_or(y.to_string(), |q| format!("{y}-Q{q}"));
                download(&bytes, &format!("danhgia-{key}.{format}"), mime);
            }
        });
    };

    let years: Vec<String> = (2019..=now.get_full_year()).rev().map(|y| y.to_string()).collect();
    let body = move || match state.get() {
        State::Idle => None,
        State::Loading => Some(view! { <p class="hint" role="status">{t!(i18n, report.loading)}</p> }.into_any()),
        State::Failed => Some(view! { <p class="error" role="alert">{t!(i18n, report.failed)}</p> }.into_any()),
        State::Ready { report, offline_since } => {
            let office = session.get().is_some_and(|s| s.officer.role == "office");
            Some(report_view(i18n, *report, offline_since, office, load).into_any())
        }
    };

    view! {
        <h1>{t!(i18n, report.title)}</h1>
        <Show when=move || session.get().is_some() fallback=move || view! {
            <p class="card">{t!(i18n, report.sign_in)}</p>
            <A href="/dang-nhap" attr:class="btn">{t!(i18n, officer.sign_in)}</A>
        }>
            <form class="card report-picker no-print" on:submit=move |ev: leptos::ev::SubmitEvent| { ev.prevent_default(); load(); }>
                <div class="row">
                    <label for="year">{t!(i18n, report.year)}</label>
                    <select id="year" prop:value=move || year.get() on:change=move |ev| year.set(event_target_value(&ev))>
                        {years.iter().map(|y| view! { <option value=y.clone()>{y.clone()}</option> }).collect_view()}
                    </select>
                    <label for="quarter">{t!(i18n, report.quarter)}</label>
                    <select id="quarter" prop:value=move || quarter.get() on:change=move |ev| quarter.set(event_target_value(&ev))>
                        <option value="0">{t!(i18n, report.whole_year)}</option>
                        {(1..=4).map(|n| view! { <option value=n.to_string()>{t_string!(i18n, report.q, n = n)}</option> }).collect_view()}
                    </select>
                    <Show when=move || !units.with(Vec::is_empty)>
                        <label for="unit">{t!(i18n, report.unit_label)}</label>
                        <select id="unit" prop:value=move || unit.get() on:change=move |ev| unit.set(event_target_value(&ev))>
                            {move || units.get().into_iter().map(|(id, name)| view! { <option value=id>{name}</option> }).collect_view()}
                        </select>
                    </Show>
                </div>
                <div class="actions">
                    <button class="btn" type="submit">{t!(i18n, report.show)}</button>
                    <button class="btn secondary" type="button" on:click=move |_| export("csv")>{t!(i18n, report.csv)}</button>
                    <button class="btn secondary" type="button" on:click=move |_| export("xlsx")>{t!(i18n, report.xlsx)}</button>
                    <button class="btn secondary" type="button" on:click=move |_| { let _ = window().print(); }>{t!(i18n, report.print)}</button>
                </div>
            </form>
            {body}
        </Show>
    }
}

fn report_view(
    i18n: I18n,
    report: Report,
    offline_since: Option<f64>,
    office: bool,
    reload: impl Fn() + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let session = expect_context::<CurrentSession>();
    let resolve = move |code: String| {
        let Some(bearer) = session.token_untracked() else { return };
        spawn_local(async move {
            if api::resolve_conflict(&bearer, &code).await.is_ok() {
                reload();
            }
        });
    };
    let lang = move || core_lang(i18n.get_locale());
    let bands = StoredValue::new(report.bands.clone());
    let band_label = move |key: Option<String>| {
        bands.with_value(|bands| {
            key.and_then(|k| bands.bands.iter().find(|b| b.key == k).map(|b| b.label.get(lang()).to_owned()))
                .unwrap_or_default()
        })
    };
    let totals: Vec<(String, f64)> = report.agencies.iter().map(|a| (a.name.replace("UBND ", ""), a.total)).collect();
    let quarters: Vec<(String, Option<f64>)> =
        report.quarters.iter().map(|q| (format!("Q{}/{}", q.quarter, q.year), q.rate)).collect();
    let (unit, from, to) = (report.unit_name.clone(), date_vn(&report.from), date_vn(&report.to));
    let conflicts = report.conflicts.clone();
    // Mẫu 05: the communes only, ranked among themselves (equal totals share a rank).
    let commune_rows: Vec<_> = report.agencies.iter().filter(|a| a.level == "commune").cloned().collect();
    let communes: Vec<(usize, danhgia_core::wire::AgencyRow)> = commune_rows
        .iter()
        .map(|a| (1 + commune_rows.iter().filter(|o| o.total > a.total + 1e-9).count(), a.clone()))
        .collect();
    let has_communes = !communes.is_empty();
    let no_conflicts = conflicts.is_empty();
    view! {
        <Show when=move || offline_since.is_some()>
            <p class="notice" role="status">{move || t_string!(i18n, report.cached, time = offline_since.map(local_time).unwrap_or_default())}</p>
        </Show>
        <p class="lead report-unit">{move || t_string!(i18n, report.unit, unit = unit.clone(), from = from.clone(), to = to.clone())}</p>
        <h2 id="agencies-title">{t!(i18n, report.agencies)}</h2>
        // Focusable, so that keyboard users can scroll a wide table.
        <div class="table-wrap" tabindex="0" role="region" aria-labelledby="agencies-title">
            <table class="report agencies">
                <thead>
                    <tr>
                        <th>{t!(i18n, report.rank)}</th>
                        <th>{t!(i18n, report.agency)}</th>
                        <th>{t!(i18n, report.dossiers)}</th>
                        <th>{t!(i18n, report.rated)}</th>
                        {(1..=9).map(|n| view! { <th>{n}</th> }).collect_view()}
                        <th>{t!(i18n, report.total18)}</th>
                        <th>{t!(i18n, report.band)}</th>
                    </tr>
                </thead>
                <tbody>
                    {report.agencies.iter().map(|a| {
                        let band = a.band.clone();
                        view! {
                            <tr data-agency=a.agency_id.clone()>
                                <td class="rank">{a.rank}</td>
                                <td>{a.name.clone()}</td>
                                <td>{a.dossiers}</td>
                                <td class="rated">{a.rated}</td>
                                {(1..=9u8).map(|n| view! { <td>{fmt(a.indicators.get(&n).copied().flatten())}</td> }).collect_view()}
                                <td class="total">{format!("{:.2}", a.total)}</td>
                                <td class="band">{move || band_label(band.clone())}</td>
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table>
        </div>
        <Show when=move || has_communes>
            <h2 id="communes-title">{t!(i18n, report.communes)}</h2>
            <div class="table-wrap" tabindex="0" role="region" aria-labelledby="communes-title">
                <table class="report communes">
                    <thead>
                        <tr>
                            <th>{t!(i18n, report.commune_rank)}</th>
                            <th>{t!(i18n, report.commune)}</th>
                            <th>{t!(i18n, report.dossiers)}</th>
                            <th>{t!(i18n, report.rated)}</th>
                            <th>{t!(i18n, report.rate)}</th>
                            <th>{t!(i18n, report.total18)}</th>
                            <th>{t!(i18n, report.band)}</th>
                        </tr>
                    </thead>
                    <tbody>
                        {communes.clone().into_iter().map(|(rank, a)| {
                            let band = a.band.clone();
                            view! {
                                <tr data-agency=a.agency_id.clone()>
                                    <td class="rank">{rank}</td>
                                    <td>{a.name.clone()}</td>
                                    <td>{a.dossiers}</td>
                                    <td>{a.rated}</td>
                                    <td>{a.satisfaction_rate.map_or("—".into(), |r| format!("{r:.1}"))}</td>
                                    <td class="total">{format!("{:.2}", a.total)}</td>
                                    <td>{move || band_label(band.clone())}</td>
                                </tr>
                            }
                        }).collect_view()}
                    </tbody>
                </table>
            </div>
        </Show>
        <BarChart title=t_string!(i18n, report.chart_totals).to_owned() rows=totals max=18.0 />
        <ColumnChart title=t_string!(i18n, report.chart_satisfaction).to_owned() columns=quarters empty=t_string!(i18n, report.no_data).to_owned() />
        <h2 id="officials-title">{t!(i18n, report.officials)}</h2>
        <div class="table-wrap" tabindex="0" role="region" aria-labelledby="officials-title">
            <table class="report officials">
                <thead>
                    <tr>
                        <th>{t!(i18n, report.official)}</th>
                        <th>{t!(i18n, report.agency)}</th>
                        <th>{t!(i18n, report.dossiers)}</th>
                        <th>{t!(i18n, report.rated)}</th>
                        {[1, 2, 3, 4, 7].map(|n| view! { <th>{n}</th> }).collect_view()}
                        <th>{t!(i18n, report.total10)}</th>
                        <th>{t!(i18n, report.rate)}</th>
                    </tr>
                </thead>
                <tbody>
                    {report.officials.iter().map(|o| view! {
                        <tr>
                            <td>{o.name.clone()}</td>
                            <td>{o.agency.replace("UBND ", "")}</td>
                            <td>{o.dossiers}</td>
                            <td>{o.rated}</td>
                            {[1u8, 2, 3, 4, 7].map(|n| view! { <td>{fmt(o.averages.get(&n).copied())}</td> }).collect_view()}
                            <td class="total">{format!("{:.2}", o.total)}</td>
                            <td>{o.satisfaction_rate.map_or("—".into(), |r| format!("{r:.1}"))}</td>
                        </tr>
                    }).collect_view()}
                </tbody>
            </table>
        </div>
        <h2>{t!(i18n, report.conflicts)}</h2>
        <Show when=move || no_conflicts>
            <p class="hint">{t!(i18n, report.conflicts_none)}</p>
        </Show>
        <ul class="conflicts">
            {conflicts.into_iter().map(|c| {
                let code = c.dossier_code.clone();
                view! {
                    <li>
                        <strong>{c.dossier_code.clone()}</strong> " — "
                        {move || t_string!(i18n, report.counted, counted = c.counted.clone(), aside = c.set_aside.clone())}
                        {office.then(|| view! {
                            " "
                            <button class="btn secondary small no-print" type="button" on:click=move |_| resolve(code.clone())>
                                {t!(i18n, report.resolve)}
                            </button>
                        })}
                    </li>
                }
            }).collect_view()}
        </ul>
    }
}
