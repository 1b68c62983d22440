//! Days the centre is closed: no class happens on a holiday (its classes are not derived).

use chrono::NaiveDate;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use specta::Type;

use crate::audit::{self, Change};
use crate::auth::Session;
use crate::db::Tx;
use crate::error::{ApiError, Problems};
use crate::text::{date_field, parse_name};
use crate::{exec_tx, on_tx, Core};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type, JsonSchema)]
pub struct Holiday {
    pub day: NaiveDate,
    pub name: String,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, Type, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct HolidaysListArgs {
    /// `YYYY-MM-DD`; by default from a year ago.
    #[serde(default)]
    pub from: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, Type, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct HolidaysAddArgs {
    /// `YYYY-MM-DD`.
    pub day: String,
    pub name: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, Type, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct HolidaysRemoveArgs {
    pub day: String,
}

/// Holidays from `from` to `until` (inclusive).
pub(crate) async fn between(
    tx: &mut Tx,
    from: NaiveDate,
    until: NaiveDate,
) -> Result<Vec<Holiday>, ApiError> {
    let rows: Vec<(NaiveDate, String)> = on_tx!(tx, c => sqlx::query_as(
        "SELECT day, name FROM holidays WHERE day >= $1 AND day <= $2 ORDER BY day")
        .bind(from).bind(until).fetch_all(c).await)?;
    Ok(rows
        .into_iter()
        .map(|(day, name)| Holiday { day, name })
        .collect())
}

pub(crate) async fn holidays_list(
    core: &Core,
    session: &Session,
    args: HolidaysListArgs,
) -> Result<Vec<Holiday>, ApiError> {
    let mut p = Problems::default();
    let from = match &args.from {
        Some(f) => date_field(&mut p, "from", f),
        None => Some(session.local_date(core.now()) - chrono::Duration::days(365)),
    };
    p.finish()?;
    let from = from.unwrap_or_default();
    let mut tx = core.db.read().await?;
    // The last day both engines compare as a date (SQLite keeps dates as text, where
    // `NaiveDate::MAX`, "+262142-12-31", sorts before every real year).
    let last = NaiveDate::from_ymd_opt(9999, 12, 31).unwrap_or(NaiveDate::MAX);
    let list = between(&mut tx, from, last).await?;
    tx.commit().await?;
    Ok(list)
}

fn change<'a>(
    op: &'a str,
    before: Option<&'a Holiday>,
    after: Option<&'a Holiday>,
) -> Change<'a, Holiday> {
    Change {
        operation: op,
        entity: "holiday",
        entity_id: None,
        before,
        after,
    }
}

pub(crate) async fn holidays_add(
    core: &Core,
    session: &Session,
    args: HolidaysAddArgs,
) -> Result<Holiday, ApiError> {
    let mut p = Problems::default();
    let day = date_field(&mut p, "day", &args.day);
    let name = p.take(parse_name("name", &args.name, 100));
    p.finish()?;
    let h = Holiday {
        day: day.unwrap_or_default(),
        name: name.unwrap_or_default(),
    };
    let now = core.now();
    let mut tx = core.db.write().await?;
    exec_tx!(&mut tx, c => sqlx::query(
        "INSERT INTO holidays (day, name, created_at, created_by) VALUES ($1, $2, $3, $4)")
        .bind(h.day).bind(&h.name).bind(now).bind(session.user_id).execute(c).await)
    .map_err(|e| crate::db::taken(e, "day", "this day is a holiday already"))?;
    audit::record(
        &mut tx,
        session,
        now,
        change("holidays_add", None, Some(&h)),
    )
    .await?;
    tx.commit().await?;
    Ok(h)
}

pub(crate) async fn holidays_remove(
    core: &Core,
    session: &Session,
    args: HolidaysRemoveArgs,
) -> Result<(), ApiError> {
    let mut p = Problems::default();
    let day = date_field(&mut p, "day", &args.day);
    p.finish()?;
    let day = day.unwrap_or_default();
    let now = core.now();
    let mut tx = core.db.write().await?;
    let before = between(&mut tx, day, day)
        .await?
        .pop()
        .ok_or_else(|| ApiError::not_found("holiday"))?;
    exec_tx!(&mut tx, c => sqlx::query("DELETE FROM holidays WHERE day = $1").bind(day).execute(c).await)?;
    audit::record(
        &mut tx,
        session,
        now,
        change("holidays_remove", Some(&before), None),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}
