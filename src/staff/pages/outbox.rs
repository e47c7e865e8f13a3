//! "Hộp thư đi": every record on this device and what became of it, with
//! "sync now", retry, edit, discard (confirmed) and an export of what has not
//! been sent, and whether the browser protects the storage.

use crate::browser::{download, local_time};
use crate::i18n::*;
use crate::messages::{reason_text, refusal_text};
use crate::session::CurrentSession;
use crate::store::outbox::{self, EntryState, OutboxEntry, Shown};
use crate::sync::Sync;
use danhgia_core::rating::Channel;
use leptos::prelude::*;

/// The newest records listed; the counts cover them all (an officer's device
/// may hold thousands after a long day offline).
const SHOWN: usize = 200;

/// Downloads the records not yet delivered as a JSON file: the last resort
/// when a device must be handed in before it could sync.
async fn export() {
    let Ok(unsent) = outbox::undelivered().await else { return };
    let Some(json) = crate::json::stringify(&unsent, 2) else { return };
    let day = String::from(js_sys::Date::new_0().to_iso_string());
    download(
        json.as_bytes(),
        &format!("danhgia-chua-gui-{}.json", day.get(..10).unwrap_or("export")),
        "application/json",
    );
}

#[component]
pub fn Outbox() -> impl IntoView {
    let i18n = use_i18n();
    let sync = expect_context::<Sync>();
    let session = expect_context::<CurrentSession>();
    let counts = LocalResource::new(move || {
        sync.changed.track();
        async move { outbox::counts().await.unwrap_or_default() }
    });
    let entries = LocalResource::new(move || {
        sync.changed.track();
        async move { outbox::newest(SHOWN).await.unwrap_or_default() }
    });
    let persisted = LocalResource::new(crate::pwa::ask_persistent_storage);
    let problem = RwSignal::new(None::<outbox::Refusal>);
    // Why another account's record was not taken over (checked with the server first).
    let not_handed = RwSignal::new(None::<String>);

    let count = move || counts.get().unwrap_or_default();
    let pending = move || count().pending;
    let attention = move || count().rejected;
    let sent = move || count().sent + count().conflict;

    let retry = Action::new_local(move |entry: &OutboxEntry| {
        let (seen, me) = (entry.clone(), session.username_untracked());
        async move { outbox::retry(&seen, me.as_deref()).await }
    });
    let discard = Action::new_local(move |entry: &OutboxEntry| {
        let (seen, me) = (entry.clone(), session.username_untracked());
        async move { outbox::discard(&seen, me.as_deref()).await }
    });
    // Only a dossier the signed-in account may rate for is taken over: the
    // server is asked first (it answers "not found" for another agency's), so
    // a slip is never parked under an account that cannot send it.
    let hand_over = Action::new_local(move |(entry, me, bearer): &(OutboxEntry, String, String)| {
        let (seen, me, bearer) = (entry.clone(), me.clone(), bearer.clone());
        async move {
            let code = seen.dossier_code.clone();
            let owner = seen.owner.clone().unwrap_or_default();
            use crate::api::ApiErr;
            match crate::api::dossier(&code, crate::api::Credential::Officer(&bearer)).await {
                Ok(_) => {}
                Err(ApiErr::Refused { status: 401, .. }) => {
                    sync.needs_sign_in.0.set(true);
                    return Err(t_string!(i18n, outbox.hand_over_signed_out).to_owned());
                }
                Err(ApiErr::Network | ApiErr::Server(_)) => {
                    return Err(t_string!(i18n, outbox.hand_over_offline).to_owned());
                }
                // The one-time password is still to be changed: not a matter of scope.
                Err(ApiErr::Refused { code, .. }) if code == "password_change_required" => {
                    return Err(t_string!(i18n, account.change_first).to_owned());
                }
                // Not found among the account's dossiers (another agency's,
                // or none), or not the account's to rate for.
                Err(_) => return Err(t_string!(i18n, outbox.hand_over_out_of_scope, code = code, owner = owner)),
            }
            outbox::hand_to(&seen, &me).await.map(|_| ()).map_err(|r| refusal_text(i18n, &r).to_string())
        }
    });
    // A refused operation is said; a retried record goes at once.
    Effect::new(move |_| match retry.value().get() {
        Some(Ok(())) => {
            problem.set(None);
            sync.send_now();
        }
        Some(Err(r)) => problem.set(Some(r)),
        None => {}
    });
    Effect::new(move |_| match hand_over.value().get() {
        Some(Ok(())) => {
            not_handed.set(None);
            sync.send_now();
        }
        Some(Err(why)) => not_handed.set(Some(why)),
        None => {}
    });
    Effect::new(move |_| match discard.value().get() {
        Some(Ok(())) => problem.set(None),
        Some(Err(r)) => problem.set(Some(r)),
        None => {}
    });
    let ask_discard = move |entry: OutboxEntry| {
        let question = t_string!(i18n, outbox.confirm_discard, code = entry.dossier_code.clone());
        if window().confirm_with_message(&question).unwrap_or(false) {
            discard.dispatch_local(entry);
        }
    };

    // Another account's record, sent with the signed-in account instead
    // once the officer confirmed whose it was and to whom it will count.
    let ask_hand_over = move |entry: OutboxEntry| {
        let (Some(me), Some(bearer), Some(owner)) =
            (session.username_untracked(), session.token_untracked(), entry.owner.clone())
        else {
            return;
        };
        let question = t_string!(
            i18n,
            outbox.confirm_hand_over,
            code = entry.dossier_code.clone(),
            owner = owner,
            me = me.clone()
        );
        if window().confirm_with_message(&question).unwrap_or(false) {
            problem.set(None);
            not_handed.set(None);
            hand_over.dispatch_local((entry, me, bearer));
        }
    };

    let row = move |entry: OutboxEntry| {
        let id = entry.id.clone();
        let sending = move || sync.status.with(|s| s.sending.contains(&id));
        let state = entry.state;
        let shown = entry.shown();
        // Queued by another account on this device: it waits for that
        // account's session, and only that account changes it.
        let others = entry.owner.clone().filter(|_| !entry.is_for(session.username_untracked().as_deref()));
        let waits_for = others.clone();
        let label = move || match shown {
            Shown::Pending if sending() => t_string!(i18n, outbox.state_sending).to_owned(),
            Shown::Pending => match &waits_for {
                Some(owner) => t_string!(i18n, outbox.state_waiting_owner, owner = owner.clone()).to_string(),
                None => t_string!(i18n, outbox.state_pending).to_owned(),
            },
            Shown::NotKept => t_string!(i18n, outbox.state_not_kept).to_owned(),
            Shown::Sent => t_string!(i18n, outbox.state_sent).to_owned(),
            Shown::Rejected => t_string!(i18n, outbox.state_attention).to_owned(),
            Shown::Conflict => t_string!(i18n, outbox.state_conflict).to_owned(),
        };
        let channel = match entry.record.channel {
            Channel::Online => t!(i18n, outbox.online).into_any(),
            Channel::Paper => t!(i18n, outbox.paper).into_any(),
            Channel::Kiosk => t!(i18n, outbox.kiosk).into_any(),
        };
        let reason = entry.reason.clone();
        let has_reason = matches!(shown, Shown::Rejected | Shown::Conflict | Shown::NotKept);
        let (for_retry, for_discard, for_hand_over) = (entry.clone(), entry.clone(), entry.clone());
        let edit_href = format!("/nhap-phieu?sua={}", entry.id);
        let editable = entry.record.channel == Channel::Paper;
        // Parked records can be retried, edited (paper slips) or discarded.
        let actions = (state == EntryState::Rejected && others.is_none()).then(|| {
            view! {
                <div class="actions">
                    <button class="btn secondary small" type="button" on:click=move |_| { retry.dispatch_local(for_retry.clone()); }>
                        {t!(i18n, outbox.retry)}
                    </button>
                    {editable.then(|| view! { <a href=edit_href class="btn secondary small">{t!(i18n, outbox.edit)}</a> })}
                    <button class="btn secondary small" type="button" on:click=move |_| ask_discard(for_discard.clone())>
                        {t!(i18n, outbox.discard)}
                    </button>
                </div>
            }
        });
        // Another account's record not yet delivered: a signed-in officer may send it instead.
        // (An administrator's account enters no ratings.)
        let handed = (others.is_some()
            && matches!(state, EntryState::Pending | EntryState::Rejected)
            && session.0.with_untracked(|s| s.as_ref().is_some_and(|s| s.officer.role != "admin")))
        .then(|| {
            view! {
                <div class="actions">
                    <button class="btn secondary small" type="button" on:click=move |_| ask_hand_over(for_hand_over.clone())>
                        {t!(i18n, outbox.hand_over)}
                    </button>
                </div>
            }
        });
        view! {
            <li class=if shown == Shown::NotKept { "outbox-entry not-kept" } else { "outbox-entry" } data-state=format!("{state:?}").to_lowercase()>
                <div class="line">
                    <span class="dossier-code">{entry.dossier_code.clone()}</span>
                    <span class="channel">{channel}</span>
                    <strong class="state">{label}</strong>
                </div>
                <Show when=move || has_reason>
                    <p class="reason">{
                        let reason = reason.clone();
                        move || t_string!(i18n, outbox.reason, reason = reason_text(i18n, reason.as_deref()))
                    }</p>
                </Show>
                {actions}
                {handed}
            </li>
        }
    };

    let total = move || count().all();
    view! {
        <h1>{t!(i18n, outbox.title)}</h1>
        <p class="lead">{t!(i18n, outbox.lead)}</p>
        <div class="card sync-panel">
            <p class="counts" role="status">
                {move || t_string!(i18n, outbox.counts, pending = pending(), attention = attention(), sent = sent())}
            </p>
            <p class="all-sent" role="status">
                {move || (counts.get().is_some() && pending() == 0 && attention() == 0 && total() > 0).then(|| t_string!(i18n, outbox.all_sent))}
            </p>
            <p class="hint">
                {move || sync.status.with(|s| match (s.failing, s.next_attempt_at, s.last_success_at) {
                    (true, Some(at), _) => Some(t_string!(i18n, outbox.failing, time = local_time(at))),
                    (_, _, Some(at)) => Some(t_string!(i18n, outbox.last_success, time = local_time(at))),
                    _ => None,
                })}
            </p>
            <p class="hint">
                {move || persisted.get().flatten().map(|p| if p { t_string!(i18n, outbox.persisted) } else { t_string!(i18n, outbox.not_persisted) })}
            </p>
            <div class="actions">
                <button class="btn" type="button" on:click=move |_| sync.send_now()>{t!(i18n, outbox.sync_now)}</button>
                <button class="btn secondary" type="button" on:click=move |_| leptos::task::spawn_local(export())>
                    {t!(i18n, outbox.export)}
                </button>
            </div>
        </div>
        <p class="error" role="alert">
            {move || problem.get().map(|r| refusal_text(i18n, &r).to_string()).or_else(|| not_handed.get())}
        </p>
        <Show when=move || counts.get().is_some() && total() == 0>
            <p class="hint">{t!(i18n, outbox.empty)}</p>
        </Show>
        <Show when=move || { total() as usize > SHOWN }>
            <p class="hint">{move || t_string!(i18n, outbox.shown, shown = SHOWN, count = total())}</p>
        </Show>
        <ul class="outbox-list">
            <For each=move || entries.get().unwrap_or_default() key=|e| (e.id.clone(), e.version, e.state) let(entry)>
                {row(entry)}
            </For>
        </ul>
    }
}
