//! CSV import of agencies and of officials: pick a file, see what was
//! added, updated or already there, and each refused row with its line and
//! reason. Importing the same file again changes nothing.

use super::error_text;
use crate::api::{self, AdminImport, ImportErr};
use crate::i18n::*;
use crate::session::CurrentSession;
use crate::staff::components::import_report::{RefusedRows, file_refused, read_text};
use danhgia_core::wire::ImportReport;
use leptos::prelude::*;
use leptos::task::spawn_local;

/// A refused row's reason in the user's words.
fn reason_text(i18n: I18n, code: &str) -> &'static str {
    match code {
        "bad_code" | "bad_id" => t_string!(i18n, admin_reason.bad_code),
        "missing_value" => t_string!(i18n, admin_reason.missing_value),
        "bad_level" => t_string!(i18n, admin_reason.bad_level),
        "too_long" => t_string!(i18n, admin_reason.too_long),
        "bad_text" | "bad_name" | "bad_full_name" | "bad_position" => t_string!(i18n, admin_reason.bad_text),
        "bad_row" => t_string!(i18n, admin_reason.bad_row),
        "duplicate_in_file" => t_string!(i18n, admin_reason.duplicate_in_file),
        "unknown_parent" => t_string!(i18n, admin_reason.unknown_parent),
        "inactive_parent" => t_string!(i18n, admin_reason.inactive_parent),
        "cycle" => t_string!(i18n, admin_reason.cycle),
        "own_agency" => t_string!(i18n, admin_reason.own_agency),
        "out_of_scope" | "unknown_agency" | "forbidden" => t_string!(i18n, admin_reason.out_of_scope),
        "inactive_agency" => t_string!(i18n, admin_reason.inactive_agency),
        "duplicate_name" => t_string!(i18n, admin_reason.duplicate_name),
        _ => t_string!(i18n, admin_reason.other),
    }
}

#[derive(Debug, Clone, PartialEq)]
enum Outcome {
    Done(ImportReport),
    Failed(String),
}

#[component]
fn ImportForm(what: AdminImport) -> impl IntoView {
    let i18n = use_i18n();
    let session = expect_context::<CurrentSession>();
    let file_input = NodeRef::<leptos::html::Input>::new();
    let busy = RwSignal::new(false);
    let outcome = RwSignal::new(None::<Outcome>);
    let (id, title, lead) = match what {
        AdminImport::Agencies => {
            ("import-agencies", t!(i18n, admin.import_agencies), t!(i18n, admin.import_agencies_lead))
        }
        AdminImport::Officials => {
            ("import-officials", t!(i18n, admin.import_officials), t!(i18n, admin.import_officials_lead))
        }
    };

    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let Some(bearer) = session.token_untracked() else { return };
        let Some(file) = file_input.get_untracked().and_then(|i| i.files()).and_then(|f| f.get(0)) else {
            return outcome.set(Some(Outcome::Failed(t_string!(i18n, admin.import_pick).to_owned())));
        };
        busy.set(true);
        outcome.set(None);
        spawn_local(async move {
            let result = match read_text(&file).await {
                // Not the file's layout: the file itself could not be read as text.
                Err(reason) => {
                    Outcome::Failed(t_string!(i18n, import.failed, message = file_refused(i18n, reason, &[])))
                }
                Ok(csv) => match api::import_admin(&bearer, what, csv).await {
                    Ok(report) => Outcome::Done(report),
                    Err(ImportErr::File { reason, columns }) => Outcome::Failed(t_string!(
                        i18n,
                        admin.import_bad_file,
                        message = file_refused(i18n, &reason, &columns)
                    )),
                    Err(ImportErr::Api(e)) => Outcome::Failed(error_text(i18n, &e)),
                },
            };
            busy.set(false);
            outcome.set(Some(result));
        });
    };

    let file_id = format!("{id}-file");
    view! {
        <section class="card import" id=id aria-labelledby=format!("{id}-title")>
            <h2 id=format!("{id}-title")>{title}</h2>
            <p class="hint">{lead}</p>
            <form on:submit=submit>
                <label for=file_id.clone()>{t!(i18n, admin.import_file)}</label>
                <input id=file_id type="file" accept=".csv,text/csv" node_ref=file_input />
                <button class="btn" type="submit" disabled=move || busy.get()>
                    {move || if busy.get() { t_string!(i18n, admin.importing) } else { t_string!(i18n, admin.import_submit) }}
                </button>
            </form>
            <p class="error" role="alert">{move || match outcome.get() { Some(Outcome::Failed(m)) => Some(m), _ => None }}</p>
            <p class="import-result" role="status">{move || match outcome.get() {
                Some(Outcome::Done(r)) => Some(t_string!(i18n, admin.import_result, created = r.created, updated = r.updated, unchanged = r.unchanged)),
                _ => None,
            }}</p>
            {move || match outcome.get() {
                Some(Outcome::Done(r)) if !r.errors.is_empty() => Some(view! {
                    <h3>{t_string!(i18n, admin.import_errors, count = r.errors.len())}</h3>
                    <RefusedRows errors=r.errors reason_text=reason_text />
                }),
                _ => None,
            }}
        </section>
    }
}

#[component]
pub fn Imports() -> impl IntoView {
    view! {
        <ImportForm what=AdminImport::Agencies />
        <ImportForm what=AdminImport::Officials />
    }
}
