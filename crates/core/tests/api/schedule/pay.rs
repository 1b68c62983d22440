//! Instructors' pay: the rule in force on a class's day (the service's own before the
//! instructor's general one), tiers, a percent of the visits' value, an empty class, a
//! substitute; a later rule never moves earlier pay; an approved period is kept as approved
//! and locks its classes; rankings.

use hallpass_core::api::*;
use uuid::Uuid;

use super::attendance::class;
use super::{group, slot};
use crate::helpers::fields;
use crate::support::each_engine;

fn rule(staff_id: Uuid, service_id: Option<Uuid>, from: &str) -> PayRuleInput {
    PayRuleInput {
        staff_id,
        service_id,
        effective_from: from.into(),
        per_class: 0,
        per_attendee: 0,
        tiers: Vec::new(),
        percent_points: 0,
        empty_class: 0,
        substitute_per_class: None,
        note: String::new(),
    }
}

#[tokio::test]
async fn pay_follows_the_rule_in_force_and_approved_periods_stay() {
    each_engine(|t| async move {
        t.demo().await;
        let mgr = t.login("manager").await;
        let mgr = Some(mgr.as_str());
        let (s, occ, members, _) = class(&t, mgr).await;
        let create = |r: PayRuleInput| t.core.pay_rules_create(mgr, PayRulesCreateArgs { rule: r });
        let mut general = rule(s.instructor, None, "2026-11-01");
        general.per_class = 50_000;
        general.empty_class = 30_000;
        let general = create(general).await.unwrap();
        let mut own = rule(s.instructor, Some(s.service.id), "2026-11-23");
        own.per_class = 70_000;
        own.per_attendee = 1_000;
        own.tiers = vec![
            Tier {
                min_attendees: 2,
                amount: 5_000,
            },
            Tier {
                min_attendees: 3,
                amount: 20_000,
            },
        ];
        own.percent_points = 2_000;
        own.empty_class = 25_000;
        let own = create(own).await.unwrap();
        let mut sub = rule(s.other_instructor, None, "2026-11-01");
        sub.per_class = 60_000;
        sub.substitute_per_class = Some(40_000);
        create(sub).await.unwrap();

        // Bad rules name their fields.
        let mut bad = rule(s.instructor, None, "2026-11-31");
        bad.per_class = -1;
        bad.percent_points = 10_001;
        bad.tiers = vec![Tier {
            min_attendees: 0,
            amount: 1,
        }];
        let mut got = fields(create(bad).await.unwrap_err());
        got.sort();
        assert_eq!(
            got,
            [
                ("rule.effective_from".into(), "invalid_date".into()),
                ("rule.per_class".into(), "negative".into()),
                ("rule.percent_points".into(), "out_of_range".into()),
                ("rule.tiers.0.min_attendees".into(), "out_of_range".into()),
            ]
        );

        // Three came (two with passes worth 10,000,000 a visit, one to settle), one excused.
        for (i, status) in [
            AttendanceStatus::Present,
            AttendanceStatus::Late,
            AttendanceStatus::Present,
            AttendanceStatus::Excused,
        ]
        .into_iter()
        .enumerate()
        {
            t.core
                .attendance_mark(
                    mgr,
                    AttendanceMarkArgs {
                        op_id: Uuid::now_v7(),
                        occurrence_id: occ.clone(),
                        client_id: members[i],
                        status,
                        kind: None,
                    },
                )
                .await
                .unwrap();
        }
        let hold = |id: &str| {
            t.core.class_hold(
                mgr,
                ClassHoldArgs {
                    op_id: Uuid::now_v7(),
                    occurrence_id: id.to_string(),
                },
            )
        };
        hold(&occ).await.unwrap();
        // The one who came without a pass owes the class at the desk.
        let flags = t
            .core
            .flags_get(
                mgr,
                FlagsGetArgs {
                    client_ids: vec![members[2]],
                },
            )
            .await
            .unwrap();
        assert!(
            flags[0].flags.contains(&Flag::ToSettle { classes: 1 }),
            "{flags:?}"
        );

        // An empty class at 18:00, and one at 19:00 taught by a substitute.
        let mut today = Vec::new();
        for (name, at) in [("Empty", "18:00"), ("Covered", "19:00")] {
            let g = t
                .core
                .groups_create(
                    mgr,
                    GroupsCreateArgs {
                        group: group(&s, name, vec![slot(1, at)]),
                    },
                )
                .await
                .unwrap();
            let w = t
                .core
                .schedule_week(
                    mgr,
                    ScheduleWeekArgs {
                        from: "2026-11-23".into(),
                        days: Some(1),
                        group_id: Some(g.id),
                        ..Default::default()
                    },
                )
                .await
                .unwrap();
            today.push(w.occurrences[0].id.clone());
        }
        t.core
            .occurrence_update(
                mgr,
                OccurrenceUpdateArgs {
                    id: today[1].clone(),
                    version: 0,
                    change: OccurrenceChange::Substitute {
                        instructor_id: Some(s.other_instructor),
                        reason: "ill".into(),
                    },
                },
            )
            .await
            .unwrap();
        hold(&today[0]).await.unwrap();
        hold(&today[1]).await.unwrap();

        let statement = |staff_id: Uuid, from: &str, to: &str| {
            t.core.pay_statement(
                mgr,
                PayStatementArgs {
                    staff_id,
                    from: from.into(),
                    to: to.into(),
                },
            )
        };
        let st = statement(s.instructor, "2026-11-23", "2026-11-23")
            .await
            .unwrap();
        assert_eq!(st.classes, 2);
        let first = &st.lines[0];
        assert_eq!((first.attendees, first.value), (3, 20_000_000));
        assert_eq!(first.rule_id, Some(own.id));
        assert_eq!(first.amount, 70_000 + 3 * 1_000 + 20_000 + 4_000_000);
        assert_eq!((st.lines[1].attendees, st.lines[1].amount), (0, 25_000));
        assert_eq!(st.total, first.amount + 25_000);
        let other = statement(s.other_instructor, "2026-11-23", "2026-11-23")
            .await
            .unwrap();
        assert_eq!(other.lines.len(), 1);
        assert!(other.lines[0].substitute);
        assert_eq!(other.total, 40_000);

        // A rate change from tomorrow leaves today's pay as it was.
        let mut raise = rule(s.instructor, Some(s.service.id), "2026-11-24");
        raise.per_class = 99_000;
        let raise = create(raise).await.unwrap();
        let same = statement(s.instructor, "2026-11-23", "2026-11-23")
            .await
            .unwrap();
        assert_eq!(same.lines, st.lines);

        // Approved: kept as approved; its classes and its rules are locked.
        let approve = |from: &str, to: &str| {
            t.core.pay_period_approve(
                mgr,
                PayPeriodApproveArgs {
                    starts_on: from.into(),
                    ends_on: to.into(),
                },
            )
        };
        let e = approve("2026-11-23", "2026-11-24").await.unwrap_err();
        assert_eq!(fields(e), [("ends_on".into(), "in_future".into())]);
        let period = approve("2026-11-02", "2026-11-23").await.unwrap();
        assert!(period.total >= st.total + other.total);
        let locked = statement(s.instructor, "2026-11-23", "2026-11-23")
            .await
            .unwrap();
        assert!(locked.lines.iter().all(|l| l.locked));
        assert_eq!(locked.total, st.total);
        let e = t
            .core
            .class_hold_undo(
                mgr,
                ClassHoldArgs {
                    op_id: Uuid::now_v7(),
                    occurrence_id: occ.clone(),
                },
            )
            .await
            .unwrap_err();
        assert!(matches!(e, ApiError::Conflict { .. }), "{e:?}");
        let e = create(rule(s.instructor, None, "2026-11-20"))
            .await
            .unwrap_err();
        assert_eq!(fields(e), [("rule.effective_from".into(), "locked".into())]);
        let e = t
            .core
            .pay_rules_delete(mgr, PayRulesDeleteArgs { id: general.id })
            .await
            .unwrap_err();
        assert!(matches!(e, ApiError::Conflict { .. }), "{e:?}");
        t.core
            .pay_rules_delete(mgr, PayRulesDeleteArgs { id: raise.id })
            .await
            .unwrap();
        let e = approve("2026-11-25", "2026-11-23").await.unwrap_err();
        assert_eq!(fields(e), [("ends_on".into(), "before_start".into())]);
        t.advance(chrono::Duration::days(3));
        let mgr2 = t.login("manager").await;
        let e = t
            .core
            .pay_period_approve(
                Some(mgr2.as_str()),
                PayPeriodApproveArgs {
                    starts_on: "2026-11-25".into(),
                    ends_on: "2026-11-25".into(),
                },
            )
            .await
            .unwrap_err();
        assert_eq!(fields(e), [("starts_on".into(), "not_next".into())]);
        let periods = t
            .core
            .pay_periods_list(Some(mgr2.as_str()), NoArgs {})
            .await
            .unwrap();
        assert_eq!(periods.len(), 1);

        // Rankings: who joined, classes, attendees, what the visits were worth.
        let r = t
            .core
            .instructor_rankings(
                Some(mgr2.as_str()),
                InstructorRankingsArgs {
                    from: "2026-11-23".into(),
                    to: "2026-11-23".into(),
                },
            )
            .await
            .unwrap();
        let me = r
            .instructors
            .iter()
            .find(|i| i.instructor.id == s.instructor)
            .unwrap();
        assert_eq!(
            (
                me.enrolments,
                me.refusals,
                me.classes,
                me.attendees,
                me.revenue
            ),
            (4, 0, 2, 3, 20_000_000)
        );

        // The desk sees no pay.
        let desk = t.login("reception").await;
        let e = t
            .core
            .pay_statement(
                Some(desk.as_str()),
                PayStatementArgs {
                    staff_id: s.instructor,
                    from: "2026-11-23".into(),
                    to: "2026-11-23".into(),
                },
            )
            .await
            .unwrap_err();
        assert!(matches!(e, ApiError::Forbidden { .. }), "{e:?}");
    })
    .await;
}
