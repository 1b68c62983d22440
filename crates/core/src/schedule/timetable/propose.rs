//! Proposing a timetable: the centre as it stands on the first day of the new timetable,
//! turned into a search problem (locked classes, fortnightly ones and groups not planned
//! automatically stay where they are), solved off the async workers, and turned back into
//! each group's slots.

use std::time::Duration;

use chrono::{Datelike, NaiveDate};
use uuid::Uuid;

use super::solver::{self, Options, Place, Problem, Unplaceable};
use super::{ProposedGroup, ProposedSlot, TimetableProposal, TimetableProposeArgs, Unplaced};
use crate::auth::Session;
use crate::error::{ApiError, Problems};
use crate::schedule::context::Context;
use crate::schedule::groups::{Group, Slot};
use crate::schedule::hours::minutes;
use crate::schedule::Named;
use crate::text::optional_date_field;
use crate::Core;

/// The Monday after `day`.
pub(crate) fn next_monday(day: NaiveDate) -> NaiveDate {
    day + chrono::Duration::days(7 - i64::from(day.weekday().num_days_from_monday()))
}

/// The problem and what its indices stand for.
pub(crate) struct Model {
    pub problem: Problem,
    pub rooms: Vec<Named>,
    pub instructors: Vec<Named>,
    /// The groups planned, in the problem's order, with the slots kept as they are.
    pub groups: Vec<(Group, Vec<Slot>)>,
}

fn live_slots(g: &Group, from: NaiveDate) -> impl Iterator<Item = &Slot> {
    g.slots
        .iter()
        .filter(move |s| s.valid_until.is_none_or(|u| u >= from))
}

impl Model {
    pub fn build(ctx: &Context, from: NaiveDate) -> Model {
        let live_rooms: Vec<_> = ctx.rooms.iter().filter(|r| !r.archived).collect();
        let room_index = |id: Uuid| live_rooms.iter().position(|r| r.id == id);
        let instructor_index = |id: Uuid| ctx.instructors.iter().position(|i| i.id == id);
        let mut problem = Problem {
            rooms: live_rooms
                .iter()
                .map(|r| solver::Room {
                    capacity: r.capacity,
                    equipment: r.equipment.clone(),
                    hours: r.opening_hours.clone(),
                })
                .collect(),
            instructors: ctx
                .instructors
                .iter()
                .map(|i| i.availability.clone())
                .collect(),
            groups: Vec::new(),
        };
        let mut groups = Vec::new();
        for g in ctx
            .groups
            .iter()
            .filter(|g| !g.archived && g.ends_on.is_none_or(|e| e >= from))
        {
            let place = |s: &Slot| {
                Some(Place {
                    day: s.weekday,
                    start: minutes(&s.start)?,
                    room: room_index(s.room.as_ref()?.id)?,
                })
            };
            let planned = g.sessions_per_week > 0;
            let (kept, movable): (Vec<&Slot>, Vec<&Slot>) = live_slots(g, from)
                .partition(|s| !planned || s.locked || s.every_weeks != 1 || place(s).is_none());
            problem.groups.push(solver::Group {
                size: g.capacity,
                needs: ctx.needs(g.service.id).to_vec(),
                instructor: g.instructor.as_ref().and_then(|i| instructor_index(i.id)),
                duration: g.duration_minutes,
                sessions: g.sessions_per_week.saturating_sub(kept.len() as u32),
                fixed: kept.iter().filter_map(|s| place(s)).collect(),
                previous: movable.iter().filter_map(|s| place(s)).collect(),
                members: ctx.members_of(g.id).to_vec(),
            });
            groups.push((g.clone(), kept.into_iter().cloned().collect()));
        }
        Model {
            problem,
            rooms: live_rooms
                .iter()
                .map(|r| Named {
                    id: r.id,
                    name: r.name.clone(),
                })
                .collect(),
            instructors: ctx
                .instructors
                .iter()
                .map(|i| Named {
                    id: i.id,
                    name: i.name.clone(),
                })
                .collect(),
            groups,
        }
    }

    /// Each group's slots in the solution: those kept as they were, then those placed.
    pub fn proposal(&self, s: &solver::Solution) -> Vec<ProposedGroup> {
        let mut out = Vec::new();
        for (i, (g, kept)) in self.groups.iter().enumerate() {
            let sg = &self.problem.groups[i];
            let mut slots: Vec<ProposedSlot> = kept
                .iter()
                .map(|k| ProposedSlot {
                    weekday: k.weekday,
                    start: k.start.clone(),
                    duration_minutes: k.duration_minutes,
                    every_weeks: k.every_weeks,
                    room: k.room.clone(),
                    instructor: k.instructor.clone().or(g.instructor.clone()),
                    locked: k.locked,
                    changed: false,
                })
                .collect();
            for p in s.places[i].iter().skip(sg.fixed.len()) {
                slots.push(ProposedSlot {
                    weekday: p.day,
                    start: format!("{:02}:{:02}", p.start / 60, p.start % 60),
                    duration_minutes: sg.duration,
                    every_weeks: 1,
                    room: Some(self.rooms[p.room].clone()),
                    instructor: sg.instructor.map(|x| self.instructors[x].clone()),
                    locked: false,
                    changed: !sg.previous.contains(p),
                });
            }
            slots.sort_by(|a, b| (a.weekday, &a.start).cmp(&(b.weekday, &b.start)));
            out.push(ProposedGroup {
                group: Named {
                    id: g.id,
                    name: g.name.clone(),
                },
                version: g.version,
                colour: g.colour.clone(),
                slots,
            });
        }
        out
    }
}

fn reason(u: Unplaceable) -> &'static str {
    match u {
        Unplaceable::NoRoomLargeEnough => "no_room_large_enough",
        Unplaceable::NoRoomWithEquipment => "no_room_with_equipment",
        Unplaceable::NoCommonHours => "no_common_hours",
    }
}

pub(crate) async fn timetable_propose(
    core: &Core,
    session: &Session,
    args: TimetableProposeArgs,
) -> Result<TimetableProposal, ApiError> {
    let today = session.local_date(core.now());
    let mut p = Problems::default();
    let from = optional_date_field(&mut p, "from", &args.from).unwrap_or(next_monday(today));
    if from < today {
        p.add("from", "in_past", "the new timetable starts today or later");
    }
    let seconds = args.seconds.unwrap_or(10);
    if !(1..=60).contains(&seconds) {
        p.add("seconds", "out_of_range", "from 1 to 60 seconds");
    }
    p.finish()?;
    let mut tx = core.db.read().await?;
    let ctx = Context::load(&mut tx, from).await?;
    drop(tx);
    let model = Model::build(&ctx, from);
    let options = Options {
        time: Duration::from_secs(u64::from(seconds)),
        seed: u64::from(args.seed.unwrap_or(1)),
        ..Options::default()
    };
    let (model, s) = tokio::task::spawn_blocking(move || {
        let s = solver::solve(&model.problem, &options);
        (model, s)
    })
    .await
    .map_err(|_| ApiError::Internal {
        message: "the timetable search stopped".into(),
    })?;
    let unplaced = s
        .unplaceable
        .iter()
        .map(|&(i, why)| Unplaced {
            group: Named {
                id: model.groups[i].0.id,
                name: model.groups[i].0.name.clone(),
            },
            reason: reason(why).into(),
        })
        .collect();
    Ok(TimetableProposal {
        from,
        groups: model.proposal(&s),
        unplaced,
        hard_conflicts: s.hard,
        score: s.score,
        lower_bound: s.bound,
        optimal: s.optimal,
        elapsed_ms: s.elapsed.as_millis().min(u128::from(u32::MAX)) as u32,
        moves: s.moves.min(u64::from(u32::MAX)) as u32,
    })
}
