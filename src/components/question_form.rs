//! The citizen's questions as large tap targets. The same component serves
//! the online form and the officers' transcription of paper slips (where
//! "left blank" is an answer too).

use crate::i18n::*;
use crate::lang::core_lang;
use danhgia_core::rating::{BLANK, Draft, FormQuestion, MAX_COMMENT_CHARS};
use leptos::either::Either;
use leptos::prelude::*;

#[component]
pub fn QuestionForm<F>(
    form: Vec<FormQuestion<'static>>,
    /// A paper slip: "left blank" is an answer, and the button saves the slip.
    #[prop(optional)]
    paper: bool,
    /// Answers to start from (editing a slip).
    #[prop(optional)]
    initial: Option<Draft>,
    on_submit: F,
) -> impl IntoView
where
    F: Fn(Draft) + 'static,
{
    let i18n = use_i18n();
    let allow_blank = paper;
    let initial = initial.unwrap_or_default();
    let comment = RwSignal::new(initial.comment.clone());
    let draft = RwSignal::new(initial);
    let show_missing = RwSignal::new(false);
    let form = StoredValue::new(form);
    let missing_count = move || form.with_value(|f| draft.with(|d| d.missing(f).len()));

    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if missing_count() > 0 {
            show_missing.set(true);
            return;
        }
        let mut answers = draft.get_untracked();
        answers.comment = comment.get_untracked();
        on_submit(answers);
    };

    let questions = move || {
        form.get_value()
            .into_iter()
            .enumerate()
            .map(|(i, q)| question_view(i18n, i + 1, q, allow_blank, draft, show_missing))
            .collect_view()
    };

    view! {
        <form class="questions" on:submit=submit novalidate>
            <h2>{t!(i18n, rate.questions)}</h2>
            {questions}
            <label for="comment">{t!(i18n, rate.comment)}</label>
            <textarea
                id="comment"
                rows="3"
                maxlength=MAX_COMMENT_CHARS.to_string()
                aria-describedby="comment-hint"
                bind:value=comment
            ></textarea>
            <p class="hint" id="comment-hint">{t!(i18n, rate.comment_hint)}</p>
            <p class="error" role="alert">
                {move || {
                    let n = missing_count();
                    (show_missing.get() && n > 0).then(|| t_string!(i18n, rate.missing, count = n))
                }}
            </p>
            <button class="btn wide" type="submit">
                {move || if paper { t_string!(i18n, officer.save) } else { t_string!(i18n, rate.submit) }}
            </button>
        </form>
    }
}

fn question_view(
    i18n: I18n,
    number: usize,
    q: FormQuestion<'static>,
    allow_blank: bool,
    draft: RwSignal<Draft>,
    show_missing: RwSignal<bool>,
) -> impl IntoView {
    let key = q.question.key;
    let label = q.question.label;
    let title = move || format!("{number}. {}", label.get(core_lang(i18n.get_locale())));
    if let Some(derived) = q.derived {
        let chosen = q.question.choices.iter().find(|(k, _)| *k == derived).map(|(_, text)| *text);
        return Either::Left(view! {
            <fieldset class="question derived" data-key=key>
                <legend>{title}</legend>
                <p class="derived-answer">
                    <span class="hint">{t!(i18n, rate.derived)} ": "</span>
                    <strong>{move || chosen.map(|t| t.get(core_lang(i18n.get_locale())).to_owned())}</strong>
                </p>
            </fieldset>
        });
    }
    let mut choices: Vec<(&'static str, Option<&'static danhgia_core::Text>)> =
        q.question.choices.iter().map(|(k, t)| (*k, Some(*t))).collect();
    if allow_blank {
        choices.push((BLANK, None));
    }
    let unanswered = move || show_missing.get() && draft.with(|d| !d.answers.contains_key(key));
    let options = choices
        .into_iter()
        .map(|(option, text)| {
            let (id, input_id) = (format!("q-{key}-{option}"), format!("q-{key}-{option}"));
            let text = move || match text {
                Some(t) => t.get(core_lang(i18n.get_locale())).to_owned(),
                None => t_string!(i18n, form.blank).to_owned(),
            };
            view! {
                <label class="choice" for=id>
                    <input
                        type="radio"
                        id=input_id
                        name=format!("q-{key}")
                        value=option
                        prop:checked=move || draft.with(|d| d.answers.get(key).is_some_and(|a| a == option))
                        on:change=move |_| draft.update(|d| d.choose(key, option))
                    />
                    <span>{text}</span>
                </label>
            }
        })
        .collect_view();
    Either::Right(view! {
        <fieldset class="question" class:missing=unanswered data-key=key aria-invalid=move || unanswered().to_string()>
            <legend>{title}</legend>
            {options}
            {move || unanswered().then(|| view! { <p class="error">{t!(i18n, form.unanswered)}</p> })}
        </fieldset>
    })
}
