//! The audit log: every write appends who, when, which operation, and the record before and
//! after, inside the same transaction as the write itself.

use chrono::{DateTime, Utc};
use serde::Serialize;
use uuid::Uuid;

use crate::auth::Session;
use crate::db::Tx;
use crate::error::ApiError;
use crate::exec_tx;

pub struct Entry<'a> {
    pub operation: &'a str,
    pub entity: &'a str,
    pub entity_id: Option<Uuid>,
    pub before: Option<String>,
    pub after: Option<String>,
}

/// Serialises a record for the log.
pub fn snapshot<T: Serialize>(v: &T) -> Option<String> {
    serde_json::to_string(v).ok()
}

pub async fn append(
    tx: &mut Tx,
    who: Option<&Session>,
    at: DateTime<Utc>,
    e: Entry<'_>,
) -> Result<(), ApiError> {
    let user_id = who.map(|s| s.user_id);
    exec_tx!(tx, c => sqlx::query(
        "INSERT INTO audit_log (id, at, user_id, operation, entity, entity_id, before, after) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)")
        .bind(crate::new_id())
        .bind(at)
        .bind(user_id)
        .bind(e.operation)
        .bind(e.entity)
        .bind(e.entity_id)
        .bind(&e.before)
        .bind(&e.after)
        .execute(c)
        .await)?;
    Ok(())
}

/// One change of a record, for [`record`]: the record as it was and as it is, serialised.
pub struct Change<'a, T: Serialize> {
    pub operation: &'a str,
    pub entity: &'a str,
    pub entity_id: Option<Uuid>,
    pub before: Option<&'a T>,
    pub after: Option<&'a T>,
}

/// Appends a change made by `who` (the common case of [`append`]).
pub async fn record<T: Serialize>(
    tx: &mut Tx,
    who: &Session,
    at: DateTime<Utc>,
    c: Change<'_, T>,
) -> Result<(), ApiError> {
    append(
        tx,
        Some(who),
        at,
        Entry {
            operation: c.operation,
            entity: c.entity,
            entity_id: c.entity_id,
            before: c.before.and_then(snapshot),
            after: c.after.and_then(snapshot),
        },
    )
    .await
}
