//! The card use cases: get, create (with the duplicate check), update, search.

use std::collections::HashSet;

use chrono::NaiveDate;
use uuid::Uuid;

use super::links::{self, Actor};
use super::model::*;
use super::search::{self, ClientsPage, ClientsSearchArgs, Resolved, TextQuery};
use super::validate::{Form, ValidClient};
use super::{duplicates, index, store};
use crate::audit::{self, Entry};
use crate::auth::Session;
use crate::db::Tx;
use crate::error::{ApiError, Problems};
use crate::roles::Permission;
use crate::{on_tx, Core};

const STALE_CARD: &str =
    "this card was changed by someone else since you opened it; reload it and make your change again";

#[derive(sqlx::FromRow)]
pub(crate) struct Band {
    pub id: Uuid,
    pub name: String,
    pub min_years: i32,
    pub max_years: Option<i32>,
}

pub(crate) async fn bands(tx: &mut Tx) -> Result<Vec<Band>, ApiError> {
    Ok(on_tx!(tx, c => sqlx::query_as::<_, Band>(
        "SELECT id, name, min_years, max_years FROM age_bands ORDER BY position").fetch_all(c).await)?)
}

fn age_category(bands: &[Band], birth: Option<NaiveDate>, today: NaiveDate) -> Option<String> {
    let age = links::age_on(birth?, today);
    bands
        .iter()
        .find(|b| age >= b.min_years && b.max_years.is_none_or(|m| age < m))
        .map(|b| b.name.clone())
}

/// The whole card as `session` may see it.
pub(crate) async fn read(
    tx: &mut Tx,
    session: &Session,
    id: Uuid,
    today: NaiveDate,
) -> Result<Client, ApiError> {
    let mut client = store::load(tx, id)
        .await?
        .ok_or_else(|| ApiError::not_found("client"))?;
    links::load(tx, &mut client).await?;
    client.age_category = age_category(&bands(tx).await?, client.birth_date, today);
    if !session.role.allows(Permission::ClientsMedical) {
        client.physical_condition = None;
        client.medical_notes = None;
    }
    Ok(client)
}

/// The full card for the audit log (medical notes included).
async fn snapshot(tx: &mut Tx, id: Uuid) -> Result<Option<String>, ApiError> {
    let mut c = store::load(tx, id)
        .await?
        .ok_or_else(|| ApiError::not_found("client"))?;
    links::load(tx, &mut c).await?;
    Ok(audit::snapshot(&c))
}

/// Checks what a form refers to: category, manager, photo.
async fn check_refs(tx: &mut Tx, v: &ValidClient, prefix: &str) -> Result<(), ApiError> {
    let mut p = Problems::default();
    let checks = [
        (
            "category_id",
            v.category_id,
            "SELECT COUNT(*) FROM client_categories WHERE id = $1 AND archived = FALSE",
        ),
        (
            "manager_id",
            v.manager_id,
            "SELECT COUNT(*) FROM users WHERE id = $1 AND active = TRUE",
        ),
        (
            "photo_id",
            v.photo_id,
            "SELECT COUNT(*) FROM files WHERE id = $1",
        ),
    ];
    for (field, id, sql) in checks {
        let Some(id) = id else { continue };
        let n: i64 = on_tx!(&mut *tx, c => sqlx::query_scalar(sql).bind(id).fetch_one(c).await)?;
        if n == 0 {
            p.add(
                format!("{prefix}{field}"),
                "not_found",
                "no such record (or archived)",
            );
        }
    }
    p.finish()
}

pub(crate) async fn client_get(
    core: &Core,
    session: &Session,
    args: ClientGetArgs,
) -> Result<Client, ApiError> {
    let mut tx = core.db.read().await?;
    let today = crate::centre::local(&mut tx).await?.today(core.now());
    let client = read(&mut tx, session, args.id, today).await?;
    tx.commit().await?;
    Ok(client)
}

/// How `session` fills a card form (`client.` fields) at the centre today.
fn card_form<'a>(local: &'a crate::centre::Local, session: &Session, today: NaiveDate) -> Form<'a> {
    Form {
        prefix: "client.",
        phone_country: &local.phone_country,
        today,
        medical_allowed: session.role.allows(Permission::ClientsMedical),
    }
}

pub(crate) async fn client_create(
    core: &Core,
    session: &Session,
    args: ClientCreateArgs,
) -> Result<Client, ApiError> {
    let now = core.now();
    let mut tx = core.db.write().await?;
    let local = crate::centre::local(&mut tx).await?;
    let today = local.today(now);
    let v = card_form(&local, session, today).validate(&args.client)?;
    check_refs(&mut tx, &v, "client.").await?;
    if !args.allow_duplicate {
        let similar = duplicates::find(&mut tx, &v).await?;
        if !similar.is_empty() {
            return Err(duplicates::refuse(similar));
        }
    }
    let id = crate::new_id();
    store::insert(&mut tx, id, &v, Some(session.user_id), now).await?;
    index::add_name_words(&mut tx, &v.name, &mut HashSet::new()).await?;
    links::write(
        &mut tx,
        id,
        &v,
        &Actor {
            session,
            now,
            today,
        },
        "client.",
    )
    .await?;
    let after = snapshot(&mut tx, id).await?;
    audit::append(
        &mut tx,
        Some(session),
        now,
        Entry {
            operation: "client_create",
            entity: "client",
            entity_id: Some(id),
            before: None,
            after,
        },
    )
    .await?;
    let client = read(&mut tx, session, id, today).await?;
    tx.commit().await?;
    Ok(client)
}

pub(crate) async fn client_update(
    core: &Core,
    session: &Session,
    args: ClientUpdateArgs,
) -> Result<Client, ApiError> {
    let now = core.now();
    let mut tx = core.db.write().await?;
    let local = crate::centre::local(&mut tx).await?;
    let today = local.today(now);
    let v = card_form(&local, session, today).validate(&args.client)?;
    let before = snapshot(&mut tx, args.id).await?;
    check_refs(&mut tx, &v, "client.").await?;
    if !store::update(
        &mut tx,
        args.id,
        args.version,
        &v,
        session.user_id,
        now,
        "client.",
    )
    .await?
    {
        return Err(ApiError::conflict(STALE_CARD));
    }
    index::add_name_words(&mut tx, &v.name, &mut HashSet::new()).await?;
    links::write(
        &mut tx,
        args.id,
        &v,
        &Actor {
            session,
            now,
            today,
        },
        "client.",
    )
    .await?;
    let after = snapshot(&mut tx, args.id).await?;
    audit::append(
        &mut tx,
        Some(session),
        now,
        Entry {
            operation: "client_update",
            entity: "client",
            entity_id: Some(args.id),
            before,
            after,
        },
    )
    .await?;
    let client = read(&mut tx, session, args.id, today).await?;
    tx.commit().await?;
    Ok(client)
}

pub(crate) async fn clients_search(
    core: &Core,
    _: &Session,
    args: ClientsSearchArgs,
) -> Result<ClientsPage, ApiError> {
    let limit = search::check_page(&args)?;
    let now = core.now();
    let mut tx = core.db.read().await?;
    let today = crate::centre::local(&mut tx).await?.today(now);
    let birth_range = match args.filters.age_band_id {
        None => None,
        Some(id) => {
            let bands = bands(&mut tx).await?;
            let b = bands.iter().find(|b| b.id == id).ok_or_else(|| {
                ApiError::field("filters.age_band_id", "not_found", "no such age band")
            })?;
            Some(search::birth_range(today, b.min_years, b.max_years))
        }
    };
    let mut r = Resolved {
        text: TextQuery::parse(&args.query),
        filters: args.filters,
        sort: args.sort,
        today,
        now,
        birth_range,
    };
    let page = search::page(&mut tx, &mut r, limit, args.offset).await?;
    tx.commit().await?;
    Ok(page)
}
