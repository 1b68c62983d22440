//! Each instructor's classes as an iCalendar feed at a private address: a random token shown
//! once (only its hash is kept), turned off or replaced at will. The feed holds the classes
//! from a month ago to three months ahead, each with a stable UID (its occurrence id), so a
//! calendar app updates a moved or cancelled class instead of adding another.

use chrono::{Duration, NaiveDate};
use icalendar::{Calendar, Component, Event, EventLike, EventStatus};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use specta::Type;
use uuid::Uuid;

use super::occurrences::{derive, Filter, OccurrenceStatus};
use crate::audit::{self, Change};
use crate::auth::secrets::{new_token, token_hash};
use crate::auth::Session;
use crate::error::ApiError;
use crate::{exec_tx, on_tx, Core};

#[derive(Debug, Clone, Serialize, Deserialize, Type, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CalendarFeedArgs {
    pub staff_id: Uuid,
    /// On: a new private address (the old one stops working); off: no feed.
    pub enabled: bool,
}

#[derive(Debug, Clone, Serialize, Deserialize, Type, JsonSchema)]
pub struct CalendarFeed {
    pub enabled: bool,
    /// The address on the hub (`/calendar/<token>.ics`), shown this once.
    pub path: Option<String>,
}

/// Classes this many days back and ahead are in the feed.
const BACK_DAYS: i64 = 31;
const AHEAD_DAYS: i64 = 92;

pub(crate) async fn instructor_calendar_feed(
    core: &Core,
    session: &Session,
    args: CalendarFeedArgs,
) -> Result<CalendarFeed, ApiError> {
    let now = core.now();
    let mut tx = core.db.write().await?;
    let found: Option<bool> = on_tx!(&mut tx, c => sqlx::query_scalar(
        "SELECT calendar_token IS NOT NULL FROM staff WHERE id = $1").bind(args.staff_id).fetch_optional(c).await)?;
    let Some(before) = found else {
        return Err(ApiError::field(
            "staff_id",
            "not_found",
            "no such member of staff",
        ));
    };
    let token = args.enabled.then(new_token);
    exec_tx!(&mut tx, c => sqlx::query("UPDATE staff SET calendar_token = $1 WHERE id = $2")
        .bind(token.as_deref().map(token_hash)).bind(args.staff_id).execute(c).await)?;
    let state = |enabled: bool| CalendarFeed {
        enabled,
        path: None,
    };
    audit::record(
        &mut tx,
        session,
        now,
        Change {
            operation: "instructor_calendar_feed",
            entity: "staff",
            entity_id: Some(args.staff_id),
            before: Some(&state(before)),
            after: Some(&state(args.enabled)),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(CalendarFeed {
        enabled: args.enabled,
        path: token.map(|t| format!("/calendar/{t}.ics")),
    })
}

/// The feed at `token`, or not found (a wrong, old or turned-off token alike).
pub async fn calendar_feed(core: &Core, token: &str) -> Result<String, ApiError> {
    let token = token.strip_suffix(".ics").unwrap_or(token);
    let mut tx = core.db.read().await?;
    let staff: Option<(Uuid, String)> = on_tx!(&mut tx, c => sqlx::query_as(
        "SELECT id, name FROM staff WHERE calendar_token = $1").bind(token_hash(token)).fetch_optional(c).await)?;
    let Some((id, name)) = staff else {
        return Err(ApiError::not_found("calendar"));
    };
    let local = crate::centre::local(&mut tx).await?;
    let now = core.now();
    let today: NaiveDate = now.with_timezone(&local.time_zone).date_naive();
    let filter = Filter {
        instructor: Some(id),
        ..Filter::default()
    };
    let classes = derive(
        &mut tx,
        local.time_zone,
        today - Duration::days(BACK_DAYS),
        today + Duration::days(AHEAD_DAYS),
        &filter,
    )
    .await?;
    tx.commit().await?;
    let mut cal = Calendar::new();
    cal.name(&name);
    cal.timezone(local.time_zone.name());
    for o in classes {
        let mut e = Event::new();
        e.uid(&format!("{}@hallpass", o.id))
            .timestamp(now)
            .starts(o.starts_at)
            .ends(o.ends_at)
            .summary(&o.group.name)
            .status(match o.status {
                OccurrenceStatus::Cancelled => EventStatus::Cancelled,
                _ => EventStatus::Confirmed,
            });
        if let Some(room) = &o.room {
            e.location(&room.name);
        }
        let mut about = o.service.name.clone();
        if !o.reason.is_empty() {
            about.push_str(" — ");
            about.push_str(&o.reason);
        }
        e.description(&about);
        cal.push(e.done());
    }
    Ok(cal.done().to_string())
}
