//! Logins: the owner and admins create them for staff, pick a role, reset a password to a
//! one-time one, deactivate a login (its sessions end at once); everyone changes their own
//! password. The last active owner is never deactivated or demoted.

use chrono::{DateTime, Utc};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use specta::Type;
use uuid::Uuid;

use super::login::end_sessions;
use super::secrets::issue_one_time;
use super::{parse_login, NoArgs, Session};
use crate::audit::{self, Change};
use crate::db::Tx;
use crate::error::{ApiError, Problems};
use crate::roles::{store as roles, Permissions, Role, RoleInfo};
use crate::{exec_tx, on_tx, Core};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type, JsonSchema)]
pub struct User {
    pub id: Uuid,
    pub login: String,
    pub display_name: String,
    pub role_id: Uuid,
    pub role_name: String,
    /// The built-in role the user's role is based on.
    pub role: Role,
    pub active: bool,
    pub must_change_password: bool,
    /// The staff record this login belongs to, if any.
    pub staff_id: Option<Uuid>,
    pub created_at: DateTime<Utc>,
    /// When any of the user's sessions was last used.
    pub last_seen_at: Option<DateTime<Utc>>,
    pub version: i64,
}

#[derive(Debug, Clone, Serialize, Deserialize, Type, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct UserCreateArgs {
    pub login: String,
    /// The name others see; the staff member's name when left out.
    #[serde(default)]
    pub display_name: Option<String>,
    pub role_id: Uuid,
    /// The staff record the login is for.
    #[serde(default)]
    pub staff_id: Option<Uuid>,
}

/// A login with its one-time password, shown once: the user must change it at first sign-in.
#[derive(Debug, Clone, Serialize, Deserialize, Type, JsonSchema)]
pub struct UserCreated {
    pub user: User,
    pub one_time_password: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, Type, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct UserUpdateArgs {
    pub id: Uuid,
    pub version: i64,
    #[serde(default)]
    pub display_name: Option<String>,
    #[serde(default)]
    pub role_id: Option<Uuid>,
    /// False deactivates the login: its sessions end at once.
    #[serde(default)]
    pub active: Option<bool>,
}

#[derive(Debug, Clone, Serialize, Deserialize, Type, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct UserPasswordResetArgs {
    pub id: Uuid,
}

#[derive(Debug, Clone, Serialize, Deserialize, Type, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PasswordChangeArgs {
    pub old_password: String,
    pub new_password: String,
}

#[derive(sqlx::FromRow)]
struct Row {
    id: Uuid,
    login: String,
    display_name: String,
    role_id: Option<Uuid>,
    role_name: Option<String>,
    role: String,
    active: bool,
    must_change_password: bool,
    staff_id: Option<Uuid>,
    created_at: DateTime<Utc>,
    last_seen_at: Option<DateTime<Utc>>,
    version: i64,
}

impl From<Row> for User {
    fn from(r: Row) -> User {
        User {
            id: r.id,
            login: r.login,
            display_name: r.display_name,
            role_id: r.role_id.unwrap_or_default(),
            role_name: r.role_name.unwrap_or_default(),
            role: Role::parse(&r.role).unwrap_or(Role::Instructor),
            active: r.active,
            must_change_password: r.must_change_password,
            staff_id: r.staff_id,
            created_at: r.created_at,
            last_seen_at: r.last_seen_at,
            version: r.version,
        }
    }
}

const SELECT: &str = "SELECT u.id, u.login, u.display_name, u.role_id, r.name AS role_name, u.role, \
     u.active, u.must_change_password, st.id AS staff_id, u.created_at, \
     (SELECT MAX(s.last_seen_at) FROM sessions s WHERE s.user_id = u.id) AS last_seen_at, u.version \
     FROM users u LEFT JOIN roles r ON r.id = u.role_id LEFT JOIN staff st ON st.user_id = u.id";

async fn get(tx: &mut Tx, id: Uuid) -> Result<User, ApiError> {
    let sql = format!("{SELECT} WHERE u.id = $1");
    let row: Option<Row> = on_tx!(tx, c => sqlx::query_as(&sql).bind(id).fetch_optional(c).await)?;
    row.map(User::from)
        .ok_or_else(|| ApiError::not_found("user"))
}

pub(crate) async fn users_list(core: &Core, _: &Session, _: NoArgs) -> Result<Vec<User>, ApiError> {
    let mut tx = core.db.read().await?;
    let sql = format!("{SELECT} ORDER BY u.active DESC, u.display_name, u.id");
    let rows: Vec<Row> = on_tx!(&mut tx, c => sqlx::query_as(&sql).fetch_all(c).await)?;
    tx.commit().await?;
    Ok(rows.into_iter().map(User::from).collect())
}

/// Only an owner gives the owner role or changes an owner's login; and nobody gives a role, or
/// touches a login whose role, with permissions beyond their own.
fn owner_only(session: &Session, role: &RoleInfo, target: Option<&User>) -> Result<(), ApiError> {
    roles::within_own(
        session,
        Permissions::from_list(role.permissions.iter().copied()),
    )?;
    let touches_owner =
        role.key == Some(Role::Owner) || target.is_some_and(|u| u.role == Role::Owner);
    if touches_owner && session.role != Role::Owner {
        return Err(ApiError::Forbidden {
            permission: "owner".into(),
            message: "only an owner changes the owner's login or makes an owner".into(),
        });
    }
    Ok(())
}

async fn role(tx: &mut Tx, id: Uuid, field: &str) -> Result<RoleInfo, ApiError> {
    roles::get(tx, id)
        .await?
        .ok_or_else(|| ApiError::field(field, "not_found", "no such role"))
}

pub(crate) async fn user_create(
    core: &Core,
    session: &Session,
    args: UserCreateArgs,
) -> Result<UserCreated, ApiError> {
    let mut p = Problems::default();
    let login = p.take(parse_login("login", &args.login));
    let now = core.now();
    // Hashed before the write transaction opens, so the write lock never waits on argon2.
    let (otp, hash) = issue_one_time().await?;
    let mut tx = core.db.write().await?;
    let staff_name: Option<String> = match args.staff_id {
        Some(id) => {
            let row: Option<(String, Option<Uuid>)> = on_tx!(&mut tx, c => sqlx::query_as(
                "SELECT name, user_id FROM staff WHERE id = $1").bind(id).fetch_optional(c).await)?;
            match row {
                None => {
                    p.add("staff_id", "not_found", "no such staff member");
                    None
                }
                Some((_, Some(_))) => {
                    p.add("staff_id", "taken", "this staff member already has a login");
                    None
                }
                Some((name, None)) => Some(name),
            }
        }
        None => None,
    };
    let name_source = args.display_name.clone().or(staff_name).unwrap_or_default();
    let display_name = p.take(crate::text::parse_name("display_name", &name_source, 200));
    let role = match roles::get(&mut tx, args.role_id).await? {
        Some(r) => Some(r),
        None => {
            p.add("role_id", "not_found", "no such role");
            None
        }
    };
    p.finish()?;
    let (Some(login), Some(display_name), Some(role)) = (login, display_name, role) else {
        return Err(ApiError::bad_request("invalid user"));
    };
    owner_only(session, &role, None)?;
    let id = crate::new_id();
    exec_tx!(&mut tx, c => sqlx::query(
        "INSERT INTO users (id, login, display_name, role, role_id, password_hash, active, must_change_password, created_at, updated_at, version) \
         VALUES ($1, $2, $3, $4, $5, $6, TRUE, TRUE, $7, $7, 1)")
        .bind(id)
        .bind(&login)
        .bind(&display_name)
        .bind(role.base.as_str())
        .bind(role.id)
        .bind(&hash)
        .bind(now)
        .execute(c)
        .await)
    .map_err(|e| crate::db::taken(e, "login", "this login is taken"))?;
    if let Some(staff) = args.staff_id {
        exec_tx!(&mut tx, c => sqlx::query("UPDATE staff SET user_id = $1 WHERE id = $2 AND user_id IS NULL")
            .bind(id).bind(staff).execute(c).await)?;
    }
    let user = get(&mut tx, id).await?;
    audit::record(
        &mut tx,
        session,
        now,
        Change {
            operation: "user_create",
            entity: "user",
            entity_id: Some(id),
            before: None,
            after: Some(&user),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(UserCreated {
        user,
        one_time_password: otp,
    })
}

/// Active owners other than `except`.
async fn other_owners(tx: &mut Tx, except: Uuid) -> Result<i64, ApiError> {
    Ok(on_tx!(tx, c => sqlx::query_scalar(
        "SELECT COUNT(*) FROM users u JOIN roles r ON r.id = u.role_id \
         WHERE r.key = 'owner' AND u.active AND u.id <> $1")
        .bind(except).fetch_one(c).await)?)
}

pub(crate) async fn user_update(
    core: &Core,
    session: &Session,
    args: UserUpdateArgs,
) -> Result<User, ApiError> {
    let now = core.now();
    let mut tx = core.db.write().await?;
    let before = get(&mut tx, args.id).await?;
    let mut p = Problems::default();
    let display_name = match &args.display_name {
        Some(n) => p.take(crate::text::parse_name("display_name", n, 200)),
        None => Some(before.display_name.clone()),
    };
    // Concurrent changes to logins wait for each other (two owners demoting each other at once
    // would otherwise both pass the last-owner check on PostgreSQL).
    crate::db::serialize(&mut tx, crate::db::USERS_LOCK).await?;
    let current = role(&mut tx, before.role_id, "id").await?;
    let role = role(&mut tx, args.role_id.unwrap_or(before.role_id), "role_id").await?;
    let active = args.active.unwrap_or(before.active);
    owner_only(session, &current, Some(&before))?;
    owner_only(session, &role, Some(&before))?;
    if before.id == session.user_id && role.id != before.role_id && session.role != Role::Owner {
        return Err(ApiError::field(
            "role_id",
            "own_role",
            "you cannot change your own role",
        ));
    }
    let stays_owner = active && role.key == Some(Role::Owner);
    if before.active
        && before.role == Role::Owner
        && !stays_owner
        && other_owners(&mut tx, before.id).await? == 0
    {
        let field = if active { "role_id" } else { "active" };
        p.add(
            field,
            "last_owner",
            "the centre's last active owner stays an active owner; make another owner first",
        );
    } else if !active && before.id == session.user_id {
        p.add(
            "active",
            "own_login",
            "you cannot deactivate your own login",
        );
    }
    p.finish()?;
    let n = exec_tx!(&mut tx, c => sqlx::query(
        "UPDATE users SET display_name = $1, role = $2, role_id = $3, active = $4, updated_at = $5, version = version + 1 \
         WHERE id = $6 AND version = $7")
        .bind(display_name.unwrap_or_default())
        .bind(role.base.as_str())
        .bind(role.id)
        .bind(active)
        .bind(now)
        .bind(args.id)
        .bind(args.version)
        .execute(c)
        .await)?;
    if n == 0 {
        return Err(ApiError::conflict(
            "someone else changed this login meanwhile; reload it",
        ));
    }
    if !active {
        end_sessions(&mut tx, args.id, None).await?;
    }
    let after = get(&mut tx, args.id).await?;
    audit::record(
        &mut tx,
        session,
        now,
        Change {
            operation: "user_update",
            entity: "user",
            entity_id: Some(args.id),
            before: Some(&before),
            after: Some(&after),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(after)
}

pub(crate) async fn user_password_reset(
    core: &Core,
    session: &Session,
    args: UserPasswordResetArgs,
) -> Result<UserCreated, ApiError> {
    let now = core.now();
    let (otp, hash) = issue_one_time().await?;
    let mut tx = core.db.write().await?;
    let before = get(&mut tx, args.id).await?;
    let role = role(&mut tx, before.role_id, "id").await?;
    owner_only(session, &role, Some(&before))?;
    exec_tx!(&mut tx, c => sqlx::query(
        "UPDATE users SET password_hash = $1, must_change_password = TRUE, updated_at = $2, version = version + 1 WHERE id = $3")
        .bind(&hash).bind(now).bind(args.id).execute(c).await)?;
    end_sessions(&mut tx, args.id, None).await?;
    let user = get(&mut tx, args.id).await?;
    audit::record(
        &mut tx,
        session,
        now,
        Change {
            operation: "user_password_reset",
            entity: "user",
            entity_id: Some(args.id),
            before: Some(&before),
            after: Some(&user),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(UserCreated {
        user,
        one_time_password: otp,
    })
}
