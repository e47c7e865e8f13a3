use crate::components::answer_list::AnswerList;
use crate::i18n::*;
use crate::messages::reason_text;
use crate::store::outbox::{EntryState, OutboxEntry, Shown};
use danhgia_core::rating::FormQuestion;
use leptos::prelude::*;

/// What became of a rating made on this device; re-rendered as its state changes.
#[component]
pub fn Receipt(entry: OutboxEntry, form: Vec<FormQuestion<'static>>) -> impl IntoView {
    let i18n = use_i18n();
    let state = entry.state;
    let shown = entry.shown();
    let reason = entry.reason.clone();
    // One view whatever the state, its texts picked by the state: one copy
    // of the rendering code instead of one per state (this ships to citizens).
    let class = match shown {
        Shown::Sent => "receipt sent",
        Shown::Pending => "receipt pending",
        // Already rated, like a conflict (its data-state stays "sent").
        Shown::Conflict | Shown::NotKept => "receipt conflict",
        Shown::Rejected => "receipt rejected",
    };
    let title = Signal::derive(move || match shown {
        Shown::NotKept => t_string!(i18n, receipt.not_kept),
        Shown::Sent => t_string!(i18n, receipt.sent),
        Shown::Pending => t_string!(i18n, receipt.pending),
        Shown::Conflict => t_string!(i18n, receipt.conflict),
        Shown::Rejected => t_string!(i18n, receipt.rejected),
    });
    let text = Signal::derive(move || match shown {
        Shown::NotKept => t_string!(i18n, receipt.not_kept_text).to_owned(),
        Shown::Sent => t_string!(i18n, receipt.sent_text).to_owned(),
        Shown::Pending => t_string!(i18n, receipt.pending_text).to_owned(),
        Shown::Conflict => t_string!(i18n, receipt.conflict_text).to_owned(),
        Shown::Rejected => t_string!(i18n, receipt.reason, reason = reason_text(i18n, reason.as_deref())),
    });
    view! {
        <section class=class data-state=state_name(state)>
            <h2 role="status" aria-live="polite">{title}</h2>
            <p>{text}</p>
            <h3>{t!(i18n, rate.your_answers)}</h3>
            <AnswerList form=form answers=entry.record.answers />
        </section>
    }
}

fn state_name(state: EntryState) -> &'static str {
    match state {
        EntryState::Sent => "sent",
        EntryState::Pending => "pending",
        EntryState::Conflict => "conflict",
        EntryState::Rejected => "rejected",
    }
}
