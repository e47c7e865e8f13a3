//! "Nhập hồ sơ": office staff import the one-stop software's CSV export.

use crate::api::{self, ImportErr};
use crate::i18n::*;
use crate::session::CurrentSession;
use crate::staff::components::admin::error_text;
use crate::staff::components::import_report::{RefusedRows, file_refused, read_text};
use danhgia_core::wire::ImportReport;
use leptos::prelude::*;
use leptos::task::spawn_local;

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
        "out_of_scope" => t_string!(i18n, import_reason.out_of_scope),
        "inactive_agency" => t_string!(i18n, import_reason.inactive_agency),
        "agency_changed" => t_string!(i18n, import_reason.agency_changed),
        "rated_locked" => t_string!(i18n, import_reason.rated_locked),
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
            let result = match read_text(&file).await {
                Err(reason) => {
                    Outcome::Failed(t_string!(i18n, import.failed, message = file_refused(i18n, reason, &[])))
                }
                Ok(csv) => match api::import_dossiers(&bearer, csv).await {
                    Ok(report) => Outcome::Done(report),
                    Err(ImportErr::File { reason, columns }) => {
                        Outcome::Failed(t_string!(i18n, import.failed, message = file_refused(i18n, &reason, &columns)))
                    }
                    Err(ImportErr::Api(api::ApiErr::Network)) => Outcome::Offline,
                    Err(ImportErr::Api(e)) => Outcome::Failed(error_text(i18n, &e)),
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
            Outcome::Failed(m) => view! { <p class="error" role="alert">{m}</p> }.into_any(),
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
                    <RefusedRows errors=r.errors reason_text=reason_text />
                }.into_any()
            }
        })}
    }
}
