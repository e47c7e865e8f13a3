//! The agency tree: each agency with its code, level and dossiers; create
//! one under a parent, rename, move, change level, deactivate or reactivate,
//! and delete one that nothing refers to.

use super::{Feedback, FeedbackLine, LEVELS, confirm, error_text, focus, level_text, problem_text};
use crate::api;
use crate::i18n::*;
use crate::session::CurrentSession;
use danhgia_core::account::{clean_line, normalize_agency_code};
use danhgia_core::wire::admin::{AgencyInfo, AgencyInput, AgencyPatch};
use leptos::prelude::*;
use leptos::task::spawn_local;

/// What the editor holds.
#[derive(Debug, Clone, PartialEq)]
enum Editor {
    New,
    Edit(AgencyInfo),
}

/// The level a new agency under `parent_level` most likely has.
fn default_level(parent_level: &str) -> &'static str {
    match parent_level {
        "province" => "district",
        "district" => "commune",
        _ => "department",
    }
}

/// `id` and every agency below it.
fn subtree(all: &[AgencyInfo], id: &str) -> Vec<String> {
    let mut out = vec![id.to_owned()];
    let mut i = 0;
    while i < out.len() {
        let parent = out[i].clone();
        out.extend(all.iter().filter(|a| a.parent_id.as_deref() == Some(parent.as_str())).map(|a| a.id.clone()));
        i += 1;
    }
    out
}

/// The agencies at the top of what the administrator sees (their own).
fn roots(all: &[AgencyInfo]) -> Vec<AgencyInfo> {
    all.iter().filter(|a| a.parent_id.as_ref().is_none_or(|p| !all.iter().any(|b| &b.id == p))).cloned().collect()
}

#[component]
pub fn Agencies() -> impl IntoView {
    let i18n = use_i18n();
    let session = expect_context::<CurrentSession>();
    let version = RwSignal::new(0u32);
    let list = LocalResource::new(move || {
        version.track();
        let bearer = session.token_untracked();
        async move {
            match bearer {
                Some(b) => api::agencies(&b).await,
                None => Err(api::ApiErr::Refused { status: 401, code: String::new(), message: String::new() }),
            }
        }
    });
    let all = move || list.get().and_then(Result::ok).unwrap_or_default();
    let feedback = RwSignal::new(None::<Feedback>);
    let editor = RwSignal::new(None::<Editor>);
    // The editor's fields.
    let code = RwSignal::new(String::new());
    let name = RwSignal::new(String::new());
    let level = RwSignal::new(String::new());
    let parent = RwSignal::new(String::new());
    let busy = RwSignal::new(false);

    let open_new = move |under: Option<AgencyInfo>| {
        let under = under.or_else(|| roots(&all()).into_iter().next());
        code.set(String::new());
        name.set(String::new());
        level.set(default_level(under.as_ref().map_or("district", |a| a.level.as_str())).to_owned());
        parent.set(under.map(|a| a.id).unwrap_or_default());
        feedback.set(None);
        editor.set(Some(Editor::New));
        focus("agency-code");
    };
    let open_edit = move |a: AgencyInfo| {
        name.set(a.name.clone());
        level.set(a.level.clone());
        parent.set(a.parent_id.clone().unwrap_or_default());
        feedback.set(None);
        editor.set(Some(Editor::Edit(a)));
        focus("agency-name");
    };

    // Runs one change; on success the list is read again and the editor closes.
    let run = move |done: String,
                    job: std::pin::Pin<Box<dyn std::future::Future<Output = Result<(), api::ApiErr>>>>| {
        busy.set(true);
        spawn_local(async move {
            let outcome = job.await;
            busy.set(false);
            match outcome {
                Ok(()) => {
                    feedback.set(Some(Feedback::Done(done)));
                    editor.set(None);
                    version.update(|v| *v += 1);
                }
                Err(e) => feedback.set(Some(Feedback::Failed(error_text(i18n, &e)))),
            }
        });
    };

    let save = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let Some(bearer) = session.token_untracked() else { return };
        let Some(mode) = editor.get_untracked() else { return };
        let clean_name = match clean_line(&name.get_untracked(), 200) {
            Ok(n) => n,
            Err(p) => {
                return feedback.set(Some(Feedback::Failed(problem_text(i18n, t_string!(i18n, admin.name), &p))));
            }
        };
        match mode {
            Editor::New => {
                let id = match normalize_agency_code(&code.get_untracked()) {
                    Ok(c) => c,
                    Err(p) => {
                        return feedback.set(Some(Feedback::Failed(problem_text(
                            i18n,
                            t_string!(i18n, admin.code),
                            &p,
                        ))));
                    }
                };
                let input = AgencyInput {
                    id: id.clone(),
                    name: clean_name,
                    level: level.get_untracked(),
                    parent_id: parent.get_untracked(),
                };
                let done = t_string!(i18n, admin.agency_created, code = id);
                run(done, Box::pin(async move { api::create_agency(&bearer, &input).await.map(|_| ()) }));
            }
            Editor::Edit(before) => {
                let (new_level, new_parent) = (level.get_untracked(), parent.get_untracked());
                let patch = AgencyPatch {
                    name: Some(clean_name).filter(|n| *n != before.name),
                    level: Some(new_level).filter(|l| *l != before.level),
                    parent_id: Some(new_parent).filter(|p| !p.is_empty() && Some(p) != before.parent_id.as_ref()),
                    active: None,
                };
                if patch == AgencyPatch::default() {
                    editor.set(None);
                    return;
                }
                let done = t_string!(i18n, admin.agency_saved, code = before.id.clone());
                run(done, Box::pin(async move { api::update_agency(&bearer, &before.id, &patch).await.map(|_| ()) }));
            }
        }
    };

    let set_active = move |a: AgencyInfo, active: bool| {
        let Some(bearer) = session.token_untracked() else { return };
        if !active && !confirm(&t_string!(i18n, admin.confirm_deactivate_agency, name = a.name.clone())) {
            return;
        }
        let done = if active {
            t_string!(i18n, admin.agency_activated, code = a.id.clone())
        } else {
            t_string!(i18n, admin.agency_deactivated, code = a.id.clone())
        };
        let patch = AgencyPatch { active: Some(active), ..Default::default() };
        run(done, Box::pin(async move { api::update_agency(&bearer, &a.id, &patch).await.map(|_| ()) }));
    };
    let delete = move |a: AgencyInfo| {
        let Some(bearer) = session.token_untracked() else { return };
        if !confirm(&t_string!(i18n, admin.confirm_delete_agency, name = a.name.clone())) {
            return;
        }
        let done = t_string!(i18n, admin.agency_deleted, code = a.id.clone());
        run(done, Box::pin(async move { api::delete_agency(&bearer, &a.id).await }));
    };

    // One agency and, below it, its own.
    fn branch(
        i18n: I18n,
        all: &[AgencyInfo],
        a: &AgencyInfo,
        open_edit: impl Fn(AgencyInfo) + Copy + 'static,
        open_new: impl Fn(Option<AgencyInfo>) + Copy + 'static,
    ) -> AnyView {
        let children: Vec<AnyView> = all
            .iter()
            .filter(|c| c.parent_id.as_deref() == Some(a.id.as_str()))
            .map(|c| branch(i18n, all, c, open_edit, open_new))
            .collect();
        let has_children = !children.is_empty();
        let (for_edit, for_new) = (a.clone(), a.clone());
        let (level, dossiers, active) = (a.level.clone(), a.dossiers, a.active);
        view! {
            <li class="agency" data-agency=a.id.clone() data-active=active.to_string()>
                <div class="node">
                    <div class="what">
                        <strong class="name">{a.name.clone()}</strong>
                        <span class="meta">
                            <span class="code">{a.id.clone()}</span>
                            " · " {move || level_text(i18n, &level)}
                            " · " {move || t_string!(i18n, admin.dossiers, count = dossiers)}
                        </span>
                        {(!active).then(|| view! { <span class="tag off">{t!(i18n, admin.inactive)}</span> })}
                    </div>
                    <div class="actions">
                        <button class="btn secondary small" type="button" on:click=move |_| open_edit(for_edit.clone())>
                            {t!(i18n, admin.edit)} <span class="sr-only">" " {a.id.clone()}</span>
                        </button>
                        {active.then(|| view! {
                            <button class="btn secondary small" type="button" on:click=move |_| open_new(Some(for_new.clone()))>
                                {t!(i18n, admin.add_under)} <span class="sr-only">" " {a.id.clone()}</span>
                            </button>
                        })}
                    </div>
                </div>
                {has_children.then(|| view! { <ul>{children}</ul> })}
            </li>
        }
        .into_any()
    }

    let tree = move || {
        let all = all();
        roots(&all).iter().map(|r| branch(i18n, &all, r, open_edit, open_new)).collect_view()
    };

    // The parents an agency may be put under: active ones, never itself or below it.
    let parent_choices = move || {
        let all = all();
        let excluded = match editor.get() {
            Some(Editor::Edit(a)) => subtree(&all, &a.id),
            _ => Vec::new(),
        };
        all.into_iter().filter(|a| a.active && !excluded.contains(&a.id)).collect::<Vec<_>>()
    };

    let editor_view = move || {
        let mode = editor.get()?;
        let (title, editing) = match &mode {
            Editor::New => (t_string!(i18n, admin.new_agency).to_owned(), None),
            Editor::Edit(a) => (t_string!(i18n, admin.edit_agency, code = a.id.clone()), Some(a.clone())),
        };
        let own = editing.as_ref().is_some_and(|a| roots(&all()).iter().any(|r| r.id == a.id));
        // Its name too, unless nothing is above it (the district's own).
        let name_locked = own && editing.as_ref().is_some_and(|a| a.parent_id.is_some());
        let current = editing.clone();
        Some(view! {
            <section class="card editor" aria-labelledby="agency-editor-title">
                <h2 id="agency-editor-title">{title}</h2>
                <form on:submit=save novalidate>
                    {editing.is_none().then(|| view! {
                        <label for="agency-code">{t!(i18n, admin.code)}</label>
                        <input id="agency-code" type="text" autocomplete="off" autocapitalize="characters" spellcheck="false"
                            aria-describedby="agency-code-hint" bind:value=code />
                        <p class="hint" id="agency-code-hint">{t!(i18n, admin.code_hint)}</p>
                    })}
                    <label for="agency-name">{t!(i18n, admin.name)}</label>
                    <input id="agency-name" type="text" autocomplete="off" bind:value=name disabled=name_locked />
                    <label for="agency-level">{t!(i18n, admin.level)}</label>
                    <select id="agency-level" prop:value=move || level.get() on:change=move |ev| level.set(event_target_value(&ev)) disabled=own>
                        {LEVELS.into_iter().map(|l| view! { <option value=l selected=move || level.get() == l>{move || level_text(i18n, l)}</option> }).collect_view()}
                    </select>
                    <Show when=move || !own>
                        <label for="agency-parent">{t!(i18n, admin.parent)}</label>
                        <select id="agency-parent" prop:value=move || parent.get() on:change=move |ev| parent.set(event_target_value(&ev))>
                            {move || parent_choices().into_iter().map(|p| {
                                let id = p.id.clone();
                                let selected = move || parent.get() == id;
                                view! { <option value=p.id.clone() selected=selected>{format!("{} ({})", p.name, p.id)}</option> }
                            }).collect_view()}
                        </select>
                    </Show>
                    {own.then(|| if name_locked {
                        view! { <p class="hint">{t!(i18n, admin.own_agency_hint)}</p> }.into_any()
                    } else {
                        view! { <p class="hint">{t!(i18n, admin.own_top_agency_hint)}</p> }.into_any()
                    })}
                    <div class="actions">
                        <button class="btn" type="submit" disabled=move || busy.get()>
                            {if editing.is_none() { t!(i18n, admin.create) } else { t!(i18n, admin.save) }}
                        </button>
                        <button class="btn secondary" type="button" on:click=move |_| editor.set(None)>{t!(i18n, admin.cancel)}</button>
                    </div>
                </form>
                {current.filter(|_| !own).map(|a| {
                    let (for_toggle, for_delete) = (a.clone(), a.clone());
                    let active = a.active;
                    view! {
                        <div class="actions danger">
                            <button class="btn secondary" type="button" disabled=move || busy.get()
                                on:click=move |_| set_active(for_toggle.clone(), !active)>
                                {if active { t!(i18n, admin.deactivate) } else { t!(i18n, admin.activate) }}
                            </button>
                            {if a.dossiers == 0 {
                                view! {
                                    <button class="btn secondary" type="button" disabled=move || busy.get()
                                        on:click=move |_| delete(for_delete.clone())>
                                        {t!(i18n, admin.delete)}
                                    </button>
                                }.into_any()
                            } else {
                                view! { <p class="hint">{t!(i18n, admin.has_dossiers_hint, count = a.dossiers)}</p> }.into_any()
                            }}
                        </div>
                    }
                })}
            </section>
        })
    };

    view! {
        <section aria-labelledby="agencies-title">
            <div class="section-head">
                <h2 id="agencies-title">{t!(i18n, admin.agencies)}</h2>
                <button class="btn small" type="button" on:click=move |_| open_new(None)>{t!(i18n, admin.new_agency)}</button>
            </div>
            <FeedbackLine feedback=feedback />
            {editor_view}
            {move || match list.get() {
                None => Some(view! { <p class="hint">{t!(i18n, admin.loading)}</p> }.into_any()),
                Some(Err(e)) => Some(view! { <p class="error">{error_text(i18n, &e)}</p> }.into_any()),
                Some(Ok(_)) => None,
            }}
            <ul class="tree">{tree}</ul>
        </section>
    }
}
