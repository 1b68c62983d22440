//! The demo centre's money: a catalogue, membership plans, and passes sold to its clients in
//! every state a desk meets — fresh, nearly used up, unpaid, partly paid, overpaid into
//! credit, frozen, expired, used up, cancelled.

use chrono::{DateTime, Duration, Utc};
use uuid::Uuid;

use super::Lcg;
use crate::auth::Session;
use crate::db::Tx;
use crate::error::ApiError;
use crate::money::amount::Tax;
use crate::money::catalog::{insert_category, insert_item, CatalogCategoryInput};
use crate::money::catalog::{CatalogItemInput, ItemKind};
use crate::money::contracts::insert_contract;
use crate::money::invoices::{create_in, InvoiceCreateArgs, LineInput};
use crate::money::payments::{insert as insert_payment, NewPayment, PaymentKind, PaymentMethod};
use crate::money::plans::{insert_plan, MembershipPlanInput, PlanStart, Validity, ValidityUnit};
use crate::{exec_tx, on_tx};

/// One kip is 100 minor units (ISO 4217 gives LAK two decimals, though nobody uses them).
pub(super) const KIP: i64 = 100;
const VAT: Tax = Tax {
    points: 1_000,
    included: true,
};

/// (category, kind, name, price in kip, unit)
const ITEMS: &[(&str, ItemKind, &str, i64, &str)] = &[
    ("Classes", ItemKind::Service, "Ballet", 120_000, "class"),
    ("Classes", ItemKind::Service, "Swimming", 150_000, "class"),
    ("Classes", ItemKind::Service, "Karate", 100_000, "class"),
    ("Classes", ItemKind::Service, "Art studio", 90_000, "class"),
    (
        "Classes",
        ItemKind::Service,
        "Piano lesson",
        250_000,
        "lesson",
    ),
    (
        "Drinks and snacks",
        ItemKind::Good,
        "Water 0.5 l",
        5_000,
        "bottle",
    ),
    (
        "Drinks and snacks",
        ItemKind::Good,
        "Mango juice",
        15_000,
        "cup",
    ),
    (
        "Club shop",
        ItemKind::Good,
        "Club T-shirt",
        120_000,
        "piece",
    ),
    ("Club shop", ItemKind::Good, "Swim cap", 45_000, "piece"),
    ("Rentals", ItemKind::Service, "Locker", 10_000, "day"),
];

fn plan(name: &str, visits: Option<u32>, days: u32, months: u32, kip: i64) -> MembershipPlanInput {
    let validity = if months > 0 {
        Validity {
            count: months,
            unit: ValidityUnit::Months,
        }
    } else {
        Validity {
            count: days,
            unit: ValidityUnit::Days,
        }
    };
    MembershipPlanInput {
        name: name.into(),
        visits,
        validity,
        starts: PlanStart::Sale,
        covers: Vec::new(),
        cap: None,
        price: kip * KIP,
        tax: VAT,
        freeze_days: 14,
        family: false,
        active: true,
    }
}

/// What a demo sale becomes.
#[derive(Clone, Copy)]
enum Fate {
    PaidFresh,
    NearlyUsed,
    Unpaid,
    HalfPaid,
    Overpaid,
    Frozen,
    Expired,
    UsedUp,
    Cancelled,
}

const FATES: &[Fate] = &[
    Fate::PaidFresh,
    Fate::NearlyUsed,
    Fate::PaidFresh,
    Fate::Unpaid,
    Fate::HalfPaid,
    Fate::PaidFresh,
    Fate::Frozen,
    Fate::Expired,
    Fate::NearlyUsed,
    Fate::UsedUp,
    Fate::Overpaid,
    Fate::PaidFresh,
    Fate::Cancelled,
];

pub(super) async fn seed(
    tx: &mut Tx,
    desk: &Session,
    manager: &Session,
    buyers: &[(Uuid, Option<Uuid>)],
    rng: &mut Lcg,
    now: DateTime<Utc>,
) -> Result<(), ApiError> {
    let mut categories: Vec<(&str, Uuid)> = Vec::new();
    let mut services = Vec::new();
    for (category, kind, name, kip, unit) in ITEMS {
        let cat = match categories.iter().find(|(n, _)| n == category) {
            Some((_, id)) => *id,
            None => {
                let input = CatalogCategoryInput {
                    name: category.to_string(),
                    archived: false,
                };
                let id = insert_category(tx, &input).await?;
                categories.push((category, id));
                id
            }
        };
        let item = CatalogItemInput {
            kind: *kind,
            name: name.to_string(),
            category_id: Some(cat),
            price: kip * KIP,
            tax: VAT,
            unit: unit.to_string(),
            active: true,
        };
        let id = insert_item(tx, &item, manager, now).await?;
        if *kind == ItemKind::Service && *unit != "day" {
            services.push(id);
        }
    }
    let mut kids8 = plan("8 classes a month", Some(8), 0, 1, 800_000);
    kids8.covers = services[..4].to_vec();
    let mut swim = plan("Swimming 10", Some(10), 60, 0, 1_200_000);
    swim.covers = vec![services[1]];
    swim.starts = PlanStart::FirstVisit;
    let mut family = plan("Family 20 classes", Some(20), 0, 2, 1_800_000);
    family.family = true;
    let unlimited = plan("Unlimited month", None, 0, 1, 1_500_000);
    let mut old = plan("Autumn promo 5 classes", Some(5), 30, 0, 400_000);
    old.active = false;
    let mut plans = Vec::new();
    for p in [&kids8, &swim, &family, &unlimited, &old] {
        plans.push((insert_plan(tx, p, manager, now).await?, p.visits));
    }
    let today = now.date_naive();
    // Contracts: a school year for some children, signed by a parent; one ends next week.
    let mut contracts = Vec::new();
    for (n, (client, payer)) in buyers.iter().take(4).enumerate() {
        let starts = today - Duration::days(80 + 30 * n as i64);
        let ends = if n == 1 {
            today + Duration::days(6)
        } else {
            starts + Duration::days(273)
        };
        let parties = (*client, payer.unwrap_or(*client));
        let note = "Classes for the school year";
        contracts.push(insert_contract(tx, parties, (starts, ends), note, desk, now).await?);
    }
    for (n, (client, payer)) in buyers.iter().enumerate() {
        let fate = FATES[n % FATES.len()];
        let (plan_id, visits) = plans[n % 4];
        let start = match fate {
            Fate::Expired => today - Duration::days(75),
            Fate::NearlyUsed | Fate::UsedUp => today - Duration::days(20),
            _ => today - Duration::days(rng.below(10) as i64),
        };
        let args = InvoiceCreateArgs {
            client_id: *client,
            payer_id: *payer,
            lines: vec![LineInput::Membership {
                plan_id,
                start_date: Some(start.to_string()),
            }],
            contract_id: contracts.get(n).copied(),
            discount: None,
            note: String::new(),
        };
        let at = now - Duration::days((today - start).num_days()) - Duration::hours(2);
        let sale = create_in(tx, desk, at, &args).await?;
        let membership = sale.memberships[0];
        let (total, payer): (i64, Uuid) = on_tx!(tx, c => sqlx::query_as(
            "SELECT total, payer_id FROM invoices WHERE id = $1").bind(sale.invoice_id).fetch_one(c).await)?;
        let paid = match fate {
            Fate::Unpaid | Fate::Cancelled => 0,
            Fate::HalfPaid => total / 2,
            Fate::Overpaid => total + 50_000 * KIP,
            _ => total,
        };
        let method = [
            PaymentMethod::Cash,
            PaymentMethod::Card,
            PaymentMethod::Transfer,
        ][n % 3];
        if paid > 0 {
            let reason = "overpayment kept as credit";
            for (invoice, amount) in [
                (Some(sale.invoice_id), paid.min(total)),
                (None, paid - total),
            ] {
                if amount > 0 {
                    let row = NewPayment {
                        payer_id: payer,
                        invoice_id: invoice,
                        kind: PaymentKind::Payment,
                        method,
                        amount,
                        day: start,
                        reason: if invoice.is_none() { reason } else { "" },
                        refund_of: None,
                    };
                    insert_payment(tx, &row, desk.user_id, at).await?;
                }
            }
        }
        let left = match (fate, visits) {
            (Fate::NearlyUsed, Some(v)) => Some(1 + rng.below(2) as i32).map(|l| l.min(v as i32)),
            (Fate::UsedUp, Some(_)) => Some(0),
            (_, Some(v)) => Some(v as i32 - rng.below(3) as i32),
            (_, None) => None,
        };
        exec_tx!(tx, c => sqlx::query("UPDATE memberships SET visits_left = $1 WHERE id = $2")
            .bind(left).bind(membership).execute(c).await)?;
        match fate {
            Fate::Frozen => {
                // Frozen for ten days: the pass ends ten days later.
                let ends: Option<chrono::NaiveDate> = on_tx!(tx, c => sqlx::query_scalar(
                    "SELECT ends_on FROM memberships WHERE id = $1").bind(membership).fetch_one(c).await)?;
                exec_tx!(tx, c => sqlx::query("UPDATE memberships SET ends_on = $1 WHERE id = $2")
                    .bind(ends.map(|e| e + Duration::days(10))).bind(membership).execute(c).await)?;
                exec_tx!(tx, c => sqlx::query(
                    "INSERT INTO membership_freezes (id, membership_id, from_on, until_on, reason, created_at, created_by) \
                     VALUES ($1, $2, $3, $4, 'Family holiday', $5, $6)")
                    .bind(crate::new_id()).bind(membership).bind(today - Duration::days(2))
                    .bind(today + Duration::days(7)).bind(now).bind(desk.user_id).execute(c).await)?;
            }
            Fate::Cancelled => {
                exec_tx!(tx, c => sqlx::query(
                    "UPDATE invoices SET status = 'cancelled', cancel_reason = 'Sold twice by mistake' WHERE id = $1")
                    .bind(sale.invoice_id).execute(c).await)?;
                exec_tx!(tx, c => sqlx::query(
                    "UPDATE memberships SET cancelled_at = $1, cancel_reason = 'Sold twice by mistake' WHERE id = $2")
                    .bind(at).bind(membership).execute(c).await)?;
            }
            _ => {}
        }
    }
    Ok(())
}
