//! Values of custom fields on cards: reading them from a form (each error at
//! `client.custom.<field id>`), storing them, and the list filters over them.

use chrono::NaiveDate;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use specta::Type;
use uuid::Uuid;

use super::custom::{CustomField, CustomFieldKind};
use super::fields::parse_iso_date;
use super::model::ClientKind;
use crate::db::Tx;
use crate::error::{ApiError, Problems};
use crate::text::fold;
use crate::{exec_tx, on_tx};

const MAX_TEXT: usize = 1000;

/// One custom field's value on a card, as text: numbers as written back ("12.50"), dates
/// `YYYY-MM-DD`, choices as the option, yes/no as `yes` or `no`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type, JsonSchema)]
pub struct CustomValue {
    pub field_id: Uuid,
    pub value: String,
}

/// A list filter on a custom field: `value` for text (contains), choice and yes/no (equals);
/// `min` and `max` (included) for numbers and dates.
#[derive(Debug, Clone, Default, Serialize, Deserialize, Type, JsonSchema)]
pub struct CustomFilter {
    pub field_id: Uuid,
    #[serde(default)]
    pub value: Option<String>,
    #[serde(default)]
    pub min: Option<String>,
    #[serde(default)]
    pub max: Option<String>,
}

/// A checked value, ready to store.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldValue {
    pub field_id: Uuid,
    pub value: String,
    pub key: String,
    /// Numbers scaled by 10^decimals; dates as days since 1970-01-01.
    pub num: Option<i64>,
    pub searchable: bool,
}

/// A filter resolved against the field's kind.
#[derive(Debug, Clone)]
pub enum FieldFilter {
    Equals(Uuid, String),
    Contains(Uuid, String),
    Range(Uuid, Option<i64>, Option<i64>),
}

fn epoch_days(d: NaiveDate) -> i64 {
    (d - NaiveDate::default()).num_days()
}

/// Reads a decimal written with a point or a comma, spaces as group separators, into an
/// integer scaled by 10^decimals.
pub fn parse_number(s: &str, decimals: u32) -> Result<i64, &'static str> {
    let t: String = s
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '\u{a0}' && *c != '\u{202f}')
        .collect();
    let (neg, t) = match t.strip_prefix('-') {
        Some(rest) => (true, rest.to_string()),
        None => (false, t),
    };
    let t = t.replace(',', ".");
    let (int, frac) = t.split_once('.').unwrap_or((&t, ""));
    if int.is_empty() && frac.is_empty()
        || !int.chars().all(|c| c.is_ascii_digit())
        || !frac.chars().all(|c| c.is_ascii_digit())
    {
        return Err("not a number");
    }
    if frac.len() > decimals as usize {
        return Err("too many digits after the point");
    }
    let scale = 10i64.pow(decimals);
    let whole: i64 = if int.is_empty() {
        0
    } else {
        int.parse().map_err(|_| "too large")?
    };
    let frac_scaled: i64 = if frac.is_empty() {
        0
    } else {
        frac.parse::<i64>().map_err(|_| "too large")? * 10i64.pow(decimals - frac.len() as u32)
    };
    let v = whole
        .checked_mul(scale)
        .and_then(|w| w.checked_add(frac_scaled))
        .ok_or("too large")?;
    Ok(if neg { -v } else { v })
}

/// The scaled integer written back with its decimals.
pub fn format_number(v: i64, decimals: u32) -> String {
    if decimals == 0 {
        return v.to_string();
    }
    let scale = 10i64.pow(decimals);
    let sign = if v < 0 { "-" } else { "" };
    let a = v.unsigned_abs();
    let s = scale as u64;
    format!(
        "{sign}{}.{:0width$}",
        a / s,
        a % s,
        width = decimals as usize
    )
}

/// Reads one value for `field`. Ok(None) for an empty value.
pub fn parse(field: &CustomField, raw: &str) -> Result<Option<FieldValue>, (&'static str, String)> {
    let raw = raw.trim();
    if raw.is_empty() {
        return Ok(None);
    }
    let decimals = field.decimals.clamp(0, 4) as u32;
    let (value, num) = match field.kind {
        CustomFieldKind::Text => {
            if raw.chars().count() > MAX_TEXT {
                return Err(("too_long", format!("at most {MAX_TEXT} characters")));
            }
            (raw.to_string(), None)
        }
        CustomFieldKind::Number => {
            let n = parse_number(raw, decimals).map_err(|m| ("invalid_number", m.to_string()))?;
            (format_number(n, decimals), Some(n))
        }
        CustomFieldKind::Date => {
            let d = parse_iso_date(raw)
                .ok_or(("invalid_date", "not a real date (YYYY-MM-DD)".to_string()))?;
            (d.to_string(), Some(epoch_days(d)))
        }
        CustomFieldKind::Choice => {
            let k = fold(raw);
            let c = field.choices.iter().find(|c| fold(c) == k).ok_or((
                "not_a_choice",
                format!("one of: {}", field.choices.join(", ")),
            ))?;
            (c.clone(), None)
        }
        CustomFieldKind::YesNo => {
            let v = match fold(raw).as_str() {
                "yes" | "true" | "1" | "y" | "да" | "д" | "+" => "yes",
                "no" | "false" | "0" | "n" | "нет" | "н" | "-" => "no",
                _ => return Err(("invalid", "yes or no".into())),
            };
            (v.to_string(), None)
        }
    };
    Ok(Some(FieldValue {
        field_id: field.id,
        key: fold(&value),
        value,
        num,
        searchable: field.searchable
            && matches!(field.kind, CustomFieldKind::Text | CustomFieldKind::Choice),
    }))
}

/// Reads a form's values for a card of `kind`: each must be a live field of that kind of
/// card; required fields must have a value. Errors at `{prefix}custom.<field id>`.
pub fn read(
    defs: &[CustomField],
    kind: ClientKind,
    input: &[CustomValue],
    prefix: &str,
) -> Result<Vec<FieldValue>, ApiError> {
    let mut p = Problems::default();
    let mut out: Vec<FieldValue> = Vec::new();
    for v in input {
        let at = format!("{prefix}custom.{}", v.field_id);
        // Values of archived fields, and of fields no longer meant for this kind of card,
        // stay as stored whatever a form sends back.
        if defs
            .iter()
            .any(|d| d.id == v.field_id && (d.archived || !d.applies_to.includes(kind)))
        {
            continue;
        }
        let Some(def) = defs
            .iter()
            .find(|d| d.id == v.field_id && !d.archived && d.applies_to.includes(kind))
        else {
            p.add(at, "not_found", "no such field on this kind of card");
            continue;
        };
        if out.iter().any(|o| o.field_id == v.field_id) {
            p.add(at, "duplicate", "this field is given twice");
            continue;
        }
        match parse(def, &v.value) {
            Ok(Some(fv)) => out.push(fv),
            Ok(None) => {}
            Err((code, message)) => p.add(at, code, message),
        }
    }
    for d in defs
        .iter()
        .filter(|d| d.required && !d.archived && d.applies_to.includes(kind))
    {
        let at = format!("{prefix}custom.{}", d.id);
        if !out.iter().any(|o| o.field_id == d.id) && !p.errors().iter().any(|e| e.field == at) {
            p.add(at, "required", format!("{} is required", d.label));
        }
    }
    p.finish()?;
    Ok(out)
}

#[derive(sqlx::FromRow)]
struct Stored {
    field_id: Uuid,
    value: String,
    value_key: String,
    value_num: Option<i64>,
}

/// The values stored on a card, as checked values (searchable per the field now).
pub(crate) async fn stored(
    tx: &mut Tx,
    client_id: Uuid,
    defs: &[CustomField],
) -> Result<Vec<FieldValue>, ApiError> {
    let rows: Vec<Stored> = on_tx!(tx, c => sqlx::query_as(
        "SELECT v.field_id, v.value, v.value_key, v.value_num FROM client_field_values v \
         JOIN custom_fields f ON f.id = v.field_id WHERE v.client_id = $1 ORDER BY f.position")
        .bind(client_id).fetch_all(c).await)?;
    Ok(rows
        .into_iter()
        .map(|r| {
            let def = defs.iter().find(|d| d.id == r.field_id);
            FieldValue {
                field_id: r.field_id,
                value: r.value,
                key: r.value_key,
                num: r.value_num,
                searchable: def.is_some_and(|d| {
                    d.searchable
                        && matches!(d.kind, CustomFieldKind::Text | CustomFieldKind::Choice)
                }),
            }
        })
        .collect())
}

/// A card's values for the API, in the fields' order.
pub(crate) async fn load(tx: &mut Tx, client_id: Uuid) -> Result<Vec<CustomValue>, ApiError> {
    let rows: Vec<(Uuid, String)> = on_tx!(tx, c => sqlx::query_as(
        "SELECT v.field_id, v.value FROM client_field_values v JOIN custom_fields f ON f.id = v.field_id \
         WHERE v.client_id = $1 ORDER BY f.position").bind(client_id).fetch_all(c).await)?;
    Ok(rows
        .into_iter()
        .map(|(field_id, value)| CustomValue { field_id, value })
        .collect())
}

/// Writes a card's values. `replace` names the kind of an existing card whose values of live
/// fields are replaced (values of archived fields, and of fields meant for the other kind of
/// card, stay); `None` for a new card.
pub(crate) async fn write(
    tx: &mut Tx,
    client_id: Uuid,
    values: &[FieldValue],
    replace: Option<ClientKind>,
) -> Result<(), ApiError> {
    if let Some(kind) = replace {
        exec_tx!(&mut *tx, c => sqlx::query(
            "DELETE FROM client_field_values WHERE client_id = $1 AND field_id IN \
             (SELECT id FROM custom_fields WHERE archived = FALSE AND applies_to IN ('both', $2))")
            .bind(client_id).bind(kind.as_str()).execute(c).await)?;
    }
    for v in values {
        exec_tx!(&mut *tx, c => sqlx::query(
            "INSERT INTO client_field_values (client_id, field_id, value, value_key, value_num) \
             VALUES ($1, $2, $3, $4, $5) ON CONFLICT (client_id, field_id) DO NOTHING")
            .bind(client_id).bind(v.field_id).bind(&v.value).bind(&v.key).bind(v.num)
            .execute(c).await)?;
    }
    Ok(())
}

/// Rebuilds the search document of every card with a value in `field_id` (its
/// searchability changed).
pub(crate) async fn reindex_field(tx: &mut Tx, field_id: Uuid) -> Result<(), ApiError> {
    let ids: Vec<Uuid> = on_tx!(&mut *tx, c => sqlx::query_scalar(
        "SELECT client_id FROM client_field_values WHERE field_id = $1").bind(field_id).fetch_all(c).await)?;
    let defs = super::custom::all(tx).await?;
    for id in ids {
        super::index::rebuild_doc(tx, id, &defs).await?;
    }
    Ok(())
}

/// Resolves list filters against the fields; errors at `filters.custom.<i>`.
pub fn resolve_filters(
    defs: &[CustomField],
    filters: &[CustomFilter],
) -> Result<Vec<FieldFilter>, ApiError> {
    let mut p = Problems::default();
    let mut out = Vec::new();
    for (i, f) in filters.iter().enumerate() {
        let at = |part: &str| format!("filters.custom.{i}.{part}");
        let Some(def) = defs.iter().find(|d| d.id == f.field_id) else {
            p.add(at("field_id"), "not_found", "no such field");
            continue;
        };
        let bound = |p: &mut Problems, part: &str, raw: &Option<String>| -> Option<i64> {
            let raw = raw.as_deref().map(str::trim).filter(|s| !s.is_empty())?;
            match parse(def, raw) {
                Ok(v) => v.and_then(|v| v.num),
                Err((code, m)) => {
                    p.add(at(part), code, m);
                    None
                }
            }
        };
        match def.kind {
            CustomFieldKind::Number | CustomFieldKind::Date => {
                let (min, max) = (bound(&mut p, "min", &f.min), bound(&mut p, "max", &f.max));
                let exact = bound(&mut p, "value", &f.value);
                match exact {
                    Some(v) => out.push(FieldFilter::Range(def.id, Some(v), Some(v))),
                    None => out.push(FieldFilter::Range(def.id, min, max)),
                }
            }
            CustomFieldKind::Text => {
                let v = fold(f.value.as_deref().unwrap_or("").trim());
                if !v.is_empty() {
                    out.push(FieldFilter::Contains(def.id, v));
                }
            }
            CustomFieldKind::Choice | CustomFieldKind::YesNo => {
                match parse(def, f.value.as_deref().unwrap_or("")) {
                    Ok(Some(v)) => out.push(FieldFilter::Equals(def.id, v.key)),
                    Ok(None) => {}
                    Err((code, m)) => p.add(at("value"), code, m),
                }
            }
        }
    }
    p.finish()?;
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_read_with_point_or_comma_and_keep_their_scale() {
        assert_eq!(parse_number("12,5", 2), Ok(1250));
        assert_eq!(parse_number("1 234.05", 2), Ok(123_405));
        assert_eq!(parse_number("-3", 0), Ok(-3));
        assert_eq!(parse_number(".5", 1), Ok(5));
        assert!(parse_number("1.234", 2).is_err());
        assert!(parse_number("twelve", 0).is_err());
        assert!(parse_number("1e5", 0).is_err());
        assert!(parse_number("99999999999999999999", 0).is_err());
        assert_eq!(format_number(1250, 2), "12.50");
        assert_eq!(format_number(-5, 2), "-0.05");
        assert_eq!(format_number(7, 0), "7");
    }
}
