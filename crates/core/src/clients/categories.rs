//! Client categories (pensioner, family, silver card…) with their discount rule, and the
//! centre's age bands (the age category a birth date falls in).

use chrono::{DateTime, Utc};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use specta::Type;
use uuid::Uuid;

use super::discount::DiscountRule;
use super::order::{reorder, IdOrderArgs};
use crate::audit::{self, Change};
use crate::auth::{NoArgs, Session};
use crate::db::Tx;
use crate::error::{ApiError, Problems};
use crate::text::fold;
use crate::{exec_tx, on_tx, Core};

const MAX_NAME: usize = 80;

#[derive(Debug, Clone, Serialize, Deserialize, Type, JsonSchema)]
pub struct ClientCategory {
    pub id: Uuid,
    pub name: String,
    pub rule: DiscountRule,
    pub position: i32,
    pub archived: bool,
    pub updated_at: DateTime<Utc>,
    pub version: i64,
}

#[derive(Debug, Clone, Serialize, Deserialize, Type, JsonSchema)]
pub struct ClientCategoryInput {
    pub name: String,
    #[serde(default)]
    pub rule: DiscountRule,
    /// Archived categories stay on the cards that have them but are not offered any more.
    #[serde(default)]
    pub archived: bool,
}

#[derive(Debug, Clone, Serialize, Deserialize, Type, JsonSchema)]
pub struct ClientCategoryCreateArgs {
    pub category: ClientCategoryInput,
}

#[derive(Debug, Clone, Serialize, Deserialize, Type, JsonSchema)]
pub struct ClientCategoryUpdateArgs {
    pub id: Uuid,
    pub version: i64,
    pub category: ClientCategoryInput,
}

#[derive(sqlx::FromRow)]
struct Row {
    id: Uuid,
    name: String,
    rule: String,
    position: i32,
    archived: bool,
    updated_at: DateTime<Utc>,
    version: i64,
}

impl From<Row> for ClientCategory {
    fn from(r: Row) -> Self {
        ClientCategory {
            id: r.id,
            name: r.name,
            rule: serde_json::from_str(&r.rule).unwrap_or_default(),
            position: r.position,
            archived: r.archived,
            updated_at: r.updated_at,
            version: r.version,
        }
    }
}

const COLUMNS: &str = "id, name, rule, position, archived, updated_at, version";

pub(crate) async fn all(tx: &mut Tx) -> Result<Vec<ClientCategory>, ApiError> {
    let sql = format!("SELECT {COLUMNS} FROM client_categories ORDER BY position, name");
    let rows: Vec<Row> = on_tx!(tx, c => sqlx::query_as(&sql).fetch_all(c).await)?;
    Ok(rows.into_iter().map(Into::into).collect())
}

async fn one(tx: &mut Tx, id: Uuid) -> Result<ClientCategory, ApiError> {
    let sql = format!("SELECT {COLUMNS} FROM client_categories WHERE id = $1");
    let row: Option<Row> = on_tx!(tx, c => sqlx::query_as(&sql).bind(id).fetch_optional(c).await)?;
    row.map(Into::into)
        .ok_or_else(|| ApiError::not_found("client category"))
}

/// A category's discount rule, for sales. None when the card has no category.
pub async fn rule_of(tx: &mut Tx, category_id: Option<Uuid>) -> Result<DiscountRule, ApiError> {
    match category_id {
        Some(id) => Ok(one(tx, id).await?.rule),
        None => Ok(DiscountRule::None),
    }
}

fn check(input: &ClientCategoryInput) -> Result<(String, String), ApiError> {
    let mut p = Problems::default();
    let name = input.name.trim().to_string();
    if name.is_empty() {
        p.add("category.name", "required", "give the category a name");
    } else if name.chars().count() > MAX_NAME {
        p.add(
            "category.name",
            "too_long",
            format!("at most {MAX_NAME} characters"),
        );
    }
    input.rule.check("category.rule.", &mut p);
    p.finish()?;
    let key = fold(&name);
    Ok((name, key))
}

async fn name_taken(tx: &mut Tx, key: &str, except: Option<Uuid>) -> Result<(), ApiError> {
    let n: i64 = on_tx!(tx, c => sqlx::query_scalar(
        "SELECT COUNT(*) FROM client_categories WHERE name_key = $1 AND id <> $2")
        .bind(key).bind(except.unwrap_or(Uuid::nil())).fetch_one(c).await)?;
    if n > 0 {
        return Err(ApiError::field(
            "category.name",
            "taken",
            "a category with this name exists",
        ));
    }
    Ok(())
}

pub(crate) async fn client_categories_list(
    core: &Core,
    _session: &Session,
    _args: NoArgs,
) -> Result<Vec<ClientCategory>, ApiError> {
    let mut tx = core.db.read().await?;
    let list = all(&mut tx).await?;
    tx.commit().await?;
    Ok(list)
}

pub(crate) async fn client_categories_create(
    core: &Core,
    session: &Session,
    args: ClientCategoryCreateArgs,
) -> Result<ClientCategory, ApiError> {
    let (name, key) = check(&args.category)?;
    let now = core.now();
    let mut tx = core.db.write().await?;
    name_taken(&mut tx, &key, None).await?;
    let id = crate::new_id();
    let rule = serde_json::to_string(&args.category.rule).unwrap_or_default();
    exec_tx!(&mut tx, c => sqlx::query(
        "INSERT INTO client_categories (id, name, name_key, rule, position, archived, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, (SELECT COALESCE(MAX(position), 0) + 1 FROM client_categories), $5, $6, $6)")
        .bind(id).bind(&name).bind(&key).bind(&rule).bind(args.category.archived).bind(now)
        .execute(c).await)
    .map_err(|e| crate::db::taken(e, "category.name", "a category with this name exists"))?;
    let after = one(&mut tx, id).await?;
    audit::record(
        &mut tx,
        session,
        now,
        change("client_categories_create", id, None, &after),
    )
    .await?;
    tx.commit().await?;
    Ok(after)
}

pub(crate) async fn client_categories_update(
    core: &Core,
    session: &Session,
    args: ClientCategoryUpdateArgs,
) -> Result<ClientCategory, ApiError> {
    let (name, key) = check(&args.category)?;
    let now = core.now();
    let mut tx = core.db.write().await?;
    let before = one(&mut tx, args.id).await?;
    name_taken(&mut tx, &key, Some(args.id)).await?;
    let rule = serde_json::to_string(&args.category.rule).unwrap_or_default();
    let n = exec_tx!(&mut tx, c => sqlx::query(
        "UPDATE client_categories SET name = $1, name_key = $2, rule = $3, archived = $4, updated_at = $5, \
         version = version + 1 WHERE id = $6 AND version = $7")
        .bind(&name).bind(&key).bind(&rule).bind(args.category.archived).bind(now)
        .bind(args.id).bind(args.version).execute(c).await)
    .map_err(|e| crate::db::taken(e, "category.name", "a category with this name exists"))?;
    if n == 0 {
        return Err(ApiError::conflict(
            "this category was changed by someone else; reload it and try again",
        ));
    }
    let after = one(&mut tx, args.id).await?;
    let c = change("client_categories_update", args.id, Some(&before), &after);
    audit::record(&mut tx, session, now, c).await?;
    tx.commit().await?;
    Ok(after)
}

pub(crate) async fn client_categories_reorder(
    core: &Core,
    session: &Session,
    args: IdOrderArgs,
) -> Result<Vec<ClientCategory>, ApiError> {
    let mut tx = core.db.write().await?;
    let before = all(&mut tx).await?;
    reorder(
        &mut tx,
        "client_categories",
        &args.ids,
        before.iter().map(|c| c.id),
    )
    .await?;
    let after = all(&mut tx).await?;
    let change = Change {
        operation: "client_categories_reorder",
        entity: "client_category",
        entity_id: None,
        before: Some(&before),
        after: Some(&after),
    };
    audit::record(&mut tx, session, core.now(), change).await?;
    tx.commit().await?;
    Ok(after)
}

fn change<'a>(
    operation: &'a str,
    id: Uuid,
    before: Option<&'a ClientCategory>,
    after: &'a ClientCategory,
) -> Change<'a, ClientCategory> {
    Change {
        operation,
        entity: "client_category",
        entity_id: Some(id),
        before,
        after: Some(after),
    }
}
