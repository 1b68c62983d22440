//! A client category's discount rule, and the one function sales calls to apply it.
//!
//! Percentages are basis points (1 % = 100), prices integer minor units. The discount is
//! `price × points / 10 000` rounded half up to a whole minor unit (so 0.5 of a minor unit
//! goes to the client), and never more than the price.

use chrono::NaiveDate;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use specta::Type;

use crate::error::Problems;

/// The most a rule may take off: 100 %.
pub const MAX_POINTS: u32 = 10_000;

/// How a category's discount is worked out.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type, JsonSchema, Default)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum DiscountRule {
    /// No discount (a category for grouping only).
    #[default]
    None,
    /// Always the same percentage.
    Percent { points: u32 },
    /// Grows with how many purchases the client has made before this one: the highest step
    /// whose `min_purchases` is reached applies.
    ByPurchases { steps: Vec<PurchaseStep> },
    /// A percentage between two dates, both included (a promotion, a season card).
    Period {
        points: u32,
        from: NaiveDate,
        until: NaiveDate,
    },
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type, JsonSchema)]
pub struct PurchaseStep {
    pub min_purchases: u32,
    pub points: u32,
}

/// What the sale knows when it asks for the discount.
#[derive(Debug, Clone, Copy)]
pub struct Purchase {
    /// Price before the discount, in minor units.
    pub price: i64,
    /// Purchases the client made before this one.
    pub previous_purchases: u32,
    /// The sale's date in the centre's time zone.
    pub on: NaiveDate,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Type, JsonSchema)]
pub struct Discount {
    /// Basis points that applied (0 when none).
    pub points: u32,
    /// Taken off, minor units.
    pub amount: i64,
    /// What the client pays, minor units.
    pub price: i64,
}

impl DiscountRule {
    /// The basis points this rule gives for `p` (0 if it does not apply).
    pub fn points_for(&self, p: &Purchase) -> u32 {
        match self {
            DiscountRule::None => 0,
            DiscountRule::Percent { points } => *points,
            DiscountRule::ByPurchases { steps } => steps
                .iter()
                .filter(|s| p.previous_purchases >= s.min_purchases)
                .map(|s| s.points)
                .max()
                .unwrap_or(0),
            DiscountRule::Period {
                points,
                from,
                until,
            } => {
                if (*from..=*until).contains(&p.on) {
                    *points
                } else {
                    0
                }
            }
        }
    }

    /// Applies the rule to a purchase. A negative price (a refund) gets no discount.
    pub fn apply(&self, p: &Purchase) -> Discount {
        let points = self.points_for(p).min(MAX_POINTS);
        if p.price <= 0 || points == 0 {
            return Discount {
                points: 0,
                amount: 0,
                price: p.price,
            };
        }
        let amount = (i128::from(p.price) * i128::from(points) + 5_000) / 10_000;
        let amount = i64::try_from(amount).unwrap_or(p.price).min(p.price);
        Discount {
            points,
            amount,
            price: p.price - amount,
        }
    }

    /// Checks a rule from a form; errors name `prefix`'s fields.
    pub fn check(&self, prefix: &str, p: &mut Problems) {
        let pts = |p: &mut Problems, field: String, v: u32| {
            if v == 0 || v > MAX_POINTS {
                p.add(
                    field,
                    "out_of_range",
                    "a discount is more than 0 % and at most 100 %",
                );
            }
        };
        match self {
            DiscountRule::None => {}
            DiscountRule::Percent { points } => pts(p, format!("{prefix}points"), *points),
            DiscountRule::ByPurchases { steps } => {
                if steps.is_empty() {
                    p.add(
                        format!("{prefix}steps"),
                        "required",
                        "add at least one step",
                    );
                }
                let mut seen = std::collections::HashSet::new();
                for (i, s) in steps.iter().enumerate() {
                    pts(p, format!("{prefix}steps.{i}.points"), s.points);
                    if !seen.insert(s.min_purchases) {
                        p.add(
                            format!("{prefix}steps.{i}.min_purchases"),
                            "duplicate",
                            "two steps start at the same number of purchases",
                        );
                    }
                }
            }
            DiscountRule::Period {
                points,
                from,
                until,
            } => {
                pts(p, format!("{prefix}points"), *points);
                if until < from {
                    p.add(
                        format!("{prefix}until"),
                        "before_start",
                        "the period ends before it starts",
                    );
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    fn buy(price: i64, previous: u32, on: &str) -> Purchase {
        Purchase {
            price,
            previous_purchases: previous,
            on: d(on),
        }
    }

    #[test]
    fn percent_rounds_half_up_to_a_minor_unit() {
        let r = DiscountRule::Percent { points: 1_000 };
        assert_eq!(r.apply(&buy(150_000, 0, "2026-01-01")).price, 135_000);
        // 12.5 % of 1 = 0.125 → 0; of 4 = 0.5 → 1 (half up); of 3 = 0.375 → 0.
        let r = DiscountRule::Percent { points: 1_250 };
        assert_eq!(r.apply(&buy(1, 0, "2026-01-01")).amount, 0);
        assert_eq!(r.apply(&buy(4, 0, "2026-01-01")).amount, 1);
        assert_eq!(r.apply(&buy(3, 0, "2026-01-01")).amount, 0);
        // 33.33 % of 999 = 332.967 → 333.
        let r = DiscountRule::Percent { points: 3_333 };
        let x = r.apply(&buy(999, 0, "2026-01-01"));
        assert_eq!((x.amount, x.price, x.points), (333, 666, 3_333));
    }

    #[test]
    fn never_more_than_the_price_and_no_overflow() {
        let r = DiscountRule::Percent { points: 10_000 };
        assert_eq!(r.apply(&buy(7, 0, "2026-01-01")).price, 0);
        let r = DiscountRule::Percent { points: 50_000 };
        assert_eq!(r.apply(&buy(7, 0, "2026-01-01")).price, 0);
        let r = DiscountRule::Percent { points: 9_999 };
        let x = r.apply(&buy(i64::MAX, 0, "2026-01-01"));
        assert!(x.amount > 0 && x.price > 0 && x.amount + x.price == i64::MAX);
    }

    #[test]
    fn refunds_and_free_items_get_nothing() {
        let r = DiscountRule::Percent { points: 2_000 };
        assert_eq!(r.apply(&buy(-500, 0, "2026-01-01")).amount, 0);
        assert_eq!(r.apply(&buy(0, 0, "2026-01-01")).price, 0);
    }

    #[test]
    fn by_purchases_takes_the_highest_step_reached() {
        let r = DiscountRule::ByPurchases {
            steps: vec![
                PurchaseStep {
                    min_purchases: 10,
                    points: 1_000,
                },
                PurchaseStep {
                    min_purchases: 3,
                    points: 500,
                },
            ],
        };
        assert_eq!(r.apply(&buy(1_000, 2, "2026-01-01")).amount, 0);
        assert_eq!(r.apply(&buy(1_000, 3, "2026-01-01")).amount, 50);
        assert_eq!(r.apply(&buy(1_000, 9, "2026-01-01")).amount, 50);
        assert_eq!(r.apply(&buy(1_000, 10, "2026-01-01")).amount, 100);
    }

    #[test]
    fn a_period_includes_both_ends() {
        let r = DiscountRule::Period {
            points: 1_500,
            from: d("2026-06-01"),
            until: d("2026-08-31"),
        };
        assert_eq!(r.apply(&buy(1_000, 0, "2026-05-31")).amount, 0);
        assert_eq!(r.apply(&buy(1_000, 0, "2026-06-01")).amount, 150);
        assert_eq!(r.apply(&buy(1_000, 0, "2026-08-31")).amount, 150);
        assert_eq!(r.apply(&buy(1_000, 0, "2026-09-01")).amount, 0);
    }

    #[test]
    fn bad_rules_name_their_field() {
        let mut p = Problems::default();
        DiscountRule::Period {
            points: 0,
            from: d("2026-06-01"),
            until: d("2026-05-01"),
        }
        .check("rule.", &mut p);
        DiscountRule::ByPurchases {
            steps: vec![
                PurchaseStep {
                    min_purchases: 1,
                    points: 100,
                },
                PurchaseStep {
                    min_purchases: 1,
                    points: 20_000,
                },
            ],
        }
        .check("rule.", &mut p);
        let fields: Vec<_> = p.errors().iter().map(|e| e.field.as_str()).collect();
        assert_eq!(
            fields,
            [
                "rule.points",
                "rule.until",
                "rule.steps.1.points",
                "rule.steps.1.min_purchases"
            ]
        );
    }
}
