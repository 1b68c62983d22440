//! The error every operation returns. Its JSON shape is a wire contract with the UI and with
//! integrators (pinned by `tests::error_json_shape`).

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use specta::Type;

/// One problem with one input field. `field` is a dotted path into the arguments
/// (`name`, `phones.0.number`); `code` is stable and translated by the UI; `message` is English.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type, JsonSchema)]
pub struct FieldError {
    pub field: String,
    pub code: String,
    pub message: String,
}

/// An existing record that looks like the one being created (same phone, e-mail, name and
/// birth date…), so the caller can open it instead, or confirm.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type, JsonSchema)]
pub struct Similar {
    /// The input field that matched (`phones.0.number`, `guardians.0.new.emails.0.value`).
    pub field: String,
    /// `phone`, `email`, `name_birth_date`.
    pub reason: String,
    pub id: uuid::Uuid,
    pub name: String,
    /// The responsible manager, who may already be working with this client.
    pub owner: Option<String>,
}

#[derive(
    Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type, JsonSchema, thiserror::Error,
)]
#[serde(tag = "code", rename_all = "snake_case")]
pub enum ApiError {
    /// The arguments were understood but some fields are not acceptable.
    #[error("invalid input: {}", errors.iter().map(|e| format!("{}: {}", e.field, e.message)).collect::<Vec<_>>().join("; "))]
    Validation { errors: Vec<FieldError> },
    /// The request could not be read at all (malformed JSON, missing body).
    #[error("bad request: {message}")]
    BadRequest { message: String },
    /// No valid session: missing, unknown or expired token, or wrong login/password.
    #[error("unauthenticated: {message}")]
    Unauthenticated { message: String },
    /// The caller's role does not allow this operation.
    #[error("forbidden: {message}")]
    Forbidden { permission: String, message: String },
    /// Too many wrong passwords for this login: try again after `retry_after_secs`.
    #[error("too many attempts; retry in {retry_after_secs} s")]
    RateLimited {
        retry_after_secs: u32,
        message: String,
    },
    /// The record (or operation) does not exist.
    #[error("{entity} not found")]
    NotFound { entity: String, message: String },
    /// Records like this one already exist; nothing was written. Repeat with the operation's
    /// confirmation flag (`allow_duplicate`) to create it anyway.
    #[error("possible duplicate: {message}")]
    Duplicate {
        message: String,
        matches: Vec<Similar>,
    },
    /// The request is larger than this operation accepts; nothing was read or written.
    #[error("too large: {message}")]
    TooLarge { max_bytes: u64, message: String },
    /// The write conflicts with the current state (stale version, duplicate login…).
    #[error("conflict: {message}")]
    Conflict { message: String },
    /// The app could not reach its hub, or the hub is not the one this device trusts (its
    /// certificate changed); `reason` is `unreachable`, `timeout`, `certificate_changed`,
    /// `not_a_hub` or `no_mode`. Nothing was sent, or no answer came back.
    #[error("hub unavailable: {message}")]
    Unavailable { reason: String, message: String },
    /// Something failed on our side; details are in the server log, not here.
    #[error("internal error")]
    Internal { message: String },
}

impl ApiError {
    pub fn field(field: impl Into<String>, code: &str, message: impl Into<String>) -> Self {
        ApiError::Validation {
            errors: vec![FieldError {
                field: field.into(),
                code: code.to_string(),
                message: message.into(),
            }],
        }
    }

    pub fn not_found(entity: &str) -> Self {
        ApiError::NotFound {
            entity: entity.to_string(),
            message: format!("{entity} not found"),
        }
    }

    pub fn conflict(message: impl Into<String>) -> Self {
        ApiError::Conflict {
            message: message.into(),
        }
    }

    pub fn unauthenticated(message: impl Into<String>) -> Self {
        ApiError::Unauthenticated {
            message: message.into(),
        }
    }

    pub fn bad_request(message: impl Into<String>) -> Self {
        ApiError::BadRequest {
            message: message.into(),
        }
    }

    /// The same error with field `from` named `to` (a use case built on another whose
    /// arguments are spelled differently).
    pub fn renamed(mut self, from: &str, to: &str) -> Self {
        if let ApiError::Validation { errors } = &mut self {
            for e in errors.iter_mut().filter(|e| e.field == from) {
                e.field = to.to_string();
            }
        }
        self
    }

    /// The HTTP status the hub answers with.
    pub fn http_status(&self) -> u16 {
        match self {
            ApiError::Validation { .. } => 422,
            ApiError::BadRequest { .. } => 400,
            ApiError::Unauthenticated { .. } => 401,
            ApiError::Forbidden { .. } => 403,
            ApiError::NotFound { .. } => 404,
            ApiError::Conflict { .. } | ApiError::Duplicate { .. } => 409,
            ApiError::RateLimited { .. } => 429,
            ApiError::TooLarge { .. } => 413,
            ApiError::Internal { .. } => 500,
            ApiError::Unavailable { .. } => 503,
        }
    }
}

impl From<sqlx::Error> for ApiError {
    fn from(e: sqlx::Error) -> Self {
        tracing::error!(error = %e, "database error");
        ApiError::Internal {
            message: "the database failed; the change was not saved".into(),
        }
    }
}

impl From<sqlx::migrate::MigrateError> for ApiError {
    fn from(e: sqlx::migrate::MigrateError) -> Self {
        tracing::error!(error = %e, "migration error");
        ApiError::Internal {
            message: "the database schema could not be updated".into(),
        }
    }
}

/// Collects field errors during validation so a form shows all of them at once.
#[derive(Default)]
pub struct Problems(Vec<FieldError>);

impl Problems {
    pub fn add(&mut self, field: impl Into<String>, code: &str, message: impl Into<String>) {
        self.0.push(FieldError {
            field: field.into(),
            code: code.to_string(),
            message: message.into(),
        });
    }

    /// Records the error of a parse, if any, and gives back the value.
    pub fn take<T>(&mut self, r: Result<T, FieldError>) -> Option<T> {
        match r {
            Ok(v) => Some(v),
            Err(e) => {
                self.0.push(e);
                None
            }
        }
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn errors(&self) -> &[FieldError] {
        &self.0
    }

    pub fn finish(self) -> Result<(), ApiError> {
        if self.0.is_empty() {
            Ok(())
        } else {
            Err(ApiError::Validation { errors: self.0 })
        }
    }
}
