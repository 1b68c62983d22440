//! Refunds: part or all of a payment given back, with a reason — in money, or kept as the
//! payer's credit. A refund of credit never takes the payer's credit below zero.

use super::balance::{balance_in, credit_of};
use super::{insert, payment_in, NewPayment, PaymentKind, PaymentMethod};
use super::{PaymentRefundArgs, PaymentResult};
use crate::audit::{self, Change};
use crate::auth::Session;
use crate::error::{ApiError, Problems};
use crate::money::amount::check_amount;
use crate::money::cash::ensure_open;
use crate::money::invoices::invoice_in;
use crate::money::lock_payer;
use crate::text::parse_name;
use crate::{on_tx, Core};

const MAX_REASON: usize = 500;

pub(crate) async fn payment_refund(
    core: &Core,
    session: &Session,
    args: PaymentRefundArgs,
) -> Result<PaymentResult, ApiError> {
    let mut p = Problems::default();
    check_amount(&mut p, "amount", args.amount);
    let reason = p.take(parse_name("reason", &args.reason, MAX_REASON));
    p.finish()?;
    let reason = reason.unwrap_or_default();
    let now = core.now();
    let day = session.local_date(now);
    let mut tx = core.db.write().await?;
    ensure_open(&mut tx, day).await?;
    let paid = payment_in(&mut tx, args.payment_id)
        .await?
        .ok_or_else(|| ApiError::not_found("payment"))?;
    lock_payer(&mut tx, paid.payer_id).await?;
    if paid.kind == PaymentKind::Refund {
        return Err(ApiError::field(
            "payment_id",
            "is_refund",
            "this is a refund; refund the payment it gave back",
        ));
    }
    let refunded: i64 = on_tx!(&mut tx, c => sqlx::query_scalar(
        "SELECT CAST(COALESCE(SUM(-amount), 0) AS BIGINT) FROM payments WHERE refund_of = $1")
        .bind(paid.id).fetch_one(c).await)?;
    let left = paid.amount - refunded;
    if args.amount > left {
        return Err(ApiError::field(
            "amount",
            "more_than_paid",
            format!("only {left} of this payment is left to refund"),
        ));
    }
    let method = args.method.unwrap_or(paid.method);
    if paid.method == PaymentMethod::Credit && method != PaymentMethod::Credit {
        return Err(ApiError::field(
            "method",
            "credit_only",
            "credit spent goes back to credit",
        ));
    }
    if paid.invoice_id.is_none() {
        if method == PaymentMethod::Credit {
            return Err(ApiError::field(
                "method",
                "already_credit",
                "this money is the payer's credit already; refund it in money",
            ));
        }
        let credit = credit_of(&mut tx, paid.payer_id).await?;
        if args.amount > credit {
            return Err(ApiError::field(
                "amount",
                "not_enough_credit",
                format!("the payer's credit left is {credit}"),
            ));
        }
    }
    let before = match paid.invoice_id {
        Some(id) => invoice_in(&mut tx, id).await?,
        None => None,
    };
    let row = NewPayment {
        payer_id: paid.payer_id,
        invoice_id: paid.invoice_id,
        kind: PaymentKind::Refund,
        method,
        amount: -args.amount,
        day,
        reason: &reason,
        refund_of: Some(paid.id),
    };
    let refund = insert(&mut tx, &row, session.user_id, now).await?;
    let after = match paid.invoice_id {
        Some(id) => invoice_in(&mut tx, id).await?,
        None => None,
    };
    match (&before, &after) {
        (Some(b), Some(a)) => {
            let c = Change {
                operation: "payment_refund",
                entity: "invoice",
                entity_id: Some(a.id),
                before: Some(b),
                after: Some(a),
            };
            audit::record(&mut tx, session, now, c).await?;
        }
        _ => {
            let c = Change {
                operation: "payment_refund",
                entity: "payment",
                entity_id: Some(refund.id),
                before: None,
                after: Some(&refund),
            };
            audit::record(&mut tx, session, now, c).await?;
        }
    }
    let balance = balance_in(&mut tx, paid.payer_id).await?;
    tx.commit().await?;
    let to_credit = if method == PaymentMethod::Credit && paid.invoice_id.is_some() {
        args.amount
    } else {
        0
    };
    Ok(PaymentResult {
        invoice: after,
        payments: vec![refund],
        to_credit,
        balance,
    })
}
