//! Making an invoice: lines priced from the catalogue and the plans, the client category's
//! discount applied, a number taken, memberships made for the membership lines — all in the
//! caller's transaction.

use chrono::{DateTime, NaiveDate, Utc};
use uuid::Uuid;

use super::{InvoiceCreateArgs, LineInput};
use crate::auth::Session;
use crate::clients::categories::rule_of;
use crate::clients::discount::{DiscountRule, Purchase, MAX_POINTS};
use crate::db::Tx;
use crate::error::{ApiError, Problems};
use crate::money::amount::{price_line, LinePrice, MAX_AMOUNT, MAX_QUANTITY};
use crate::money::memberships::{insert_membership, NewMembership};
use crate::money::plans::{plan_in, MembershipPlan};
use crate::money::{catalog, currency, next_number, party, Party};
use crate::text::{parse_iso_date, parse_text};
use crate::{exec_tx, on_tx};

const MAX_LINES: usize = 100;
const MAX_NOTE: usize = 2_000;
/// How far from today a pass may be dated to start.
const MAX_START_DAYS: i64 = 366;

/// What a sale made.
pub(crate) struct Sale {
    pub invoice_id: Uuid,
    pub memberships: Vec<Uuid>,
}

enum Priced {
    Item {
        item_id: Uuid,
        name: String,
        price: LinePrice,
    },
    Membership {
        plan: Box<MembershipPlan>,
        start: Option<NaiveDate>,
        price: LinePrice,
    },
}

impl Priced {
    fn price(&self) -> &LinePrice {
        match self {
            Priced::Item { price, .. } | Priced::Membership { price, .. } => price,
        }
    }
}

/// The start dates of the membership lines, and the note.
fn check_args(
    args: &InvoiceCreateArgs,
    today: NaiveDate,
) -> Result<(Vec<Option<NaiveDate>>, String), ApiError> {
    let mut p = Problems::default();
    if args.lines.is_empty() {
        p.add("lines", "required", "add at least one line");
    } else if args.lines.len() > MAX_LINES {
        p.add("lines", "too_many", format!("at most {MAX_LINES} lines"));
    }
    if args.discount.is_some_and(|d| d > MAX_POINTS) {
        p.add("discount", "out_of_range", "a discount is at most 100 %");
    }
    let note = p.take(parse_text("note", &args.note, MAX_NOTE));
    let mut starts = Vec::new();
    for (i, line) in args.lines.iter().enumerate() {
        let mut start = None;
        match line {
            LineInput::Item { quantity, .. } => {
                if *quantity == 0 || *quantity > MAX_QUANTITY {
                    let m = format!("from 1 to {MAX_QUANTITY}");
                    p.add(format!("lines.{i}.quantity"), "out_of_range", m);
                }
            }
            LineInput::Membership { start_date, .. } => {
                let raw = start_date
                    .as_deref()
                    .map(str::trim)
                    .filter(|s| !s.is_empty());
                if let Some(raw) = raw {
                    let field = format!("lines.{i}.start_date");
                    match parse_iso_date(raw) {
                        None => p.add(field, "invalid_date", "not a real date (YYYY-MM-DD)"),
                        Some(d) if (d - today).num_days().abs() > MAX_START_DAYS => {
                            p.add(field, "out_of_range", "more than a year from today")
                        }
                        Some(d) => start = Some(d),
                    }
                }
            }
        }
        starts.push(start);
    }
    p.finish()?;
    Ok((starts, note.unwrap_or_default()))
}

/// The discount rule of this sale: the one given, else the client category's.
async fn discount_rule(tx: &mut Tx, args: &InvoiceCreateArgs) -> Result<DiscountRule, ApiError> {
    if let Some(points) = args.discount {
        return Ok(if points == 0 {
            DiscountRule::None
        } else {
            DiscountRule::Percent { points }
        });
    }
    let category: Option<Uuid> = on_tx!(tx, c => sqlx::query_scalar(
        "SELECT category_id FROM clients WHERE id = $1").bind(args.client_id).fetch_one(c).await)?;
    rule_of(tx, category).await
}

async fn price_lines(
    tx: &mut Tx,
    args: &InvoiceCreateArgs,
    starts: Vec<Option<NaiveDate>>,
    rule: &DiscountRule,
    purchase: Purchase,
) -> Result<Vec<Priced>, ApiError> {
    let mut p = Problems::default();
    let mut out = Vec::new();
    for (i, (line, start)) in args.lines.iter().zip(starts).enumerate() {
        match line {
            LineInput::Item { item_id, quantity } => {
                let field = format!("lines.{i}.item_id");
                match catalog::item_in(tx, *item_id).await? {
                    None => p.add(field, "not_found", "no such catalogue item"),
                    Some(it) if !it.active => {
                        p.add(field, "inactive", "this item is no longer sold")
                    }
                    Some(it) => out.push(Priced::Item {
                        item_id: it.id,
                        price: price_line(it.price, *quantity, rule, purchase, it.tax),
                        name: it.name,
                    }),
                }
            }
            LineInput::Membership { plan_id, .. } => {
                let field = format!("lines.{i}.plan_id");
                match plan_in(tx, *plan_id).await? {
                    None => p.add(field, "not_found", "no such membership plan"),
                    Some(pl) if !pl.active => {
                        p.add(field, "inactive", "this plan is no longer sold")
                    }
                    Some(pl) => out.push(Priced::Membership {
                        price: price_line(pl.price, 1, rule, purchase, pl.tax),
                        plan: Box::new(pl),
                        start,
                    }),
                }
            }
        }
    }
    p.finish()?;
    Ok(out)
}

/// Makes the invoice (and its memberships) in `tx`; the caller records the audit rows.
pub(crate) async fn create_in(
    tx: &mut Tx,
    session: &Session,
    now: DateTime<Utc>,
    args: &InvoiceCreateArgs,
) -> Result<Sale, ApiError> {
    let today = session.local_date(now);
    let (starts, note) = check_args(args, today)?;
    if args.discount.is_some() && !session.can(crate::roles::Permission::MoneyRefund) {
        return Err(ApiError::Forbidden {
            permission: "money_refund".into(),
            message:
                "a discount other than the client category's needs the money_refund permission"
                    .into(),
        });
    }
    let client: Party = party(tx, args.client_id, "client_id").await?;
    let payer = match args.payer_id {
        Some(id) if id != client.id => party(tx, id, "payer_id").await?,
        _ => client.clone(),
    };
    if let Some(id) = args.contract_id {
        use crate::money::contracts::{contract_in, ContractState};
        let field = |code: &str, m: &str| Err(ApiError::field("contract_id", code, m));
        match contract_in(tx, id, today).await? {
            None => return field("not_found", "no such contract"),
            Some(k) if k.state == ContractState::Cancelled => {
                return field("cancelled", "this contract is cancelled")
            }
            Some(k) if k.state == ContractState::Ended => {
                return field("ended", "this contract has ended")
            }
            // The one who signed pays; the invoice is for the client it serves (or the signer).
            Some(k)
                if k.payer.id != payer.id
                    || (k.client.id != client.id && k.payer.id != client.id) =>
            {
                return field(
                    "other_parties",
                    "this contract is between the centre and someone else",
                )
            }
            Some(_) => {}
        }
    }
    let rule = discount_rule(tx, args).await?;
    let previous: i64 = on_tx!(tx, c => sqlx::query_scalar(
        "SELECT COUNT(*) FROM invoices WHERE client_id = $1 AND status = 'issued'")
        .bind(client.id).fetch_one(c).await)?;
    let purchase = Purchase {
        price: 0,
        previous_purchases: u32::try_from(previous).unwrap_or(u32::MAX),
        on: today,
    };
    let lines = price_lines(tx, args, starts, &rule, purchase).await?;
    let sum = |f: fn(&LinePrice) -> i64| lines.iter().map(|l| f(l.price())).sum::<i64>();
    let (subtotal, discount, total) = (sum(|l| l.gross), sum(|l| l.discount), sum(|l| l.total));
    let tax = sum(|l| l.tax_amount);
    if total > MAX_AMOUNT || subtotal > MAX_AMOUNT {
        return Err(ApiError::field(
            "lines",
            "too_large",
            "this invoice's total is too large",
        ));
    }
    let currency = currency(tx).await?;
    let number = next_number(tx, "invoice").await?;
    let invoice_id = crate::new_id();
    exec_tx!(tx, c => sqlx::query(
        "INSERT INTO invoices (id, number, client_id, payer_id, issued_on, currency, subtotal, discount, \
         tax, total, status, note, created_at, created_by, updated_at, updated_by, version, contract_id) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, 'issued', $11, $12, $13, $12, $13, 1, $14)")
        .bind(invoice_id).bind(number).bind(client.id).bind(payer.id).bind(today).bind(&currency)
        .bind(subtotal).bind(discount).bind(tax).bind(total).bind(&note)
        .bind(now).bind(session.user_id).bind(args.contract_id)
        .execute(c).await)?;
    let mut memberships = Vec::new();
    for (position, line) in lines.into_iter().enumerate() {
        let (kind, item_id, plan_id, membership_id, description, price) = match line {
            Priced::Item {
                item_id,
                name,
                price,
            } => ("item", Some(item_id), None, None, name, price),
            Priced::Membership { plan, start, price } => {
                let m = NewMembership {
                    client_id: client.id,
                    payer_id: payer.id,
                    invoice_id: Some(invoice_id),
                    plan: &plan,
                    start,
                    today,
                };
                let id = insert_membership(tx, &m, session, now).await?;
                memberships.push(id);
                (
                    "membership",
                    None,
                    Some(plan.id),
                    Some(id),
                    plan.name.clone(),
                    price,
                )
            }
        };
        exec_tx!(tx, c => sqlx::query(
            "INSERT INTO invoice_lines (id, invoice_id, position, kind, item_id, plan_id, membership_id, \
             description, quantity, unit_price, discount_points, discount, tax_points, tax_included, tax, total) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)")
            .bind(crate::new_id()).bind(invoice_id).bind(position as i32).bind(kind).bind(item_id)
            .bind(plan_id).bind(membership_id).bind(&description).bind(price.quantity as i32)
            .bind(price.unit_price).bind(price.discount_points as i32).bind(price.discount)
            .bind(price.tax.points as i32).bind(price.tax.included).bind(price.tax_amount)
            .bind(price.total)
            .execute(c).await)?;
    }
    Ok(Sale {
        invoice_id,
        memberships,
    })
}
