//! The day's journal and its totals.

use chrono::{DateTime, NaiveDate, Utc};
use uuid::Uuid;

use super::{CashDayClose, CashEntry, CashEntryKind, CashJournal, CashJournalArgs, MethodTotal};
use crate::auth::{Session, UserRef};
use crate::db::Tx;
use crate::error::{ApiError, Problems};
use crate::money::payments::PaymentMethod;
use crate::money::{currency, Party};
use crate::text::parse_iso_date;
use crate::{on_tx, Core};

#[derive(sqlx::FromRow)]
struct Row {
    id: Uuid,
    at: DateTime<Utc>,
    kind: String,
    method: String,
    amount: i64,
    payer_id: Option<Uuid>,
    payer_name: Option<String>,
    invoice_id: Option<Uuid>,
    invoice_number: Option<i64>,
    reason: String,
    by_id: Option<Uuid>,
    by_name: Option<String>,
}

const ENTRIES: &str = "SELECT p.id, p.paid_at AS at, p.kind, p.method, p.amount, p.payer_id, \
     c.name AS payer_name, p.invoice_id, i.number AS invoice_number, p.reason, p.created_by AS by_id, \
     u.display_name AS by_name FROM payments p LEFT JOIN clients c ON c.id = p.payer_id \
     LEFT JOIN invoices i ON i.id = p.invoice_id LEFT JOIN users u ON u.id = p.created_by \
     WHERE p.day = $1 AND p.method <> 'credit' \
     UNION ALL \
     SELECT m.id, m.at, m.kind, 'cash', CASE WHEN m.kind = 'out' THEN -m.amount ELSE m.amount END, \
     NULL, NULL, NULL, NULL, m.reason, m.created_by, u.display_name FROM cash_moves m \
     LEFT JOIN users u ON u.id = m.created_by WHERE m.day = $1 \
     ORDER BY 2, 1";

impl From<Row> for CashEntry {
    fn from(r: Row) -> Self {
        let kind = match r.kind.as_str() {
            "refund" => CashEntryKind::Refund,
            "in" => CashEntryKind::CashIn,
            "out" => CashEntryKind::CashOut,
            _ => CashEntryKind::Payment,
        };
        CashEntry {
            id: r.id,
            at: r.at,
            kind,
            method: PaymentMethod::parse(&r.method),
            amount: r.amount,
            payer: r.payer_id.map(|id| Party {
                id,
                name: r.payer_name.unwrap_or_default(),
            }),
            invoice_id: r.invoice_id,
            invoice_number: r.invoice_number,
            reason: r.reason,
            by: UserRef::from_row(r.by_id, r.by_name),
        }
    }
}

#[derive(sqlx::FromRow)]
struct CloseRow {
    day: NaiveDate,
    expected: i64,
    counted: i64,
    difference: i64,
    note: String,
    closed_at: DateTime<Utc>,
    closed_by: Option<Uuid>,
    closed_name: Option<String>,
}

pub(crate) async fn closed_on(
    tx: &mut Tx,
    day: NaiveDate,
) -> Result<Option<CashDayClose>, ApiError> {
    let row: Option<CloseRow> = on_tx!(tx, c => sqlx::query_as(
        "SELECT d.day, d.expected, d.counted, d.difference, d.note, d.closed_at, d.closed_by, \
         u.display_name AS closed_name FROM cash_days d LEFT JOIN users u ON u.id = d.closed_by WHERE d.day = $1")
        .bind(day).fetch_optional(c).await)?;
    Ok(row.map(|r| CashDayClose {
        day: r.day,
        expected: r.expected,
        counted: r.counted,
        difference: r.difference,
        note: r.note,
        closed_at: r.closed_at,
        closed_by: UserRef::from_row(r.closed_by, r.closed_name),
    }))
}

/// The journal of `day` as the database has it now.
pub(crate) async fn journal_in(tx: &mut Tx, day: NaiveDate) -> Result<CashJournal, ApiError> {
    let rows: Vec<Row> = on_tx!(tx, c => sqlx::query_as(ENTRIES).bind(day).fetch_all(c).await)?;
    let entries: Vec<CashEntry> = rows.into_iter().map(Into::into).collect();
    let mut totals = Vec::new();
    for method in [
        PaymentMethod::Cash,
        PaymentMethod::Card,
        PaymentMethod::Transfer,
    ] {
        let of = |k: CashEntryKind| -> i64 {
            entries
                .iter()
                .filter(|e| e.kind == k && e.method == method)
                .map(|e| e.amount)
                .sum()
        };
        let (payments, refunds) = (of(CashEntryKind::Payment), of(CashEntryKind::Refund));
        totals.push(MethodTotal {
            method,
            payments,
            refunds,
            net: payments + refunds,
        });
    }
    let moved = |k: CashEntryKind| -> i64 {
        entries
            .iter()
            .filter(|e| e.kind == k)
            .map(|e| e.amount)
            .sum()
    };
    let (cash_in, cash_out) = (moved(CashEntryKind::CashIn), -moved(CashEntryKind::CashOut));
    Ok(CashJournal {
        day,
        currency: currency(tx).await?,
        expected_cash: totals[0].net + cash_in - cash_out,
        entries,
        totals,
        cash_in,
        cash_out,
        closed: closed_on(tx, day).await?,
    })
}

/// The day a form names, or today in the centre's zone.
pub(crate) fn day_arg(raw: &Option<String>, today: NaiveDate) -> Result<NaiveDate, ApiError> {
    let Some(raw) = raw.as_deref().map(str::trim).filter(|s| !s.is_empty()) else {
        return Ok(today);
    };
    let mut p = Problems::default();
    let day = parse_iso_date(raw);
    match day {
        None => p.add("day", "invalid_date", "not a real date (YYYY-MM-DD)"),
        Some(d) if d > today => p.add("day", "in_future", "this day has not come yet"),
        Some(_) => {}
    }
    p.finish()?;
    Ok(day.unwrap_or(today))
}

pub(crate) async fn cash_journal(
    core: &Core,
    session: &Session,
    args: CashJournalArgs,
) -> Result<CashJournal, ApiError> {
    let today = session.local_date(core.now());
    let day = day_arg(&args.day, today)?;
    let mut tx = core.db.read().await?;
    let j = journal_in(&mut tx, day).await?;
    tx.commit().await?;
    Ok(j)
}
