//! "Báo cáo": a quarter's or a year's scores for the officer's unit —
//! agencies with their standing, grade and rank, ratings by channel, where
//! each per-agency indicator came from (verified or self-assessed), the
//! commune summary with proposals (Mẫu 05), officials, charts, and the
//! dossiers rated twice with a link to deciding them — with CSV/XLSX export
//! and the print views of the three forms. Every figure and rank is the
//! server's. The last report fetched stays viewable offline, marked with its time.

use crate::api;
use crate::browser::{download, forget, local_time};
use crate::i18n::*;
use crate::lang::date_vn;
use crate::session::CurrentSession;
use crate::staff::components::charts::{BarChart, ColumnChart};
use crate::staff::components::grades;
use crate::staff::components::period::{PeriodChoice, PeriodFields, local_day};
use crate::staff::components::refusal;
use danhgia_core::wire::{AgencyRow, Period, Report};
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::components::A;
use serde::{Deserialize, Serialize};

pub const CACHE_KEY: &str = "danhgia.report";

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
pub struct Cached {
    pub report: Report,
    /// ms since the epoch.
    pub fetched_at: f64,
}

/// The last report this device fetched.
pub fn cached_report() -> Option<Cached> {
    stored::<Cached>(CACHE_KEY)
}

/// Keeps a report fetched from the server for offline viewing (the one
/// shown: an answer that came too late to be shown is not kept).
pub fn keep_report(report: &Report) {
    store(CACHE_KEY, &Cached { report: report.clone(), fetched_at: js_sys::Date::now() });
}

/// Fetches a report; offline (no answer, or the server failing), the kept
/// one if it is of the same period and unit (with the time it was
/// fetched). Never when the server refused it: the account may no longer
/// see it. The caller keeps what it shows ([`keep_report`]).
pub async fn fetch_report(
    bearer: &str,
    period: Period,
    unit: Option<&str>,
) -> Result<(Report, Option<f64>), api::ApiErr> {
    match api::report(bearer, period.year, period.quarter, unit).await {
        Ok(report) => Ok((report, None)),
        Err(e) => match kept_instead(&e) {
            Some(c) if c.report.period == period && unit.is_none_or(|u| u == c.report.unit) => {
                Ok((c.report, Some(c.fetched_at)))
            }
            _ => Err(e),
        },
    }
}

/// The kept report, when the server could not be asked (no answer, or it
/// failing); never after a refusal: the account may no longer see it.
fn kept_instead(e: &api::ApiErr) -> Option<Cached> {
    matches!(e, api::ApiErr::Network | api::ApiErr::Server(_)).then(cached_report).flatten()
}

#[derive(Debug, Clone, PartialEq)]
enum State {
    Idle,
    Loading,
    Ready {
        report: Box<Report>,
        offline_since: Option<f64>,
    },
    /// `offline`: the server could not be asked (and this device keeps no
    /// report of that period), not a refusal.
    Failed {
        offline: bool,
        /// A refusal in the user's words, where it says more than "not loaded".
        why: Option<String>,
    },
}

#[component]
pub fn Reports() -> impl IntoView {
    let i18n = use_i18n();
    let session = expect_context::<CurrentSession>();
    let choice = PeriodChoice::from_query();
    // The units a district may pick: its own and its agencies.
    let units = RwSignal::new(Vec::<(String, String)>::new());
    // A report kept from before, when the address names no period: the
    // pickers show its period and unit, so what is on screen and what they
    // say (and what exports and links use) agree.
    let kept = cached_report();
    if !PeriodChoice::named_in_query()
        && let Some(c) = &kept
    {
        choice.year.set(c.report.period.year.to_string());
        choice.quarter.set(c.report.period.quarter.unwrap_or(0).to_string());
        choice.unit.set(c.report.unit.clone());
    }
    let state = RwSignal::new(match kept {
        Some(c) => State::Ready { report: Box::new(c.report), offline_since: Some(c.fetched_at) },
        None => State::Idle,
    });
    // The choice the last load asked for (after a district's first report,
    // with the unit it answered for), and which load is the latest: an
    // earlier one answering late is dropped.
    let loaded = StoredValue::new(None::<(Period, String)>);
    let latest = StoredValue::new(0u32);
    // The district's list of units asked for once (a commune's own report lists one).
    let units_asked = StoredValue::new(false);
    let navigate = StoredValue::new_local(leptos_router::hooks::use_navigate());

    // `picked`: the officer chose the period here (not a link that opened the
    // page, whose address already names it: rewriting it then would replace
    // the previous screen's entry in the history).
    let load = move |picked: bool| {
        let Some(bearer) = session.token_untracked() else { return };
        let Some(period) = choice.period_untracked() else { return };
        let u = choice.unit_untracked();
        loaded.set_value(Some((period, u.clone().unwrap_or_default())));
        latest.update_value(|n| *n = n.wrapping_add(1));
        let this = latest.get_value();
        // The period in the address: a reload, or Back from another screen, shows it again.
        if picked {
            navigate.with_value(|go| {
                go(
                    &format!("/bao-cao{}", untrack(|| choice.query())),
                    leptos_router::NavigateOptions { replace: true, scroll: false, ..Default::default() },
                )
            });
        }
        state.set(State::Loading);
        spawn_local(async move {
            let fetched = fetch_report(&bearer, period, u.as_deref()).await;
            if latest.get_value() != this {
                return;
            }
            match fetched {
                Ok((report, offline_since)) => {
                    if offline_since.is_none() {
                        keep_report(&report);
                    }
                    // A district's first report lists the units it may pick.
                    if offline_since.is_none() && units.with_untracked(Vec::is_empty) {
                        if report.agencies.len() > 1 {
                            units.set(report.agencies.iter().map(|a| (a.agency_id.clone(), a.name.clone())).collect());
                            loaded.set_value(Some((period, report.unit.clone())));
                            choice.unit.set(report.unit.clone());
                        } else if u.is_some() && !units_asked.get_value() {
                            units_asked.set_value(true);
                            // One of its communes, named in the address or kept: the
                            // list comes from the account's own unit's report.
                            let bearer = bearer.clone();
                            spawn_local(async move {
                                if let Ok(own) = api::report(&bearer, period.year, period.quarter, None).await
                                    && own.agencies.len() > 1
                                {
                                    units.set(
                                        own.agencies.iter().map(|a| (a.agency_id.clone(), a.name.clone())).collect(),
                                    );
                                }
                            });
                        }
                    }
                    state.set(State::Ready { report: Box::new(report), offline_since });
                }
                Err(e) => state
                    .set(State::Failed { offline: matches!(e, api::ApiErr::Network), why: refusal::common(i18n, &e) }),
            }
        });
    };
    // Opened from another screen's link: show that period at once.
    if PeriodChoice::named_in_query() {
        load(false);
    }
    // Another period or unit picked: shown at once, so that the report on
    // screen is always the one the pickers, the downloads and the print
    // forms' links name.
    Effect::new(move |seen: Option<()>| {
        let picked = (choice.year.get(), choice.quarter.get(), choice.unit.get());
        let now = choice.period_untracked().map(|p| (p, picked.2));
        if seen.is_some() && now.is_some() && now != loaded.get_value() {
            load(true);
        }
    });
    // A download that did not come says why, next to its buttons.
    let export_problem = RwSignal::new(None::<String>);
    let export = move |format: &'static str| {
        let Some(bearer) = session.token_untracked() else { return };
        let Some(period) = choice.period_untracked() else { return };
        let u = choice.unit_untracked();
        export_problem.set(None);
        spawn_local(async move {
            match api::report_file(&bearer, period.year, period.quarter, u.as_deref(), format).await {
                Ok(bytes) => {
                    let mime = if format == "csv" {
                        "text/csv"
                    } else {
                        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
                    };
                    download(&bytes, &format!("danhgia-{}.{format}", period.key()), mime);
                }
                Err(e) => {
                    let why = match &e {
                        api::ApiErr::Network => t_string!(i18n, report.export_offline).to_owned(),
                        _ => refusal::common(i18n, &e).unwrap_or_else(|| refusal::unknown(i18n, &e)),
                    };
                    export_problem.set(Some(t_string!(i18n, report.export_failed, why = why)));
                }
            }
        });
    };

    let body = move || match state.get() {
        State::Idle => None,
        State::Loading => Some(view! { <p class="hint" role="status">{t!(i18n, report.loading)}</p> }.into_any()),
        State::Failed { offline: false, why } => Some(
            view! { <p class="error" role="alert">{t!(i18n, report.failed)} {why.map(|w| format!(" {w}"))}</p> }
                .into_any(),
        ),
        State::Failed { offline: true, .. } => {
            Some(view! { <p class="error" role="alert">{t!(i18n, report.failed_offline)}</p> }.into_any())
        }
        State::Ready { report, offline_since } => Some(report_view(i18n, *report, offline_since).into_any()),
    };

    view! {
        <h1>{t!(i18n, report.title)}</h1>
        <Show when=move || session.get().is_some() fallback=move || view! {
            <p class="card">{t!(i18n, report.sign_in)}</p>
            <A href="/dang-nhap" attr:class="btn">{t!(i18n, officer.sign_in)}</A>
        }>
            <form class="card report-picker no-print" on:submit=move |ev: leptos::ev::SubmitEvent| { ev.prevent_default(); load(true); }>
                <div class="row">
                    <PeriodFields choice=choice id="report" />
                    <Show when=move || !units.with(Vec::is_empty)>
                        <label for="unit">{t!(i18n, report.unit_label)}</label>
                        <select id="unit" prop:value=move || choice.unit.get() on:change=move |ev| choice.unit.set(event_target_value(&ev))>
                            {move || units.get().into_iter().map(|(id, name)| {
                                // Selected by its own value: the list may come after the unit.
                                let chosen = id.clone();
                                view! { <option value=id selected=move || choice.unit.get() == chosen>{name}</option> }
                            }).collect_view()}
                        </select>
                    </Show>
                </div>
                <div class="actions">
                    <button class="btn" type="submit">{t!(i18n, report.show)}</button>
                    <button class="btn secondary" type="button" on:click=move |_| export("csv")>{t!(i18n, report.csv)}</button>
                    <button class="btn secondary" type="button" on:click=move |_| export("xlsx")>{t!(i18n, report.xlsx)}</button>
                    <button class="btn secondary" type="button" on:click=move |_| { let _ = window().print(); }>{t!(i18n, report.print)}</button>
                </div>
                {move || export_problem.get().map(|p| view! { <p class="error export-problem" role="alert">{p}</p> })}
            </form>
            <QuarterLinks choice=choice />
            {body}
        </Show>
    }
}

/// The quarter's other screens and the print views, on the chosen period.
#[component]
fn QuarterLinks(choice: PeriodChoice) -> impl IntoView {
    let i18n = use_i18n();
    let session = expect_context::<CurrentSession>();
    let office = move || session.get().is_some_and(|s| s.officer.role == "office");
    let link = move |path: &'static str| move || format!("{path}{}", choice.query());
    view! {
        <nav class="quarter-links no-print" aria-label=move || t_string!(i18n, report.quarter_nav)>
            <div class="link-group">
                <span>{t!(i18n, report.print_forms)}</span>
                <A href=link("/in/mau-02") attr:class="btn secondary small">{t!(i18n, forms.mau02_short)}</A>
                <A href=link("/in/mau-03") attr:class="btn secondary small">{t!(i18n, forms.mau03_short)}</A>
                <A href=link("/in/mau-05") attr:class="btn secondary small">{t!(i18n, forms.mau05_short)}</A>
            </div>
            <Show when=office>
                <div class="link-group">
                    <A href=link("/chi-so") attr:class="btn secondary small">{t!(i18n, indicators.nav)}</A>
                    <A href=link("/danh-gia-hai-lan") attr:class="btn secondary small">{t!(i18n, decide.nav)}</A>
                    <A href=link("/de-xuat") attr:class="btn secondary small">{t!(i18n, proposals.nav)}</A>
                </div>
            </Show>
        </nav>
    }
}

/// One indicator's cell: the points, and for the per-agency ones where they came from.
fn indicator_cell(i18n: I18n, a: &AgencyRow, n: u8) -> impl IntoView + use<> {
    let value = grades::points(a.indicators.get(&n).copied().flatten());
    let source = a.sources.get(&n).cloned();
    let mark = {
        let source = source.clone();
        move || grades::source_mark(i18n, source.as_deref())
    };
    let reason = a.reasons.get(&n).cloned();
    view! {
        <td class="indicator" data-n=n data-source=source.clone().unwrap_or_default() title=reason>
            {value}
            {move || mark().map(|m| view! { <span class="src">{m}</span> })}
        </td>
    }
}

/// The notice, on screen and on the printed forms, of a report of a period
/// not over on the day it was made: its figures are so far (with the
/// period's last day and that day), or there are none yet, the period not
/// having begun (with its first day).
pub fn provisional(i18n: I18n, report: &Report) -> Option<String> {
    let made = local_day(&report.generated_at).filter(|day| report.period.is_open_on(*day))?;
    Some(if report.period.has_begun_on(made) {
        t_string!(i18n, report.provisional, to = date_vn(&report.to), made = made.format_vn())
    } else {
        t_string!(i18n, report.not_begun, from = date_vn(&report.from))
    })
}

fn report_view(i18n: I18n, report: Report, offline_since: Option<f64>) -> impl IntoView {
    let period = report.period;
    let report = StoredValue::new(report);
    let r = report.get_value();
    let totals: Vec<(String, f64)> = r
        .agencies
        .iter()
        .filter(|a| a.standing != "not_rated")
        .map(|a| (a.name.replace("UBND ", ""), a.total))
        .collect();
    let quarters: Vec<(String, Option<f64>)> =
        r.quarters.iter().map(|q| (format!("Q{}/{}", q.quarter, q.year), q.rate)).collect();
    let (unit, from, to) = (r.unit_name.clone(), date_vn(&r.from), date_vn(&r.to));
    let has_communes = r.agencies.iter().any(grades::is_commune);
    let proportional = r.proportional_totals;
    let reasons: Vec<(String, Vec<(u8, String)>)> = r
        .agencies
        .iter()
        .filter(|a| !a.reasons.is_empty())
        .map(|a| (a.name.clone(), a.reasons.iter().map(|(n, t)| (*n, t.clone())).collect()))
        .collect();
    let has_reasons = !reasons.is_empty();
    let grade = move |a: &AgencyRow| report.with_value(|r| grades::grade(i18n, &r.bands, a));

    let agency_rows = r
        .agencies
        .iter()
        .map(|a| {
            let row = a.clone();
            let channel = |c: &str| a.channels.get(c).copied().unwrap_or(0);
            view! {
                <tr data-agency=a.agency_id.clone() data-standing=a.standing.clone()>
                    <td class="rank">{grades::rank(a.rank)}</td>
                    <td>{a.name.clone()}</td>
                    <td>{a.dossiers}</td>
                    <td class="rated">{a.rated}</td>
                    <td class="ch-online">{channel("online")}</td>
                    <td class="ch-paper">{channel("paper")}</td>
                    <td class="ch-kiosk">{channel("kiosk")}</td>
                    {(1..=9u8).map(|n| indicator_cell(i18n, a, n)).collect_view()}
                    <td class="total" class:incomplete={a.standing == "incomplete"}>
                        {grades::total(a)}
                        {a.proportional.then(|| view! { <span class="src">{t!(i18n, report.scaled_mark)}</span> })}
                    </td>
                    <td class="band">{move || grade(&row)}</td>
                </tr>
            }
        })
        .collect_view();

    let commune_rows = grades::commune_rows(i18n, &r);

    let officials = r
        .officials
        .iter()
        .map(|o| {
            view! {
                <tr>
                    <td>{o.name.clone()}</td>
                    <td>{o.agency.replace("UBND ", "")}</td>
                    <td>{o.dossiers}</td>
                    <td>{o.rated}</td>
                    {[1u8, 2, 3, 4, 7].map(|n| view! { <td>{grades::points(o.averages.get(&n).copied())}</td> }).collect_view()}
                    <td class="total">{grades::official_total(o)}</td>
                    <td>{grades::rate(o.satisfaction_rate)}</td>
                </tr>
            }
        })
        .collect_view();

    let conflicts = r.conflicts.clone();
    let conflicts_total = r.conflicts_total;
    let decide_href = {
        let mut q = format!("/danh-gia-hai-lan?nam={}&quy={}", period.year, period.quarter.unwrap_or(0));
        q.push_str("&don-vi=");
        q.push_str(&String::from(js_sys::encode_uri_component(&r.unit)));
        q
    };

    view! {
        <Show when=move || offline_since.is_some()>
            <p class="notice" role="status">{move || t_string!(i18n, report.cached, time = offline_since.map(local_time).unwrap_or_default())}</p>
        </Show>
        <p class="lead report-unit">{move || t_string!(i18n, report.unit, unit = unit.clone(), from = from.clone(), to = to.clone())}</p>
        {move || report.with_value(|r| provisional(i18n, r)).map(|text| view! { <p class="notice provisional" role="note">{text}</p> })}
        <Show when=move || proportional>
            <p class="notice proportional" role="note">{t!(i18n, report.proportional)}</p>
        </Show>
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
                        <th>{t!(i18n, report.ch_online)}</th>
                        <th>{t!(i18n, report.ch_paper)}</th>
                        <th>{t!(i18n, report.ch_kiosk)}</th>
                        {(1..=9).map(|n| view! { <th>{n}</th> }).collect_view()}
                        <th>{t!(i18n, report.total18)}</th>
                        <th>{t!(i18n, report.band)}</th>
                    </tr>
                </thead>
                <tbody>{agency_rows}</tbody>
            </table>
        </div>
        <p class="hint legend">{t!(i18n, report.legend)}</p>
        <Show when=move || has_reasons>
            <details class="reasons">
                <summary>{t!(i18n, report.reasons)}</summary>
                <ul>
                    {reasons.clone().into_iter().map(|(name, list)| view! {
                        <li>
                            <strong>{name}</strong>
                            ": "
                            {move || list.iter().map(|(n, text)| t_string!(i18n, report.reason_of, n = n, reason = text.trim_end_matches('.'))).collect::<Vec<_>>().join("; ")}
                        </li>
                    }).collect_view()}
                </ul>
            </details>
        </Show>
        <Show when=move || has_communes>
            <h2 id="communes-title">{t!(i18n, report.communes)}</h2>
            <div class="table-wrap" tabindex="0" role="region" aria-labelledby="communes-title">
                <table class="report communes">
                    {grades::commune_head(i18n)}
                    <tbody>{commune_rows.clone()}</tbody>
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
                <tbody>{officials}</tbody>
            </table>
        </div>
        <h2>{t!(i18n, report.conflicts)}</h2>
        <p class="conflicts-total">
            {move || if conflicts_total == 0 {
                t_string!(i18n, report.conflicts_none).to_owned()
            } else {
                t_string!(i18n, report.conflicts_open, count = conflicts_total)
            }}
        </p>
        <ul class="conflicts">
            {conflicts.into_iter().map(|c| view! {
                <li data-code=c.dossier_code.clone()>
                    <strong>{c.dossier_code.clone()}</strong> " — "
                    {move || t_string!(i18n, report.counted, counted = grades::channel(i18n, &c.counted), aside = grades::channel(i18n, &c.set_aside))}
                </li>
            }).collect_view()}
        </ul>
        <p class="no-print">
            <A href=decide_href attr:class="btn secondary">{t!(i18n, report.decide_link)}</A>
        </p>
    }
}
