//! Reading and writing a card's rows inside the caller's transaction: the `clients` row, its
//! phones, e-mails, messengers, addresses and tags. Links between cards are in `links.rs`.

use chrono::{DateTime, Datelike, NaiveDate, Utc};
use uuid::Uuid;

use super::index;
use super::model::*;
use super::validate::ValidClient;
use crate::db::Tx;
use crate::error::ApiError;
use crate::phone::{Phone, PhoneKind};
use crate::text::search_key;
use crate::{exec_tx, on_tx};

#[derive(sqlx::FromRow)]
struct ClientRow {
    id: Uuid,
    kind: String,
    name: String,
    card_number: Option<String>,
    birth_date: Option<NaiveDate>,
    status: String,
    reliability: String,
    category_id: Option<Uuid>,
    manager_id: Option<Uuid>,
    manager_name: Option<String>,
    photo_id: Option<Uuid>,
    tax_id: Option<String>,
    physical_condition: String,
    medical_notes: String,
    preferences: String,
    documents: String,
    notes: String,
    last_contact_at: Option<DateTime<Utc>>,
    created_at: DateTime<Utc>,
    created_by: Option<Uuid>,
    created_by_name: Option<String>,
    updated_at: DateTime<Utc>,
    updated_by: Option<Uuid>,
    updated_by_name: Option<String>,
    version: i64,
}

#[derive(sqlx::FromRow)]
struct PhoneRow {
    kind: String,
    number: String,
    raw: String,
}

#[derive(sqlx::FromRow)]
struct ContactRow {
    channel: String,
    label: String,
    value: String,
}

/// The whole card, medical notes included (callers without the permission get them removed
/// in the use case). Links to other cards and the age category are filled by the caller.
pub(crate) async fn load(tx: &mut Tx, id: Uuid) -> Result<Option<Client>, ApiError> {
    let row = on_tx!(&mut *tx, c => sqlx::query_as::<_, ClientRow>(
        "SELECT c.id, c.kind, c.name, c.card_number, c.birth_date, c.status, c.reliability, c.category_id, \
         c.manager_id, m.display_name AS manager_name, c.photo_id, c.tax_id, c.physical_condition, c.medical_notes, \
         c.preferences, c.documents, c.notes, c.last_contact_at, c.created_at, c.created_by, \
         cb.display_name AS created_by_name, c.updated_at, c.updated_by, ub.display_name AS updated_by_name, c.version \
         FROM clients c LEFT JOIN users m ON m.id = c.manager_id LEFT JOIN users cb ON cb.id = c.created_by \
         LEFT JOIN users ub ON ub.id = c.updated_by WHERE c.id = $1")
        .bind(id)
        .fetch_optional(c)
        .await)?;
    let Some(row) = row else { return Ok(None) };
    let phones = on_tx!(&mut *tx, c => sqlx::query_as::<_, PhoneRow>(
        "SELECT kind, number, raw FROM client_phones WHERE client_id = $1 ORDER BY position")
        .bind(id)
        .fetch_all(c)
        .await)?;
    let contacts = on_tx!(&mut *tx, c => sqlx::query_as::<_, ContactRow>(
        "SELECT channel, label, value FROM client_contacts WHERE client_id = $1 ORDER BY channel, position")
        .bind(id)
        .fetch_all(c)
        .await)?;
    let tags: Vec<String> = on_tx!(&mut *tx, c => sqlx::query_scalar(
        "SELECT tag FROM client_tags WHERE client_id = $1 ORDER BY tag")
        .bind(id)
        .fetch_all(c)
        .await)?;
    let of = |channel: &str| {
        contacts
            .iter()
            .filter(|r| r.channel == channel)
            .map(|r| LabelledValue {
                label: r.label.clone(),
                value: r.value.clone(),
            })
            .collect::<Vec<_>>()
    };
    let messengers = contacts
        .iter()
        .filter(|r| r.channel == "messenger")
        .map(|r| Messenger {
            app: MessengerApp::parse(&r.label),
            handle: r.value.clone(),
        })
        .collect();
    Ok(Some(Client {
        id: row.id,
        kind: ClientKind::parse(&row.kind),
        name: row.name,
        card_number: row.card_number,
        birth_date: row.birth_date,
        age_category: None,
        status: ClientStatus::parse(&row.status),
        reliability: Reliability::parse(&row.reliability),
        category_id: row.category_id,
        manager: UserRef::from_row(row.manager_id, row.manager_name),
        tags,
        photo_id: row.photo_id,
        phones: phones
            .into_iter()
            .map(|p| ClientPhone {
                kind: PhoneKind::parse(&p.kind),
                number: p.number,
                raw: p.raw,
            })
            .collect(),
        emails: of("email"),
        messengers,
        addresses: of("address"),
        tax_id: row.tax_id,
        preferences: row.preferences,
        documents: serde_json::from_str(&row.documents).unwrap_or_default(),
        notes: row.notes,
        physical_condition: Some(row.physical_condition),
        medical_notes: Some(row.medical_notes),
        guardians: vec![],
        wards: vec![],
        custom: vec![],
        contacts: vec![],
        companies: vec![],
        last_contact_at: row.last_contact_at,
        created_at: row.created_at,
        created_by: UserRef::from_row(row.created_by, row.created_by_name),
        updated_at: row.updated_at,
        updated_by: UserRef::from_row(row.updated_by, row.updated_by_name),
        version: row.version,
    }))
}

fn documents_json(v: &ValidClient) -> String {
    serde_json::to_string(&v.documents).unwrap_or_else(|_| "[]".into())
}

/// Inserts a validated card's own rows (not its links) and returns its id.
pub(crate) async fn insert(
    tx: &mut Tx,
    id: Uuid,
    v: &ValidClient,
    who: Option<Uuid>,
    now: DateTime<Utc>,
) -> Result<(), ApiError> {
    exec_tx!(&mut *tx, c => sqlx::query(
        "INSERT INTO clients (id, kind, name, search_name, search_doc, card_number, birth_date, status, reliability, \
         category_id, manager_id, photo_id, tax_id, physical_condition, medical_notes, preferences, documents, notes, \
         created_at, created_by, updated_at, updated_by, birth_month, version) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $19, $20, $21, 1)")
        .bind(id)
        .bind(v.kind.as_str())
        .bind(&v.name)
        .bind(search_key(&v.name))
        .bind(index::document(v))
        .bind(&v.card_number)
        .bind(v.birth_date)
        .bind(v.status.as_str())
        .bind(v.reliability.as_str())
        .bind(v.category_id)
        .bind(v.manager_id)
        .bind(v.photo_id)
        .bind(&v.tax_id)
        .bind(v.physical_condition.as_deref().unwrap_or(""))
        .bind(v.medical_notes.as_deref().unwrap_or(""))
        .bind(&v.preferences)
        .bind(documents_json(v))
        .bind(&v.notes)
        .bind(now)
        .bind(who)
        .bind(v.birth_date.map(|d| d.month() as i32))
        .execute(c)
        .await)
    .map_err(|e| unique_card_number(e, "client."))?;
    merged_number_free(tx, id, v, "client.").await?;
    write_children(tx, id, v, true).await
}

/// Overwrites a card's own rows if it is still at `version`; false when it is not (someone
/// else saved in between). Medical fields that are None keep their stored text.
pub(crate) async fn update(
    tx: &mut Tx,
    id: Uuid,
    version: i64,
    v: &ValidClient,
    who: Uuid,
    now: DateTime<Utc>,
    field_prefix: &str,
) -> Result<bool, ApiError> {
    let doc = index::stored_document(tx, id, v.into()).await?;
    let n = exec_tx!(&mut *tx, c => sqlx::query(
        "UPDATE clients SET kind = $1, name = $2, search_name = $3, search_doc = $4, card_number = $5, birth_date = $6, \
         status = $7, reliability = $8, category_id = $9, manager_id = $10, photo_id = $11, tax_id = $12, \
         physical_condition = COALESCE($13, physical_condition), medical_notes = COALESCE($14, medical_notes), \
         preferences = $15, documents = $16, notes = $17, updated_at = $18, updated_by = $19, birth_month = $22, \
         version = version + 1 WHERE id = $20 AND version = $21")
        .bind(v.kind.as_str())
        .bind(&v.name)
        .bind(search_key(&v.name))
        .bind(doc)
        .bind(&v.card_number)
        .bind(v.birth_date)
        .bind(v.status.as_str())
        .bind(v.reliability.as_str())
        .bind(v.category_id)
        .bind(v.manager_id)
        .bind(v.photo_id)
        .bind(&v.tax_id)
        .bind(&v.physical_condition)
        .bind(&v.medical_notes)
        .bind(&v.preferences)
        .bind(documents_json(v))
        .bind(&v.notes)
        .bind(now)
        .bind(who)
        .bind(id)
        .bind(version)
        .bind(v.birth_date.map(|d| d.month() as i32))
        .execute(c)
        .await)
    .map_err(|e| unique_card_number(e, field_prefix))?;
    if n != 1 {
        return Ok(false);
    }
    write_children(tx, id, v, false).await?;
    Ok(true)
}

/// The card number of a card merged into another still finds that card, so it is not given
/// to a third one (the kept card itself may take it). Asked after the card's own write: on
/// PostgreSQL a merge committed meanwhile (its card held the number until then) is seen. A
/// save asks only when the number changed, so a stale save still answers a conflict.
pub(crate) async fn merged_number_free(
    tx: &mut Tx,
    id: Uuid,
    v: &ValidClient,
    prefix: &str,
) -> Result<(), ApiError> {
    let Some(number) = v.card_number.as_deref() else {
        return Ok(());
    };
    let reserved: Option<i32> = on_tx!(tx, c => sqlx::query_scalar(
        "SELECT 1 FROM client_merges WHERE card_number = $1 AND kept_id <> $2 LIMIT 1")
        .bind(number)
        .bind(id)
        .fetch_optional(c)
        .await)?;
    match reserved {
        Some(_) => Err(ApiError::field(
            format!("{prefix}card_number"),
            "taken",
            "a card merged into another card had this card number",
        )),
        None => Ok(()),
    }
}

fn unique_card_number(e: sqlx::Error, prefix: &str) -> ApiError {
    if crate::db::unique_violation(&e) {
        ApiError::field(
            format!("{prefix}card_number"),
            "taken",
            "another card has this card number",
        )
    } else {
        e.into()
    }
}

async fn write_children(
    tx: &mut Tx,
    id: Uuid,
    v: &ValidClient,
    fresh: bool,
) -> Result<(), ApiError> {
    if !fresh {
        for table in ["client_phones", "client_contacts", "client_tags"] {
            let sql = format!("DELETE FROM {table} WHERE client_id = $1");
            exec_tx!(&mut *tx, c => sqlx::query(&sql).bind(id).execute(c).await)?;
        }
    }
    write_phones(tx, id, &v.phones).await?;
    let mut contacts: Vec<(&str, usize, &str, &str, String)> = Vec::new();
    for (i, e) in v.emails.iter().enumerate() {
        contacts.push(("email", i, &e.label, &e.value, e.value.to_lowercase()));
    }
    for (i, m) in v.messengers.iter().enumerate() {
        contacts.push((
            "messenger",
            i,
            m.app.as_str(),
            &m.handle,
            crate::text::fold(&m.handle),
        ));
    }
    for (i, a) in v.addresses.iter().enumerate() {
        contacts.push((
            "address",
            i,
            &a.label,
            &a.value,
            crate::text::fold(&a.value),
        ));
    }
    for (channel, position, label, value, key) in contacts {
        exec_tx!(&mut *tx, c => sqlx::query(
            "INSERT INTO client_contacts (client_id, channel, position, label, value, value_key) VALUES ($1, $2, $3, $4, $5, $6)")
            .bind(id).bind(channel).bind(position as i32).bind(label).bind(value).bind(key)
            .execute(c).await)?;
    }
    for tag in &v.tags {
        exec_tx!(&mut *tx, c => sqlx::query("INSERT INTO client_tags (client_id, tag) VALUES ($1, $2)")
            .bind(id).bind(tag).execute(c).await)?;
    }
    Ok(())
}

pub(crate) async fn write_phones(
    tx: &mut Tx,
    client_id: Uuid,
    phones: &[(PhoneKind, Phone)],
) -> Result<(), ApiError> {
    for (i, (kind, phone)) in phones.iter().enumerate() {
        exec_tx!(&mut *tx, c => sqlx::query(
            "INSERT INTO client_phones (id, client_id, position, kind, number, digits, raw, rdigits) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8)")
            .bind(crate::new_id())
            .bind(client_id)
            .bind(i as i32)
            .bind(kind.as_str())
            .bind(phone.e164())
            .bind(phone.digits())
            .bind(phone.raw())
            .bind(phone.rdigits())
            .execute(c)
            .await)?;
    }
    Ok(())
}
