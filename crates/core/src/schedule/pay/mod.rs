//! Instructors' pay: effective-dated rules per instructor and service (per class, per
//! attendee, tiers by attendance, a percent of the visits' value, a base for an empty class,
//! a rule for substitutes), statements from the held classes, pay periods locked once
//! approved, and the instructors' rankings.

use chrono::{DateTime, NaiveDate, Utc};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use specta::Type;
use uuid::Uuid;

use super::Named;
use crate::auth::UserRef;
use crate::money::amount::mul_div_round;

mod compute;
mod periods;
mod rankings;
mod rules;
pub(crate) use periods::{pay_period_approve, pay_periods_list, pay_statement};
pub(crate) use rankings::instructor_rankings;
pub(crate) use rules::{pay_rules_create, pay_rules_delete, pay_rules_list, refuse_if_paid};

/// From `min_attendees` up, a class pays `amount` more (the highest tier reached counts).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Tier {
    pub min_attendees: u32,
    /// Minor units.
    pub amount: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type, JsonSchema)]
pub struct PayRule {
    pub id: Uuid,
    pub staff: Named,
    /// None: every service the instructor teaches without a rule of its own.
    pub service: Option<Named>,
    /// In force from this day until the next rule for the same instructor and service.
    pub effective_from: NaiveDate,
    pub per_class: i64,
    pub per_attendee: i64,
    pub tiers: Vec<Tier>,
    /// Hundredths of a percent of the value of the visits written off.
    pub percent_points: u32,
    /// Paid for a held class nobody came to (instead of the rest).
    pub empty_class: i64,
    /// Paid for a class taught in another's place (instead of the rest); none: as their own.
    pub substitute_per_class: Option<i64>,
    pub note: String,
    pub created_at: DateTime<Utc>,
    pub created_by: Option<UserRef>,
}

#[derive(Debug, Clone, Serialize, Deserialize, Type, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PayRuleInput {
    pub staff_id: Uuid,
    #[serde(default)]
    pub service_id: Option<Uuid>,
    /// `YYYY-MM-DD`: after the last approved pay period.
    pub effective_from: String,
    #[serde(default)]
    pub per_class: i64,
    #[serde(default)]
    pub per_attendee: i64,
    #[serde(default)]
    pub tiers: Vec<Tier>,
    #[serde(default)]
    pub percent_points: u32,
    #[serde(default)]
    pub empty_class: i64,
    #[serde(default)]
    pub substitute_per_class: Option<i64>,
    #[serde(default)]
    pub note: String,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, Type, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PayRulesListArgs {
    #[serde(default)]
    pub staff_id: Option<Uuid>,
}

#[derive(Debug, Clone, Serialize, Deserialize, Type, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PayRulesCreateArgs {
    pub rule: PayRuleInput,
}

#[derive(Debug, Clone, Serialize, Deserialize, Type, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PayRulesDeleteArgs {
    pub id: Uuid,
}

/// One held class on a statement.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type, JsonSchema)]
pub struct PayLine {
    pub occurrence_id: String,
    pub starts_at: DateTime<Utc>,
    pub day: NaiveDate,
    pub group: Named,
    pub service: Named,
    /// Present or late, walk-ins and trials included.
    pub attendees: u32,
    /// What the visits written off were worth.
    pub value: i64,
    /// Taught in another instructor's place.
    pub substitute: bool,
    /// The rule applied (none: no rule in force, nothing paid).
    pub rule_id: Option<Uuid>,
    pub rule_from: Option<NaiveDate>,
    pub amount: i64,
    /// From an approved pay period: kept as approved.
    pub locked: bool,
}

#[derive(Debug, Clone, Serialize, Deserialize, Type, JsonSchema)]
pub struct PayStatement {
    pub staff: Named,
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub lines: Vec<PayLine>,
    pub classes: u32,
    pub attendees: u32,
    /// Classes with no rule in force.
    pub unruled: u32,
    pub total: i64,
}

#[derive(Debug, Clone, Serialize, Deserialize, Type, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PayStatementArgs {
    pub staff_id: Uuid,
    /// `YYYY-MM-DD`, both days included.
    pub from: String,
    pub to: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, Type, JsonSchema)]
pub struct PayPeriod {
    pub id: Uuid,
    pub starts_on: NaiveDate,
    pub ends_on: NaiveDate,
    /// Every instructor's pay for it.
    pub total: i64,
    pub approved_at: DateTime<Utc>,
    pub approved_by: Option<UserRef>,
}

#[derive(Debug, Clone, Serialize, Deserialize, Type, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PayPeriodApproveArgs {
    /// `YYYY-MM-DD`: the day after the last approved period (any day, for the first).
    pub starts_on: String,
    /// `YYYY-MM-DD`: today at the latest.
    pub ends_on: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, Type, JsonSchema)]
pub struct InstructorRank {
    pub instructor: Named,
    /// Clients who joined their groups.
    pub enrolments: u32,
    /// Clients who left their groups.
    pub refusals: u32,
    pub classes: u32,
    pub attendees: u32,
    /// What the visits at their classes were worth.
    pub revenue: i64,
}

#[derive(Debug, Clone, Serialize, Deserialize, Type, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct InstructorRankingsArgs {
    /// `YYYY-MM-DD`, both days included.
    pub from: String,
    pub to: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, Type, JsonSchema)]
pub struct InstructorRankings {
    pub from: NaiveDate,
    pub to: NaiveDate,
    /// By revenue, most first; the screen sorts by any column.
    pub instructors: Vec<InstructorRank>,
}

/// The pay of one class under `rule`.
pub fn class_pay(rule: &PayRule, attendees: u32, value: i64, substitute: bool) -> i64 {
    if substitute {
        if let Some(x) = rule.substitute_per_class {
            return x;
        }
    }
    if attendees == 0 {
        return rule.empty_class;
    }
    let tier = rule
        .tiers
        .iter()
        .filter(|t| t.min_attendees <= attendees)
        .max_by_key(|t| t.min_attendees)
        .map_or(0, |t| t.amount);
    rule.per_class
        + rule.per_attendee * i64::from(attendees)
        + tier
        + mul_div_round(value.max(0), i64::from(rule.percent_points), 10_000)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rule() -> PayRule {
        PayRule {
            id: Uuid::nil(),
            staff: Named {
                id: Uuid::nil(),
                name: String::new(),
            },
            service: None,
            effective_from: NaiveDate::default(),
            per_class: 1_000,
            per_attendee: 100,
            tiers: vec![
                Tier {
                    min_attendees: 10,
                    amount: 500,
                },
                Tier {
                    min_attendees: 5,
                    amount: 200,
                },
            ],
            percent_points: 250,
            empty_class: 300,
            substitute_per_class: None,
            note: String::new(),
            created_at: DateTime::default(),
            created_by: None,
        }
    }

    #[test]
    fn a_class_pays_its_parts_and_the_highest_tier_reached() {
        let r = rule();
        assert_eq!(class_pay(&r, 4, 0, false), 1_000 + 400);
        assert_eq!(class_pay(&r, 5, 0, false), 1_000 + 500 + 200);
        assert_eq!(class_pay(&r, 12, 10_002, false), 1_000 + 1_200 + 500 + 250);
        assert_eq!(class_pay(&r, 0, 0, false), 300);
        assert_eq!(
            class_pay(&r, 3, 0, true),
            1_300,
            "a substitute as their own"
        );
        let sub = PayRule {
            substitute_per_class: Some(700),
            ..r
        };
        assert_eq!(class_pay(&sub, 3, 0, true), 700);
        assert_eq!(class_pay(&sub, 0, 0, true), 700);
    }
}
