//! Who may be a card's responsible manager: the centre's active logins, by name.

use crate::auth::{NoArgs, Session};
use crate::error::ApiError;
use crate::{on_tx, Core};

use super::model::UserRef;

pub(crate) async fn managers_list(
    core: &Core,
    _: &Session,
    _: NoArgs,
) -> Result<Vec<UserRef>, ApiError> {
    let mut tx = core.db.read().await?;
    let rows: Vec<(uuid::Uuid, String)> = on_tx!(&mut tx, c => sqlx::query_as(
        "SELECT id, display_name FROM users WHERE active ORDER BY display_name, id")
        .fetch_all(c).await)?;
    tx.commit().await?;
    Ok(rows
        .into_iter()
        .map(|(id, name)| UserRef { id, name })
        .collect())
}
