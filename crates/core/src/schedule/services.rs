//! Services as the timetable sees them: the catalogue's services, each with a colour on the
//! grid, a usual length, the room equipment it needs, and who teaches it.

use chrono::{DateTime, Utc};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use specta::Type;
use uuid::Uuid;

use super::Named;
use crate::audit::{self, Change};
use crate::auth::Session;
use crate::db::Tx;
use crate::error::{ApiError, Problems};
use crate::money::catalog::{CatalogItemInput, ItemKind};
use crate::roles::Permission;
use crate::text::{fold, parse_name};
use crate::{exec_tx, on_tx, Core};

/// Colours a service gets until someone picks one (dark enough for white text).
const PALETTE: [&str; 8] = [
    "#1f5f99", "#8a3b12", "#2e6b30", "#6b3a8c", "#8c2f4b", "#0f6e6e", "#7a5a00", "#4a4a8c",
];
pub const DEFAULT_MINUTES: u32 = 60;

#[derive(Debug, Clone, Serialize, Deserialize, Type, JsonSchema)]
pub struct Service {
    pub id: Uuid,
    pub name: String,
    pub active: bool,
    /// `#rrggbb` on the grid.
    pub colour: String,
    pub duration_minutes: u32,
    /// Room equipment tags it needs.
    pub equipment: Vec<String>,
    /// Staff who teach it.
    pub instructors: Vec<Named>,
    /// The schedule settings' version (0: never saved).
    pub version: i64,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, Type, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ServicesListArgs {
    /// Also services no longer sold.
    #[serde(default)]
    pub include_inactive: bool,
}

#[derive(Debug, Clone, Serialize, Deserialize, Type, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ServiceSettingsInput {
    pub colour: String,
    pub duration_minutes: u32,
    #[serde(default)]
    pub equipment: Vec<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, Type, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ServicesCreateArgs {
    /// The catalogue item (its kind is `service` whatever is sent).
    pub item: CatalogItemInput,
    pub settings: ServiceSettingsInput,
}

#[derive(Debug, Clone, Serialize, Deserialize, Type, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ServicesUpdateArgs {
    pub id: Uuid,
    /// The version read (0 for a service whose settings were never saved).
    pub version: i64,
    pub settings: ServiceSettingsInput,
}

fn default_colour(id: Uuid) -> String {
    let n = id
        .as_u128()
        .to_le_bytes()
        .iter()
        .map(|b| *b as usize)
        .sum::<usize>();
    PALETTE[n % PALETTE.len()].to_string()
}

fn check(s: &ServiceSettingsInput) -> Result<Vec<String>, ApiError> {
    let mut p = Problems::default();
    let c = s.colour.trim();
    if !(c.len() == 7 && c.starts_with('#') && c[1..].chars().all(|x| x.is_ascii_hexdigit())) {
        p.add("settings.colour", "invalid", "a colour as #rrggbb");
    }
    if !(5..=24 * 60).contains(&s.duration_minutes) {
        p.add(
            "settings.duration_minutes",
            "out_of_range",
            "from 5 minutes to 24 hours",
        );
    }
    let mut tags: Vec<String> = Vec::new();
    for (i, t) in s.equipment.iter().enumerate() {
        let field = format!("settings.equipment.{i}");
        if let Some(t) = p.take(parse_name(&field, t, 40)) {
            if tags.iter().any(|x| fold(x) == fold(&t)) {
                p.add(field, "duplicate", "this tag is there already");
            } else {
                tags.push(t);
            }
        }
    }
    p.finish()?;
    Ok(tags)
}

#[derive(sqlx::FromRow)]
struct Row {
    id: Uuid,
    name: String,
    active: bool,
    colour: Option<String>,
    duration_minutes: Option<i32>,
    equipment: Option<String>,
    version: Option<i64>,
}

/// Services with their settings (defaults where none were saved) and instructors.
pub(crate) async fn load(tx: &mut Tx, ids: Option<&[Uuid]>) -> Result<Vec<Service>, ApiError> {
    let rows: Vec<Row> = on_tx!(tx, c => sqlx::query_as(
        "SELECT i.id, i.name, i.active, s.colour, s.duration_minutes, s.equipment, s.version \
         FROM catalog_items i LEFT JOIN service_settings s ON s.item_id = i.id \
         WHERE i.kind = 'service' ORDER BY i.search_name, i.id").fetch_all(c).await)?;
    let staff: Vec<(Uuid, String, String)> = on_tx!(tx, c => sqlx::query_as(
        "SELECT id, name, teaches FROM staff WHERE teaches <> '[]' ORDER BY search_name, id")
        .fetch_all(c).await)?;
    let teaches: Vec<(Uuid, String, Vec<Uuid>)> = staff
        .into_iter()
        .map(|(id, name, t)| (id, name, serde_json::from_str(&t).unwrap_or_default()))
        .collect();
    Ok(rows
        .into_iter()
        .filter(|r| ids.is_none_or(|ids| ids.contains(&r.id)))
        .map(|r| Service {
            instructors: teaches
                .iter()
                .filter(|(_, _, t)| t.contains(&r.id))
                .map(|(id, name, _)| Named {
                    id: *id,
                    name: name.clone(),
                })
                .collect(),
            colour: r.colour.unwrap_or_else(|| default_colour(r.id)),
            duration_minutes: r
                .duration_minutes
                .and_then(|d| u32::try_from(d).ok())
                .unwrap_or(DEFAULT_MINUTES),
            equipment: r
                .equipment
                .and_then(|e| serde_json::from_str(&e).ok())
                .unwrap_or_default(),
            version: r.version.unwrap_or(0),
            id: r.id,
            name: r.name,
            active: r.active,
        })
        .collect())
}

pub(crate) async fn one(tx: &mut Tx, id: Uuid) -> Result<Service, ApiError> {
    load(tx, Some(&[id]))
        .await?
        .pop()
        .ok_or_else(|| ApiError::not_found("service"))
}

pub(crate) async fn services_list(
    core: &Core,
    _session: &Session,
    args: ServicesListArgs,
) -> Result<Vec<Service>, ApiError> {
    let mut tx = core.db.read().await?;
    let list = load(&mut tx, None).await?;
    tx.commit().await?;
    Ok(list
        .into_iter()
        .filter(|s| args.include_inactive || s.active)
        .collect())
}

async fn save(
    tx: &mut Tx,
    id: Uuid,
    version: i64,
    s: &ServiceSettingsInput,
    tags: &[String],
    session: &Session,
    now: DateTime<Utc>,
) -> Result<(), ApiError> {
    let equipment = serde_json::to_string(tags).unwrap_or_default();
    let colour = s.colour.trim().to_ascii_lowercase();
    let minutes = s.duration_minutes as i32;
    let n = if version == 0 {
        exec_tx!(tx, c => sqlx::query(
            "INSERT INTO service_settings (item_id, colour, duration_minutes, equipment, updated_at, updated_by, version) \
             VALUES ($1, $2, $3, $4, $5, $6, 1) ON CONFLICT (item_id) DO NOTHING")
            .bind(id).bind(&colour).bind(minutes).bind(&equipment).bind(now).bind(session.user_id)
            .execute(c).await)?
    } else {
        exec_tx!(tx, c => sqlx::query(
            "UPDATE service_settings SET colour = $2, duration_minutes = $3, equipment = $4, \
             updated_at = $5, updated_by = $6, version = version + 1 WHERE item_id = $1 AND version = $7")
            .bind(id).bind(&colour).bind(minutes).bind(&equipment).bind(now).bind(session.user_id)
            .bind(version).execute(c).await)?
    };
    if n == 0 {
        return Err(ApiError::conflict(
            "this service was changed by someone else; reload it and try again",
        ));
    }
    Ok(())
}

fn change<'a>(
    op: &'a str,
    id: Uuid,
    before: Option<&'a Service>,
    after: &'a Service,
) -> Change<'a, Service> {
    Change {
        operation: op,
        entity: "service",
        entity_id: Some(id),
        before,
        after: Some(after),
    }
}

/// A new service: a catalogue item (which needs `catalog_configure` as well) and its settings.
pub(crate) async fn services_create(
    core: &Core,
    session: &Session,
    args: ServicesCreateArgs,
) -> Result<Service, ApiError> {
    session.require(Permission::CatalogConfigure)?;
    let tags = check(&args.settings)?;
    let item = CatalogItemInput {
        kind: ItemKind::Service,
        ..args.item
    };
    let now = core.now();
    let mut tx = core.db.write().await?;
    let id = crate::money::catalog::insert_item(&mut tx, &item, session, now).await?;
    save(&mut tx, id, 0, &args.settings, &tags, session, now).await?;
    let after = one(&mut tx, id).await?;
    audit::record(
        &mut tx,
        session,
        now,
        change("services_create", id, None, &after),
    )
    .await?;
    tx.commit().await?;
    Ok(after)
}

pub(crate) async fn services_update(
    core: &Core,
    session: &Session,
    args: ServicesUpdateArgs,
) -> Result<Service, ApiError> {
    let tags = check(&args.settings)?;
    let now = core.now();
    let mut tx = core.db.write().await?;
    let before = one(&mut tx, args.id).await?;
    save(
        &mut tx,
        args.id,
        args.version,
        &args.settings,
        &tags,
        session,
        now,
    )
    .await?;
    let after = one(&mut tx, args.id).await?;
    let c = change("services_update", args.id, Some(&before), &after);
    audit::record(&mut tx, session, now, c).await?;
    tx.commit().await?;
    Ok(after)
}
