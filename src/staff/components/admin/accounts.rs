//! Accounts of the administrator's agencies: who they are, their role and
//! agency and open sessions; create one (its one-time password shown once),
//! change its name, role or agency, reset its password (shown once),
//! deactivate or reactivate it, sign it out everywhere.

use super::{Feedback, FeedbackLine, ROLES, confirm, error_text, focus, problem_text, role_text};
use crate::api::{self, ApiErr};
use crate::i18n::*;
use crate::session::CurrentSession;
use danhgia_core::account::{clean_line, normalize_username};
use danhgia_core::wire::admin::{AccountInfo, AccountInput, AccountPatch, AgencyInfo, OneTimePassword};
use leptos::prelude::*;
use leptos::task::spawn_local;
use wasm_bindgen::{JsCast, JsValue};

#[derive(Debug, Clone, PartialEq)]
enum Panel {
    New,
    Edit(AccountInfo),
}

type Loaded = Result<(Vec<AgencyInfo>, Vec<AccountInfo>), ApiErr>;

/// Copies `text` to the clipboard: the Clipboard API where the page may use
/// it (secure contexts), else the field's selection and the old copy command.
async fn copy(text: String, field: &str) -> bool {
    let clipboard = js_sys::Reflect::get(&window().navigator(), &JsValue::from_str("clipboard")).ok();
    if let Some(clipboard) = clipboard.filter(|c| !c.is_undefined())
        && let Ok(write) = js_sys::Reflect::get(&clipboard, &JsValue::from_str("writeText"))
        && let Ok(write) = write.dyn_into::<js_sys::Function>()
        && let Ok(promise) = write.call1(&clipboard, &JsValue::from_str(&text))
        && let Ok(promise) = promise.dyn_into::<js_sys::Promise>()
        && wasm_bindgen_futures::JsFuture::from(promise).await.is_ok()
    {
        return true;
    }
    let input = document().get_element_by_id(field).and_then(|e| e.dyn_into::<web_sys::HtmlInputElement>().ok());
    let Some(input) = input else { return false };
    input.select();
    document().dyn_into::<web_sys::HtmlDocument>().ok().and_then(|d| d.exec_command("copy").ok()).unwrap_or(false)
}

/// A one-time password, shown once: copy it, and know it will not come back.
#[component]
fn OneTime(shown: RwSignal<Option<OneTimePassword>>) -> impl IntoView {
    let i18n = use_i18n();
    let copied = RwSignal::new(None::<bool>);
    move || {
        let otp = shown.get()?;
        copied.set(None);
        let password = otp.password.clone();
        focus("otp-value");
        Some(view! {
            <section class="card otp" aria-labelledby="otp-title">
                <h2 id="otp-title">{t!(i18n, admin.otp_title, username = otp.account.username.clone())}</h2>
                <label for="otp-value">{t!(i18n, admin.otp_label)}</label>
                <div class="row">
                    <input id="otp-value" class="otp-value" type="text" readonly autocomplete="off" spellcheck="false" value=otp.password.clone() />
                    <button class="btn" type="button" on:click=move |_| {
                        let password = password.clone();
                        spawn_local(async move { copied.set(Some(copy(password, "otp-value").await)) });
                    }>{t!(i18n, admin.copy)}</button>
                </div>
                <p class="feedback ok" role="status">{move || match copied.get() {
                    Some(true) => Some(t_string!(i18n, admin.copied)),
                    Some(false) => Some(t_string!(i18n, admin.copy_failed)),
                    None => None,
                }}</p>
                <p class="notice" role="note">{t!(i18n, admin.otp_warning)}</p>
                <button class="btn secondary" type="button" on:click=move |_| shown.set(None)>{t!(i18n, admin.otp_done)}</button>
            </section>
        })
    }
}

#[component]
pub fn Accounts() -> impl IntoView {
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
            let accounts = api::accounts(&b).await?;
            Loaded::Ok((agencies, accounts))
        }
    });
    let agencies = move || data.get().and_then(Result::ok).map(|d| d.0).unwrap_or_default();
    let accounts = move || data.get().and_then(Result::ok).map(|d| d.1).unwrap_or_default();
    let agency_name = move |id: &str| agencies().into_iter().find(|a| a.id == id).map(|a| a.name).unwrap_or_default();

    let feedback = RwSignal::new(None::<Feedback>);
    let one_time = RwSignal::new(None::<OneTimePassword>);
    let panel = RwSignal::new(None::<Panel>);
    let username = RwSignal::new(String::new());
    let full_name = RwSignal::new(String::new());
    let role = RwSignal::new("officer".to_owned());
    let agency = RwSignal::new(String::new());
    let busy = RwSignal::new(false);

    /// What a change brings back: nothing to show, or a one-time password.
    type Job = std::pin::Pin<Box<dyn std::future::Future<Output = Result<Option<OneTimePassword>, ApiErr>>>>;
    let run = move |done: String, job: Job| {
        busy.set(true);
        spawn_local(async move {
            let outcome = job.await;
            busy.set(false);
            match outcome {
                Ok(otp) => {
                    feedback.set(Some(Feedback::Done(done)));
                    panel.set(None);
                    if otp.is_some() {
                        one_time.set(otp);
                    }
                    version.update(|v| *v += 1);
                }
                Err(e) => feedback.set(Some(Feedback::Failed(error_text(i18n, &e)))),
            }
        });
    };

    let open = move |p: Panel| {
        feedback.set(None);
        one_time.set(None);
        match &p {
            Panel::New => {
                username.set(String::new());
                full_name.set(String::new());
                role.set("officer".into());
                agency.set(agencies().into_iter().find(|a| a.active).map(|a| a.id).unwrap_or_default());
            }
            Panel::Edit(a) => {
                full_name.set(a.full_name.clone());
                role.set(a.role.clone());
                agency.set(a.agency_id.clone());
            }
        }
        let target = if matches!(p, Panel::New) { "account-username" } else { "account-name" };
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
        match panel.get_untracked() {
            Some(Panel::New) => {
                let user = match normalize_username(&username.get_untracked()) {
                    Ok(u) => u,
                    Err(_) => {
                        return feedback
                            .set(Some(Feedback::Failed(t_string!(i18n, admin_error.bad_username).to_owned())));
                    }
                };
                let input = AccountInput {
                    username: user.clone(),
                    full_name: name,
                    role: role.get_untracked(),
                    agency_id: agency.get_untracked(),
                };
                let done = t_string!(i18n, admin.account_created, username = user);
                run(done, Box::pin(async move { api::create_account(&bearer, &input).await.map(Some) }));
            }
            Some(Panel::Edit(before)) => {
                let patch = AccountPatch {
                    full_name: Some(name).filter(|n| *n != before.full_name),
                    role: Some(role.get_untracked()).filter(|r| *r != before.role),
                    agency_id: Some(agency.get_untracked()).filter(|a| *a != before.agency_id),
                    active: None,
                };
                if patch == AccountPatch::default() {
                    return panel.set(None);
                }
                let done = t_string!(i18n, admin.account_saved, username = before.username.clone());
                run(done, Box::pin(async move { api::update_account(&bearer, before.id, &patch).await.map(|_| None) }));
            }
            None => {}
        }
    };

    let set_active = move |a: AccountInfo, active: bool| {
        let Some(bearer) = session.token_untracked() else { return };
        if !active && !confirm(&t_string!(i18n, admin.confirm_deactivate_account, username = a.username.clone())) {
            return;
        }
        let done = if active {
            t_string!(i18n, admin.account_activated, username = a.username.clone())
        } else {
            t_string!(i18n, admin.account_deactivated, username = a.username.clone())
        };
        let patch = AccountPatch { active: Some(active), ..Default::default() };
        run(done, Box::pin(async move { api::update_account(&bearer, a.id, &patch).await.map(|_| None) }));
    };
    let reset = move |a: AccountInfo| {
        let Some(bearer) = session.token_untracked() else { return };
        if !confirm(&t_string!(i18n, admin.confirm_reset, username = a.username.clone())) {
            return;
        }
        one_time.set(None);
        let done = t_string!(i18n, admin.password_reset, username = a.username.clone());
        run(done, Box::pin(async move { api::reset_password(&bearer, a.id).await.map(Some) }));
    };
    let sign_out = move |a: AccountInfo| {
        let Some(bearer) = session.token_untracked() else { return };
        if !confirm(&t_string!(i18n, admin.confirm_sign_out, username = a.username.clone())) {
            return;
        }
        let done = t_string!(i18n, admin.signed_out_everywhere, username = a.username.clone());
        run(done, Box::pin(async move { api::sign_out_account(&bearer, a.id).await.map(|_| None) }));
    };

    let row = move |a: AccountInfo| {
        let (for_edit, for_reset, for_sign_out, for_toggle) = (a.clone(), a.clone(), a.clone(), a.clone());
        let (role, agency_id, active, sessions, must_change) =
            (a.role.clone(), a.agency_id.clone(), a.active, a.sessions, a.must_change_password);
        let user = a.username.clone();
        view! {
            <li data-account=a.username.clone() data-active=active.to_string()>
                <div class="what">
                    <strong class="name">{a.full_name.clone()}</strong>
                    <span class="meta">
                        <span class="username">{a.username.clone()}</span>
                        " · " <span class="role">{move || role_text(i18n, &role)}</span>
                        " · " {
                            let agency_id = agency_id.clone();
                            move || format!("{} ({})", agency_name(&agency_id), agency_id)
                        }
                    </span>
                    <span class="meta sessions">{move || t_string!(i18n, admin.sessions, count = sessions)}</span>
                    {(!active).then(|| view! { <span class="tag off">{t!(i18n, admin.inactive)}</span> })}
                    {(active && must_change).then(|| view! { <span class="tag">{t!(i18n, admin.must_change)}</span> })}
                </div>
                <div class="actions">
                    <button class="btn secondary small" type="button" on:click=move |_| open(Panel::Edit(for_edit.clone()))>
                        {t!(i18n, admin.edit)} <span class="sr-only">" " {user.clone()}</span>
                    </button>
                    <button class="btn secondary small" type="button" disabled=move || busy.get() on:click=move |_| reset(for_reset.clone())>
                        {t!(i18n, admin.reset_password)} <span class="sr-only">" " {user.clone()}</span>
                    </button>
                    {(sessions > 0).then(|| view! {
                        <button class="btn secondary small" type="button" disabled=move || busy.get() on:click=move |_| sign_out(for_sign_out.clone())>
                            {t!(i18n, admin.sign_out_everywhere)} <span class="sr-only">" " {user.clone()}</span>
                        </button>
                    })}
                    <button class="btn secondary small" type="button" disabled=move || busy.get()
                        on:click=move |_| set_active(for_toggle.clone(), !active)>
                        {if active { t!(i18n, admin.deactivate) } else { t!(i18n, admin.activate) }}
                        <span class="sr-only">" " {a.username.clone()}</span>
                    </button>
                </div>
            </li>
        }
    };

    let panel_view = move || {
        let p = panel.get()?;
        let is_new = matches!(p, Panel::New);
        let title = match &p {
            Panel::Edit(a) => t_string!(i18n, admin.edit_account, username = a.username.clone()),
            Panel::New => t_string!(i18n, admin.new_account).to_owned(),
        };
        Some(view! {
            <section class="card editor" aria-labelledby="account-editor-title">
                <h2 id="account-editor-title">{title}</h2>
                <form on:submit=save novalidate>
                    {is_new.then(|| view! {
                        <label for="account-username">{t!(i18n, admin.username)}</label>
                        <input id="account-username" type="text" autocomplete="off" autocapitalize="none" spellcheck="false"
                            aria-describedby="account-username-hint" bind:value=username />
                        <p class="hint" id="account-username-hint">{t!(i18n, admin.username_hint)}</p>
                    })}
                    <label for="account-name">{t!(i18n, admin.full_name)}</label>
                    <input id="account-name" type="text" autocomplete="off" bind:value=full_name />
                    <label for="account-role">{t!(i18n, admin.role)}</label>
                    <select id="account-role" prop:value=move || role.get() on:change=move |ev| role.set(event_target_value(&ev))>
                        {ROLES.into_iter().map(|r| view! { <option value=r selected=move || role.get() == r>{move || role_text(i18n, r)}</option> }).collect_view()}
                    </select>
                    <p class="hint">{t!(i18n, admin.role_hint)}</p>
                    <label for="account-agency">{t!(i18n, admin.agency)}</label>
                    <select id="account-agency" prop:value=move || agency.get() on:change=move |ev| agency.set(event_target_value(&ev))>
                        {move || agencies().into_iter().filter(|a| a.active).map(|a| {
                            let id = a.id.clone();
                            let selected = move || agency.get() == id;
                            view! { <option value=a.id.clone() selected=selected>{format!("{} ({})", a.name, a.id)}</option> }
                        }).collect_view()}
                    </select>
                    <div class="actions">
                        <button class="btn" type="submit" disabled=move || busy.get()>
                            {if is_new { t!(i18n, admin.create) } else { t!(i18n, admin.save) }}
                        </button>
                        <button class="btn secondary" type="button" on:click=move |_| panel.set(None)>{t!(i18n, admin.cancel)}</button>
                    </div>
                </form>
            </section>
        })
    };

    view! {
        <section aria-labelledby="accounts-title">
            <div class="section-head">
                <h2 id="accounts-title">{t!(i18n, admin.accounts)}</h2>
                <button class="btn small" type="button" on:click=move |_| open(Panel::New)>{t!(i18n, admin.new_account)}</button>
            </div>
            <FeedbackLine feedback=feedback />
            <OneTime shown=one_time />
            {panel_view}
            {move || match data.get() {
                None => Some(view! { <p class="hint">{t!(i18n, admin.loading)}</p> }.into_any()),
                Some(Err(e)) => Some(view! { <p class="error">{error_text(i18n, &e)}</p> }.into_any()),
                Some(Ok(_)) => None,
            }}
            <ul class="admin-list accounts">
                <For each=accounts key=|a| format!("{a:?}") let(a)>
                    {row(a)}
                </For>
            </ul>
        </section>
    }
}
