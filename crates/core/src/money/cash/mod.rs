//! The cash desk: the day's journal of every money operation (payments, refunds, cash put in
//! or taken out with a reason) with totals by method, and closing the day — the counted cash
//! against the expected, the difference recorded — which locks that day's operations.

use chrono::{DateTime, NaiveDate, Utc};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use specta::Type;
use uuid::Uuid;

use super::payments::PaymentMethod;
use super::Party;
use crate::auth::UserRef;
use crate::db::Tx;
use crate::error::ApiError;
use crate::{exec_tx, on_tx};

mod close;
mod journal;
pub(crate) use close::{cash_day_close, cash_move};
pub(crate) use journal::cash_journal;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Type, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum CashEntryKind {
    Payment,
    Refund,
    /// Cash put in the drawer (the morning float, change brought in).
    CashIn,
    /// Cash taken out (to the bank, a small purchase).
    CashOut,
}

#[derive(Debug, Clone, Serialize, Deserialize, Type, JsonSchema)]
pub struct CashEntry {
    pub id: Uuid,
    pub at: DateTime<Utc>,
    pub kind: CashEntryKind,
    /// Cash for cash in and out.
    pub method: PaymentMethod,
    /// Minor units; money going out is negative.
    pub amount: i64,
    pub payer: Option<Party>,
    pub invoice_id: Option<Uuid>,
    pub invoice_number: Option<i64>,
    pub reason: String,
    pub by: Option<UserRef>,
}

#[derive(Debug, Clone, Serialize, Deserialize, Type, JsonSchema)]
pub struct MethodTotal {
    pub method: PaymentMethod,
    pub payments: i64,
    /// Refunds, as a negative sum.
    pub refunds: i64,
    pub net: i64,
}

#[derive(Debug, Clone, Serialize, Deserialize, Type, JsonSchema)]
pub struct CashDayClose {
    pub day: NaiveDate,
    pub expected: i64,
    pub counted: i64,
    /// Counted less expected: negative when cash is missing.
    pub difference: i64,
    pub note: String,
    pub closed_at: DateTime<Utc>,
    pub closed_by: Option<UserRef>,
}

#[derive(Debug, Clone, Serialize, Deserialize, Type, JsonSchema)]
pub struct CashJournal {
    pub day: NaiveDate,
    pub currency: String,
    pub entries: Vec<CashEntry>,
    /// Money that came and went by each method (credit spent is not money and not here).
    pub totals: Vec<MethodTotal>,
    pub cash_in: i64,
    pub cash_out: i64,
    /// What the drawer should hold from the day's operations: cash taken, less cash given
    /// back, plus cash put in, less cash taken out.
    pub expected_cash: i64,
    /// Set once the day is closed (its operations are locked).
    pub closed: Option<CashDayClose>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, Type, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CashJournalArgs {
    /// `YYYY-MM-DD`; by default today.
    #[serde(default)]
    pub day: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Type, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum CashMoveKind {
    In,
    Out,
}

#[derive(Debug, Clone, Serialize, Deserialize, Type, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CashMoveArgs {
    pub kind: CashMoveKind,
    /// Minor units, more than zero.
    pub amount: i64,
    pub reason: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, Type, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CashDayCloseArgs {
    /// `YYYY-MM-DD`; by default today (an earlier day left open may be closed later).
    #[serde(default)]
    pub day: Option<String>,
    /// The cash counted in the drawer, minor units.
    pub counted: i64,
    #[serde(default)]
    pub note: String,
}

/// Takes the cash desk's lock for the rest of `tx` and refuses if `day` is closed: every
/// money operation calls this before it writes.
pub(crate) async fn ensure_open(tx: &mut Tx, day: NaiveDate) -> Result<(), ApiError> {
    exec_tx!(tx, c => sqlx::query("UPDATE counters SET value = value WHERE name = 'cash_desk'")
        .execute(c).await)?;
    let closed: i64 = on_tx!(tx, c => sqlx::query_scalar("SELECT COUNT(*) FROM cash_days WHERE day = $1")
        .bind(day).fetch_one(c).await)?;
    if closed > 0 {
        return Err(ApiError::conflict(format!(
            "the cash desk's day {day} is closed: its operations are locked"
        )));
    }
    Ok(())
}
