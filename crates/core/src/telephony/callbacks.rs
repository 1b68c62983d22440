//! Missed calls to call back: open until someone calls back or closes them with a note.

use chrono::{DateTime, Utc};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use specta::Type;
use uuid::Uuid;

use super::log::CallClient;
use crate::audit::{self, Change};
use crate::auth::{Session, UserRef};
use crate::error::ApiError;
use crate::{exec_tx, on_tx, Core};

#[derive(Debug, Clone, Serialize, Deserialize, Type, JsonSchema)]
pub struct Callback {
    pub id: Uuid,
    pub call_id: Uuid,
    /// The number that called.
    pub number: Option<String>,
    pub called_at: DateTime<Utc>,
    pub client: Option<CallClient>,
    /// Whose it is: the card's responsible manager (none: the reception's).
    pub assigned_to: Option<UserRef>,
    /// `open`, `called_back` or `closed`.
    pub status: String,
    pub note: String,
    pub closed_at: Option<DateTime<Utc>>,
    pub closed_by: Option<UserRef>,
    pub version: i64,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, Type, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CallbacksListArgs {
    /// Also those called back or closed (the last 500).
    #[serde(default)]
    pub include_closed: bool,
    /// Only the caller's own and the reception's.
    #[serde(default)]
    pub mine: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Type, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum CallbackOutcome {
    CalledBack,
    Closed,
}

#[derive(Debug, Clone, Serialize, Deserialize, Type, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CallbackCloseArgs {
    pub id: Uuid,
    pub version: i64,
    pub outcome: CallbackOutcome,
    #[serde(default)]
    pub note: String,
}

type Row = (
    Uuid,
    Uuid,
    Option<String>,
    DateTime<Utc>,
    Option<Uuid>,
    Option<String>,
    Option<Uuid>,
    Option<String>,
    String,
    String,
    Option<DateTime<Utc>>,
    Option<Uuid>,
    Option<String>,
    i64,
);

const SELECT: &str = "SELECT b.id, b.call_id, COALESCE(k.number_e164, k.number), k.started_at, b.client_id, c.name, \
     b.assigned_to, a.display_name, b.status, b.note, b.closed_at, b.closed_by, z.display_name, b.version \
     FROM callbacks b JOIN calls k ON k.id = b.call_id LEFT JOIN clients c ON c.id = b.client_id \
     LEFT JOIN users a ON a.id = b.assigned_to LEFT JOIN users z ON z.id = b.closed_by";

fn from_row(r: Row) -> Callback {
    Callback {
        id: r.0,
        call_id: r.1,
        number: r.2,
        called_at: r.3,
        client: r.4.map(|id| CallClient {
            id,
            name: r.5.clone().unwrap_or_default(),
        }),
        assigned_to: UserRef::from_row(r.6, r.7),
        status: r.8,
        note: r.9,
        closed_at: r.10,
        closed_by: UserRef::from_row(r.11, r.12),
        version: r.13,
    }
}

pub(crate) async fn callbacks_list(
    core: &Core,
    session: &Session,
    args: CallbacksListArgs,
) -> Result<Vec<Callback>, ApiError> {
    let sql = format!(
        "{SELECT} WHERE ($1 OR b.status = 'open') AND ($2 = FALSE OR b.assigned_to IS NULL OR b.assigned_to = $3) \
         ORDER BY b.created_at DESC LIMIT 500"
    );
    let mut tx = core.db.read().await?;
    let rows: Vec<Row> = on_tx!(&mut tx, c => sqlx::query_as(&sql)
        .bind(args.include_closed).bind(args.mine).bind(session.user_id).fetch_all(c).await)?;
    tx.commit().await?;
    Ok(rows.into_iter().map(from_row).collect())
}

pub(crate) async fn callback_close(
    core: &Core,
    session: &Session,
    args: CallbackCloseArgs,
) -> Result<Callback, ApiError> {
    let mut p = crate::error::Problems::default();
    let note = p.take(crate::text::parse_text("note", &args.note, 1000));
    p.finish()?;
    let note = note.unwrap_or_default();
    let now = core.now();
    let mut tx = core.db.write().await?;
    let sql = format!("{SELECT} WHERE b.id = $1");
    let before: Option<Row> =
        on_tx!(&mut tx, c => sqlx::query_as(&sql).bind(args.id).fetch_optional(c).await)?;
    let before = from_row(before.ok_or_else(|| ApiError::not_found("callback"))?);
    if before.version != args.version {
        return Err(ApiError::conflict("this call-back was changed meanwhile"));
    }
    if before.status != "open" {
        return Err(ApiError::conflict("this call-back is no longer open"));
    }
    let status = match args.outcome {
        CallbackOutcome::CalledBack => "called_back",
        CallbackOutcome::Closed => "closed",
    };
    let done = exec_tx!(&mut tx, c => sqlx::query(
        "UPDATE callbacks SET status = $1, note = $2, closed_at = $3, closed_by = $4, version = version + 1 \
         WHERE id = $5 AND version = $6 AND status = 'open'")
        .bind(status).bind(&note).bind(now).bind(session.user_id).bind(args.id).bind(args.version).execute(c).await)?;
    if done != 1 {
        return Err(ApiError::conflict("this call-back was changed meanwhile"));
    }
    let after: Row = on_tx!(&mut tx, c => sqlx::query_as(&sql).bind(args.id).fetch_one(c).await)?;
    let after = from_row(after);
    audit::record(
        &mut tx,
        session,
        now,
        Change {
            operation: "callback_close",
            entity: "callback",
            entity_id: Some(args.id),
            before: Some(&before),
            after: Some(&after),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(after)
}
