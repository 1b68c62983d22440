//! Signing in and out.
//!
//! Passwords are argon2id hashes (the crate's defaults: m=19 MiB, t=2, p=1, OWASP's minimum).
//! A login returns an opaque random token; only its SHA-256 is stored, with an expiry. Wrong
//! passwords pause further tries for that login and, more leniently, from that address.

use chrono::{DateTime, Duration, Utc};
use uuid::Uuid;

use super::secrets::{dummy_hash, new_token, token_hash, verify_off_thread, MAX_PASSWORD_CHARS};
use super::{
    user_by_id, user_by_login, ClientMeta, LoginArgs, LoginResult, NoArgs, Session, UserInfo,
    UserRow, SESSION_TTL_HOURS,
};
use crate::audit::{self, Entry};
use crate::db::Tx;
use crate::error::ApiError;
use crate::{exec_tx, Core};

/// The longest device name kept with a session.
const MAX_DEVICE: usize = 120;

pub(crate) async fn open_session(
    tx: &mut Tx,
    user: &UserRow,
    now: DateTime<Utc>,
    meta: &ClientMeta,
) -> Result<LoginResult, ApiError> {
    let token = new_token();
    let expires_at = now + Duration::hours(SESSION_TTL_HOURS);
    let device: String = meta
        .device
        .as_deref()
        .unwrap_or("")
        .chars()
        .filter(|c| !c.is_control())
        .take(MAX_DEVICE)
        .collect();
    exec_tx!(tx, c => sqlx::query(
        "INSERT INTO sessions (id, user_id, token_hash, created_at, expires_at, last_seen_at, device, address) \
         VALUES ($1, $2, $3, $4, $5, $4, $6, $7)")
        .bind(crate::new_id())
        .bind(user.id)
        .bind(token_hash(&token))
        .bind(now)
        .bind(expires_at)
        .bind(device)
        .bind(meta.address.as_deref().unwrap_or(""))
        .execute(c)
        .await)?;
    Ok(LoginResult {
        token,
        expires_at,
        must_change_password: user.must_change_password,
        user: user.info(),
    })
}

fn paused(wait: i64, what: &str) -> ApiError {
    ApiError::RateLimited {
        retry_after_secs: u32::try_from(wait).unwrap_or(u32::MAX),
        message: format!("too many wrong passwords {what}; try again in {wait} s"),
    }
}

pub(crate) async fn login(core: &Core, args: LoginArgs) -> Result<LoginResult, ApiError> {
    let meta = ClientMeta {
        address: None,
        device: args.device.clone(),
    };
    login_from(core, args, meta).await
}

impl Core {
    /// `login`, told where the request comes from (the hub passes the peer's address).
    pub async fn login_from(
        &self,
        args: LoginArgs,
        meta: ClientMeta,
    ) -> Result<LoginResult, ApiError> {
        let result = login_from(self, args, meta).await;
        self.changed();
        result
    }
}

async fn login_from(
    core: &Core,
    args: LoginArgs,
    mut meta: ClientMeta,
) -> Result<LoginResult, ApiError> {
    let now = core.now();
    let login = args.login.trim().to_lowercase();
    if meta.device.is_none() {
        meta.device = args.device.clone();
    }
    if login.len() > 256 || args.password.len() > 4 * MAX_PASSWORD_CHARS {
        return Err(ApiError::unauthenticated("wrong login or password"));
    }
    if let Some(wait) = core.logins.wait(&login, now) {
        return Err(paused(wait, "for this login"));
    }
    if let Some(address) = &meta.address {
        if let Some(wait) = core.addresses.wait(address, now) {
            return Err(paused(wait, "from this device"));
        }
    }
    // The attempt counts before the password is checked, so many sent at once cannot all
    // slip past the pause; a right password takes it back.
    core.logins.failed(&login, now);
    if let Some(address) = &meta.address {
        core.addresses.failed(address, now);
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
    let verified = verify_off_thread(password, hash).await;
    let mut tx = core.db.write().await?;
    let Some(user) = user.filter(|u| verified && u.active) else {
        let attempt = serde_json::json!({ "login": login, "address": meta.address });
        audit::append(
            &mut tx,
            None,
            now,
            Entry {
                operation: "login_failed",
                entity: "session",
                entity_id: None,
                before: None,
                after: Some(attempt.to_string()),
            },
        )
        .await?;
        tx.commit().await?;
        return Err(ApiError::unauthenticated("wrong login or password"));
    };
    core.logins.succeeded(&login);
    if let Some(address) = &meta.address {
        core.addresses.forgive_one(address);
    }
    // Expired sessions of this user are cleared at each login.
    exec_tx!(&mut tx, c => sqlx::query("DELETE FROM sessions WHERE user_id = $1 AND expires_at < $2")
        .bind(user.id).bind(now).execute(c).await)?;
    let result = open_session(&mut tx, &user, now, &meta).await?;
    let who = Session::acting(
        user.id,
        &user.login,
        user.role(),
        crate::centre::local(&mut tx).await?,
    );
    let after = serde_json::json!({ "address": meta.address, "device": meta.device });
    audit::append(
        &mut tx,
        Some(&who),
        now,
        Entry {
            operation: "login",
            entity: "session",
            entity_id: Some(user.id),
            before: None,
            after: Some(after.to_string()),
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
    let user = user_by_id(&mut tx, session.user_id)
        .await?
        .ok_or_else(|| ApiError::unauthenticated("the user no longer exists"))?;
    tx.commit().await?;
    Ok(user.info())
}

/// Ends every session of a user but `keep` (a password changed or reset, a login disabled).
pub(crate) async fn end_sessions(
    tx: &mut Tx,
    user_id: Uuid,
    keep: Option<Uuid>,
) -> Result<u64, ApiError> {
    Ok(
        exec_tx!(tx, c => sqlx::query("DELETE FROM sessions WHERE user_id = $1 AND id <> $2")
        .bind(user_id)
        .bind(keep.unwrap_or_default())
        .execute(c)
        .await)?,
    )
}
