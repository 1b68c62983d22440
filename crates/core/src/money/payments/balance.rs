//! A client's balance: what they owe as a payer (unpaid invoices) and the credit they have
//! (overpayments not yet spent), summed from invoices and payments each time.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use specta::Type;
use uuid::Uuid;

use crate::auth::Session;
use crate::db::Tx;
use crate::error::ApiError;
use crate::money::invoices::PAID_SQL;
use crate::money::{currency, party};
use crate::{on_tx, Core};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type, JsonSchema)]
pub struct Balance {
    pub client_id: Uuid,
    pub currency: String,
    /// Still to pay on the invoices this client pays, minor units.
    pub debt: i64,
    /// How many of those invoices are not fully paid.
    pub unpaid_invoices: i64,
    /// Overpaid and not yet spent, minor units.
    pub credit: i64,
    /// Still to pay on invoices for this client that someone else pays (a guardian, a company).
    pub due_by_others: i64,
}

#[derive(Debug, Clone, Serialize, Deserialize, Type, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ClientBalanceArgs {
    pub client_id: Uuid,
}

/// The payer's credit: real money in less what went to invoices.
pub(crate) async fn credit_of(tx: &mut Tx, payer: Uuid) -> Result<i64, ApiError> {
    Ok(on_tx!(tx, c => sqlx::query_scalar(
        "SELECT CAST(COALESCE(SUM(CASE WHEN method <> 'credit' THEN amount ELSE 0 END), 0) \
         - COALESCE(SUM(CASE WHEN invoice_id IS NOT NULL THEN amount ELSE 0 END), 0) AS BIGINT) \
         FROM payments WHERE payer_id = $1")
        .bind(payer).fetch_one(c).await)?)
}

/// Debt and count of unpaid invoices over the invoices matching `which` (`$1` the client).
async fn due(tx: &mut Tx, which: &str, client: Uuid) -> Result<(i64, i64), ApiError> {
    let sql = format!(
        "SELECT CAST(COALESCE(SUM(d.total - d.paid), 0) AS BIGINT), COUNT(*) FROM \
         (SELECT i.total, {PAID_SQL} AS paid FROM invoices i WHERE {which} AND i.status = 'issued') d \
         WHERE d.total > d.paid"
    );
    Ok(on_tx!(tx, c => sqlx::query_as(&sql).bind(client).fetch_one(c).await)?)
}

pub(crate) async fn balance_in(tx: &mut Tx, client: Uuid) -> Result<Balance, ApiError> {
    let (debt, unpaid_invoices) = due(tx, "i.payer_id = $1", client).await?;
    let (due_by_others, _) = due(tx, "i.client_id = $1 AND i.payer_id <> $1", client).await?;
    Ok(Balance {
        client_id: client,
        currency: currency(tx).await?,
        debt,
        unpaid_invoices,
        credit: credit_of(tx, client).await?,
        due_by_others,
    })
}

pub(crate) async fn client_balance(
    core: &Core,
    _session: &Session,
    args: ClientBalanceArgs,
) -> Result<Balance, ApiError> {
    let mut tx = core.db.read().await?;
    party(&mut tx, args.client_id, "client_id").await?;
    let b = balance_in(&mut tx, args.client_id).await?;
    tx.commit().await?;
    Ok(b)
}
