//! Reading invoices: one with its lines and payments, or a page of them.

use chrono::{DateTime, NaiveDate, Utc};
use uuid::Uuid;

use super::{status_of, Invoice, InvoiceGetArgs, InvoiceLine, InvoiceSummary, InvoicesListArgs};
use super::{InvoicesPage, LineKind};
use crate::auth::{Session, UserRef};
use crate::db::Tx;
use crate::error::{ApiError, Problems};
use crate::money::amount::{LinePrice, Tax};
use crate::money::payments::payments_of_invoice;
use crate::money::Party;
use crate::text::optional_date_field;
use crate::{on_tx, Core};

/// An invoice's paid sum, as SQL over `i` (refunds taken off; BIGINT on both engines).
pub(crate) const PAID_SQL: &str =
    "CAST(COALESCE((SELECT SUM(p.amount) FROM payments p WHERE p.invoice_id = i.id), 0) AS BIGINT)";

#[derive(sqlx::FromRow)]
struct Row {
    id: Uuid,
    number: i64,
    client_id: Uuid,
    client_name: String,
    payer_id: Uuid,
    payer_name: String,
    contract_id: Option<Uuid>,
    issued_on: NaiveDate,
    currency: String,
    subtotal: i64,
    discount: i64,
    tax: i64,
    total: i64,
    paid: i64,
    status: String,
    cancel_reason: Option<String>,
    note: String,
    created_at: DateTime<Utc>,
    created_by: Option<Uuid>,
    created_name: Option<String>,
    updated_at: DateTime<Utc>,
    updated_by: Option<Uuid>,
    updated_name: Option<String>,
    version: i64,
}

#[derive(sqlx::FromRow)]
struct LineRow {
    id: Uuid,
    kind: String,
    item_id: Option<Uuid>,
    plan_id: Option<Uuid>,
    membership_id: Option<Uuid>,
    description: String,
    quantity: i32,
    unit_price: i64,
    discount_points: i32,
    discount: i64,
    tax_points: i32,
    tax_included: bool,
    tax: i64,
    total: i64,
}

impl From<LineRow> for InvoiceLine {
    fn from(r: LineRow) -> Self {
        let quantity = u32::try_from(r.quantity).unwrap_or(1);
        InvoiceLine {
            id: r.id,
            kind: if r.kind == "membership" {
                LineKind::Membership
            } else {
                LineKind::Item
            },
            description: r.description,
            item_id: r.item_id,
            plan_id: r.plan_id,
            membership_id: r.membership_id,
            price: LinePrice {
                quantity,
                unit_price: r.unit_price,
                gross: r.unit_price.saturating_mul(i64::from(quantity)),
                discount_points: u32::try_from(r.discount_points).unwrap_or(0),
                discount: r.discount,
                tax: Tax {
                    points: u32::try_from(r.tax_points).unwrap_or(0),
                    included: r.tax_included,
                },
                tax_amount: r.tax,
                total: r.total,
            },
        }
    }
}

/// One invoice with its lines and payments, if there is one.
pub(crate) async fn invoice_in(tx: &mut Tx, id: Uuid) -> Result<Option<Invoice>, ApiError> {
    let sql = format!(
        "SELECT i.id, i.number, i.client_id, c.name AS client_name, i.payer_id, pc.name AS payer_name, \
         i.contract_id, i.issued_on, i.currency, i.subtotal, i.discount, i.tax, i.total, {PAID_SQL} AS paid, \
         i.status, i.cancel_reason, i.note, i.created_at, i.created_by, cu.display_name AS created_name, \
         i.updated_at, i.updated_by, uu.display_name AS updated_name, i.version \
         FROM invoices i JOIN clients c ON c.id = i.client_id JOIN clients pc ON pc.id = i.payer_id \
         LEFT JOIN users cu ON cu.id = i.created_by LEFT JOIN users uu ON uu.id = i.updated_by \
         WHERE i.id = $1"
    );
    let row: Option<Row> = on_tx!(tx, c => sqlx::query_as(&sql).bind(id).fetch_optional(c).await)?;
    let Some(r) = row else { return Ok(None) };
    let lines: Vec<LineRow> = on_tx!(tx, c => sqlx::query_as(
        "SELECT id, kind, item_id, plan_id, membership_id, description, quantity, unit_price, \
         discount_points, discount, tax_points, tax_included, tax, total FROM invoice_lines \
         WHERE invoice_id = $1 ORDER BY position").bind(id).fetch_all(c).await)?;
    let payments = payments_of_invoice(tx, id).await?;
    let cancelled = r.status == "cancelled";
    Ok(Some(Invoice {
        id: r.id,
        number: r.number,
        client: Party {
            id: r.client_id,
            name: r.client_name,
        },
        payer: Party {
            id: r.payer_id,
            name: r.payer_name,
        },
        contract_id: r.contract_id,
        issued_on: r.issued_on,
        currency: r.currency,
        subtotal: r.subtotal,
        discount: r.discount,
        tax: r.tax,
        total: r.total,
        paid: r.paid,
        due: if cancelled {
            0
        } else {
            (r.total - r.paid).max(0)
        },
        status: status_of(cancelled, r.total, r.paid),
        cancel_reason: r.cancel_reason,
        note: r.note,
        lines: lines.into_iter().map(Into::into).collect(),
        payments,
        created_at: r.created_at,
        created_by: UserRef::from_row(r.created_by, r.created_name),
        updated_at: r.updated_at,
        updated_by: UserRef::from_row(r.updated_by, r.updated_name),
        version: r.version,
    }))
}

pub(crate) async fn one(tx: &mut Tx, id: Uuid) -> Result<Invoice, ApiError> {
    invoice_in(tx, id)
        .await?
        .ok_or_else(|| ApiError::not_found("invoice"))
}

pub(crate) async fn invoice_get(
    core: &Core,
    _session: &Session,
    args: InvoiceGetArgs,
) -> Result<Invoice, ApiError> {
    let mut tx = core.db.read().await?;
    let invoice = one(&mut tx, args.id).await?;
    tx.commit().await?;
    Ok(invoice)
}

#[derive(sqlx::FromRow)]
struct SummaryRow {
    id: Uuid,
    number: i64,
    client_id: Uuid,
    client_name: String,
    payer_id: Uuid,
    payer_name: String,
    issued_on: NaiveDate,
    total: i64,
    paid: i64,
    status: String,
    first_line: Option<String>,
    line_count: i64,
}

pub(crate) async fn invoices_list(
    core: &Core,
    _session: &Session,
    args: InvoicesListArgs,
) -> Result<InvoicesPage, ApiError> {
    let mut p = Problems::default();
    let from = optional_date_field(&mut p, "from", &args.from);
    let until = optional_date_field(&mut p, "until", &args.until);
    p.finish()?;
    let limit = i64::from(args.limit.unwrap_or(100).clamp(1, 500));
    let matching = format!(
        "WITH inv AS (SELECT i.id, i.number, i.client_id, i.payer_id, i.issued_on, i.total, i.status, \
         {PAID_SQL} AS paid FROM invoices i WHERE ($1 IS NULL OR i.client_id = $1 OR i.payer_id = $1) \
         AND ($2 IS NULL OR i.issued_on >= $2) AND ($3 IS NULL OR i.issued_on <= $3) \
         AND ($4 IS NULL OR i.contract_id = $4)) "
    );
    let unpaid = "($5 = FALSE OR (inv.status = 'issued' AND inv.paid < inv.total))";
    let page = format!(
        "{matching} SELECT inv.id, inv.number, inv.client_id, c.name AS client_name, inv.payer_id, \
         pc.name AS payer_name, inv.issued_on, inv.total, inv.paid, inv.status, \
         (SELECT l.description FROM invoice_lines l WHERE l.invoice_id = inv.id ORDER BY l.position LIMIT 1) AS first_line, \
         (SELECT COUNT(*) FROM invoice_lines l WHERE l.invoice_id = inv.id) AS line_count \
         FROM inv JOIN clients c ON c.id = inv.client_id JOIN clients pc ON pc.id = inv.payer_id \
         WHERE {unpaid} ORDER BY inv.number DESC LIMIT $6 OFFSET $7"
    );
    let count = format!("{matching} SELECT COUNT(*) FROM inv WHERE {unpaid}");
    let mut tx = core.db.read().await?;
    let rows: Vec<SummaryRow> = on_tx!(&mut tx, c => sqlx::query_as(&page)
        .bind(args.client_id).bind(from).bind(until).bind(args.contract_id).bind(args.unpaid_only)
        .bind(limit).bind(i64::from(args.offset)).fetch_all(c).await)?;
    let total: i64 = on_tx!(&mut tx, c => sqlx::query_scalar(&count)
        .bind(args.client_id).bind(from).bind(until).bind(args.contract_id).bind(args.unpaid_only)
        .fetch_one(c).await)?;
    tx.commit().await?;
    let invoices = rows
        .into_iter()
        .map(|r| {
            let cancelled = r.status == "cancelled";
            let first = r.first_line.unwrap_or_default();
            InvoiceSummary {
                id: r.id,
                number: r.number,
                client: Party {
                    id: r.client_id,
                    name: r.client_name,
                },
                payer: Party {
                    id: r.payer_id,
                    name: r.payer_name,
                },
                issued_on: r.issued_on,
                total: r.total,
                paid: r.paid,
                due: if cancelled {
                    0
                } else {
                    (r.total - r.paid).max(0)
                },
                status: status_of(cancelled, r.total, r.paid),
                description: if r.line_count > 1 {
                    format!("{first} +{}", r.line_count - 1)
                } else {
                    first
                },
            }
        })
        .collect();
    Ok(InvoicesPage { invoices, total })
}
