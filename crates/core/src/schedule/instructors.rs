//! Instructors as the timetable sees them: staff still working here, the services each
//! teaches and the hours of the week they can teach (local time).

use chrono::NaiveDate;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use specta::Type;
use uuid::Uuid;

use super::hours::{check_spans, OpeningSpan};
use super::Named;
use crate::audit::{self, Change};
use crate::auth::Session;
use crate::db::Tx;
use crate::error::{ApiError, Problems};
use crate::{exec_tx, on_tx, Core};

#[derive(Debug, Clone, Serialize, Deserialize, Type, JsonSchema)]
pub struct Instructor {
    /// The staff record's id.
    pub id: Uuid,
    pub name: String,
    pub position: String,
    pub teaches: Vec<Named>,
    /// When they can teach; empty: not set (any time the rooms are open).
    pub availability: Vec<OpeningSpan>,
    /// Their calendar feed is on (the address is given to them alone).
    pub calendar_feed: bool,
    /// The staff record's version.
    pub version: i64,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, Type, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct InstructorsListArgs {
    /// Only those who teach something (else every current member of staff).
    #[serde(default)]
    pub teaching_only: bool,
}

#[derive(Debug, Clone, Serialize, Deserialize, Type, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct InstructorUpdateArgs {
    pub id: Uuid,
    /// The staff record's version read.
    pub version: i64,
    /// Catalogue service ids.
    pub teaches: Vec<Uuid>,
    pub availability: Vec<OpeningSpan>,
}

#[derive(sqlx::FromRow)]
struct Row {
    id: Uuid,
    name: String,
    position: String,
    teaches: String,
    availability: String,
    leave_date: Option<NaiveDate>,
    feed: bool,
    version: i64,
}

/// Instructors (current staff), by name; `id` for one.
pub(crate) async fn load(
    tx: &mut Tx,
    today: NaiveDate,
    id: Option<Uuid>,
) -> Result<Vec<Instructor>, ApiError> {
    let rows: Vec<Row> = on_tx!(tx, c => sqlx::query_as(
        "SELECT s.id, s.name, s.position, s.teaches, s.availability, s.leave_date, \
         s.calendar_token IS NOT NULL AS feed, s.version FROM staff s \
         WHERE ($1 IS NULL OR s.id = $1) ORDER BY s.search_name, s.id")
        .bind(id).fetch_all(c).await)?;
    let names: Vec<(Uuid, String)> = on_tx!(tx, c => sqlx::query_as(
        "SELECT id, name FROM catalog_items WHERE kind = 'service'").fetch_all(c).await)?;
    Ok(rows
        .into_iter()
        .filter(|r| id.is_some() || r.leave_date.is_none_or(|d| d >= today))
        .map(|r| {
            let ids: Vec<Uuid> = serde_json::from_str(&r.teaches).unwrap_or_default();
            Instructor {
                teaches: ids
                    .iter()
                    .filter_map(|s| names.iter().find(|(i, _)| i == s))
                    .map(|(id, name)| Named {
                        id: *id,
                        name: name.clone(),
                    })
                    .collect(),
                availability: serde_json::from_str(&r.availability).unwrap_or_default(),
                calendar_feed: r.feed,
                id: r.id,
                name: r.name,
                position: r.position,
                version: r.version,
            }
        })
        .collect())
}

pub(crate) async fn instructors_list(
    core: &Core,
    session: &Session,
    args: InstructorsListArgs,
) -> Result<Vec<Instructor>, ApiError> {
    let mut tx = core.db.read().await?;
    let list = load(&mut tx, session.local_date(core.now()), None).await?;
    tx.commit().await?;
    Ok(list
        .into_iter()
        .filter(|i| !args.teaching_only || !i.teaches.is_empty())
        .collect())
}

pub(crate) async fn instructor_update(
    core: &Core,
    session: &Session,
    args: InstructorUpdateArgs,
) -> Result<Instructor, ApiError> {
    let mut p = Problems::default();
    let spans = check_spans(&mut p, "availability", &args.availability);
    p.finish()?;
    let mut p = Problems::default();
    let now = core.now();
    let today = session.local_date(now);
    let mut tx = core.db.write().await?;
    let services: Vec<Uuid> = on_tx!(&mut tx, c => sqlx::query_scalar(
        "SELECT id FROM catalog_items WHERE kind = 'service'").fetch_all(c).await)?;
    let mut teaches: Vec<Uuid> = Vec::new();
    for (i, s) in args.teaches.iter().enumerate() {
        if !services.contains(s) {
            p.add(format!("teaches.{i}"), "not_found", "no such service");
        } else if !teaches.contains(s) {
            teaches.push(*s);
        }
    }
    p.finish()?;
    let before = load(&mut tx, today, Some(args.id))
        .await?
        .pop()
        .ok_or_else(|| ApiError::not_found("staff"))?;
    let n = exec_tx!(&mut tx, c => sqlx::query(
        "UPDATE staff SET teaches = $1, availability = $2, updated_at = $3, updated_by = $4, \
         version = version + 1 WHERE id = $5 AND version = $6")
        .bind(serde_json::to_string(&teaches).unwrap_or_default())
        .bind(serde_json::to_string(&spans).unwrap_or_default())
        .bind(now).bind(session.user_id).bind(args.id).bind(args.version)
        .execute(c).await)?;
    if n == 0 {
        return Err(ApiError::conflict(
            "this staff record was changed by someone else; reload it and try again",
        ));
    }
    let after = load(&mut tx, today, Some(args.id))
        .await?
        .pop()
        .ok_or_else(|| ApiError::not_found("staff"))?;
    let c = Change {
        operation: "instructor_update",
        entity: "staff",
        entity_id: Some(args.id),
        before: Some(&before),
        after: Some(&after),
    };
    audit::record(&mut tx, session, now, c).await?;
    tx.commit().await?;
    Ok(after)
}
