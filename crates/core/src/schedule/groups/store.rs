//! Reading groups and their slots.

use chrono::{DateTime, NaiveDate, Utc};
use uuid::Uuid;

use super::{Group, GroupKind, Slot};
use crate::auth::UserRef;
use crate::db::Tx;
use crate::error::ApiError;
use crate::on_tx;
use crate::schedule::recurrence::weekly_parts;
use crate::schedule::{services, Named};

#[derive(sqlx::FromRow)]
struct Row {
    id: Uuid,
    name: String,
    kind: String,
    service_id: Uuid,
    service_name: String,
    instructor_id: Option<Uuid>,
    instructor_name: Option<String>,
    room_id: Option<Uuid>,
    room_name: Option<String>,
    capacity: i32,
    age_min: Option<i32>,
    age_max: Option<i32>,
    price_visits: i32,
    duration_minutes: i32,
    sessions_per_week: i32,
    starts_on: NaiveDate,
    ends_on: Option<NaiveDate>,
    archived: bool,
    created_at: DateTime<Utc>,
    created_by: Option<Uuid>,
    created_name: Option<String>,
    updated_at: DateTime<Utc>,
    updated_by: Option<Uuid>,
    updated_name: Option<String>,
    version: i64,
    members: i64,
    waiting: i64,
}

/// A slot as stored, with the names it points at.
#[derive(sqlx::FromRow, Debug, Clone)]
pub(crate) struct SlotRow {
    pub id: Uuid,
    pub group_id: Uuid,
    pub rule: String,
    pub start_time: String,
    pub duration_minutes: i32,
    pub room_id: Option<Uuid>,
    pub room_name: Option<String>,
    pub instructor_id: Option<Uuid>,
    pub instructor_name: Option<String>,
    pub locked: bool,
    pub valid_from: NaiveDate,
    pub valid_until: Option<NaiveDate>,
}

impl SlotRow {
    pub fn to_slot(&self) -> Slot {
        let (weekday, every_weeks) = weekly_parts(&self.rule).unwrap_or((1, 1));
        Slot {
            id: self.id,
            weekday,
            start: self.start_time.clone(),
            duration_minutes: u32::try_from(self.duration_minutes).unwrap_or(0),
            every_weeks,
            rule: self.rule.clone(),
            room: Named::of(self.room_id, self.room_name.clone()),
            instructor: Named::of(self.instructor_id, self.instructor_name.clone()),
            locked: self.locked,
            valid_from: self.valid_from,
            valid_until: self.valid_until,
        }
    }
}

pub(crate) const SLOTS: &str =
    "SELECT s.id, s.group_id, s.rule, s.start_time, s.duration_minutes, \
     s.room_id, r.name AS room_name, s.instructor_id, st.name AS instructor_name, s.locked, \
     s.valid_from, s.valid_until FROM group_slots s LEFT JOIN rooms r ON r.id = s.room_id \
     LEFT JOIN staff st ON st.id = s.instructor_id";

const SELECT: &str = "SELECT g.id, g.name, g.kind, g.service_id, i.name AS service_name, \
     g.instructor_id, st.name AS instructor_name, g.room_id, r.name AS room_name, g.capacity, \
     g.age_min, g.age_max, g.price_visits, g.duration_minutes, g.sessions_per_week, g.starts_on, \
     g.ends_on, g.archived, g.created_at, g.created_by, cu.display_name AS created_name, \
     g.updated_at, g.updated_by, uu.display_name AS updated_name, g.version, \
     (SELECT COUNT(*) FROM group_members m WHERE m.group_id = g.id AND m.joined_on <= $1 \
      AND (m.left_on IS NULL OR m.left_on > $1)) AS members, \
     (SELECT COUNT(*) FROM waitlist w WHERE w.group_id = g.id AND w.status IN ('waiting','offered')) AS waiting \
     FROM class_groups g JOIN catalog_items i ON i.id = g.service_id \
     LEFT JOIN staff st ON st.id = g.instructor_id LEFT JOIN rooms r ON r.id = g.room_id \
     LEFT JOIN users cu ON cu.id = g.created_by LEFT JOIN users uu ON uu.id = g.updated_by";

/// Groups (one when `id` is given), by name, with the slots in effect on `today` or later.
pub(crate) async fn load_groups(
    tx: &mut Tx,
    today: NaiveDate,
    id: Option<Uuid>,
) -> Result<Vec<Group>, ApiError> {
    let sql = format!("{SELECT} WHERE ($2 IS NULL OR g.id = $2) ORDER BY g.name_key, g.id");
    let rows: Vec<Row> =
        on_tx!(tx, c => sqlx::query_as(&sql).bind(today).bind(id).fetch_all(c).await)?;
    let sql = format!(
        "{SLOTS} WHERE (s.valid_until IS NULL OR s.valid_until >= $1) AND ($2 IS NULL OR s.group_id = $2) \
         ORDER BY s.group_id, s.valid_from, s.start_time"
    );
    let slots: Vec<SlotRow> =
        on_tx!(tx, c => sqlx::query_as(&sql).bind(today).bind(id).fetch_all(c).await)?;
    let services = services::load(tx, None).await?;
    Ok(rows
        .into_iter()
        .map(|r| {
            let mut own: Vec<Slot> = slots
                .iter()
                .filter(|s| s.group_id == r.id)
                .map(SlotRow::to_slot)
                .collect();
            own.sort_by(|a, b| (a.weekday, &a.start).cmp(&(b.weekday, &b.start)));
            let u = |v: Option<i32>| v.and_then(|v| u32::try_from(v).ok());
            Group {
                colour: services
                    .iter()
                    .find(|s| s.id == r.service_id)
                    .map_or_else(|| "#1f5f99".into(), |s| s.colour.clone()),
                id: r.id,
                name: r.name,
                kind: GroupKind::parse(&r.kind),
                service: Named {
                    id: r.service_id,
                    name: r.service_name,
                },
                instructor: Named::of(r.instructor_id, r.instructor_name),
                room: Named::of(r.room_id, r.room_name),
                capacity: u(Some(r.capacity)).unwrap_or(0),
                age_min: u(r.age_min),
                age_max: u(r.age_max),
                price_visits: u(Some(r.price_visits)).unwrap_or(1),
                duration_minutes: u(Some(r.duration_minutes)).unwrap_or(60),
                sessions_per_week: u(Some(r.sessions_per_week)).unwrap_or(1),
                starts_on: r.starts_on,
                ends_on: r.ends_on,
                slots: own,
                members: u32::try_from(r.members).unwrap_or(0),
                waiting: u32::try_from(r.waiting).unwrap_or(0),
                archived: r.archived,
                created_at: r.created_at,
                created_by: UserRef::from_row(r.created_by, r.created_name),
                updated_at: r.updated_at,
                updated_by: UserRef::from_row(r.updated_by, r.updated_name),
                version: r.version,
            }
        })
        .collect())
}

pub(crate) async fn group_in(tx: &mut Tx, today: NaiveDate, id: Uuid) -> Result<Group, ApiError> {
    load_groups(tx, today, Some(id))
        .await?
        .pop()
        .ok_or_else(|| ApiError::not_found("group"))
}

pub(crate) async fn groups_list(
    core: &crate::Core,
    session: &crate::auth::Session,
    args: super::GroupsListArgs,
) -> Result<Vec<Group>, ApiError> {
    let today = session.local_date(core.now());
    let mut tx = core.db.read().await?;
    let list = load_groups(&mut tx, today, None).await?;
    tx.commit().await?;
    Ok(list
        .into_iter()
        .filter(|g| args.include_archived || !g.archived)
        .filter(|g| {
            args.instructor_id.is_none_or(|i| {
                g.instructor.as_ref().is_some_and(|x| x.id == i)
                    || g.slots
                        .iter()
                        .any(|s| s.instructor.as_ref().is_some_and(|x| x.id == i))
            })
        })
        .collect())
}

pub(crate) async fn groups_get(
    core: &crate::Core,
    session: &crate::auth::Session,
    args: super::GroupGetArgs,
) -> Result<Group, ApiError> {
    let today = session.local_date(core.now());
    let mut tx = core.db.read().await?;
    let g = group_in(&mut tx, today, args.id).await?;
    tx.commit().await?;
    Ok(g)
}
