//! Which pass pays for a visit: a valid one on the class's day (started, not ended, not
//! frozen, not cancelled, with visits enough and under its weekly or monthly cap) that covers
//! the class's service — the one that ends first. Visits left change only by a guarded
//! statement (never below zero).

use chrono::{DateTime, Datelike, Duration, NaiveDate, Utc};
use uuid::Uuid;

use super::PassInfo;
use crate::db::Tx;
use crate::error::ApiError;
use crate::money::memberships::{state_on, MembershipState};
use crate::money::plans::Validity;
use crate::{exec_tx, on_tx};

#[derive(sqlx::FromRow)]
struct Row {
    id: Uuid,
    name: String,
    visits_left: Option<i32>,
    starts_on: Option<NaiveDate>,
    ends_on: Option<NaiveDate>,
    covers: String,
    cap_count: Option<i32>,
    cap_period: Option<String>,
    validity_count: i32,
    validity_unit: String,
    frozen: i32,
}

/// A pass that can pay, with what it would have left.
pub(crate) struct Choice {
    pub id: Uuid,
    pub info: PassInfo,
    validity: Validity,
    starts_on: Option<NaiveDate>,
}

/// The pass that pays `visits` for `client` at a class of `service` on `day`, if any.
pub(crate) async fn choose(
    tx: &mut Tx,
    client: Uuid,
    service: Uuid,
    day: NaiveDate,
    visits: u32,
) -> Result<Option<Choice>, ApiError> {
    let rows: Vec<Row> = on_tx!(tx, c => sqlx::query_as(
        "SELECT m.id, m.name, m.visits_left, m.starts_on, m.ends_on, m.covers, m.cap_count, m.cap_period, \
         m.validity_count, m.validity_unit, \
         CASE WHEN EXISTS (SELECT 1 FROM membership_freezes f WHERE f.membership_id = m.id \
           AND f.from_on <= $2 AND f.until_on >= $2) THEN 1 ELSE 0 END AS frozen \
         FROM memberships m WHERE m.client_id = $1 AND m.cancelled_at IS NULL \
         AND (m.starts_on IS NULL OR m.starts_on <= $2) AND (m.ends_on IS NULL OR m.ends_on >= $2) \
         AND (m.visits_left IS NULL OR m.visits_left >= $3) ORDER BY m.ends_on, m.id")
        .bind(client).bind(day).bind(visits as i32).fetch_all(c).await)?;
    let mut usable: Vec<Row> = Vec::new();
    for r in rows {
        let covers: Vec<Uuid> = serde_json::from_str(&r.covers).unwrap_or_default();
        if r.frozen == 1 || !(covers.is_empty() || covers.contains(&service)) {
            continue;
        }
        if let (Some(cap), Some(period)) = (r.cap_count, r.cap_period.as_deref()) {
            let (first, last) = period_of(day, period);
            let used: Option<i64> = on_tx!(tx, c => sqlx::query_scalar(
                "SELECT CAST(SUM(visits) AS BIGINT) FROM attendance WHERE membership_id = $1 AND day >= $2 AND day <= $3")
                .bind(r.id).bind(first).bind(last).fetch_one(c).await)?;
            if used.unwrap_or(0) + i64::from(visits) > i64::from(cap) {
                continue;
            }
        }
        usable.push(r);
    }
    // The one ending first; passes not started yet (counted from the first visit) last.
    usable.sort_by_key(|r| (r.ends_on.is_none(), r.ends_on, r.id));
    Ok(usable.into_iter().next().map(|r| {
        let left = r.visits_left.and_then(|v| u32::try_from(v).ok());
        Choice {
            id: r.id,
            info: PassInfo {
                id: r.id,
                name: r.name,
                state: state_on(day, false, false, left, r.ends_on),
                visits_left: left,
                ends_on: r.ends_on,
            },
            validity: Validity::from_row(r.validity_count, &r.validity_unit),
            starts_on: r.starts_on,
        }
    }))
}

fn period_of(day: NaiveDate, period: &str) -> (NaiveDate, NaiveDate) {
    if period == "month" {
        let first = day.with_day(1).unwrap_or(day);
        let next = first
            .checked_add_months(chrono::Months::new(1))
            .unwrap_or(first);
        (first, next - Duration::days(1))
    } else {
        let first = day - Duration::days(i64::from(day.weekday().num_days_from_monday()));
        (first, first + Duration::days(6))
    }
}

/// Takes `visits` from the chosen pass (starting it, if it counts from the first visit).
/// False if it no longer has them (someone else took them first).
pub(crate) async fn take(
    tx: &mut Tx,
    c: &Choice,
    visits: u32,
    day: NaiveDate,
    now: DateTime<Utc>,
) -> Result<bool, ApiError> {
    let ends = c.starts_on.is_none().then(|| c.validity.last_day(day));
    let n = exec_tx!(tx, x => sqlx::query(
        "UPDATE memberships SET visits_left = visits_left - $1, starts_on = COALESCE(starts_on, $2), \
         ends_on = COALESCE(ends_on, $3), updated_at = $4, version = version + 1 \
         WHERE id = $5 AND (visits_left IS NULL OR visits_left >= $1)")
        .bind(visits as i32).bind(day).bind(ends).bind(now).bind(c.id).execute(x).await)?;
    Ok(n == 1)
}

/// Gives visits back (an undone hold).
pub(crate) async fn give_back(tx: &mut Tx, membership: Uuid, visits: u32) -> Result<(), ApiError> {
    exec_tx!(tx, x => sqlx::query(
        "UPDATE memberships SET visits_left = visits_left + $1, version = version + 1 WHERE id = $2")
        .bind(visits as i32).bind(membership).execute(x).await)?;
    Ok(())
}

/// The state a pass is in on `day` for the sheet.
pub(crate) fn state(info: &PassInfo, day: NaiveDate) -> MembershipState {
    state_on(day, false, false, info.visits_left, info.ends_on)
}
