//! Catalogue categories: named groups of the price list, in the centre's order.

use uuid::Uuid;

use super::CatalogCategoryUpdateArgs;
use super::{CatalogCategory, CatalogCategoryCreateArgs, CatalogCategoryInput};
use crate::audit::{self, Change};
use crate::auth::{NoArgs, Session};
use crate::db::Tx;
use crate::error::{ApiError, Problems};
use crate::text::{fold, parse_name};
use crate::{exec_tx, on_tx, Core};

const MAX_NAME: usize = 80;
const TAKEN: &str = "a catalogue category with this name exists";

#[derive(sqlx::FromRow)]
struct Row {
    id: Uuid,
    name: String,
    position: i32,
    archived: bool,
    version: i64,
}

impl From<Row> for CatalogCategory {
    fn from(r: Row) -> Self {
        CatalogCategory {
            id: r.id,
            name: r.name,
            position: r.position,
            archived: r.archived,
            version: r.version,
        }
    }
}

const SELECT: &str = "SELECT id, name, position, archived, version FROM catalog_categories";

async fn one(tx: &mut Tx, id: Uuid) -> Result<CatalogCategory, ApiError> {
    let sql = format!("{SELECT} WHERE id = $1");
    let row: Option<Row> = on_tx!(tx, c => sqlx::query_as(&sql).bind(id).fetch_optional(c).await)?;
    row.map(Into::into)
        .ok_or_else(|| ApiError::not_found("catalogue category"))
}

fn check(input: &CatalogCategoryInput) -> Result<String, ApiError> {
    let mut p = Problems::default();
    let name = p.take(parse_name("category.name", &input.name, MAX_NAME));
    p.finish()?;
    Ok(name.unwrap_or_default())
}

fn change<'a>(
    operation: &'a str,
    id: Uuid,
    before: Option<&'a CatalogCategory>,
    after: &'a CatalogCategory,
) -> Change<'a, CatalogCategory> {
    Change {
        operation,
        entity: "catalog_category",
        entity_id: Some(id),
        before,
        after: Some(after),
    }
}

pub(crate) async fn catalog_categories_list(
    core: &Core,
    _session: &Session,
    _args: NoArgs,
) -> Result<Vec<CatalogCategory>, ApiError> {
    let mut tx = core.db.read().await?;
    let sql = format!("{SELECT} ORDER BY position, name");
    let rows: Vec<Row> = on_tx!(&mut tx, c => sqlx::query_as(&sql).fetch_all(c).await)?;
    tx.commit().await?;
    Ok(rows.into_iter().map(Into::into).collect())
}

pub(crate) async fn catalog_category_create(
    core: &Core,
    session: &Session,
    args: CatalogCategoryCreateArgs,
) -> Result<CatalogCategory, ApiError> {
    let now = core.now();
    let mut tx = core.db.write().await?;
    let id = insert_category(&mut tx, &args.category).await?;
    let after = one(&mut tx, id).await?;
    let c = change("catalog_category_create", id, None, &after);
    audit::record(&mut tx, session, now, c).await?;
    tx.commit().await?;
    Ok(after)
}

/// Checks and writes a new category, last in order (no audit row: the caller's).
pub(crate) async fn insert_category(
    tx: &mut Tx,
    input: &CatalogCategoryInput,
) -> Result<Uuid, ApiError> {
    let name = check(input)?;
    let id = crate::new_id();
    exec_tx!(tx, c => sqlx::query(
        "INSERT INTO catalog_categories (id, name, name_key, position, archived) \
         VALUES ($1, $2, $4, (SELECT COALESCE(MAX(position), 0) + 1 FROM catalog_categories), $3)")
        .bind(id).bind(&name).bind(input.archived).bind(fold(&name)).execute(c).await)
    .map_err(|e| crate::db::taken(e, "category.name", TAKEN))?;
    Ok(id)
}

pub(crate) async fn catalog_category_update(
    core: &Core,
    session: &Session,
    args: CatalogCategoryUpdateArgs,
) -> Result<CatalogCategory, ApiError> {
    let name = check(&args.category)?;
    let now = core.now();
    let mut tx = core.db.write().await?;
    let before = one(&mut tx, args.id).await?;
    let n = exec_tx!(&mut tx, c => sqlx::query(
        "UPDATE catalog_categories SET name = $1, name_key = $5, archived = $2, version = version + 1 \
         WHERE id = $3 AND version = $4")
        .bind(&name).bind(args.category.archived).bind(args.id).bind(args.version)
        .bind(fold(&name)).execute(c).await)
    .map_err(|e| crate::db::taken(e, "category.name", TAKEN))?;
    if n == 0 {
        return Err(ApiError::conflict(
            "this category was changed by someone else; reload it and try again",
        ));
    }
    let after = one(&mut tx, args.id).await?;
    let c = change("catalog_category_update", args.id, Some(&before), &after);
    audit::record(&mut tx, session, now, c).await?;
    tx.commit().await?;
    Ok(after)
}
