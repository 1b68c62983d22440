//! What the SMS gateway tells the centre: a text someone sent (a reply to a rating asked, or
//! anything else — kept, and put on the card of its number), and how a sent SMS went (its
//! delivery report). An HTTP gateway posts them to the hub with the centre's inbound key; an
//! SMPP link hands them over itself.

use chrono::Duration;
use subtle::ConstantTimeEq;
use uuid::Uuid;

use super::score_of;
use crate::audit::{self, Entry};
use crate::clients::timeline::{add_event, TimelineEvent};
use crate::db::Tx;
use crate::error::ApiError;
use crate::phone::Phone;
use crate::{exec_tx, on_tx, Core};

/// The longest text kept of a reply.
const MAX_REPLY: usize = 2_000;
/// How long a rating asked waits for its reply.
const REPLY_DAYS: i64 = 7;

/// Refuses a key that is not the centre's (compared in constant time).
pub async fn check_key(core: &Core, key: &str) -> Result<(), ApiError> {
    let mut tx = core.db.read().await?;
    let kept: String = on_tx!(&mut tx, c => sqlx::query_scalar(
        "SELECT inbound_key FROM message_settings WHERE id = 1").fetch_one(c).await)?;
    tx.commit().await?;
    if kept.is_empty() || !bool::from(kept.as_bytes().ct_eq(key.as_bytes())) {
        return Err(ApiError::Unauthenticated {
            message: "not the centre's inbound key".into(),
        });
    }
    Ok(())
}

/// The number a gateway names, as the centre stores numbers: as written in the centre's
/// country, or the digits of an international number given without its `+`.
async fn number_of(tx: &mut Tx, from: &str, country: &str) -> Option<String> {
    let given = Phone::parse("from", from, country)
        .ok()
        .map(|p| p.e164().to_string());
    let plus = (!from.trim().starts_with('+'))
        .then(|| Phone::parse("from", &format!("+{}", from.trim()), country).ok())
        .flatten()
        .map(|p| p.e164().to_string());
    for n in [&plus, &given].into_iter().flatten() {
        let known: Option<String> = on_tx!(tx, c => sqlx::query_scalar(
            "SELECT number FROM call_ratings WHERE number = $1 UNION SELECT number FROM client_phones WHERE number = $1 LIMIT 1")
            .bind(n).fetch_optional(c).await).ok().flatten();
        if known.is_some() {
            return Some(n.clone());
        }
    }
    given.or(plus)
}

/// Keeps a text received from `from`: on the card of its number, and as the reply to the
/// rating last asked of that number (its score when it starts with 1–5).
pub async fn received(core: &Core, from: &str, text: &str) -> Result<(), ApiError> {
    let body: String = text.trim().chars().take(MAX_REPLY).collect();
    if from.trim().is_empty() {
        return Err(ApiError::field(
            "from",
            "required",
            "the number that sent it",
        ));
    }
    let now = core.now();
    let mut tx = core.db.write().await?;
    let local = crate::centre::local(&mut tx).await?;
    let number = number_of(&mut tx, from, &local.phone_country)
        .await
        .unwrap_or_else(|| from.trim().chars().take(32).collect());
    let rating: Option<(Uuid, Uuid)> = on_tx!(&mut tx, c => sqlx::query_as(
        "SELECT id, client_id FROM call_ratings WHERE number = $1 AND replied_at IS NULL AND asked_at > $2 \
         ORDER BY asked_at DESC LIMIT 1")
        .bind(&number).bind(now - Duration::days(REPLY_DAYS)).fetch_optional(c).await)?;
    let client = match rating {
        Some((_, client)) => Some(client),
        None => on_tx!(&mut tx, c => sqlx::query_scalar(
            "SELECT client_id FROM client_phones WHERE number = $1 ORDER BY position, client_id LIMIT 1")
            .bind(&number).fetch_optional(c).await)?,
    };
    let score = rating.and(score_of(&body));
    // Only a score closes the rating asked; other words are kept as replies.
    if let (Some((id, _)), Some(_)) = (rating, score) {
        exec_tx!(&mut tx, c => sqlx::query(
            "UPDATE call_ratings SET score = $1, reply = $2, replied_at = $3 WHERE id = $4")
            .bind(score).bind(&body).bind(now).bind(id).execute(c).await)?;
    }
    let id = crate::new_id();
    exec_tx!(&mut tx, c => sqlx::query(
        "INSERT INTO messages_in (id, number, client_id, body, rating_id, received_at) VALUES ($1, $2, $3, $4, $5, $6)")
        .bind(id).bind(&number).bind(client).bind(&body).bind(rating.map(|r| r.0)).bind(now).execute(c).await)?;
    if let Some(client) = client {
        let line = TimelineEvent::Reply {
            message_id: id,
            body: body.chars().take(500).collect(),
            score,
        };
        add_event(&mut tx, client, &line, None, now).await?;
    }
    let after =
        serde_json::json!({ "client_id": client, "rating": rating.map(|r| r.0), "score": score });
    audit::append(
        &mut tx,
        None,
        now,
        Entry {
            operation: "sms_received",
            entity: "message",
            entity_id: Some(id),
            before: None,
            after: Some(after.to_string()),
        },
    )
    .await?;
    tx.commit().await?;
    core.changed();
    Ok(())
}

/// How a report names the fate of an SMS.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fate {
    Delivered,
    Failed,
    /// On its way (accepted, buffered): nothing to record.
    Pending,
}

impl Fate {
    /// Reads the words gateways and SMPP receipts use.
    pub fn parse(status: &str) -> Fate {
        match status.trim().to_ascii_lowercase().as_str() {
            // Bare numbers mean different things at different gateways: not read.
            "delivered" | "delivrd" | "delivered_to_handset" | "read" => Fate::Delivered,
            "failed" | "undelivered" | "undeliv" | "rejected" | "rejectd" | "expired"
            | "deleted" | "undeliverable" => Fate::Failed,
            _ => Fate::Pending,
        }
    }
}

/// Records a delivery report for the SMS the gateway knows as `reference`; false when no
/// SMS has that reference.
pub async fn status(
    core: &Core,
    reference: &str,
    fate: Fate,
    said: &str,
) -> Result<bool, ApiError> {
    if reference.trim().is_empty() {
        return Err(ApiError::field(
            "id",
            "required",
            "the gateway's id of the SMS",
        ));
    }
    // A report may come before the message is marked sent with its id: it waits a little.
    let mut found = None;
    for _ in 0..20 {
        let mut tx = core.db.read().await?;
        found = on_tx!(&mut tx, c => sqlx::query_scalar::<_, Uuid>(
            "SELECT id FROM messages WHERE provider_ref = $1 AND channel = 'sms' LIMIT 1")
            .bind(reference.trim()).fetch_optional(c).await)?;
        tx.commit().await?;
        if found.is_some() {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(250)).await;
    }
    let Some(id) = found else {
        return Ok(false);
    };
    let now = core.now();
    let mut tx = core.db.write().await?;
    let error: String = said.chars().take(200).collect();
    let changed = match fate {
        Fate::Pending => 0,
        Fate::Delivered => exec_tx!(&mut tx, c => sqlx::query(
            "UPDATE messages SET status = 'delivered', delivered_at = $1 WHERE id = $2 AND status IN ('sent', 'sending')")
            .bind(now).bind(id).execute(c).await)?,
        Fate::Failed => exec_tx!(&mut tx, c => sqlx::query(
            "UPDATE messages SET status = 'failed', last_error = $1 WHERE id = $2 AND status IN ('sent', 'sending')")
            .bind(format!("not delivered: {error}")).bind(id).execute(c).await)?,
    };
    if changed > 0 {
        let after = serde_json::json!({ "delivered": fate == Fate::Delivered, "report": error });
        audit::append(
            &mut tx,
            None,
            now,
            Entry {
                operation: "sms_status",
                entity: "message",
                entity_id: Some(id),
                before: None,
                after: Some(after.to_string()),
            },
        )
        .await?;
    }
    tx.commit().await?;
    if changed > 0 {
        core.changed();
    }
    Ok(true)
}
