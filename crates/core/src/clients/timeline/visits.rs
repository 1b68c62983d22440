//! Visits on a client's timeline: written when a class is held, each tied to its attendance
//! row, so an undone hold takes them away again.

use chrono::{DateTime, Utc};
use uuid::Uuid;

use super::TimelineEvent;
use crate::db::Tx;
use crate::error::ApiError;
use crate::exec_tx;

/// A visit on a client's timeline, tied to its attendance row.
pub(crate) async fn add_visit_event(
    tx: &mut Tx,
    client: Uuid,
    event: &TimelineEvent,
    attendance: Uuid,
    who: Option<Uuid>,
    at: DateTime<Utc>,
    now: DateTime<Utc>,
) -> Result<(), ApiError> {
    let json = serde_json::to_string(event).unwrap_or_default();
    exec_tx!(tx, c => sqlx::query(
        "INSERT INTO client_timeline (id, client_id, kind, channel, at, title, body, event, created_at, created_by, updated_at, attendance_id) \
         VALUES ($1, $2, 'note', NULL, $3, '', '', $4, $5, $6, $5, $7)")
        .bind(crate::new_id()).bind(client).bind(at).bind(json).bind(now).bind(who).bind(attendance)
        .execute(c).await)?;
    Ok(())
}

/// Takes away the visits of these attendance rows (an undone hold).
pub(crate) async fn remove_visit_events(tx: &mut Tx, attendance: &[Uuid]) -> Result<(), ApiError> {
    for id in attendance {
        exec_tx!(tx, c => sqlx::query("DELETE FROM client_timeline WHERE attendance_id = $1")
            .bind(id).execute(c).await)?;
    }
    Ok(())
}
