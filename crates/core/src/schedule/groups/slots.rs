//! A group's slots over time: unchanged ones stay, changed ones close the day before the
//! change (or go, if they never started), new ones open on it.

use chrono::{DateTime, Duration, NaiveDate, Utc};
use uuid::Uuid;

use super::write::NewSlot;
use crate::db::Tx;
use crate::error::ApiError;
use crate::{exec_tx, on_tx};

/// A live slot: id, rule, start, length, room, instructor, first day.
type Current = (
    Uuid,
    String,
    String,
    i32,
    Option<Uuid>,
    Option<Uuid>,
    NaiveDate,
);

/// Makes `slots` the group's slots from `from` on: unchanged ones stay, the rest close the
/// day before (or go, if they never started), new ones open on `from`.
pub(crate) async fn replace_slots(
    tx: &mut Tx,
    group: Uuid,
    slots: &[NewSlot],
    from: NaiveDate,
    now: DateTime<Utc>,
) -> Result<(), ApiError> {
    let current: Vec<Current> = on_tx!(tx, c => sqlx::query_as(
        "SELECT id, rule, start_time, duration_minutes, room_id, instructor_id, valid_from FROM group_slots \
         WHERE group_id = $1 AND (valid_until IS NULL OR valid_until >= $2)")
        .bind(group).bind(from).fetch_all(c).await)?;
    let mut kept: Vec<usize> = Vec::new();
    for (id, rule, start, duration, room, instructor, valid_from) in current {
        let same = slots.iter().enumerate().position(|(i, s)| {
            !kept.contains(&i)
                && s.rule == rule
                && s.start == start
                && s.duration as i32 == duration
                && s.room == room
                && s.instructor == instructor
        });
        if let Some(i) = same {
            kept.push(i);
            exec_tx!(tx, c => sqlx::query("UPDATE group_slots SET locked = $1 WHERE id = $2")
                .bind(slots[i].locked).bind(id).execute(c).await)?;
            continue;
        }
        let used: i64 = on_tx!(tx, c => sqlx::query_scalar(
            "SELECT (SELECT COUNT(*) FROM occurrences WHERE slot_id = $1) + (SELECT COUNT(*) FROM attendance WHERE slot_id = $1)")
            .bind(id).fetch_one(c).await)?;
        if valid_from >= from && used == 0 {
            exec_tx!(tx, c => sqlx::query("DELETE FROM group_slots WHERE id = $1").bind(id).execute(c).await)?;
        } else {
            let until = (from - Duration::days(1)).max(valid_from - Duration::days(1));
            exec_tx!(tx, c => sqlx::query("UPDATE group_slots SET valid_until = $1 WHERE id = $2")
                .bind(until).bind(id).execute(c).await)?;
        }
    }
    for (_, s) in slots.iter().enumerate().filter(|(i, _)| !kept.contains(i)) {
        exec_tx!(tx, c => sqlx::query(
            "INSERT INTO group_slots (id, group_id, rule, start_time, duration_minutes, room_id, instructor_id, \
             locked, valid_from, valid_until, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, NULL, $10)")
            .bind(crate::new_id()).bind(group).bind(&s.rule).bind(&s.start).bind(s.duration as i32)
            .bind(s.room).bind(s.instructor).bind(s.locked).bind(from).bind(now)
            .execute(c).await)?;
    }
    Ok(())
}
