//! Membership plans: what a pass gives — a number of visits (or unlimited) for a validity
//! counted from the sale or the first visit, over some services, with an optional cap per
//! week or month, a freeze allowance and family sharing.

use chrono::{DateTime, Datelike, Months, NaiveDate, Utc};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use specta::Type;
use uuid::Uuid;

use super::amount::Tax;
use crate::auth::UserRef;

mod store;
mod validate;
pub(crate) use store::{
    insert_plan, membership_plan_create, membership_plan_update, membership_plans_list, plan_in,
};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Type, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum ValidityUnit {
    Days,
    Months,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Type, JsonSchema)]
pub struct Validity {
    pub count: u32,
    pub unit: ValidityUnit,
}

impl Validity {
    /// The last day a pass starting on `start` is valid (both days included): 30 days from
    /// the 1st end on the 30th, a month from 15 November on 14 December; when the month it
    /// ends in has no such day (a month from 31 January), at the end of that month.
    pub fn last_day(self, start: NaiveDate) -> NaiveDate {
        let end = match self.unit {
            ValidityUnit::Days => start
                .checked_add_days(chrono::Days::new(u64::from(self.count)))
                .and_then(|d| d.pred_opt()),
            ValidityUnit::Months => start.checked_add_months(Months::new(self.count)).map(|d| {
                if d.day() == start.day() {
                    d.pred_opt().unwrap_or(d)
                } else {
                    // Clamped to a shorter month's last day: the pass runs to it.
                    d
                }
            }),
        };
        end.unwrap_or(NaiveDate::MAX)
    }

    pub(crate) fn unit_str(self) -> &'static str {
        match self.unit {
            ValidityUnit::Days => "days",
            ValidityUnit::Months => "months",
        }
    }

    pub(crate) fn from_row(count: i32, unit: &str) -> Validity {
        Validity {
            count: u32::try_from(count).unwrap_or(1),
            unit: if unit == "months" {
                ValidityUnit::Months
            } else {
                ValidityUnit::Days
            },
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Type, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum PlanStart {
    /// From the day of the sale (or the start date the seller picks).
    Sale,
    /// From the first visit.
    FirstVisit,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Type, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum CapPeriod {
    Week,
    Month,
}

/// At most `count` visits per week or per calendar month.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Type, JsonSchema)]
pub struct VisitCap {
    pub count: u32,
    pub period: CapPeriod,
}

impl VisitCap {
    pub(crate) fn from_row(count: Option<i32>, period: Option<&str>) -> Option<VisitCap> {
        Some(VisitCap {
            count: u32::try_from(count?).ok()?,
            period: if period? == "month" {
                CapPeriod::Month
            } else {
                CapPeriod::Week
            },
        })
    }
    pub(crate) fn period_str(self) -> &'static str {
        match self.period {
            CapPeriod::Week => "week",
            CapPeriod::Month => "month",
        }
    }
}

/// A catalogue service a plan covers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type, JsonSchema)]
pub struct ServiceRef {
    pub id: Uuid,
    pub name: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, Type, JsonSchema)]
pub struct MembershipPlan {
    pub id: Uuid,
    pub name: String,
    /// Visits a pass gives; none: unlimited within its validity.
    pub visits: Option<u32>,
    pub validity: Validity,
    pub starts: PlanStart,
    /// The catalogue services it may be used for; empty: every service.
    pub covers: Vec<ServiceRef>,
    pub cap: Option<VisitCap>,
    /// Minor units of the centre's currency.
    pub price: i64,
    pub tax: Tax,
    /// Days a pass may be frozen in all.
    pub freeze_days: u32,
    /// One payer's children may share one pass.
    pub family: bool,
    /// Inactive plans are no longer sold; passes sold keep working.
    pub active: bool,
    pub created_at: DateTime<Utc>,
    pub created_by: Option<UserRef>,
    pub updated_at: DateTime<Utc>,
    pub updated_by: Option<UserRef>,
    pub version: i64,
}

#[derive(Debug, Clone, Serialize, Deserialize, Type, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct MembershipPlanInput {
    pub name: String,
    #[serde(default)]
    pub visits: Option<u32>,
    pub validity: Validity,
    pub starts: PlanStart,
    /// Catalogue service ids; empty: every service.
    #[serde(default)]
    pub covers: Vec<Uuid>,
    #[serde(default)]
    pub cap: Option<VisitCap>,
    pub price: i64,
    #[serde(default)]
    pub tax: Tax,
    #[serde(default)]
    pub freeze_days: u32,
    #[serde(default)]
    pub family: bool,
    #[serde(default = "super::catalog::yes")]
    pub active: bool,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, Type, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct MembershipPlansListArgs {
    /// Also plans no longer sold.
    #[serde(default)]
    pub include_inactive: bool,
}

#[derive(Debug, Clone, Serialize, Deserialize, Type, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct MembershipPlanCreateArgs {
    pub plan: MembershipPlanInput,
}

#[derive(Debug, Clone, Serialize, Deserialize, Type, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct MembershipPlanUpdateArgs {
    pub id: Uuid,
    /// The version read; a stale one is a conflict.
    pub version: i64,
    pub plan: MembershipPlanInput,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn validity_counts_both_ends() {
        let days = Validity {
            count: 30,
            unit: ValidityUnit::Days,
        };
        assert_eq!(days.last_day(d(2026, 11, 1)), d(2026, 11, 30));
        let month = Validity {
            count: 1,
            unit: ValidityUnit::Months,
        };
        assert_eq!(month.last_day(d(2026, 1, 31)), d(2026, 2, 28));
        assert_eq!(month.last_day(d(2026, 1, 28)), d(2026, 2, 27));
        assert_eq!(month.last_day(d(2026, 11, 15)), d(2026, 12, 14));
        let year = Validity {
            count: 12,
            unit: ValidityUnit::Months,
        };
        assert_eq!(year.last_day(d(2028, 2, 29)), d(2029, 2, 28));
    }
}
