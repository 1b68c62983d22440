//! Reading memberships: one, or a client's (those they hold and those they pay for).

use chrono::{DateTime, NaiveDate, Utc};
use uuid::Uuid;

use super::{state_on, Freeze, Membership, MembershipsListArgs};
use crate::auth::{Session, UserRef};
use crate::db::Tx;
use crate::error::ApiError;
use crate::money::invoices::{status_of, PAID_SQL};
use crate::money::plans::{Validity, VisitCap};
use crate::money::Party;
use crate::{on_tx, Core};

/// At most this many passes in a list without a client.
const MAX_ALL: i64 = 500;

/// [`super::state_on`] in SQL, on the day `$2`.
const STATE_SQL: &str = "CASE WHEN m.cancelled_at IS NOT NULL THEN 'cancelled' \
     WHEN EXISTS (SELECT 1 FROM membership_freezes f WHERE f.membership_id = m.id \
      AND f.from_on <= $2 AND f.until_on >= $2) THEN 'frozen' \
     WHEN m.visits_left = 0 THEN 'used_up' WHEN m.ends_on < $2 THEN 'expired' ELSE 'active' END";

#[derive(sqlx::FromRow)]
struct Row {
    id: Uuid,
    client_id: Uuid,
    client_name: String,
    payer_id: Uuid,
    payer_name: String,
    plan_id: Uuid,
    name: String,
    visits_total: Option<i32>,
    visits_left: Option<i32>,
    starts_on: Option<NaiveDate>,
    ends_on: Option<NaiveDate>,
    validity_count: i32,
    validity_unit: String,
    covers: String,
    cap_count: Option<i32>,
    cap_period: Option<String>,
    family: bool,
    freeze_days: i32,
    invoice_id: Option<Uuid>,
    invoice_number: Option<i64>,
    invoice_status: Option<String>,
    invoice_total: Option<i64>,
    invoice_paid: i64,
    cancelled_at: Option<DateTime<Utc>>,
    cancel_reason: Option<String>,
    created_at: DateTime<Utc>,
    created_by: Option<Uuid>,
    created_name: Option<String>,
    updated_at: DateTime<Utc>,
    updated_by: Option<Uuid>,
    updated_name: Option<String>,
    version: i64,
}

#[derive(sqlx::FromRow)]
struct FreezeRow {
    id: Uuid,
    membership_id: Uuid,
    from_on: NaiveDate,
    until_on: NaiveDate,
    reason: String,
}

fn select(filter: &str) -> String {
    format!(
        "SELECT m.id, m.client_id, c.name AS client_name, m.payer_id, pc.name AS payer_name, m.plan_id, \
         m.name, m.visits_total, m.visits_left, m.starts_on, m.ends_on, m.validity_count, m.validity_unit, \
         m.covers, m.cap_count, m.cap_period, m.family, m.freeze_days, m.invoice_id, i.number AS invoice_number, \
         i.status AS invoice_status, i.total AS invoice_total, {PAID_SQL} AS invoice_paid, m.cancelled_at, \
         m.cancel_reason, m.created_at, m.created_by, cu.display_name AS created_name, m.updated_at, \
         m.updated_by, uu.display_name AS updated_name, m.version \
         FROM memberships m JOIN clients c ON c.id = m.client_id JOIN clients pc ON pc.id = m.payer_id \
         LEFT JOIN invoices i ON i.id = m.invoice_id \
         LEFT JOIN users cu ON cu.id = m.created_by LEFT JOIN users uu ON uu.id = m.updated_by \
         WHERE {filter}"
    )
}

fn freezes_sql(filter: &str) -> String {
    format!(
        "SELECT f.id, f.membership_id, f.from_on, f.until_on, f.reason FROM membership_freezes f \
         JOIN memberships m ON m.id = f.membership_id WHERE {filter} ORDER BY f.from_on"
    )
}

fn membership(r: Row, freezes: &[FreezeRow], today: NaiveDate) -> Membership {
    let mine: Vec<Freeze> = freezes
        .iter()
        .filter(|f| f.membership_id == r.id)
        .map(|f| Freeze {
            id: f.id,
            from: f.from_on,
            until: f.until_on,
            reason: f.reason.clone(),
        })
        .collect();
    let frozen = mine.iter().any(|f| f.from <= today && today <= f.until);
    let used: i64 = mine.iter().map(|f| (f.until - f.from).num_days() + 1).sum();
    let visits_left = r.visits_left.and_then(|v| u32::try_from(v).ok());
    let cancelled = r.cancelled_at.is_some();
    Membership {
        id: r.id,
        client: Party {
            id: r.client_id,
            name: r.client_name,
        },
        payer: Party {
            id: r.payer_id,
            name: r.payer_name,
        },
        plan_id: r.plan_id,
        name: r.name,
        state: state_on(today, cancelled, frozen, visits_left, r.ends_on),
        visits_total: r.visits_total.and_then(|v| u32::try_from(v).ok()),
        visits_left,
        starts_on: r.starts_on,
        ends_on: r.ends_on,
        validity: Validity::from_row(r.validity_count, &r.validity_unit),
        covers: serde_json::from_str(&r.covers).unwrap_or_default(),
        cap: VisitCap::from_row(r.cap_count, r.cap_period.as_deref()),
        family: r.family,
        freeze_days: u32::try_from(r.freeze_days).unwrap_or(0),
        freeze_days_used: u32::try_from(used).unwrap_or(0),
        freezes: mine,
        invoice_id: r.invoice_id,
        invoice_number: r.invoice_number,
        payment: r.invoice_status.map(|s| {
            status_of(
                s == "cancelled",
                r.invoice_total.unwrap_or(0),
                r.invoice_paid,
            )
        }),
        cancel_reason: r.cancel_reason,
        created_at: r.created_at,
        created_by: UserRef::from_row(r.created_by, r.created_name),
        updated_at: r.updated_at,
        updated_by: UserRef::from_row(r.updated_by, r.updated_name),
        version: r.version,
    }
}

/// One membership as it stands on `today`, if there is one.
pub(crate) async fn membership_in(
    tx: &mut Tx,
    id: Uuid,
    today: NaiveDate,
) -> Result<Option<Membership>, ApiError> {
    let filter = "m.id = $1";
    let sql = select(filter);
    let row: Option<Row> = on_tx!(tx, c => sqlx::query_as(&sql).bind(id).fetch_optional(c).await)?;
    let Some(row) = row else { return Ok(None) };
    let sql = freezes_sql(filter);
    let freezes: Vec<FreezeRow> =
        on_tx!(tx, c => sqlx::query_as(&sql).bind(id).fetch_all(c).await)?;
    Ok(Some(membership(row, &freezes, today)))
}

pub(crate) async fn memberships_list(
    core: &Core,
    session: &Session,
    args: MembershipsListArgs,
) -> Result<Vec<Membership>, ApiError> {
    let today = session.local_date(core.now());
    let mut tx = core.db.read().await?;
    let (rows, freezes): (Vec<Row>, Vec<FreezeRow>) = match args.client_id {
        Some(id) => {
            crate::money::party(&mut tx, id, "client_id").await?;
            let filter = "(m.client_id = $1 OR m.payer_id = $1)";
            let sql = format!("{} ORDER BY m.created_at DESC, m.id", select(filter));
            let rows = on_tx!(&mut tx, c => sqlx::query_as(&sql).bind(id).fetch_all(c).await)?;
            let sql = freezes_sql(filter);
            let freezes = on_tx!(&mut tx, c => sqlx::query_as(&sql).bind(id).fetch_all(c).await)?;
            (rows, freezes)
        }
        None => {
            // The states asked for are chosen in SQL, before the limit (a list of the frozen
            // passes must not come from the 500 newest passes only).
            let filter = if args.states.is_empty() {
                "CAST($2 AS DATE) IS NOT NULL".to_string()
            } else {
                let names: Vec<String> = args
                    .states
                    .iter()
                    .map(|s| format!("'{}'", s.as_str()))
                    .collect();
                format!("({STATE_SQL}) IN ({})", names.join(", "))
            };
            let sql = format!(
                "{} ORDER BY m.created_at DESC, m.id LIMIT $1",
                select(&filter)
            );
            let rows = on_tx!(&mut tx, c => sqlx::query_as(&sql).bind(MAX_ALL).bind(today)
                .fetch_all(c).await)?;
            let sql = freezes_sql("1 = 1");
            let freezes = on_tx!(&mut tx, c => sqlx::query_as(&sql).fetch_all(c).await)?;
            (rows, freezes)
        }
    };
    tx.commit().await?;
    Ok(rows
        .into_iter()
        .map(|r| membership(r, &freezes, today))
        .filter(|m| args.states.is_empty() || args.states.contains(&m.state))
        .collect())
}
