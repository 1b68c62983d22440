//! After a sale: credit paid out in money, and a lead who buys becoming a current client.

use hallpass_core::api::*;

use super::{client, pay, plan, sell, ten_visits};
use crate::helpers::fields;
use crate::support::each_engine;

#[tokio::test]
async fn credit_is_paid_out_in_money_never_more_than_there_is() {
    each_engine(|t| async move {
        t.demo().await;
        let mgr = t.login("manager").await;
        let mgr = Some(mgr.as_str());
        let desk = t.login("reception").await;
        let desk = Some(desk.as_str());
        let ten = plan(&t, mgr, ten_visits(vec![])).await;
        let ana = client(&t, mgr, "Ana Payout", None).await;
        let sale = t
            .core
            .membership_sell(desk, sell(ana, ten.id))
            .await
            .unwrap();
        // Paid, then half given back as credit: credit that came from a refund.
        let paid = t
            .core
            .payment_add(
                desk,
                pay(sale.invoice.id, sale.invoice.total, PaymentMethod::Cash),
            )
            .await
            .unwrap();
        let back = PaymentRefundArgs {
            payment_id: paid.payments[0].id,
            amount: 30_000_000,
            method: Some(PaymentMethod::Credit),
            reason: "moved away".into(),
        };
        t.core.payment_refund(mgr, back).await.unwrap();
        let out = |amount: i64, method: PaymentMethod| CreditRefundArgs {
            client_id: ana,
            amount,
            method,
            reason: "paid out at the desk".into(),
        };
        let e = t
            .core
            .credit_refund(mgr, out(30_000_001, PaymentMethod::Cash))
            .await
            .unwrap_err();
        assert_eq!(fields(e), [("amount".into(), "not_enough_credit".into())]);
        let e = t
            .core
            .credit_refund(mgr, out(1, PaymentMethod::Credit))
            .await
            .unwrap_err();
        assert_eq!(fields(e), [("method".into(), "already_credit".into())]);
        let e = t
            .core
            .credit_refund(desk, out(1, PaymentMethod::Cash))
            .await
            .unwrap_err();
        assert!(matches!(e, ApiError::Forbidden { .. }), "{e:?}");

        // Two desks paying out all of it at once: one does, the other is told what is left.
        let (a, b) = tokio::join!(
            t.core
                .credit_refund(mgr, out(30_000_000, PaymentMethod::Cash)),
            t.core
                .credit_refund(mgr, out(30_000_000, PaymentMethod::Card)),
        );
        assert_eq!(a.is_ok() as u8 + b.is_ok() as u8, 1, "{a:?} {b:?}");
        let bal = t
            .core
            .client_balance(desk, ClientBalanceArgs { client_id: ana })
            .await
            .unwrap();
        // The refund re-opened the invoice: what was given back is owed again.
        assert_eq!((bal.credit, bal.debt), (0, 30_000_000));
        // The payout is in the day's cash desk, as money going out.
        let day = t
            .core
            .cash_journal(desk, CashJournalArgs::default())
            .await
            .unwrap();
        let payout = day
            .entries
            .iter()
            .find(|e| e.reason == "paid out at the desk")
            .unwrap();
        assert_eq!(
            (payout.kind, payout.amount),
            (CashEntryKind::Refund, -30_000_000)
        );
    })
    .await;
}

#[tokio::test]
async fn a_lead_who_buys_a_pass_becomes_a_current_client() {
    each_engine(|t| async move {
        t.demo().await;
        let mgr = t.login("manager").await;
        let mgr = Some(mgr.as_str());
        let ten = plan(&t, mgr, ten_visits(vec![])).await;
        let lead = client(&t, mgr, "Lena Lead", None).await;
        let card = t
            .core
            .client_get(mgr, ClientGetArgs { id: lead })
            .await
            .unwrap();
        assert_eq!(card.status, ClientStatus::Lead);
        t.core
            .membership_sell(mgr, sell(lead, ten.id))
            .await
            .unwrap();
        let now = t
            .core
            .client_get(mgr, ClientGetArgs { id: lead })
            .await
            .unwrap();
        assert_eq!(now.status, ClientStatus::Current);
        assert_eq!(
            now.version,
            card.version + 1,
            "an edit open elsewhere hears of it"
        );
        let rows = t
            .count("audit_log WHERE operation = 'membership_sell' AND entity = 'client'")
            .await;
        assert_eq!(rows, 1);
        // A second sale changes nothing more.
        t.core
            .membership_sell(mgr, sell(lead, ten.id))
            .await
            .unwrap();
        let again = t
            .core
            .client_get(mgr, ClientGetArgs { id: lead })
            .await
            .unwrap();
        assert_eq!(again.version, now.version);
    })
    .await;
}
