//! Amounts and their arithmetic: integer minor units of the centre's currency, rates in basis
//! points (1 % = 100), every rounding half up to a whole minor unit and defined here once.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use specta::Type;

use crate::clients::discount::{DiscountRule, Purchase};
use crate::error::Problems;

/// The largest amount any price or payment may have, in minor units (a typed-in extra zero
/// is an error, not a sale): 10¹² — ten billion of a currency with two decimals.
pub const MAX_AMOUNT: i64 = 1_000_000_000_000;
/// The most a tax rate may be: 100 %.
pub const MAX_TAX_POINTS: u32 = 10_000;
/// The most of one thing on a line.
pub const MAX_QUANTITY: u32 = 10_000;

/// How many decimals a currency's minor unit has (ISO 4217; 0 for one without).
pub fn exponent(currency: &str) -> u16 {
    iso_currency::Currency::from_code(currency)
        .and_then(|c| c.exponent())
        .unwrap_or(0)
}

/// An amount as a message's text shows it: `150,000 LAK`, `12.50 USD` (digits grouped by
/// commas; no floats on the way).
pub fn plain(minor: i64, currency: &str) -> String {
    let exp = u32::from(exponent(currency));
    let unit = 10i64.pow(exp);
    let (sign, abs) = if minor < 0 {
        ("-", minor.unsigned_abs())
    } else {
        ("", minor.unsigned_abs())
    };
    let whole = (abs / unit as u64).to_string();
    let mut grouped = String::new();
    for (i, ch) in whole.chars().enumerate() {
        if i > 0 && (whole.len() - i).is_multiple_of(3) {
            grouped.push(',');
        }
        grouped.push(ch);
    }
    let frac = if exp > 0 {
        format!(".{:0width$}", abs % unit as u64, width = exp as usize)
    } else {
        String::new()
    };
    format!("{sign}{grouped}{frac} {currency}")
}

/// `a × b / c` rounded half up, for non-negative `a`, `b` and positive `c`.
pub fn mul_div_round(a: i64, b: i64, c: i64) -> i64 {
    let n = i128::from(a) * i128::from(b);
    let c = i128::from(c);
    i64::try_from((n + c / 2) / c).unwrap_or(i64::MAX)
}

/// Checks a price (zero allowed) at `field`.
pub fn check_price(p: &mut Problems, field: &str, value: i64) {
    if value < 0 {
        p.add(field, "negative", "a price cannot be negative");
    } else if value > MAX_AMOUNT {
        p.add(field, "too_large", "this amount is too large");
    }
}

/// Checks an amount of money that moves (more than zero) at `field`.
pub fn check_amount(p: &mut Problems, field: &str, value: i64) {
    if value <= 0 {
        p.add(field, "not_positive", "the amount must be more than zero");
    } else if value > MAX_AMOUNT {
        p.add(field, "too_large", "this amount is too large");
    }
}

/// Checks a tax rate at `field`.
pub fn check_tax(p: &mut Problems, field: &str, points: u32) {
    if points > MAX_TAX_POINTS {
        p.add(field, "out_of_range", "a tax rate is at most 100 %");
    }
}

/// A tax rate and whether prices already include it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, Type, JsonSchema)]
pub struct Tax {
    /// Basis points (7 % = 700).
    pub points: u32,
    /// The price includes the tax (the usual for a retail price), or the tax is added on top.
    pub included: bool,
}

/// One line of an invoice, priced.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Type, JsonSchema)]
pub struct LinePrice {
    pub quantity: u32,
    pub unit_price: i64,
    /// `unit_price × quantity`.
    pub gross: i64,
    /// Basis points of discount that applied.
    pub discount_points: u32,
    pub discount: i64,
    pub tax: Tax,
    /// The tax in `total` (included) or added to it.
    pub tax_amount: i64,
    /// What the line costs the payer.
    pub total: i64,
}

/// Prices a line: the discount comes off the gross (rounded half up, never more than the
/// gross), then the tax is worked out on what is left — taken out of it when included
/// (`net × rate / (1 + rate)`), added on top otherwise — rounded half up per line.
pub fn price_line(
    unit_price: i64,
    quantity: u32,
    discount: &DiscountRule,
    purchase: Purchase,
    tax: Tax,
) -> LinePrice {
    let gross = unit_price.saturating_mul(i64::from(quantity));
    let d = discount.apply(&Purchase {
        price: gross,
        ..purchase
    });
    let net = d.price;
    let points = i64::from(tax.points.min(MAX_TAX_POINTS));
    let (tax_amount, total) = if points == 0 {
        (0, net)
    } else if tax.included {
        (mul_div_round(net, points, 10_000 + points), net)
    } else {
        let t = mul_div_round(net, points, 10_000);
        (t, net + t)
    };
    LinePrice {
        quantity,
        unit_price,
        gross,
        discount_points: d.points,
        discount: d.amount,
        tax,
        tax_amount,
        total,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveDate;

    fn purchase() -> Purchase {
        Purchase {
            price: 0,
            previous_purchases: 0,
            on: NaiveDate::from_ymd_opt(2026, 11, 30).unwrap(),
        }
    }

    #[test]
    fn exponents_follow_iso_4217() {
        assert_eq!(exponent("USD"), 2);
        assert_eq!(exponent("LAK"), 2);
        assert_eq!(exponent("KZT"), 2);
        assert_eq!(exponent("JPY"), 0);
        assert_eq!(exponent("KHR"), 2);
        assert_eq!(exponent("BHD"), 3);
        assert_eq!(exponent("XXX"), 0);
    }

    #[test]
    fn discount_then_included_tax_rounds_half_up() {
        let ten = DiscountRule::Percent { points: 1_000 };
        let vat = Tax {
            points: 1_000,
            included: true,
        };
        // 3 × 3.35 = 10.05; 10 % off is 1.005 → 1.01 (half up); net 9.04; VAT inside it is
        // 9.04 × 10/110 = 0.8218… → 0.82.
        let l = price_line(335, 3, &ten, purchase(), vat);
        assert_eq!(
            (l.gross, l.discount, l.total, l.tax_amount),
            (1005, 101, 904, 82)
        );
    }

    #[test]
    fn added_tax_goes_on_top() {
        let added = Tax {
            points: 700,
            included: false,
        };
        // 0.50 × 7 % = 0.035 → 0.04.
        let l = price_line(50, 1, &DiscountRule::None, purchase(), added);
        assert_eq!((l.tax_amount, l.total), (4, 54));
        let l = price_line(0, 1, &DiscountRule::None, purchase(), added);
        assert_eq!((l.tax_amount, l.total), (0, 0));
    }

    #[test]
    fn a_full_discount_leaves_nothing_to_tax() {
        let all = DiscountRule::Percent { points: 10_000 };
        let l = price_line(
            99_999,
            2,
            &all,
            purchase(),
            Tax {
                points: 1_000,
                included: false,
            },
        );
        assert_eq!((l.discount, l.tax_amount, l.total), (199_998, 0, 0));
    }

    #[test]
    fn amounts_are_checked() {
        let mut p = Problems::default();
        check_amount(&mut p, "a", 0);
        check_amount(&mut p, "b", -5);
        check_amount(&mut p, "c", MAX_AMOUNT + 1);
        check_amount(&mut p, "d", 1);
        check_price(&mut p, "e", 0);
        check_tax(&mut p, "f", 10_001);
        let fields: Vec<&str> = p.errors().iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["a", "b", "c", "f"]);
    }
}
