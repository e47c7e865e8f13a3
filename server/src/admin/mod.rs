//! Administration of a district: its agencies, officials and accounts, each
//! limited to the administrator's subtree, each change recorded in the
//! audit log. Bad input is refused with a stable code and nothing saved.

pub mod accounts;
pub mod agencies;
pub mod audit;
pub mod officials;

use crate::api::ApiFailure;
use crate::store::DbError;
use axum::http::StatusCode;
use danhgia_core::account::Problem;

/// Why an administrative change was refused.
#[derive(Debug)]
pub enum AdminError {
    Db(DbError),
    /// 400: the input is wrong (`field` says which).
    Bad {
        code: &'static str,
        message: String,
    },
    /// 409: the change would break something that exists.
    Conflict {
        code: &'static str,
        message: String,
    },
    /// 404: nothing of that id among the administrator's agencies.
    NotFound(String),
    /// 403: the role may not do this here.
    Forbidden(String),
}

impl AdminError {
    pub fn bad(code: &'static str, message: impl Into<String>) -> Self {
        AdminError::Bad { code, message: message.into() }
    }

    pub fn conflict(code: &'static str, message: impl Into<String>) -> Self {
        AdminError::Conflict { code, message: message.into() }
    }

    /// A field's value refused by the core's rules: `bad_<field>` with the
    /// rule's words, so that the app can say which field and why.
    pub fn field(field: &'static str, problem: Problem) -> Self {
        let code = match field {
            "id" => "bad_id",
            "name" => "bad_name",
            "full_name" => "bad_full_name",
            "position" => "bad_position",
            "username" => "bad_username",
            "level" => "bad_level",
            "role" => "bad_role",
            "text" => "bad_text",
            "reason" => "bad_reason",
            _ => "bad_value",
        };
        AdminError::bad(code, format!("{field}: {problem}"))
    }
}

impl From<DbError> for AdminError {
    fn from(e: DbError) -> Self {
        AdminError::Db(e)
    }
}

impl From<AdminError> for ApiFailure {
    fn from(e: AdminError) -> Self {
        match e {
            AdminError::Db(e) => ApiFailure::internal(e),
            AdminError::Bad { code, message } => ApiFailure::new(StatusCode::BAD_REQUEST, code, message),
            AdminError::Conflict { code, message } => ApiFailure::new(StatusCode::CONFLICT, code, message),
            AdminError::NotFound(what) => ApiFailure::not_found(format!("No {what} among your agencies.")),
            AdminError::Forbidden(why) => ApiFailure::forbidden(why),
        }
    }
}

pub type Result<T> = std::result::Result<T, AdminError>;
