//! The audit log, newest first, a page at a time: who changed what, when,
//! and what it was before and after.

use super::error_text;
use crate::api;
use crate::browser::local_time;
use crate::i18n::*;
use crate::session::CurrentSession;
use danhgia_core::wire::admin::AuditEntry;
use leptos::prelude::*;
use serde_json::Value;

const PAGE: u32 = 25;

fn action_text(i18n: I18n, action: &str) -> String {
    let known = match action {
        "agency.create" => t_string!(i18n, audit_action.agency_create),
        "agency.update" => t_string!(i18n, audit_action.agency_update),
        "agency.deactivate" => t_string!(i18n, audit_action.agency_deactivate),
        "agency.activate" => t_string!(i18n, audit_action.agency_activate),
        "agency.delete" => t_string!(i18n, audit_action.agency_delete),
        "official.create" => t_string!(i18n, audit_action.official_create),
        "official.update" => t_string!(i18n, audit_action.official_update),
        "official.deactivate" => t_string!(i18n, audit_action.official_deactivate),
        "official.merge" => t_string!(i18n, audit_action.official_merge),
        "account.create" => t_string!(i18n, audit_action.account_create),
        "account.update" => t_string!(i18n, audit_action.account_update),
        "account.deactivate" => t_string!(i18n, audit_action.account_deactivate),
        "account.activate" => t_string!(i18n, audit_action.account_activate),
        "account.reset_password" => t_string!(i18n, audit_action.account_reset_password),
        "account.sign_out" => t_string!(i18n, audit_action.account_sign_out),
        "account.change_password" => t_string!(i18n, audit_action.account_change_password),
        "dossier.import" => t_string!(i18n, audit_action.dossier_import),
        "dossier.update" => t_string!(i18n, audit_action.dossier_update),
        "rating.decide" => t_string!(i18n, audit_action.rating_decide),
        "proposal.write" => t_string!(i18n, audit_action.proposal_write),
        // A newer server's action: its code is still readable.
        _ => return action.to_owned(),
    };
    known.to_owned()
}

fn value_text(i18n: I18n, v: Option<&Value>) -> String {
    match v {
        None | Some(Value::Null) => "—".into(),
        Some(Value::Bool(true)) => t_string!(i18n, admin.yes).into(),
        Some(Value::Bool(false)) => t_string!(i18n, admin.no).into(),
        Some(Value::String(s)) if s.is_empty() => "—".into(),
        Some(Value::String(s)) => s.clone(),
        Some(other) => other.to_string(),
    }
}

/// The fields that differ between before and after, by name.
fn changes(entry: &AuditEntry) -> Vec<(String, Option<Value>, Option<Value>)> {
    let as_map = |v: &Option<Value>| match v {
        Some(Value::Object(m)) => m.clone(),
        _ => serde_json::Map::new(),
    };
    let (before, after) = (as_map(&entry.before), as_map(&entry.after));
    let mut keys: Vec<&String> = before.keys().chain(after.keys()).collect();
    keys.sort();
    keys.dedup();
    keys.into_iter()
        .filter(|k| before.get(*k) != after.get(*k))
        .map(|k| (k.clone(), before.get(k).cloned(), after.get(k).cloned()))
        .collect()
}

fn entry_view(i18n: I18n, entry: AuditEntry) -> impl IntoView {
    let at = js_sys::Date::parse(&entry.at);
    let when = if at.is_nan() { entry.at.clone() } else { local_time(at) };
    let had_before = entry.before.is_some();
    let had_after = entry.after.is_some();
    let action = entry.action.clone();
    let rows = changes(&entry)
        .into_iter()
        .map(|(key, before, after)| {
            view! {
                <li>
                    <span class="key">{key}</span> ": "
                    {had_before.then(|| view! { <del>{value_text(i18n, before.as_ref())}</del> })}
                    {(had_before && had_after).then_some(" → ")}
                    {had_after.then(|| view! { <ins>{value_text(i18n, after.as_ref())}</ins> })}
                </li>
            }
        })
        .collect_view();
    view! {
        <li class="audit-entry" data-action=entry.action.clone()>
            <div class="line">
                <time datetime=entry.at.clone()>{when}</time>
                <strong class="action">{move || action_text(i18n, &action)}</strong>
                <span class="target">{entry.target.clone()}</span>
            </div>
            <p class="who">{t!(i18n, admin.audit_by, actor = entry.actor.clone())}</p>
            <ul class="changes">{rows}</ul>
        </li>
    }
}

#[component]
pub fn Audit() -> impl IntoView {
    let i18n = use_i18n();
    let session = expect_context::<CurrentSession>();
    let offset = RwSignal::new(0u32);
    let page = LocalResource::new(move || {
        let (from, bearer) = (offset.get(), session.token_untracked());
        async move {
            match bearer {
                Some(b) => api::audit(&b, from, PAGE).await,
                None => Err(api::ApiErr::Refused { status: 401, code: String::new(), message: String::new() }),
            }
        }
    });
    let total = move || page.get().and_then(Result::ok).map_or(0, |p| p.total);
    view! {
        <section aria-labelledby="audit-title">
            <h2 id="audit-title">{t!(i18n, admin.audit)}</h2>
            <p class="hint" role="status">{move || {
                let (from, total) = (offset.get(), total());
                (total > 0).then(|| t_string!(i18n, admin.audit_range, from = from + 1, to = (from + PAGE).min(total), total = total))
            }}</p>
            {move || match page.get() {
                None => Some(view! { <p class="hint">{t!(i18n, admin.loading)}</p> }.into_any()),
                Some(Err(e)) => Some(view! { <p class="error">{error_text(i18n, &e)}</p> }.into_any()),
                Some(Ok(p)) if p.entries.is_empty() => Some(view! { <p class="hint">{t!(i18n, admin.audit_empty)}</p> }.into_any()),
                Some(Ok(p)) => Some(view! {
                    <ol class="audit">{p.entries.into_iter().map(|e| entry_view(i18n, e)).collect_view()}</ol>
                }.into_any()),
            }}
            <div class="actions pager">
                <button class="btn secondary" type="button" disabled=move || offset.get() == 0
                    on:click=move |_| offset.update(|o| *o = o.saturating_sub(PAGE))>
                    {t!(i18n, admin.newer)}
                </button>
                <button class="btn secondary" type="button" disabled=move || offset.get() + PAGE >= total()
                    on:click=move |_| offset.update(|o| *o += PAGE)>
                    {t!(i18n, admin.older)}
                </button>
            </div>
        </section>
    }
}
