//! Operations sent with the caller's own id (a tablet's outbox) are applied at most once.
//! The id is claimed first in the operation's transaction: a second sending waits for the
//! first to finish, then answers what the first answered. An operation that failed left no
//! claim, so sending it again tries again.

use chrono::{DateTime, Utc};
use serde::de::DeserializeOwned;
use serde::Serialize;
use uuid::Uuid;

use crate::auth::Session;
use crate::db::Tx;
use crate::error::ApiError;
use crate::{exec_tx, on_tx};

pub(crate) enum Claim<T> {
    /// First time: do the work, then [`finish`].
    New,
    /// Applied before: this is what it answered.
    Done(T),
}

pub(crate) async fn claim<T: DeserializeOwned>(
    tx: &mut Tx,
    op_id: Uuid,
    operation: &str,
    session: &Session,
    now: DateTime<Utc>,
) -> Result<Claim<T>, ApiError> {
    let n = exec_tx!(tx, c => sqlx::query(
        "INSERT INTO applied_ops (op_id, operation, result, user_id, applied_at) VALUES ($1, $2, '', $3, $4) \
         ON CONFLICT (op_id) DO NOTHING")
        .bind(op_id).bind(operation).bind(session.user_id).bind(now).execute(c).await)?;
    if n == 1 {
        return Ok(Claim::New);
    }
    let (op, result): (String, String) = on_tx!(tx, c => sqlx::query_as(
        "SELECT operation, result FROM applied_ops WHERE op_id = $1").bind(op_id).fetch_one(c).await)?;
    if op != operation {
        return Err(ApiError::field(
            "op_id",
            "reused",
            format!("this id was used for {op}"),
        ));
    }
    serde_json::from_str(&result)
        .map(Claim::Done)
        .map_err(|_| ApiError::Internal {
            message: "the stored answer of this operation could not be read".into(),
        })
}

pub(crate) async fn finish<T: Serialize>(
    tx: &mut Tx,
    op_id: Uuid,
    result: &T,
) -> Result<(), ApiError> {
    let json = serde_json::to_string(result).unwrap_or_default();
    exec_tx!(tx, c => sqlx::query("UPDATE applied_ops SET result = $1 WHERE op_id = $2")
        .bind(json).bind(op_id).execute(c).await)?;
    Ok(())
}
