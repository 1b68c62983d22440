//! Marking and holding a class: visits written off from the pass ending first, a visit to
//! settle without one, make-ups, undo on the day, op ids applied once, and two tablets (or a
//! tablet and the desk) on one class at once.

use hallpass_core::api::*;
use uuid::Uuid;

use super::{group, setup, slot, Setup};
use crate::money::{client, plan, sell, ten_visits};
use crate::support::{each_engine, TestCore};

/// Today's (Monday 23 November) 17:00 class of a new group with members A, B, C, D: A has a
/// pass, B two (the one ending first must pay), C none, D will be excused.
pub async fn class(t: &TestCore, token: Option<&str>) -> (Setup, String, Vec<Uuid>, Vec<Uuid>) {
    let s = setup(t, token).await;
    let g = t
        .core
        .groups_create(
            token,
            GroupsCreateArgs {
                group: group(&s, "Swans", vec![slot(1, "17:00")]),
            },
        )
        .await
        .unwrap();
    let mut members = Vec::new();
    for n in ["Anna", "Boris", "Chan", "Dara"] {
        members.push(client(t, token, &format!("{n} Swan"), None).await);
    }
    t.core
        .group_members_set(
            token,
            GroupMembersSetArgs {
                group_id: g.id,
                version: g.version,
                client_ids: members.clone(),
                on: None,
            },
        )
        .await
        .unwrap();
    let ten = plan(t, token, ten_visits(vec![s.service.id])).await;
    let mut short = ten_visits(vec![]);
    short.name = "Short".into();
    short.validity.count = 10;
    let short = plan(t, token, short).await;
    let mut passes = Vec::new();
    for (who, p) in [
        (members[0], ten.id),
        (members[1], ten.id),
        (members[1], short.id),
        (members[3], ten.id),
    ] {
        passes.push(
            t.core
                .membership_sell(token, sell(who, p))
                .await
                .unwrap()
                .membership
                .id,
        );
    }
    let w = t
        .core
        .schedule_week(
            token,
            ScheduleWeekArgs {
                from: "2026-11-23".into(),
                days: Some(1),
                group_id: Some(g.id),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(w.occurrences.len(), 1);
    (s, w.occurrences[0].id.clone(), members, passes)
}

fn mark(occurrence: &str, client_id: Uuid, status: AttendanceStatus) -> AttendanceMarkArgs {
    AttendanceMarkArgs {
        op_id: Uuid::now_v7(),
        occurrence_id: occurrence.into(),
        client_id,
        status,
        kind: None,
    }
}

async fn left(t: &TestCore, token: Option<&str>, client_id: Uuid) -> Vec<Option<u32>> {
    let list = t
        .core
        .memberships_list(
            token,
            MembershipsListArgs {
                client_id: Some(client_id),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    let mut v: Vec<(String, Option<u32>)> =
        list.into_iter().map(|m| (m.name, m.visits_left)).collect();
    v.sort();
    v.into_iter().map(|(_, l)| l).collect()
}

#[tokio::test]
async fn holding_a_class_writes_off_once_and_undo_gives_back() {
    each_engine(|t| async move {
        t.demo().await;
        let mgr = t.login("manager").await;
        let mgr = Some(mgr.as_str());
        let (_, occ, m, _) = class(&t, mgr).await;
        let tutor = t.login("instructor").await;
        let tutor = Some(tutor.as_str());
        for (who, status) in [
            (m[0], AttendanceStatus::Present),
            (m[1], AttendanceStatus::Late),
            (m[2], AttendanceStatus::Present),
            (m[3], AttendanceStatus::Excused),
        ] {
            t.core
                .attendance_mark(tutor, mark(&occ, who, status))
                .await
                .unwrap();
        }
        // A mark sent twice (a dropped reply) is applied once and answers the same.
        let again = mark(&occ, m[0], AttendanceStatus::Present);
        let first = t.core.attendance_mark(tutor, again.clone()).await.unwrap();
        let second = t.core.attendance_mark(tutor, again).await.unwrap();
        assert_eq!(first.marked_at, second.marked_at);

        let sheet = t
            .core
            .occurrence_get(tutor, OccurrenceGetArgs { id: occ.clone() })
            .await
            .unwrap();
        assert_eq!(sheet.lines.len(), 4);
        assert_eq!(
            sheet.lines[1].pass.as_ref().unwrap().name,
            "Short",
            "the pass ending first pays"
        );

        let hold = ClassHoldArgs {
            op_id: Uuid::now_v7(),
            occurrence_id: occ.clone(),
        };
        let audit = t.count("audit_log").await;
        let makeups = t.count("makeups").await;
        let r = t.core.class_hold(tutor, hold.clone()).await.unwrap();
        assert_eq!(r.visits.len(), 3);
        assert_eq!(r.makeups_earned, 1);
        let chan = r.visits.iter().find(|w| w.client.id == m[2]).unwrap();
        assert!(
            chan.to_settle && chan.pass.is_none(),
            "no pass: a visit to settle, not dropped"
        );
        assert_eq!(left(&t, mgr, m[0]).await, [Some(9)]);
        assert_eq!(
            left(&t, mgr, m[1]).await,
            [Some(10), Some(9)],
            "the short pass paid"
        );
        assert_eq!(left(&t, mgr, m[3]).await, [Some(10)]);
        assert!(t.count("audit_log").await > audit);
        // Replayed: the same answer, nothing written off twice.
        let replay = t.core.class_hold(tutor, hold).await.unwrap();
        assert_eq!(replay.at, r.at);
        assert_eq!(left(&t, mgr, m[0]).await, [Some(9)]);
        // Another hold of the same class is a conflict; so is a late mark.
        let e = t
            .core
            .class_hold(
                tutor,
                ClassHoldArgs {
                    op_id: Uuid::now_v7(),
                    occurrence_id: occ.clone(),
                },
            )
            .await
            .unwrap_err();
        assert!(matches!(e, ApiError::Conflict { .. }), "{e:?}");
        let e = t
            .core
            .attendance_mark(tutor, mark(&occ, m[3], AttendanceStatus::Present))
            .await
            .unwrap_err();
        assert!(matches!(e, ApiError::Conflict { .. }), "{e:?}");
        // The visits are on the clients' timelines.
        let tl = t
            .core
            .client_timeline_list(
                mgr,
                TimelineListArgs {
                    client_id: m[0],
                    kinds: vec![],
                    before: None,
                    limit: None,
                },
            )
            .await
            .unwrap();
        assert!(tl
            .items
            .iter()
            .any(|e| matches!(e.event, Some(TimelineEvent::Visit { visits: 1, .. }))));

        // Undone the same day: every visit back, the timeline entry gone, the make-up too.
        let sheet = t
            .core
            .occurrence_get(tutor, OccurrenceGetArgs { id: occ.clone() })
            .await
            .unwrap();
        assert!(sheet.can_undo);
        t.core
            .class_hold_undo(
                tutor,
                ClassHoldArgs {
                    op_id: Uuid::now_v7(),
                    occurrence_id: occ.clone(),
                },
            )
            .await
            .unwrap();
        assert_eq!(left(&t, mgr, m[0]).await, [Some(10)]);
        assert_eq!(left(&t, mgr, m[1]).await, [Some(10), Some(10)]);
        assert_eq!(t.count("makeups").await, makeups);
        let tl = t
            .core
            .client_timeline_list(
                mgr,
                TimelineListArgs {
                    client_id: m[0],
                    kinds: vec![],
                    before: None,
                    limit: None,
                },
            )
            .await
            .unwrap();
        assert!(!tl
            .items
            .iter()
            .any(|e| matches!(e.event, Some(TimelineEvent::Visit { .. }))));

        // Held again, then the next day it can no longer be undone.
        t.core
            .class_hold(
                tutor,
                ClassHoldArgs {
                    op_id: Uuid::now_v7(),
                    occurrence_id: occ.clone(),
                },
            )
            .await
            .unwrap();
        t.advance(chrono::Duration::days(1));
        let tutor = t.login("instructor").await;
        let tutor = Some(tutor.as_str());
        let mgr = t.login("manager").await;
        let mgr = Some(mgr.as_str());
        let e = t
            .core
            .class_hold_undo(
                tutor,
                ClassHoldArgs {
                    op_id: Uuid::now_v7(),
                    occurrence_id: occ.clone(),
                },
            )
            .await
            .unwrap_err();
        assert_eq!(
            crate::helpers::fields(e),
            [("occurrence_id".into(), "too_late".into())]
        );
        // The excused member's make-up pays for a class of another day instead of a visit.
        let next = occ.replace("20261123T1700", "20261130T1700");
        let mut args = mark(&next, m[3], AttendanceStatus::Present);
        args.kind = Some(VisitKind::Makeup);
        t.core.attendance_mark(tutor, args).await.unwrap();
        let r = t
            .core
            .class_hold(
                tutor,
                ClassHoldArgs {
                    op_id: Uuid::now_v7(),
                    occurrence_id: next,
                },
            )
            .await
            .unwrap();
        assert!(r.visits[0].makeup_used);
        assert_eq!(left(&t, mgr, m[3]).await, [Some(10)]);
    })
    .await;
}

#[tokio::test]
async fn two_tablets_and_the_desk_on_one_class() {
    each_engine(|t| async move {
        t.demo().await;
        let mgr = t.login("manager").await;
        let (_, occ, m, _) = class(&t, Some(&mgr)).await;
        t.core
            .attendance_mark(Some(&mgr), mark(&occ, m[0], AttendanceStatus::Present))
            .await
            .unwrap();
        // Two tablets hold at once (different ops): one wins, the other is told.
        let mut tasks = Vec::new();
        for _ in 0..2 {
            let (core, token, occ) = (t.core.clone(), mgr.clone(), occ.clone());
            tasks.push(tokio::spawn(async move {
                core.class_hold(
                    Some(&token),
                    ClassHoldArgs {
                        op_id: Uuid::now_v7(),
                        occurrence_id: occ,
                    },
                )
                .await
            }));
        }
        let mut ok = 0;
        for task in tasks {
            match task.await.unwrap() {
                Ok(_) => ok += 1,
                Err(e) => assert!(matches!(e, ApiError::Conflict { .. }), "{e:?}"),
            }
        }
        assert_eq!(ok, 1);
        assert_eq!(left(&t, Some(&mgr), m[0]).await, [Some(9)]);

        // One op sent by two connections at once (a retry racing its original): applied once,
        // both told the same.
        let next = occ.replace("20261123T1700", "20261130T1700");
        t.core
            .attendance_mark(Some(&mgr), mark(&next, m[0], AttendanceStatus::Present))
            .await
            .unwrap();
        let op = ClassHoldArgs {
            op_id: Uuid::now_v7(),
            occurrence_id: next.clone(),
        };
        let mut tasks = Vec::new();
        for _ in 0..2 {
            let (core, token, op) = (t.core.clone(), mgr.clone(), op.clone());
            tasks.push(tokio::spawn(async move {
                core.class_hold(Some(&token), op).await
            }));
        }
        let mut at = Vec::new();
        for task in tasks {
            at.push(task.await.unwrap().unwrap().at);
        }
        assert_eq!(at[0], at[1]);
        assert_eq!(left(&t, Some(&mgr), m[0]).await, [Some(8)]);

        // The desk cancels a class while a tablet marks it: the mark comes back as a conflict
        // naming the reason, and nothing is written for it.
        let third = occ.replace("20261123T1700", "20261207T1700");
        t.core
            .occurrence_update(
                Some(&mgr),
                OccurrenceUpdateArgs {
                    id: third.clone(),
                    version: 0,
                    change: OccurrenceChange::Cancel {
                        reason: "flooded".into(),
                    },
                },
            )
            .await
            .unwrap();
        let before = t.count("attendance").await;
        let e = t
            .core
            .attendance_mark(Some(&mgr), mark(&third, m[1], AttendanceStatus::Present))
            .await
            .unwrap_err();
        match e {
            ApiError::Conflict { message } => assert!(message.contains("flooded"), "{message}"),
            other => panic!("{other:?}"),
        }
        assert_eq!(t.count("attendance").await, before);
    })
    .await;
}
