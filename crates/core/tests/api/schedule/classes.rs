//! Groups' slots checked by the timetable's rules; classes derived from them across a
//! daylight-saving change, with one-off changes and holidays laid over them.

use chrono::Timelike;
use hallpass_core::api::*;

use super::{group, setup, slot};
use crate::helpers::fields;
use crate::support::each_engine;

#[tokio::test]
async fn slots_typed_by_hand_obey_the_timetable_rules() {
    each_engine(|t| async move {
        t.demo().await;
        let mgr = t.login("manager").await;
        let mgr = Some(mgr.as_str());
        let s = setup(&t, mgr).await;
        let create = |g: GroupInput| t.core.groups_create(mgr, GroupsCreateArgs { group: g });
        let a = create(group(&s, "Swans", vec![slot(1, "17:00"), slot(3, "17:00")]))
            .await
            .unwrap();
        assert_eq!(a.slots.len(), 2);
        assert_eq!(a.colour, "#8a3b12");
        assert_eq!(a.slots[0].rule, "FREQ=WEEKLY;BYDAY=MO");

        // The same room at the same time (and the same instructor).
        let e = create(group(&s, "Ducks", vec![slot(1, "17:30")]))
            .await
            .unwrap_err();
        assert_eq!(
            fields(e),
            [
                ("group.slots.0.start".into(), "room_busy".into()),
                ("group.slots.0.start".into(), "instructor_busy".into())
            ]
        );
        // Another room, the same instructor, more people than the room holds.
        let mut g = group(&s, "Ducks", vec![slot(1, "16:30")]);
        g.room_id = Some(s.small.id);
        let mut got = fields(create(g).await.unwrap_err());
        got.sort();
        assert_eq!(
            got,
            [
                ("group.slots.0.start".into(), "instructor_busy".into()),
                ("group.slots.0.start".into(), "over_capacity".into())
            ]
        );
        // After the room closes and the instructor's day ends; a Sunday they do not work.
        let mut g = group(&s, "Ducks", vec![slot(2, "20:30"), slot(7, "10:00")]);
        g.instructor_id = Some(s.other_instructor);
        let mut got = fields(create(g).await.unwrap_err());
        got.sort();
        assert_eq!(
            got,
            [
                (
                    "group.slots.0.start".into(),
                    "instructor_unavailable".into()
                ),
                ("group.slots.0.start".into(), "room_closed".into()),
                (
                    "group.slots.1.start".into(),
                    "instructor_unavailable".into()
                ),
            ]
        );
        // Bad fields name themselves; nothing is written.
        let before = t.count("class_groups").await;
        let mut g = group(&s, " ", vec![slot(9, "7pm")]);
        g.starts_on = "2026-13-01".into();
        g.capacity = 0;
        let mut got = fields(create(g).await.unwrap_err());
        got.sort();
        assert_eq!(
            got,
            [
                ("group.capacity".into(), "out_of_range".into()),
                ("group.name".into(), "required".into()),
                ("group.slots.0.start".into(), "invalid_time".into()),
                ("group.slots.0.weekday".into(), "out_of_range".into()),
                ("group.starts_on".into(), "invalid_date".into()),
            ]
        );
        assert_eq!(t.count("class_groups").await, before);

        // Fine elsewhere; a changed slot applies from a day on and earlier classes keep theirs.
        let mut g = group(&s, "Ducks", vec![slot(2, "10:00")]);
        g.instructor_id = Some(s.other_instructor);
        let b = create(g.clone()).await.unwrap();
        g.slots = vec![slot(2, "11:00")];
        let b2 = t
            .core
            .groups_update(
                mgr,
                GroupsUpdateArgs {
                    id: b.id,
                    version: b.version,
                    group: g,
                    slots_from: Some("2026-12-01".into()),
                },
            )
            .await
            .unwrap();
        assert_eq!(
            b2.slots
                .iter()
                .map(|s| s.start.as_str())
                .collect::<Vec<_>>(),
            ["10:00", "11:00"]
        );
        let week = |from: &str| {
            t.core.schedule_week(
                mgr,
                ScheduleWeekArgs {
                    from: from.into(),
                    days: Some(7),
                    group_id: Some(b.id),
                    ..Default::default()
                },
            )
        };
        let before = week("2026-11-23").await.unwrap();
        let after = week("2026-11-30").await.unwrap();
        let local = |o: &Occurrence| o.original.format("%a %H:%M").to_string();
        assert_eq!(
            before.occurrences.iter().map(local).collect::<Vec<_>>(),
            ["Tue 10:00"]
        );
        assert_eq!(
            after.occurrences.iter().map(local).collect::<Vec<_>>(),
            ["Tue 11:00"]
        );
    })
    .await;
}

#[tokio::test]
async fn classes_keep_local_time_across_daylight_saving_with_changes_and_holidays() {
    each_engine(|t| async move {
        t.demo().await;
        let owner = t.login("owner").await;
        let owner = Some(owner.as_str());
        let c = t.core.centre_get(owner, NoArgs {}).await.unwrap();
        let input = CentreInput {
            name: c.name.clone(),
            time_zone: "Europe/Berlin".into(),
            currency: c.currency.clone(),
            phone_country: c.phone_country.clone(),
            logo: None,
            details: c.details.clone(),
        };
        t.core
            .centre_update(
                owner,
                CentreUpdateArgs {
                    version: c.version,
                    centre: input,
                },
            )
            .await
            .unwrap();
        let s = setup(&t, owner).await;
        let mut g = group(&s, "Saturday Swans", vec![slot(6, "10:00")]);
        g.starts_on = "2027-03-01".into();
        let g = t
            .core
            .groups_create(owner, GroupsCreateArgs { group: g })
            .await
            .unwrap();
        let week = |from: &str, days: u32| {
            t.core.schedule_week(
                owner,
                ScheduleWeekArgs {
                    from: from.into(),
                    days: Some(days),
                    group_id: Some(g.id),
                    ..Default::default()
                },
            )
        };
        // 27 March is a winter Saturday (UTC+1), 3 April a summer one (UTC+2): 10:00 local both.
        let w = week("2027-03-22", 14).await.unwrap();
        assert_eq!(w.time_zone, "Europe/Berlin");
        let hours: Vec<u32> = w.occurrences.iter().map(|o| o.starts_at.hour()).collect();
        assert_eq!(hours, [9, 8]);
        let (winter, summer) = (w.occurrences[0].clone(), w.occurrences[1].clone());

        // Cancel one with a reason; a cancel without one is refused.
        let update = |id: &str, version: i64, change: OccurrenceChange| {
            t.core.occurrence_update(
                owner,
                OccurrenceUpdateArgs {
                    id: id.into(),
                    version,
                    change,
                },
            )
        };
        let e = update(
            &winter.id,
            0,
            OccurrenceChange::Cancel { reason: " ".into() },
        )
        .await
        .unwrap_err();
        assert_eq!(fields(e), [("change.reason".into(), "required".into())]);
        let c = update(
            &winter.id,
            0,
            OccurrenceChange::Cancel {
                reason: "teacher ill".into(),
            },
        )
        .await
        .unwrap();
        assert_eq!((c.status, c.version), (OccurrenceStatus::Cancelled, 2));
        let e = update(&winter.id, 0, OccurrenceChange::Restore)
            .await
            .unwrap_err();
        assert!(matches!(e, ApiError::Conflict { .. }), "{e:?}");

        // Move the summer one: not to a Sunday (the instructor's day off); to Friday noon.
        let to = |start: &str| OccurrenceChange::Move {
            start: start.into(),
            duration_minutes: Some(90),
            room_id: None,
            reason: String::new(),
        };
        let e = update(&summer.id, 0, to("2027-04-04T11:00"))
            .await
            .unwrap_err();
        assert_eq!(
            fields(e),
            [("change.start".into(), "instructor_unavailable".into())]
        );
        let m = update(&summer.id, 0, to("2027-04-02T12:00")).await.unwrap();
        assert_eq!(m.id, summer.id);
        assert!(m.moved);
        assert_eq!(
            (m.starts_at.hour(), (m.ends_at - m.starts_at).num_minutes()),
            (10, 90)
        );

        // The week shows both where they are now; a holiday takes a Saturday away.
        t.core
            .holidays_add(
                owner,
                HolidaysAddArgs {
                    day: "2027-04-10".into(),
                    name: "Easter".into(),
                },
            )
            .await
            .unwrap();
        let w = week("2027-03-22", 21).await.unwrap();
        let seen: Vec<(String, OccurrenceStatus)> = w
            .occurrences
            .iter()
            .map(|o| (o.starts_at.format("%m-%d %H:%M").to_string(), o.status))
            .collect();
        assert_eq!(
            seen,
            [
                ("03-27 09:00".into(), OccurrenceStatus::Cancelled),
                ("04-02 10:00".into(), OccurrenceStatus::Scheduled),
            ]
        );
        assert_eq!(w.holidays.len(), 1);
        // The list of holidays shows it, with the demo's coming public holidays.
        let listed = t
            .core
            .holidays_list(owner, HolidaysListArgs { from: None })
            .await
            .unwrap();
        assert!(listed
            .iter()
            .any(|h| h.name == "Easter" && h.day.to_string() == "2027-04-10"));
        assert!(listed.iter().any(|h| h.name == "Lao New Year"));
        assert!(listed.windows(2).all(|w| w[0].day < w[1].day));
        // The moved class is found by its id alone.
        let d = t
            .core
            .occurrence_get(
                owner,
                OccurrenceGetArgs {
                    id: summer.id.clone(),
                },
            )
            .await
            .unwrap();
        assert_eq!(d.occurrence.starts_at, m.starts_at);
    })
    .await;
}
