//! Putting a settings list (categories, custom fields) in a new order: every id once.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use specta::Type;
use uuid::Uuid;

use crate::db::Tx;
use crate::error::ApiError;
use crate::exec_tx;

/// A new order of records: every id once, in the wanted order.
#[derive(Debug, Clone, Serialize, Deserialize, Type, JsonSchema)]
pub struct IdOrderArgs {
    pub ids: Vec<Uuid>,
}

/// `ids` must name every existing record exactly once.
pub(crate) fn check_order(
    ids: &[Uuid],
    existing: impl Iterator<Item = Uuid>,
) -> Result<(), ApiError> {
    let mut want: Vec<Uuid> = existing.collect();
    let mut got = ids.to_vec();
    want.sort();
    got.sort();
    if want != got {
        return Err(ApiError::field(
            "ids",
            "mismatch",
            "list every record exactly once (the list may have changed meanwhile; reload it)",
        ));
    }
    Ok(())
}

/// Checks `ids` against `existing` and numbers `table`'s `position` in that order.
pub(crate) async fn reorder(
    tx: &mut Tx,
    table: &'static str,
    ids: &[Uuid],
    existing: impl Iterator<Item = Uuid>,
) -> Result<(), ApiError> {
    check_order(ids, existing)?;
    let sql = format!("UPDATE {table} SET position = $1 WHERE id = $2");
    for (i, id) in ids.iter().enumerate() {
        exec_tx!(&mut *tx, c => sqlx::query(&sql).bind(i as i32 + 1).bind(id).execute(c).await)?;
    }
    Ok(())
}
