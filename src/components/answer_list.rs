use crate::i18n::*;
use crate::lang::core_lang;
use danhgia_core::rating::{BLANK, FormQuestion};
use leptos::prelude::*;
use std::collections::BTreeMap;

/// A rating's answers in the words of the form (derived ones included).
#[component]
pub fn AnswerList(form: Vec<FormQuestion<'static>>, answers: BTreeMap<String, String>) -> impl IntoView {
    let i18n = use_i18n();
    let rows = move || {
        let lang = core_lang(i18n.get_locale());
        form.iter()
            .filter_map(|q| {
                let chosen = q.derived.map(str::to_owned).or_else(|| answers.get(q.question.key).cloned())?;
                let text = q
                    .question
                    .choices
                    .iter()
                    .find(|(k, _)| *k == chosen)
                    .map(|(_, label)| label.get(lang).to_owned())
                    .unwrap_or_else(|| if chosen == BLANK { "—".to_owned() } else { chosen.clone() });
                Some(view! {
                    <li>
                        <span class="q">{q.question.label.get(lang).to_owned()}</span>
                        <strong class="a">{text}</strong>
                    </li>
                })
            })
            .collect_view()
    };
    view! { <ul class="answers">{rows}</ul> }
}
