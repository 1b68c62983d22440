//! Custom fields: an admin adds, renames, reorders and archives fields of the card (text,
//! number, date, choice, yes/no) for people, companies or both. Archiving a field hides it
//! from forms and keeps every value. Values live in `custom_values`.

use chrono::{DateTime, Utc};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use specta::Type;
use uuid::Uuid;

use super::model::ClientKind;
use super::order::{reorder, IdOrderArgs};
use crate::audit::{self, Change};
use crate::auth::{NoArgs, Session};
use crate::db::Tx;
use crate::error::{ApiError, Problems};
use crate::text::fold;
use crate::{exec_tx, on_tx, Core};

const MAX_LABEL: usize = 80;
const MAX_CHOICES: usize = 100;

string_enum!(
    CustomFieldKind { Text = "text", Number = "number", Date = "date", Choice = "choice", YesNo = "yes_no" } default Text
);
string_enum!(
    /// Which cards a field is on.
    AppliesTo { Person = "person", Company = "company", Both = "both" } default Both
);

impl AppliesTo {
    pub fn includes(self, kind: ClientKind) -> bool {
        match self {
            AppliesTo::Both => true,
            AppliesTo::Person => kind == ClientKind::Person,
            AppliesTo::Company => kind == ClientKind::Company,
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize, Type, JsonSchema)]
pub struct CustomField {
    pub id: Uuid,
    pub applies_to: AppliesTo,
    pub label: String,
    pub kind: CustomFieldKind,
    /// The options of a `choice` field.
    pub choices: Vec<String>,
    /// Digits after the decimal point of a `number` field (0–4).
    pub decimals: i32,
    pub required: bool,
    /// Found by the list's text search.
    pub searchable: bool,
    pub position: i32,
    pub archived: bool,
    pub updated_at: DateTime<Utc>,
    pub version: i64,
}

#[derive(Debug, Clone, Serialize, Deserialize, Type, JsonSchema)]
pub struct CustomFieldInput {
    #[serde(default)]
    pub applies_to: AppliesTo,
    pub label: String,
    pub kind: CustomFieldKind,
    #[serde(default)]
    pub choices: Vec<String>,
    #[serde(default)]
    pub decimals: i32,
    #[serde(default)]
    pub required: bool,
    #[serde(default = "yes")]
    pub searchable: bool,
    #[serde(default)]
    pub archived: bool,
}

fn yes() -> bool {
    true
}

#[derive(Debug, Clone, Serialize, Deserialize, Type, JsonSchema)]
pub struct CustomFieldCreateArgs {
    pub field: CustomFieldInput,
}

#[derive(Debug, Clone, Serialize, Deserialize, Type, JsonSchema)]
pub struct CustomFieldUpdateArgs {
    pub id: Uuid,
    pub version: i64,
    pub field: CustomFieldInput,
}

#[derive(sqlx::FromRow)]
struct Row {
    id: Uuid,
    applies_to: String,
    label: String,
    kind: String,
    choices: String,
    decimals: i32,
    required: bool,
    searchable: bool,
    position: i32,
    archived: bool,
    updated_at: DateTime<Utc>,
    version: i64,
}

impl From<Row> for CustomField {
    fn from(r: Row) -> Self {
        CustomField {
            id: r.id,
            applies_to: AppliesTo::parse(&r.applies_to),
            label: r.label,
            kind: CustomFieldKind::parse(&r.kind),
            choices: serde_json::from_str(&r.choices).unwrap_or_default(),
            decimals: r.decimals,
            required: r.required,
            searchable: r.searchable,
            position: r.position,
            archived: r.archived,
            updated_at: r.updated_at,
            version: r.version,
        }
    }
}

const COLUMNS: &str = "id, applies_to, label, kind, choices, decimals, required, searchable, \
                       position, archived, updated_at, version";

/// Every field, archived ones included, in the admin's order.
pub(crate) async fn all(tx: &mut Tx) -> Result<Vec<CustomField>, ApiError> {
    let sql = format!("SELECT {COLUMNS} FROM custom_fields ORDER BY position, label");
    let rows: Vec<Row> = on_tx!(tx, c => sqlx::query_as(&sql).fetch_all(c).await)?;
    Ok(rows.into_iter().map(Into::into).collect())
}

async fn one(tx: &mut Tx, id: Uuid) -> Result<CustomField, ApiError> {
    all(tx)
        .await?
        .into_iter()
        .find(|f| f.id == id)
        .ok_or_else(|| ApiError::not_found("custom field"))
}

struct Checked {
    label: String,
    key: String,
    choices: Vec<String>,
}

fn check(f: &CustomFieldInput) -> Result<Checked, ApiError> {
    let mut p = Problems::default();
    let label = f.label.trim().to_string();
    if label.is_empty() {
        p.add("field.label", "required", "give the field a name");
    } else if label.chars().count() > MAX_LABEL {
        p.add(
            "field.label",
            "too_long",
            format!("at most {MAX_LABEL} characters"),
        );
    }
    let mut choices: Vec<String> = Vec::new();
    if f.kind == CustomFieldKind::Choice {
        for (i, c) in f.choices.iter().enumerate() {
            let c = c.trim();
            if c.is_empty() {
                p.add(
                    format!("field.choices.{i}"),
                    "required",
                    "an option needs text",
                );
            } else if choices.iter().any(|x| fold(x) == fold(c)) {
                p.add(
                    format!("field.choices.{i}"),
                    "duplicate",
                    "this option is listed twice",
                );
            } else {
                choices.push(c.to_string());
            }
        }
        if f.choices.is_empty() {
            p.add("field.choices", "required", "a choice field needs options");
        } else if f.choices.len() > MAX_CHOICES {
            p.add(
                "field.choices",
                "too_many",
                format!("at most {MAX_CHOICES} options"),
            );
        }
    }
    if !(0..=4).contains(&f.decimals) {
        p.add(
            "field.decimals",
            "out_of_range",
            "0 to 4 digits after the point",
        );
    }
    p.finish()?;
    let key = fold(&label);
    Ok(Checked {
        label,
        key,
        choices,
    })
}

async fn label_taken(tx: &mut Tx, key: &str, except: Uuid) -> Result<(), ApiError> {
    let n: i64 = on_tx!(tx, c => sqlx::query_scalar(
        "SELECT COUNT(*) FROM custom_fields WHERE label_key = $1 AND archived = FALSE AND id <> $2")
        .bind(key).bind(except).fetch_one(c).await)?;
    if n > 0 {
        return Err(ApiError::field(
            "field.label",
            "taken",
            "a field with this name exists",
        ));
    }
    Ok(())
}

pub(crate) async fn custom_fields_list(
    core: &Core,
    _session: &Session,
    _args: NoArgs,
) -> Result<Vec<CustomField>, ApiError> {
    let mut tx = core.db.read().await?;
    let list = all(&mut tx).await?;
    tx.commit().await?;
    Ok(list)
}

pub(crate) async fn custom_fields_create(
    core: &Core,
    session: &Session,
    args: CustomFieldCreateArgs,
) -> Result<CustomField, ApiError> {
    let c = check(&args.field)?;
    let f = &args.field;
    let now = core.now();
    let mut tx = core.db.write().await?;
    if !f.archived {
        label_taken(&mut tx, &c.key, Uuid::nil()).await?;
    }
    let id = crate::new_id();
    let choices = serde_json::to_string(&c.choices).unwrap_or_else(|_| "[]".into());
    exec_tx!(&mut tx, x => sqlx::query(
        "INSERT INTO custom_fields (id, applies_to, label, label_key, kind, choices, decimals, required, searchable, \
         position, archived, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, \
         (SELECT COALESCE(MAX(position), 0) + 1 FROM custom_fields), $10, $11, $11)")
        .bind(id).bind(f.applies_to.as_str()).bind(&c.label).bind(&c.key).bind(f.kind.as_str())
        .bind(&choices).bind(f.decimals).bind(f.required).bind(f.searchable).bind(f.archived).bind(now)
        .execute(x).await)
    .map_err(|e| crate::db::taken(e, "field.label", "a field with this name exists"))?;
    let after = one(&mut tx, id).await?;
    log(
        &mut tx,
        session,
        now,
        "custom_fields_create",
        id,
        None,
        &after,
    )
    .await?;
    tx.commit().await?;
    Ok(after)
}

pub(crate) async fn custom_fields_update(
    core: &Core,
    session: &Session,
    args: CustomFieldUpdateArgs,
) -> Result<CustomField, ApiError> {
    let c = check(&args.field)?;
    let f = &args.field;
    let now = core.now();
    let mut tx = core.db.write().await?;
    let before = one(&mut tx, args.id).await?;
    if !f.archived {
        label_taken(&mut tx, &c.key, args.id).await?;
    }
    if before.kind != f.kind || before.decimals != f.decimals {
        let n: i64 = on_tx!(&mut tx, x => sqlx::query_scalar(
            "SELECT COUNT(*) FROM client_field_values WHERE field_id = $1").bind(args.id).fetch_one(x).await)?;
        if n > 0 {
            let field = if before.kind != f.kind {
                "field.kind"
            } else {
                "field.decimals"
            };
            return Err(ApiError::field(
                field,
                "in_use",
                format!("{n} cards have a value in this field; add a new field instead"),
            ));
        }
    }
    let choices = serde_json::to_string(&c.choices).unwrap_or_else(|_| "[]".into());
    let n = exec_tx!(&mut tx, x => sqlx::query(
        "UPDATE custom_fields SET applies_to = $1, label = $2, label_key = $3, kind = $4, choices = $5, decimals = $6, \
         required = $7, searchable = $8, archived = $9, updated_at = $10, version = version + 1 \
         WHERE id = $11 AND version = $12")
        .bind(f.applies_to.as_str()).bind(&c.label).bind(&c.key).bind(f.kind.as_str()).bind(&choices)
        .bind(f.decimals).bind(f.required).bind(f.searchable).bind(f.archived).bind(now)
        .bind(args.id).bind(args.version).execute(x).await)
    .map_err(|e| crate::db::taken(e, "field.label", "a field with this name exists"))?;
    if n == 0 {
        return Err(ApiError::conflict(
            "this field was changed by someone else; reload it and try again",
        ));
    }
    let after = one(&mut tx, args.id).await?;
    if before.searchable != after.searchable {
        super::custom_values::reindex_field(&mut tx, args.id).await?;
    }
    log(
        &mut tx,
        session,
        now,
        "custom_fields_update",
        args.id,
        Some(&before),
        &after,
    )
    .await?;
    tx.commit().await?;
    Ok(after)
}

pub(crate) async fn custom_fields_reorder(
    core: &Core,
    session: &Session,
    args: IdOrderArgs,
) -> Result<Vec<CustomField>, ApiError> {
    let mut tx = core.db.write().await?;
    let before = all(&mut tx).await?;
    reorder(
        &mut tx,
        "custom_fields",
        &args.ids,
        before.iter().map(|f| f.id),
    )
    .await?;
    let after = all(&mut tx).await?;
    let change = Change {
        operation: "custom_fields_reorder",
        entity: "custom_field",
        entity_id: None,
        before: Some(&before),
        after: Some(&after),
    };
    audit::record(&mut tx, session, core.now(), change).await?;
    tx.commit().await?;
    Ok(after)
}

async fn log(
    tx: &mut Tx,
    session: &Session,
    now: DateTime<Utc>,
    operation: &str,
    id: Uuid,
    before: Option<&CustomField>,
    after: &CustomField,
) -> Result<(), ApiError> {
    let change = Change {
        operation,
        entity: "custom_field",
        entity_id: Some(id),
        before,
        after: Some(after),
    };
    audit::record(tx, session, now, change).await
}
