//! The automatic timetable: the search on generated centres (every answer checked again by the
//! rules a slot typed by hand meets), locks, stability, what cannot be placed; then proposing
//! and applying the demo centre's week on both engines.

use std::time::Duration;

use hallpass_core::api::*;
use hallpass_core::schedule::conflicts::{check, Placed, RoomRule};
use hallpass_core::schedule::timetable::generate::centre;
use hallpass_core::schedule::timetable::solver::{solve, Options, Place, Problem, Unplaceable};
use uuid::Uuid;

use super::slot;
use crate::helpers::fields;
use crate::support::each_engine;

fn options(seed: u64) -> Options {
    Options {
        time: Duration::from_secs(60),
        seed,
        ..Options::default()
    }
}

/// Clashes in `places` (each group's classes), found by the timetable's shared rules.
fn clashes(p: &Problem, places: &[Vec<Place>]) -> usize {
    let ids: Vec<Uuid> = (0..p.groups.len())
        .map(|g| Uuid::from_u128(g as u128 + 1))
        .collect();
    let teachers: Vec<Uuid> = (0..p.instructors.len())
        .map(|i| Uuid::from_u128(1_000 + i as u128))
        .collect();
    let rooms: Vec<RoomRule> = p
        .rooms
        .iter()
        .enumerate()
        .map(|(r, room)| RoomRule {
            id: Uuid::from_u128(2_000 + r as u128),
            capacity: room.capacity,
            equipment: &room.equipment,
            hours: &room.hours,
        })
        .collect();
    let mut week = Vec::new();
    for (g, group) in p.groups.iter().enumerate() {
        for at in &places[g] {
            week.push(Placed {
                group: ids[g],
                label: "",
                day: u32::from(at.day),
                weekday: at.day,
                start: at.start,
                end: at.start + group.duration,
                room: Some(rooms[at.room].id),
                instructor: group.instructor.map(|i| teachers[i]),
                members: &group.members,
                size: group.size,
                needs: &group.needs,
            });
        }
    }
    let availability = |id: Uuid| {
        teachers
            .iter()
            .position(|t| *t == id)
            .map(|i| p.instructors[i].clone())
    };
    (0..week.len())
        .map(|k| {
            let others: Vec<Placed> = week
                .iter()
                .enumerate()
                .filter(|(n, _)| *n != k)
                .map(|(_, o)| o.clone())
                .map(|o| {
                    if o.group == week[k].group {
                        Placed {
                            group: Uuid::nil(),
                            ..o
                        }
                    } else {
                        o
                    }
                })
                .collect();
            check(&week[k], &others, &rooms, availability).len()
        })
        .sum()
}

#[test]
fn generated_centres_get_weeks_without_clashes() {
    for (seed, groups, rooms, instructors) in [
        (1, 40, 8, 12),
        (2, 40, 8, 12),
        (3, 80, 8, 12),
        (4, 60, 4, 12),
    ] {
        let p = centre(seed, groups, rooms, instructors);
        let s = solve(&p, &options(seed));
        let wanted: u32 = p.groups.iter().map(|g| g.sessions).sum();
        let placed: usize = s.places.iter().map(Vec::len).sum();
        let left: u32 = s
            .unplaceable
            .iter()
            .map(|&(g, _)| p.groups[g].sessions)
            .sum();
        assert_eq!(
            placed as u32 + left,
            wanted,
            "seed {seed}: every class placed or explained"
        );
        assert_eq!(s.hard, 0, "seed {seed}");
        assert_eq!(
            clashes(&p, &s.places),
            0,
            "seed {seed}: the shared rules agree"
        );
        assert!(
            s.score.total() >= s.bound.total(),
            "seed {seed}: the bound is below the score"
        );
        assert_eq!(s.optimal, s.score == s.bound);
    }
}

#[test]
fn locked_classes_stay_and_returning_groups_keep_their_times() {
    let mut p = centre(5, 40, 8, 12);
    let first = solve(&p, &options(5));
    assert_eq!(first.hard, 0);
    // The first group's classes locked where they are; every other group returns.
    let locked = first.places[0].clone();
    p.groups[0].fixed = locked.clone();
    p.groups[0].sessions = 0;
    for (g, group) in p.groups.iter_mut().enumerate().skip(1) {
        group.previous = first.places[g].clone();
    }
    let again = solve(&p, &options(6));
    assert_eq!(again.hard, 0);
    assert_eq!(again.places[0], locked);
    assert_eq!(again.score.moved, 0, "a week that worked is kept");
    for g in 1..p.groups.len() {
        let mut a = again.places[g].clone();
        let mut b = first.places[g].clone();
        a.sort_by_key(|x| (x.day, x.start, x.room));
        b.sort_by_key(|x| (x.day, x.start, x.room));
        assert_eq!(a, b);
    }
}

#[test]
fn what_cannot_be_placed_is_said_and_clashes_are_never_hidden() {
    let mut p = centre(8, 10, 3, 3);
    p.groups[0].size = 500;
    p.groups[1].needs = vec!["trampoline".into()];
    // One instructor with an hour a week and three classes to give in it.
    p.instructors[0] = vec![hallpass_core::schedule::hours::OpeningSpan {
        weekday: 2,
        opens: "10:00".into(),
        closes: "11:00".into(),
    }];
    for g in &mut p.groups[2..] {
        g.instructor = Some(1);
    }
    p.groups[2].instructor = Some(0);
    p.groups[2].sessions = 3;
    p.groups[2].duration = 60;
    let s = solve(
        &p,
        &Options {
            time: Duration::from_secs(2),
            ..options(8)
        },
    );
    assert_eq!(
        s.unplaceable,
        [
            (0, Unplaceable::NoRoomLargeEnough),
            (1, Unplaceable::NoRoomWithEquipment)
        ]
    );
    assert!(s.hard > 0);
    assert!(clashes(&p, &s.places) > 0, "the shared rules see them too");
    assert!(!s.optimal);
}

#[tokio::test]
async fn the_demo_week_is_proposed_reviewed_and_applied() {
    each_engine(|t| async move {
        t.demo().await;
        let mgr = t.login("manager").await;
        let mgr = Some(mgr.as_str());
        let propose = |seed| {
            t.core.timetable_propose(
                mgr,
                TimetableProposeArgs {
                    from: None,
                    seconds: Some(5),
                    seed: Some(seed),
                },
            )
        };
        let p = propose(1).await.unwrap();
        assert_eq!(p.from.to_string(), "2026-11-30");
        assert_eq!(p.hard_conflicts, 0);
        assert!(p.unplaced.is_empty());
        assert!(p.score.total() >= p.lower_bound.total());
        let karate = p
            .groups
            .iter()
            .find(|g| g.group.name == "Karate kids")
            .unwrap();
        assert_eq!(karate.slots.len(), 4);

        // Reception may not plan; bad arguments name their field.
        let desk = t.login("reception").await;
        let e = t
            .core
            .timetable_propose(Some(desk.as_str()), TimetableProposeArgs::default())
            .await
            .unwrap_err();
        assert!(matches!(e, ApiError::Forbidden { .. }), "{e:?}");
        let e = t
            .core
            .timetable_propose(
                mgr,
                TimetableProposeArgs {
                    from: Some("2026-11-01".into()),
                    seconds: Some(0),
                    seed: None,
                },
            )
            .await
            .unwrap_err();
        let mut got = fields(e);
        got.sort();
        assert_eq!(
            got,
            [
                ("from".into(), "in_past".into()),
                ("seconds".into(), "out_of_range".into())
            ]
        );

        // Applied as proposed from next Monday: this week's classes keep their times.
        let as_input = |g: &ProposedGroup| TimetableGroupInput {
            id: g.group.id,
            version: g.version,
            slots: g
                .slots
                .iter()
                .map(|s| SlotInput {
                    weekday: s.weekday,
                    start: s.start.clone(),
                    duration_minutes: Some(s.duration_minutes),
                    every_weeks: s.every_weeks,
                    room_id: s.room.as_ref().map(|r| r.id),
                    instructor_id: s.instructor.as_ref().map(|i| i.id),
                    locked: s.locked,
                })
                .collect(),
        };
        let applied = t
            .core
            .timetable_apply(
                mgr,
                TimetableApplyArgs {
                    from: "2026-11-30".into(),
                    groups: p.groups.iter().map(as_input).collect(),
                },
            )
            .await
            .unwrap();
        assert_eq!(applied.len(), p.groups.len());

        // A clash the admin typed is refused with the same rules as a slot typed by hand.
        let ballet = applied.iter().find(|g| g.name == "Ballet juniors").unwrap();
        let karate = applied.iter().find(|g| g.name == "Karate kids").unwrap();
        let k = &karate.slots[0];
        let mut clash = slot(k.weekday, &k.start);
        clash.room_id = k.room.as_ref().map(|r| r.id);
        let e = t
            .core
            .timetable_apply(
                mgr,
                TimetableApplyArgs {
                    from: "2026-11-30".into(),
                    groups: vec![TimetableGroupInput {
                        id: ballet.id,
                        version: ballet.version,
                        slots: vec![clash],
                    }],
                },
            )
            .await
            .unwrap_err();
        assert!(fields(e).contains(&("groups.0.slots.0.start".into(), "room_busy".into())));

        // A lock holds through the next proposal; a stale version is refused.
        let mut locked = as_input(p.groups.iter().find(|g| g.group.id == ballet.id).unwrap());
        locked.version = ballet.version;
        locked.slots[0].locked = true;
        let (day, start) = (locked.slots[0].weekday, locked.slots[0].start.clone());
        let done = t
            .core
            .timetable_apply(
                mgr,
                TimetableApplyArgs {
                    from: "2026-11-30".into(),
                    groups: vec![locked.clone()],
                },
            )
            .await
            .unwrap();
        assert!(done[0].version > ballet.version);
        let again = propose(2).await.unwrap();
        assert_eq!(again.hard_conflicts, 0);
        let b = again
            .groups
            .iter()
            .find(|g| g.group.id == ballet.id)
            .unwrap();
        assert!(b
            .slots
            .iter()
            .any(|s| s.locked && s.weekday == day && s.start == start && !s.changed));
        let e = t
            .core
            .timetable_apply(
                mgr,
                TimetableApplyArgs {
                    from: "2026-11-30".into(),
                    groups: vec![locked],
                },
            )
            .await
            .unwrap_err();
        assert!(matches!(e, ApiError::Conflict { .. }), "{e:?}");
    })
    .await;
}
