//! The audit log: every write appends who, when, which operation, and the record before and
//! after, inside the same transaction as the write itself.
//!
//! The log is also the change log. Rows wait in the transaction ([`Tx`]) and are written as
//! its last statements by [`flush`], under a lock held to the commit, so their sequence
//! numbers are the commit order with no gaps — a reader that has seen row N never later
//! finds a row below N. Each row carries a SHA-256 hash over its content and the previous
//! row's hash ([`chain`]); `audit_verify` finds the first row edited or removed since.

use chrono::{DateTime, DurationRound, Utc};
use serde::Serialize;
use uuid::Uuid;

use crate::auth::Session;
use crate::db::Tx;
use crate::error::ApiError;

pub mod chain;
mod view;
pub use view::*;

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

/// An audit row waiting in its transaction for [`flush`].
#[derive(Debug, Clone)]
pub(crate) struct Pending {
    pub id: Uuid,
    pub at: DateTime<Utc>,
    pub user_id: Option<Uuid>,
    pub operation: String,
    pub entity: String,
    pub entity_id: Option<Uuid>,
    pub before: Option<String>,
    pub after: Option<String>,
}

/// Adds a row to the transaction's audit log; it is written when the transaction commits.
pub async fn append(
    tx: &mut Tx,
    who: Option<&Session>,
    at: DateTime<Utc>,
    e: Entry<'_>,
) -> Result<(), ApiError> {
    tx.audit.push(Pending {
        id: crate::new_id(),
        // Both engines keep microseconds: the hash is over what reads back.
        at: at
            .duration_trunc(chrono::Duration::microseconds(1))
            .unwrap_or(at),
        user_id: who.map(|s| s.user_id),
        operation: e.operation.to_string(),
        entity: e.entity.to_string(),
        entity_id: e.entity_id,
        before: e.before,
        after: e.after,
    });
    Ok(())
}

/// Writes the transaction's pending rows, each chained to the one before. Called by
/// [`Tx::commit`] as the transaction's last work, so the lock it takes on PostgreSQL is held
/// only to the commit and never while the use case waits on other rows.
pub(crate) async fn flush(tx: &mut Tx) -> Result<(), ApiError> {
    if tx.audit.is_empty() {
        return Ok(());
    }
    let rows = std::mem::take(&mut tx.audit);
    let source = tx.source;
    let (mut seq, mut prev) = chain::head(tx).await?;
    for r in &rows {
        seq += 1;
        let link = chain::Link::pending(seq, r, source);
        let hash = link.hash(&prev);
        chain::insert(tx, &link, &hash).await?;
        prev = hash;
    }
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
