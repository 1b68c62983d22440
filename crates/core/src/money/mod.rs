//! Memberships and money: the catalogue, membership plans, sold passes, invoices, payments,
//! debts and credit.
//!
//! Amounts are integer minor units of the centre's currency ([`amount`]). A client's debt and
//! credit are never stored: they are sums over invoices and payments ([`payments::balance`]).
//! Invoice numbers come from a counter taken inside the sale's transaction, so they have no
//! gaps and no repeats however many sales run at once.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use specta::Type;
use uuid::Uuid;

use crate::db::Tx;
use crate::error::ApiError;
use crate::on_tx;

pub mod amount;
pub mod cash;
pub mod catalog;
pub mod contracts;
pub mod flags;
pub mod invoices;
pub mod memberships;
pub mod payments;
pub mod plans;

/// A client as money records name them: the one an invoice is for, or who pays it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type, JsonSchema)]
pub struct Party {
    pub id: Uuid,
    pub name: String,
}

/// The centre's currency (ISO 4217).
pub(crate) async fn currency(tx: &mut Tx) -> Result<String, ApiError> {
    let c: Option<String> = on_tx!(tx, c => sqlx::query_scalar("SELECT currency FROM centre LIMIT 1")
        .fetch_optional(c).await)?;
    Ok(c.unwrap_or_else(|| "USD".into()))
}

/// A client that can buy or pay: the card exists (a merged card names the one it went into).
pub(crate) async fn party(tx: &mut Tx, id: Uuid, field: &str) -> Result<Party, ApiError> {
    let row: Option<(String,)> = on_tx!(tx, c => sqlx::query_as(
        "SELECT name FROM clients WHERE id = $1").bind(id).fetch_optional(c).await)?;
    if let Some((name,)) = row {
        return Ok(Party { id, name });
    }
    let kept: Option<Uuid> = on_tx!(tx, c => sqlx::query_scalar(
        "SELECT kept_id FROM client_merges WHERE merged_id = $1").bind(id).fetch_optional(c).await)?;
    Err(match kept {
        Some(_) => ApiError::field(
            field,
            "merged",
            "this card was merged into another; use the card it was merged into",
        ),
        None => ApiError::field(field, "not_found", "no such client"),
    })
}

/// Takes the next number of `counter` inside `tx`: the row stays locked until the
/// transaction ends, and a rollback gives the number back, so numbers have no gaps.
pub(crate) async fn next_number(tx: &mut Tx, counter: &str) -> Result<i64, ApiError> {
    Ok(on_tx!(tx, c => sqlx::query_scalar(
        "UPDATE counters SET value = value + 1 WHERE name = $1 RETURNING value")
        .bind(counter).fetch_one(c).await)?)
}

/// Holds the payer's money rows still for the rest of `tx` (PostgreSQL locks the card's row;
/// SQLite's write transaction already has the whole database), so two desks spending one
/// credit or paying one invoice at once run one after the other.
pub(crate) async fn lock_payer(tx: &mut Tx, payer: Uuid) -> Result<(), ApiError> {
    let n = crate::exec_tx!(tx, c => sqlx::query("UPDATE clients SET version = version WHERE id = $1")
        .bind(payer).execute(c).await)?;
    if n == 0 {
        return Err(ApiError::conflict(
            "the payer's card was merged or removed meanwhile; reload",
        ));
    }
    Ok(())
}
