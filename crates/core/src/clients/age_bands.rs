//! The centre's age bands ("3–5", "6–9", "adults"): a card's age category is the band its
//! age falls in today. Saved as a whole list, like a settings page.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use specta::Type;
use uuid::Uuid;

use crate::audit::{self, Change};
use crate::auth::{NoArgs, Session};
use crate::db::Tx;
use crate::error::{ApiError, Problems};
use crate::{exec_tx, on_tx, Core};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type, JsonSchema, sqlx::FromRow)]
pub struct AgeBand {
    pub id: Uuid,
    pub name: String,
    /// Age in whole years, included.
    pub min_years: i32,
    /// Age in whole years, excluded; null for "and older".
    pub max_years: Option<i32>,
}

#[derive(Debug, Clone, Serialize, Deserialize, Type, JsonSchema)]
pub struct AgeBandInput {
    /// Keep an existing band's id so saved filters by band keep working.
    #[serde(default)]
    pub id: Option<Uuid>,
    pub name: String,
    pub min_years: i32,
    #[serde(default)]
    pub max_years: Option<i32>,
}

#[derive(Debug, Clone, Serialize, Deserialize, Type, JsonSchema)]
pub struct AgeBandsSaveArgs {
    /// The whole list, youngest first.
    pub bands: Vec<AgeBandInput>,
}

pub(crate) async fn all(tx: &mut Tx) -> Result<Vec<AgeBand>, ApiError> {
    Ok(on_tx!(tx, c => sqlx::query_as::<_, AgeBand>(
        "SELECT id, name, min_years, max_years FROM age_bands ORDER BY position").fetch_all(c).await)?)
}

fn check(bands: &[AgeBandInput]) -> Result<(), ApiError> {
    let mut p = Problems::default();
    let mut prev_max: Option<i32> = Some(0);
    for (i, b) in bands.iter().enumerate() {
        let f = |name: &str| format!("bands.{i}.{name}");
        if b.name.trim().is_empty() {
            p.add(f("name"), "required", "give the band a name");
        } else if b.name.trim().chars().count() > 60 {
            p.add(f("name"), "too_long", "at most 60 characters");
        }
        if b.id.is_some() && bands[..i].iter().any(|x| x.id == b.id) {
            p.add(f("id"), "duplicate", "this band is listed twice");
        }
        if !(0..=150).contains(&b.min_years) {
            p.add(f("min_years"), "out_of_range", "an age from 0 to 150");
        }
        match b.max_years {
            Some(m) if m <= b.min_years || m > 151 => p.add(
                f("max_years"),
                "out_of_range",
                "the upper age must be above the lower one",
            ),
            None if i + 1 < bands.len() => p.add(
                f("max_years"),
                "required",
                "only the last band may be open-ended",
            ),
            _ => {}
        }
        match prev_max {
            Some(m) if i > 0 && b.min_years < m => p.add(
                f("min_years"),
                "overlap",
                "overlaps the band before it (list bands youngest first)",
            ),
            _ => {}
        }
        prev_max = b.max_years;
    }
    p.finish()
}

pub(crate) async fn age_bands_list(
    core: &Core,
    _session: &Session,
    _args: NoArgs,
) -> Result<Vec<AgeBand>, ApiError> {
    let mut tx = core.db.read().await?;
    let list = all(&mut tx).await?;
    tx.commit().await?;
    Ok(list)
}

pub(crate) async fn age_bands_save(
    core: &Core,
    session: &Session,
    args: AgeBandsSaveArgs,
) -> Result<Vec<AgeBand>, ApiError> {
    check(&args.bands)?;
    let mut tx = core.db.write().await?;
    let before = all(&mut tx).await?;
    exec_tx!(&mut tx, c => sqlx::query("DELETE FROM age_bands").execute(c).await)?;
    for (i, b) in args.bands.iter().enumerate() {
        let id = b.id.unwrap_or_else(crate::new_id);
        exec_tx!(&mut tx, c => sqlx::query(
            "INSERT INTO age_bands (id, name, min_years, max_years, position) VALUES ($1, $2, $3, $4, $5)")
            .bind(id).bind(b.name.trim()).bind(b.min_years).bind(b.max_years).bind(i as i32)
            .execute(c).await)?;
    }
    let after = all(&mut tx).await?;
    let change = Change {
        operation: "age_bands_save",
        entity: "age_band",
        entity_id: None,
        before: Some(&before),
        after: Some(&after),
    };
    audit::record(&mut tx, session, core.now(), change).await?;
    tx.commit().await?;
    Ok(after)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn band(min: i32, max: Option<i32>) -> AgeBandInput {
        AgeBandInput {
            id: None,
            name: format!("{min}+"),
            min_years: min,
            max_years: max,
        }
    }

    #[test]
    fn bands_are_ordered_and_do_not_overlap() {
        assert!(check(&[band(3, Some(6)), band(6, Some(10)), band(18, None)]).is_ok());
        let ApiError::Validation { errors } =
            check(&[band(3, Some(6)), band(5, None), band(20, Some(10))]).unwrap_err()
        else {
            panic!()
        };
        let fields: Vec<_> = errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(
            fields,
            [
                "bands.1.max_years",
                "bands.1.min_years",
                "bands.2.max_years"
            ]
        );
    }
}
