//! Logins, sessions and the first-start setup.
//!
//! Passwords are argon2id hashes (the crate's defaults: m=19 MiB, t=2, p=1, OWASP's minimum).
//! A login returns an opaque random token; only its SHA-256 is stored, with an expiry.

use chrono::{DateTime, Duration, Utc};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use specta::Type;
use uuid::Uuid;

use crate::audit::{self, Entry};
use crate::centre::{CentreInput, Local};
use crate::db::Tx;
use crate::error::ApiError;
use crate::roles::{Permission, Role};
use crate::{exec_tx, on_tx, Core};

mod secrets;
mod setup;
pub use secrets::{check_new_password, hash_password};
use secrets::{dummy_hash, new_token, token_hash, verify_password, MAX_PASSWORD_CHARS};
pub use setup::parse_login;
pub(crate) use setup::*;

/// How long a session lasts without a new login: a receptionist's long day and then some.
pub const SESSION_TTL_HOURS: i64 = 16;
pub const MIN_PASSWORD_CHARS: usize = 8;

/// The caller of an operation, established from a valid token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Session {
    pub session_id: Uuid,
    pub user_id: Uuid,
    pub login: String,
    pub role: Role,
    /// The centre's phone country and time zone, read with the session.
    pub local: Local,
}

impl Session {
    pub fn require(&self, p: Permission) -> Result<(), ApiError> {
        if self.role.allows(p) {
            Ok(())
        } else {
            Err(ApiError::Forbidden {
                permission: p.as_str().to_string(),
                message: format!("the {} role may not do this", self.role.as_str()),
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

#[derive(Debug, Clone, Serialize, Deserialize, Type, JsonSchema)]
pub struct LoginArgs {
    pub login: String,
    pub password: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, Type, JsonSchema)]
pub struct UserInfo {
    pub id: Uuid,
    pub login: String,
    pub display_name: String,
    pub role: Role,
    pub permissions: Vec<Permission>,
}

#[derive(Debug, Clone, Serialize, Deserialize, Type, JsonSchema)]
pub struct LoginResult {
    pub token: String,
    pub expires_at: DateTime<Utc>,
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

#[derive(Debug, Clone, sqlx::FromRow)]
struct UserRow {
    id: Uuid,
    login: String,
    display_name: String,
    role: String,
    password_hash: String,
    active: bool,
}

impl UserRow {
    fn role(&self) -> Role {
        Role::parse(&self.role).unwrap_or(Role::Instructor)
    }

    fn info(&self) -> UserInfo {
        let role = self.role();
        UserInfo {
            id: self.id,
            login: self.login.clone(),
            display_name: self.display_name.clone(),
            role,
            permissions: role.permissions(),
        }
    }
}

async fn user_by_login(tx: &mut Tx, login: &str) -> Result<Option<UserRow>, ApiError> {
    Ok(on_tx!(tx, c => sqlx::query_as::<_, UserRow>(
        "SELECT id, login, display_name, role, password_hash, active FROM users WHERE login = $1")
        .bind(login)
        .fetch_optional(c)
        .await)?)
}

async fn open_session(
    tx: &mut Tx,
    user: &UserRow,
    now: DateTime<Utc>,
) -> Result<LoginResult, ApiError> {
    let token = new_token();
    let expires_at = now + Duration::hours(SESSION_TTL_HOURS);
    exec_tx!(tx, c => sqlx::query(
        "INSERT INTO sessions (id, user_id, token_hash, created_at, expires_at) VALUES ($1, $2, $3, $4, $5)")
        .bind(crate::new_id())
        .bind(user.id)
        .bind(token_hash(&token))
        .bind(now)
        .bind(expires_at)
        .execute(c)
        .await)?;
    Ok(LoginResult {
        token,
        expires_at,
        user: user.info(),
    })
}

pub(crate) async fn login(core: &Core, args: LoginArgs) -> Result<LoginResult, ApiError> {
    let now = core.now();
    let login = args.login.trim().to_lowercase();
    if login.len() > 256 || args.password.len() > 4 * MAX_PASSWORD_CHARS {
        return Err(ApiError::unauthenticated("wrong login or password"));
    }
    if let Some(wait) = core.logins.wait(&login, now) {
        return Err(ApiError::RateLimited {
            retry_after_secs: u32::try_from(wait).unwrap_or(u32::MAX),
            message: format!("too many wrong passwords for this login; try again in {wait} s"),
        });
    }
    let user = {
        let mut tx = core.db.read().await?;
        let user = user_by_login(&mut tx, &login).await?;
        tx.commit().await?;
        user
    };
    // The hash takes ~19 MiB and tens of milliseconds: off the async workers, and outside
    // any write transaction so a login never holds SQLite's write lock. An unknown login is
    // checked against a real hash too, so timing does not tell which logins exist.
    let hash = user
        .as_ref()
        .map(|u| u.password_hash.clone())
        .unwrap_or_else(|| dummy_hash().to_string());
    let password = args.password;
    let verified = tokio::task::spawn_blocking(move || verify_password(&password, &hash))
        .await
        .unwrap_or(false);
    let mut tx = core.db.write().await?;
    let Some(user) = user.filter(|u| verified && u.active) else {
        audit::append(
            &mut tx,
            None,
            now,
            Entry {
                operation: "login_failed",
                entity: "session",
                entity_id: None,
                before: None,
                after: audit::snapshot(&serde_json::json!({ "login": login })),
            },
        )
        .await?;
        tx.commit().await?;
        core.logins.failed(&login, now);
        return Err(ApiError::unauthenticated("wrong login or password"));
    };
    core.logins.succeeded(&login);
    // Expired sessions of this user are cleared at each login.
    exec_tx!(&mut tx, c => sqlx::query("DELETE FROM sessions WHERE user_id = $1 AND expires_at < $2")
        .bind(user.id).bind(now).execute(c).await)?;
    let result = open_session(&mut tx, &user, now).await?;
    let who = Session {
        session_id: Uuid::nil(),
        user_id: user.id,
        login: user.login.clone(),
        role: user.role(),
        local: crate::centre::local(&mut tx).await?,
    };
    audit::append(
        &mut tx,
        Some(&who),
        now,
        Entry {
            operation: "login",
            entity: "session",
            entity_id: Some(user.id),
            before: None,
            after: None,
        },
    )
    .await?;
    tx.commit().await?;
    Ok(result)
}

pub(crate) async fn logout(core: &Core, session: &Session, _: NoArgs) -> Result<(), ApiError> {
    let now = core.now();
    let mut tx = core.db.write().await?;
    exec_tx!(&mut tx, c => sqlx::query("DELETE FROM sessions WHERE id = $1")
        .bind(session.session_id).execute(c).await)?;
    audit::append(
        &mut tx,
        Some(session),
        now,
        Entry {
            operation: "logout",
            entity: "session",
            entity_id: Some(session.user_id),
            before: None,
            after: None,
        },
    )
    .await?;
    tx.commit().await
}

pub(crate) async fn session_get(
    core: &Core,
    session: &Session,
    _: NoArgs,
) -> Result<UserInfo, ApiError> {
    let mut tx = core.db.read().await?;
    let user = user_by_login(&mut tx, &session.login)
        .await?
        .ok_or_else(|| ApiError::unauthenticated("the user no longer exists"))?;
    tx.commit().await?;
    Ok(user.info())
}

#[derive(sqlx::FromRow)]
struct SessionRow {
    id: Uuid,
    user_id: Uuid,
    expires_at: DateTime<Utc>,
    login: String,
    role: String,
    active: bool,
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

    /// Establishes the caller from a bearer token.
    pub async fn authenticate(&self, token: Option<&str>) -> Result<Session, ApiError> {
        let token = token
            .map(str::trim)
            .filter(|t| !t.is_empty())
            .ok_or_else(|| ApiError::unauthenticated("sign in first"))?;
        if token.len() > 128 {
            return Err(ApiError::unauthenticated("the session is not valid"));
        }
        // One statement: no transaction around it (every call pays for this lookup). The
        // centre's settings every read needs come with it.
        const SQL: &str = "SELECT s.id, s.user_id, s.expires_at, u.login, u.role, u.active, \
             ce.phone_country, ce.time_zone \
             FROM sessions s JOIN users u ON u.id = s.user_id LEFT JOIN centre ce ON TRUE \
             WHERE s.token_hash = $1";
        let hash = token_hash(token);
        let row = crate::on_pool!(&self.db, p => sqlx::query_as::<_, SessionRow>(SQL)
            .bind(hash)
            .fetch_optional(p)
            .await)?;
        let row = row.ok_or_else(|| ApiError::unauthenticated("the session is not valid"))?;
        if row.expires_at <= self.now() {
            return Err(ApiError::unauthenticated(
                "the session has expired; sign in again",
            ));
        }
        if !row.active {
            return Err(ApiError::unauthenticated("this login is disabled"));
        }
        Ok(Session {
            session_id: row.id,
            user_id: row.user_id,
            login: row.login,
            role: Role::parse(&row.role).unwrap_or(Role::Instructor),
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
