//! One's own sessions: where and when one is signed in, and "sign out everywhere".

use chrono::{DateTime, Utc};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use specta::Type;
use uuid::Uuid;

use super::{NoArgs, Session};
use crate::audit::{self, Entry};
use crate::error::ApiError;
use crate::{exec_tx, on_tx, Core};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type, JsonSchema)]
pub struct SessionInfo {
    pub id: Uuid,
    pub created_at: DateTime<Utc>,
    pub last_seen_at: Option<DateTime<Utc>>,
    pub expires_at: DateTime<Utc>,
    /// The app or browser, as it named itself at sign-in.
    pub device: String,
    /// The network address it signed in from (empty in the app on this device).
    pub address: String,
    /// The session making this request.
    pub current: bool,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, Type, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SessionsRevokeArgs {
    /// One of the caller's sessions to end.
    #[serde(default)]
    pub session_id: Option<Uuid>,
    /// End every session of the caller's, this one included ("sign out everywhere").
    #[serde(default)]
    pub everywhere: bool,
}

#[derive(Debug, Clone, Serialize, Deserialize, Type, JsonSchema)]
pub struct SessionsRevoked {
    /// How many sessions ended.
    pub ended: u64,
}

/// id, created, last seen, expires, device, address.
type SessionRow = (
    Uuid,
    DateTime<Utc>,
    Option<DateTime<Utc>>,
    DateTime<Utc>,
    String,
    String,
);

pub(crate) async fn sessions_list(
    core: &Core,
    session: &Session,
    _: NoArgs,
) -> Result<Vec<SessionInfo>, ApiError> {
    let now = core.now();
    let mut tx = core.db.read().await?;
    let rows: Vec<SessionRow> = on_tx!(&mut tx, c => sqlx::query_as(
            "SELECT id, created_at, last_seen_at, expires_at, device, address FROM sessions \
             WHERE user_id = $1 AND expires_at > $2 ORDER BY COALESCE(last_seen_at, created_at) DESC, id")
            .bind(session.user_id)
            .bind(now)
            .fetch_all(c)
            .await)?;
    tx.commit().await?;
    Ok(rows
        .into_iter()
        .map(
            |(id, created_at, last_seen_at, expires_at, device, address)| SessionInfo {
                current: id == session.session_id,
                id,
                created_at,
                last_seen_at,
                expires_at,
                device,
                address,
            },
        )
        .collect())
}

/// Ends one of the caller's sessions or all of them; returns how many ended.
pub(crate) async fn sessions_revoke(
    core: &Core,
    session: &Session,
    args: SessionsRevokeArgs,
) -> Result<SessionsRevoked, ApiError> {
    let ended = match (args.session_id, args.everywhere) {
        (None, false) | (Some(_), true) => {
            return Err(ApiError::field(
                "session_id",
                "required",
                "name one session, or ask for everywhere",
            ))
        }
        (Some(id), false) => {
            let now = core.now();
            let mut tx = core.db.write().await?;
            let n = exec_tx!(&mut tx, c => sqlx::query("DELETE FROM sessions WHERE id = $1 AND user_id = $2")
                .bind(id).bind(session.user_id).execute(c).await)?;
            if n == 0 {
                return Err(ApiError::not_found("session"));
            }
            note(&mut tx, session, now, n, false).await?;
            tx.commit().await?;
            n
        }
        (None, true) => {
            let now = core.now();
            let mut tx = core.db.write().await?;
            let n = exec_tx!(&mut tx, c => sqlx::query("DELETE FROM sessions WHERE user_id = $1")
                .bind(session.user_id).execute(c).await)?;
            note(&mut tx, session, now, n, true).await?;
            tx.commit().await?;
            n
        }
    };
    Ok(SessionsRevoked { ended })
}

async fn note(
    tx: &mut crate::Tx,
    session: &Session,
    now: DateTime<Utc>,
    ended: u64,
    everywhere: bool,
) -> Result<(), ApiError> {
    let after = serde_json::json!({ "ended": ended, "everywhere": everywhere });
    audit::append(
        tx,
        Some(session),
        now,
        Entry {
            operation: "sessions_revoke",
            entity: "session",
            entity_id: Some(session.user_id),
            before: None,
            after: Some(after.to_string()),
        },
    )
    .await
}
