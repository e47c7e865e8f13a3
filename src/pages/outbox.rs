//! "Hộp thư đi": every record on this device and what became of it, with
//! "sync now", retry, edit, discard (confirmed) and an export of what has not
//! been sent, and whether the browser protects the storage.

use crate::browser::{download, local_time};
use crate::i18n::*;
use crate::messages::reason_text;
use crate::store::outbox::{self, EntryState, OutboxEntry};
use crate::sync::Sync;
use danhgia_core::rating::Channel;
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::components::A;
use wasm_bindgen_futures::JsFuture;

/// The newest records listed; the counts cover them all (an officer's device
/// may hold thousands after a long day offline).
const SHOWN: usize = 200;

/// Asks the browser not to evict the outbox; `Some(granted)` when it answers.
pub async fn ask_persistent_storage() -> Option<bool> {
    let storage = window().navigator().storage();
    let persisted = JsFuture::from(storage.persisted().ok()?).await.ok()?.as_bool()?;
    if persisted {
        return Some(true);
    }
    JsFuture::from(storage.persist().ok()?).await.ok()?.as_bool()
}

/// Downloads the records not yet delivered as a JSON file: the last resort
/// when a device must be handed in before it could sync.
fn export(entries: &[OutboxEntry]) {
    let unsent: Vec<_> = entries.iter().filter(|e| e.state != EntryState::Sent).collect();
    let Ok(json) = serde_json::to_string_pretty(&unsent) else { return };
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
    let entries = RwSignal::new(Vec::<OutboxEntry>::new());
    let persisted = RwSignal::new(None::<bool>);

    Effect::new(move |_| {
        sync.changed.track();
        spawn_local(async move {
            if let Ok(all) = outbox::all().await {
                entries.set(all);
            }
        });
    });
    spawn_local(async move { persisted.set(ask_persistent_storage().await) });

    let count = move |pred: fn(&OutboxEntry) -> bool| entries.with(|e| e.iter().filter(|x| pred(x)).count());
    let pending = move || count(|e| e.state == EntryState::Pending);
    let attention = move || count(|e| e.state == EntryState::Rejected);
    let sent = move || count(|e| matches!(e.state, EntryState::Sent | EntryState::Conflict));

    let retry = move |id: String| {
        spawn_local(async move {
            if outbox::retry(&id).await.is_ok() {
                sync.changed.notify();
                sync.send_now();
            }
        });
    };
    let discard = move |entry: OutboxEntry| {
        let question = t_string!(i18n, outbox.confirm_discard, code = entry.dossier_code.clone());
        if !window().confirm_with_message(&question).unwrap_or(false) {
            return;
        }
        spawn_local(async move {
            if outbox::discard(&entry.id).await.is_ok() {
                sync.changed.notify();
            }
        });
    };

    let row = move |entry: OutboxEntry| {
        let id = entry.id.clone();
        let sending = move || sync.status.with(|s| s.sending.contains(&id));
        let state = entry.state;
        let label = move || match state {
            EntryState::Pending if sending() => t_string!(i18n, outbox.state_sending),
            EntryState::Pending => t_string!(i18n, outbox.state_pending),
            EntryState::Sent => t_string!(i18n, outbox.state_sent),
            EntryState::Rejected => t_string!(i18n, outbox.state_attention),
            EntryState::Conflict => t_string!(i18n, outbox.state_conflict),
        };
        let channel = match entry.record.channel {
            Channel::Online => t!(i18n, outbox.online).into_any(),
            Channel::Paper => t!(i18n, outbox.paper).into_any(),
            Channel::Kiosk => t!(i18n, outbox.kiosk).into_any(),
        };
        let reason = entry.reason.clone();
        let has_reason = matches!(state, EntryState::Rejected | EntryState::Conflict);
        let (for_retry, for_discard) = (entry.id.clone(), entry.clone());
        let edit_href = format!("/nhap-phieu?sua={}", entry.id);
        let editable = entry.record.channel == Channel::Paper;
        // Parked records can be retried, edited (paper slips) or discarded.
        let actions = (state == EntryState::Rejected).then(|| {
            view! {
                <div class="actions">
                    <button class="btn secondary small" type="button" on:click=move |_| retry(for_retry.clone())>
                        {t!(i18n, outbox.retry)}
                    </button>
                    {editable.then(|| view! { <A href=edit_href attr:class="btn secondary small">{t!(i18n, outbox.edit)}</A> })}
                    <button class="btn secondary small" type="button" on:click=move |_| discard(for_discard.clone())>
                        {t!(i18n, outbox.discard)}
                    </button>
                </div>
            }
        });
        view! {
            <li class="outbox-entry" data-state=format!("{state:?}").to_lowercase()>
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
            </li>
        }
    };

    view! {
        <h1>{t!(i18n, outbox.title)}</h1>
        <p class="lead">{t!(i18n, outbox.lead)}</p>
        <div class="card sync-panel">
            <p class="counts" role="status">
                {move || t_string!(i18n, outbox.counts, pending = pending(), attention = attention(), sent = sent())}
            </p>
            <p class="all-sent" role="status">
                {move || (pending() == 0 && attention() == 0 && !entries.with(Vec::is_empty)).then(|| t_string!(i18n, outbox.all_sent))}
            </p>
            <p class="hint">
                {move || sync.status.with(|s| match (s.failing, s.next_attempt_at, s.last_success_at) {
                    (true, Some(at), _) => Some(t_string!(i18n, outbox.failing, time = local_time(at))),
                    (_, _, Some(at)) => Some(t_string!(i18n, outbox.last_success, time = local_time(at))),
                    _ => None,
                })}
            </p>
            <p class="hint">
                {move || persisted.get().map(|p| if p { t_string!(i18n, outbox.persisted) } else { t_string!(i18n, outbox.not_persisted) })}
            </p>
            <div class="actions">
                <button class="btn" type="button" on:click=move |_| sync.send_now()>{t!(i18n, outbox.sync_now)}</button>
                <button class="btn secondary" type="button" on:click=move |_| entries.with_untracked(|e| export(e))>
                    {t!(i18n, outbox.export)}
                </button>
            </div>
        </div>
        <Show when=move || entries.with(Vec::is_empty)>
            <p class="hint">{t!(i18n, outbox.empty)}</p>
        </Show>
        <Show when=move || { entries.with(Vec::len) > SHOWN }>
            <p class="hint">{move || t_string!(i18n, outbox.shown, shown = SHOWN, count = entries.with(Vec::len))}</p>
        </Show>
        <ul class="outbox-list">
            <For each=move || entries.with(|e| e.iter().take(SHOWN).cloned().collect::<Vec<_>>()) key=|e| (e.id.clone(), e.state, e.updated_at.to_bits()) let(entry)>
                {row(entry)}
            </For>
        </ul>
    }
}

/// The number of records waiting or needing attention, on every screen.
#[component]
pub fn OutboxBadge() -> impl IntoView {
    let i18n = use_i18n();
    let sync = expect_context::<Sync>();
    let waiting = RwSignal::new(0usize);
    Effect::new(move |_| {
        sync.changed.track();
        spawn_local(async move {
            if let Ok(all) = outbox::all().await {
                waiting
                    .set(all.iter().filter(|e| matches!(e.state, EntryState::Pending | EntryState::Rejected)).count());
            }
        });
    });
    view! {
        <A href="/hop-thu" attr:class="outbox-link">
            <span>{t!(i18n, outbox.nav)}</span>
            <Show when=move || { waiting.get() > 0 }>
                <span class="badge" aria-label=move || t_string!(i18n, outbox.badge, count = waiting.get())>
                    {move || waiting.get()}
                </span>
            </Show>
        </A>
    }
}
