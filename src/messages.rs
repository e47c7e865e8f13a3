//! The user's words for errors and server reasons.

use crate::i18n::*;
use danhgia_core::ScanError;
use danhgia_core::rating::Reason;

pub fn scan_error_text(i18n: I18n, err: &ScanError) -> &'static str {
    match err {
        ScanError::Empty => t_string!(i18n, scan_error.empty),
        ScanError::TooLong => t_string!(i18n, scan_error.too_long),
        ScanError::ControlChars => t_string!(i18n, scan_error.control_chars),
        ScanError::UnsupportedScheme(_) => t_string!(i18n, scan_error.unsupported_scheme),
        ScanError::ForeignUrl { .. } => t_string!(i18n, scan_error.foreign_url),
        ScanError::MalformedLink => t_string!(i18n, scan_error.malformed_link),
        ScanError::NotADossierCode(_) => t_string!(i18n, scan_error.not_a_code),
    }
}

/// A server reason code in the user's language; codes this version does not
/// know (from a newer server) get a generic text.
pub fn reason_text(i18n: I18n, code: Option<&str>) -> &'static str {
    match code.and_then(Reason::from_code) {
        Some(Reason::BadId) => t_string!(i18n, reason.bad_id),
        Some(Reason::BadCode) => t_string!(i18n, reason.bad_code),
        Some(Reason::UnknownDossier) => t_string!(i18n, reason.unknown_dossier),
        Some(Reason::BadToken) => t_string!(i18n, reason.bad_token),
        Some(Reason::SignInRequired) => t_string!(i18n, reason.sign_in_required),
        Some(Reason::RulesetMismatch) => t_string!(i18n, reason.ruleset_mismatch),
        Some(Reason::UnknownQuestion) => t_string!(i18n, reason.unknown_question),
        Some(Reason::UnknownOption) => t_string!(i18n, reason.unknown_option),
        Some(Reason::BlankNotAllowed) => t_string!(i18n, reason.blank_not_allowed),
        Some(Reason::DerivedAnswered) => t_string!(i18n, reason.derived_answered),
        Some(Reason::MissingAnswer) => t_string!(i18n, reason.missing_answer),
        Some(Reason::CommentTooLong) => t_string!(i18n, reason.comment_too_long),
        Some(Reason::BadComment) => t_string!(i18n, reason.bad_comment),
        Some(Reason::BadClientTime) => t_string!(i18n, reason.bad_client_time),
        Some(Reason::AlreadyRated) => t_string!(i18n, reason.already_rated),
        Some(Reason::IdReused) => t_string!(i18n, reason.id_reused),
        Some(Reason::OutOfScope) => t_string!(i18n, reason.out_of_scope),
        None => t_string!(i18n, reason.other),
    }
}

/// Why an outbox operation did not happen (nothing was changed).
pub fn refusal_text(i18n: I18n, refusal: &crate::store::outbox::Refusal) -> &'static str {
    use crate::store::outbox::Refusal;
    match refusal {
        Refusal::Sending => t_string!(i18n, refusal.sending),
        Refusal::AlreadySent => t_string!(i18n, refusal.already_sent),
        Refusal::Changed => t_string!(i18n, refusal.changed),
        Refusal::Gone => t_string!(i18n, refusal.gone),
        Refusal::NotYours => t_string!(i18n, refusal.not_yours),
        Refusal::Store(_) => t_string!(i18n, refusal.store),
    }
}
