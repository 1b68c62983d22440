//! Paying out credit: money given back from what a payer has in credit (an overpayment, a
//! refund kept as credit), with a reason — never more than the credit there is.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use specta::Type;
use uuid::Uuid;

use super::balance::{balance_in, credit_of};
use super::{insert, NewPayment, PaymentKind, PaymentMethod, PaymentResult};
use crate::audit::{self, Change};
use crate::auth::Session;
use crate::error::{ApiError, Problems};
use crate::money::amount::check_amount;
use crate::money::cash::ensure_open;
use crate::money::{lock_payer, party};
use crate::text::parse_name;
use crate::Core;

#[derive(Debug, Clone, Serialize, Deserialize, Type, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CreditRefundArgs {
    /// The payer whose credit is paid out.
    pub client_id: Uuid,
    /// Minor units, more than zero, at most the credit.
    pub amount: i64,
    /// Cash, card or transfer.
    pub method: PaymentMethod,
    pub reason: String,
}

pub(crate) async fn credit_refund(
    core: &Core,
    session: &Session,
    args: CreditRefundArgs,
) -> Result<PaymentResult, ApiError> {
    let mut p = Problems::default();
    check_amount(&mut p, "amount", args.amount);
    let reason = p.take(parse_name("reason", &args.reason, 500));
    if args.method == PaymentMethod::Credit {
        p.add(
            "method",
            "already_credit",
            "credit is paid out in cash, by card or by transfer",
        );
    }
    p.finish()?;
    let reason = reason.unwrap_or_default();
    let now = core.now();
    let day = session.local_date(now);
    let mut tx = core.db.write().await?;
    ensure_open(&mut tx, day).await?;
    party(&mut tx, args.client_id, "client_id").await?;
    // Two desks paying out the same credit: the second waits here, then sees what is left.
    lock_payer(&mut tx, args.client_id).await?;
    let credit = credit_of(&mut tx, args.client_id).await?;
    if args.amount > credit {
        return Err(ApiError::field(
            "amount",
            "not_enough_credit",
            format!("the payer's credit is {credit}"),
        ));
    }
    let row = NewPayment {
        payer_id: args.client_id,
        invoice_id: None,
        kind: PaymentKind::Refund,
        method: args.method,
        amount: -args.amount,
        day,
        reason: &reason,
        refund_of: None,
    };
    let payout = insert(&mut tx, &row, session.user_id, now).await?;
    let change = Change {
        operation: "credit_refund",
        entity: "payment",
        entity_id: Some(payout.id),
        before: None,
        after: Some(&payout),
    };
    audit::record(&mut tx, session, now, change).await?;
    let balance = balance_in(&mut tx, args.client_id).await?;
    tx.commit().await?;
    Ok(PaymentResult {
        invoice: None,
        payments: vec![payout],
        to_credit: 0,
        balance,
    })
}
