//! Payments: money in (cash, card, transfer) or credit spent, on an invoice; refunds with a
//! reason; an overpayment kept as the payer's credit. The payer's debt and credit are sums
//! over these rows and the invoices ([`balance`]), never stored numbers.

use chrono::{DateTime, NaiveDate, Utc};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use specta::Type;
use uuid::Uuid;

use super::invoices::Invoice;
use crate::auth::UserRef;
use crate::db::Tx;
use crate::error::ApiError;
use crate::on_tx;

mod add;
pub mod balance;
mod payout;
mod refund;
pub(crate) use add::payment_add;
pub(crate) use balance::client_balance;
pub use balance::Balance;
pub(crate) use payout::credit_refund;
pub use payout::CreditRefundArgs;
pub(crate) use refund::payment_refund;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Type, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum PaymentMethod {
    Cash,
    Card,
    Transfer,
    /// The payer's credit (an earlier overpayment) spent, or a refund kept as credit.
    Credit,
}

impl PaymentMethod {
    pub fn as_str(self) -> &'static str {
        match self {
            PaymentMethod::Cash => "cash",
            PaymentMethod::Card => "card",
            PaymentMethod::Transfer => "transfer",
            PaymentMethod::Credit => "credit",
        }
    }
    pub fn parse(s: &str) -> PaymentMethod {
        match s {
            "card" => PaymentMethod::Card,
            "transfer" => PaymentMethod::Transfer,
            "credit" => PaymentMethod::Credit,
            _ => PaymentMethod::Cash,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Type, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum PaymentKind {
    Payment,
    Refund,
}

#[derive(Debug, Clone, Serialize, Deserialize, Type, JsonSchema)]
pub struct Payment {
    pub id: Uuid,
    pub payer_id: Uuid,
    /// None: it went to (or came from) the payer's credit.
    pub invoice_id: Option<Uuid>,
    pub kind: PaymentKind,
    pub method: PaymentMethod,
    /// Minor units; a refund is negative.
    pub amount: i64,
    /// The centre's date it happened on.
    pub day: NaiveDate,
    pub reason: String,
    /// The payment a refund gives back.
    pub refund_of: Option<Uuid>,
    pub paid_at: DateTime<Utc>,
    pub created_by: Option<UserRef>,
}

#[derive(Debug, Clone, Serialize, Deserialize, Type, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PaymentAddArgs {
    pub invoice_id: Uuid,
    /// Minor units, more than zero. More than is due goes to the payer's credit.
    pub amount: i64,
    pub method: PaymentMethod,
}

#[derive(Debug, Clone, Serialize, Deserialize, Type, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PaymentRefundArgs {
    pub payment_id: Uuid,
    /// Minor units, more than zero, at most what is left of the payment.
    pub amount: i64,
    /// How the money goes back; by default as it came (credit spent goes back to credit).
    #[serde(default)]
    pub method: Option<PaymentMethod>,
    pub reason: String,
}

/// What a payment or a refund did.
#[derive(Debug, Clone, Serialize, Deserialize, Type, JsonSchema)]
pub struct PaymentResult {
    /// The invoice as it is now (none for a refund of credit).
    pub invoice: Option<Invoice>,
    /// The rows written.
    pub payments: Vec<Payment>,
    /// What went to the payer's credit (an overpayment, or a refund kept as credit).
    pub to_credit: i64,
    pub balance: Balance,
}

#[derive(sqlx::FromRow)]
pub(crate) struct Row {
    id: Uuid,
    payer_id: Uuid,
    invoice_id: Option<Uuid>,
    kind: String,
    method: String,
    amount: i64,
    day: NaiveDate,
    reason: String,
    refund_of: Option<Uuid>,
    paid_at: DateTime<Utc>,
    created_by: Option<Uuid>,
    created_name: Option<String>,
}

impl From<Row> for Payment {
    fn from(r: Row) -> Self {
        Payment {
            id: r.id,
            payer_id: r.payer_id,
            invoice_id: r.invoice_id,
            kind: if r.kind == "refund" {
                PaymentKind::Refund
            } else {
                PaymentKind::Payment
            },
            method: PaymentMethod::parse(&r.method),
            amount: r.amount,
            day: r.day,
            reason: r.reason,
            refund_of: r.refund_of,
            paid_at: r.paid_at,
            created_by: UserRef::from_row(r.created_by, r.created_name),
        }
    }
}

pub(crate) const SELECT: &str =
    "SELECT p.id, p.payer_id, p.invoice_id, p.kind, p.method, p.amount, \
     p.day, p.reason, p.refund_of, p.paid_at, p.created_by, u.display_name AS created_name \
     FROM payments p LEFT JOIN users u ON u.id = p.created_by";

pub(crate) async fn payments_of_invoice(tx: &mut Tx, id: Uuid) -> Result<Vec<Payment>, ApiError> {
    let sql = format!("{SELECT} WHERE p.invoice_id = $1 ORDER BY p.paid_at, p.id");
    let rows: Vec<Row> = on_tx!(tx, c => sqlx::query_as(&sql).bind(id).fetch_all(c).await)?;
    Ok(rows.into_iter().map(Into::into).collect())
}

pub(crate) async fn payment_in(tx: &mut Tx, id: Uuid) -> Result<Option<Payment>, ApiError> {
    let sql = format!("{SELECT} WHERE p.id = $1");
    let row: Option<Row> = on_tx!(tx, c => sqlx::query_as(&sql).bind(id).fetch_optional(c).await)?;
    Ok(row.map(Into::into))
}

/// One new row of `payments`.
pub(crate) struct NewPayment<'a> {
    pub payer_id: Uuid,
    pub invoice_id: Option<Uuid>,
    pub kind: PaymentKind,
    pub method: PaymentMethod,
    pub amount: i64,
    pub day: NaiveDate,
    pub reason: &'a str,
    pub refund_of: Option<Uuid>,
}

pub(crate) async fn insert(
    tx: &mut Tx,
    p: &NewPayment<'_>,
    by: Uuid,
    now: DateTime<Utc>,
) -> Result<Payment, ApiError> {
    let id = crate::new_id();
    let kind = match p.kind {
        PaymentKind::Payment => "payment",
        PaymentKind::Refund => "refund",
    };
    crate::exec_tx!(tx, c => sqlx::query(
        "INSERT INTO payments (id, payer_id, invoice_id, kind, method, amount, day, reason, refund_of, \
         paid_at, created_by) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)")
        .bind(id).bind(p.payer_id).bind(p.invoice_id).bind(kind).bind(p.method.as_str())
        .bind(p.amount).bind(p.day).bind(p.reason).bind(p.refund_of).bind(now).bind(by)
        .execute(c).await)?;
    payment_in(tx, id)
        .await?
        .ok_or_else(|| ApiError::not_found("payment"))
}
