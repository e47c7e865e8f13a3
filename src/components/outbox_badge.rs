use crate::i18n::*;
use crate::store::outbox;
use crate::sync::OutboxChanged;
use leptos::prelude::*;

/// The number of records waiting or needing attention, on every screen.
/// Counted in IndexedDB's index, not by reading the records: an officer's
/// device may hold thousands. (A signal filled by a task rather than a
/// `LocalResource`: this is in the citizens' app, where Leptos' async
/// machinery costs 8 KB of brotli; a late count is harmless, the next
/// change brings the right one.)
#[component]
pub fn OutboxBadge() -> impl IntoView {
    let i18n = use_i18n();
    let changed = expect_context::<OutboxChanged>();
    let waiting = RwSignal::new(0u32);
    Effect::new(move |_| {
        changed.track();
        leptos::task::spawn_local(async move {
            if let Ok(c) = outbox::counts().await {
                waiting.set(c.pending + c.rejected);
            }
        });
    });
    let count = move || waiting.get();
    view! {
        // The outbox screen is the officers' app: a full page load.
        <a href="/hop-thu" class="outbox-link" rel="external">
            <span>{t!(i18n, outbox.nav)}</span>
            {move || (count() > 0).then(|| view! {
                <span class="badge" aria-label=move || t_string!(i18n, outbox.badge, count = count())>
                    {count}
                </span>
            })}
        </a>
    }
}
