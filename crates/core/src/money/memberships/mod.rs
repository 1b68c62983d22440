//! Sold passes. A membership's state — active, frozen, used up, expired, cancelled — is
//! worked out from its dates, freezes and visits left; visits left changes only by guarded
//! statements in the transaction that checks it (never below zero).

use chrono::{DateTime, NaiveDate, Utc};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use specta::Type;
use uuid::Uuid;

use super::invoices::InvoiceStatus;
use super::plans::{MembershipPlan, PlanStart, Validity, VisitCap};
use super::Party;
use crate::auth::{Session, UserRef};
use crate::db::Tx;
use crate::error::ApiError;
use crate::exec_tx;

mod change;
mod list;
mod sell;
pub(crate) use change::{
    membership_extend, membership_freeze, membership_transfer, membership_unfreeze,
};
pub(crate) use list::{membership_in, memberships_list};
pub(crate) use sell::membership_sell;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Type, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum MembershipState {
    /// Usable (or starting on a later day, or at the first visit).
    Active,
    Frozen,
    UsedUp,
    Expired,
    Cancelled,
}

impl MembershipState {
    pub fn as_str(self) -> &'static str {
        match self {
            MembershipState::Active => "active",
            MembershipState::Frozen => "frozen",
            MembershipState::UsedUp => "used_up",
            MembershipState::Expired => "expired",
            MembershipState::Cancelled => "cancelled",
        }
    }
}

/// The state on `today`: cancelled, then frozen, used up, expired, else active.
pub fn state_on(
    today: NaiveDate,
    cancelled: bool,
    frozen: bool,
    visits_left: Option<u32>,
    ends_on: Option<NaiveDate>,
) -> MembershipState {
    if cancelled {
        MembershipState::Cancelled
    } else if frozen {
        MembershipState::Frozen
    } else if visits_left == Some(0) {
        MembershipState::UsedUp
    } else if ends_on.is_some_and(|e| e < today) {
        MembershipState::Expired
    } else {
        MembershipState::Active
    }
}

#[derive(Debug, Clone, Serialize, Deserialize, Type, JsonSchema)]
pub struct Freeze {
    pub id: Uuid,
    pub from: NaiveDate,
    pub until: NaiveDate,
    pub reason: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, Type, JsonSchema)]
pub struct Membership {
    pub id: Uuid,
    pub client: Party,
    pub payer: Party,
    pub plan_id: Uuid,
    /// The plan's name when it was sold.
    pub name: String,
    pub state: MembershipState,
    /// None: unlimited.
    pub visits_total: Option<u32>,
    pub visits_left: Option<u32>,
    /// None until the first visit, for a pass counted from it.
    pub starts_on: Option<NaiveDate>,
    pub ends_on: Option<NaiveDate>,
    pub validity: Validity,
    /// Catalogue service ids it may be used for; empty: every service.
    pub covers: Vec<Uuid>,
    pub cap: Option<VisitCap>,
    pub family: bool,
    /// Freeze days the plan allows, and how many are taken.
    pub freeze_days: u32,
    pub freeze_days_used: u32,
    pub freezes: Vec<Freeze>,
    pub invoice_id: Option<Uuid>,
    pub invoice_number: Option<i64>,
    /// How its invoice stands (none without one).
    pub payment: Option<InvoiceStatus>,
    pub cancel_reason: Option<String>,
    pub created_at: DateTime<Utc>,
    pub created_by: Option<UserRef>,
    pub updated_at: DateTime<Utc>,
    pub updated_by: Option<UserRef>,
    pub version: i64,
}

#[derive(Debug, Clone, Serialize, Deserialize, Type, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct MembershipSellArgs {
    pub client_id: Uuid,
    pub plan_id: Uuid,
    /// Who pays (a guardian, a company); by default the client.
    #[serde(default)]
    pub payer_id: Option<Uuid>,
    /// `YYYY-MM-DD`; by default today (or the first visit, for a plan counted from it).
    #[serde(default)]
    pub start_date: Option<String>,
    /// A discount in basis points for this sale instead of the client category's.
    #[serde(default)]
    pub discount: Option<u32>,
    #[serde(default)]
    pub note: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, Type, JsonSchema)]
pub struct MembershipSale {
    pub invoice: super::invoices::Invoice,
    pub membership: Membership,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, Type, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct MembershipsListArgs {
    /// Passes this client holds or pays for; none: every pass (with `states`).
    #[serde(default)]
    pub client_id: Option<Uuid>,
    /// Only these states; empty: all.
    #[serde(default)]
    pub states: Vec<MembershipState>,
}

#[derive(Debug, Clone, Serialize, Deserialize, Type, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct MembershipFreezeArgs {
    pub id: Uuid,
    /// The version read; a stale one is a conflict.
    pub version: i64,
    /// First and last day frozen (`YYYY-MM-DD`), both included; the pass ends that many days
    /// later.
    pub from: String,
    pub until: String,
    pub reason: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, Type, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct MembershipUnfreezeArgs {
    pub id: Uuid,
    pub version: i64,
}

#[derive(Debug, Clone, Serialize, Deserialize, Type, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct MembershipExtendArgs {
    pub id: Uuid,
    pub version: i64,
    /// Days added to the end.
    #[serde(default)]
    pub days: u32,
    /// Visits added (to a pass with a number of visits).
    #[serde(default)]
    pub visits: u32,
    pub reason: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, Type, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct MembershipTransferArgs {
    pub id: Uuid,
    pub version: i64,
    /// The client who holds it from now on (the payer stays).
    pub to_client_id: Uuid,
    pub reason: String,
}

/// A membership to write, from a plan.
pub(crate) struct NewMembership<'a> {
    pub client_id: Uuid,
    pub payer_id: Uuid,
    pub invoice_id: Option<Uuid>,
    pub plan: &'a MembershipPlan,
    pub start: Option<NaiveDate>,
    pub today: NaiveDate,
}

/// Writes a new membership; the caller records the audit row.
pub(crate) async fn insert_membership(
    tx: &mut Tx,
    m: &NewMembership<'_>,
    session: &Session,
    now: DateTime<Utc>,
) -> Result<Uuid, ApiError> {
    let plan = m.plan;
    let starts_on = match plan.starts {
        PlanStart::Sale => Some(m.start.unwrap_or(m.today)),
        PlanStart::FirstVisit => m.start,
    };
    let ends_on = starts_on.map(|s| plan.validity.last_day(s));
    let covers: Vec<Uuid> = plan.covers.iter().map(|s| s.id).collect();
    let covers = serde_json::to_string(&covers).unwrap_or_else(|_| "[]".into());
    let id = crate::new_id();
    let visits = plan.visits.map(|v| v as i32);
    exec_tx!(tx, c => sqlx::query(
        "INSERT INTO memberships (id, client_id, plan_id, payer_id, invoice_id, name, visits_total, visits_left, \
         starts_on, ends_on, validity_count, validity_unit, covers, cap_count, cap_period, freeze_days, family, \
         created_at, created_by, updated_at, updated_by, version) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $17, $18, 1)")
        .bind(id).bind(m.client_id).bind(plan.id).bind(m.payer_id).bind(m.invoice_id).bind(&plan.name)
        .bind(visits).bind(starts_on).bind(ends_on).bind(plan.validity.count as i32)
        .bind(plan.validity.unit_str()).bind(&covers).bind(plan.cap.map(|c| c.count as i32))
        .bind(plan.cap.map(VisitCap::period_str)).bind(plan.freeze_days as i32).bind(plan.family)
        .bind(now).bind(session.user_id)
        .execute(c).await)?;
    Ok(id)
}
