//! "Nhập hồ sơ": office staff import the one-stop software's CSV export.

use crate::api::{self, ApiErr};
use crate::i18n::*;
use crate::session::CurrentSession;
use danhgia_core::wire::ImportReport;
use leptos::prelude::*;
use leptos::task::spawn_local;
use wasm_bindgen_futures::JsFuture;

#[derive(Debug, Clone, PartialEq)]
enum Outcome {
    Done(ImportReport),
    Failed(String),
    Offline,
}

fn reason_text(i18n: I18n, code: &str) -> &'static str {
    match code {
        "bad_code" => t_string!(i18n, import_reason.bad_code),
        "bad_date" => t_string!(i18n, import_reason.bad_date),
        "date_order" => t_string!(i18n, import_reason.date_order),
        "missing_value" => t_string!(i18n, import_reason.missing_value),
        "too_long" => t_string!(i18n, import_reason.too_long),
        "bad_text" => t_string!(i18n, import_reason.bad_text),
        "bad_row" => t_string!(i18n, import_reason.bad_row),
        "unknown_agency" => t_string!(i18n, import_reason.unknown_agency),
        "no_ruleset" => t_string!(i18n, import_reason.no_ruleset),
        "duplicate_in_file" => t_string!(i18n, import_reason.duplicate_in_file),
        _ => t_string!(i18n, import_reason.other),
    }
}

#[component]
pub fn Import() -> impl IntoView {
    let i18n = use_i18n();
    let session = expect_context::<CurrentSession>();
    let file_input = NodeRef::<leptos::html::Input>::new();
    let busy = RwSignal::new(false);
    let outcome = RwSignal::new(None::<Outcome>);
    let is_office = move || session.get().is_some_and(|s| s.officer.role == "office");

    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let Some(bearer) = session.token_untracked() else { return };
        let Some(file) = file_input.get_untracked().and_then(|i| i.files()).and_then(|f| f.get(0)) else { return };
        busy.set(true);
        spawn_local(async move {
            let text = JsFuture::from(file.text()).await.ok().and_then(|t| t.as_string());
            let result = match text {
                None => Outcome::Failed("UTF-8".into()),
                Some(csv) => match api::import_dossiers(&bearer, csv).await {
                    Ok(report) => Outcome::Done(report),
                    Err(ApiErr::Refused { message, .. }) => Outcome::Failed(message),
                    Err(_) => Outcome::Offline,
                },
            };
            busy.set(false);
            outcome.set(Some(result));
        });
    };

    view! {
        <h1>{t!(i18n, import.title)}</h1>
        <p class="lead">{t!(i18n, import.lead)}</p>
        <Show when=is_office fallback=move || view! { <p class="card">{t!(i18n, import.office_only)}</p> }>
            <form class="card" on:submit=submit>
                <label for="csv">{t!(i18n, import.file)}</label>
                <input id="csv" type="file" accept=".csv,text/csv" node_ref=file_input />
                <button class="btn" type="submit" disabled=move || busy.get()>
                    {move || if busy.get() { t_string!(i18n, import.busy) } else { t_string!(i18n, import.submit) }}
                </button>
            </form>
        </Show>
        {move || outcome.get().map(|o| match o {
            Outcome::Offline => view! { <p class="error" role="alert">{t!(i18n, import.offline)}</p> }.into_any(),
            Outcome::Failed(m) => view! { <p class="error" role="alert">{t_string!(i18n, import.failed, message = m)}</p> }.into_any(),
            Outcome::Done(r) => {
                let has_errors = !r.errors.is_empty();
                let count = r.errors.len();
                view! {
                    <p class="import-result" role="status">
                        {t_string!(i18n, import.result, created = r.created, updated = r.updated, unchanged = r.unchanged)}
                    </p>
                    <Show when=move || has_errors>
                        <h2>{move || t_string!(i18n, import.errors, count = count)}</h2>
                    </Show>
                    <table class="import-errors">
                        <thead><tr><th>{t!(i18n, import.line)}</th><th>{t!(i18n, import.reason)}</th></tr></thead>
                        <tbody>
                            {r.errors.iter().map(|e| view! {
                                <tr>
                                    <td>{e.line}</td>
                                    <td>{reason_text(i18n, &e.reason)} <span class="hint">" — " {e.detail.clone()}</span></td>
                                </tr>
                            }).collect_view()}
                        </tbody>
                    </table>
                }.into_any()
            }
        })}
    }
}
