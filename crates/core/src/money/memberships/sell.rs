//! Selling a pass: one call makes the invoice (with the client category's discount) and the
//! membership, in one transaction.

use super::{membership_in, MembershipSale, MembershipSellArgs};
use crate::auth::Session;
use crate::error::ApiError;
use crate::money::invoices::{create_in, one, record_sale, InvoiceCreateArgs, LineInput};
use crate::Core;

pub(crate) async fn membership_sell(
    core: &Core,
    session: &Session,
    args: MembershipSellArgs,
) -> Result<MembershipSale, ApiError> {
    let now = core.now();
    let today = session.local_date(now);
    let invoice_args = InvoiceCreateArgs {
        client_id: args.client_id,
        payer_id: args.payer_id,
        lines: vec![LineInput::Membership {
            plan_id: args.plan_id,
            start_date: args.start_date,
        }],
        contract_id: None,
        discount: args.discount,
        note: args.note,
    };
    let mut tx = core.db.write().await?;
    let sale = create_in(&mut tx, session, now, &invoice_args)
        .await
        .map_err(|e| {
            e.renamed("lines.0.plan_id", "plan_id")
                .renamed("lines.0.start_date", "start_date")
        })?;
    let invoice = one(&mut tx, sale.invoice_id).await?;
    let id = sale.memberships.first().copied().unwrap_or_default();
    let membership = membership_in(&mut tx, id, today)
        .await?
        .ok_or_else(|| ApiError::not_found("membership"))?;
    record_sale(
        &mut tx,
        session,
        now,
        "membership_sell",
        &invoice,
        &[&membership],
    )
    .await?;
    tx.commit().await?;
    Ok(MembershipSale {
        invoice,
        membership,
    })
}
