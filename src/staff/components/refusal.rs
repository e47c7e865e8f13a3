//! The answers any of the district office's screens can meet, in the
//! user's words: the session over, the one-time password still to change,
//! a unit or dossier not among the account's, a year out of range, the
//! server busy. Each screen asks here first, then words its own codes;
//! what is left is named by its code, never by the server's English.

use crate::api::ApiErr;
use crate::i18n::*;

/// The text for what every screen can meet; `None` for the screen's own.
pub fn common(i18n: I18n, err: &ApiErr) -> Option<String> {
    Some(match err {
        ApiErr::Refused { status: 401, .. } => t_string!(i18n, admin_error.signed_out).to_owned(),
        ApiErr::Refused { code, .. } => match code.as_str() {
            "password_change_required" => t_string!(i18n, account.change_first).to_owned(),
            "not_found" => t_string!(i18n, office_refusal.not_yours).to_owned(),
            "bad_period" => t_string!(i18n, office_refusal.bad_period).to_owned(),
            "too_many_attempts" => t_string!(i18n, account.too_many).to_owned(),
            _ => return None,
        },
        ApiErr::Server(503) => t_string!(i18n, office_refusal.busy).to_owned(),
        ApiErr::Network | ApiErr::Server(_) | ApiErr::BadAnswer => return None,
    })
}

/// A refusal no screen words, named by its code.
pub fn unknown(i18n: I18n, err: &ApiErr) -> String {
    match err {
        ApiErr::Refused { code, .. } => t_string!(i18n, office_refusal.other, code = code.clone()),
        _ => t_string!(i18n, office_refusal.server).to_owned(),
    }
}
