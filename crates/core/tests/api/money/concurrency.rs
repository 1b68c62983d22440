//! Desks working on the same money at once: 32 parallel sales number their invoices with no
//! gap and no repeat; two payments on one invoice lose nothing; one credit is spent once.

use std::collections::BTreeSet;

use hallpass_core::api::*;

use super::{client, pay, plan, sell, ten_visits};
use crate::helpers::fields;
use crate::support::each_engine;

#[tokio::test]
async fn parallel_sales_number_invoices_without_gaps_or_repeats() {
    each_engine(|t| async move {
        t.demo().await;
        let mgr = t.login("manager").await;
        let ten = plan(&t, Some(&mgr), ten_visits(vec![])).await;
        let mut clients = Vec::new();
        for i in 0..8 {
            clients.push(client(&t, Some(&mgr), &format!("Parallel Buyer {i}"), None).await);
        }
        let invoices = t.count("invoices").await;
        let first: i64 = {
            let s = t
                .core
                .membership_sell(Some(&mgr), sell(clients[0], ten.id))
                .await
                .unwrap();
            s.invoice.number
        };
        let mut tasks = Vec::new();
        for i in 0..32 {
            let core = t.core.clone();
            let token = mgr.clone();
            let mut args = sell(clients[i % clients.len()], ten.id);
            // Every fourth sale fails inside its transaction, after validation: its number
            // must go back, not leave a hole.
            if i % 4 == 3 {
                args.payer_id = Some(uuid::Uuid::now_v7());
            }
            tasks.push(tokio::spawn(async move {
                core.membership_sell(Some(&token), args)
                    .await
                    .map(|s| s.invoice.number)
            }));
        }
        let mut numbers = BTreeSet::new();
        let mut refused = 0;
        for task in tasks {
            match task.await.unwrap() {
                Ok(n) => assert!(numbers.insert(n), "number {n} given twice"),
                Err(e) => {
                    assert_eq!(fields(e), [("payer_id".into(), "not_found".into())]);
                    refused += 1;
                }
            }
        }
        assert_eq!(refused, 8);
        let expected: BTreeSet<i64> = (first + 1..=first + 24).collect();
        assert_eq!(
            numbers, expected,
            "24 sales after #{first}: no gaps, no repeats"
        );
        assert_eq!(t.count("invoices").await, invoices + 25);
    })
    .await;
}

#[tokio::test]
async fn two_desks_paying_one_invoice_or_spending_one_credit() {
    each_engine(|t| async move {
        t.demo().await;
        let mgr = t.login("manager").await;
        let desk = t.login("reception").await;
        let ten = plan(&t, Some(&mgr), ten_visits(vec![])).await;
        let buyer = client(&t, Some(&mgr), "Two Desks", None).await;
        let sale = t
            .core
            .membership_sell(Some(&mgr), sell(buyer, ten.id))
            .await
            .unwrap();

        // Both pay 60 % at once: one pays 60, the other the last 40 and 20 goes to credit.
        let total = sale.invoice.total;
        let part = total * 6 / 10;
        let (a, b) = tokio::join!(
            t.core
                .payment_add(Some(&mgr), pay(sale.invoice.id, part, PaymentMethod::Cash)),
            t.core
                .payment_add(Some(&desk), pay(sale.invoice.id, part, PaymentMethod::Card)),
        );
        let (a, b) = (a.unwrap(), b.unwrap());
        assert_eq!(a.to_credit + b.to_credit, part * 2 - total);
        let b_now = t
            .core
            .client_balance(Some(&mgr), ClientBalanceArgs { client_id: buyer })
            .await
            .unwrap();
        assert_eq!((b_now.debt, b_now.credit), (0, part * 2 - total));

        // Two desks spend the same credit on two invoices at once: only one can.
        let credit = b_now.credit;
        let mut cheap = ten_visits(vec![]);
        cheap.price = credit;
        cheap.name = "Exactly the credit".into();
        let cheap = plan(&t, Some(&mgr), cheap).await;
        let one = t
            .core
            .membership_sell(Some(&mgr), sell(buyer, cheap.id))
            .await
            .unwrap();
        let two = t
            .core
            .membership_sell(Some(&mgr), sell(buyer, cheap.id))
            .await
            .unwrap();
        let (x, y) = tokio::join!(
            t.core.payment_add(
                Some(&mgr),
                pay(one.invoice.id, credit, PaymentMethod::Credit)
            ),
            t.core.payment_add(
                Some(&desk),
                pay(two.invoice.id, credit, PaymentMethod::Credit)
            ),
        );
        let refused: Vec<ApiError> = [x, y].into_iter().filter_map(Result::err).collect();
        assert_eq!(refused.len(), 1, "exactly one spends the credit");
        assert_eq!(
            fields(refused[0].clone()),
            [("amount".into(), "not_enough_credit".into())]
        );
        let end = t
            .core
            .client_balance(Some(&mgr), ClientBalanceArgs { client_id: buyer })
            .await
            .unwrap();
        assert_eq!((end.credit, end.debt), (0, credit));
    })
    .await;
}
