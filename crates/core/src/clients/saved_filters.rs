//! Saved filters: a user names a search of the client list (text, filters, sort) and opens
//! it again with one click. Each user sees only their own.

use chrono::{DateTime, Utc};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use specta::Type;
use uuid::Uuid;

use super::search::ClientsSearchArgs;
use crate::audit::{self, Entry};
use crate::auth::{NoArgs, Session};
use crate::db::Tx;
use crate::error::ApiError;
use crate::text::fold;
use crate::{exec_tx, on_tx, Core};

const MAX_NAME: usize = 80;
const MAX_PER_USER: i64 = 100;

#[derive(Debug, Clone, Serialize, Deserialize, Type, JsonSchema)]
pub struct SavedFilter {
    pub id: Uuid,
    pub name: String,
    /// The search it opens (offset and limit are not kept).
    pub search: ClientsSearchArgs,
    pub updated_at: DateTime<Utc>,
}

#[derive(Debug, Clone, Serialize, Deserialize, Type, JsonSchema)]
pub struct SavedFilterSaveArgs {
    /// An existing filter of the caller's to overwrite; a new one when absent.
    #[serde(default)]
    pub id: Option<Uuid>,
    pub name: String,
    pub search: ClientsSearchArgs,
}

#[derive(Debug, Clone, Serialize, Deserialize, Type, JsonSchema)]
pub struct SavedFilterDeleteArgs {
    pub id: Uuid,
}

#[derive(sqlx::FromRow)]
struct Row {
    id: Uuid,
    name: String,
    search: String,
    updated_at: DateTime<Utc>,
}

/// One of `user`'s saved searches.
pub(crate) async fn one_of(
    tx: &mut Tx,
    user: Uuid,
    id: Uuid,
) -> Result<Option<SavedFilter>, ApiError> {
    Ok(mine(tx, user).await?.into_iter().find(|f| f.id == id))
}

async fn mine(tx: &mut Tx, user: Uuid) -> Result<Vec<SavedFilter>, ApiError> {
    let rows: Vec<Row> = on_tx!(tx, c => sqlx::query_as(
        "SELECT id, name, search, updated_at FROM saved_filters WHERE user_id = $1 ORDER BY position, name_key")
        .bind(user).fetch_all(c).await)?;
    Ok(rows
        .into_iter()
        .map(|r| SavedFilter {
            id: r.id,
            name: r.name,
            search: serde_json::from_str(&r.search).unwrap_or_default(),
            updated_at: r.updated_at,
        })
        .collect())
}

pub(crate) async fn saved_filters_list(
    core: &Core,
    session: &Session,
    _args: NoArgs,
) -> Result<Vec<SavedFilter>, ApiError> {
    let mut tx = core.db.read().await?;
    let list = mine(&mut tx, session.user_id).await?;
    tx.commit().await?;
    Ok(list)
}

pub(crate) async fn saved_filters_save(
    core: &Core,
    session: &Session,
    args: SavedFilterSaveArgs,
) -> Result<SavedFilter, ApiError> {
    let name = args.name.trim().to_string();
    if name.is_empty() {
        return Err(ApiError::field(
            "name",
            "required",
            "give the filter a name",
        ));
    }
    if name.chars().count() > MAX_NAME {
        return Err(ApiError::field(
            "name",
            "too_long",
            format!("at most {MAX_NAME} characters"),
        ));
    }
    let mut search = args.search;
    search.offset = 0;
    search.limit = None;
    super::search::check_page(&search)?;
    let json = serde_json::to_string(&search).unwrap_or_default();
    let key = fold(&name);
    let now = core.now();
    let user = session.user_id;
    let mut tx = core.db.write().await?;
    let before = mine(&mut tx, user).await?;
    let clash = before
        .iter()
        .any(|f| fold(&f.name) == key && Some(f.id) != args.id);
    if clash {
        return Err(ApiError::field(
            "name",
            "taken",
            "you already have a filter with this name",
        ));
    }
    let id = match args.id {
        Some(id) => {
            let n = exec_tx!(&mut tx, c => sqlx::query(
                "UPDATE saved_filters SET name = $1, name_key = $2, search = $3, updated_at = $4 WHERE id = $5 AND user_id = $6")
                .bind(&name).bind(&key).bind(&json).bind(now).bind(id).bind(user).execute(c).await)
                .map_err(|e| crate::db::taken(e, "name", "you already have a filter with this name"))?;
            if n == 0 {
                return Err(ApiError::not_found("saved filter"));
            }
            id
        }
        None => {
            if before.len() as i64 >= MAX_PER_USER {
                return Err(ApiError::field(
                    "name",
                    "too_many",
                    format!("at most {MAX_PER_USER} saved filters; delete one first"),
                ));
            }
            let id = crate::new_id();
            exec_tx!(&mut tx, c => sqlx::query(
                "INSERT INTO saved_filters (id, user_id, name, name_key, search, position, created_at, updated_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $7)")
                .bind(id).bind(user).bind(&name).bind(&key).bind(&json).bind(before.len() as i32).bind(now)
                .execute(c).await)
                .map_err(|e| crate::db::taken(e, "name", "you already have a filter with this name"))?;
            id
        }
    };
    let after = mine(&mut tx, user)
        .await?
        .into_iter()
        .find(|f| f.id == id)
        .ok_or_else(|| ApiError::not_found("saved filter"))?;
    let old = before.iter().find(|f| f.id == id);
    audit::append(
        &mut tx,
        Some(session),
        now,
        Entry {
            operation: "saved_filters_save",
            entity: "saved_filter",
            entity_id: Some(id),
            before: old.and_then(audit::snapshot),
            after: audit::snapshot(&after),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(after)
}

pub(crate) async fn saved_filters_delete(
    core: &Core,
    session: &Session,
    args: SavedFilterDeleteArgs,
) -> Result<(), ApiError> {
    let now = core.now();
    let mut tx = core.db.write().await?;
    let before = mine(&mut tx, session.user_id)
        .await?
        .into_iter()
        .find(|f| f.id == args.id)
        .ok_or_else(|| ApiError::not_found("saved filter"))?;
    exec_tx!(&mut tx, c => sqlx::query("DELETE FROM saved_filters WHERE id = $1 AND user_id = $2")
        .bind(args.id).bind(session.user_id).execute(c).await)?;
    audit::append(
        &mut tx,
        Some(session),
        now,
        Entry {
            operation: "saved_filters_delete",
            entity: "saved_filter",
            entity_id: Some(args.id),
            before: audit::snapshot(&before),
            after: None,
        },
    )
    .await?;
    tx.commit().await?;
    Ok(())
}
