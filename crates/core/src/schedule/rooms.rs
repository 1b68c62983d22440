//! Rooms: where classes happen — a name, how many people fit, the equipment in it (tags the
//! timetable matches against), and when it is open on each weekday (the centre's local time).
//! A room no longer used is archived, never deleted: past classes keep their room.

use chrono::{DateTime, Utc};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use specta::Type;
use uuid::Uuid;

use super::hours::{check_spans, OpeningSpan};
use crate::audit::{self, Change};
use crate::auth::{Session, UserRef};
use crate::db::Tx;
use crate::error::{ApiError, Problems};
use crate::text::{fold, parse_name};
use crate::{exec_tx, on_tx, Core};

const MAX_NAME: usize = 80;
const MAX_TAGS: usize = 30;
const MAX_CAPACITY: u32 = 10_000;
const TAKEN: &str = "a room with this name exists";

#[derive(Debug, Clone, Serialize, Deserialize, Type, JsonSchema)]
pub struct Room {
    pub id: Uuid,
    pub name: String,
    pub capacity: u32,
    pub equipment: Vec<String>,
    pub opening_hours: Vec<OpeningSpan>,
    pub archived: bool,
    pub created_at: DateTime<Utc>,
    pub created_by: Option<UserRef>,
    pub updated_at: DateTime<Utc>,
    pub updated_by: Option<UserRef>,
    pub version: i64,
}

#[derive(Debug, Clone, Serialize, Deserialize, Type, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RoomInput {
    pub name: String,
    pub capacity: u32,
    #[serde(default)]
    pub equipment: Vec<String>,
    #[serde(default)]
    pub opening_hours: Vec<OpeningSpan>,
    #[serde(default)]
    pub archived: bool,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, Type, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RoomsListArgs {
    /// Also rooms no longer used.
    #[serde(default)]
    pub include_archived: bool,
}

#[derive(Debug, Clone, Serialize, Deserialize, Type, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RoomsCreateArgs {
    pub room: RoomInput,
}

#[derive(Debug, Clone, Serialize, Deserialize, Type, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RoomsUpdateArgs {
    pub id: Uuid,
    /// The version read; a stale one is a conflict.
    pub version: i64,
    pub room: RoomInput,
}

struct Valid {
    name: String,
    equipment: Vec<String>,
    hours: Vec<OpeningSpan>,
}

/// Checks a room: a name, a capacity from 1, tags without repeats, and opening spans that
/// are real times, end after they start and do not overlap on their weekday.
fn check(input: &RoomInput) -> Result<Valid, ApiError> {
    let mut p = Problems::default();
    let name = p.take(parse_name("room.name", &input.name, MAX_NAME));
    if input.capacity == 0 || input.capacity > MAX_CAPACITY {
        p.add(
            "room.capacity",
            "out_of_range",
            format!("from 1 to {MAX_CAPACITY} people"),
        );
    }
    let mut equipment: Vec<String> = Vec::new();
    for (i, tag) in input.equipment.iter().enumerate() {
        let field = format!("room.equipment.{i}");
        if let Some(tag) = p.take(parse_name(&field, tag, 40)) {
            if equipment.iter().any(|t| fold(t) == fold(&tag)) {
                p.add(field, "duplicate", "this tag is there already");
            } else {
                equipment.push(tag);
            }
        }
    }
    if equipment.len() > MAX_TAGS {
        p.add(
            "room.equipment",
            "too_many",
            format!("at most {MAX_TAGS} tags"),
        );
    }
    let hours = check_spans(&mut p, "room.opening_hours", &input.opening_hours);
    p.finish()?;
    Ok(Valid {
        name: name.unwrap_or_default(),
        equipment,
        hours,
    })
}

#[derive(sqlx::FromRow)]
struct Row {
    id: Uuid,
    name: String,
    capacity: i32,
    equipment: String,
    opening_hours: String,
    archived: bool,
    created_at: DateTime<Utc>,
    created_by: Option<Uuid>,
    created_name: Option<String>,
    updated_at: DateTime<Utc>,
    updated_by: Option<Uuid>,
    updated_name: Option<String>,
    version: i64,
}

impl From<Row> for Room {
    fn from(r: Row) -> Self {
        Room {
            id: r.id,
            name: r.name,
            capacity: u32::try_from(r.capacity).unwrap_or(0),
            equipment: serde_json::from_str(&r.equipment).unwrap_or_default(),
            opening_hours: serde_json::from_str(&r.opening_hours).unwrap_or_default(),
            archived: r.archived,
            created_at: r.created_at,
            created_by: UserRef::from_row(r.created_by, r.created_name),
            updated_at: r.updated_at,
            updated_by: UserRef::from_row(r.updated_by, r.updated_name),
            version: r.version,
        }
    }
}

const SELECT: &str = "SELECT r.id, r.name, r.capacity, r.equipment, r.opening_hours, r.archived, \
     r.created_at, r.created_by, cu.display_name AS created_name, r.updated_at, r.updated_by, \
     uu.display_name AS updated_name, r.version FROM rooms r \
     LEFT JOIN users cu ON cu.id = r.created_by LEFT JOIN users uu ON uu.id = r.updated_by";

async fn one(tx: &mut Tx, id: Uuid) -> Result<Room, ApiError> {
    let sql = format!("{SELECT} WHERE r.id = $1");
    let row: Option<Row> = on_tx!(tx, c => sqlx::query_as(&sql).bind(id).fetch_optional(c).await)?;
    row.map(Into::into)
        .ok_or_else(|| ApiError::not_found("room"))
}

/// Every room, archived ones included, by name.
pub(crate) async fn load(tx: &mut Tx) -> Result<Vec<Room>, ApiError> {
    let sql = format!("{SELECT} ORDER BY r.name_key, r.id");
    let rows: Vec<Row> = on_tx!(tx, c => sqlx::query_as(&sql).fetch_all(c).await)?;
    Ok(rows.into_iter().map(Room::from).collect())
}

pub(crate) async fn rooms_list(
    core: &Core,
    _session: &Session,
    args: RoomsListArgs,
) -> Result<Vec<Room>, ApiError> {
    let mut tx = core.db.read().await?;
    let rooms = load(&mut tx).await?;
    tx.commit().await?;
    Ok(rooms
        .into_iter()
        .filter(|r| args.include_archived || !r.archived)
        .collect())
}

fn change<'a>(
    operation: &'a str,
    id: Uuid,
    before: Option<&'a Room>,
    after: &'a Room,
) -> Change<'a, Room> {
    Change {
        operation,
        entity: "room",
        entity_id: Some(id),
        before,
        after: Some(after),
    }
}

/// Writes a new room (no audit row: the caller's).
pub(crate) async fn insert_room(
    tx: &mut Tx,
    input: &RoomInput,
    session: &Session,
    now: DateTime<Utc>,
) -> Result<Uuid, ApiError> {
    let v = check(input)?;
    let id = crate::new_id();
    exec_tx!(tx, c => sqlx::query(
        "INSERT INTO rooms (id, name, name_key, capacity, equipment, opening_hours, archived, \
         created_at, created_by, updated_at, updated_by, version) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $8, $9, 1)")
        .bind(id).bind(&v.name).bind(fold(&v.name)).bind(input.capacity as i32)
        .bind(serde_json::to_string(&v.equipment).unwrap_or_default())
        .bind(serde_json::to_string(&v.hours).unwrap_or_default())
        .bind(input.archived).bind(now).bind(session.user_id).execute(c).await)
    .map_err(|e| crate::db::taken(e, "room.name", TAKEN))?;
    Ok(id)
}

pub(crate) async fn rooms_create(
    core: &Core,
    session: &Session,
    args: RoomsCreateArgs,
) -> Result<Room, ApiError> {
    let now = core.now();
    let mut tx = core.db.write().await?;
    let id = insert_room(&mut tx, &args.room, session, now).await?;
    let after = one(&mut tx, id).await?;
    audit::record(
        &mut tx,
        session,
        now,
        change("rooms_create", id, None, &after),
    )
    .await?;
    tx.commit().await?;
    Ok(after)
}

pub(crate) async fn rooms_update(
    core: &Core,
    session: &Session,
    args: RoomsUpdateArgs,
) -> Result<Room, ApiError> {
    let v = check(&args.room)?;
    let now = core.now();
    let mut tx = core.db.write().await?;
    let before = one(&mut tx, args.id).await?;
    let n = exec_tx!(&mut tx, c => sqlx::query(
        "UPDATE rooms SET name = $1, name_key = $2, capacity = $3, equipment = $4, \
         opening_hours = $5, archived = $6, updated_at = $7, updated_by = $8, version = version + 1 \
         WHERE id = $9 AND version = $10")
        .bind(&v.name).bind(fold(&v.name)).bind(args.room.capacity as i32)
        .bind(serde_json::to_string(&v.equipment).unwrap_or_default())
        .bind(serde_json::to_string(&v.hours).unwrap_or_default())
        .bind(args.room.archived).bind(now).bind(session.user_id).bind(args.id).bind(args.version)
        .execute(c).await)
    .map_err(|e| crate::db::taken(e, "room.name", TAKEN))?;
    if n == 0 {
        return Err(ApiError::conflict(
            "this room was changed by someone else; reload it and try again",
        ));
    }
    let after = one(&mut tx, args.id).await?;
    audit::record(
        &mut tx,
        session,
        now,
        change("rooms_update", args.id, Some(&before), &after),
    )
    .await?;
    tx.commit().await?;
    Ok(after)
}
