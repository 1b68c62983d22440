//! The change log as the feed reads it: the events after a sequence number, and the last one.

use super::{changed_fields, ChangeEvent, Source};
use crate::auth::UserRef;
use crate::db::Db;
use crate::error::ApiError;
use crate::on_pool;

#[derive(sqlx::FromRow)]
struct Row {
    seq: i64,
    at: chrono::DateTime<chrono::Utc>,
    entity: String,
    entity_id: Option<uuid::Uuid>,
    operation: String,
    user_id: Option<uuid::Uuid>,
    display_name: Option<String>,
    source: String,
    before: Option<String>,
    after: Option<String>,
}

impl Row {
    fn event(self) -> ChangeEvent {
        let fields = changed_fields(self.before.as_deref(), self.after.as_deref());
        ChangeEvent {
            seq: self.seq,
            at: self.at,
            entity: self.entity,
            entity_id: self.entity_id,
            operation: self.operation,
            author: self.user_id.map(|id| UserRef {
                id,
                name: self.display_name.unwrap_or_default(),
            }),
            source: Source::parse(&self.source),
            fields,
        }
    }
}

/// Events after `after`, oldest first, at most `limit`.
pub async fn read_after(db: &Db, after: i64, limit: i64) -> Result<Vec<ChangeEvent>, ApiError> {
    const SQL: &str = "SELECT a.seq, a.at, a.entity, a.entity_id, a.operation, a.user_id, \
         u.display_name, a.source, a.before, a.after \
         FROM audit_log a LEFT JOIN users u ON u.id = a.user_id \
         WHERE a.seq > $1 ORDER BY a.seq LIMIT $2";
    let rows: Vec<Row> = on_pool!(db, p => sqlx::query_as(SQL)
        .bind(after)
        .bind(limit)
        .fetch_all(p)
        .await)?;
    Ok(rows.into_iter().map(Row::event).collect())
}

/// The last sequence number in the log (0 when it is empty).
pub async fn head(db: &Db) -> Result<i64, ApiError> {
    let seq: Option<i64> = on_pool!(db, p => sqlx::query_scalar("SELECT MAX(seq) FROM audit_log")
        .fetch_one(p)
        .await)?;
    Ok(seq.unwrap_or(0))
}
