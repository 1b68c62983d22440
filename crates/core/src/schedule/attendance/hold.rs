//! Holding a class: in one transaction each client who came pays — a trial nothing, a
//! make-up with an excused absence's credit, anyone else one visit (or the group's price in
//! visits) from the pass that ends first — and an excused absence earns a make-up. A client
//! with no valid pass is never dropped: the visit is recorded to settle at the desk (or, if
//! the centre says so, the hold is refused naming them). Undone on the same day, every visit
//! goes back.

use chrono::{DateTime, Duration, Utc};
use uuid::Uuid;

use super::mark::lock_open;
use super::oplog::{claim, finish, Claim};
use super::writeoff::{choose, give_back, take};
use super::{AttendanceStatus, ClassHoldArgs, HoldResult, VisitKind, WriteOff};
use crate::audit::{self, Change};
use crate::auth::Session;
use crate::clients::timeline::{add_visit_event, remove_visit_events, TimelineEvent};
use crate::db::Tx;
use crate::error::{ApiError, Problems};
use crate::schedule::occurrences::{one, Occurrence, OccurrenceStatus};
use crate::schedule::pay::refuse_if_paid;
use crate::schedule::recurrence::{original_key, parse_occurrence_id};
use crate::schedule::Named;
use crate::{exec_tx, on_tx, Core};

#[derive(sqlx::FromRow)]
struct Mark {
    id: Uuid,
    client_id: Uuid,
    name: String,
    status: String,
    kind: String,
}

pub(crate) struct Settings {
    pub refuse_without_pass: bool,
    pub makeup_days: i64,
}

pub(crate) async fn settings(tx: &mut Tx) -> Result<Settings, ApiError> {
    let (no_pass, days): (String, i32) = on_tx!(tx, c => sqlx::query_as(
        "SELECT no_pass, makeup_days FROM schedule_settings WHERE id = 1").fetch_one(c).await)?;
    Ok(Settings {
        refuse_without_pass: no_pass == "refuse",
        makeup_days: i64::from(days),
    })
}

async fn write_off(
    tx: &mut Tx,
    o: &Occurrence,
    m: &Mark,
    price: u32,
    session: &Session,
    now: DateTime<Utc>,
) -> Result<WriteOff, ApiError> {
    let day = o.original.date();
    let mut kind = VisitKind::parse(&m.kind);
    let mut w = WriteOff {
        client: Named {
            id: m.client_id,
            name: m.name.clone(),
        },
        kind,
        pass: None,
        visits: 0,
        to_settle: false,
        makeup_used: false,
    };
    if kind == VisitKind::Makeup {
        let credit: Option<Uuid> = on_tx!(tx, c => sqlx::query_scalar(
            "SELECT id FROM makeups WHERE client_id = $1 AND used_by IS NULL AND expires_on >= $2 ORDER BY expires_on, id LIMIT 1")
            .bind(m.client_id).bind(day).fetch_optional(c).await)?;
        match credit {
            Some(credit) => {
                exec_tx!(tx, c => sqlx::query("UPDATE makeups SET used_by = $1 WHERE id = $2 AND used_by IS NULL")
                    .bind(m.id).bind(credit).execute(c).await)?;
                w.makeup_used = true;
            }
            None => kind = VisitKind::WalkIn,
        }
    }
    if kind != VisitKind::Trial && !w.makeup_used {
        // Another hold may take the same visits between choosing and taking: choose again.
        for _ in 0..3 {
            let Some(choice) = choose(tx, m.client_id, o.service.id, day, price).await? else {
                break;
            };
            if take(tx, &choice, price, day, now).await? {
                let mut pass = choice.info.clone();
                pass.visits_left = pass.visits_left.map(|v| v - price);
                w.pass = Some(pass);
                w.visits = price;
                break;
            }
        }
        w.to_settle = w.pass.is_none() && price > 0;
    }
    // The visits' value: the pass's price shared over its visits, fixed now (instructors' pay).
    exec_tx!(tx, c => sqlx::query(
        "UPDATE attendance SET membership_id = $1, visits = $2, to_settle = $3, value = COALESCE((\
         SELECT l.total * $2 / m.visits_total FROM memberships m JOIN invoice_lines l ON l.membership_id = m.id \
         WHERE m.id = $1 AND m.visits_total > 0 ORDER BY l.id LIMIT 1), 0) WHERE id = $4")
        .bind(w.pass.as_ref().map(|p| p.id)).bind(w.visits as i32).bind(w.to_settle).bind(m.id).execute(c).await)?;
    let event = TimelineEvent::Visit {
        group: o.group.name.clone(),
        service: o.service.name.clone(),
        starts_at: o.starts_at,
        late: m.status == "late",
        visits: w.visits,
        pass: w.pass.as_ref().map(|p| p.name.clone()),
        to_settle: w.to_settle,
        trial: kind == VisitKind::Trial,
        makeup: w.makeup_used,
    };
    add_visit_event(
        tx,
        m.client_id,
        &event,
        m.id,
        Some(session.user_id),
        o.starts_at,
        now,
    )
    .await?;
    Ok(w)
}

/// Holds a class in the caller's transaction (no audit row: the caller's).
pub(crate) async fn hold(
    tx: &mut Tx,
    session: &Session,
    o: &Occurrence,
    now: DateTime<Utc>,
) -> Result<HoldResult, ApiError> {
    lock_open(tx, o, session, now).await?;
    let (slot, original) =
        parse_occurrence_id(&o.id).ok_or_else(|| ApiError::not_found("class"))?;
    let key = original_key(original);
    let n = exec_tx!(tx, c => sqlx::query(
        "UPDATE occurrences SET status = 'held', held_at = $1, held_by = $2, instructor_id = $3, \
         updated_at = $1, updated_by = $2, version = version + 1 WHERE slot_id = $4 AND original = $5 AND status = 'scheduled'")
        .bind(now).bind(session.user_id).bind(o.instructor.as_ref().map(|i| i.id)).bind(slot).bind(&key)
        .execute(c).await)?;
    if n == 0 {
        return Err(ApiError::conflict(
            "this class was cancelled or held a moment ago; reload it",
        ));
    }
    let s = settings(tx).await?;
    let price: i32 = on_tx!(tx, c => sqlx::query_scalar("SELECT price_visits FROM class_groups WHERE id = $1")
        .bind(o.group.id).fetch_one(c).await)?;
    let price = u32::try_from(price).unwrap_or(1);
    let marks: Vec<Mark> = on_tx!(tx, c => sqlx::query_as(
        "SELECT a.id, a.client_id, c.name, a.status, a.kind FROM attendance a JOIN clients c ON c.id = a.client_id \
         WHERE a.slot_id = $1 AND a.original = $2 ORDER BY c.name, a.id")
        .bind(slot).bind(&key).fetch_all(c).await)?;
    let mut visits = Vec::new();
    let mut makeups_earned = 0;
    let mut p = Problems::default();
    for m in &marks {
        let status = AttendanceStatus::parse(&m.status);
        if status.came() {
            let w = write_off(tx, o, m, price, session, now).await?;
            if w.to_settle && s.refuse_without_pass {
                p.add(
                    format!("clients.{}", m.client_id),
                    "no_pass",
                    format!("{} has no valid pass for this class", m.name),
                );
            }
            visits.push(w);
        } else if status == AttendanceStatus::Excused
            && s.makeup_days > 0
            && VisitKind::parse(&m.kind) == VisitKind::Member
        {
            exec_tx!(tx, c => sqlx::query(
                "INSERT INTO makeups (id, client_id, group_id, earned_by, expires_on, used_by, created_at) \
                 VALUES ($1, $2, $3, $4, $5, NULL, $6) ON CONFLICT (earned_by) DO NOTHING")
                .bind(crate::new_id()).bind(m.client_id).bind(o.group.id).bind(m.id)
                .bind(original.date() + Duration::days(s.makeup_days)).bind(now).execute(c).await)?;
            makeups_earned += 1;
        }
    }
    p.finish()?;
    Ok(HoldResult {
        occurrence_id: o.id.clone(),
        held: true,
        at: now,
        visits,
        makeups_earned,
    })
}

pub(crate) async fn class_hold(
    core: &Core,
    session: &Session,
    args: ClassHoldArgs,
) -> Result<HoldResult, ApiError> {
    let now = core.now();
    let tz = session.local.time_zone;
    let mut tx = core.db.write().await?;
    if let Claim::Done(r) = claim(&mut tx, args.op_id, "class_hold", session, now).await? {
        return Ok(r);
    }
    let o = one(&mut tx, tz, &args.occurrence_id).await?;
    let result = hold(&mut tx, session, &o, now).await?;
    let c = Change {
        operation: "class_hold",
        entity: "occurrence",
        entity_id: Some(o.group.id),
        before: None,
        after: Some(&result),
    };
    audit::record(&mut tx, session, now, c).await?;
    finish(&mut tx, args.op_id, &result).await?;
    tx.commit().await?;
    Ok(result)
}

pub(crate) async fn class_hold_undo(
    core: &Core,
    session: &Session,
    args: ClassHoldArgs,
) -> Result<HoldResult, ApiError> {
    let now = core.now();
    let tz = session.local.time_zone;
    let mut tx = core.db.write().await?;
    if let Claim::Done(r) = claim(&mut tx, args.op_id, "class_hold_undo", session, now).await? {
        return Ok(r);
    }
    let o = one(&mut tx, tz, &args.occurrence_id).await?;
    let (slot, original) =
        parse_occurrence_id(&o.id).ok_or_else(|| ApiError::not_found("class"))?;
    let key = original_key(original);
    let held_at: Option<DateTime<Utc>> = on_tx!(&mut tx, c => sqlx::query_scalar(
        "SELECT held_at FROM occurrences WHERE slot_id = $1 AND original = $2 AND status = 'held'")
        .bind(slot).bind(&key).fetch_optional(c).await)?
    .flatten();
    let Some(held_at) = held_at.filter(|_| o.status == OccurrenceStatus::Held) else {
        return Err(ApiError::conflict("this class is not held"));
    };
    if session.local_date(held_at) != session.local_date(now) {
        return Err(ApiError::field(
            "occurrence_id",
            "too_late",
            "a hold can be undone on its own day only",
        ));
    }
    refuse_if_paid(&mut tx, session.local_date(o.starts_at)).await?;
    let rows: Vec<(Uuid, Uuid, String, Option<Uuid>, i32, String)> = on_tx!(&mut tx, c => sqlx::query_as(
        "SELECT a.id, a.client_id, c.name, a.membership_id, a.visits, a.kind FROM attendance a \
         JOIN clients c ON c.id = a.client_id WHERE a.slot_id = $1 AND a.original = $2")
        .bind(slot).bind(&key).fetch_all(c).await)?;
    let mut visits = Vec::new();
    for (id, client, name, membership, n, kind) in &rows {
        if let Some(m) = membership {
            give_back(&mut tx, *m, u32::try_from(*n).unwrap_or(0)).await?;
        }
        exec_tx!(&mut tx, c => sqlx::query("UPDATE makeups SET used_by = NULL WHERE used_by = $1").bind(id).execute(c).await)?;
        exec_tx!(&mut tx, c => sqlx::query("DELETE FROM makeups WHERE earned_by = $1 AND used_by IS NULL").bind(id).execute(c).await)?;
        visits.push(WriteOff {
            client: Named {
                id: *client,
                name: name.clone(),
            },
            kind: VisitKind::parse(kind),
            pass: None,
            visits: u32::try_from(*n).unwrap_or(0),
            to_settle: false,
            makeup_used: false,
        });
    }
    let ids: Vec<Uuid> = rows.iter().map(|r| r.0).collect();
    remove_visit_events(&mut tx, &ids).await?;
    exec_tx!(&mut tx, c => sqlx::query(
        "UPDATE attendance SET membership_id = NULL, visits = 0, value = 0, to_settle = $3 WHERE slot_id = $1 AND original = $2")
        .bind(slot).bind(&key).bind(false).execute(c).await)?;
    let n = exec_tx!(&mut tx, c => sqlx::query(
        "UPDATE occurrences SET status = 'scheduled', held_at = NULL, held_by = NULL, updated_at = $1, updated_by = $2, \
         version = version + 1 WHERE slot_id = $3 AND original = $4 AND status = 'held'")
        .bind(now).bind(session.user_id).bind(slot).bind(&key).execute(c).await)?;
    if n == 0 {
        return Err(ApiError::conflict(
            "this class was changed a moment ago; reload it",
        ));
    }
    let result = HoldResult {
        occurrence_id: o.id.clone(),
        held: false,
        at: now,
        visits,
        makeups_earned: 0,
    };
    let c = Change {
        operation: "class_hold_undo",
        entity: "occurrence",
        entity_id: Some(o.group.id),
        before: None,
        after: Some(&result),
    };
    audit::record(&mut tx, session, now, c).await?;
    finish(&mut tx, args.op_id, &result).await?;
    tx.commit().await?;
    Ok(result)
}
