//! Catalogue items: reading, searching and writing services and goods.

use chrono::{DateTime, Utc};
use uuid::Uuid;

use super::{CatalogItem, CatalogItemCreateArgs, CatalogItemInput, CatalogItemUpdateArgs};
use super::{CatalogItemsListArgs, ItemKind};
use crate::audit::{self, Change};
use crate::auth::{Session, UserRef};
use crate::db::Tx;
use crate::error::{ApiError, Problems};
use crate::money::amount::{check_price, check_tax, Tax};
use crate::text::{fold, parse_name, parse_text, search_key};
use crate::{exec_tx, on_tx, Core};

const MAX_NAME: usize = 200;
const MAX_UNIT: usize = 30;

#[derive(sqlx::FromRow)]
struct Row {
    id: Uuid,
    kind: String,
    name: String,
    category_id: Option<Uuid>,
    category_name: Option<String>,
    price: i64,
    tax_points: i32,
    tax_included: bool,
    unit: String,
    active: bool,
    created_at: DateTime<Utc>,
    created_by: Option<Uuid>,
    created_name: Option<String>,
    updated_at: DateTime<Utc>,
    updated_by: Option<Uuid>,
    updated_name: Option<String>,
    version: i64,
}

impl From<Row> for CatalogItem {
    fn from(r: Row) -> Self {
        CatalogItem {
            id: r.id,
            kind: ItemKind::parse(&r.kind),
            name: r.name,
            category_id: r.category_id,
            category_name: r.category_name,
            price: r.price,
            tax: Tax {
                points: u32::try_from(r.tax_points).unwrap_or(0),
                included: r.tax_included,
            },
            unit: r.unit,
            active: r.active,
            created_at: r.created_at,
            created_by: UserRef::from_row(r.created_by, r.created_name),
            updated_at: r.updated_at,
            updated_by: UserRef::from_row(r.updated_by, r.updated_name),
            version: r.version,
        }
    }
}

const SELECT: &str = "SELECT i.id, i.kind, i.name, i.category_id, k.name AS category_name, \
     i.price, i.tax_points, i.tax_included, i.unit, i.active, i.created_at, i.created_by, \
     cu.display_name AS created_name, i.updated_at, i.updated_by, uu.display_name AS updated_name, \
     i.version FROM catalog_items i LEFT JOIN catalog_categories k ON k.id = i.category_id \
     LEFT JOIN users cu ON cu.id = i.created_by LEFT JOIN users uu ON uu.id = i.updated_by";

/// One item, or `not_found` naming `field`'s entity.
pub(crate) async fn item_in(tx: &mut Tx, id: Uuid) -> Result<Option<CatalogItem>, ApiError> {
    let sql = format!("{SELECT} WHERE i.id = $1");
    let row: Option<Row> = on_tx!(tx, c => sqlx::query_as(&sql).bind(id).fetch_optional(c).await)?;
    Ok(row.map(Into::into))
}

async fn one(tx: &mut Tx, id: Uuid) -> Result<CatalogItem, ApiError> {
    item_in(tx, id)
        .await?
        .ok_or_else(|| ApiError::not_found("catalogue item"))
}

struct Valid {
    name: String,
    unit: String,
}

fn check(input: &CatalogItemInput) -> Result<Valid, ApiError> {
    let mut p = Problems::default();
    let name = p.take(parse_name("item.name", &input.name, MAX_NAME));
    let unit = p.take(parse_text("item.unit", &input.unit, MAX_UNIT));
    check_price(&mut p, "item.price", input.price);
    check_tax(&mut p, "item.tax.points", input.tax.points);
    p.finish()?;
    Ok(Valid {
        name: name.unwrap_or_default(),
        unit: unit.unwrap_or_default(),
    })
}

/// The category must exist; an archived one only if the item already had it.
async fn check_category(tx: &mut Tx, id: Option<Uuid>, had: Option<Uuid>) -> Result<(), ApiError> {
    let Some(id) = id else { return Ok(()) };
    let archived: Option<bool> = on_tx!(tx, c => sqlx::query_scalar(
        "SELECT archived FROM catalog_categories WHERE id = $1").bind(id).fetch_optional(c).await)?;
    match archived {
        None => Err(ApiError::field(
            "item.category_id",
            "not_found",
            "no such category",
        )),
        Some(true) if had != Some(id) => Err(ApiError::field(
            "item.category_id",
            "archived",
            "this category is archived",
        )),
        _ => Ok(()),
    }
}

fn change<'a>(
    operation: &'a str,
    id: Uuid,
    before: Option<&'a CatalogItem>,
    after: &'a CatalogItem,
) -> Change<'a, CatalogItem> {
    Change {
        operation,
        entity: "catalog_item",
        entity_id: Some(id),
        before,
        after: Some(after),
    }
}

pub(crate) async fn catalog_items_list(
    core: &Core,
    _session: &Session,
    args: CatalogItemsListArgs,
) -> Result<Vec<CatalogItem>, ApiError> {
    let mut tx = core.db.read().await?;
    let sql =
        format!("{SELECT} ORDER BY COALESCE(k.position, 2147483647), k.id, i.search_name, i.id");
    let rows: Vec<Row> = on_tx!(&mut tx, c => sqlx::query_as(&sql).fetch_all(c).await)?;
    tx.commit().await?;
    let words: Vec<String> = fold(&args.query)
        .split_whitespace()
        .map(str::to_string)
        .collect();
    Ok(rows
        .into_iter()
        .map(CatalogItem::from)
        .filter(|i| args.include_inactive || i.active)
        .filter(|i| args.kind.is_none_or(|k| k == i.kind))
        .filter(|i| {
            let text = fold(&format!(
                "{} {}",
                i.name,
                i.category_name.as_deref().unwrap_or("")
            ));
            words.iter().all(|w| text.contains(w.as_str()))
        })
        .collect())
}

pub(crate) async fn catalog_item_create(
    core: &Core,
    session: &Session,
    args: CatalogItemCreateArgs,
) -> Result<CatalogItem, ApiError> {
    let now = core.now();
    let mut tx = core.db.write().await?;
    let id = insert_item(&mut tx, &args.item, session, now).await?;
    let after = one(&mut tx, id).await?;
    let c = change("catalog_item_create", id, None, &after);
    audit::record(&mut tx, session, now, c).await?;
    tx.commit().await?;
    Ok(after)
}

/// Checks and writes a new item (no audit row: the caller's).
pub(crate) async fn insert_item(
    tx: &mut Tx,
    i: &CatalogItemInput,
    session: &Session,
    now: DateTime<Utc>,
) -> Result<Uuid, ApiError> {
    let v = check(i)?;
    check_category(tx, i.category_id, None).await?;
    let id = crate::new_id();
    exec_tx!(tx, c => sqlx::query(
        "INSERT INTO catalog_items (id, category_id, kind, name, search_name, price, tax_points, \
         tax_included, unit, active, created_at, created_by, updated_at, updated_by, version) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $11, $12, 1)")
        .bind(id).bind(i.category_id).bind(i.kind.as_str()).bind(&v.name).bind(search_key(&v.name))
        .bind(i.price).bind(i.tax.points as i32).bind(i.tax.included).bind(&v.unit).bind(i.active)
        .bind(now).bind(session.user_id)
        .execute(c).await)?;
    Ok(id)
}

pub(crate) async fn catalog_item_update(
    core: &Core,
    session: &Session,
    args: CatalogItemUpdateArgs,
) -> Result<CatalogItem, ApiError> {
    let v = check(&args.item)?;
    let i = &args.item;
    let now = core.now();
    let mut tx = core.db.write().await?;
    let before = one(&mut tx, args.id).await?;
    check_category(&mut tx, i.category_id, before.category_id).await?;
    let n = exec_tx!(&mut tx, c => sqlx::query(
        "UPDATE catalog_items SET category_id = $1, kind = $2, name = $3, search_name = $4, price = $5, \
         tax_points = $6, tax_included = $7, unit = $8, active = $9, updated_at = $10, updated_by = $11, \
         version = version + 1 WHERE id = $12 AND version = $13")
        .bind(i.category_id).bind(i.kind.as_str()).bind(&v.name).bind(search_key(&v.name))
        .bind(i.price).bind(i.tax.points as i32).bind(i.tax.included).bind(&v.unit).bind(i.active)
        .bind(now).bind(session.user_id).bind(args.id).bind(args.version)
        .execute(c).await)?;
    if n == 0 {
        return Err(ApiError::conflict(
            "someone else changed this item meanwhile; reload it",
        ));
    }
    let after = one(&mut tx, args.id).await?;
    let c = change("catalog_item_update", args.id, Some(&before), &after);
    audit::record(&mut tx, session, now, c).await?;
    tx.commit().await?;
    Ok(after)
}
