//! Working out the classes of a span of days: each live slot's rule gives its starts, the
//! stored changes are laid over them, holidays take their day's classes away, and a class
//! moved into the span from outside it comes in.

use std::collections::HashMap;

use chrono::{DateTime, Duration, NaiveDate, NaiveDateTime, NaiveTime, Utc};
use chrono_tz::Tz;
use uuid::Uuid;

use super::{Occurrence, OccurrenceStatus};
use crate::db::Tx;
use crate::error::ApiError;
use crate::on_tx;
use crate::schedule::groups::{GroupKind, SlotRow};
use crate::schedule::recurrence::{
    self, occurrence_id, original_key, parse_original_key, SlotRule,
};
use crate::schedule::{services, Named};

/// Which classes: all, or one room's, one instructor's, one group's, one slot's.
#[derive(Debug, Clone, Default)]
pub(crate) struct Filter {
    pub room: Option<Uuid>,
    pub instructor: Option<Uuid>,
    pub group: Option<Uuid>,
    pub slot: Option<Uuid>,
}

#[derive(sqlx::FromRow)]
struct GroupRow {
    id: Uuid,
    name: String,
    kind: String,
    service_id: Uuid,
    service_name: String,
    instructor_id: Option<Uuid>,
    capacity: i32,
    starts_on: NaiveDate,
    ends_on: Option<NaiveDate>,
}

#[derive(sqlx::FromRow)]
struct Change {
    slot_id: Uuid,
    original: String,
    status: String,
    starts_at: DateTime<Utc>,
    ends_at: DateTime<Utc>,
    room_id: Option<Uuid>,
    instructor_id: Option<Uuid>,
    substitute: bool,
    reason: String,
    version: i64,
}

const SLOTS: &str = crate::schedule::groups::store::SLOTS;

/// The classes starting on the days `from..=until` (local), by start.
pub(crate) async fn derive(
    tx: &mut Tx,
    tz: Tz,
    from: NaiveDate,
    until: NaiveDate,
    f: &Filter,
) -> Result<Vec<Occurrence>, ApiError> {
    let sql = format!(
        "{SLOTS} JOIN class_groups g ON g.id = s.group_id WHERE s.valid_from <= $2 \
         AND (s.valid_until IS NULL OR s.valid_until >= $1) AND g.starts_on <= $2 \
         AND (g.ends_on IS NULL OR g.ends_on >= $1) AND ($3 IS NULL OR s.group_id = $3) \
         AND ($4 IS NULL OR s.id = $4)"
    );
    let mut slots: Vec<SlotRow> = on_tx!(tx, c => sqlx::query_as(&sql).bind(from).bind(until)
        .bind(f.group).bind(f.slot).fetch_all(c).await)?;
    let start_utc = recurrence::to_utc(tz, from.and_time(NaiveTime::MIN));
    let end_utc = recurrence::to_utc(tz, (until + Duration::days(1)).and_time(NaiveTime::MIN));
    let changes: Vec<Change> = on_tx!(tx, c => sqlx::query_as(
        "SELECT slot_id, original, status, starts_at, ends_at, room_id, instructor_id, substitute, reason, version \
         FROM occurrences WHERE ((original >= $1 AND original < $2) OR (starts_at >= $3 AND starts_at < $4)) \
         AND ($5 IS NULL OR group_id = $5) AND ($6 IS NULL OR slot_id = $6)")
        .bind(original_key(from.and_time(NaiveTime::MIN)))
        .bind(original_key((until + Duration::days(1)).and_time(NaiveTime::MIN)))
        .bind(start_utc).bind(end_utc).bind(f.group).bind(f.slot).fetch_all(c).await)?;
    // Slots of classes moved in from outside the span.
    let missing: Vec<Uuid> = changes
        .iter()
        .map(|c| c.slot_id)
        .filter(|id| !slots.iter().any(|s| s.id == *id))
        .collect();
    for id in missing {
        let sql = format!("{SLOTS} WHERE s.id = $1");
        let extra: Vec<SlotRow> =
            on_tx!(tx, c => sqlx::query_as(&sql).bind(id).fetch_all(c).await)?;
        slots.extend(extra);
    }
    let groups: Vec<GroupRow> = on_tx!(tx, c => sqlx::query_as(
        "SELECT g.id, g.name, g.kind, g.service_id, i.name AS service_name, g.instructor_id, g.capacity, \
         g.starts_on, g.ends_on FROM class_groups g JOIN catalog_items i ON i.id = g.service_id \
         WHERE $1 IS NULL OR g.id = $1").bind(f.group).fetch_all(c).await)?;
    let groups: HashMap<Uuid, GroupRow> = groups.into_iter().map(|g| (g.id, g)).collect();
    let names: Vec<(Uuid, String)> = on_tx!(tx, c => sqlx::query_as(
        "SELECT id, name FROM rooms UNION ALL SELECT id, name FROM staff").fetch_all(c).await)?;
    let names: HashMap<Uuid, String> = names.into_iter().collect();
    let named = |id: Option<Uuid>| {
        id.map(|id| Named {
            id,
            name: names.get(&id).cloned().unwrap_or_default(),
        })
    };
    let colours: HashMap<Uuid, String> = services::load(tx, None)
        .await?
        .into_iter()
        .map(|s| (s.id, s.colour))
        .collect();
    let holidays: Vec<NaiveDate> = crate::schedule::holidays::between(tx, from, until)
        .await?
        .into_iter()
        .map(|h| h.day)
        .collect();
    let mut changes: HashMap<(Uuid, NaiveDateTime), Change> = changes
        .into_iter()
        .filter_map(|c| Some(((c.slot_id, parse_original_key(&c.original)?), c)))
        .collect();

    let mut out = Vec::new();
    for s in &slots {
        let Some(g) = groups.get(&s.group_id) else {
            continue;
        };
        let Some(start) = crate::schedule::hours::minutes(&s.start_time)
            .and_then(|m| NaiveTime::from_hms_opt(m / 60, m % 60, 0))
        else {
            continue;
        };
        let first = from.max(g.starts_on);
        let last = g.ends_on.map_or(until, |e| e.min(until));
        let rule = SlotRule {
            rule: &s.rule,
            start,
            valid_from: s.valid_from,
            valid_until: s.valid_until,
        };
        let mut originals = recurrence::starts(&rule, tz, first, last);
        // Classes of this slot moved here from other days.
        originals.extend(
            changes
                .keys()
                .filter(|(slot, o)| *slot == s.id && (o.date() < from || o.date() > until))
                .map(|(_, o)| *o),
        );
        for original in originals {
            let change = changes.remove(&(s.id, original));
            if change.is_none() && holidays.contains(&original.date()) {
                continue;
            }
            let minutes = i64::from(s.duration_minutes);
            let usual_start = recurrence::to_utc(tz, original);
            let (starts_at, ends_at) = change.as_ref().map_or(
                (usual_start, usual_start + Duration::minutes(minutes)),
                |c| (c.starts_at, c.ends_at),
            );
            if starts_at < start_utc || starts_at >= end_utc {
                continue;
            }
            let room = change.as_ref().map_or(s.room_id, |c| c.room_id);
            let instructor = change
                .as_ref()
                .map_or(s.instructor_id.or(g.instructor_id), |c| c.instructor_id);
            if f.room.is_some_and(|r| room != Some(r))
                || f.instructor.is_some_and(|i| instructor != Some(i))
            {
                continue;
            }
            out.push(Occurrence {
                id: occurrence_id(s.id, original),
                group: Named {
                    id: g.id,
                    name: g.name.clone(),
                },
                kind: GroupKind::parse(&g.kind),
                service: Named {
                    id: g.service_id,
                    name: g.service_name.clone(),
                },
                colour: colours.get(&g.service_id).cloned().unwrap_or_default(),
                starts_at,
                ends_at,
                original,
                room: named(room),
                instructor: named(instructor),
                substitute: change.as_ref().is_some_and(|c| c.substitute),
                status: change.as_ref().map_or(OccurrenceStatus::Scheduled, |c| {
                    OccurrenceStatus::parse(&c.status)
                }),
                moved: starts_at != usual_start || room != s.room_id,
                reason: change
                    .as_ref()
                    .map(|c| c.reason.clone())
                    .unwrap_or_default(),
                capacity: u32::try_from(g.capacity).unwrap_or(0),
                booked: 0,
                flagged: Vec::new(),
                version: change.as_ref().map_or(0, |c| c.version),
            });
        }
    }
    out.sort_by(|a, b| {
        (a.starts_at, &a.group.name, &a.id).cmp(&(b.starts_at, &b.group.name, &b.id))
    });
    Ok(out)
}

/// One class by its id: its rule must give it (or a change of it must be stored).
pub(crate) async fn one(tx: &mut Tx, tz: Tz, id: &str) -> Result<Occurrence, ApiError> {
    let (slot, original) = recurrence::parse_occurrence_id(id)
        .ok_or_else(|| ApiError::field("id", "invalid", "not a class id"))?;
    let f = Filter {
        slot: Some(slot),
        ..Filter::default()
    };
    // Where it is now: its stored start if it was moved, else the day its rule gives it.
    let moved_to: Option<DateTime<Utc>> = on_tx!(tx, c => sqlx::query_scalar(
        "SELECT starts_at FROM occurrences WHERE slot_id = $1 AND original = $2")
        .bind(slot).bind(original_key(original)).fetch_optional(c).await)?;
    let day = moved_to.map_or(original.date(), |t| t.with_timezone(&tz).date_naive());
    derive(tx, tz, day, day, &f)
        .await?
        .into_iter()
        .find(|o| o.id == id)
        .ok_or_else(|| ApiError::not_found("class"))
}
