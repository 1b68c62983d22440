//! `invoice_create`: a sale of catalogue items and memberships on one invoice.

use super::{create_in, one, Invoice, InvoiceCreateArgs};
use crate::audit::{self, Change};
use crate::auth::Session;
use crate::error::ApiError;
use crate::money::memberships::{membership_in, Membership};
use crate::Core;

pub(crate) async fn invoice_create(
    core: &Core,
    session: &Session,
    args: InvoiceCreateArgs,
) -> Result<Invoice, ApiError> {
    let now = core.now();
    let today = session.local_date(now);
    let mut tx = core.db.write().await?;
    let sale = create_in(&mut tx, session, now, &args).await?;
    let invoice = one(&mut tx, sale.invoice_id).await?;
    let mut memberships = Vec::new();
    for id in sale.memberships {
        if let Some(m) = membership_in(&mut tx, id, today).await? {
            memberships.push(m);
        }
    }
    let refs: Vec<&Membership> = memberships.iter().collect();
    record_sale(&mut tx, session, now, "invoice_create", &invoice, &refs).await?;
    tx.commit().await?;
    Ok(invoice)
}

/// A client who buys a pass is a current client: a lead or a former client becomes one, with
/// its own audit row (the card's version moves, so an edit open elsewhere hears of it).
async fn becomes_current(
    tx: &mut crate::db::Tx,
    session: &Session,
    now: chrono::DateTime<chrono::Utc>,
    operation: &str,
    client: uuid::Uuid,
) -> Result<(), ApiError> {
    let before: Option<String> = crate::on_tx!(tx, c => sqlx::query_scalar(
        "SELECT status FROM clients WHERE id = $1 AND status IN ('lead', 'former')")
        .bind(client).fetch_optional(c).await)?;
    let Some(before) = before else { return Ok(()) };
    crate::exec_tx!(tx, c => sqlx::query(
        "UPDATE clients SET status = 'current', version = version + 1, updated_at = $2, \
         updated_by = $3 WHERE id = $1")
        .bind(client).bind(now).bind(session.user_id).execute(c).await)?;
    let entry = audit::Entry {
        operation,
        entity: "client",
        entity_id: Some(client),
        before: Some(serde_json::json!({ "status": before }).to_string()),
        after: Some(serde_json::json!({ "status": "current" }).to_string()),
    };
    audit::append(tx, Some(session), now, entry).await
}

/// The audit rows of a sale: the invoice, and each membership it made.
pub(crate) async fn record_sale(
    tx: &mut crate::db::Tx,
    session: &Session,
    now: chrono::DateTime<chrono::Utc>,
    operation: &str,
    invoice: &Invoice,
    memberships: &[&Membership],
) -> Result<(), ApiError> {
    let c = Change {
        operation,
        entity: "invoice",
        entity_id: Some(invoice.id),
        before: None,
        after: Some(invoice),
    };
    audit::record(tx, session, now, c).await?;
    let mut holders: Vec<uuid::Uuid> = memberships.iter().map(|m| m.client.id).collect();
    holders.sort();
    holders.dedup();
    for client in holders {
        becomes_current(tx, session, now, operation, client).await?;
    }
    for m in memberships {
        let c = Change {
            operation,
            entity: "membership",
            entity_id: Some(m.id),
            before: None,
            after: Some(*m),
        };
        audit::record(tx, session, now, c).await?;
    }
    Ok(())
}
