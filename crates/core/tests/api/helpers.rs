//! Small helpers the feature modules share.

use base64::Engine;
use hallpass_core::api::*;

/// A valid 1×1 PNG.
pub const PNG_1X1: &str = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==";

pub fn b64(bytes: &[u8]) -> String {
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

/// The field and code of a validation error's first problem.
pub fn code(e: ApiError) -> (String, String) {
    match e {
        ApiError::Validation { errors } => (errors[0].field.clone(), errors[0].code.clone()),
        other => panic!("expected validation, got {other:?}"),
    }
}

/// Every (field, code) of a validation error.
pub fn fields(e: ApiError) -> Vec<(String, String)> {
    match e {
        ApiError::Validation { errors } => errors.into_iter().map(|f| (f.field, f.code)).collect(),
        other => panic!("expected validation, got {other:?}"),
    }
}

/// Import arguments for a file.
pub fn import_args(
    name: &str,
    bytes: &[u8],
    dry_run: bool,
    skip_invalid: bool,
) -> ClientsImportArgs {
    ClientsImportArgs {
        file_name: name.into(),
        content: b64(bytes),
        dry_run,
        skip_invalid,
        allow_duplicates: false,
        mapping: None,
        job_id: None,
    }
}

/// A grown-up (no guardian needed).
pub fn adult(name: &str) -> ClientInput {
    ClientInput {
        name: name.into(),
        birth_date: Some("1985-02-03".into()),
        ..Default::default()
    }
}

/// A grown-up with custom values.
pub fn person(name: &str, custom: Vec<CustomValue>) -> ClientInput {
    ClientInput {
        name: name.into(),
        birth_date: Some("1990-01-01".into()),
        custom: Some(custom),
        ..Default::default()
    }
}

/// A custom value of `field`.
pub fn value(field: &CustomField, v: &str) -> CustomValue {
    CustomValue {
        field_id: field.id,
        value: v.into(),
    }
}

/// The ids a text search finds, in list order.
pub async fn found(
    core: &hallpass_core::Core,
    token: Option<&str>,
    query: &str,
) -> Vec<uuid::Uuid> {
    let page = core
        .clients_search(
            token,
            ClientsSearchArgs {
                query: query.into(),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    page.items.iter().map(|c| c.id).collect()
}

/// A new login with role `role_id`, made by `by` and signed in past its one-time password (a
/// strong password of its own chosen): its token and who it is.
pub async fn new_login(
    core: &hallpass_core::Core,
    by: Option<&str>,
    login: &str,
    name: &str,
    role_id: uuid::Uuid,
) -> (String, UserInfo) {
    let made = core
        .user_create(
            by,
            UserCreateArgs {
                login: login.into(),
                display_name: Some(name.into()),
                role_id,
                staff_id: None,
            },
        )
        .await
        .unwrap();
    let first = core
        .login(LoginArgs {
            login: login.into(),
            password: made.one_time_password.clone(),
            device: None,
        })
        .await
        .unwrap();
    assert!(first.must_change_password);
    let me = core
        .password_change(
            Some(&first.token),
            PasswordChangeArgs {
                old_password: made.one_time_password,
                new_password: "quiet meadow bicycle 7 lantern".into(),
            },
        )
        .await
        .unwrap();
    (first.token, me)
}
