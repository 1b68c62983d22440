//! Statements and pay periods: a statement adds up an instructor's held classes over any
//! span; approving a period keeps every class's line as it stands and locks the period —
//! its classes can no longer be held, undone or marked, and new rules start after it.

use chrono::{DateTime, Duration, NaiveDate, Utc};
use uuid::Uuid;

use super::compute::lines;
use super::rules::locked_until;
use super::{PayPeriod, PayPeriodApproveArgs, PayStatement, PayStatementArgs};
use crate::audit::{self, Change};
use crate::auth::{Session, UserRef};
use crate::db::Tx;
use crate::error::{ApiError, Problems};
use crate::schedule::Named;
use crate::text::date_field;
use crate::{exec_tx, on_tx, Core};

/// Checks a span of days at `from_field`..`to_field`, at most `max_days` long.
fn span(
    p: &mut Problems,
    fields: (&str, &str),
    raw: (&str, &str),
    max_days: i64,
) -> (NaiveDate, NaiveDate) {
    let from = date_field(p, fields.0, raw.0);
    let to = date_field(p, fields.1, raw.1);
    if let (Some(f), Some(t)) = (from, to) {
        if t < f {
            p.add(fields.1, "before_start", "it ends before it starts");
        } else if (t - f).num_days() >= max_days {
            p.add(fields.1, "too_long", format!("at most {max_days} days"));
        }
    }
    (from.unwrap_or_default(), to.unwrap_or_default())
}

pub(crate) fn dates(p: &mut Problems, from: &str, to: &str) -> (NaiveDate, NaiveDate) {
    span(p, ("from", "to"), (from, to), 400)
}

pub(crate) async fn pay_statement(
    core: &Core,
    session: &Session,
    args: PayStatementArgs,
) -> Result<PayStatement, ApiError> {
    let mut p = Problems::default();
    let (from, to) = dates(&mut p, &args.from, &args.to);
    p.finish()?;
    let mut tx = core.db.read().await?;
    let name: Option<String> = on_tx!(&mut tx, c => sqlx::query_scalar("SELECT name FROM staff WHERE id = $1")
        .bind(args.staff_id).fetch_optional(c).await)?;
    let Some(name) = name else {
        return Err(ApiError::field(
            "staff_id",
            "not_found",
            "no such member of staff",
        ));
    };
    let mut all = lines(
        &mut tx,
        session.local.time_zone,
        Some(args.staff_id),
        from,
        to,
    )
    .await?;
    tx.commit().await?;
    let lines = all.remove(&args.staff_id).unwrap_or_default();
    Ok(PayStatement {
        staff: Named {
            id: args.staff_id,
            name,
        },
        from,
        to,
        classes: lines.len() as u32,
        attendees: lines.iter().map(|l| l.attendees).sum(),
        unruled: lines.iter().filter(|l| l.rule_id.is_none()).count() as u32,
        total: lines.iter().map(|l| l.amount).sum(),
        lines,
    })
}

type PeriodRow = (
    Uuid,
    NaiveDate,
    NaiveDate,
    i64,
    DateTime<Utc>,
    Option<Uuid>,
    Option<String>,
);

async fn periods(tx: &mut Tx, id: Option<Uuid>) -> Result<Vec<PayPeriod>, ApiError> {
    let rows: Vec<PeriodRow> = on_tx!(tx, c => sqlx::query_as(
        "SELECT p.id, p.starts_on, p.ends_on, p.total, p.approved_at, p.approved_by, u.display_name FROM pay_periods p \
         LEFT JOIN users u ON u.id = p.approved_by WHERE ($1 IS NULL OR p.id = $1) ORDER BY p.starts_on DESC")
        .bind(id).fetch_all(c).await)?;
    Ok(rows
        .into_iter()
        .map(
            |(id, starts_on, ends_on, total, approved_at, by, name)| PayPeriod {
                id,
                starts_on,
                ends_on,
                total,
                approved_at,
                approved_by: UserRef::from_row(by, name),
            },
        )
        .collect())
}

pub(crate) async fn pay_periods_list(
    core: &Core,
    _session: &Session,
    _args: crate::api::NoArgs,
) -> Result<Vec<PayPeriod>, ApiError> {
    let mut tx = core.db.read().await?;
    let list = periods(&mut tx, None).await?;
    tx.commit().await?;
    Ok(list)
}

pub(crate) async fn pay_period_approve(
    core: &Core,
    session: &Session,
    args: PayPeriodApproveArgs,
) -> Result<PayPeriod, ApiError> {
    let now = core.now();
    let today = session.local_date(now);
    let mut p = Problems::default();
    let (from, to) = span(
        &mut p,
        ("starts_on", "ends_on"),
        (&args.starts_on, &args.ends_on),
        400,
    );
    if to > today {
        p.add(
            "ends_on",
            "in_future",
            "a period can be approved once it is over (today at the latest)",
        );
    }
    p.finish()?;
    let mut tx = core.db.write().await?;
    if let Some(last) = locked_until(&mut tx).await? {
        if from != last + Duration::days(1) {
            return Err(ApiError::field(
                "starts_on",
                "not_next",
                format!(
                    "pay is approved up to {last}; the next period starts on {}",
                    last + Duration::days(1)
                ),
            ));
        }
    }
    let all = lines(&mut tx, session.local.time_zone, None, from, to).await?;
    let id = crate::new_id();
    let total: i64 = all.values().flatten().map(|l| l.amount).sum();
    exec_tx!(&mut tx, c => sqlx::query(
        "INSERT INTO pay_periods (id, starts_on, ends_on, total, approved_at, approved_by) VALUES ($1, $2, $3, $4, $5, $6)")
        .bind(id).bind(from).bind(to).bind(total).bind(now).bind(session.user_id).execute(c).await)?;
    for (staff, list) in &all {
        for l in list {
            let locked = super::PayLine {
                locked: true,
                ..l.clone()
            };
            let (slot, original) =
                crate::schedule::recurrence::parse_occurrence_id(&l.occurrence_id)
                    .ok_or_else(|| ApiError::not_found("class"))?;
            exec_tx!(&mut tx, c => sqlx::query(
                "INSERT INTO pay_lines (period_id, slot_id, original, staff_id, line, amount) VALUES ($1, $2, $3, $4, $5, $6)")
                .bind(id).bind(slot).bind(crate::schedule::recurrence::original_key(original)).bind(staff)
                .bind(serde_json::to_string(&locked).unwrap_or_default()).bind(l.amount).execute(c).await)?;
        }
    }
    let period = periods(&mut tx, Some(id))
        .await?
        .pop()
        .ok_or_else(|| ApiError::not_found("pay period"))?;
    audit::record(
        &mut tx,
        session,
        now,
        Change {
            operation: "pay_period_approve",
            entity: "pay_period",
            entity_id: Some(id),
            before: None,
            after: Some(&period),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(period)
}
