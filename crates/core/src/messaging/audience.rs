//! Whom a sending reaches: some cards, every current member of a class group and what one of
//! the caller's saved searches finds now — each card once, at most [`MAX_RECIPIENTS`].

use uuid::Uuid;

use super::send::MAX_RECIPIENTS;
use crate::auth::Session;
use crate::db::Tx;
use crate::error::ApiError;
use crate::on_tx;

/// The cards of `client_ids`, group `group_id` and saved search `saved_filter_id` (the
/// caller's), in that order, each once.
pub(crate) async fn resolve(
    tx: &mut Tx,
    session: &Session,
    client_ids: &[Uuid],
    group_id: Option<Uuid>,
    saved_filter_id: Option<Uuid>,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<Vec<Uuid>, ApiError> {
    let today = session.local_date(now);
    let mut ids = client_ids.to_vec();
    if let Some(group) = group_id {
        let known: Option<Uuid> = on_tx!(tx, c => sqlx::query_scalar("SELECT id FROM class_groups WHERE id = $1")
            .bind(group).fetch_optional(c).await)?;
        if known.is_none() {
            return Err(ApiError::field("group_id", "not_found", "no such group"));
        }
        // Its members today, as the schedule counts them.
        let members: Vec<Uuid> = on_tx!(tx, c => sqlx::query_scalar(
            "SELECT client_id FROM group_members WHERE group_id = $1 AND joined_on <= $2 \
             AND (left_on IS NULL OR left_on > $2) ORDER BY client_id")
            .bind(group).bind(today).fetch_all(c).await)?;
        ids.extend(members);
    }
    if let Some(filter) = saved_filter_id {
        let Some(f) = crate::clients::saved_filters::one_of(tx, session.user_id, filter).await?
        else {
            return Err(ApiError::field(
                "saved_filter_id",
                "not_found",
                "no such saved search of yours",
            ));
        };
        let r = crate::clients::listing::resolve(
            tx,
            &f.search.query,
            f.search.filters,
            f.search.sort,
            &session.local,
            now,
            false,
        )
        .await?;
        ids.extend(crate::clients::sql::all_ids(tx, &r).await?);
    }
    let mut seen = std::collections::HashSet::new();
    ids.retain(|id| seen.insert(*id));
    if ids.len() > MAX_RECIPIENTS {
        let field = if saved_filter_id.is_some() {
            "saved_filter_id"
        } else if group_id.is_some() {
            "group_id"
        } else {
            "client_ids"
        };
        return Err(ApiError::field(
            field,
            "too_many",
            format!("at most {MAX_RECIPIENTS} at once"),
        ));
    }
    Ok(ids)
}
