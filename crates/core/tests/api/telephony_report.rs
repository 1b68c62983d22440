//! The calls report over the demo's two weeks of calls: every breakdown adds up to the
//! totals, the centre's hours, names and countries; bad spans refused at their field.

use hallpass_core::api::*;

use crate::support::each_engine;

#[tokio::test]
async fn the_report_adds_up_the_demo_calls() {
    each_engine(|t| async move {
        t.demo().await;
        let manager = t.login("manager").await;
        let mgr = Some(manager.as_str());
        let all = t.count("calls").await as u32;
        let missed = t.count("callbacks").await as u32;
        let r = t
            .core
            .calls_report(mgr, CallsReportArgs::default())
            .await
            .unwrap();
        // The demo's two weeks, all within the last 30 days.
        assert_eq!(r.totals.calls, all);
        assert_eq!(r.totals.missed, missed);
        assert_eq!(r.totals.incoming + r.totals.outgoing, all);
        assert_eq!(
            r.totals.answered,
            all - missed,
            "the demo's outgoing calls got through"
        );
        assert_eq!(r.totals.missed_permille, missed * 1000 / r.totals.incoming);
        let sum = |rows: &mut dyn Iterator<Item = u32>| rows.sum::<u32>();
        assert_eq!(sum(&mut r.by_period.iter().map(|p| p.totals.calls)), all);
        assert_eq!(sum(&mut r.by_hour.iter().map(|h| h.totals.calls)), all);
        assert_eq!(sum(&mut r.by_employee.iter().map(|e| e.totals.calls)), all);
        assert_eq!(sum(&mut r.by_country.iter().map(|c| c.totals.calls)), all);
        assert_eq!(
            sum(&mut r.talk_bands.iter().map(|b| b.calls)),
            all - missed,
            "every answered call has its band"
        );
        // The centre's hours: the demo calls come between 9:00 and 19:00 local time.
        assert!(
            r.by_hour.iter().all(|h| (9..19).contains(&h.hour)),
            "{:?}",
            r.by_hour
        );
        let names: Vec<&str> = r
            .by_employee
            .iter()
            .filter_map(|e| e.user.as_ref().map(|u| u.name.as_str()))
            .collect();
        assert!(names.contains(&"Noy Phommachanh") && names.contains(&"Anna Volkova"));
        assert!(r
            .by_country
            .iter()
            .any(|c| c.country.as_deref() == Some("LA")));
        // By week: fewer rows, the same calls.
        let weeks = t
            .core
            .calls_report(
                mgr,
                CallsReportArgs {
                    period: ReportPeriod::Week,
                    ..Default::default()
                },
            )
            .await
            .unwrap();
        assert!(weeks.by_period.len() <= 4);
        assert_eq!(weeks.totals, r.totals);
        // Bad spans are refused at their field.
        let span = |from: &str, to: &str| CallsReportArgs {
            from: Some(from.into()),
            to: Some(to.into()),
            period: ReportPeriod::Day,
        };
        for (from, to, field) in [
            ("2026-11", "2026-11-23", "from"),
            ("2026-11-23", "2026-11-01", "to"),
            ("2024-01-01", "2026-11-23", "to"),
        ] {
            let e = t.core.calls_report(mgr, span(from, to)).await;
            assert!(
                matches!(&e, Err(ApiError::Validation { errors }) if errors[0].field == field),
                "{from}..{to}: {e:?}"
            );
        }
    })
    .await;
}
