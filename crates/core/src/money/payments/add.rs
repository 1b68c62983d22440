//! Taking a payment on an invoice: cash, card or transfer (more than is due goes to the
//! payer's credit), or the payer's credit spent (never more than they have or than is due).

use super::balance::{balance_in, credit_of};
use super::{insert, NewPayment, PaymentAddArgs, PaymentKind, PaymentMethod, PaymentResult};
use crate::audit::{self, Change};
use crate::auth::Session;
use crate::error::{ApiError, Problems};
use crate::money::amount::check_amount;
use crate::money::cash::ensure_open;
use crate::money::invoices::{one, InvoiceStatus};
use crate::money::lock_payer;
use crate::Core;

pub(crate) async fn payment_add(
    core: &Core,
    session: &Session,
    args: PaymentAddArgs,
) -> Result<PaymentResult, ApiError> {
    let mut p = Problems::default();
    check_amount(&mut p, "amount", args.amount);
    p.finish()?;
    let now = core.now();
    let day = session.local_date(now);
    let mut tx = core.db.write().await?;
    ensure_open(&mut tx, day).await?;
    let payer = one(&mut tx, args.invoice_id).await?.payer.id;
    lock_payer(&mut tx, payer).await?;
    // Read under the payer's lock: another desk may have paid meanwhile.
    let before = one(&mut tx, args.invoice_id).await?;
    if before.status == InvoiceStatus::Cancelled {
        return Err(ApiError::field(
            "invoice_id",
            "cancelled",
            "this invoice is cancelled",
        ));
    }
    let due = before.due;
    if due <= 0 {
        return Err(ApiError::field(
            "invoice_id",
            "already_paid",
            "this invoice is already paid",
        ));
    }
    if args.method == PaymentMethod::Credit {
        let credit = credit_of(&mut tx, before.payer.id).await?;
        if args.amount > credit {
            return Err(ApiError::field(
                "amount",
                "not_enough_credit",
                format!("the payer's credit is {credit}"),
            ));
        }
        if args.amount > due {
            return Err(ApiError::field(
                "amount",
                "more_than_due",
                format!("only {due} is due; credit is not spent past it"),
            ));
        }
    }
    let to_invoice = args.amount.min(due);
    let to_credit = args.amount - to_invoice;
    let mut rows = Vec::new();
    let mut row = NewPayment {
        payer_id: before.payer.id,
        invoice_id: Some(before.id),
        kind: PaymentKind::Payment,
        method: args.method,
        amount: to_invoice,
        day,
        reason: "",
        refund_of: None,
    };
    rows.push(insert(&mut tx, &row, session.user_id, now).await?);
    let overpaid = format!("overpayment on invoice {}", before.number);
    if to_credit > 0 {
        row.invoice_id = None;
        row.amount = to_credit;
        row.reason = &overpaid;
        rows.push(insert(&mut tx, &row, session.user_id, now).await?);
    }
    let after = one(&mut tx, before.id).await?;
    let change = Change {
        operation: "payment_add",
        entity: "invoice",
        entity_id: Some(before.id),
        before: Some(&before),
        after: Some(&after),
    };
    audit::record(&mut tx, session, now, change).await?;
    if let Some(credit) = rows.iter().find(|r| r.invoice_id.is_none()) {
        let c = Change {
            operation: "payment_add",
            entity: "payment",
            entity_id: Some(credit.id),
            before: None,
            after: Some(credit),
        };
        audit::record(&mut tx, session, now, c).await?;
    }
    let balance = balance_in(&mut tx, before.payer.id).await?;
    tx.commit().await?;
    Ok(PaymentResult {
        invoice: Some(after),
        payments: rows,
        to_credit,
        balance,
    })
}
