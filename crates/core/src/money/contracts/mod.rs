//! Contracts: a numbered agreement between the centre and a client — or the guardian or
//! company who pays — with start and end dates, the invoices issued under it, a list of those
//! ending soon, and renewal (a new contract following the old one).

use chrono::{DateTime, NaiveDate, Utc};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use specta::Type;
use uuid::Uuid;

use super::invoices::InvoiceSummary;
use super::Party;
use crate::auth::UserRef;

mod store;
mod write;
pub(crate) use store::{contract_get, contract_in, contracts_list};
pub(crate) use write::{
    contract_cancel, contract_create, contract_renew, contract_update, insert_contract,
};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Type, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum ContractState {
    /// Starts on a later day.
    Upcoming,
    Active,
    Ended,
    Cancelled,
}

#[derive(Debug, Clone, Serialize, Deserialize, Type, JsonSchema)]
pub struct Contract {
    pub id: Uuid,
    /// Sequential per centre, no gaps.
    pub number: i64,
    /// The client served.
    pub client: Party,
    /// The other party who signs and pays: the client, a guardian or a company.
    pub payer: Party,
    pub starts_on: NaiveDate,
    pub ends_on: NaiveDate,
    pub state: ContractState,
    /// Days until it ends (negative once ended).
    pub days_left: i64,
    /// The contract this one renews.
    pub renewed_from: Option<Uuid>,
    /// The contract that renews this one.
    pub renewed_by: Option<Uuid>,
    pub note: String,
    /// Invoices issued under it (in `contract_get`; empty in lists).
    pub invoices: Vec<InvoiceSummary>,
    pub created_at: DateTime<Utc>,
    pub created_by: Option<UserRef>,
    pub updated_at: DateTime<Utc>,
    pub updated_by: Option<UserRef>,
    pub version: i64,
}

#[derive(Debug, Clone, Serialize, Deserialize, Type, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ContractInput {
    pub client_id: Uuid,
    /// By default the client.
    #[serde(default)]
    pub payer_id: Option<Uuid>,
    /// `YYYY-MM-DD`.
    pub starts_on: String,
    pub ends_on: String,
    #[serde(default)]
    pub note: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, Type, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ContractCreateArgs {
    pub contract: ContractInput,
}

#[derive(Debug, Clone, Serialize, Deserialize, Type, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ContractUpdateArgs {
    pub id: Uuid,
    pub version: i64,
    pub contract: ContractInput,
}

#[derive(Debug, Clone, Serialize, Deserialize, Type, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ContractGetArgs {
    pub id: Uuid,
}

#[derive(Debug, Clone, Serialize, Deserialize, Type, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ContractRenewArgs {
    pub id: Uuid,
    pub version: i64,
    /// The new end (`YYYY-MM-DD`); the renewal starts the day after the old one ends.
    pub ends_on: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, Type, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ContractCancelArgs {
    pub id: Uuid,
    pub version: i64,
    pub reason: String,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, Type, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ContractsListArgs {
    /// A client's contracts (served or signing).
    #[serde(default)]
    pub client_id: Option<Uuid>,
    /// Only active ones ending within this many days and not yet renewed.
    #[serde(default)]
    pub ending_within_days: Option<u32>,
}

/// The state on `today`.
pub fn state_on(
    today: NaiveDate,
    cancelled: bool,
    starts: NaiveDate,
    ends: NaiveDate,
) -> ContractState {
    if cancelled {
        ContractState::Cancelled
    } else if today < starts {
        ContractState::Upcoming
    } else if today > ends {
        ContractState::Ended
    } else {
        ContractState::Active
    }
}
