//! Red flags: each rule with its reason, renewals that silence a running-out pass, the
//! thresholds from settings, and what a role without money or medical permission is told.

use hallpass_core::api::*;
use uuid::Uuid;

use super::{client, pay, plan, sell, ten_visits};
use crate::helpers::fields;
use crate::support::{each_engine, TestCore};

async fn flags(t: &TestCore, token: &str, id: Uuid) -> Vec<Flag> {
    let mut got = t
        .core
        .flags_get(
            Some(token),
            FlagsGetArgs {
                client_ids: vec![id],
            },
        )
        .await
        .unwrap();
    assert!(got.len() <= 1);
    got.pop().map(|f| f.flags).unwrap_or_default()
}

fn uuid_sql(t: &TestCore, id: Uuid) -> String {
    match t.engine {
        "sqlite" => format!("X'{}'", id.simple()),
        _ => format!("'{id}'"),
    }
}

#[tokio::test]
async fn flags_give_their_reasons() {
    each_engine(|t| async move {
        t.demo().await;
        let mgr = t.login("manager").await;
        let desk = t.login("reception").await;
        let coach = t.login("instructor").await;
        let ten = plan(&t, Some(&mgr), ten_visits(vec![])).await;
        let ana = client(&t, Some(&mgr), "Flag Ana", None).await;
        assert!(flags(&t, &mgr, ana).await.is_empty(), "nothing yet");

        // Sold, unpaid: unpaid and a debt, amounts for those who see money only.
        let sale = t
            .core
            .membership_sell(Some(&desk), sell(ana, ten.id))
            .await
            .unwrap();
        let m = sale.membership.id;
        let total = sale.invoice.total;
        let got = flags(&t, &desk, ana).await;
        assert_eq!(
            got,
            [
                Flag::Unpaid {
                    membership_id: m,
                    membership: "10 visits".into(),
                    due: Some(total)
                },
                Flag::Debt {
                    amount: Some(total)
                },
            ]
        );
        let blind = flags(&t, &coach, ana).await;
        assert_eq!(
            blind,
            [
                Flag::Unpaid {
                    membership_id: m,
                    membership: "10 visits".into(),
                    due: None
                },
                Flag::Debt { amount: None },
            ],
            "an instructor sees that, not how much"
        );
        t.core
            .payment_add(
                Some(&desk),
                pay(sale.invoice.id, total, PaymentMethod::Cash),
            )
            .await
            .unwrap();
        assert!(flags(&t, &desk, ana).await.is_empty(), "paid: no flag");

        // Two visits left: low (the default threshold is 2); three is not, until the
        // threshold says so.
        t.exec(&format!(
            "UPDATE memberships SET visits_left = 2 WHERE id = {}",
            uuid_sql(&t, m)
        ))
        .await;
        let low = Flag::VisitsLow {
            membership_id: m,
            membership: "10 visits".into(),
            visits_left: 2,
        };
        assert_eq!(flags(&t, &desk, ana).await, [low]);
        t.exec(&format!(
            "UPDATE memberships SET visits_left = 3 WHERE id = {}",
            uuid_sql(&t, m)
        ))
        .await;
        assert!(flags(&t, &desk, ana).await.is_empty());
        let s = t
            .core
            .flag_settings_get(Some(&desk), NoArgs {})
            .await
            .unwrap();
        let save = FlagSettingsSaveArgs {
            visits_low: 3,
            ends_within_days: s.ends_within_days,
            expired_within_days: s.expired_within_days,
            version: s.version,
        };
        let e = t
            .core
            .flag_settings_save(Some(&desk), save.clone())
            .await
            .unwrap_err();
        assert!(matches!(e, ApiError::Forbidden { .. }), "{e:?}");
        t.core
            .flag_settings_save(Some(&mgr), save.clone())
            .await
            .unwrap();
        let e = t
            .core
            .flag_settings_save(Some(&mgr), save)
            .await
            .unwrap_err();
        assert!(matches!(e, ApiError::Conflict { .. }), "stale: {e:?}");
        assert_eq!(flags(&t, &desk, ana).await.len(), 1);

        // Ending in four days; then a new pass replaces it and the old one is quiet.
        let bo = client(&t, Some(&mgr), "Flag Bo", None).await;
        let mut late = sell(bo, ten.id);
        late.start_date = Some("2026-10-29".into());
        late.discount = Some(10_000);
        let old = t
            .core
            .membership_sell(Some(&mgr), late)
            .await
            .unwrap()
            .membership;
        assert_eq!(old.ends_on, chrono::NaiveDate::from_ymd_opt(2026, 11, 27));
        assert_eq!(
            flags(&t, &desk, bo).await,
            [Flag::EndsSoon {
                membership_id: old.id,
                membership: "10 visits".into(),
                ends_on: old.ends_on.unwrap(),
                days_left: 4
            }]
        );
        let mut fresh = sell(bo, ten.id);
        fresh.discount = Some(10_000);
        t.core.membership_sell(Some(&mgr), fresh).await.unwrap();
        assert!(flags(&t, &desk, bo).await.is_empty(), "renewed");

        // Expired last week with nothing after it.
        let cy = client(&t, Some(&mgr), "Flag Cy", None).await;
        let mut gone = sell(cy, ten.id);
        gone.start_date = Some("2026-10-15".into());
        gone.discount = Some(10_000);
        let gone = t
            .core
            .membership_sell(Some(&mgr), gone)
            .await
            .unwrap()
            .membership;
        assert_eq!(
            flags(&t, &desk, cy).await,
            [Flag::Expired {
                membership_id: gone.id,
                membership: "10 visits".into(),
                ended_on: chrono::NaiveDate::from_ymd_opt(2026, 11, 13).unwrap()
            }]
        );

        // The card's own: a medical note (for those who may read one), a child alone.
        let mut input = crate::helpers::adult("Flag Dee");
        input.medical_notes = Some("Asthma: inhaler in the bag".into());
        let dee = t
            .core
            .client_create(
                Some(&mgr),
                ClientCreateArgs {
                    client: input,
                    allow_duplicate: true,
                },
            )
            .await
            .unwrap()
            .id;
        assert_eq!(flags(&t, &mgr, dee).await, [Flag::MedicalNote]);
        assert!(
            flags(&t, &desk, dee).await.is_empty(),
            "reception may not read medical notes"
        );
        let kid = t
            .core
            .memberships_list(Some(&desk), MembershipsListArgs::default())
            .await
            .unwrap()
            .into_iter()
            .find(|m| m.client.id != m.payer.id)
            .unwrap()
            .client
            .id;
        t.exec(&format!(
            "DELETE FROM client_guardians WHERE child_id = {}",
            uuid_sql(&t, kid)
        ))
        .await;
        assert!(flags(&t, &desk, kid).await.contains(&Flag::NoGuardian));

        // Many cards in one call; too many refused.
        let all = t
            .core
            .flags_get(
                Some(&desk),
                FlagsGetArgs {
                    client_ids: vec![ana, bo, cy, dee, kid],
                },
            )
            .await
            .unwrap();
        let ids: Vec<Uuid> = all.iter().map(|f| f.client_id).collect();
        assert!(ids.contains(&ana) && ids.contains(&cy) && ids.contains(&kid));
        assert!(!ids.contains(&bo) && !ids.contains(&dee));
        let e = t
            .core
            .flags_get(
                Some(&desk),
                FlagsGetArgs {
                    client_ids: vec![ana; 1_001],
                },
            )
            .await
            .unwrap_err();
        assert_eq!(fields(e), [("client_ids".into(), "too_many".into())]);
    })
    .await;
}
