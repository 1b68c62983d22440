//! Marking one client at one class. Each mark carries the caller's id and is applied once;
//! a mark on a class that was cancelled or held in the meantime is refused with the reason,
//! so the tablet can show it instead of losing it.

use uuid::Uuid;

use super::oplog::{claim, finish, Claim};
use super::{AttendanceMarkArgs, MarkResult, VisitKind};
use crate::audit::{self, Change};
use crate::auth::Session;
use crate::db::Tx;
use crate::error::ApiError;
use crate::schedule::groups::members::members_on;
use crate::schedule::occurrences::{ensure_row, one, Occurrence, OccurrenceStatus};
use crate::schedule::pay::refuse_if_paid;
use crate::schedule::recurrence::{original_key, parse_occurrence_id};
use crate::schedule::Named;
use crate::{exec_tx, on_tx, Core};

/// Locks a class that is still to be held against a hold or a cancel running at the same
/// time; refuses one that is not.
pub(crate) async fn lock_open(
    tx: &mut Tx,
    o: &Occurrence,
    session: &Session,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<(), ApiError> {
    match o.status {
        OccurrenceStatus::Cancelled => {
            return Err(ApiError::conflict(format!(
                "this class was cancelled: {}",
                o.reason
            )));
        }
        OccurrenceStatus::Held => {
            return Err(ApiError::conflict(
                "this class was held already; undo the hold to change it",
            ));
        }
        OccurrenceStatus::Scheduled => {}
    }
    refuse_if_paid(tx, session.local_date(o.starts_at)).await?;
    ensure_row(tx, o, session, now).await?;
    let (slot, original) =
        parse_occurrence_id(&o.id).ok_or_else(|| ApiError::not_found("class"))?;
    let n = exec_tx!(tx, c => sqlx::query(
        "UPDATE occurrences SET updated_at = updated_at WHERE slot_id = $1 AND original = $2 AND status = 'scheduled'")
        .bind(slot).bind(original_key(original)).execute(c).await)?;
    if n == 0 {
        return Err(ApiError::conflict(
            "this class was cancelled or held a moment ago; reload it",
        ));
    }
    Ok(())
}

/// Marks one client in the caller's transaction (no audit row: the caller's).
pub(crate) async fn mark_in(
    tx: &mut Tx,
    session: &Session,
    o: &Occurrence,
    args: &AttendanceMarkArgs,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<(Uuid, MarkResult), ApiError> {
    lock_open(tx, o, session, now).await?;
    let (slot, original) =
        parse_occurrence_id(&o.id).ok_or_else(|| ApiError::not_found("class"))?;
    let day = original.date();
    let name: Option<String> = on_tx!(tx, c => sqlx::query_scalar("SELECT name FROM clients WHERE id = $1")
        .bind(args.client_id).fetch_optional(c).await)?;
    let name = name.ok_or_else(|| ApiError::field("client_id", "not_found", "no such client"))?;
    let member = members_on(tx, o.group.id, day, false)
        .await?
        .iter()
        .any(|m| m.client.id == args.client_id);
    let existing: Option<(Uuid, String)> = on_tx!(tx, c => sqlx::query_as(
        "SELECT id, kind FROM attendance WHERE slot_id = $1 AND original = $2 AND client_id = $3")
        .bind(slot).bind(original_key(original)).bind(args.client_id).fetch_optional(c).await)?;
    let kind = args.kind.unwrap_or_else(|| match &existing {
        Some((_, k)) => VisitKind::parse(k),
        None if member => VisitKind::Member,
        None => VisitKind::WalkIn,
    });
    if kind == VisitKind::Member && !member {
        return Err(ApiError::field(
            "kind",
            "not_member",
            "not a member of this group on that day: mark a walk-in, trial or make-up",
        ));
    }
    let id = match existing {
        Some((id, _)) => {
            exec_tx!(tx, c => sqlx::query(
                "UPDATE attendance SET status = $1, kind = $2, marked_at = $3, marked_by = $4, version = version + 1 WHERE id = $5")
                .bind(args.status.as_str()).bind(kind.as_str()).bind(now).bind(session.user_id).bind(id).execute(c).await)?;
            id
        }
        None => {
            let id = crate::new_id();
            exec_tx!(tx, c => sqlx::query(
                "INSERT INTO attendance (id, slot_id, original, group_id, client_id, status, kind, membership_id, visits, \
                 to_settle, day, marked_at, marked_by, version) VALUES ($1, $2, $3, $4, $5, $6, $7, NULL, 0, $8, $9, $10, $11, 1)")
                .bind(id).bind(slot).bind(original_key(original)).bind(o.group.id).bind(args.client_id)
                .bind(args.status.as_str()).bind(kind.as_str()).bind(false).bind(day).bind(now).bind(session.user_id)
                .execute(c).await)?;
            id
        }
    };
    let result = MarkResult {
        occurrence_id: o.id.clone(),
        client: Named {
            id: args.client_id,
            name,
        },
        status: args.status,
        kind,
        marked_at: now,
    };
    Ok((id, result))
}

pub(crate) async fn attendance_mark(
    core: &Core,
    session: &Session,
    args: AttendanceMarkArgs,
) -> Result<MarkResult, ApiError> {
    let now = core.now();
    let tz = session.local.time_zone;
    let mut tx = core.db.write().await?;
    if let Claim::Done(r) = claim(&mut tx, args.op_id, "attendance_mark", session, now).await? {
        return Ok(r);
    }
    let o = one(&mut tx, tz, &args.occurrence_id).await?;
    let (id, result) = mark_in(&mut tx, session, &o, &args, now).await?;
    let c = Change {
        operation: "attendance_mark",
        entity: "attendance",
        entity_id: Some(id),
        before: None,
        after: Some(&result),
    };
    audit::record(&mut tx, session, now, c).await?;
    finish(&mut tx, args.op_id, &result).await?;
    tx.commit().await?;
    Ok(result)
}
