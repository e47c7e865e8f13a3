//! Officials by agency: create, rename, change position, deactivate or
//! reactivate, and merge a duplicate (an import typo) into another, after a
//! confirmation that says how many dossiers move.

use super::{Feedback, FeedbackLine, error_text, focus, problem_text};
use crate::api::{self, ApiErr};
use crate::i18n::*;
use crate::session::CurrentSession;
use danhgia_core::account::clean_line;
use danhgia_core::wire::admin::{AgencyInfo, OfficialInfo, OfficialInput, OfficialPatch};
use leptos::prelude::*;
use leptos::task::spawn_local;

#[derive(Debug, Clone, PartialEq)]
enum Panel {
    New,
    Edit(OfficialInfo),
    Merge(OfficialInfo),
}

type Loaded = Result<(Vec<AgencyInfo>, Vec<OfficialInfo>), ApiErr>;

/// A position is optional; when given, the same rules as a name.
fn clean_position(s: &str) -> Result<String, danhgia_core::account::Problem> {
    if s.trim().is_empty() { Ok(String::new()) } else { clean_line(s, 150) }
}

#[component]
pub fn Officials() -> impl IntoView {
    let i18n = use_i18n();
    let session = expect_context::<CurrentSession>();
    let version = RwSignal::new(0u32);
    let data = LocalResource::new(move || {
        version.track();
        let bearer = session.token_untracked();
        async move {
            let Some(b) = bearer else {
                return Err(ApiErr::Refused { status: 401, code: String::new(), message: String::new() });
            };
            let agencies = api::agencies(&b).await?;
            let officials = api::officials(&b).await?;
            Loaded::Ok((agencies, officials))
        }
    });
    let agencies = move || data.get().and_then(Result::ok).map(|d| d.0).unwrap_or_default();
    let officials = move || data.get().and_then(Result::ok).map(|d| d.1).unwrap_or_default();
    // The agency shown: the administrator's own until another is picked.
    let agency = RwSignal::new(String::new());
    Effect::new(move |_| {
        if agency.with_untracked(String::is_empty)
            && let Some(first) = agencies().first()
        {
            agency.set(first.id.clone());
        }
    });
    let of_agency = move || {
        let id = agency.get();
        officials().into_iter().filter(|o| o.agency_id == id).collect::<Vec<_>>()
    };
    let name_of = move |id: i64| officials().into_iter().find(|o| o.id == id).map(|o| o.full_name).unwrap_or_default();

    let feedback = RwSignal::new(None::<Feedback>);
    let panel = RwSignal::new(None::<Panel>);
    let full_name = RwSignal::new(String::new());
    let position = RwSignal::new(String::new());
    let into = RwSignal::new(String::new());
    let busy = RwSignal::new(false);

    let run = move |done: String, job: std::pin::Pin<Box<dyn std::future::Future<Output = Result<(), ApiErr>>>>| {
        busy.set(true);
        spawn_local(async move {
            let outcome = job.await;
            busy.set(false);
            match outcome {
                Ok(()) => {
                    feedback.set(Some(Feedback::Done(done)));
                    panel.set(None);
                    version.update(|v| *v += 1);
                }
                Err(e) => feedback.set(Some(Feedback::Failed(error_text(i18n, &e)))),
            }
        });
    };

    let open = move |p: Panel| {
        feedback.set(None);
        match &p {
            Panel::New => {
                full_name.set(String::new());
                position.set(String::new());
            }
            Panel::Edit(o) => {
                full_name.set(o.full_name.clone());
                position.set(o.position.clone());
            }
            Panel::Merge(o) => {
                let first = of_agency().into_iter().find(|t| t.id != o.id && t.merged_into.is_none() && t.active);
                into.set(first.map(|t| t.id.to_string()).unwrap_or_default());
            }
        }
        let target = if matches!(p, Panel::Merge(_)) { "merge-into" } else { "official-name" };
        panel.set(Some(p));
        focus(target);
    };

    let save = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let Some(bearer) = session.token_untracked() else { return };
        let name = match clean_line(&full_name.get_untracked(), 150) {
            Ok(n) => n,
            Err(p) => {
                return feedback.set(Some(Feedback::Failed(problem_text(i18n, t_string!(i18n, admin.full_name), &p))));
            }
        };
        let pos = match clean_position(&position.get_untracked()) {
            Ok(p) => p,
            Err(p) => {
                return feedback.set(Some(Feedback::Failed(problem_text(i18n, t_string!(i18n, admin.position), &p))));
            }
        };
        match panel.get_untracked() {
            Some(Panel::New) => {
                let input = OfficialInput { agency_id: agency.get_untracked(), full_name: name.clone(), position: pos };
                let done = t_string!(i18n, admin.official_created, name = name);
                run(done, Box::pin(async move { api::create_official(&bearer, &input).await.map(|_| ()) }));
            }
            Some(Panel::Edit(before)) => {
                let patch = OfficialPatch {
                    full_name: Some(name.clone()).filter(|n| *n != before.full_name),
                    position: Some(pos).filter(|p| *p != before.position),
                    active: None,
                };
                if patch == OfficialPatch::default() {
                    return panel.set(None);
                }
                let done = t_string!(i18n, admin.official_saved, name = name);
                run(done, Box::pin(async move { api::update_official(&bearer, before.id, &patch).await.map(|_| ()) }));
            }
            _ => {}
        }
    };

    let set_active = move |o: OfficialInfo, active: bool| {
        let Some(bearer) = session.token_untracked() else { return };
        let done = if active {
            t_string!(i18n, admin.official_activated, name = o.full_name.clone())
        } else {
            t_string!(i18n, admin.official_deactivated, name = o.full_name.clone())
        };
        let patch = OfficialPatch { active: Some(active), ..Default::default() };
        run(done, Box::pin(async move { api::update_official(&bearer, o.id, &patch).await.map(|_| ()) }));
    };

    let merge = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let Some(bearer) = session.token_untracked() else { return };
        let Some(Panel::Merge(from)) = panel.get_untracked() else { return };
        let Ok(target) = into.get_untracked().parse::<i64>() else {
            return feedback.set(Some(Feedback::Failed(t_string!(i18n, admin.merge_pick).to_owned())));
        };
        let done =
            t_string!(i18n, admin.merged, from = from.full_name.clone(), into = name_of(target), count = from.dossiers);
        run(done, Box::pin(async move { api::merge_official(&bearer, from.id, target).await.map(|_| ()) }));
    };

    let row = move |o: OfficialInfo| {
        let (for_edit, for_merge, for_toggle) = (o.clone(), o.clone(), o.clone());
        let merged_into = o.merged_into;
        let (active, dossiers) = (o.active, o.dossiers);
        let position = o.position.clone();
        view! {
            <li data-official=o.id.to_string() data-active=active.to_string()>
                <div class="what">
                    <strong class="name">{o.full_name.clone()}</strong>
                    <span class="meta">
                        {(!position.is_empty()).then(|| format!("{position} · "))}
                        {move || t_string!(i18n, admin.dossiers, count = dossiers)}
                    </span>
                    {merged_into.map(|id| view! { <span class="tag off">{move || t_string!(i18n, admin.merged_into, name = name_of(id))}</span> })}
                    {(!active && merged_into.is_none()).then(|| view! { <span class="tag off">{t!(i18n, admin.inactive)}</span> })}
                </div>
                {merged_into.is_none().then(|| view! {
                    <div class="actions">
                        <button class="btn secondary small" type="button" on:click=move |_| open(Panel::Edit(for_edit.clone()))>
                            {t!(i18n, admin.edit)} <span class="sr-only">" " {o.full_name.clone()}</span>
                        </button>
                        <button class="btn secondary small" type="button" on:click=move |_| open(Panel::Merge(for_merge.clone()))>
                            {t!(i18n, admin.merge)} <span class="sr-only">" " {o.full_name.clone()}</span>
                        </button>
                        <button class="btn secondary small" type="button" disabled=move || busy.get()
                            on:click=move |_| set_active(for_toggle.clone(), !active)>
                            {if active { t!(i18n, admin.deactivate) } else { t!(i18n, admin.activate) }}
                            <span class="sr-only">" " {o.full_name.clone()}</span>
                        </button>
                    </div>
                })}
            </li>
        }
    };

    let panel_view = move || match panel.get()? {
        p @ (Panel::New | Panel::Edit(_)) => {
            let title = match &p {
                Panel::Edit(o) => t_string!(i18n, admin.edit_official, name = o.full_name.clone()),
                _ => t_string!(i18n, admin.new_official).to_owned(),
            };
            let is_new = matches!(p, Panel::New);
            Some(view! {
                <section class="card editor" aria-labelledby="official-editor-title">
                    <h2 id="official-editor-title">{title}</h2>
                    <form on:submit=save novalidate>
                        <label for="official-name">{t!(i18n, admin.full_name)}</label>
                        <input id="official-name" type="text" autocomplete="off" bind:value=full_name />
                        <label for="official-position">{t!(i18n, admin.position)}</label>
                        <input id="official-position" type="text" autocomplete="off" bind:value=position />
                        <div class="actions">
                            <button class="btn" type="submit" disabled=move || busy.get()>
                                {if is_new { t!(i18n, admin.create) } else { t!(i18n, admin.save) }}
                            </button>
                            <button class="btn secondary" type="button" on:click=move |_| panel.set(None)>{t!(i18n, admin.cancel)}</button>
                        </div>
                    </form>
                </section>
            }.into_any())
        }
        Panel::Merge(from) => {
            let from_id = from.id;
            let targets = move || {
                of_agency()
                    .into_iter()
                    .filter(|t| t.id != from_id && t.merged_into.is_none() && t.active)
                    .collect::<Vec<_>>()
            };
            let (from_name, count) = (from.full_name.clone(), from.dossiers);
            let consequence = move || {
                let target = into.get().parse::<i64>().ok().map(name_of).unwrap_or_default();
                t_string!(i18n, admin.merge_consequence, from = from_name.clone(), into = target, count = count)
            };
            Some(view! {
                <section class="card editor merge" aria-labelledby="merge-title">
                    <h2 id="merge-title">{t!(i18n, admin.merge_title, name = from.full_name.clone())}</h2>
                    <p class="hint">{t!(i18n, admin.merge_lead)}</p>
                    <form on:submit=merge novalidate>
                        <label for="merge-into">{t!(i18n, admin.merge_into)}</label>
                        <select id="merge-into" prop:value=move || into.get() on:change=move |ev| into.set(event_target_value(&ev))>
                            {move || targets().into_iter().map(|t| {
                                let id = t.id.to_string();
                                let selected = { let id = id.clone(); move || into.get() == id };
                                let label = if t.position.is_empty() { t.full_name.clone() } else { format!("{} — {}", t.full_name, t.position) };
                                view! { <option value=id selected=selected>{label}</option> }
                            }).collect_view()}
                        </select>
                        <p class="notice merge-consequence" role="status">{consequence}</p>
                        <div class="actions">
                            <button class="btn" type="submit" disabled=move || busy.get() || into.get().is_empty()>{t!(i18n, admin.merge_confirm)}</button>
                            <button class="btn secondary" type="button" on:click=move |_| panel.set(None)>{t!(i18n, admin.cancel)}</button>
                        </div>
                    </form>
                </section>
            }.into_any())
        }
    };

    view! {
        <section aria-labelledby="officials-title">
            <div class="section-head">
                <h2 id="officials-title">{t!(i18n, admin.officials)}</h2>
                <button class="btn small" type="button" on:click=move |_| open(Panel::New)>{t!(i18n, admin.new_official)}</button>
            </div>
            <label for="official-agency">{t!(i18n, admin.agency)}</label>
            <select id="official-agency" class="wide" prop:value=move || agency.get()
                on:change=move |ev| { agency.set(event_target_value(&ev)); panel.set(None); }>
                {move || agencies().into_iter().map(|a| {
                    let id = a.id.clone();
                    let selected = move || agency.get() == id;
                    view! { <option value=a.id.clone() selected=selected>{format!("{} ({})", a.name, a.id)}</option> }
                }).collect_view()}
            </select>
            <FeedbackLine feedback=feedback />
            {panel_view}
            {move || match data.get() {
                None => Some(view! { <p class="hint">{t!(i18n, admin.loading)}</p> }.into_any()),
                Some(Err(e)) => Some(view! { <p class="error">{error_text(i18n, &e)}</p> }.into_any()),
                Some(Ok(_)) if of_agency().is_empty() => Some(view! { <p class="hint">{t!(i18n, admin.no_officials)}</p> }.into_any()),
                Some(Ok(_)) => None,
            }}
            <ul class="admin-list officials">
                <For each=of_agency key=|o| (o.id, o.full_name.clone(), o.position.clone(), o.active, o.merged_into, o.dossiers) let(o)>
                    {row(o)}
                </For>
            </ul>
        </section>
    }
}
