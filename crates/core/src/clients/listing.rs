//! The list use cases: a page of the client list, how many cards match, and the search
//! resolved against today, the age bands and the custom fields (shared with exports).

use chrono::{DateTime, Utc};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use specta::Type;

use super::search::{
    self, ClientFilters, ClientSort, ClientsPage, ClientsSearchArgs, Resolved, TextQuery,
};
use super::{age_bands, custom, custom_values, sql};
use crate::auth::Session;
use crate::centre::Local;
use crate::db::Tx;
use crate::error::ApiError;
use crate::roles::Permission;
use crate::Core;

#[derive(Debug, Clone, Copy, Serialize, Deserialize, Type, JsonSchema)]
pub struct ClientsCount {
    pub total: i64,
    /// Counted after forgiving a typo (nothing matched exactly).
    pub fuzzy: bool,
}

/// A search as the list query needs it.
pub(crate) async fn resolve(
    tx: &mut Tx,
    query: &str,
    filters: ClientFilters,
    sort: ClientSort,
    local: &Local,
    now: DateTime<Utc>,
    phones_hidden: bool,
) -> Result<Resolved, ApiError> {
    let today = local.today(now);
    let birth_range = match filters.age_band_id {
        None => None,
        Some(id) => {
            let bands = age_bands::all(tx).await?;
            let b = bands.iter().find(|b| b.id == id).ok_or_else(|| {
                ApiError::field("filters.age_band_id", "not_found", "no such age band")
            })?;
            Some(search::birth_range(today, b.min_years, b.max_years))
        }
    };
    let custom = if filters.custom.is_empty() {
        vec![]
    } else {
        custom_values::resolve_filters(&custom::all(tx).await?, &filters.custom)?
    };
    Ok(Resolved {
        custom,
        text: TextQuery::parse(query),
        filters,
        sort,
        today,
        now,
        birth_range,
        phones_hidden,
    })
}

/// A list operation's search, resolved for the caller's centre now.
async fn resolve_args(
    core: &Core,
    tx: &mut Tx,
    session: &Session,
    args: ClientsSearchArgs,
) -> Result<Resolved, ApiError> {
    let now = core.now();
    resolve(
        tx,
        &args.query,
        args.filters,
        args.sort,
        &session.local,
        now,
        !session.can(Permission::ClientsPhones),
    )
    .await
}

pub(crate) async fn clients_search(
    core: &Core,
    session: &Session,
    args: ClientsSearchArgs,
) -> Result<ClientsPage, ApiError> {
    let limit = search::check_page(&args)?;
    let offset = args.offset;
    let mut tx = core.db.read().await?;
    let mut r = resolve_args(core, &mut tx, session, args).await?;
    let mut page = search::page(&mut tx, &mut r, limit, offset).await?;
    tx.commit().await?;
    if r.phones_hidden {
        page.items.iter_mut().for_each(|c| c.phone = None);
    }
    Ok(page)
}

pub(crate) async fn clients_count(
    core: &Core,
    session: &Session,
    args: ClientsSearchArgs,
) -> Result<ClientsCount, ApiError> {
    search::check_page(&ClientsSearchArgs {
        limit: None,
        ..args.clone()
    })?;
    let mut tx = core.db.read().await?;
    let mut r = resolve_args(core, &mut tx, session, args).await?;
    let mut total = sql::count(&mut tx, &r).await?;
    let mut fuzzy = false;
    if total == 0 && search::widen(&mut tx, &mut r.text).await? {
        total = sql::count(&mut tx, &r).await?;
        fuzzy = total > 0;
    }
    tx.commit().await?;
    Ok(ClientsCount { total, fuzzy })
}
