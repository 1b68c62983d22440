//! First start and new users: the owner's centre setup, the user count, login names.

use chrono::{DateTime, Utc};
use uuid::Uuid;

use crate::audit::{self, Entry};
use crate::centre;
use crate::db::Tx;
use crate::error::{ApiError, Problems};
use crate::roles::Role;
use crate::{exec_tx, on_tx, Core};

use super::*;

pub(crate) async fn user_count(tx: &mut Tx) -> Result<i64, ApiError> {
    Ok(
        on_tx!(tx, c => sqlx::query_scalar::<_, i64>("SELECT COUNT(*) FROM users").fetch_one(c).await)?,
    )
}

pub(crate) async fn setup_status(core: &Core, _: NoArgs) -> Result<SetupStatus, ApiError> {
    let mut tx = core.db.read().await?;
    let users = user_count(&mut tx).await?;
    let centre = centre::load(&mut tx).await?;
    tx.commit().await?;
    Ok(SetupStatus {
        needs_setup: users == 0,
        centre_name: centre.map(|c| c.name),
    })
}

/// Validates a login name: lowercase letters, digits, `.`, `_`, `-`; 2–64 characters.
pub fn parse_login(field: &str, login: &str) -> Result<String, crate::FieldError> {
    let login = login.trim().to_lowercase();
    let ok_chars = login
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'));
    if login.chars().count() < 2 || login.chars().count() > 64 || !ok_chars {
        return Err(crate::FieldError {
            field: field.into(),
            code: "invalid_login".into(),
            message: "2–64 characters: latin letters, digits, dot, dash, underscore".into(),
        });
    }
    Ok(login)
}

pub(crate) struct NewUser<'a> {
    pub login: &'a str,
    pub display_name: &'a str,
    pub role: Role,
    pub password: &'a str,
}

pub(crate) async fn insert_user(
    tx: &mut Tx,
    u: &NewUser<'_>,
    now: DateTime<Utc>,
) -> Result<Uuid, ApiError> {
    let id = crate::new_id();
    let hash = hash_password(u.password)?;
    let role_id = crate::roles::store::builtin_id(tx, u.role).await?;
    exec_tx!(tx, c => sqlx::query(
        "INSERT INTO users (id, login, display_name, role, role_id, password_hash, active, created_at, updated_at, version) \
         VALUES ($1, $2, $3, $4, $8, $5, $6, $7, $7, 1)")
        .bind(id)
        .bind(u.login)
        .bind(u.display_name)
        .bind(u.role.as_str())
        .bind(&hash)
        .bind(true)
        .bind(now)
        .bind(role_id)
        .execute(c)
        .await)
    .map_err(|e| {
        if crate::db::unique_violation(&e) {
            ApiError::field("login", "taken", "this login is taken")
        } else {
            e.into()
        }
    })?;
    Ok(id)
}

/// The first start: creates the centre and its owner, and signs the owner in. Refused once
/// any user exists.
pub(crate) async fn centre_setup(
    core: &Core,
    args: CentreSetupArgs,
) -> Result<LoginResult, ApiError> {
    let now = core.now();
    let mut problems = Problems::default();
    let centre = centre::validate(&args.centre, &mut problems, "centre.");
    let login = problems.take(parse_login("owner_login", &args.owner_login));
    let owner_name = problems.take(crate::text::parse_name("owner_name", &args.owner_name, 200));
    check_new_password("owner_password", &args.owner_password, &mut problems);
    problems.finish()?;
    let (Some(centre), Some(login), Some(owner_name)) = (centre, login, owner_name) else {
        return Err(ApiError::bad_request("invalid setup"));
    };

    let mut tx = core.db.write().await?;
    if user_count(&mut tx).await? > 0 {
        return Err(ApiError::conflict("this centre is already set up"));
    }
    let saved = centre::save_new(&mut tx, &centre, now).await?;
    let user = NewUser {
        login: &login,
        display_name: &owner_name,
        role: Role::Owner,
        password: &args.owner_password,
    };
    let user_id = insert_user(&mut tx, &user, now).await?;
    let row = user_by_login(&mut tx, &login)
        .await?
        .ok_or_else(|| ApiError::Internal {
            message: "owner not saved".into(),
        })?;
    let result =
        super::login::open_session(&mut tx, &row, now, &super::ClientMeta::default()).await?;
    let who = Session::acting(
        user_id,
        &login,
        Role::Owner,
        centre::Local::from_settings(Some(saved.phone_country.clone()), Some(&saved.time_zone)),
    );
    audit::append(
        &mut tx,
        Some(&who),
        now,
        Entry {
            operation: "centre_setup",
            entity: "centre",
            entity_id: Some(saved.id),
            before: None,
            after: audit::snapshot(&saved),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(result)
}
