//! Selling a pass with the category's discount, paying in parts, overpaying into credit,
//! spending credit, refunds and cancellations: sums always from invoices and payments.

use chrono::NaiveDate;
use hallpass_core::api::*;

use super::{client, item, pay, plan, sell, ten_visits};
use crate::helpers::fields;
use crate::support::each_engine;

#[tokio::test]
async fn a_pass_is_sold_paid_in_parts_overpaid_and_refunded() {
    each_engine(|t| async move {
        t.demo().await;
        let mgr = t.login("manager").await;
        let mgr = Some(mgr.as_str());
        let desk = t.login("reception").await;
        let desk = Some(desk.as_str());
        let category = t
            .core
            .client_categories_create(
                mgr,
                ClientCategoryCreateArgs {
                    category: ClientCategoryInput {
                        name: "Ten percent club".into(),
                        rule: DiscountRule::Percent { points: 1_000 },
                        archived: false,
                    },
                },
            )
            .await
            .unwrap();
        let ballet = item(&t, mgr, ItemKind::Service, "Ballet", 0).await;
        let water = item(&t, mgr, ItemKind::Good, "Water", 3_000_000).await;
        let ten = plan(&t, mgr, ten_visits(vec![ballet.id])).await;
        let mira = client(&t, mgr, "Mira Sone", Some(category.id)).await;

        // Sold at the desk: 10 % off, VAT inside, valid 30 days from today.
        let mut own = sell(mira, ten.id);
        own.discount = Some(5_000);
        let e = t.core.membership_sell(desk, own).await.unwrap_err();
        assert!(matches!(e, ApiError::Forbidden { .. }), "a discount of one's own: {e:?}");
        let sale = t.core.membership_sell(desk, sell(mira, ten.id)).await.unwrap();
        let inv = &sale.invoice;
        assert_eq!((inv.subtotal, inv.discount, inv.total), (100_000_000, 10_000_000, 90_000_000));
        assert_eq!(inv.tax, 8_181_818, "90,000,000 × 10/110 rounded half up");
        assert_eq!(inv.status, InvoiceStatus::Unpaid);
        assert_eq!(inv.currency, "LAK");
        let m = &sale.membership;
        assert_eq!(m.state, MembershipState::Active);
        assert_eq!((m.visits_total, m.visits_left), (Some(10), Some(10)));
        let today = NaiveDate::from_ymd_opt(2026, 11, 23).unwrap();
        assert_eq!(m.starts_on, Some(today));
        assert_eq!(m.ends_on, NaiveDate::from_ymd_opt(2026, 12, 22));
        assert_eq!(m.payment, Some(InvoiceStatus::Unpaid));
        assert_eq!(m.invoice_number, Some(inv.number));

        // Half now: partly paid, the rest is the debt.
        let half = t.core.payment_add(desk, pay(inv.id, 45_000_000, PaymentMethod::Cash)).await.unwrap();
        let after = half.invoice.unwrap();
        assert_eq!((after.paid, after.due, after.status), (45_000_000, 45_000_000, InvoiceStatus::PartlyPaid));
        assert_eq!((half.balance.debt, half.balance.credit, half.balance.unpaid_invoices), (45_000_000, 0, 1));
        let listed = t
            .core
            .memberships_list(desk, MembershipsListArgs { client_id: Some(mira), states: vec![] })
            .await
            .unwrap();
        assert_eq!(listed[0].payment, Some(InvoiceStatus::PartlyPaid));

        // Then more than is due: the rest becomes credit, and says so.
        let over = t.core.payment_add(desk, pay(inv.id, 50_000_000, PaymentMethod::Card)).await.unwrap();
        assert_eq!(over.to_credit, 5_000_000);
        assert_eq!(over.payments.len(), 2);
        assert_eq!(over.invoice.as_ref().unwrap().status, InvoiceStatus::Paid);
        assert_eq!((over.balance.debt, over.balance.credit), (0, 5_000_000));
        let e = t.core.payment_add(desk, pay(inv.id, 1, PaymentMethod::Cash)).await.unwrap_err();
        assert_eq!(fields(e), [("invoice_id".into(), "already_paid".into())]);

        // Credit pays for water; never more than there is.
        let bottle = t
            .core
            .invoice_create(
                mgr,
                InvoiceCreateArgs {
                    client_id: mira,
                    payer_id: None,
                    lines: vec![LineInput::Item { item_id: water.id, quantity: 2 }],
                    contract_id: None,
                    discount: Some(0),
                    note: String::new(),
                },
            )
            .await
            .unwrap();
        assert_eq!(bottle.number, inv.number + 1);
        assert_eq!(bottle.total, 6_000_000);
        let e = t.core.payment_add(desk, pay(bottle.id, 6_000_000, PaymentMethod::Credit)).await.unwrap_err();
        assert_eq!(fields(e), [("amount".into(), "not_enough_credit".into())]);
        let spent = t.core.payment_add(desk, pay(bottle.id, 5_000_000, PaymentMethod::Credit)).await.unwrap();
        assert_eq!((spent.balance.credit, spent.balance.debt), (0, 1_000_000));

        // A refund needs a reason and the right role; then the debt is back.
        let cash = after.payments[0].clone();
        let refund = |amount, reason: &str| PaymentRefundArgs {
            payment_id: cash.id,
            amount,
            method: None,
            reason: reason.into(),
        };
        let e = t.core.payment_refund(desk, refund(1_000, "x")).await.unwrap_err();
        assert!(matches!(e, ApiError::Forbidden { .. }), "reception does not refund: {e:?}");
        let e = t.core.payment_refund(mgr, refund(0, " ")).await.unwrap_err();
        let got: Vec<String> = fields(e).into_iter().map(|(f, _)| f).collect();
        assert_eq!(got, ["amount", "reason"]);
        let e = t.core.payment_refund(mgr, refund(45_000_001, "too much")).await.unwrap_err();
        assert_eq!(fields(e), [("amount".into(), "more_than_paid".into())]);
        let back = t.core.payment_refund(mgr, refund(10_000_000, "moved away")).await.unwrap();
        assert_eq!(back.payments[0].amount, -10_000_000);
        assert_eq!(back.payments[0].method, PaymentMethod::Cash);
        let inv_now = back.invoice.unwrap();
        assert_eq!((inv_now.paid, inv_now.due), (80_000_000, 10_000_000));
        assert_eq!(back.balance.debt, 11_000_000);

        // Refunding into credit moves it there.
        let to_credit = PaymentRefundArgs {
            method: Some(PaymentMethod::Credit),
            ..refund(5_000_000, "kept for next month")
        };
        let kept = t.core.payment_refund(mgr, to_credit).await.unwrap();
        assert_eq!((kept.to_credit, kept.balance.credit, kept.balance.debt), (5_000_000, 5_000_000, 16_000_000));

        // An invoice with money on it is not cancelled; a fresh one is, with its pass.
        let e = t
            .core
            .invoice_cancel(mgr, InvoiceCancelArgs { id: inv.id, version: inv_now.version, reason: "error".into() })
            .await
            .unwrap_err();
        assert_eq!(fields(e), [("id".into(), "has_payments".into())]);
        let other = t.core.membership_sell(desk, sell(mira, ten.id)).await.unwrap();
        let cancelled = t
            .core
            .invoice_cancel(
                mgr,
                InvoiceCancelArgs {
                    id: other.invoice.id,
                    version: other.invoice.version,
                    reason: "sold twice by mistake".into(),
                },
            )
            .await
            .unwrap();
        assert_eq!((cancelled.status, cancelled.due), (InvoiceStatus::Cancelled, 0));
        let passes = t
            .core
            .memberships_list(desk, MembershipsListArgs { client_id: Some(mira), states: vec![MembershipState::Cancelled] })
            .await
            .unwrap();
        assert_eq!(passes.len(), 1);
        let e = t.core.payment_add(desk, pay(other.invoice.id, 1, PaymentMethod::Cash)).await.unwrap_err();
        assert_eq!(fields(e), [("invoice_id".into(), "cancelled".into())]);

        // The balance is the sum of the rows: the same when read on its own.
        let b = t.core.client_balance(desk, ClientBalanceArgs { client_id: mira }).await.unwrap();
        assert_eq!((b.debt, b.credit, b.unpaid_invoices), (16_000_000, 5_000_000, 2));
        let page = t
            .core
            .invoices_list(desk, InvoicesListArgs { client_id: Some(mira), unpaid_only: true, ..Default::default() })
            .await
            .unwrap();
        assert_eq!(page.total, 2);
        assert_eq!(page.invoices[0].number, bottle.number);

        // The audit log has the sale and each payment with the invoice before and after.
        let audit = t.count("audit_log WHERE operation IN ('membership_sell','payment_add','payment_refund','invoice_cancel')").await;
        // Two sales (invoice and pass each), the buyer becoming a current client, three
        // payments and the overpayment's credit, two refunds, the cancelled invoice and its pass.
        assert_eq!(audit, 2 * 2 + 1 + 3 + 1 + 2 + 2);
    })
    .await;
}

#[tokio::test]
async fn bad_sales_are_refused_and_leave_nothing() {
    each_engine(|t| async move {
        t.demo().await;
        let mgr = t.login("manager").await;
        let mgr = Some(mgr.as_str());
        let mut old = ten_visits(vec![]);
        old.active = false;
        let retired = plan(&t, mgr, old).await;
        let ten = plan(&t, mgr, ten_visits(vec![])).await;
        let kid = client(&t, mgr, "Kham Lee", None).await;
        let before = (t.count("invoices").await, t.count("memberships").await);

        let e = t
            .core
            .membership_sell(mgr, sell(kid, retired.id))
            .await
            .unwrap_err();
        assert_eq!(fields(e), [("plan_id".into(), "inactive".into())]);
        let mut bad = sell(kid, ten.id);
        bad.start_date = Some("2026-11".into());
        let e = t.core.membership_sell(mgr, bad.clone()).await.unwrap_err();
        assert_eq!(fields(e), [("start_date".into(), "invalid_date".into())]);
        bad.start_date = Some("2031-01-01".into());
        let e = t.core.membership_sell(mgr, bad).await.unwrap_err();
        assert_eq!(fields(e), [("start_date".into(), "out_of_range".into())]);
        let e = t
            .core
            .membership_sell(mgr, sell(uuid::Uuid::now_v7(), ten.id))
            .await
            .unwrap_err();
        assert_eq!(fields(e), [("client_id".into(), "not_found".into())]);
        let mut big = sell(kid, ten.id);
        big.discount = Some(10_001);
        let e = t.core.membership_sell(mgr, big).await.unwrap_err();
        assert_eq!(fields(e), [("discount".into(), "out_of_range".into())]);
        let e = t
            .core
            .invoice_create(
                mgr,
                InvoiceCreateArgs {
                    client_id: kid,
                    payer_id: None,
                    lines: vec![],
                    contract_id: None,
                    discount: None,
                    note: String::new(),
                },
            )
            .await
            .unwrap_err();
        assert_eq!(fields(e), [("lines".into(), "required".into())]);
        assert_eq!(
            (t.count("invoices").await, t.count("memberships").await),
            before
        );

        // Amounts: zero, negative and absurd are refused at the field.
        let sale = t
            .core
            .membership_sell(mgr, sell(kid, ten.id))
            .await
            .unwrap();
        let payments = t.count("payments").await;
        for amount in [0, -5, 1_000_000_000_001] {
            let e = t
                .core
                .payment_add(mgr, pay(sale.invoice.id, amount, PaymentMethod::Cash))
                .await
                .unwrap_err();
            assert_eq!(fields(e)[0].0, "amount");
        }
        assert_eq!(t.count("payments").await, payments);

        // A merged card is not sold to: the kept card is.
        let twin = client(&t, mgr, "Kham Lee", None).await;
        t.core
            .clients_merge(
                mgr,
                ClientsMergeArgs {
                    keep_id: kid,
                    merge_id: twin,
                },
            )
            .await
            .unwrap();
        let e = t
            .core
            .membership_sell(mgr, sell(twin, ten.id))
            .await
            .unwrap_err();
        assert_eq!(fields(e), [("client_id".into(), "merged".into())]);
    })
    .await;
}

#[tokio::test]
async fn a_guardian_pays_for_a_child_and_a_merge_moves_the_money() {
    each_engine(|t| async move {
        t.demo().await;
        let mgr = t.login("manager").await;
        let mgr = Some(mgr.as_str());
        let ten = plan(&t, mgr, ten_visits(vec![])).await;
        let parent = client(&t, mgr, "Vanh Parent", None).await;
        let child = client(&t, mgr, "Little One", None).await;
        let mut args = sell(child, ten.id);
        args.payer_id = Some(parent);
        let sale = t.core.membership_sell(mgr, args).await.unwrap();
        assert_eq!(
            (sale.invoice.client.id, sale.invoice.payer.id),
            (child, parent)
        );
        let kid = t
            .core
            .client_balance(mgr, ClientBalanceArgs { client_id: child })
            .await
            .unwrap();
        assert_eq!((kid.debt, kid.due_by_others), (0, 100_000_000));
        let pays = t
            .core
            .client_balance(mgr, ClientBalanceArgs { client_id: parent })
            .await
            .unwrap();
        assert_eq!(pays.debt, 100_000_000);
        let held = t
            .core
            .memberships_list(
                mgr,
                MembershipsListArgs {
                    client_id: Some(parent),
                    states: vec![],
                },
            )
            .await
            .unwrap();
        assert_eq!(held.len(), 1, "the payer sees the passes they pay for");

        // Merging the parent's duplicate card into it moves invoices, payments, passes.
        let twin = client(&t, mgr, "Vanh Parent", None).await;
        let mut args = sell(twin, ten.id);
        args.discount = Some(10_000);
        let free = t.core.membership_sell(mgr, args).await.unwrap();
        t.core
            .payment_add(mgr, pay(free.invoice.id, 7, PaymentMethod::Cash))
            .await
            .unwrap_err();
        let paid = t
            .core
            .membership_sell(mgr, sell(twin, ten.id))
            .await
            .unwrap();
        t.core
            .payment_add(mgr, pay(paid.invoice.id, 100_000_100, PaymentMethod::Cash))
            .await
            .unwrap();
        t.core
            .clients_merge(
                mgr,
                ClientsMergeArgs {
                    keep_id: parent,
                    merge_id: twin,
                },
            )
            .await
            .unwrap();
        let b = t
            .core
            .client_balance(mgr, ClientBalanceArgs { client_id: parent })
            .await
            .unwrap();
        assert_eq!((b.debt, b.credit), (100_000_000, 100));
        let held = t
            .core
            .memberships_list(
                mgr,
                MembershipsListArgs {
                    client_id: Some(parent),
                    states: vec![],
                },
            )
            .await
            .unwrap();
        assert_eq!(held.len(), 3);
    })
    .await;
}
