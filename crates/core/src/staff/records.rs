//! Reading and writing staff records.

use chrono::{DateTime, NaiveDate, Utc};
use uuid::Uuid;

use super::validate::{validate, Valid};
use super::{Staff, StaffCreateArgs, StaffGetArgs, StaffListArgs, StaffUpdateArgs};
use crate::audit::{self, Change};
use crate::auth::{Session, UserRef};
use crate::db::Tx;
use crate::error::ApiError;
use crate::phone::digits_of;
use crate::text::{fold, search_key};
use crate::{exec_tx, on_tx, Core};

#[derive(sqlx::FromRow)]
struct Row {
    id: Uuid,
    name: String,
    position: String,
    phones: String,
    email: Option<String>,
    hire_date: Option<NaiveDate>,
    leave_date: Option<NaiveDate>,
    services: String,
    notes: String,
    user_id: Option<Uuid>,
    user_name: Option<String>,
    created_at: DateTime<Utc>,
    created_by: Option<Uuid>,
    created_name: Option<String>,
    updated_at: DateTime<Utc>,
    updated_by: Option<Uuid>,
    updated_name: Option<String>,
    version: i64,
}

impl Row {
    fn staff(self, today: NaiveDate) -> Staff {
        Staff {
            id: self.id,
            name: self.name,
            position: self.position,
            phones: serde_json::from_str(&self.phones).unwrap_or_default(),
            email: self.email,
            hire_date: self.hire_date,
            current: self.leave_date.is_none_or(|d| d >= today),
            leave_date: self.leave_date,
            services: serde_json::from_str(&self.services).unwrap_or_default(),
            notes: self.notes,
            user: UserRef::from_row(self.user_id, self.user_name),
            created_at: self.created_at,
            created_by: UserRef::from_row(self.created_by, self.created_name),
            updated_at: self.updated_at,
            updated_by: UserRef::from_row(self.updated_by, self.updated_name),
            version: self.version,
        }
    }
}

const SELECT: &str =
    "SELECT s.id, s.name, s.position, s.phones, s.email, s.hire_date, s.leave_date, \
     s.services, s.notes, s.user_id, lu.display_name AS user_name, s.created_at, s.created_by, \
     cu.display_name AS created_name, s.updated_at, s.updated_by, uu.display_name AS updated_name, \
     s.version FROM staff s LEFT JOIN users lu ON lu.id = s.user_id \
     LEFT JOIN users cu ON cu.id = s.created_by LEFT JOIN users uu ON uu.id = s.updated_by";

async fn get(tx: &mut Tx, id: Uuid, today: NaiveDate) -> Result<Staff, ApiError> {
    let sql = format!("{SELECT} WHERE s.id = $1");
    let row: Option<Row> = on_tx!(tx, c => sqlx::query_as(&sql).bind(id).fetch_optional(c).await)?;
    row.map(|r| r.staff(today))
        .ok_or_else(|| ApiError::not_found("staff"))
}

/// Whether a record matches a search: each word in the name, position, a service, or (as
/// digits) a phone.
fn matches(s: &Staff, words: &[String]) -> bool {
    let text = fold(&format!(
        "{} {} {}",
        s.name,
        s.position,
        s.services.join(" ")
    ));
    let phones: Vec<String> = s.phones.iter().map(|p| digits_of(&p.e164)).collect();
    words.iter().all(|w| {
        let digits = digits_of(w);
        text.contains(w.as_str())
            || (digits.len() >= 3
                && digits.len() == w.len()
                && phones.iter().any(|p| p.contains(&digits)))
    })
}

pub(crate) async fn staff_list(
    core: &Core,
    session: &Session,
    args: StaffListArgs,
) -> Result<Vec<Staff>, ApiError> {
    let today = session.local_date(core.now());
    let mut tx = core.db.read().await?;
    let sql = format!("{SELECT} ORDER BY s.search_name, s.id");
    let rows: Vec<Row> = on_tx!(&mut tx, c => sqlx::query_as(&sql).fetch_all(c).await)?;
    tx.commit().await?;
    let words: Vec<String> = fold(&args.query)
        .split_whitespace()
        .map(str::to_string)
        .collect();
    Ok(rows
        .into_iter()
        .map(|r| r.staff(today))
        .filter(|s| args.include_former || s.current)
        .filter(|s| matches(s, &words))
        .collect())
}

pub(crate) async fn staff_get(
    core: &Core,
    session: &Session,
    args: StaffGetArgs,
) -> Result<Staff, ApiError> {
    let today = session.local_date(core.now());
    let mut tx = core.db.read().await?;
    let staff = get(&mut tx, args.id, today).await?;
    tx.commit().await?;
    Ok(staff)
}

fn json<T: serde::Serialize>(v: &T) -> String {
    serde_json::to_string(v).unwrap_or_else(|_| "[]".into())
}

/// Writes a new staff record (no audit row: the caller's).
pub(crate) async fn insert(
    tx: &mut Tx,
    v: &Valid,
    by: Option<Uuid>,
    now: DateTime<Utc>,
) -> Result<Uuid, ApiError> {
    let id = crate::new_id();
    exec_tx!(tx, c => sqlx::query(
        "INSERT INTO staff (id, name, search_name, position, phones, email, hire_date, leave_date, services, notes, \
         created_at, created_by, updated_at, updated_by, version) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $11, $12, 1)")
        .bind(id)
        .bind(&v.name)
        .bind(search_key(&v.name))
        .bind(&v.position)
        .bind(json(&v.phones))
        .bind(&v.email)
        .bind(v.hire_date)
        .bind(v.leave_date)
        .bind(json(&v.services))
        .bind(&v.notes)
        .bind(now)
        .bind(by)
        .execute(c)
        .await)?;
    Ok(id)
}

/// A staff record from a form's input, linked to a login, with no audit row (the demo centre).
pub(crate) async fn insert_input(
    tx: &mut Tx,
    input: &super::StaffInput,
    country: &str,
    user_id: Option<Uuid>,
    now: DateTime<Utc>,
) -> Result<Uuid, ApiError> {
    let v = validate(input, country)?;
    let id = insert(tx, &v, None, now).await?;
    exec_tx!(tx, c => sqlx::query("UPDATE staff SET user_id = $1 WHERE id = $2")
        .bind(user_id).bind(id).execute(c).await)?;
    Ok(id)
}

pub(crate) async fn staff_create(
    core: &Core,
    session: &Session,
    args: StaffCreateArgs,
) -> Result<Staff, ApiError> {
    let v = validate(&args.staff, &session.local.phone_country)?;
    let now = core.now();
    let mut tx = core.db.write().await?;
    let id = insert(&mut tx, &v, Some(session.user_id), now).await?;
    let staff = get(&mut tx, id, session.local_date(now)).await?;
    audit::record(
        &mut tx,
        session,
        now,
        Change {
            operation: "staff_create",
            entity: "staff",
            entity_id: Some(id),
            before: None,
            after: Some(&staff),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(staff)
}

pub(crate) async fn staff_update(
    core: &Core,
    session: &Session,
    args: StaffUpdateArgs,
) -> Result<Staff, ApiError> {
    let v = validate(&args.staff, &session.local.phone_country)?;
    let now = core.now();
    let today = session.local_date(now);
    let mut tx = core.db.write().await?;
    let before = get(&mut tx, args.id, today).await?;
    let n = exec_tx!(&mut tx, c => sqlx::query(
        "UPDATE staff SET name = $1, search_name = $2, position = $3, phones = $4, email = $5, hire_date = $6, \
         leave_date = $7, services = $8, notes = $9, updated_at = $10, updated_by = $11, version = version + 1 \
         WHERE id = $12 AND version = $13")
        .bind(&v.name)
        .bind(search_key(&v.name))
        .bind(&v.position)
        .bind(json(&v.phones))
        .bind(&v.email)
        .bind(v.hire_date)
        .bind(v.leave_date)
        .bind(json(&v.services))
        .bind(&v.notes)
        .bind(now)
        .bind(session.user_id)
        .bind(args.id)
        .bind(args.version)
        .execute(c)
        .await)?;
    if n == 0 {
        return Err(ApiError::conflict(
            "someone else changed this staff record meanwhile; reload it",
        ));
    }
    let after = get(&mut tx, args.id, today).await?;
    audit::record(
        &mut tx,
        session,
        now,
        Change {
            operation: "staff_update",
            entity: "staff",
            entity_id: Some(args.id),
            before: Some(&before),
            after: Some(&after),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(after)
}
