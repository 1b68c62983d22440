//! Logins, sessions and the first-start setup.
//!
//! Passwords are argon2id hashes (the crate's defaults: m=19 MiB, t=2, p=1, OWASP's minimum).
//! A login returns an opaque random token; only its SHA-256 is stored, with an expiry.

use chrono::{DateTime, Duration, Utc};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use specta::Type;
use uuid::Uuid;

use crate::centre::{CentreInput, Local};
use crate::db::Tx;
use crate::error::ApiError;
use crate::roles::store::effective;
use crate::roles::{Permission, Permissions, Role};
use crate::{on_tx, Core};

mod login;
mod password;
pub(crate) mod secrets;
mod sessions;
mod setup;
mod users;
pub(crate) use login::{login, logout, session_get};
pub(crate) use password::password_change;
use secrets::token_hash;
pub use secrets::{check_new_password, check_password_with, hash_password, MIN_PASSWORD_SCORE};
pub(crate) use sessions::{sessions_list, sessions_revoke};
pub use sessions::{SessionInfo, SessionsRevokeArgs, SessionsRevoked};
pub use setup::parse_login;
pub(crate) use setup::*;
pub(crate) use users::{user_create, user_password_reset, user_update, users_list};
pub use users::{
    PasswordChangeArgs, User, UserCreateArgs, UserCreated, UserPasswordResetArgs, UserUpdateArgs,
};

/// How long a session lasts without a new login: a receptionist's long day and then some.
pub const SESSION_TTL_HOURS: i64 = 16;
/// A session not used for this long ends (a tablet left on a bench, a browser left open).
pub const IDLE_MINUTES: i64 = 120;
/// How stale a session's "last seen" may get before a request writes it again.
const TOUCH_SECS: i64 = 60;
pub const MIN_PASSWORD_CHARS: usize = 8;

/// The caller of an operation, established from a valid token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Session {
    pub session_id: Uuid,
    pub user_id: Uuid,
    pub login: String,
    /// The built-in role the user's role is based on.
    pub role: Role,
    /// What the user's role may do.
    pub permissions: Permissions,
    /// Signed in with a one-time password: nothing but changing it (and signing out).
    pub restricted: bool,
    /// The centre's phone country and time zone, read with the session.
    pub local: Local,
}

impl Session {
    /// The centre's calendar date at `at` (its time zone).
    pub fn local_date(&self, at: chrono::DateTime<chrono::Utc>) -> chrono::NaiveDate {
        at.with_timezone(&self.local.time_zone).date_naive()
    }

    /// A session for work core does on a user's behalf (setting up, the demo), with the
    /// built-in role's template permissions.
    pub(crate) fn acting(user_id: Uuid, login: &str, role: Role, local: Local) -> Session {
        Session {
            session_id: Uuid::nil(),
            user_id,
            login: login.to_string(),
            role,
            permissions: Permissions::from_list(role.permissions()),
            restricted: false,
            local,
        }
    }

    pub fn can(&self, p: Permission) -> bool {
        self.permissions.has(p) && (!self.restricted || p == Permission::SignedIn)
    }

    /// Allowed on what is the caller's own (`own`), else only with `p`; `message` says who may.
    pub fn own_or(&self, own: bool, p: Permission, message: &str) -> Result<(), ApiError> {
        if own || self.can(p) {
            Ok(())
        } else {
            Err(ApiError::Forbidden {
                permission: p.as_str().to_string(),
                message: message.to_string(),
            })
        }
    }

    pub fn require(&self, p: Permission) -> Result<(), ApiError> {
        if self.restricted && p != Permission::SignedIn {
            return Err(ApiError::Forbidden {
                permission: p.as_str().to_string(),
                message: "change the one-time password first".into(),
            });
        }
        if self.permissions.has(p) {
            Ok(())
        } else {
            Err(ApiError::Forbidden {
                permission: p.as_str().to_string(),
                message: "your role may not do this".into(),
            })
        }
    }
}

/// A user as other records name them: who wrote, who is responsible.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type, JsonSchema)]
pub struct UserRef {
    pub id: Uuid,
    pub name: String,
}

impl UserRef {
    /// From a row's user id and the name joined to it (none without an id).
    pub fn from_row(id: Option<Uuid>, name: Option<String>) -> Option<UserRef> {
        Some(UserRef {
            id: id?,
            name: name.unwrap_or_default(),
        })
    }
}

#[derive(Debug, Clone, Serialize, Deserialize, Type, JsonSchema)]
pub struct LoginArgs {
    pub login: String,
    pub password: String,
    /// What the user signs in on (the app names itself; a browser sends its own name), shown
    /// in their list of sessions.
    #[serde(default)]
    pub device: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, Type, JsonSchema)]
pub struct UserInfo {
    pub id: Uuid,
    pub login: String,
    pub display_name: String,
    /// The built-in role the user's role is based on.
    pub role: Role,
    pub role_id: Uuid,
    pub role_name: String,
    pub permissions: Vec<Permission>,
    /// Signed in with a one-time password: only `password_change` and `logout` until it is
    /// changed.
    pub must_change_password: bool,
}

#[derive(Debug, Clone, Serialize, Deserialize, Type, JsonSchema)]
pub struct LoginResult {
    pub token: String,
    pub expires_at: DateTime<Utc>,
    pub must_change_password: bool,
    pub user: UserInfo,
}

/// Arguments of an operation that takes none (`{}`).
#[derive(Debug, Clone, Default, Serialize, Deserialize, Type, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct NoArgs {}

#[derive(Debug, Clone, Serialize, Deserialize, Type, JsonSchema)]
pub struct SetupStatus {
    /// True while the database has no users: the first start must create the owner.
    pub needs_setup: bool,
    pub centre_name: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, Type, JsonSchema)]
pub struct CentreSetupArgs {
    pub centre: CentreInput,
    pub owner_login: String,
    pub owner_name: String,
    pub owner_password: String,
}

/// Where a request comes from, as the transport knows it.
#[derive(Debug, Clone, Default)]
pub struct ClientMeta {
    /// The client's network address (the hub's peer); none in the app.
    pub address: Option<String>,
    /// The browser's or app's own name for itself.
    pub device: Option<String>,
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub(crate) struct UserRow {
    pub id: Uuid,
    pub login: String,
    pub display_name: String,
    pub role: String,
    pub password_hash: String,
    pub active: bool,
    pub must_change_password: bool,
    pub role_id: Option<Uuid>,
    pub role_key: Option<String>,
    pub role_name: Option<String>,
    pub role_permissions: Option<String>,
}

impl UserRow {
    pub fn role(&self) -> Role {
        Role::parse(&self.role).unwrap_or(Role::Instructor)
    }

    pub fn permissions(&self) -> Permissions {
        let key = self.role_key.as_deref().and_then(Role::parse);
        effective(key, self.role_permissions.as_deref().unwrap_or("[]"))
    }

    pub fn info(&self) -> UserInfo {
        UserInfo {
            id: self.id,
            login: self.login.clone(),
            display_name: self.display_name.clone(),
            role: self.role(),
            role_id: self.role_id.unwrap_or_default(),
            role_name: self.role_name.clone().unwrap_or_default(),
            permissions: self.permissions().list(),
            must_change_password: self.must_change_password,
        }
    }
}

pub(crate) const USER_COLUMNS: &str = "u.id, u.login, u.display_name, u.role, u.password_hash, \
     u.active, u.must_change_password, u.role_id, r.key AS role_key, r.name AS role_name, \
     r.permissions AS role_permissions";

pub(crate) async fn user_by_login(tx: &mut Tx, login: &str) -> Result<Option<UserRow>, ApiError> {
    let sql = format!(
        "SELECT {USER_COLUMNS} FROM users u LEFT JOIN roles r ON r.id = u.role_id WHERE u.login = $1"
    );
    Ok(on_tx!(tx, c => sqlx::query_as::<_, UserRow>(&sql).bind(login).fetch_optional(c).await)?)
}

pub(crate) async fn user_by_id(tx: &mut Tx, id: Uuid) -> Result<Option<UserRow>, ApiError> {
    let sql = format!(
        "SELECT {USER_COLUMNS} FROM users u LEFT JOIN roles r ON r.id = u.role_id WHERE u.id = $1"
    );
    Ok(on_tx!(tx, c => sqlx::query_as::<_, UserRow>(&sql).bind(id).fetch_optional(c).await)?)
}

#[derive(sqlx::FromRow)]
struct SessionRow {
    id: Uuid,
    user_id: Uuid,
    created_at: DateTime<Utc>,
    expires_at: DateTime<Utc>,
    last_seen_at: Option<DateTime<Utc>>,
    login: String,
    role: String,
    active: bool,
    must_change_password: bool,
    role_key: Option<String>,
    role_permissions: Option<String>,
    phone_country: Option<String>,
    time_zone: Option<String>,
}

impl Core {
    /// The caller, if the token is valid and their role has the permission.
    pub async fn authorize(&self, token: Option<&str>, p: Permission) -> Result<Session, ApiError> {
        let session = self.authenticate(token).await?;
        session.require(p)?;
        Ok(session)
    }

    /// Establishes the caller from a bearer token; the request counts as use of the session.
    pub async fn authenticate(&self, token: Option<&str>) -> Result<Session, ApiError> {
        self.check_token(token, true).await
    }

    /// Establishes the caller without counting as use (a live stream checking it is still
    /// signed in, which must not keep an idle session alive).
    pub async fn check_token(&self, token: Option<&str>, touch: bool) -> Result<Session, ApiError> {
        let token = token
            .map(str::trim)
            .filter(|t| !t.is_empty())
            .ok_or_else(|| ApiError::unauthenticated("sign in first"))?;
        if token.len() > 128 {
            return Err(ApiError::unauthenticated("the session is not valid"));
        }
        // One statement: no transaction around it (every call pays for this lookup). The
        // role's permissions and the centre's settings every read needs come with it.
        const SQL: &str = "SELECT s.id, s.user_id, s.created_at, s.expires_at, s.last_seen_at, \
             u.login, u.role, u.active, u.must_change_password, r.key AS role_key, \
             r.permissions AS role_permissions, ce.phone_country, ce.time_zone \
             FROM sessions s JOIN users u ON u.id = s.user_id LEFT JOIN roles r ON r.id = u.role_id \
             LEFT JOIN centre ce ON TRUE WHERE s.token_hash = $1";
        let hash = token_hash(token);
        let row = crate::on_pool!(&self.db, p => sqlx::query_as::<_, SessionRow>(SQL)
            .bind(hash)
            .fetch_optional(p)
            .await)?;
        let row = row.ok_or_else(|| ApiError::unauthenticated("the session is not valid"))?;
        let now = self.now();
        if row.expires_at <= now {
            return Err(ApiError::unauthenticated(
                "the session has expired; sign in again",
            ));
        }
        let seen = row.last_seen_at.unwrap_or(row.created_at);
        if now - seen > Duration::minutes(IDLE_MINUTES) {
            return Err(ApiError::unauthenticated(format!(
                "signed out after {IDLE_MINUTES} minutes without use; sign in again"
            )));
        }
        if !row.active {
            return Err(ApiError::unauthenticated("this login is disabled"));
        }
        if touch && now - seen > Duration::seconds(TOUCH_SECS) {
            // At most once a minute per session; a failure only makes the session look idler.
            let r = crate::on_pool!(&self.db, p => sqlx::query(
                "UPDATE sessions SET last_seen_at = $1 WHERE id = $2")
                .bind(now)
                .bind(row.id)
                .execute(p)
                .await
                .map(|_| ()));
            if let Err(e) = r {
                tracing::warn!(error = %e, "noting a session's use failed");
            }
        }
        let key = row.role_key.as_deref().and_then(Role::parse);
        Ok(Session {
            session_id: row.id,
            user_id: row.user_id,
            login: row.login,
            role: Role::parse(&row.role).unwrap_or(Role::Instructor),
            permissions: effective(key, row.role_permissions.as_deref().unwrap_or("[]")),
            restricted: row.must_change_password,
            local: Local::from_settings(row.phone_country, row.time_zone.as_deref()),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn logins_are_checked() {
        assert_eq!(parse_login("l", " Owner ").unwrap(), "owner");
        assert!(parse_login("l", "a").is_err());
        assert!(parse_login("l", "drop table;").is_err());
        assert!(parse_login("l", "ผู้ใช้").is_err());
    }
}
