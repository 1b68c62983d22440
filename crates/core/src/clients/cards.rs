//! The card use cases: get, create (with the duplicate check), update, search.

use std::collections::HashSet;

use chrono::NaiveDate;
use uuid::Uuid;

use super::age_bands::{self, AgeBand};
use super::links::{self, Actor};
use super::model::*;
use super::validate::{Form, ValidClient};
use super::{custom, custom_values, duplicates, index, store};
use crate::audit::{self, Entry};
use crate::auth::Session;
use crate::db::Tx;
use crate::error::{ApiError, Problems};
use crate::phone::Phone;
use crate::roles::Permission;
use crate::{on_tx, Core};

const STALE_CARD: &str =
    "this card was changed by someone else since you opened it; reload it and make your change again";

fn age_category(bands: &[AgeBand], birth: Option<NaiveDate>, today: NaiveDate) -> Option<String> {
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
    client.custom = custom_values::load(tx, id).await?;
    client.age_category = age_category(&age_bands::all(tx).await?, client.birth_date, today);
    if !session.can(Permission::ClientsMedical) {
        client.physical_condition = None;
        client.medical_notes = None;
    }
    if !session.can(Permission::ClientsPhones) {
        hide_phones(&mut client);
    }
    Ok(client)
}

/// Leaves out the card's phones (and messenger handles, mostly phone numbers too) and the
/// phones of the cards it links to.
pub(crate) fn hide_phones(client: &mut Client) {
    client.phones.clear();
    client.messengers.clear();
    for link in client.guardians.iter_mut().chain(client.wards.iter_mut()) {
        link.card.phone = None;
    }
    for link in client
        .contacts
        .iter_mut()
        .chain(client.companies.iter_mut())
    {
        link.card.phone = None;
    }
}

/// A role that may not see phones saves a card without them: the stored numbers and
/// messenger handles stay exactly as they are.
fn keep_phones(v: &mut ValidClient, current: &Client) {
    v.phones = current
        .phones
        .iter()
        .map(|p| (p.kind, Phone::stored(&p.number, &p.raw)))
        .collect();
    v.messengers = current.messengers.clone();
}

/// The full card for the audit log (medical notes included).
async fn snapshot(tx: &mut Tx, id: Uuid) -> Result<Option<String>, ApiError> {
    let c = whole(tx, id)
        .await?
        .ok_or_else(|| ApiError::not_found("client"))?;
    Ok(audit::snapshot(&c))
}

/// A card with everything it links to, medical notes included (for the audit log).
pub(crate) async fn whole(tx: &mut Tx, id: Uuid) -> Result<Option<Client>, ApiError> {
    let Some(mut c) = store::load(tx, id).await? else {
        return Ok(None);
    };
    links::load(tx, &mut c).await?;
    c.custom = custom_values::load(tx, id).await?;
    Ok(Some(c))
}

/// Reads a card form and its custom field values, reporting every error of both at once.
/// `stored` (an update): the card's current custom values, kept when the form sends none;
/// values of archived fields always stay.
pub(crate) async fn read_form(
    tx: &mut Tx,
    form: &Form<'_>,
    input: &ClientInput,
    stored: Option<Uuid>,
) -> Result<ValidClient, ApiError> {
    let defs = custom::all(tx).await?;
    let kept = match stored {
        Some(id) => custom_values::stored(tx, id, &defs).await?,
        None => vec![],
    };
    let card = form.validate(input);
    let kind = input.kind;
    let values = match &input.custom {
        Some(list) => custom_values::read(&defs, kind, list, form.prefix),
        None if stored.is_some() => Ok(kept.clone()),
        None => custom_values::read(&defs, kind, &[], form.prefix),
    };
    let mut v = match (card, values) {
        (Ok(mut v), Ok(values)) => {
            v.custom = values;
            v
        }
        (Err(ApiError::Validation { mut errors }), Err(ApiError::Validation { errors: more })) => {
            errors.extend(more);
            return Err(ApiError::Validation { errors });
        }
        (Err(e), _) | (_, Err(e)) => return Err(e),
    };
    let archived = |id: Uuid| defs.iter().any(|d| d.id == id && d.archived);
    for k in kept {
        if archived(k.field_id) && !v.custom.iter().any(|c| c.field_id == k.field_id) {
            v.custom.push(k);
        }
    }
    Ok(v)
}

/// Checks what a form refers to: category, manager, photo. A reference the card already
/// has (`current`) stays valid even if it was archived meanwhile.
async fn check_refs(
    tx: &mut Tx,
    v: &ValidClient,
    prefix: &str,
    current: Option<&Client>,
) -> Result<(), ApiError> {
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
            "SELECT COUNT(*) FROM files WHERE id = $1 AND width IS NOT NULL",
        ),
    ];
    for (field, id, sql) in checks {
        let Some(id) = id else { continue };
        let unchanged = current.is_some_and(|c| match field {
            "category_id" => c.category_id == Some(id),
            "manager_id" => c.manager.as_ref().is_some_and(|m| m.id == id),
            _ => c.photo_id == Some(id),
        });
        if unchanged {
            continue;
        }
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
    let today = session.local.today(core.now());
    // A merged card's id opens the card it was merged into.
    let id = match super::merge::kept_for(&mut tx, args.id).await? {
        Some(kept) => kept,
        None => args.id,
    };
    let client = read(&mut tx, session, id, today).await?;
    tx.commit().await?;
    Ok(client)
}

/// How `session` fills a card form (`client.` fields) at the centre today.
fn card_form<'a>(local: &'a crate::centre::Local, session: &Session, today: NaiveDate) -> Form<'a> {
    Form {
        prefix: "client.",
        phone_country: &local.phone_country,
        today,
        medical_allowed: session.can(Permission::ClientsMedical),
        phones_allowed: session.can(Permission::ClientsPhones),
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
    let v = read_form(
        &mut tx,
        &card_form(&local, session, today),
        &args.client,
        None,
    )
    .await?;
    check_refs(&mut tx, &v, "client.", None).await?;
    if !args.allow_duplicate {
        let similar = duplicates::find(&mut tx, &v).await?;
        if !similar.is_empty() {
            return Err(duplicates::refuse(similar));
        }
    }
    let id = crate::new_id();
    store::insert(&mut tx, id, &v, Some(session.user_id), now).await?;
    index::add_name_words(&mut tx, &v.name, &mut HashSet::new()).await?;
    custom_values::write(&mut tx, id, &v.custom, None).await?;
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
    let form = card_form(&local, session, today);
    let mut v = read_form(&mut tx, &form, &args.client, Some(args.id)).await?;
    let current = whole(&mut tx, args.id)
        .await?
        .ok_or_else(|| ApiError::not_found("client"))?;
    if !form.phones_allowed {
        keep_phones(&mut v, &current);
    }
    let before = audit::snapshot(&current);
    check_refs(&mut tx, &v, "client.", Some(&current)).await?;
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
    if v.card_number != current.card_number {
        store::merged_number_free(&mut tx, args.id, &v, "client.").await?;
    }
    index::add_name_words(&mut tx, &v.name, &mut HashSet::new()).await?;
    custom_values::write(&mut tx, args.id, &v.custom, Some(v.kind)).await?;
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
