//! Changing a sold pass: freezes within the allowance move its end, unfreezing gives the
//! days back, extensions and transfers carry a reason into the audit log.

use chrono::{Duration, NaiveDate};
use hallpass_core::api::*;

use super::{client, plan, sell, ten_visits};
use crate::helpers::fields;
use crate::support::each_engine;

fn freeze(m: &Membership, from: &str, until: &str, reason: &str) -> MembershipFreezeArgs {
    MembershipFreezeArgs {
        id: m.id,
        version: m.version,
        from: from.into(),
        until: until.into(),
        reason: reason.into(),
    }
}

#[tokio::test]
async fn passes_are_frozen_extended_and_handed_on_with_reasons() {
    each_engine(|t| async move {
        t.demo().await;
        let mgr = t.login("manager").await;
        let mgr = Some(mgr.as_str());
        let desk = t.login("reception").await;
        let desk = Some(desk.as_str());
        let ten = plan(&t, mgr, ten_visits(vec![])).await;
        let eva = client(&t, mgr, "Pass Eva", None).await;
        let mut week_ago = sell(eva, ten.id);
        week_ago.start_date = Some("2026-11-16".into());
        let m = t.core.membership_sell(desk, week_ago).await.unwrap().membership;
        let end = m.ends_on.unwrap();
        let today = NaiveDate::from_ymd_opt(2026, 11, 23).unwrap();

        // Five days from today: frozen now, the end five days later.
        let e = t.core.membership_freeze(desk, freeze(&m, "2026-11-2", "2026-11-20", "")).await.unwrap_err();
        assert_eq!(
            fields(e),
            [("from".into(), "invalid_date".into()), ("reason".into(), "required".into())]
        );
        let e = t.core.membership_freeze(desk, freeze(&m, "2026-11-23", "2026-12-08", "long trip")).await.unwrap_err();
        assert_eq!(fields(e), [("until".into(), "beyond_allowance".into())], "16 days of 14");
        let f = t.core.membership_freeze(desk, freeze(&m, "2026-11-23", "2026-11-27", "flu")).await.unwrap();
        assert_eq!(f.state, MembershipState::Frozen);
        assert_eq!((f.ends_on, f.freeze_days_used), (Some(end + Duration::days(5)), 5));
        let e = t.core.membership_freeze(desk, freeze(&m, "2026-11-24", "2026-11-25", "again")).await.unwrap_err();
        assert!(matches!(e, ApiError::Conflict { .. }), "stale version: {e:?}");
        let e = t.core.membership_freeze(desk, freeze(&f, "2026-11-27", "2026-11-28", "again")).await.unwrap_err();
        assert_eq!(fields(e), [("from".into(), "overlaps".into())]);

        // Unfrozen the same day: the freeze goes, so do its days.
        let u = t
            .core
            .membership_unfreeze(desk, MembershipUnfreezeArgs { id: m.id, version: f.version })
            .await
            .unwrap();
        assert_eq!((u.state, u.ends_on, u.freeze_days_used), (MembershipState::Active, Some(end), 0));

        // Frozen since three days ago until Friday, unfrozen today: three days stay frozen.
        let f = t.core.membership_freeze(desk, freeze(&u, "2026-11-20", "2026-11-27", "holiday")).await.unwrap();
        let u = t
            .core
            .membership_unfreeze(desk, MembershipUnfreezeArgs { id: m.id, version: f.version })
            .await
            .unwrap();
        assert_eq!((u.ends_on, u.freeze_days_used), (Some(end + Duration::days(3)), 3));
        assert_eq!(u.freezes[0].until, today - Duration::days(1));

        // Extending takes a reason and the right role; the reason is in the audit log.
        let ext = |m: &Membership, days, visits, reason: &str| MembershipExtendArgs {
            id: m.id,
            version: m.version,
            days,
            visits,
            reason: reason.into(),
        };
        let e = t.core.membership_extend(desk, ext(&u, 7, 0, "x")).await.unwrap_err();
        assert!(matches!(e, ApiError::Forbidden { .. }), "{e:?}");
        let e = t.core.membership_extend(mgr, ext(&u, 0, 0, "")).await.unwrap_err();
        assert_eq!(
            fields(e),
            [("reason".into(), "required".into()), ("days".into(), "required".into())]
        );
        let x = t.core.membership_extend(mgr, ext(&u, 7, 2, "pool closed a week")).await.unwrap();
        assert_eq!(x.ends_on, Some(end + Duration::days(10)));
        assert_eq!((x.visits_left, x.visits_total), (Some(12), Some(12)));
        let logged = t
            .count("audit_log WHERE operation = 'membership_extend' AND after LIKE '%pool closed a week%'")
            .await;
        assert_eq!(logged, 1);

        // Handed to a sister: she holds it, the payer stays.
        let sis = client(&t, mgr, "Pass Sister", None).await;
        let to = |m: &Membership, who, reason: &str| MembershipTransferArgs {
            id: m.id,
            version: m.version,
            to_client_id: who,
            reason: reason.into(),
        };
        let e = t.core.membership_transfer(mgr, to(&x, eva, "same")).await.unwrap_err();
        assert_eq!(fields(e), [("to_client_id".into(), "same".into())]);
        let e = t.core.membership_transfer(mgr, to(&x, uuid::Uuid::now_v7(), "who")).await.unwrap_err();
        assert_eq!(fields(e), [("to_client_id".into(), "not_found".into())]);
        let moved = t.core.membership_transfer(mgr, to(&x, sis, "Eva moved to Luang Prabang")).await.unwrap();
        assert_eq!((moved.client.id, moved.payer.id), (sis, eva));
        let hers = t
            .core
            .memberships_list(desk, MembershipsListArgs { client_id: Some(sis), states: vec![] })
            .await
            .unwrap();
        assert_eq!(hers.len(), 1);
    })
    .await;
}

#[tokio::test]
async fn the_list_of_all_passes_picks_states_in_the_database_as_the_cards_show_them() {
    each_engine(|t| async move {
        t.demo().await;
        let desk = t.login("reception").await;
        let desk = Some(desk.as_str());
        let list = |states: Vec<MembershipState>| {
            t.core.memberships_list(
                desk,
                MembershipsListArgs {
                    client_id: None,
                    states,
                },
            )
        };
        let all = list(vec![]).await.unwrap();
        for state in [
            MembershipState::Active,
            MembershipState::Frozen,
            MembershipState::UsedUp,
            MembershipState::Expired,
            MembershipState::Cancelled,
        ] {
            let picked = list(vec![state]).await.unwrap();
            let expected: Vec<_> = all
                .iter()
                .filter(|m| m.state == state)
                .map(|m| m.id)
                .collect();
            assert!(!expected.is_empty(), "the demo has {state:?} passes");
            assert_eq!(
                picked.iter().map(|m| m.id).collect::<Vec<_>>(),
                expected,
                "{state:?}"
            );
        }
        let two = list(vec![MembershipState::Frozen, MembershipState::Expired])
            .await
            .unwrap();
        assert!(two
            .iter()
            .all(|m| matches!(m.state, MembershipState::Frozen | MembershipState::Expired)));
    })
    .await;
}
