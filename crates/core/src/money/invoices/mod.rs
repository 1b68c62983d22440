//! Invoices: what a client (or the guardian or company who pays) is asked to pay, line by
//! line, numbered without gaps; with the payments made on them.

use chrono::{DateTime, NaiveDate, Utc};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use specta::Type;
use uuid::Uuid;

use super::amount::LinePrice;
use super::payments::Payment;
use super::Party;
use crate::auth::UserRef;

mod build;
mod cancel;
mod create;
mod store;
pub(crate) use build::create_in;
pub(crate) use cancel::invoice_cancel;
pub(crate) use create::{invoice_create, record_sale};
pub(crate) use store::{invoice_get, invoice_in, invoices_list, one, PAID_SQL};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Type, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum InvoiceStatus {
    /// Nothing paid yet.
    Unpaid,
    /// Some paid, some still due.
    PartlyPaid,
    Paid,
    Cancelled,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Type, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum LineKind {
    Membership,
    Item,
}

#[derive(Debug, Clone, Serialize, Deserialize, Type, JsonSchema)]
pub struct InvoiceLine {
    pub id: Uuid,
    pub kind: LineKind,
    pub description: String,
    pub item_id: Option<Uuid>,
    pub plan_id: Option<Uuid>,
    pub membership_id: Option<Uuid>,
    pub price: LinePrice,
}

#[derive(Debug, Clone, Serialize, Deserialize, Type, JsonSchema)]
pub struct Invoice {
    pub id: Uuid,
    /// Sequential per centre, no gaps.
    pub number: i64,
    /// Whom it is for.
    pub client: Party,
    /// Who pays: the client, a guardian or a company.
    pub payer: Party,
    pub contract_id: Option<Uuid>,
    pub issued_on: NaiveDate,
    pub currency: String,
    /// Before discounts (with tax when prices include it).
    pub subtotal: i64,
    pub discount: i64,
    pub tax: i64,
    pub total: i64,
    /// Paid on it, refunds taken off.
    pub paid: i64,
    /// Still to pay (never below zero).
    pub due: i64,
    pub status: InvoiceStatus,
    pub cancel_reason: Option<String>,
    pub note: String,
    pub lines: Vec<InvoiceLine>,
    pub payments: Vec<Payment>,
    pub created_at: DateTime<Utc>,
    pub created_by: Option<UserRef>,
    pub updated_at: DateTime<Utc>,
    pub updated_by: Option<UserRef>,
    pub version: i64,
}

/// One line of a sale: a catalogue item, or a membership of a plan for the invoice's client.
#[derive(Debug, Clone, Serialize, Deserialize, Type, JsonSchema)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum LineInput {
    Item {
        item_id: Uuid,
        #[serde(default = "one_piece")]
        quantity: u32,
    },
    Membership {
        plan_id: Uuid,
        /// `YYYY-MM-DD`; by default the day of the sale (or, for a plan counted from the
        /// first visit, that visit).
        #[serde(default)]
        start_date: Option<String>,
    },
}

fn one_piece() -> u32 {
    1
}

#[derive(Debug, Clone, Serialize, Deserialize, Type, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct InvoiceCreateArgs {
    pub client_id: Uuid,
    /// Who pays (a guardian, a company); by default the client.
    #[serde(default)]
    pub payer_id: Option<Uuid>,
    pub lines: Vec<LineInput>,
    /// The contract it is issued under.
    #[serde(default)]
    pub contract_id: Option<Uuid>,
    /// A discount in basis points for this sale instead of the client category's.
    #[serde(default)]
    pub discount: Option<u32>,
    #[serde(default)]
    pub note: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, Type, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct InvoiceGetArgs {
    pub id: Uuid,
}

#[derive(Debug, Clone, Serialize, Deserialize, Type, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct InvoiceCancelArgs {
    pub id: Uuid,
    pub version: i64,
    pub reason: String,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, Type, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct InvoicesListArgs {
    /// Invoices for this client or paid by them.
    #[serde(default)]
    pub client_id: Option<Uuid>,
    /// Those issued under this contract.
    #[serde(default)]
    pub contract_id: Option<Uuid>,
    /// Only those with something still to pay.
    #[serde(default)]
    pub unpaid_only: bool,
    /// Issued on or after (`YYYY-MM-DD`).
    #[serde(default)]
    pub from: Option<String>,
    /// Issued on or before (`YYYY-MM-DD`).
    #[serde(default)]
    pub until: Option<String>,
    /// Newest first; at most this many (default 100, at most 500).
    #[serde(default)]
    pub limit: Option<u32>,
    #[serde(default)]
    pub offset: u32,
}

/// An invoice as lists show it (no lines, no payments).
#[derive(Debug, Clone, Serialize, Deserialize, Type, JsonSchema)]
pub struct InvoiceSummary {
    pub id: Uuid,
    pub number: i64,
    pub client: Party,
    pub payer: Party,
    pub issued_on: NaiveDate,
    pub total: i64,
    pub paid: i64,
    pub due: i64,
    pub status: InvoiceStatus,
    /// The first line's description, and how many more.
    pub description: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, Type, JsonSchema)]
pub struct InvoicesPage {
    pub invoices: Vec<InvoiceSummary>,
    /// How many match in all.
    pub total: i64,
}

/// The status an invoice's sums give it.
pub fn status_of(cancelled: bool, total: i64, paid: i64) -> InvoiceStatus {
    if cancelled {
        InvoiceStatus::Cancelled
    } else if paid >= total {
        InvoiceStatus::Paid
    } else if paid > 0 {
        InvoiceStatus::PartlyPaid
    } else {
        InvoiceStatus::Unpaid
    }
}
