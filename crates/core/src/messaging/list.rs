//! What was sent: the outbox and its record, a card's or all, newest first; and a client's
//! opting out of (or back into) a channel.

use chrono::{DateTime, Utc};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use specta::Type;
use uuid::Uuid;

use super::templates::MessageChannel;
use crate::audit::{self, Entry};
use crate::auth::Session;
use crate::error::ApiError;
use crate::{exec_tx, on_tx, Core};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Type, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum MessageStatus {
    Queued,
    Sending,
    Sent,
    Delivered,
    Failed,
}

#[derive(Debug, Clone, Serialize, Deserialize, Type, JsonSchema)]
pub struct Message {
    pub id: Uuid,
    pub client_id: Option<Uuid>,
    pub channel: MessageChannel,
    pub address: String,
    pub subject: String,
    pub body: String,
    pub status: MessageStatus,
    pub attempts: u32,
    /// Why the last try did not go.
    pub last_error: Option<String>,
    pub created_at: DateTime<Utc>,
    pub sent_at: Option<DateTime<Utc>>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, Type, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct MessagesListArgs {
    #[serde(default)]
    pub client_id: Option<Uuid>,
}

#[derive(Debug, Clone, Serialize, Deserialize, Type, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct MessageOptoutArgs {
    pub client_id: Uuid,
    pub channel: MessageChannel,
    /// True: no more messages by this channel; false: they may come again.
    pub opted_out: bool,
}

type Row = (
    Uuid,
    Option<Uuid>,
    String,
    String,
    String,
    String,
    String,
    i32,
    Option<String>,
    DateTime<Utc>,
    Option<DateTime<Utc>>,
);

pub(crate) async fn messages_list(
    core: &Core,
    _session: &Session,
    args: MessagesListArgs,
) -> Result<Vec<Message>, ApiError> {
    let mut tx = core.db.read().await?;
    let rows: Vec<Row> = on_tx!(&mut tx, c => sqlx::query_as(
        "SELECT id, client_id, channel, address, subject, body, status, attempts, last_error, created_at, sent_at \
         FROM messages WHERE ($1 IS NULL OR client_id = $1) ORDER BY created_at DESC, id DESC LIMIT 500")
        .bind(args.client_id).fetch_all(c).await)?;
    tx.commit().await?;
    Ok(rows
        .into_iter()
        .map(|r| Message {
            id: r.0,
            client_id: r.1,
            channel: MessageChannel::parse(&r.2),
            address: r.3,
            subject: r.4,
            body: r.5,
            status: match r.6.as_str() {
                "queued" => MessageStatus::Queued,
                "sending" => MessageStatus::Sending,
                "delivered" => MessageStatus::Delivered,
                "failed" => MessageStatus::Failed,
                _ => MessageStatus::Sent,
            },
            attempts: u32::try_from(r.7).unwrap_or(0),
            last_error: r.8,
            created_at: r.9,
            sent_at: r.10,
        })
        .collect())
}

pub(crate) async fn message_optout_set(
    core: &Core,
    session: &Session,
    args: MessageOptoutArgs,
) -> Result<(), ApiError> {
    let now = core.now();
    let mut tx = core.db.write().await?;
    let exists: Option<Uuid> = on_tx!(&mut tx, c => sqlx::query_scalar("SELECT id FROM clients WHERE id = $1")
        .bind(args.client_id).fetch_optional(c).await)?;
    if exists.is_none() {
        return Err(ApiError::field("client_id", "not_found", "no such card"));
    }
    let changed = if args.opted_out {
        exec_tx!(&mut tx, c => sqlx::query(
            "INSERT INTO message_optouts (client_id, channel, at) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING")
            .bind(args.client_id).bind(args.channel.as_str()).bind(now).execute(c).await)?
    } else {
        exec_tx!(&mut tx, c => sqlx::query("DELETE FROM message_optouts WHERE client_id = $1 AND channel = $2")
            .bind(args.client_id).bind(args.channel.as_str()).execute(c).await)?
    };
    if changed > 0 {
        let after =
            serde_json::json!({ "channel": args.channel.as_str(), "opted_out": args.opted_out });
        audit::append(
            &mut tx,
            Some(session),
            now,
            Entry {
                operation: "message_optout_set",
                entity: "client",
                entity_id: Some(args.client_id),
                before: None,
                after: Some(after.to_string()),
            },
        )
        .await?;
    }
    tx.commit().await?;
    Ok(())
}
