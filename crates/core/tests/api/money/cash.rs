//! The cash desk: the day's journal and totals, cash in and out, closing the day with the
//! counted cash, and the day locked after.

use hallpass_core::api::*;

use super::{client, pay, plan, sell, ten_visits};
use crate::helpers::fields;
use crate::support::each_engine;

fn total(j: &CashJournal, method: PaymentMethod) -> &MethodTotal {
    j.totals.iter().find(|t| t.method == method).unwrap()
}

#[tokio::test]
async fn the_day_is_journalled_counted_and_closed() {
    each_engine(|t| async move {
        t.demo().await;
        let mgr = t.login("manager").await;
        let mgr = Some(mgr.as_str());
        let desk = t.login("reception").await;
        let desk = Some(desk.as_str());
        let today = CashJournalArgs::default();
        let start = t.core.cash_journal(desk, today.clone()).await.unwrap();

        let mv = |kind, amount, reason: &str| CashMoveArgs {
            kind,
            amount,
            reason: reason.into(),
        };
        t.core
            .cash_move(desk, mv(CashMoveKind::In, 50_000_000, "morning float"))
            .await
            .unwrap();
        let ten = plan(&t, mgr, ten_visits(vec![])).await;
        let kim = client(&t, mgr, "Cash Kim", None).await;
        let sale = t
            .core
            .membership_sell(desk, sell(kim, ten.id))
            .await
            .unwrap();
        let cash = t
            .core
            .payment_add(desk, pay(sale.invoice.id, 30_000_000, PaymentMethod::Cash))
            .await
            .unwrap();
        t.core
            .payment_add(desk, pay(sale.invoice.id, 20_000_000, PaymentMethod::Card))
            .await
            .unwrap();
        let refund = PaymentRefundArgs {
            payment_id: cash.payments[0].id,
            amount: 10_000_000,
            method: None,
            reason: "changed her mind about half".into(),
        };
        t.core.payment_refund(mgr, refund).await.unwrap();
        let e = t
            .core
            .cash_move(desk, mv(CashMoveKind::Out, 1_000_000_000_001, "all of it"))
            .await
            .unwrap_err();
        assert_eq!(fields(e), [("amount".into(), "too_large".into())]);
        let e = t
            .core
            .cash_move(
                desk,
                mv(CashMoveKind::Out, start.expected_cash + 70_000_001, "bank"),
            )
            .await
            .unwrap_err();
        assert_eq!(fields(e), [("amount".into(), "more_than_drawer".into())]);
        let e = t
            .core
            .cash_move(desk, mv(CashMoveKind::Out, 5_000_000, " "))
            .await
            .unwrap_err();
        assert_eq!(fields(e), [("reason".into(), "required".into())]);
        let j = t
            .core
            .cash_move(desk, mv(CashMoveKind::Out, 5_000_000, "stamps"))
            .await
            .unwrap();

        assert_eq!(j.entries.len(), start.entries.len() + 5);
        assert_eq!(j.cash_in - start.cash_in, 50_000_000);
        assert_eq!(j.cash_out - start.cash_out, 5_000_000);
        let (c0, c1) = (
            total(&start, PaymentMethod::Cash),
            total(&j, PaymentMethod::Cash),
        );
        assert_eq!(
            (c1.payments - c0.payments, c1.refunds - c0.refunds),
            (30_000_000, -10_000_000)
        );
        let card =
            total(&j, PaymentMethod::Card).payments - total(&start, PaymentMethod::Card).payments;
        assert_eq!(card, 20_000_000);
        assert_eq!(
            j.expected_cash - start.expected_cash,
            50_000_000 + 30_000_000 - 10_000_000 - 5_000_000
        );
        let last = j.entries.last().unwrap();
        assert_eq!(
            (
                last.kind,
                last.amount,
                last.by.as_ref().unwrap().name.as_str()
            ),
            (CashEntryKind::CashOut, -5_000_000, "Noy Phommachanh")
        );

        // The instructor does not see the desk; tomorrow cannot be closed.
        let coach = t.login("instructor").await;
        let e = t
            .core
            .cash_journal(Some(&coach), today.clone())
            .await
            .unwrap_err();
        assert!(matches!(e, ApiError::Forbidden { .. }), "{e:?}");
        let close = |day: Option<&str>, counted| CashDayCloseArgs {
            day: day.map(Into::into),
            counted,
            note: "short".into(),
        };
        let e = t
            .core
            .cash_day_close(desk, close(Some("2026-11-24"), 0))
            .await
            .unwrap_err();
        assert_eq!(fields(e), [("day".into(), "in_future".into())]);

        // Closed a thousand short: the difference is kept, the day locked.
        let closed = t
            .core
            .cash_day_close(desk, close(None, j.expected_cash - 100_000))
            .await
            .unwrap();
        assert_eq!(
            (closed.expected, closed.difference),
            (j.expected_cash, -100_000)
        );
        let e = t
            .core
            .payment_add(desk, pay(sale.invoice.id, 1_000, PaymentMethod::Cash))
            .await
            .unwrap_err();
        assert!(matches!(e, ApiError::Conflict { .. }), "{e:?}");
        let e = t
            .core
            .cash_move(desk, mv(CashMoveKind::In, 1_000, "late"))
            .await
            .unwrap_err();
        assert!(matches!(e, ApiError::Conflict { .. }), "{e:?}");
        let e = t
            .core
            .cash_day_close(desk, close(None, 0))
            .await
            .unwrap_err();
        assert!(matches!(e, ApiError::Conflict { .. }), "{e:?}");
        let after = t.core.cash_journal(desk, today).await.unwrap();
        assert_eq!(after.closed.unwrap().counted, j.expected_cash - 100_000);
        assert_eq!(after.entries.len(), j.entries.len());

        // The next morning the desk is open again.
        t.advance(chrono::Duration::hours(24));
        let desk = t.login("reception").await;
        t.core
            .payment_add(
                Some(&desk),
                pay(sale.invoice.id, 1_000, PaymentMethod::Cash),
            )
            .await
            .unwrap();
    })
    .await;
}
