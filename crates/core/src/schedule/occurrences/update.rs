//! One-off changes to a class: cancel (with a reason) and restore, move (another start,
//! length or room, checked by the timetable's rules against that day's classes), and another
//! instructor this once. A held class is not changed: undo the hold first.

use chrono::{DateTime, Datelike, Duration, NaiveDateTime, Timelike, Utc};
use uuid::Uuid;

use super::{
    derive, one, Filter, Occurrence, OccurrenceChange, OccurrenceStatus, OccurrenceUpdateArgs,
};
use crate::audit::{self, Change};
use crate::auth::Session;
use crate::db::Tx;
use crate::error::{ApiError, Problems};
use crate::schedule::conflicts::{check, report, Placed};
use crate::schedule::context::Context;
use crate::schedule::recurrence::{self, original_key, parse_occurrence_id};
use crate::text::parse_text;
use crate::{exec_tx, Core};

/// Makes sure the class has a stored row (as the rule gives it) and returns nothing.
pub(crate) async fn ensure_row(
    tx: &mut Tx,
    o: &Occurrence,
    session: &Session,
    now: DateTime<Utc>,
) -> Result<(), ApiError> {
    let (slot, original) =
        parse_occurrence_id(&o.id).ok_or_else(|| ApiError::not_found("class"))?;
    exec_tx!(tx, c => sqlx::query(
        "INSERT INTO occurrences (slot_id, original, group_id, status, starts_at, ends_at, room_id, instructor_id, \
         substitute, reason, updated_at, updated_by, version) VALUES ($1, $2, $3, 'scheduled', $4, $5, $6, $7, $8, '', $9, $10, 1) \
         ON CONFLICT (slot_id, original) DO NOTHING")
        .bind(slot).bind(original_key(original)).bind(o.group.id).bind(o.starts_at).bind(o.ends_at)
        .bind(o.room.as_ref().map(|r| r.id)).bind(o.instructor.as_ref().map(|i| i.id)).bind(o.substitute)
        .bind(now).bind(session.user_id).execute(c).await)?;
    Ok(())
}

fn conflict() -> ApiError {
    ApiError::conflict("this class was changed by someone else; reload it and try again")
}

/// The day's other classes as the rules see them.
async fn check_move(
    tx: &mut Tx,
    session: &Session,
    o: &Occurrence,
    start: NaiveDateTime,
    end: NaiveDateTime,
    room: Option<Uuid>,
) -> Result<(), ApiError> {
    let tz = session.local.time_zone;
    let day = start.date();
    let ctx = Context::load(tx, day).await?;
    let others = derive(tx, tz, day, day, &Filter::default()).await?;
    let holidays = crate::schedule::holidays::between(tx, day, day).await?;
    let mut p = Problems::default();
    if let Some(h) = holidays.first() {
        p.add(
            "change.start",
            "holiday",
            format!("the centre is closed that day ({})", h.name),
        );
    }
    let group = ctx.groups.iter().find(|g| g.id == o.group.id);
    let mins = |t: NaiveDateTime| t.hour() * 60 + t.minute();
    let local = |t: DateTime<Utc>| t.with_timezone(&tz).naive_local();
    let placed: Vec<Placed> = others
        .iter()
        .filter(|x| x.id != o.id && x.status != OccurrenceStatus::Cancelled)
        .map(|x| Placed {
            group: x.group.id,
            label: &x.group.name,
            day: 0,
            weekday: 0,
            start: mins(local(x.starts_at)),
            end: mins(local(x.starts_at)) + (x.ends_at - x.starts_at).num_minutes() as u32,
            room: x.room.as_ref().map(|r| r.id),
            instructor: x.instructor.as_ref().map(|i| i.id),
            members: ctx.members_of(x.group.id),
            size: x.capacity,
            needs: &[],
        })
        .collect();
    let me = Placed {
        group: o.group.id,
        label: &o.group.name,
        day: 0,
        weekday: day.weekday().number_from_monday() as u8,
        start: mins(start),
        end: mins(start) + (end - start).num_minutes() as u32,
        room,
        instructor: o.instructor.as_ref().map(|i| i.id),
        members: ctx.members_of(o.group.id),
        size: group.map_or(o.capacity, |g| g.capacity),
        needs: ctx.needs(o.service.id),
    };
    let rooms = ctx.room_rules();
    report(
        &mut p,
        "change.start",
        &check(&me, &placed, &rooms, |id| ctx.availability(id)),
    );
    p.finish()
}

pub(crate) async fn occurrence_update(
    core: &Core,
    session: &Session,
    args: OccurrenceUpdateArgs,
) -> Result<Occurrence, ApiError> {
    let now = core.now();
    let tz = session.local.time_zone;
    let mut tx = core.db.write().await?;
    let before = one(&mut tx, tz, &args.id).await?;
    if before.version != args.version {
        return Err(conflict());
    }
    if before.status == OccurrenceStatus::Held {
        return Err(ApiError::conflict(
            "this class was held; undo that first to change it",
        ));
    }
    let (slot, original) =
        parse_occurrence_id(&args.id).ok_or_else(|| ApiError::not_found("class"))?;
    ensure_row(&mut tx, &before, session, now).await?;
    let mut p = Problems::default();
    let reason_of = |p: &mut Problems, r: &str| {
        p.take(parse_text("change.reason", r, 500))
            .unwrap_or_default()
    };
    let (status, starts_at, ends_at, room, instructor, substitute, reason) = match &args.change {
        OccurrenceChange::Cancel { reason } => {
            let r = reason_of(&mut p, reason);
            if r.is_empty() {
                p.add(
                    "change.reason",
                    "required",
                    "say why the class is cancelled",
                );
            }
            let room = before.room.as_ref().map(|r| r.id);
            (
                OccurrenceStatus::Cancelled,
                before.starts_at,
                before.ends_at,
                room,
                before.instructor.as_ref().map(|i| i.id),
                before.substitute,
                r,
            )
        }
        OccurrenceChange::Restore => {
            let room = before.room.as_ref().map(|r| r.id);
            (
                OccurrenceStatus::Scheduled,
                before.starts_at,
                before.ends_at,
                room,
                before.instructor.as_ref().map(|i| i.id),
                before.substitute,
                String::new(),
            )
        }
        OccurrenceChange::Move {
            start,
            duration_minutes,
            room_id,
            reason,
        } => {
            let r = reason_of(&mut p, reason);
            let parsed = recurrence::parse_original_key(start.trim());
            if parsed.is_none() {
                p.add(
                    "change.start",
                    "invalid",
                    "a local date and time as YYYY-MM-DDTHH:MM",
                );
            }
            let minutes = duration_minutes
                .map_or((before.ends_at - before.starts_at).num_minutes(), i64::from);
            if !(5..=24 * 60).contains(&minutes) {
                p.add(
                    "change.duration_minutes",
                    "out_of_range",
                    "from 5 minutes to 24 hours",
                );
            }
            std::mem::take(&mut p).finish()?;
            let start = parsed.unwrap_or(original);
            let end = start + Duration::minutes(minutes);
            let room = room_id.or(before.room.as_ref().map(|r| r.id));
            check_move(&mut tx, session, &before, start, end, room).await?;
            let at = recurrence::to_utc(tz, start);
            (
                before.status,
                at,
                at + Duration::minutes(minutes),
                room,
                before.instructor.as_ref().map(|i| i.id),
                before.substitute,
                r,
            )
        }
        OccurrenceChange::Substitute {
            instructor_id,
            reason,
        } => {
            let r = reason_of(&mut p, reason);
            let usual: Option<Uuid> = crate::on_tx!(&mut tx, c => sqlx::query_scalar(
                "SELECT COALESCE(s.instructor_id, g.instructor_id) FROM group_slots s JOIN class_groups g ON g.id = s.group_id WHERE s.id = $1")
                .bind(slot).fetch_one(c).await)?;
            let who = instructor_id.or(usual);
            if let Some(i) = instructor_id {
                let ok: Option<Uuid> = crate::on_tx!(&mut tx, c => sqlx::query_scalar("SELECT id FROM staff WHERE id = $1").bind(i).fetch_optional(c).await)?;
                if ok.is_none() {
                    p.add("change.instructor_id", "not_found", "no such instructor");
                }
            }
            std::mem::take(&mut p).finish()?;
            let start = before.starts_at.with_timezone(&tz).naive_local();
            let end = before.ends_at.with_timezone(&tz).naive_local();
            let moved = Occurrence {
                instructor: who.map(|id| crate::schedule::Named {
                    id,
                    name: String::new(),
                }),
                ..before.clone()
            };
            check_move(
                &mut tx,
                session,
                &moved,
                start,
                end,
                before.room.as_ref().map(|r| r.id),
            )
            .await?;
            let room = before.room.as_ref().map(|r| r.id);
            (
                before.status,
                before.starts_at,
                before.ends_at,
                room,
                who,
                who != usual,
                r,
            )
        }
    };
    p.finish()?;
    let n = exec_tx!(&mut tx, c => sqlx::query(
        "UPDATE occurrences SET status = $1, starts_at = $2, ends_at = $3, room_id = $4, instructor_id = $5, \
         substitute = $6, reason = $7, updated_at = $8, updated_by = $9, version = version + 1 \
         WHERE slot_id = $10 AND original = $11 AND status <> 'held' AND version = $12")
        .bind(status.as_str()).bind(starts_at).bind(ends_at).bind(room).bind(instructor).bind(substitute)
        .bind(&reason).bind(now).bind(session.user_id).bind(slot).bind(original_key(original))
        .bind(args.version.max(1)).execute(c).await)?;
    if n == 0 {
        return Err(conflict());
    }
    let after = one(&mut tx, tz, &args.id).await?;
    let c = Change {
        operation: "occurrence_update",
        entity: "occurrence",
        entity_id: Some(before.group.id),
        before: Some(&before),
        after: Some(&after),
    };
    audit::record(&mut tx, session, now, c).await?;
    tx.commit().await?;
    Ok(after)
}
