//! "Chỉ số 5, 6, 8, 9": the per-agency indicators of a period. An agency's
//! office enters its self-assessment; an office above it enters the
//! verified (thẩm định) points, with the reason for any deduction. What the
//! account may enter for each agency comes from the server (`may_enter`);
//! every entry is kept, and the history says who entered what, when.

use crate::api::{self, ApiErr};
use crate::browser::local_time;
use crate::i18n::*;
use crate::lang::core_lang;
use crate::rules;
use crate::session::CurrentSession;
use crate::staff::components::period::{PeriodChoice, PeriodFields, has_begun, period_label};
use crate::staff::components::refusal;
use danhgia_core::wire::quarter::{AgencyScoreView, AgencyScores};
use danhgia_core::wire::{AgencyScoreEntry, Period};
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::components::A;

/// The per-agency indicators.
const INDICATORS: [u8; 4] = [5, 6, 8, 9];

#[derive(Debug, Clone, PartialEq)]
enum State {
    Idle,
    Loading,
    /// The period has not begun: nothing to enter yet.
    Future(Period),
    Ready(Box<AgencyScores>),
    Failed(String),
}

/// Points as typed ("1", "1,5", "2.0"): `Ok(None)` when empty, `Err` when
/// not a number from 0 to 2 (the server refuses those too: `bad_points`).
fn parse_points(text: &str) -> Result<Option<f64>, ()> {
    let text = text.trim().replace(',', ".");
    if text.is_empty() {
        return Ok(None);
    }
    match text.parse::<f64>() {
        Ok(p) if p.is_finite() && (0.0..=2.0).contains(&p) => Ok(Some(p)),
        _ => Err(()),
    }
}

fn show_points(p: Option<f64>) -> String {
    p.map_or("—".into(), |p| if p.fract() == 0.0 { format!("{p:.0}") } else { format!("{p}") })
}

/// RFC 3339 from the server, in the device's time zone.
pub fn when(at: &str) -> String {
    let ms = js_sys::Date::parse(at);
    if ms.is_nan() { at.to_owned() } else { local_time(ms) }
}

/// The server's refusal in the user's words.
fn refusal(i18n: I18n, err: &ApiErr) -> String {
    if let Some(text) = refusal::common(i18n, err) {
        return text;
    }
    match err {
        ApiErr::Refused { status: 403, .. } => t_string!(i18n, indicators.forbidden).to_owned(),
        ApiErr::Refused { code, .. } => match code.as_str() {
            "bad_points" => t_string!(i18n, indicators.bad_points).to_owned(),
            "future_period" => t_string!(i18n, indicators.future).to_owned(),
            "reason_required" => t_string!(i18n, indicators.reason_required).to_owned(),
            "already_verified" => t_string!(i18n, indicators.already_verified).to_owned(),
            _ => refusal::unknown(i18n, err),
        },
        ApiErr::Network => t_string!(i18n, indicators.offline).to_owned(),
        ApiErr::Server(_) | ApiErr::BadAnswer => refusal::unknown(i18n, err),
    }
}

/// The indicators of the agency on screen whose fields differ from what is
/// saved (each indicator has its own "Lưu" button): asked about before
/// another agency replaces them.
#[derive(Clone, Copy)]
struct Unsaved(RwSignal<std::collections::BTreeSet<u8>>);

impl Unsaved {
    /// The indicators with unsaved changes, for a question ("5, 6"); empty
    /// when there are none.
    fn list(self) -> String {
        self.0.try_with_untracked(|n| n.iter().map(u8::to_string).collect::<Vec<_>>().join(", ")).unwrap_or_default()
    }

    /// True when there is nothing unsaved, or the officer agrees to lose it
    /// (`question` names the indicators).
    fn may_discard(self, question: impl Fn(String) -> String) -> bool {
        let list = self.list();
        list.is_empty() || window().confirm_with_message(&question(list)).unwrap_or(false)
    }

    /// [`Self::may_discard`] before the page shows something else (another
    /// period, another screen).
    fn may_leave(self, i18n: I18n) -> bool {
        self.may_discard(|list| t_string!(i18n, indicators.confirm_discard, list = list).to_owned())
    }

    /// While indicators are unsaved, leaving the page asks first: a link to
    /// another screen, or a button marked `data-leaves-page` (signing out),
    /// (the router's and Leptos' own click handlers, on the window, run
    /// after this one, which listens as the click goes down, and the click
    /// goes no further when the officer stays); the browser's Back and
    /// Forward within the app, where the browser has the Navigation API
    /// (Chromium: its `navigate` event can be cancelled before the router
    /// sees the move; elsewhere they are not asked about); and closing or
    /// reloading the tab (the browser's own question; not again for a link
    /// the officer has just agreed to leave by).
    fn guard_leaving(self, i18n: I18n) {
        use wasm_bindgen::JsCast;
        use wasm_bindgen::closure::Closure;
        // A link the officer agreed to leave by, for a moment.
        let leaving = StoredValue::new(false);
        let unload = window_event_listener(leptos::ev::beforeunload, move |ev| {
            let list = self.list();
            if !list.is_empty() && !leaving.try_get_value().unwrap_or(false) {
                ev.prevent_default();
                // (Older browsers ask only when a text is set; none shows it.)
                ev.set_return_value(&t_string!(i18n, indicators.confirm_discard, list = list));
            }
        });
        let on_click = Closure::<dyn Fn(web_sys::MouseEvent)>::new(move |ev: web_sys::MouseEvent| {
            let plain = ev.button() == 0 && !(ev.ctrl_key() || ev.meta_key() || ev.shift_key() || ev.alt_key());
            if !plain || ev.default_prevented() {
                return;
            }
            let link = ev
                .target()
                .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
                .and_then(|e| e.closest("a[href], [data-leaves-page]").ok().flatten());
            let Some(link) = link else { return };
            if link.get_attribute("target").is_some_and(|t| t != "_self") || link.has_attribute("download") {
                return;
            }
            if self.list().is_empty() {
                return;
            }
            if self.may_leave(i18n) {
                leaving.set_value(true);
                set_timeout(
                    move || {
                        let _ = leaving.try_set_value(false);
                    },
                    std::time::Duration::from_secs(2),
                );
            } else {
                ev.prevent_default();
                ev.stop_propagation();
            }
        });
        let _ = window().add_event_listener_with_callback_and_bool("click", on_click.as_ref().unchecked_ref(), true);
        // Back and Forward: a same-document move through history is a
        // cancellable `navigate` event ("traverse") where the browser allows
        // it (it may not, to stop a page trapping the user: then nothing is
        // asked, as without the API). Links and "Xem" ask for themselves.
        let navigation = js_sys::Reflect::get(&window(), &"navigation".into())
            .ok()
            .filter(|n| n.is_object())
            .and_then(|n| n.dyn_into::<web_sys::EventTarget>().ok());
        let on_navigate = Closure::<dyn Fn(web_sys::Event)>::new(move |ev: web_sys::Event| {
            let kind = js_sys::Reflect::get(&ev, &"navigationType".into()).ok().and_then(|k| k.as_string());
            if kind.as_deref() != Some("traverse") || !ev.cancelable() || leaving.try_get_value().unwrap_or(true) {
                return;
            }
            if !self.may_leave(i18n) {
                ev.prevent_default();
            }
        });
        if let Some(n) = &navigation {
            let _ = n.add_event_listener_with_callback("navigate", on_navigate.as_ref().unchecked_ref());
        }
        // Removed before the closures are dropped (an owner's cleanups run
        // before its stored values go).
        let on_click = StoredValue::new_local(on_click);
        let on_navigate = StoredValue::new_local((navigation, on_navigate));
        on_cleanup(move || {
            unload.remove();
            on_click.with_value(|f| {
                let _ =
                    window().remove_event_listener_with_callback_and_bool("click", f.as_ref().unchecked_ref(), true);
            });
            on_navigate.with_value(|(n, f)| {
                if let Some(n) = n {
                    let _ = n.remove_event_listener_with_callback("navigate", f.as_ref().unchecked_ref());
                }
            });
        });
    }
}

#[component]
pub fn Indicators() -> impl IntoView {
    let i18n = use_i18n();
    let session = expect_context::<CurrentSession>();
    let choice = PeriodChoice::from_query();
    let state = RwSignal::new(State::Idle);
    let agency = RwSignal::new(String::new());
    let unsaved = Unsaved(RwSignal::new(Default::default()));
    provide_context(unsaved);
    unsaved.guard_leaving(i18n);

    let load = move || {
        let Some(bearer) = session.token_untracked() else { return };
        let Some(period) = choice.period_untracked() else { return };
        if !has_begun(&period) {
            return state.set(State::Future(period));
        }
        let unit = choice.unit_untracked();
        state.set(State::Loading);
        spawn_local(async move {
            match api::agency_scores(&bearer, period.year, period.quarter, unit.as_deref()).await {
                Ok(scores) => {
                    // First the agency this account has something to enter for.
                    let keep = agency.get_untracked();
                    if !scores.may_enter.contains_key(&keep) {
                        let may =
                            |kind: &str| scores.may_enter.iter().find(|(_, kinds)| kinds.iter().any(|k| k == kind));
                        let first = may("verified")
                            .or_else(|| may("self"))
                            .or_else(|| scores.may_enter.iter().next())
                            .map(|(id, _)| id.clone())
                            .unwrap_or_default();
                        agency.set(first);
                    }
                    state.set(State::Ready(Box::new(scores)));
                }
                Err(e) => state.set(State::Failed(refusal(i18n, &e))),
            }
        });
    };
    if session.token_untracked().is_some() {
        load();
    }

    let body = move || {
        match state.get() {
        State::Idle => None,
        State::Loading => Some(view! { <p class="hint" role="status">{t!(i18n, indicators.loading)}</p> }.into_any()),
        State::Future(period) => Some(
            view! { <p class="error" role="alert">{move || t_string!(i18n, indicators.future_period, period = period_label(i18n, &period))}</p> }
                .into_any(),
        ),
        State::Failed(message) => Some(view! { <p class="error" role="alert">{message}</p> }.into_any()),
        State::Ready(scores) => Some(scores_view(i18n, *scores, agency).into_any()),
    }
    };

    view! {
        <h1>{t!(i18n, indicators.title)}</h1>
        <p class="lead">{t!(i18n, indicators.lead)}</p>
        <Show when=move || session.get().is_some() fallback=move || view! {
            <p class="card">{t!(i18n, report.sign_in)}</p>
            <A href="/dang-nhap" attr:class="btn">{t!(i18n, officer.sign_in)}</A>
        }>
            <form class="card report-picker" on:submit=move |ev: leptos::ev::SubmitEvent| {
                ev.prevent_default();
                // Showing a period replaces the fields typed in.
                if unsaved.may_leave(i18n) {
                    load();
                } else if let Some(shown) = state.with_untracked(|s| match s {
                    State::Ready(scores) => Some(scores.period),
                    _ => None,
                }) {
                    // Stay: the pickers go back to the period on screen.
                    choice.year.set(shown.year.to_string());
                    choice.quarter.set(shown.quarter.unwrap_or(0).to_string());
                }
            }>
                <div class="row">
                    <PeriodFields choice=choice id="indicators" />
                    <button class="btn" type="submit">{t!(i18n, indicators.show)}</button>
                </div>
            </form>
            {body}
            <p><A href=move || format!("/bao-cao{}", choice.query()) attr:class="btn secondary">{t!(i18n, quarter.back_to_report)}</A></p>
        </Show>
    }
}

fn scores_view(i18n: I18n, scores: AgencyScores, agency: RwSignal<String>) -> impl IntoView {
    let unsaved = expect_context::<Unsaved>();
    let period = scores.period;
    let names: Vec<(String, String)> = scores
        .may_enter
        .keys()
        .map(|id| {
            let name = scores
                .scores
                .iter()
                .find(|s| &s.agency_id == id)
                .map(|s| s.agency.clone())
                .unwrap_or_else(|| id.clone());
            (id.clone(), name)
        })
        .collect();
    let many = names.len() > 1;
    let scores = StoredValue::new(scores);
    let current = move || {
        let id = agency.get();
        scores.with_value(|s| {
            let may = s.may_enter.get(&id).cloned().unwrap_or_default();
            let views: Vec<AgencyScoreView> = s.scores.iter().filter(|v| v.agency_id == id).cloned().collect();
            (id, may, views)
        })
    };
    let agency_form = move || {
        let (id, may, views) = current();
        let may_self = may.iter().any(|k| k == "self");
        let may_verify = may.iter().any(|k| k == "verified");
        let name = views.first().map(|v| v.agency.clone()).unwrap_or_default();
        view! {
            <section class="agency-indicators" data-agency=id.clone() aria-labelledby="agency-indicators-title">
                <h2 id="agency-indicators-title">{name} " — " {move || period_label(i18n, &period)}</h2>
                <p class="hint">
                    {move || match (may_self, may_verify) {
                        (true, true) => t_string!(i18n, indicators.may_both),
                        (true, false) => t_string!(i18n, indicators.may_self),
                        (false, true) => t_string!(i18n, indicators.may_verify),
                        (false, false) => t_string!(i18n, indicators.read_only),
                    }}
                </p>
                {INDICATORS.iter().filter_map(|n| views.iter().find(|v| v.indicator == *n).cloned())
                    .map(|v| view! { <IndicatorEntry view=v period=period may_self=may_self may_verify=may_verify /> })
                    .collect_view()}
            </section>
        }
    };
    view! {
        <Show when=move || many>
            <div class="card agency-pick">
                <label for="agency">{t!(i18n, indicators.agency)}</label>
                <select id="agency" prop:value=move || agency.get() on:change=move |ev| {
                    if unsaved.may_discard(|list| t_string!(i18n, indicators.confirm_leave, list = list).to_owned()) {
                        agency.set(event_target_value(&ev));
                    } else if let Some(select) = ev.target().and_then(|t| wasm_bindgen::JsCast::dyn_into::<web_sys::HtmlSelectElement>(t).ok()) {
                        // Stay: the picker goes back to the agency on screen.
                        select.set_value(&agency.get_untracked());
                    }
                }>
                    {names.clone().into_iter().map(|(id, name)| {
                        let kinds = scores.with_value(|s| s.may_enter.get(&id).cloned().unwrap_or_default());
                        let label = move || {
                            let what = if kinds.iter().any(|k| k == "verified") {
                                t_string!(i18n, indicators.tag_verify)
                            } else if kinds.iter().any(|k| k == "self") {
                                t_string!(i18n, indicators.tag_self)
                            } else {
                                t_string!(i18n, indicators.tag_read)
                            };
                            format!("{name} ({what})")
                        };
                        view! { <option value=id.clone()>{label}</option> }
                    }).collect_view()}
                </select>
            </div>
        </Show>
        {agency_form}
    }
}

/// One indicator of one agency: what stands, the fields this account may
/// fill in, and the history.
#[component]
fn IndicatorEntry(view: AgencyScoreView, period: Period, may_self: bool, may_verify: bool) -> impl IntoView {
    let i18n = use_i18n();
    let session = expect_context::<CurrentSession>();
    let n = view.indicator;
    let current = RwSignal::new(view);
    let self_text =
        RwSignal::new(current.with_untracked(|v| v.self_assessed.map(|p| show_points(Some(p))).unwrap_or_default()));
    let verified_text =
        RwSignal::new(current.with_untracked(|v| v.verified.map(|p| show_points(Some(p))).unwrap_or_default()));
    let reason = RwSignal::new(current.with_untracked(|v| v.reason.clone().unwrap_or_default()));
    let problem = RwSignal::new(None::<String>);
    let saved = RwSignal::new(false);
    let busy = RwSignal::new(false);
    // Whether the fields differ from what is saved, for the agency picker's question.
    if let Some(Unsaved(unsaved)) = use_context::<Unsaved>() {
        // Meanings, not spellings ("1,5" is the 1.5 saved; a reason is
        // saved with its lines joined), and only the fields this account fills in.
        Effect::new(move |_| {
            let v = current.get();
            let joined = |r: &str| r.split_whitespace().collect::<Vec<_>>().join(" ");
            let differs = (may_self && self_text.with(|t| parse_points(t) != Ok(v.self_assessed)))
                || (may_verify && verified_text.with(|t| parse_points(t) != Ok(v.verified)))
                || (may_verify && reason.with(|r| joined(r) != v.reason.as_deref().map(joined).unwrap_or_default()));
            unsaved.update(|set| {
                if differs {
                    set.insert(n)
                } else {
                    set.remove(&n)
                };
            });
        });
        on_cleanup(move || {
            unsaved.try_update(|set| set.remove(&n));
        });
    }
    // The rule set in force at the period's start says what the indicator is.
    let indicator =
        period.bounds().and_then(|(from, _)| rules::book()?.for_date(from)).and_then(|r| r.indicator(n)).cloned();
    let label = indicator.as_ref().map(|i| i.label.clone());
    let options: Vec<(u8, danhgia_core::Text)> =
        indicator.map(|i| i.options.iter().map(|o| (o.points, o.label.clone())).collect()).unwrap_or_default();

    // A deduction needs its reason: verified below the self-assessment, or
    // below full marks when there is none (the server's rule too).
    let needs_reason = move || {
        let self_points = parse_points(&self_text.get()).ok().flatten().or(current.with(|v| v.self_assessed));
        matches!(parse_points(&verified_text.get()), Ok(Some(v)) if v < self_points.unwrap_or(2.0))
    };

    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        saved.set(false);
        let Some(bearer) = session.token_untracked() else { return };
        let before = current.get_untracked();
        let self_points = if may_self { parse_points(&self_text.get_untracked()) } else { Ok(None) };
        let verified = if may_verify { parse_points(&verified_text.get_untracked()) } else { Ok(None) };
        let (Ok(self_points), Ok(verified)) = (self_points, verified) else {
            return problem.set(Some(t_string!(i18n, indicators.bad_points).to_owned()));
        };
        // Only what changed is sent (an unchanged self-assessment after the
        // district verified would be refused as a change).
        let self_points = self_points.filter(|p| Some(*p) != before.self_assessed);
        // The reason is one line (it goes into the forms' cells): lines the
        // box let the officer type are joined, not refused.
        let why = danhgia_core::text::as_line(&reason.get_untracked());
        let verified =
            verified.filter(|p| Some(*p) != before.verified || (why != before.reason.clone().unwrap_or_default()));
        if self_points.is_none() && verified.is_none() {
            return problem.set(Some(t_string!(i18n, indicators.nothing).to_owned()));
        }
        if verified.is_some() && needs_reason() && why.is_empty() {
            return problem.set(Some(t_string!(i18n, indicators.reason_required).to_owned()));
        }
        let entry = AgencyScoreEntry {
            agency_id: before.agency_id.clone(),
            period,
            indicator: n,
            self_assessed: self_points,
            verified,
            reason: verified.and(Some(why)).filter(|w| !w.is_empty()),
        };
        problem.set(None);
        busy.set(true);
        spawn_local(async move {
            let answer = api::put_agency_score(&bearer, &entry).await;
            busy.set(false);
            match answer {
                Ok(view) => {
                    current.set(view);
                    saved.set(true);
                }
                Err(e) => problem.set(Some(refusal(i18n, &e))),
            }
        });
    };

    let ids = move |what: &str| format!("i{n}-{what}");
    let stands = move || {
        let v = current.get();
        let by = |who: Option<String>, at: Option<String>| match (who, at) {
            (Some(who), Some(at)) => format!(" — {who}, {}", when(&at)),
            _ => String::new(),
        };
        view! {
            <dl class="stands">
                <dt>{t!(i18n, indicators.self_assessed)}</dt>
                <dd class="self-value">{show_points(v.self_assessed)}{by(v.self_by.clone(), v.self_at.clone())}</dd>
                <dt>{t!(i18n, indicators.verified)}</dt>
                <dd class="verified-value">{show_points(v.verified)}{by(v.verified_by.clone(), v.verified_at.clone())}</dd>
                {v.reason.clone().map(|r| view! {
                    <dt>{t!(i18n, indicators.reason)}</dt>
                    <dd class="reason-value">{r}</dd>
                })}
            </dl>
        }
    };
    let history = move || {
        let list = current.with(|v| v.history.clone());
        let count = list.len();
        view! {
            <details class="history">
                <summary>{move || t_string!(i18n, indicators.history, count = count)}</summary>
                <ol>
                    {list.into_iter().map(|h| {
                        let kind = h.kind.clone();
                        view! {
                            <li>
                                {when(&h.at)} " — "
                                {move || if kind == "verified" { t_string!(i18n, indicators.verified) } else { t_string!(i18n, indicators.self_assessed) }}
                                ": " <strong>{show_points(h.points)}</strong> " — " {h.by.clone()}
                                {h.reason.clone().map(|r| view! { " — " {r} })}
                            </li>
                        }
                    }).collect_view()}
                </ol>
            </details>
        }
    };
    let can_enter = may_self || may_verify;
    view! {
        <form class="card indicator-entry" data-n=n on:submit=submit novalidate>
            <h3>
                {move || t_string!(i18n, indicators.number, n = n)}
                {label.clone().map(|l| view! { ": " {move || l.get(core_lang(i18n.get_locale())).to_owned()} })}
            </h3>
            <ul class="points-help hint">
                {options.into_iter().map(|(p, text)| view! {
                    <li>{move || t_string!(i18n, indicators.points_of, points = p, text = text.get(core_lang(i18n.get_locale())).to_owned())}</li>
                }).collect_view()}
            </ul>
            {stands}
            <Show when=move || may_self>
                <label for=ids("self")>{t!(i18n, indicators.self_label)}</label>
                <input id=ids("self") class="points" type="text" inputmode="decimal" autocomplete="off" bind:value=self_text />
            </Show>
            <Show when=move || may_verify>
                <label for=ids("verified")>{t!(i18n, indicators.verified_label)}</label>
                <input id=ids("verified") class="points" type="text" inputmode="decimal" autocomplete="off" bind:value=verified_text />
                <label for=ids("reason")>
                    {t!(i18n, indicators.reason_label)}
                    {move || needs_reason().then(|| view! { " " <span class="required">{t!(i18n, indicators.required)}</span> })}
                </label>
                <textarea id=ids("reason") rows="2" maxlength="500" bind:value=reason></textarea>
            </Show>
            <p class="error" role="alert">{move || problem.get()}</p>
            <p class="saved" role="status">{move || saved.get().then(|| t_string!(i18n, indicators.saved))}</p>
            <Show when=move || can_enter>
                <button class="btn" type="submit" disabled=move || busy.get()>{move || t_string!(i18n, indicators.save, n = n)}</button>
            </Show>
            {history}
        </form>
    }
}
