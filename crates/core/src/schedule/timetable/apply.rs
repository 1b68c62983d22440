//! Applying a timetable: the groups' new slots, checked together against every other group
//! with the rules a slot typed by hand meets, written in one transaction from a day on
//! (earlier classes keep their times); each group changed is audited.

use std::collections::HashMap;

use uuid::Uuid;

use super::TimetableApplyArgs;
use crate::audit::{self, Change};
use crate::auth::Session;
use crate::error::{ApiError, Problems};
use crate::schedule::conflicts::{check, report, Placed};
use crate::schedule::context::Context;
use crate::schedule::groups::{check_slot, group_in, replace_slots, Defaults, Group, NewSlot};
use crate::schedule::hours::minutes;
use crate::schedule::recurrence::weekly_parts;
use crate::text::date_field;
use crate::{exec_tx, Core};

/// A slot as compared: weekday, start, length, room, instructor, locked, every weeks.
type Key<'a> = (u8, &'a str, u32, Option<Uuid>, Option<Uuid>, bool, u8);

/// The group's slots are already `new`.
fn same_slots(g: &Group, new: &[NewSlot]) -> bool {
    let mut current: Vec<Key> = g
        .slots
        .iter()
        .map(|s| {
            (
                s.weekday,
                s.start.as_str(),
                s.duration_minutes,
                s.room.as_ref().map(|r| r.id),
                s.instructor.as_ref().map(|i| i.id),
                s.locked,
                s.every_weeks,
            )
        })
        .collect();
    let mut wanted: Vec<Key> = new
        .iter()
        .map(|s| {
            let every = weekly_parts(&s.rule).map_or(1, |(_, e)| e);
            (
                s.weekday,
                s.start.as_str(),
                s.duration,
                s.room,
                s.instructor,
                s.locked,
                every,
            )
        })
        .collect();
    current.sort();
    wanted.sort();
    current == wanted
}

pub(crate) async fn timetable_apply(
    core: &Core,
    session: &Session,
    args: TimetableApplyArgs,
) -> Result<Vec<Group>, ApiError> {
    let now = core.now();
    let today = session.local_date(now);
    let mut p = Problems::default();
    let from = date_field(&mut p, "from", &args.from);
    if from.is_some_and(|f| f < today) {
        p.add("from", "in_past", "the new timetable starts today or later");
    }
    if args.groups.is_empty() {
        p.add("groups", "required", "at least one group");
    }
    p.finish()?;
    let from = from.unwrap_or(today);
    let mut tx = core.db.write().await?;
    let ctx = Context::load(&mut tx, from).await?;
    let mut slots: HashMap<Uuid, Vec<NewSlot>> = HashMap::new();
    let mut p = Problems::default();
    for (i, input) in args.groups.iter().enumerate() {
        let Some(g) = ctx.groups.iter().find(|g| g.id == input.id) else {
            p.add(format!("groups.{i}.id"), "not_found", "no such group");
            continue;
        };
        if slots.contains_key(&g.id) {
            p.add(
                format!("groups.{i}.id"),
                "duplicate",
                "this group is given twice",
            );
        }
        let defaults = Defaults {
            room: g.room.as_ref().map(|r| r.id),
            instructor: g.instructor.as_ref().map(|r| r.id),
            duration: g.duration_minutes,
        };
        let mine = input
            .slots
            .iter()
            .enumerate()
            .filter_map(|(j, s)| {
                check_slot(&mut p, &ctx, &format!("groups.{i}.slots.{j}"), s, &defaults)
            })
            .collect();
        slots.insert(g.id, mine);
    }
    p.finish()?;
    // Every class of the new week: other groups' slots as they are, these groups' new ones.
    let mut week: Vec<Placed> = ctx
        .weekly(None)
        .into_iter()
        .filter(|c| !slots.contains_key(&c.group))
        .collect();
    let mut index = Vec::new();
    for (i, input) in args.groups.iter().enumerate() {
        let g = ctx
            .groups
            .iter()
            .find(|g| g.id == input.id)
            .expect("checked");
        for (j, s) in slots[&g.id].iter().enumerate() {
            let start = minutes(&s.start).unwrap_or(0);
            index.push((i, j, week.len()));
            week.push(Placed {
                group: g.id,
                label: &g.name,
                day: u32::from(s.weekday),
                weekday: s.weekday,
                start,
                end: start + s.duration,
                room: s.room,
                instructor: s.instructor.or(g.instructor.as_ref().map(|x| x.id)),
                members: ctx.members_of(g.id),
                size: g.capacity,
                needs: ctx.needs(g.service.id),
            });
        }
    }
    let rooms = ctx.room_rules();
    let mut p = Problems::default();
    for &(i, j, k) in &index {
        let c = &week[k];
        let others: Vec<Placed> = week
            .iter()
            .enumerate()
            .filter(|(n, _)| *n != k)
            .map(|(_, o)| o.clone())
            .map(|o| {
                if o.group == c.group {
                    Placed {
                        group: Uuid::nil(),
                        ..o
                    }
                } else {
                    o
                }
            })
            .collect();
        let found = check(c, &others, &rooms, |id| ctx.availability(id));
        report(&mut p, &format!("groups.{i}.slots.{j}.start"), &found);
    }
    p.finish()?;
    let mut out = Vec::new();
    for input in &args.groups {
        let before = group_in(&mut tx, from, input.id).await?;
        let new = &slots[&input.id];
        if before.version != input.version {
            return Err(ApiError::conflict(format!(
                "{} was changed by someone else; propose the timetable again",
                before.name
            )));
        }
        if same_slots(&before, new) {
            out.push(before);
            continue;
        }
        exec_tx!(&mut tx, c => sqlx::query(
            "UPDATE class_groups SET updated_at = $1, updated_by = $2, version = version + 1 WHERE id = $3")
            .bind(now).bind(session.user_id).bind(input.id).execute(c).await)?;
        replace_slots(&mut tx, input.id, new, from.max(before.starts_on), now).await?;
        let after = group_in(&mut tx, from, input.id).await?;
        audit::record(
            &mut tx,
            session,
            now,
            Change {
                operation: "timetable_apply",
                entity: "group",
                entity_id: Some(input.id),
                before: Some(&before),
                after: Some(&after),
            },
        )
        .await?;
        out.push(after);
    }
    tx.commit().await?;
    Ok(out)
}
