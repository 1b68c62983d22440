//! The card's layout: the centre arranges the client card's fields into titled groups, in
//! order. One layout per centre; until an admin saves one, the default below is used.
//! Nothing can be left out: a field missing from a layout (a custom field added later, say)
//! is shown at the end of the last group.

use chrono::{DateTime, Utc};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use specta::Type;
use uuid::Uuid;

use super::custom::{self, CustomField};
use crate::audit::{self, Change};
use crate::auth::{NoArgs, Session};
use crate::db::Tx;
use crate::error::ApiError;
use crate::{exec_tx, on_tx, Core};

/// The card's own fields, as a layout names them. Custom fields are `custom:<id>`.
pub const BUILT_IN: &[&str] = &[
    "photo",
    "name",
    "card_number",
    "birth_date",
    "status",
    "reliability",
    "category",
    "manager",
    "tags",
    "phones",
    "emails",
    "messengers",
    "addresses",
    "guardians",
    "contacts",
    "physical_condition",
    "medical_notes",
    "tax_id",
    "preferences",
    "documents",
    "notes",
];

const MAX_GROUPS: usize = 20;
const MAX_TITLE: usize = 60;

/// The groups of the default layout; their titles are translated by the app.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Type, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum GroupPreset {
    Main,
    Contact,
    Family,
    Health,
    More,
    Custom,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type, JsonSchema)]
pub struct LayoutGroup {
    /// Empty: the preset's title, in the reader's language.
    #[serde(default)]
    pub title: String,
    #[serde(default)]
    pub preset: Option<GroupPreset>,
    /// Field keys in order: a built-in name (`phones`, `medical_notes`…) or `custom:<id>`.
    pub fields: Vec<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, Type, JsonSchema)]
pub struct CardLayout {
    pub groups: Vec<LayoutGroup>,
    /// 0 while the centre uses the default layout.
    pub version: i64,
    pub updated_at: Option<DateTime<Utc>>,
}

#[derive(Debug, Clone, Serialize, Deserialize, Type, JsonSchema)]
pub struct CardLayoutSaveArgs {
    /// The version the caller read (0 for the default); a stale one is a conflict.
    pub version: i64,
    pub groups: Vec<LayoutGroup>,
}

fn group(preset: GroupPreset, fields: &[&str]) -> LayoutGroup {
    LayoutGroup {
        title: String::new(),
        preset: Some(preset),
        fields: fields.iter().map(|f| f.to_string()).collect(),
    }
}

/// The layout a centre starts with.
pub fn default_groups() -> Vec<LayoutGroup> {
    vec![
        group(
            GroupPreset::Main,
            &[
                "photo",
                "name",
                "card_number",
                "birth_date",
                "status",
                "reliability",
                "category",
                "manager",
                "tags",
            ],
        ),
        group(
            GroupPreset::Contact,
            &["phones", "emails", "messengers", "addresses"],
        ),
        group(GroupPreset::Family, &["guardians", "contacts"]),
        group(
            GroupPreset::Health,
            &["physical_condition", "medical_notes"],
        ),
        group(
            GroupPreset::More,
            &["tax_id", "preferences", "documents", "notes"],
        ),
        group(GroupPreset::Custom, &[]),
    ]
}

fn custom_key(f: &CustomField) -> String {
    format!("custom:{}", f.id)
}

/// Whether `key` names a field of the card.
fn known(key: &str, fields: &[CustomField]) -> bool {
    BUILT_IN.contains(&key) || fields.iter().any(|f| custom_key(f) == key)
}

/// Drops keys that name nothing (a deleted field) and appends every field not placed.
pub fn normalise(mut groups: Vec<LayoutGroup>, fields: &[CustomField]) -> Vec<LayoutGroup> {
    let mut seen = std::collections::HashSet::new();
    for g in &mut groups {
        g.fields
            .retain(|k| known(k, fields) && seen.insert(k.clone()));
    }
    let missing: Vec<String> = BUILT_IN
        .iter()
        .map(|k| k.to_string())
        .chain(fields.iter().map(custom_key))
        .filter(|k| !seen.contains(k))
        .collect();
    if groups.is_empty() {
        groups = default_groups();
        for g in &mut groups {
            g.fields.clear();
        }
        groups.truncate(1);
    }
    if let Some(last) = groups.last_mut() {
        last.fields.extend(missing);
    }
    groups
}

/// Checks a layout an admin sends: known fields, each once, titled groups within limits.
fn check(groups: &[LayoutGroup], fields: &[CustomField]) -> Result<Vec<LayoutGroup>, ApiError> {
    if groups.is_empty() || groups.len() > MAX_GROUPS {
        return Err(ApiError::field(
            "groups",
            "out_of_range",
            format!("1 to {MAX_GROUPS} groups"),
        ));
    }
    let mut seen = std::collections::HashSet::new();
    let mut out = Vec::with_capacity(groups.len());
    for (i, g) in groups.iter().enumerate() {
        let title = g.title.trim().to_string();
        if title.chars().count() > MAX_TITLE {
            return Err(ApiError::field(
                format!("groups.{i}.title"),
                "too_long",
                format!("at most {MAX_TITLE} characters"),
            ));
        }
        if title.is_empty() && g.preset.is_none() {
            return Err(ApiError::field(
                format!("groups.{i}.title"),
                "required",
                "give the group a title",
            ));
        }
        for (j, k) in g.fields.iter().enumerate() {
            if !known(k, fields) {
                return Err(ApiError::field(
                    format!("groups.{i}.fields.{j}"),
                    "unknown",
                    format!("no such field: {k}"),
                ));
            }
            if !seen.insert(k.clone()) {
                return Err(ApiError::field(
                    format!("groups.{i}.fields.{j}"),
                    "duplicate",
                    format!("{k} is placed twice"),
                ));
            }
        }
        out.push(LayoutGroup {
            title,
            preset: g.preset,
            fields: g.fields.clone(),
        });
    }
    Ok(out)
}

#[derive(sqlx::FromRow)]
struct Row {
    groups: String,
    version: i64,
    updated_at: DateTime<Utc>,
}

async fn stored(tx: &mut Tx) -> Result<Option<Row>, ApiError> {
    Ok(on_tx!(tx, c => sqlx::query_as::<_, Row>(
        "SELECT groups, version, updated_at FROM card_layout")
        .fetch_optional(c).await)?)
}

/// The centre's layout, every field placed.
async fn current(tx: &mut Tx, fields: &[CustomField]) -> Result<CardLayout, ApiError> {
    let layout = match stored(tx).await? {
        Some(r) => CardLayout {
            groups: normalise(
                serde_json::from_str(&r.groups).unwrap_or_else(|_| default_groups()),
                fields,
            ),
            version: r.version,
            updated_at: Some(r.updated_at),
        },
        None => CardLayout {
            groups: normalise(default_groups(), fields),
            version: 0,
            updated_at: None,
        },
    };
    Ok(layout)
}

pub(crate) async fn card_layout_get(
    core: &Core,
    _: &Session,
    _: NoArgs,
) -> Result<CardLayout, ApiError> {
    let mut tx = core.db.read().await?;
    let fields = custom::all(&mut tx).await?;
    let layout = current(&mut tx, &fields).await?;
    tx.commit().await?;
    Ok(layout)
}

pub(crate) async fn card_layout_save(
    core: &Core,
    session: &Session,
    args: CardLayoutSaveArgs,
) -> Result<CardLayout, ApiError> {
    let now = core.now();
    let mut tx = core.db.write().await?;
    let fields = custom::all(&mut tx).await?;
    let groups = normalise(check(&args.groups, &fields)?, &fields);
    let before = current(&mut tx, &fields).await?;
    let json = serde_json::to_string(&groups).unwrap_or_else(|_| "[]".into());
    let who: Option<Uuid> = Some(session.user_id);
    // Guarded by the version read: of two admins saving at once, the second is told.
    let written = if args.version == 0 {
        exec_tx!(&mut tx, c => sqlx::query(
            "INSERT INTO card_layout (singleton, groups, version, updated_at, updated_by) VALUES (1, $1, 1, $2, $3) \
             ON CONFLICT (singleton) DO NOTHING")
            .bind(&json).bind(now).bind(who).execute(c).await)?
    } else {
        exec_tx!(&mut tx, c => sqlx::query(
            "UPDATE card_layout SET groups = $1, version = version + 1, updated_at = $2, updated_by = $3 \
             WHERE singleton = 1 AND version = $4")
            .bind(&json).bind(now).bind(who).bind(args.version).execute(c).await)?
    };
    if written == 0 {
        return Err(ApiError::conflict(
            "someone else changed the card layout meanwhile; reload it",
        ));
    }
    let after = current(&mut tx, &fields).await?;
    audit::record(
        &mut tx,
        session,
        now,
        Change {
            operation: "card_layout_save",
            entity: "card_layout",
            entity_id: None,
            before: Some(&before),
            after: Some(&after),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(after)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_default_places_every_built_in_field_once() {
        let groups = normalise(default_groups(), &[]);
        let all: Vec<&String> = groups.iter().flat_map(|g| &g.fields).collect();
        assert_eq!(all.len(), BUILT_IN.len());
        assert_eq!(groups, default_groups());
    }

    #[test]
    fn fields_left_out_are_appended_and_unknown_ones_dropped() {
        let groups = vec![LayoutGroup {
            title: "Card".into(),
            preset: None,
            fields: vec!["notes".into(), "custom:nothing".into(), "name".into()],
        }];
        let out = normalise(groups, &[]);
        assert_eq!(out.len(), 1);
        assert_eq!(
            out[0].fields[..2],
            ["notes".to_string(), "name".to_string()]
        );
        assert_eq!(out[0].fields.len(), BUILT_IN.len());
    }
}
