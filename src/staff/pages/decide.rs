//! "Hồ sơ được đánh giá hai lần": the period's dossiers that were rated
//! twice, a page at a time, each with its ratings side by side (answers in
//! the words of its rule set). The office above the agency picks the rating
//! that counts, with its reason; the other is kept for audit, and the
//! decisions (who, what, when, why) are shown. Reports and exports follow.

use crate::api::{self, ApiErr};
use crate::components::answer_list::AnswerList;
use crate::i18n::*;
use crate::lang::date_vn;
use crate::rules;
use crate::session::CurrentSession;
use crate::staff::components::grades;
use crate::staff::components::period::{PeriodChoice, PeriodFields};
use crate::staff::components::refusal;
use crate::staff::pages::indicators::when;
use danhgia_core::CivilDate;
use danhgia_core::rating::{DossierDates, FormQuestion, form_for};
use danhgia_core::wire::quarter::{ConflictDetail, ConflictPage, Decision, RatingView};
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::components::A;

/// Dossiers per page.
const PAGE: u32 = 10;

#[derive(Debug, Clone, PartialEq)]
enum State {
    Idle,
    Loading,
    Ready(ConflictPage),
    Failed(String),
}

fn failure(i18n: I18n, err: &ApiErr) -> String {
    if let Some(text) = refusal::common(i18n, err) {
        return text;
    }
    match err {
        ApiErr::Refused { status: 403, .. } => t_string!(i18n, decide.forbidden).to_owned(),
        ApiErr::Refused { code, .. } if code == "bad_reason" || code == "bad_text" => {
            t_string!(i18n, decide.bad_reason).to_owned()
        }
        ApiErr::Refused { code, .. } if code == "not_rated_twice" || code == "unknown_rating" => {
            t_string!(i18n, decide.changed).to_owned()
        }
        ApiErr::Network => t_string!(i18n, decide.offline).to_owned(),
        _ => refusal::unknown(i18n, err),
    }
}

/// The questions of a rule set, none answered by dates: each rating is
/// shown with what it holds.
fn questions(ruleset: &str) -> Vec<FormQuestion<'static>> {
    let Some(rules) = rules::book().and_then(|b| b.by_version(ruleset)) else { return Vec::new() };
    let Ok(day) = CivilDate::new(2000, 1, 1) else { return Vec::new() };
    form_for(rules, &DossierDates { received_on: day, appointed_on: day, returned_on: None })
}

#[component]
pub fn Decide() -> impl IntoView {
    let i18n = use_i18n();
    let session = expect_context::<CurrentSession>();
    let choice = PeriodChoice::from_query();
    let decided = RwSignal::new(false);
    let offset = RwSignal::new(0u32);
    let state = RwSignal::new(State::Idle);

    let load = move || {
        let Some(bearer) = session.token_untracked() else { return };
        let Some(period) = choice.period_untracked() else { return };
        let unit = choice.unit_untracked();
        let (with_decided, from) = (decided.get_untracked(), offset.get_untracked());
        state.set(State::Loading);
        spawn_local(async move {
            let answer =
                api::conflicts(&bearer, period.year, period.quarter, unit.as_deref(), with_decided, from, PAGE).await;
            state.set(match answer {
                Ok(page) => State::Ready(page),
                Err(e) => State::Failed(failure(i18n, &e)),
            });
        });
    };
    if session.token_untracked().is_some() {
        load();
    }
    let go = move |to: u32| {
        offset.set(to);
        load();
    };

    let body = move || match state.get() {
        State::Idle => None,
        State::Loading => Some(view! { <p class="hint" role="status">{t!(i18n, decide.loading)}</p> }.into_any()),
        State::Failed(message) => Some(view! { <p class="error" role="alert">{message}</p> }.into_any()),
        State::Ready(page) => {
            let (total, from, shown) = (page.total, page.offset, page.conflicts.len() as u32);
            let pages = total.div_ceil(PAGE).max(1);
            let this = from / PAGE + 1;
            Some(
                view! {
                    <p class="conflicts-count" role="status">
                        {move || if total == 0 {
                            t_string!(i18n, decide.none).to_owned()
                        } else {
                            t_string!(i18n, decide.count, total = total, page = this, pages = pages)
                        }}
                    </p>
                    {page.conflicts.into_iter().map(|c| view! { <ConflictCard detail=c /> }).collect_view()}
                    <Show when=move || { pages > 1 }>
                        <nav class="pager" aria-label=move || t_string!(i18n, decide.pages)>
                            <button class="btn secondary" type="button" disabled={from == 0} on:click=move |_| go(from.saturating_sub(PAGE))>
                                {t!(i18n, decide.previous)}
                            </button>
                            <span>{move || t_string!(i18n, decide.page_of, page = this, pages = pages)}</span>
                            <button class="btn secondary" type="button" disabled={from + shown >= total} on:click=move |_| go(from + PAGE)>
                                {t!(i18n, decide.next)}
                            </button>
                        </nav>
                    </Show>
                }
                .into_any(),
            )
        }
    };

    view! {
        <h1>{t!(i18n, decide.title)}</h1>
        <p class="lead">{t!(i18n, decide.lead)}</p>
        <Show when=move || session.get().is_some() fallback=move || view! {
            <p class="card">{t!(i18n, report.sign_in)}</p>
            <A href="/dang-nhap" attr:class="btn">{t!(i18n, officer.sign_in)}</A>
        }>
            <form class="card report-picker" on:submit=move |ev: leptos::ev::SubmitEvent| { ev.prevent_default(); go(0); }>
                <div class="row">
                    <PeriodFields choice=choice id="decide" />
                </div>
                <label class="check">
                    <input type="checkbox" prop:checked=move || decided.get() on:change=move |ev| decided.set(event_target_checked(&ev)) />
                    <span>{t!(i18n, decide.with_decided)}</span>
                </label>
                <button class="btn" type="submit">{t!(i18n, decide.show)}</button>
            </form>
            {body}
            <p><A href=move || format!("/bao-cao{}", choice.query()) attr:class="btn secondary">{t!(i18n, quarter.back_to_report)}</A></p>
        </Show>
    }
}

/// One rating of the pair: channel, when, by whom, and its answers.
fn rating_view(i18n: I18n, r: RatingView, form: Vec<FormQuestion<'static>>) -> impl IntoView {
    let channel = r.channel.clone();
    let received = when(&r.received_at);
    view! {
        <section class="rating" class:counts=r.counts data-channel=r.channel.clone() data-id=r.id.clone()>
            <h3>
                {move || t_string!(i18n, decide.rating_by, channel = grades::channel(i18n, &channel))}
                {r.counts.then(|| view! { " " <span class="tag">{t!(i18n, decide.counting)}</span> })}
            </h3>
            <p class="hint">
                {move || t_string!(i18n, decide.received, time = received.clone())}
                {r.entered_by.clone().map(|u| view! { " · " {move || t_string!(i18n, decide.entered_by, user = u.clone())} })}
            </p>
            <AnswerList form=form answers=r.answers.clone() />
            {r.comment.clone().map(|c| view! { <p class="comment"><span class="hint">{t!(i18n, decide.comment)} ": "</span>{c}</p> })}
        </section>
    }
}

/// A dossier rated twice: its ratings side by side, its decisions, and the
/// form to decide (again).
#[component]
fn ConflictCard(detail: ConflictDetail) -> impl IntoView {
    let i18n = use_i18n();
    let session = expect_context::<CurrentSession>();
    let detail = RwSignal::new(detail);
    let chosen = RwSignal::new(String::new());
    let reason = RwSignal::new(String::new());
    let problem = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);
    let office = move || session.get().is_some_and(|s| s.officer.role == "office");
    let code = detail.with_untracked(|d| d.dossier_code.clone());

    let submit = {
        let code = code.clone();
        move |ev: leptos::ev::SubmitEvent| {
            ev.prevent_default();
            let Some(bearer) = session.token_untracked() else { return };
            let (count, why) = (chosen.get_untracked(), danhgia_core::text::as_line(&reason.get_untracked()));
            if count.is_empty() {
                return problem.set(Some(t_string!(i18n, decide.choose).to_owned()));
            }
            if why.is_empty() {
                return problem.set(Some(t_string!(i18n, decide.reason_needed).to_owned()));
            }
            problem.set(None);
            busy.set(true);
            let code = code.clone();
            spawn_local(async move {
                let answer = api::decide(&bearer, &code, &Decision { count, reason: why }).await;
                busy.set(false);
                match answer {
                    Ok(d) => {
                        detail.set(d);
                        chosen.set(String::new());
                        reason.set(String::new());
                    }
                    Err(e) => problem.set(Some(failure(i18n, &e))),
                }
            });
        }
    };

    let card = move || {
        let d = detail.get();
        let form = questions(&d.ruleset_version);
        let channel_of =
            |id: &str| d.ratings.iter().find(|r| r.id == id).map(|r| r.channel.clone()).unwrap_or_default();
        let decisions: Vec<_> =
            d.decisions.iter().map(|x| (x.clone(), channel_of(&x.counted_id), channel_of(&x.previous_id))).collect();
        view! {
            <header>
                <h2><span class="dossier-code">{d.dossier_code.clone()}</span></h2>
                <p class="procedure">{d.procedure.clone()} " — " {d.agency.clone()}</p>
                {d.returned_on.clone().map(|r| view! { <p class="hint">{move || t_string!(i18n, decide.returned, date = date_vn(&r))}</p> })}
            </header>
            <div class="ratings">
                {d.ratings.iter().cloned().map(|r| rating_view(i18n, r, form.clone())).collect_view()}
            </div>
            {(!decisions.is_empty()).then(|| view! {
                <h3>{t!(i18n, decide.decisions)}</h3>
                <ul class="decisions">
                    {decisions.into_iter().map(|(x, counted, previous)| {
                        let at = when(&x.decided_at);
                        view! {
                            <li>
                                {move || t_string!(i18n, decide.decision,
                                    time = at.clone(),
                                    who = x.decided_by.clone(),
                                    counted = grades::channel(i18n, &counted),
                                    previous = grades::channel(i18n, &previous))}
                                <br />
                                <span class="hint">{t!(i18n, decide.reason)} ": "</span>
                                <span class="decision-reason">{x.reason.clone()}</span>
                            </li>
                        }
                    }).collect_view()}
                </ul>
            })}
        }
    };
    let options = move || {
        detail.with(|d| {
            d.ratings
                .iter()
                .map(|r| {
                    let (id, input_id) = (r.id.clone(), format!("count-{}", r.id));
                    let (channel, received, counts) = (r.channel.clone(), when(&r.received_at), r.counts);
                    let value = id.clone();
                    view! {
                        <label class="choice" for=input_id.clone()>
                            <input type="radio" id=input_id.clone() name=format!("count-{}", d.dossier_code) value=value
                                prop:checked=move || chosen.get() == id
                                on:change={let id = r.id.clone(); move |_| chosen.set(id.clone())} />
                            <span>
                                {move || t_string!(i18n, decide.option, channel = grades::channel(i18n, &channel), time = received.clone())}
                                {counts.then(|| view! { " " <span class="tag">{t!(i18n, decide.counting)}</span> })}
                            </span>
                        </label>
                    }
                })
                .collect_view()
        })
    };
    let reason_id = format!("reason-{code}");
    view! {
        <article class="card conflict" data-code=code.clone()>
            {card}
            <Show when=office>
                <form class="decide-form" on:submit=submit.clone() novalidate>
                    <fieldset>
                        <legend>{t!(i18n, decide.which)}</legend>
                        {options}
                    </fieldset>
                    <label for=reason_id.clone()>{t!(i18n, decide.reason_label)}</label>
                    <textarea id=reason_id.clone() rows="2" maxlength="500" bind:value=reason></textarea>
                    <p class="error" role="alert">{move || problem.get()}</p>
                    <button class="btn" type="submit" disabled=move || busy.get()>{t!(i18n, decide.submit)}</button>
                </form>
            </Show>
        </article>
    }
}
