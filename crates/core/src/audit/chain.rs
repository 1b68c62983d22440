//! The hash chain over the audit log.
//!
//! Row N's hash is SHA-256 over row N−1's hash and every column of row N (as JSON, so no two
//! different rows encode alike). Changing a row breaks its own link; deleting one leaves a gap
//! in the sequence and breaks the next link; rewriting a row's hash breaks the next row's.
//! Only someone who rewrites every row from the change to the end goes unseen — which is why
//! backups and `audit_mark_reviewed` keep copies of the head elsewhere.

use chrono::{DateTime, SecondsFormat, Utc};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use specta::Type;
use uuid::Uuid;

use super::Pending;
use crate::changes::Source;
use crate::db::{Db, Tx};
use crate::error::ApiError;
use crate::{exec_tx, on_tx};

/// The key of PostgreSQL's transaction-scoped advisory lock that orders writers of the log.
const CHAIN_LOCK: i64 = 0x4841_4c4c_0001;

/// One row of the log as the hash covers it.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Link {
    pub seq: i64,
    pub id: Uuid,
    pub at: DateTime<Utc>,
    pub user_id: Option<Uuid>,
    pub operation: String,
    pub entity: String,
    pub entity_id: Option<Uuid>,
    pub source: String,
    pub before: Option<String>,
    pub after: Option<String>,
}

impl Link {
    pub(crate) fn pending(seq: i64, p: &Pending, source: Source) -> Link {
        Link {
            seq,
            id: p.id,
            at: p.at,
            user_id: p.user_id,
            operation: p.operation.clone(),
            entity: p.entity.clone(),
            entity_id: p.entity_id,
            source: source.as_str().to_string(),
            before: p.before.clone(),
            after: p.after.clone(),
        }
    }

    /// This row's hash, chained to `prev` (the previous row's hash, empty for the first).
    pub fn hash(&self, prev: &str) -> String {
        let canonical = serde_json::json!([
            prev,
            self.seq,
            self.id,
            self.at.to_rfc3339_opts(SecondsFormat::Micros, true),
            self.user_id,
            self.operation,
            self.entity,
            self.entity_id,
            self.source,
            self.before,
            self.after,
        ]);
        let digest = Sha256::digest(canonical.to_string().as_bytes());
        format!("{digest:x}")
    }
}

const LINK_COLUMNS: &str =
    "seq, id, at, user_id, operation, entity, entity_id, source, before, after";

/// The last row's number and hash, after taking the writers' lock (on SQLite the write
/// transaction already holds the database's).
pub async fn head(tx: &mut Tx) -> Result<(i64, String), ApiError> {
    if tx.is_postgres() {
        exec_tx!(tx, c => sqlx::query("SELECT pg_advisory_xact_lock($1)")
            .bind(CHAIN_LOCK)
            .execute(c)
            .await)?;
    }
    match last_row(tx).await? {
        None => Ok((0, String::new())),
        Some((seq, Some(hash))) => Ok((seq, hash)),
        // Rows written before the chain that were not sealed at start: sealed now, in this
        // transaction, so the new row never chains to nothing.
        Some((_, None)) => {
            seal_in(tx).await?;
            let row = last_row(tx).await?;
            Ok(row.map_or((0, String::new()), |(seq, hash)| {
                (seq, hash.unwrap_or_default())
            }))
        }
    }
}

async fn last_row(tx: &mut Tx) -> Result<Option<(i64, Option<String>)>, ApiError> {
    Ok(on_tx!(tx, c => sqlx::query_as(
        "SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1")
        .fetch_optional(c)
        .await)?)
}

pub(crate) async fn insert(tx: &mut Tx, l: &Link, hash: &str) -> Result<(), ApiError> {
    exec_tx!(tx, c => sqlx::query(
        "INSERT INTO audit_log (seq, id, at, user_id, operation, entity, entity_id, source, before, after, hash) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)")
        .bind(l.seq)
        .bind(l.id)
        .bind(l.at)
        .bind(l.user_id)
        .bind(&l.operation)
        .bind(&l.entity)
        .bind(l.entity_id)
        .bind(&l.source)
        .bind(&l.before)
        .bind(&l.after)
        .bind(hash)
        .execute(c)
        .await)?;
    Ok(())
}

/// Rows after `after`, in order, with their stored hashes.
async fn rows_after(
    tx: &mut Tx,
    after: i64,
    limit: i64,
) -> Result<Vec<(Link, Option<String>)>, ApiError> {
    #[derive(sqlx::FromRow)]
    struct Row {
        #[sqlx(flatten)]
        link: Link,
        hash: Option<String>,
    }
    let sql =
        format!("SELECT {LINK_COLUMNS}, hash FROM audit_log WHERE seq > $1 ORDER BY seq LIMIT $2");
    let rows: Vec<Row> = on_tx!(tx, c => sqlx::query_as(&sql)
        .bind(after)
        .bind(limit)
        .fetch_all(c)
        .await)?;
    Ok(rows.into_iter().map(|r| (r.link, r.hash)).collect())
}

async fn hash_of(tx: &mut Tx, seq: i64) -> Result<String, ApiError> {
    let hash: Option<Option<String>> = on_tx!(tx, c => sqlx::query_scalar(
        "SELECT hash FROM audit_log WHERE seq = $1")
        .bind(seq)
        .fetch_optional(c)
        .await)?;
    Ok(hash.flatten().unwrap_or_default())
}

/// Hashes the rows written before the chain existed (once, when the database is opened).
pub async fn seal(db: &Db) -> Result<u64, ApiError> {
    let mut tx = db.write().await?;
    let sealed = seal_in(&mut tx).await?;
    tx.commit().await?;
    Ok(sealed)
}

/// [`seal`] inside a transaction that holds the writers' lock.
async fn seal_in(tx: &mut Tx) -> Result<u64, ApiError> {
    let first: Option<i64> = on_tx!(tx, c => sqlx::query_scalar(
        "SELECT MIN(seq) FROM audit_log WHERE hash IS NULL")
        .fetch_one(c)
        .await)?;
    let Some(first) = first else {
        return Ok(0);
    };
    let mut prev = hash_of(tx, first - 1).await?;
    let mut after = first - 1;
    let mut sealed = 0;
    loop {
        let rows = rows_after(tx, after, 2000).await?;
        let Some(last) = rows.last() else { break };
        after = last.0.seq;
        for (link, _) in rows {
            let hash = link.hash(&prev);
            exec_tx!(&mut *tx, c => sqlx::query("UPDATE audit_log SET hash = $1 WHERE seq = $2")
                .bind(&hash)
                .bind(link.seq)
                .execute(c)
                .await)?;
            prev = hash;
            sealed += 1;
        }
    }
    Ok(sealed)
}

/// What `audit_verify` found.
#[derive(Debug, Clone, Serialize, Deserialize, Type, JsonSchema)]
pub struct AuditVerifyResult {
    /// True when every row is as it was written.
    pub intact: bool,
    pub rows_checked: i64,
    /// The last row's number: keep it (a review records it) to tell later if the log was cut.
    pub head_seq: i64,
    pub head_hash: String,
    pub first_broken: Option<BrokenLink>,
}

/// The first row whose link does not hold.
#[derive(Debug, Clone, Serialize, Deserialize, Type, JsonSchema)]
pub struct BrokenLink {
    /// The row's number (for a missing row: the number that should be there).
    pub seq: i64,
    pub id: Option<Uuid>,
    pub at: Option<DateTime<Utc>>,
    /// `changed` (the row is not what was written), `missing` (a row was removed),
    /// or `unsealed` (a row without a hash).
    pub problem: String,
    pub message: String,
}

/// Walks the whole chain from the first row.
pub async fn verify(db: &Db) -> Result<AuditVerifyResult, ApiError> {
    let mut tx = db.read().await?;
    let (mut prev, mut expected, mut checked) = (String::new(), 1_i64, 0_i64);
    let broken = 'walk: loop {
        let rows = rows_after(&mut tx, expected - 1, 5000).await?;
        if rows.is_empty() {
            break None;
        }
        for (link, stored) in rows {
            if link.seq != expected {
                break 'walk Some(BrokenLink {
                    seq: expected,
                    id: None,
                    at: None,
                    problem: "missing".into(),
                    message: format!(
                        "rows {expected} to {} were removed from the log",
                        link.seq - 1
                    ),
                });
            }
            let hash = link.hash(&prev);
            let problem = match stored {
                None => Some(("unsealed", "the row has no hash")),
                Some(h) if h != hash => Some((
                    "changed",
                    "the row is not what was written, or the one before it was rewritten",
                )),
                Some(_) => None,
            };
            if let Some((problem, message)) = problem {
                break 'walk Some(BrokenLink {
                    seq: link.seq,
                    id: Some(link.id),
                    at: Some(link.at),
                    problem: problem.into(),
                    message: message.into(),
                });
            }
            prev = hash;
            expected += 1;
            checked += 1;
        }
    };
    tx.commit().await?;
    Ok(AuditVerifyResult {
        intact: broken.is_none(),
        rows_checked: checked,
        head_seq: expected - 1,
        head_hash: prev,
        first_broken: broken,
    })
}
