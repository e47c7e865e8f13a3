use crate::components::answer_list::AnswerList;
use crate::i18n::*;
use crate::messages::reason_text;
use crate::store::outbox::{EntryState, OutboxEntry};
use danhgia_core::rating::FormQuestion;
use leptos::prelude::*;

/// What became of a rating made on this device; re-rendered as its state changes.
#[component]
pub fn Receipt(entry: OutboxEntry, form: Vec<FormQuestion<'static>>) -> impl IntoView {
    let i18n = use_i18n();
    let state = entry.state;
    let reason = entry.reason.clone();
    let (class, title, text) = match state {
        EntryState::Sent => ("receipt sent", t!(i18n, receipt.sent).into_any(), t!(i18n, receipt.sent_text).into_any()),
        EntryState::Pending => {
            ("receipt pending", t!(i18n, receipt.pending).into_any(), t!(i18n, receipt.pending_text).into_any())
        }
        EntryState::Conflict => {
            ("receipt conflict", t!(i18n, receipt.conflict).into_any(), t!(i18n, receipt.conflict_text).into_any())
        }
        EntryState::Rejected => (
            "receipt rejected",
            t!(i18n, receipt.rejected).into_any(),
            view! { {move || t_string!(i18n, receipt.reason, reason = reason_text(i18n, reason.as_deref()))} }
                .into_any(),
        ),
    };
    view! {
        <section class=class data-state=format!("{state:?}").to_lowercase()>
            <h2 role="status" aria-live="polite">{title}</h2>
            <p>{text}</p>
            <h3>{t!(i18n, rate.your_answers)}</h3>
            <AnswerList form=form answers=entry.record.answers />
        </section>
    }
}
