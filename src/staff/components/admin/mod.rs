//! The administration screens' views (`/quan-tri`): the agency tree,
//! officials, accounts, CSV imports and the audit log, and what they share —
//! the words for the server's codes and the core's rules, and the
//! feedback line every form reports to.

pub mod accounts;
pub mod agencies;
pub mod audit;
pub mod import;
pub mod officials;

use crate::api::ApiErr;
use crate::i18n::*;
use crate::staff::components::refusal;
use danhgia_core::account::Problem;
use leptos::prelude::*;

/// What the last action did, said once in the live region of its screen.
#[derive(Debug, Clone, PartialEq)]
pub enum Feedback {
    Done(String),
    Failed(String),
}

/// The screen's feedback line: a status for what was done, an alert for
/// what was refused (nothing was changed then).
#[component]
pub fn FeedbackLine(feedback: RwSignal<Option<Feedback>>) -> impl IntoView {
    view! {
        <p class="feedback ok" role="status">
            {move || match feedback.get() { Some(Feedback::Done(t)) => Some(t), _ => None }}
        </p>
        <p class="error" role="alert">
            {move || match feedback.get() { Some(Feedback::Failed(t)) => Some(t), _ => None }}
        </p>
    }
}

/// A value refused by the core's rules (the same the server applies), for
/// the field named `field`.
pub fn problem_text(i18n: I18n, field: &str, problem: &Problem) -> String {
    let why = match problem {
        Problem::Missing => t_string!(i18n, admin_error.missing).to_owned(),
        Problem::TooLong { max } => t_string!(i18n, admin_error.too_long_max, max = max),
        Problem::BadChar { ch } => t_string!(i18n, admin_error.bad_char, ch = ch),
        Problem::ControlChar => t_string!(i18n, admin_error.control_char).to_owned(),
        Problem::PasswordTooShort { min } => t_string!(i18n, account.too_short, min = min),
        Problem::PasswordWeak => t_string!(i18n, account.weak_short).to_owned(),
    };
    format!("{field}: {why}")
}

/// A refusal or failure of the API in the user's words. Codes this version
/// does not know (from a newer server) are named by their code.
pub fn error_text(i18n: I18n, err: &ApiErr) -> String {
    let code = match err {
        ApiErr::Network => return t_string!(i18n, admin_error.offline).to_owned(),
        ApiErr::Server(_) | ApiErr::BadAnswer => return t_string!(i18n, admin_error.server).to_owned(),
        ApiErr::Refused { status: 401, .. } => return t_string!(i18n, admin_error.signed_out).to_owned(),
        ApiErr::Refused { code, .. } => code.as_str(),
    };
    let known = match code {
        "duplicate_code" => t_string!(i18n, admin_error.duplicate_code),
        "unknown_parent" => t_string!(i18n, admin_error.unknown_parent),
        "inactive_parent" => t_string!(i18n, admin_error.inactive_parent),
        "cycle" => t_string!(i18n, admin_error.cycle),
        "own_agency" => t_string!(i18n, admin_error.own_agency),
        "bad_level" => t_string!(i18n, admin_error.bad_level),
        "has_dossiers" => t_string!(i18n, admin_error.has_dossiers),
        "in_use" => t_string!(i18n, admin_error.in_use),
        "duplicate_name" => t_string!(i18n, admin_error.duplicate_name),
        "same_official" => t_string!(i18n, admin_error.same_official),
        "other_agency" => t_string!(i18n, admin_error.other_agency),
        "merged" => t_string!(i18n, admin_error.merged),
        "duplicate_username" => t_string!(i18n, admin_error.duplicate_username),
        "bad_username" => t_string!(i18n, admin_error.bad_username),
        "bad_role" => t_string!(i18n, admin_error.bad_role),
        "unknown_agency" => t_string!(i18n, admin_error.unknown_agency),
        "inactive_agency" => t_string!(i18n, admin_error.inactive_agency),
        "last_admin" => t_string!(i18n, admin_error.last_admin),
        "bad_id" => t_string!(i18n, admin_error.bad_id),
        "bad_name" => t_string!(i18n, admin_error.bad_name),
        "bad_full_name" => t_string!(i18n, admin_error.bad_full_name),
        "bad_position" => t_string!(i18n, admin_error.bad_position),
        "not_found" => t_string!(i18n, admin_error.not_found),
        "forbidden" => t_string!(i18n, admin_error.forbidden),
        "weak_password" => t_string!(i18n, account.weak),
        "reused_password" => t_string!(i18n, account.reused),
        "wrong_password" => t_string!(i18n, account.wrong_current),
        "too_large" => t_string!(i18n, admin_error.too_large),
        "body_timeout" => t_string!(i18n, admin_error.body_timeout),
        _ => "",
    };
    match (known, err) {
        // What every screen can meet, then the code of what nobody words.
        ("", ApiErr::Refused { .. }) => refusal::common(i18n, err).unwrap_or_else(|| refusal::unknown(i18n, err)),
        (text, _) => text.to_owned(),
    }
}

/// An agency level's name.
pub fn level_text(i18n: I18n, level: &str) -> String {
    match level {
        "province" => t_string!(i18n, admin.level_province).to_owned(),
        "district" => t_string!(i18n, admin.level_district).to_owned(),
        "commune" => t_string!(i18n, admin.level_commune).to_owned(),
        "town" => t_string!(i18n, admin.level_town).to_owned(),
        "department" => t_string!(i18n, admin.level_department).to_owned(),
        other => other.to_owned(),
    }
}

pub const LEVELS: [&str; 5] = ["commune", "town", "department", "district", "province"];

/// A role's name.
pub fn role_text(i18n: I18n, role: &str) -> String {
    match role {
        "officer" => t_string!(i18n, account.role_officer).to_owned(),
        "office" => t_string!(i18n, account.role_office).to_owned(),
        "admin" => t_string!(i18n, account.role_admin).to_owned(),
        other => other.to_owned(),
    }
}

pub const ROLES: [&str; 3] = ["officer", "office", "admin"];

/// Moves the keyboard (and a screen reader) to a form that just opened.
pub fn focus(id: &'static str) {
    request_animation_frame(move || {
        if let Some(el) = document().get_element_by_id(id)
            && let Ok(el) = wasm_bindgen::JsCast::dyn_into::<web_sys::HtmlElement>(el)
        {
            let _ = el.focus();
        }
    });
}

/// Asks before an action that cannot be taken back (or ends sessions).
pub fn confirm(question: &str) -> bool {
    window().confirm_with_message(question).unwrap_or(false)
}
