//! Contracts: numbered without gaps, invoices issued under them, ending soon, renewed.

use hallpass_core::api::*;

use super::{client, item};
use crate::helpers::fields;
use crate::support::each_engine;

fn input(client_id: uuid::Uuid, payer: Option<uuid::Uuid>, from: &str, to: &str) -> ContractInput {
    ContractInput {
        client_id,
        payer_id: payer,
        starts_on: from.into(),
        ends_on: to.into(),
        note: "Swimming for the school year".into(),
    }
}

#[tokio::test]
async fn contracts_run_end_soon_and_renew() {
    each_engine(|t| async move {
        t.demo().await;
        let mgr = t.login("manager").await;
        let mgr = Some(mgr.as_str());
        let desk = t.login("reception").await;
        let desk = Some(desk.as_str());
        let kid = client(&t, mgr, "Contract Kid", None).await;
        let firm = client(&t, mgr, "Contract Company", None).await;
        let bad = t
            .core
            .contract_create(
                desk,
                ContractCreateArgs {
                    contract: input(kid, None, "2026-13-01", "2026-01-01"),
                },
            )
            .await
            .unwrap_err();
        assert_eq!(
            fields(bad),
            [("contract.starts_on".into(), "invalid_date".into())]
        );
        let bad = t
            .core
            .contract_create(
                desk,
                ContractCreateArgs {
                    contract: input(kid, None, "2026-12-01", "2026-11-01"),
                },
            )
            .await
            .unwrap_err();
        assert_eq!(
            fields(bad),
            [("contract.ends_on".into(), "before_start".into())]
        );

        let k = t
            .core
            .contract_create(
                desk,
                ContractCreateArgs {
                    contract: input(kid, Some(firm), "2026-09-01", "2026-11-30"),
                },
            )
            .await
            .unwrap();
        let other = t
            .core
            .contract_create(
                desk,
                ContractCreateArgs {
                    contract: input(firm, None, "2026-09-01", "2027-05-31"),
                },
            )
            .await
            .unwrap();
        assert_eq!(other.number, k.number + 1);
        assert_eq!(
            (k.state, k.days_left, k.payer.id),
            (ContractState::Active, 7, firm)
        );

        // An invoice under it; one for someone else's contract is refused.
        let cap = item(&t, mgr, ItemKind::Good, "Swim cap", 4_500_000).await;
        let under = |client_id, contract_id| InvoiceCreateArgs {
            client_id,
            payer_id: Some(firm),
            lines: vec![LineInput::Item {
                item_id: cap.id,
                quantity: 1,
            }],
            contract_id: Some(contract_id),
            discount: None,
            note: String::new(),
        };
        let inv = t.core.invoice_create(desk, under(kid, k.id)).await.unwrap();
        assert_eq!(inv.contract_id, Some(k.id));
        let stranger = client(&t, mgr, "Contract Stranger", None).await;
        let mut wrong = under(stranger, k.id);
        wrong.payer_id = None;
        let e = t.core.invoice_create(desk, wrong).await.unwrap_err();
        assert_eq!(fields(e), [("contract_id".into(), "other_parties".into())]);
        let got = t
            .core
            .contract_get(desk, ContractGetArgs { id: k.id })
            .await
            .unwrap();
        assert_eq!(got.invoices.len(), 1);
        assert_eq!(got.invoices[0].id, inv.id);

        // Ending within two weeks: this one, not the one running to May.
        let soon = t
            .core
            .contracts_list(
                desk,
                ContractsListArgs {
                    client_id: None,
                    ending_within_days: Some(14),
                },
            )
            .await
            .unwrap();
        assert!(soon.iter().any(|c| c.id == k.id));
        assert!(soon.iter().all(|c| c.id != other.id));

        // Renewed from the day after it ends; then it is no longer "ending soon".
        let renewed = t
            .core
            .contract_renew(
                desk,
                ContractRenewArgs {
                    id: k.id,
                    version: k.version,
                    ends_on: "2027-05-31".into(),
                },
            )
            .await
            .unwrap();
        assert_eq!(
            renewed.starts_on,
            chrono::NaiveDate::from_ymd_opt(2026, 12, 1).unwrap()
        );
        assert_eq!(
            (renewed.renewed_from, renewed.state),
            (Some(k.id), ContractState::Upcoming)
        );
        let e = t
            .core
            .contract_renew(
                desk,
                ContractRenewArgs {
                    id: k.id,
                    version: k.version,
                    ends_on: "2027-06-30".into(),
                },
            )
            .await
            .unwrap_err();
        assert!(
            matches!(e, ApiError::Conflict { .. }),
            "renewing moved the old one on: {e:?}"
        );
        let old = t
            .core
            .contract_get(desk, ContractGetArgs { id: k.id })
            .await
            .unwrap();
        assert_eq!(old.renewed_by, Some(renewed.id));
        let again = ContractRenewArgs {
            id: k.id,
            version: old.version,
            ends_on: "2027-06-30".into(),
        };
        let e = t.core.contract_renew(desk, again).await.unwrap_err();
        assert_eq!(fields(e), [("id".into(), "renewed".into())]);
        let soon = t
            .core
            .contracts_list(
                desk,
                ContractsListArgs {
                    client_id: None,
                    ending_within_days: Some(14),
                },
            )
            .await
            .unwrap();
        assert!(soon.iter().all(|c| c.id != k.id));
        let theirs = t
            .core
            .contracts_list(
                desk,
                ContractsListArgs {
                    client_id: Some(kid),
                    ending_within_days: None,
                },
            )
            .await
            .unwrap();
        assert_eq!(theirs.len(), 2);

        // Cancelling takes the right role and a reason; invoices cannot go under it then.
        let cancel = ContractCancelArgs {
            id: renewed.id,
            version: renewed.version,
            reason: "moved away".into(),
        };
        let e = t
            .core
            .contract_cancel(desk, cancel.clone())
            .await
            .unwrap_err();
        assert!(matches!(e, ApiError::Forbidden { .. }), "{e:?}");
        let gone = t.core.contract_cancel(mgr, cancel).await.unwrap();
        assert_eq!(gone.state, ContractState::Cancelled);
        let e = t
            .core
            .invoice_create(desk, under(kid, renewed.id))
            .await
            .unwrap_err();
        assert_eq!(fields(e), [("contract_id".into(), "cancelled".into())]);
    })
    .await;
}
