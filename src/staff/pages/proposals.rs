//! "Đề xuất, kiến nghị" (Mẫu 05): a commune's office writes its proposed
//! fixes for the period, several lines; the district reads every commune's.
//! They appear in the district's report, its print view and the exports.

use crate::api::{self, ApiErr};
use crate::i18n::*;
use crate::session::CurrentSession;
use crate::staff::components::period::{PeriodChoice, PeriodFields, has_begun, period_label};
use crate::staff::components::refusal;
use crate::staff::pages::indicators::when;
use danhgia_core::wire::Period;
use danhgia_core::wire::quarter::{ProposalInput, ProposalView};
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::components::A;

/// The server's limit.
const MAX_CHARS: usize = 4000;

#[derive(Debug, Clone, PartialEq)]
enum State {
    Idle,
    Loading,
    Ready { period: Period, list: Vec<ProposalView> },
    Failed(String),
}

fn failure(i18n: I18n, err: &ApiErr) -> String {
    if let Some(text) = refusal::common(i18n, err) {
        return text;
    }
    match err {
        ApiErr::Refused { status: 403, .. } => t_string!(i18n, proposals.forbidden).to_owned(),
        ApiErr::Refused { code, .. } if code == "future_period" => t_string!(i18n, proposals.future).to_owned(),
        ApiErr::Network => t_string!(i18n, proposals.offline).to_owned(),
        _ => refusal::unknown(i18n, err),
    }
}

#[component]
pub fn Proposals() -> impl IntoView {
    let i18n = use_i18n();
    let session = expect_context::<CurrentSession>();
    let choice = PeriodChoice::from_query();
    let state = RwSignal::new(State::Idle);

    let load = move || {
        let Some(bearer) = session.token_untracked() else { return };
        let Some(period) = choice.period_untracked() else { return };
        let unit = choice.unit_untracked();
        state.set(State::Loading);
        spawn_local(async move {
            state.set(match api::proposals(&bearer, period.year, period.quarter, unit.as_deref()).await {
                Ok(list) => State::Ready { period, list },
                Err(e) => State::Failed(failure(i18n, &e)),
            });
        });
    };
    if session.token_untracked().is_some() {
        load();
    }

    let body = move || match state.get() {
        State::Idle => None,
        State::Loading => Some(view! { <p class="hint" role="status">{t!(i18n, proposals.loading)}</p> }.into_any()),
        State::Failed(message) => Some(view! { <p class="error" role="alert">{message}</p> }.into_any()),
        State::Ready { period, list } => {
            let me = session.get();
            let own = me.as_ref().map(|s| s.officer.agency_id.clone()).unwrap_or_default();
            let own_name = me.as_ref().map(|s| s.officer.agency.clone()).unwrap_or_default();
            let office = me.is_some_and(|s| s.officer.role == "office");
            let mine = list.iter().find(|p| p.agency_id == own).cloned();
            let others: Vec<ProposalView> = list.into_iter().filter(|p| p.agency_id != own).collect();
            Some(
                view! {
                    {office.then(|| view! { <Editor agency_id=own.clone() agency=own_name.clone() period=period current=mine /> })}
                    <Show when={let empty = others.is_empty(); move || !empty}>
                        <h2>{t!(i18n, proposals.of_units)}</h2>
                    </Show>
                    <ul class="proposal-list">
                        {others.clone().into_iter().map(|p| {
                            let at = when(&p.updated_at);
                            view! {
                                <li class="card" data-agency=p.agency_id.clone()>
                                    <h3>{p.agency.clone()}</h3>
                                    <p class="proposal-text">{p.text.clone()}</p>
                                    <p class="hint">{move || t_string!(i18n, proposals.updated, who = p.updated_by.clone(), time = at.clone())}</p>
                                </li>
                            }
                        }).collect_view()}
                    </ul>
                }
                .into_any(),
            )
        }
    };

    view! {
        <h1>{t!(i18n, proposals.title)}</h1>
        <p class="lead">{t!(i18n, proposals.lead)}</p>
        <Show when=move || session.get().is_some() fallback=move || view! {
            <p class="card">{t!(i18n, report.sign_in)}</p>
            <A href="/dang-nhap" attr:class="btn">{t!(i18n, officer.sign_in)}</A>
        }>
            <form class="card report-picker" on:submit=move |ev: leptos::ev::SubmitEvent| { ev.prevent_default(); load(); }>
                <div class="row">
                    <PeriodFields choice=choice id="proposals" />
                    <button class="btn" type="submit">{t!(i18n, proposals.show)}</button>
                </div>
            </form>
            {body}
            <p><A href=move || format!("/bao-cao{}", choice.query()) attr:class="btn secondary">{t!(i18n, quarter.back_to_report)}</A></p>
        </Show>
    }
}

/// The signed-in office's own proposals for the period.
#[component]
fn Editor(agency_id: String, agency: String, period: Period, current: Option<ProposalView>) -> impl IntoView {
    let i18n = use_i18n();
    let session = expect_context::<CurrentSession>();
    let text = RwSignal::new(current.as_ref().map(|p| p.text.clone()).unwrap_or_default());
    let last = RwSignal::new(current);
    let problem = RwSignal::new(None::<String>);
    let saved = RwSignal::new(false);
    let busy = RwSignal::new(false);
    let begun = has_begun(&period);

    let submit = {
        let agency_id = agency_id.clone();
        move |ev: leptos::ev::SubmitEvent| {
            ev.prevent_default();
            saved.set(false);
            let Some(bearer) = session.token_untracked() else { return };
            if !begun {
                return problem.set(Some(t_string!(i18n, proposals.future).to_owned()));
            }
            // As the server keeps it: a pasted tab or invisible mark would be refused.
            let body = danhgia_core::text::as_text(&text.get_untracked());
            if body.trim().is_empty() {
                return problem.set(Some(t_string!(i18n, proposals.empty).to_owned()));
            }
            if body.chars().count() > MAX_CHARS {
                return problem.set(Some(t_string!(i18n, proposals.too_long, max = MAX_CHARS)));
            }
            problem.set(None);
            busy.set(true);
            let input = ProposalInput { agency_id: agency_id.clone(), period, text: body };
            spawn_local(async move {
                let answer = api::put_proposal(&bearer, &input).await;
                busy.set(false);
                match answer {
                    Ok(view) => {
                        text.set(view.text.clone());
                        last.set(Some(view));
                        saved.set(true);
                    }
                    Err(e) => problem.set(Some(failure(i18n, &e))),
                }
            });
        }
    };
    let label = move || t_string!(i18n, proposals.label, agency = agency.clone(), period = period_label(i18n, &period));
    view! {
        <form class="card proposal-editor" data-agency=agency_id.clone() on:submit=submit novalidate>
            <label for="proposal-text">{label}</label>
            <p class="hint" id="proposal-hint">{t!(i18n, proposals.hint)}</p>
            <textarea id="proposal-text" rows="8" maxlength=MAX_CHARS.to_string() aria-describedby="proposal-hint" bind:value=text></textarea>
            <p class="hint">
                {move || last.get().map(|p| t_string!(i18n, proposals.updated, who = p.updated_by.clone(), time = when(&p.updated_at)))}
            </p>
            <Show when=move || !begun>
                <p class="error" role="alert">{t!(i18n, proposals.future)}</p>
            </Show>
            <p class="error" role="alert">{move || problem.get()}</p>
            <p class="saved" role="status">{move || saved.get().then(|| t_string!(i18n, proposals.saved))}</p>
            <button class="btn" type="submit" disabled=move || { busy.get() || !begun }>{t!(i18n, proposals.save)}</button>
        </form>
    }
}
