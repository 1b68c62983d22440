//! The attendance sheet of a class: its members on its day and anyone else marked, each with
//! their mark, the pass that pays (or paid), make-ups in hand and flags.

use std::collections::HashMap;

use chrono::{DateTime, NaiveDate, Utc};
use uuid::Uuid;

use super::writeoff::{choose, state};
use super::{
    AttendanceStatus, OccurrenceDetail, OccurrenceGetArgs, PassInfo, SheetLine, VisitKind,
};
use crate::auth::{Session, UserRef};
use crate::db::Tx;
use crate::error::ApiError;
use crate::money::flags::{flags_for, Reader, MAX_IDS};
use crate::on_tx;
use crate::schedule::groups::members::members_on;
use crate::schedule::occurrences::{one, Occurrence, OccurrenceStatus};
use crate::schedule::recurrence::{original_key, parse_occurrence_id};
use crate::schedule::Named;
use crate::Core;

/// When a class was held, by whom (id and name).
type Held = (Option<DateTime<Utc>>, Option<Uuid>, Option<String>);

#[derive(sqlx::FromRow)]
struct Mark {
    client_id: Uuid,
    client_name: String,
    status: String,
    kind: String,
    membership_id: Option<Uuid>,
    membership_name: Option<String>,
    visits_left: Option<i32>,
    ends_on: Option<NaiveDate>,
    visits: i32,
    to_settle: bool,
    marked_at: DateTime<Utc>,
    marked_by: Option<Uuid>,
    marked_name: Option<String>,
}

/// The sheet's lines: members by name, then others marked.
pub(crate) async fn sheet(
    tx: &mut Tx,
    session: &Session,
    today: NaiveDate,
    o: &Occurrence,
) -> Result<Vec<SheetLine>, ApiError> {
    let (slot, original) =
        parse_occurrence_id(&o.id).ok_or_else(|| ApiError::not_found("class"))?;
    let day = original.date();
    let members = members_on(tx, o.group.id, day, false).await?;
    let marks: Vec<Mark> = on_tx!(tx, c => sqlx::query_as(
        "SELECT a.client_id, c.name AS client_name, a.status, a.kind, a.membership_id, m.name AS membership_name, \
         m.visits_left, m.ends_on, a.visits, a.to_settle, a.marked_at, a.marked_by, u.display_name AS marked_name \
         FROM attendance a JOIN clients c ON c.id = a.client_id LEFT JOIN memberships m ON m.id = a.membership_id \
         LEFT JOIN users u ON u.id = a.marked_by WHERE a.slot_id = $1 AND a.original = $2 ORDER BY c.name, c.id")
        .bind(slot).bind(original_key(original)).fetch_all(c).await)?;
    let mut marks: HashMap<Uuid, Mark> = marks.into_iter().map(|m| (m.client_id, m)).collect();
    let mut people: Vec<(Named, bool)> = members.into_iter().map(|m| (m.client, true)).collect();
    let mut others: Vec<(Named, bool)> = marks
        .values()
        .filter(|m| !people.iter().any(|(p, _)| p.id == m.client_id))
        .map(|m| {
            (
                Named {
                    id: m.client_id,
                    name: m.client_name.clone(),
                },
                false,
            )
        })
        .collect();
    others.sort_by(|a, b| a.0.name.cmp(&b.0.name));
    people.extend(others);
    let ids: Vec<Uuid> = people.iter().map(|(p, _)| p.id).collect();
    let mut flags = HashMap::new();
    for chunk in ids.chunks(MAX_IDS) {
        for f in flags_for(tx, Some(chunk), today, Reader::of(session)).await? {
            flags.insert(f.client_id, f.flags);
        }
    }
    let price: i32 = on_tx!(tx, c => sqlx::query_scalar("SELECT price_visits FROM class_groups WHERE id = $1")
        .bind(o.group.id).fetch_one(c).await)?;
    let mut lines = Vec::new();
    for (client, member) in people {
        let mark = marks.remove(&client.id);
        let kind = mark.as_ref().map_or(
            if member {
                VisitKind::Member
            } else {
                VisitKind::WalkIn
            },
            |m| VisitKind::parse(&m.kind),
        );
        let pass = match &mark {
            Some(m) if m.membership_id.is_some() => m.membership_id.map(|id| {
                let mut p = PassInfo {
                    id,
                    name: m.membership_name.clone().unwrap_or_default(),
                    state: crate::money::memberships::MembershipState::Active,
                    visits_left: m.visits_left.and_then(|v| u32::try_from(v).ok()),
                    ends_on: m.ends_on,
                };
                p.state = state(&p, day);
                p
            }),
            _ if o.status != OccurrenceStatus::Held => choose(
                tx,
                client.id,
                o.service.id,
                day,
                u32::try_from(price).unwrap_or(1),
            )
            .await?
            .map(|c| c.info),
            _ => None,
        };
        let makeups: i64 = on_tx!(tx, c => sqlx::query_scalar(
            "SELECT COUNT(*) FROM makeups WHERE client_id = $1 AND used_by IS NULL AND expires_on >= $2")
            .bind(client.id).bind(day).fetch_one(c).await)?;
        lines.push(SheetLine {
            status: mark.as_ref().map(|m| AttendanceStatus::parse(&m.status)),
            visits: mark
                .as_ref()
                .map_or(0, |m| u32::try_from(m.visits).unwrap_or(0)),
            to_settle: mark.as_ref().is_some_and(|m| m.to_settle),
            marked_at: mark.as_ref().map(|m| m.marked_at),
            marked_by: mark.and_then(|m| UserRef::from_row(m.marked_by, m.marked_name)),
            flags: flags.remove(&client.id).unwrap_or_default(),
            makeups: u32::try_from(makeups).unwrap_or(0),
            client,
            kind,
            pass,
        });
    }
    Ok(lines)
}

pub(crate) async fn detail(
    tx: &mut Tx,
    session: &Session,
    now: DateTime<Utc>,
    id: &str,
) -> Result<OccurrenceDetail, ApiError> {
    let tz = session.local.time_zone;
    let today = session.local_date(now);
    let occurrence = one(tx, tz, id).await?;
    let lines = sheet(tx, session, today, &occurrence).await?;
    let (slot, original) = parse_occurrence_id(id).ok_or_else(|| ApiError::not_found("class"))?;
    let held: Option<Held> = on_tx!(tx, c => sqlx::query_as(
        "SELECT o.held_at, o.held_by, u.display_name FROM occurrences o LEFT JOIN users u ON u.id = o.held_by \
         WHERE o.slot_id = $1 AND o.original = $2").bind(slot).bind(original_key(original)).fetch_optional(c).await)?;
    let (held_at, held_by, held_name) = held.unwrap_or((None, None, None));
    let can_undo = occurrence.status == OccurrenceStatus::Held
        && held_at.is_some_and(|h| session.local_date(h) == today);
    Ok(OccurrenceDetail {
        occurrence,
        lines,
        held_at,
        held_by: UserRef::from_row(held_by, held_name),
        can_undo,
    })
}

pub(crate) async fn occurrence_get(
    core: &Core,
    session: &Session,
    args: OccurrenceGetArgs,
) -> Result<OccurrenceDetail, ApiError> {
    let mut tx = core.db.read().await?;
    let d = detail(&mut tx, session, core.now(), &args.id).await?;
    tx.commit().await?;
    Ok(d)
}
