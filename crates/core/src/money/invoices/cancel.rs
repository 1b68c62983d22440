//! Cancelling an invoice: only with nothing paid on it (refund first, explicitly), and its
//! memberships go with it unless one was already used.

use super::Invoice;
use super::{one, InvoiceCancelArgs, InvoiceStatus};
use crate::audit::{self, Change};
use crate::auth::Session;
use crate::error::{ApiError, Problems};
use crate::money::lock_payer;
use crate::money::memberships::membership_in;
use crate::text::parse_name;
use crate::{exec_tx, on_tx, Core};

const MAX_REASON: usize = 500;

pub(crate) async fn invoice_cancel(
    core: &Core,
    session: &Session,
    args: InvoiceCancelArgs,
) -> Result<Invoice, ApiError> {
    let mut p = Problems::default();
    let reason = p.take(parse_name("reason", &args.reason, MAX_REASON));
    p.finish()?;
    let reason = reason.unwrap_or_default();
    let now = core.now();
    let mut tx = core.db.write().await?;
    let payer = one(&mut tx, args.id).await?.payer.id;
    lock_payer(&mut tx, payer).await?;
    let before = one(&mut tx, args.id).await?;
    if before.version != args.version {
        return Err(ApiError::conflict(
            "someone else changed this invoice meanwhile; reload it",
        ));
    }
    if before.status == InvoiceStatus::Cancelled {
        return Err(ApiError::field(
            "id",
            "cancelled",
            "this invoice is already cancelled",
        ));
    }
    if before.paid != 0 {
        return Err(ApiError::field(
            "id",
            "has_payments",
            format!("{} is paid on this invoice; refund it first", before.paid),
        ));
    }
    let used: i64 = on_tx!(&mut tx, c => sqlx::query_scalar(
        "SELECT COUNT(*) FROM memberships WHERE invoice_id = $1 AND cancelled_at IS NULL \
         AND visits_left < visits_total")
        .bind(before.id).fetch_one(c).await)?;
    if used > 0 {
        return Err(ApiError::field(
            "id",
            "membership_used",
            "a membership on this invoice has been used; cancel or refund it on its own",
        ));
    }
    let today = session.local_date(now);
    let ids: Vec<uuid::Uuid> = on_tx!(&mut tx, c => sqlx::query_scalar(
        "SELECT id FROM memberships WHERE invoice_id = $1 AND cancelled_at IS NULL")
        .bind(before.id).fetch_all(c).await)?;
    let mut passes = Vec::new();
    for id in &ids {
        passes.extend(membership_in(&mut tx, *id, today).await?);
    }
    exec_tx!(&mut tx, c => sqlx::query(
        "UPDATE memberships SET cancelled_at = $1, cancel_reason = $2, updated_at = $1, updated_by = $3, \
         version = version + 1 WHERE invoice_id = $4 AND cancelled_at IS NULL")
        .bind(now).bind(&reason).bind(session.user_id).bind(before.id).execute(c).await)?;
    exec_tx!(&mut tx, c => sqlx::query(
        "UPDATE invoices SET status = 'cancelled', cancel_reason = $1, updated_at = $2, updated_by = $3, \
         version = version + 1 WHERE id = $4")
        .bind(&reason).bind(now).bind(session.user_id).bind(before.id).execute(c).await)?;
    let after = one(&mut tx, before.id).await?;
    let c = Change {
        operation: "invoice_cancel",
        entity: "invoice",
        entity_id: Some(before.id),
        before: Some(&before),
        after: Some(&after),
    };
    audit::record(&mut tx, session, now, c).await?;
    for was in &passes {
        let is = membership_in(&mut tx, was.id, today).await?;
        let c = Change {
            operation: "invoice_cancel",
            entity: "membership",
            entity_id: Some(was.id),
            before: Some(was),
            after: is.as_ref(),
        };
        audit::record(&mut tx, session, now, c).await?;
    }
    tx.commit().await?;
    Ok(after)
}
