//! Clients: the card (name, birth date, phones, e-mail, notes, status) and the list search.

use chrono::{DateTime, NaiveDate, Utc};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use specta::Type;
use uuid::Uuid;

use crate::audit::{self, Entry};
use crate::auth::Session;
use crate::db::Tx;
use crate::error::{ApiError, Problems};
use crate::phone::{digits_of, Phone, PhoneKind};
use crate::text::{parse_name, parse_text, search_key};
use crate::{exec_tx, on_tx, Core};

pub const MAX_NAME: usize = 200;
const STALE_CARD: &str =
    "this card was changed by someone else since you opened it; reload it and make your change again";
pub const MAX_NOTES: usize = 10_000;
pub const MAX_PHONES: usize = 10;
pub const MAX_PAGE: u32 = 200;
const DEFAULT_PAGE: u32 = 50;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, Type, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum ClientStatus {
    /// A lead: has asked, has not bought yet.
    #[default]
    Potential,
    /// Has a membership or buys regularly.
    Current,
    /// Used to come.
    Former,
}

impl ClientStatus {
    fn as_str(self) -> &'static str {
        match self {
            ClientStatus::Potential => "potential",
            ClientStatus::Current => "current",
            ClientStatus::Former => "former",
        }
    }

    fn parse(s: &str) -> ClientStatus {
        match s {
            "current" => ClientStatus::Current,
            "former" => ClientStatus::Former,
            _ => ClientStatus::Potential,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type, JsonSchema)]
pub struct ClientPhone {
    pub kind: PhoneKind,
    /// E.164, e.g. `+8562055512345`.
    pub number: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type, JsonSchema)]
pub struct Client {
    pub id: Uuid,
    pub name: String,
    pub birth_date: Option<NaiveDate>,
    pub email: Option<String>,
    pub notes: String,
    pub status: ClientStatus,
    pub phones: Vec<ClientPhone>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub version: i64,
}

#[derive(Debug, Clone, Serialize, Deserialize, Type, JsonSchema)]
pub struct PhoneInput {
    #[serde(default = "default_kind")]
    pub kind: PhoneKind,
    pub number: String,
}

fn default_kind() -> PhoneKind {
    PhoneKind::Mobile
}

/// What a form sends. Dates and phones are strings here so that a bad one is reported at
/// its field rather than as an unreadable request.
#[derive(Debug, Clone, Serialize, Deserialize, Type, JsonSchema)]
pub struct ClientInput {
    pub name: String,
    /// `YYYY-MM-DD`, or null.
    #[serde(default)]
    pub birth_date: Option<String>,
    #[serde(default)]
    pub email: Option<String>,
    #[serde(default)]
    pub notes: String,
    #[serde(default)]
    pub status: ClientStatus,
    #[serde(default)]
    pub phones: Vec<PhoneInput>,
}

#[derive(Debug, Clone, Serialize, Deserialize, Type, JsonSchema)]
pub struct ClientGetArgs {
    pub id: Uuid,
}

#[derive(Debug, Clone, Serialize, Deserialize, Type, JsonSchema)]
pub struct ClientUpdateArgs {
    pub id: Uuid,
    /// The version the caller read; a stale one is a conflict, never a silent overwrite.
    pub version: i64,
    pub client: ClientInput,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, Type, JsonSchema)]
pub struct ClientsSearchArgs {
    /// A fragment of the name, or of a phone number (3+ digits). Empty lists everyone.
    #[serde(default)]
    pub query: String,
    #[serde(default)]
    pub offset: u32,
    /// Page size, 1–200; 50 when absent.
    #[serde(default)]
    pub limit: Option<u32>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type, JsonSchema, sqlx::FromRow)]
pub struct ClientSummary {
    pub id: Uuid,
    pub name: String,
    pub birth_date: Option<NaiveDate>,
    pub status: String,
    pub email: Option<String>,
    /// The first phone, E.164.
    pub phone: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, Type, JsonSchema)]
pub struct ClientsPage {
    pub items: Vec<ClientSummary>,
    pub offset: u32,
    pub has_more: bool,
}

/// A validated card, ready to write.
struct ValidClient {
    name: String,
    birth_date: Option<NaiveDate>,
    email: Option<String>,
    notes: String,
    status: ClientStatus,
    phones: Vec<(PhoneKind, Phone)>,
}

fn validate(
    input: &ClientInput,
    phone_country: &str,
    today: NaiveDate,
    prefix: &str,
) -> Result<ValidClient, ApiError> {
    let f = |name: &str| format!("{prefix}{name}");
    let mut problems = Problems::default();
    let name = problems.take(parse_name(&f("name"), &input.name, MAX_NAME));
    let birth_date = match input
        .birth_date
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
    {
        None => None,
        Some(s) => match NaiveDate::parse_from_str(s, "%Y-%m-%d") {
            Err(_) => {
                problems.add(
                    f("birth_date"),
                    "invalid_date",
                    "not a real date (YYYY-MM-DD)",
                );
                None
            }
            Ok(d) if d > today => {
                problems.add(
                    f("birth_date"),
                    "in_future",
                    "a birth date cannot be in the future",
                );
                None
            }
            Ok(d) if d < NaiveDate::from_ymd_opt(1900, 1, 1).unwrap_or(d) => {
                problems.add(f("birth_date"), "too_old", "before 1900");
                None
            }
            Ok(d) => Some(d),
        },
    };
    let email = match input
        .email
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
    {
        None => None,
        Some(e)
            if e.len() <= 254
                && e.parse::<email_address::EmailAddress>().is_ok()
                && e.contains('.') =>
        {
            Some(e.to_string())
        }
        Some(_) => {
            problems.add(f("email"), "invalid_email", "not an e-mail address");
            None
        }
    };
    let notes = problems.take(parse_text(&f("notes"), &input.notes, MAX_NOTES));
    if input.phones.len() > MAX_PHONES {
        problems.add(
            f("phones"),
            "too_many",
            format!("at most {MAX_PHONES} phones"),
        );
    }
    let mut phones = Vec::new();
    for (i, p) in input.phones.iter().enumerate().take(MAX_PHONES) {
        if let Some(phone) = problems.take(Phone::parse(
            &f(&format!("phones.{i}.number")),
            &p.number,
            phone_country,
        )) {
            if phones.iter().any(|(_, q): &(PhoneKind, Phone)| q == &phone) {
                problems.add(
                    f(&format!("phones.{i}.number")),
                    "duplicate",
                    "this number is already on the card",
                );
            } else {
                phones.push((p.kind, phone));
            }
        }
    }
    problems.finish()?;
    match (name, notes) {
        (Some(name), Some(notes)) => Ok(ValidClient {
            name,
            birth_date,
            email,
            notes,
            status: input.status,
            phones,
        }),
        _ => Err(ApiError::bad_request("invalid client")),
    }
}

#[derive(sqlx::FromRow)]
struct ClientRow {
    id: Uuid,
    name: String,
    birth_date: Option<NaiveDate>,
    email: Option<String>,
    notes: String,
    status: String,
    created_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
    version: i64,
}

#[derive(sqlx::FromRow)]
struct PhoneRow {
    kind: String,
    number: String,
}

async fn load(tx: &mut Tx, id: Uuid) -> Result<Option<Client>, ApiError> {
    let row = on_tx!(&mut *tx, c => sqlx::query_as::<_, ClientRow>(
        "SELECT id, name, birth_date, email, notes, status, created_at, updated_at, version \
         FROM clients WHERE id = $1")
        .bind(id)
        .fetch_optional(c)
        .await)?;
    let Some(row) = row else { return Ok(None) };
    let phones = on_tx!(&mut *tx, c => sqlx::query_as::<_, PhoneRow>(
        "SELECT kind, number FROM client_phones WHERE client_id = $1 ORDER BY position")
        .bind(id)
        .fetch_all(c)
        .await)?;
    Ok(Some(Client {
        id: row.id,
        name: row.name,
        birth_date: row.birth_date,
        email: row.email,
        notes: row.notes,
        status: ClientStatus::parse(&row.status),
        phones: phones
            .into_iter()
            .map(|p| ClientPhone {
                kind: PhoneKind::parse(&p.kind),
                number: p.number,
            })
            .collect(),
        created_at: row.created_at,
        updated_at: row.updated_at,
        version: row.version,
    }))
}

async fn write_phones(
    tx: &mut Tx,
    client_id: Uuid,
    phones: &[(PhoneKind, Phone)],
) -> Result<(), ApiError> {
    exec_tx!(&mut *tx, c => sqlx::query("DELETE FROM client_phones WHERE client_id = $1")
        .bind(client_id).execute(c).await)?;
    for (i, (kind, phone)) in phones.iter().enumerate() {
        exec_tx!(&mut *tx, c => sqlx::query(
            "INSERT INTO client_phones (id, client_id, position, kind, number, digits) VALUES ($1, $2, $3, $4, $5, $6)")
            .bind(crate::new_id())
            .bind(client_id)
            .bind(i as i32)
            .bind(kind.as_str())
            .bind(phone.e164())
            .bind(phone.digits())
            .execute(c)
            .await)?;
    }
    Ok(())
}

pub(crate) async fn client_get(
    core: &Core,
    _: &Session,
    args: ClientGetArgs,
) -> Result<Client, ApiError> {
    let mut tx = core.db.read().await?;
    let client = load(&mut tx, args.id).await?;
    tx.commit().await?;
    client.ok_or_else(|| ApiError::not_found("client"))
}

/// Inserts a validated client (shared by `client_create` and the demo seed).
async fn insert(
    tx: &mut Tx,
    v: &ValidClient,
    who: Option<Uuid>,
    now: DateTime<Utc>,
) -> Result<Uuid, ApiError> {
    let id = crate::new_id();
    exec_tx!(&mut *tx, c => sqlx::query(
        "INSERT INTO clients (id, name, search_name, birth_date, email, notes, status, created_at, created_by, updated_at, version) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, 1)")
        .bind(id)
        .bind(&v.name)
        .bind(search_key(&v.name))
        .bind(v.birth_date)
        .bind(&v.email)
        .bind(&v.notes)
        .bind(v.status.as_str())
        .bind(now)
        .bind(who)
        .bind(now)
        .execute(c)
        .await)?;
    write_phones(tx, id, &v.phones).await?;
    Ok(id)
}

pub(crate) async fn client_create(
    core: &Core,
    session: &Session,
    args: ClientInput,
) -> Result<Client, ApiError> {
    let now = core.now();
    let mut tx = core.db.write().await?;
    let country = crate::centre::phone_country(&mut tx).await?;
    let valid = validate(&args, &country, now.date_naive(), "")?;
    let id = insert(&mut tx, &valid, Some(session.user_id), now).await?;
    let client = load(&mut tx, id)
        .await?
        .ok_or_else(|| ApiError::not_found("client"))?;
    audit::append(
        &mut tx,
        Some(session),
        now,
        Entry {
            operation: "client_create",
            entity: "client",
            entity_id: Some(id),
            before: None,
            after: audit::snapshot(&client),
        },
    )
    .await?;
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
    let country = crate::centre::phone_country(&mut tx).await?;
    let valid = validate(&args.client, &country, now.date_naive(), "client.")?;
    let before = load(&mut tx, args.id)
        .await?
        .ok_or_else(|| ApiError::not_found("client"))?;
    if before.version != args.version {
        return Err(ApiError::conflict(STALE_CARD));
    }
    let updated = exec_tx!(&mut tx, c => sqlx::query(
        "UPDATE clients SET name = $1, search_name = $2, birth_date = $3, email = $4, notes = $5, status = $6, \
         updated_at = $7, version = version + 1 WHERE id = $8 AND version = $9")
        .bind(&valid.name)
        .bind(search_key(&valid.name))
        .bind(valid.birth_date)
        .bind(&valid.email)
        .bind(&valid.notes)
        .bind(valid.status.as_str())
        .bind(now)
        .bind(args.id)
        .bind(args.version)
        .execute(c)
        .await)?;
    if updated != 1 {
        // Another writer got there between our read and this update (PostgreSQL, READ COMMITTED).
        return Err(ApiError::conflict(STALE_CARD));
    }
    write_phones(&mut tx, args.id, &valid.phones).await?;
    let after = load(&mut tx, args.id)
        .await?
        .ok_or_else(|| ApiError::not_found("client"))?;
    audit::append(
        &mut tx,
        Some(session),
        now,
        Entry {
            operation: "client_update",
            entity: "client",
            entity_id: Some(args.id),
            before: audit::snapshot(&before),
            after: audit::snapshot(&after),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(after)
}

/// How a search text is read: a phone fragment (3+ digits and only phone punctuation) or a
/// name fragment. The pattern is ready for `LIKE … ESCAPE '\'`.
#[derive(Debug, PartialEq, Eq)]
pub enum SearchPattern {
    All,
    Name(String),
    Phone(String),
}

pub fn search_pattern(query: &str) -> SearchPattern {
    let q = query.trim();
    if q.is_empty() {
        return SearchPattern::All;
    }
    let phone_like = q
        .chars()
        .all(|c| c.is_ascii_digit() || " +-()./".contains(c));
    let digits = digits_of(q);
    if phone_like && digits.len() >= 3 {
        // A national trunk prefix (0…) is not part of the stored E.164 digits.
        let digits = digits.trim_start_matches('0');
        let digits = if digits.is_empty() { "0" } else { digits };
        return SearchPattern::Phone(format!("%{digits}%"));
    }
    let key = search_key(q);
    let escaped = key
        .replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_");
    SearchPattern::Name(format!("%{escaped}%"))
}

pub(crate) async fn clients_search(
    core: &Core,
    _: &Session,
    args: ClientsSearchArgs,
) -> Result<ClientsPage, ApiError> {
    let limit = args.limit.unwrap_or(DEFAULT_PAGE);
    if limit == 0 || limit > MAX_PAGE {
        return Err(ApiError::field(
            "limit",
            "out_of_range",
            format!("1 to {MAX_PAGE}"),
        ));
    }
    if args.query.chars().count() > MAX_NAME {
        return Err(ApiError::field(
            "query",
            "too_long",
            format!("at most {MAX_NAME} characters"),
        ));
    }
    let mut tx = core.db.read().await?;
    let mut items = search(
        &mut tx,
        &search_pattern(&args.query),
        limit + 1,
        args.offset,
    )
    .await?;
    tx.commit().await?;
    let has_more = items.len() > limit as usize;
    items.truncate(limit as usize);
    Ok(ClientsPage {
        items,
        offset: args.offset,
        has_more,
    })
}

const SUMMARY: &str = "SELECT c.id, c.name, c.birth_date, c.status, c.email, \
    (SELECT p.number FROM client_phones p WHERE p.client_id = c.id ORDER BY p.position LIMIT 1) AS phone \
    FROM clients c";

/// The SQL of a search and its pattern argument: `$1` limit, `$2` offset, `$3` pattern.
/// Public so the benchmark can run the very same query raw.
pub fn search_sql(pattern: &SearchPattern) -> (String, Option<&str>) {
    let (filter, arg) = match pattern {
        SearchPattern::All => ("", None),
        SearchPattern::Name(p) => (" WHERE c.search_name LIKE $3 ESCAPE '\\'", Some(p.as_str())),
        SearchPattern::Phone(p) => (
            " WHERE c.id IN (SELECT p.client_id FROM client_phones p WHERE p.digits LIKE $3 ESCAPE '\\')",
            Some(p.as_str()),
        ),
    };
    (
        format!("{SUMMARY}{filter} ORDER BY c.search_name, c.id LIMIT $1 OFFSET $2"),
        arg,
    )
}

async fn search(
    tx: &mut Tx,
    pattern: &SearchPattern,
    limit: u32,
    offset: u32,
) -> Result<Vec<ClientSummary>, ApiError> {
    let (sql, arg) = search_sql(pattern);
    let rows = on_tx!(tx, c => {
        let q = sqlx::query_as::<_, ClientSummary>(&sql).bind(i64::from(limit)).bind(i64::from(offset));
        let q = match arg { Some(a) => q.bind(a), None => q };
        q.fetch_all(c).await
    })?;
    Ok(rows)
}

/// For the demo seed and bulk loads: validate and insert one client inside the caller's
/// transaction, with no audit entry of its own (the caller writes one for the batch).
pub(crate) async fn insert_unaudited(
    tx: &mut Tx,
    input: &ClientInput,
    phone_country: &str,
    now: DateTime<Utc>,
) -> Result<Uuid, ApiError> {
    let valid = validate(input, phone_country, now.date_naive(), "")?;
    insert(tx, &valid, None, now).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn search_text_is_read_as_phone_or_name() {
        assert_eq!(search_pattern("  "), SearchPattern::All);
        assert_eq!(
            search_pattern("2055"),
            SearchPattern::Phone("%2055%".into())
        );
        assert_eq!(
            search_pattern("020 55"),
            SearchPattern::Phone("%2055%".into())
        );
        assert_eq!(
            search_pattern("+7 912"),
            SearchPattern::Phone("%7912%".into())
        );
        assert_eq!(search_pattern("12"), SearchPattern::Name("%12%".into()));
        assert_eq!(search_pattern("Anna"), SearchPattern::Name("%anna%".into()));
        assert_eq!(
            search_pattern("50%_off\\"),
            SearchPattern::Name("%50\\%\\_off\\\\%".into())
        );
    }

    #[test]
    fn client_input_is_validated_field_by_field() {
        let today = NaiveDate::from_ymd_opt(2026, 11, 23).unwrap();
        let input = ClientInput {
            name: "".into(),
            birth_date: Some("2023-02-30".into()),
            email: Some("anna@".into()),
            notes: String::new(),
            status: ClientStatus::Potential,
            phones: vec![PhoneInput {
                kind: PhoneKind::Mobile,
                number: "abc".into(),
            }],
        };
        let Err(ApiError::Validation { errors }) = validate(&input, "LA", today, "") else {
            panic!("expected a validation error");
        };
        let fields: Vec<_> = errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["name", "birth_date", "email", "phones.0.number"]);

        let ok = ClientInput {
            name: "Anna".into(),
            birth_date: Some("2019-05-01".into()),
            email: Some("anna@example.la".into()),
            notes: "likes drawing".into(),
            status: ClientStatus::Current,
            phones: vec![PhoneInput {
                kind: PhoneKind::Mobile,
                number: "020 5551 2345".into(),
            }],
        };
        let v = validate(&ok, "LA", today, "").unwrap();
        assert_eq!(v.phones[0].1.e164(), "+8562055512345");
        let future = ClientInput {
            birth_date: Some("2027-01-01".into()),
            ..ok
        };
        assert!(validate(&future, "LA", today, "").is_err());
    }
}
