//! Creating and changing groups and their slots. Slots typed by hand are checked by the same
//! rules as the automatic timetable; a changed slot closes on the day before the change and a
//! new one opens, so classes already given keep their time, room and instructor.

use chrono::{DateTime, NaiveDate, Utc};
use uuid::Uuid;

use super::slots::replace_slots;
use super::{
    group_in, Group, GroupInput, GroupKind, GroupsCreateArgs, GroupsUpdateArgs, SlotInput,
};
use crate::audit::{self, Change};
use crate::auth::Session;
use crate::db::Tx;
use crate::error::{ApiError, Problems};
use crate::schedule::conflicts::{check as check_rules, report, Placed};
use crate::schedule::context::Context;
use crate::schedule::hours::{minutes, time};
use crate::schedule::recurrence::weekly_rule;
use crate::text::{date_field, fold, optional_date_field, parse_name};
use crate::{exec_tx, Core};

const TAKEN: &str = "a group with this name exists";

pub(crate) struct Valid {
    name: String,
    starts_on: NaiveDate,
    ends_on: Option<NaiveDate>,
    duration: u32,
    /// (weekday, start minutes, duration, every weeks, room, instructor, locked).
    slots: Vec<NewSlot>,
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) struct NewSlot {
    pub rule: String,
    pub weekday: u8,
    pub start: String,
    pub duration: u32,
    pub room: Option<Uuid>,
    pub instructor: Option<Uuid>,
    pub locked: bool,
}

/// Checks the fields and the records named; then the slots against every other group.
async fn check(ctx: &Context, g: &GroupInput, own: Option<Uuid>) -> Result<Valid, ApiError> {
    let mut p = Problems::default();
    let name = p.take(parse_name("group.name", &g.name, 100));
    let service = ctx.services.iter().find(|s| s.id == g.service_id);
    if service.is_none() {
        p.add("group.service_id", "not_found", "no such service");
    }
    if let Some(i) = g.instructor_id {
        if !ctx.instructors.iter().any(|x| x.id == i) {
            p.add("group.instructor_id", "not_found", "no such instructor");
        }
    }
    let room = g.room_id.and_then(|r| ctx.rooms.iter().find(|x| x.id == r));
    if g.room_id.is_some() && room.is_none_or(|r| r.archived) {
        p.add("group.room_id", "not_found", "no such room in use");
    }
    if g.capacity == 0 || g.capacity > 10_000 {
        p.add("group.capacity", "out_of_range", "from 1 to 10000 people");
    }
    if g.kind == GroupKind::Individual && g.capacity != 1 {
        p.add(
            "group.capacity",
            "individual",
            "individual lessons are for one client",
        );
    }
    if let (Some(a), Some(b)) = (g.age_min, g.age_max) {
        if b < a {
            p.add(
                "group.age_max",
                "before_start",
                "the oldest age is below the youngest",
            );
        }
    }
    if g.age_max.is_some_and(|a| a > 120) {
        p.add("group.age_max", "out_of_range", "at most 120 years");
    }
    if g.price_visits > 100 {
        p.add(
            "group.price_visits",
            "out_of_range",
            "at most 100 visits a class",
        );
    }
    let duration = g
        .duration_minutes
        .or(service.map(|s| s.duration_minutes))
        .unwrap_or(60);
    if !(5..=24 * 60).contains(&duration) {
        p.add(
            "group.duration_minutes",
            "out_of_range",
            "from 5 minutes to 24 hours",
        );
    }
    if g.sessions_per_week > 14 {
        p.add(
            "group.sessions_per_week",
            "out_of_range",
            "at most 14 a week",
        );
    }
    let starts_on = date_field(&mut p, "group.starts_on", &g.starts_on);
    let ends_on = optional_date_field(&mut p, "group.ends_on", &g.ends_on);
    if let (Some(s), Some(e)) = (starts_on, ends_on) {
        if e < s {
            p.add("group.ends_on", "before_start", "it ends before it starts");
        }
    }
    let mut slots = Vec::new();
    let defaults = Defaults {
        room: g.room_id,
        instructor: g.instructor_id,
        duration,
    };
    for (i, s) in g.slots.iter().enumerate() {
        if let Some(slot) = check_slot(&mut p, ctx, &format!("group.slots.{i}"), s, &defaults) {
            slots.push(slot);
        }
    }
    p.finish()?;
    if !g.archived {
        let mut p = Problems::default();
        let others = ctx.weekly(own);
        let members = own.map_or(&[][..], |id| ctx.members_of(id));
        let rooms = ctx.room_rules();
        let label = name.clone().unwrap_or_default();
        let mine: Vec<Placed> = slots
            .iter()
            .map(|s| placed(s, own.unwrap_or_default(), &label, members, g, ctx))
            .collect();
        for (i, c) in mine.iter().enumerate() {
            let mut against: Vec<Placed> = others.clone();
            against.extend(
                mine.iter()
                    .enumerate()
                    .filter(|(j, _)| *j != i)
                    .map(|(_, x)| Placed {
                        group: Uuid::nil(),
                        ..x.clone()
                    }),
            );
            let found = check_rules(c, &against, &rooms, |id| ctx.availability(id));
            report(&mut p, &format!("group.slots.{i}.start"), &found);
        }
        p.finish()?;
    }
    Ok(Valid {
        name: name.unwrap_or_default(),
        starts_on: starts_on.unwrap_or_default(),
        ends_on,
        duration,
        slots,
    })
}

fn placed<'a>(
    s: &NewSlot,
    group: Uuid,
    label: &'a str,
    members: &'a [Uuid],
    g: &GroupInput,
    ctx: &'a Context,
) -> Placed<'a> {
    let start = minutes(&s.start).unwrap_or(0);
    Placed {
        group,
        label,
        day: u32::from(s.weekday),
        weekday: s.weekday,
        start,
        end: start + s.duration,
        room: s.room,
        instructor: s.instructor.or(g.instructor_id),
        members,
        size: g.capacity,
        needs: ctx.needs(g.service_id),
    }
}

/// The group's own room and instructor, and its length: what a slot takes by default.
pub(crate) struct Defaults {
    pub room: Option<Uuid>,
    pub instructor: Option<Uuid>,
    pub duration: u32,
}

/// Checks one slot's fields (problems at `{prefix}.{field}`), not yet its clashes.
pub(crate) fn check_slot(
    p: &mut Problems,
    ctx: &Context,
    prefix: &str,
    s: &SlotInput,
    g: &Defaults,
) -> Option<NewSlot> {
    let f = |x: &str| format!("{prefix}.{x}");
    let duration = g.duration;
    let before = p.errors().len();
    if !(1..=7).contains(&s.weekday) {
        p.add(f("weekday"), "out_of_range", "1 (Monday) to 7 (Sunday)");
    }
    let start = time(p, &f("start"), &s.start);
    let duration = s.duration_minutes.unwrap_or(duration);
    if !(5..=24 * 60).contains(&duration) {
        p.add(
            f("duration_minutes"),
            "out_of_range",
            "from 5 minutes to 24 hours",
        );
    }
    if let Some(t) = start {
        if minutes(&t.format("%H:%M").to_string()).unwrap_or(0) + duration > 24 * 60 {
            p.add(
                f("duration_minutes"),
                "past_midnight",
                "a class ends by midnight",
            );
        }
    }
    if !(1..=8).contains(&s.every_weeks) {
        p.add(f("every_weeks"), "out_of_range", "every 1 to 8 weeks");
    }
    let room = s.room_id.or(g.room);
    if let Some(r) = s.room_id {
        if !ctx.rooms.iter().any(|x| x.id == r && !x.archived) {
            p.add(f("room_id"), "not_found", "no such room in use");
        }
    }
    if let Some(r) = s.instructor_id {
        if !ctx.instructors.iter().any(|x| x.id == r) {
            p.add(f("instructor_id"), "not_found", "no such instructor");
        }
    }
    (p.errors().len() == before).then(|| NewSlot {
        rule: weekly_rule(s.weekday, s.every_weeks),
        weekday: s.weekday,
        start: start
            .map(|t| t.format("%H:%M").to_string())
            .unwrap_or_default(),
        duration,
        room,
        instructor: s.instructor_id.filter(|i| Some(*i) != g.instructor),
        locked: s.locked,
    })
}

/// Writes a new group and its slots (no audit row: the caller's).
pub(crate) async fn insert_group(
    tx: &mut Tx,
    ctx: &Context,
    g: &GroupInput,
    session: &Session,
    now: DateTime<Utc>,
) -> Result<Uuid, ApiError> {
    let v = check(ctx, g, None).await?;
    let id = crate::new_id();
    exec_tx!(tx, c => sqlx::query(
        "INSERT INTO class_groups (id, name, name_key, kind, service_id, instructor_id, room_id, capacity, \
         age_min, age_max, price_visits, duration_minutes, sessions_per_week, starts_on, ends_on, archived, \
         created_at, created_by, updated_at, updated_by, version) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $17, $18, 1)")
        .bind(id).bind(&v.name).bind(fold(&v.name)).bind(g.kind.as_str()).bind(g.service_id)
        .bind(g.instructor_id).bind(g.room_id).bind(g.capacity as i32)
        .bind(g.age_min.map(|a| a as i32)).bind(g.age_max.map(|a| a as i32)).bind(g.price_visits as i32)
        .bind(v.duration as i32).bind(g.sessions_per_week as i32).bind(v.starts_on).bind(v.ends_on)
        .bind(g.archived).bind(now).bind(session.user_id)
        .execute(c).await)
    .map_err(|e| crate::db::taken(e, "group.name", TAKEN))?;
    replace_slots(tx, id, &v.slots, v.starts_on, now).await?;
    Ok(id)
}

fn change<'a>(
    op: &'a str,
    id: Uuid,
    before: Option<&'a Group>,
    after: &'a Group,
) -> Change<'a, Group> {
    Change {
        operation: op,
        entity: "group",
        entity_id: Some(id),
        before,
        after: Some(after),
    }
}

pub(crate) async fn groups_create(
    core: &Core,
    session: &Session,
    args: GroupsCreateArgs,
) -> Result<Group, ApiError> {
    let now = core.now();
    let today = session.local_date(now);
    let mut tx = core.db.write().await?;
    let ctx = Context::load(&mut tx, today).await?;
    let id = insert_group(&mut tx, &ctx, &args.group, session, now).await?;
    let after = group_in(&mut tx, today, id).await?;
    audit::record(
        &mut tx,
        session,
        now,
        change("groups_create", id, None, &after),
    )
    .await?;
    tx.commit().await?;
    Ok(after)
}

pub(crate) async fn groups_update(
    core: &Core,
    session: &Session,
    args: GroupsUpdateArgs,
) -> Result<Group, ApiError> {
    let now = core.now();
    let today = session.local_date(now);
    let mut p = Problems::default();
    let from = optional_date_field(&mut p, "slots_from", &args.slots_from).unwrap_or(today);
    p.finish()?;
    let mut tx = core.db.write().await?;
    let ctx = Context::load(&mut tx, today).await?;
    let before = group_in(&mut tx, today, args.id).await?;
    let g = &args.group;
    let v = check(&ctx, g, Some(args.id)).await?;
    let n = exec_tx!(&mut tx, c => sqlx::query(
        "UPDATE class_groups SET name = $1, name_key = $2, kind = $3, service_id = $4, instructor_id = $5, \
         room_id = $6, capacity = $7, age_min = $8, age_max = $9, price_visits = $10, duration_minutes = $11, \
         sessions_per_week = $12, starts_on = $13, ends_on = $14, archived = $15, updated_at = $16, \
         updated_by = $17, version = version + 1 WHERE id = $18 AND version = $19")
        .bind(&v.name).bind(fold(&v.name)).bind(g.kind.as_str()).bind(g.service_id).bind(g.instructor_id)
        .bind(g.room_id).bind(g.capacity as i32).bind(g.age_min.map(|a| a as i32)).bind(g.age_max.map(|a| a as i32))
        .bind(g.price_visits as i32).bind(v.duration as i32).bind(g.sessions_per_week as i32)
        .bind(v.starts_on).bind(v.ends_on).bind(g.archived).bind(now).bind(session.user_id)
        .bind(args.id).bind(args.version)
        .execute(c).await)
    .map_err(|e| crate::db::taken(e, "group.name", TAKEN))?;
    if n == 0 {
        return Err(ApiError::conflict(
            "this group was changed by someone else; reload it and try again",
        ));
    }
    replace_slots(&mut tx, args.id, &v.slots, from.max(v.starts_on), now).await?;
    let after = group_in(&mut tx, today, args.id).await?;
    audit::record(
        &mut tx,
        session,
        now,
        change("groups_update", args.id, Some(&before), &after),
    )
    .await?;
    tx.commit().await?;
    Ok(after)
}
