//! Sending: to some cards, a whole group or what a saved search finds, from a template (in each client's language) or a
//! text written now. Every message is checked and queued in one transaction with its line on
//! the client's timeline; the outbox sends it. A client who opted out of the channel, has no
//! address for it, or lacks a value a field needs is left out and listed, never sent a hole.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use specta::Type;
use uuid::Uuid;

use super::queue::{queue, ready, Sender, Texts};
use super::template::Template;
use super::templates::MessageChannel;
use crate::audit::{self, Entry};
use crate::auth::Session;
use crate::error::{ApiError, Problems};
use crate::Core;

/// The most clients one sending reaches.
pub const MAX_RECIPIENTS: usize = 10_000;
/// The longest text written now (as a template's).
pub const MAX_BODY: usize = 10_000;

#[derive(Debug, Clone, Serialize, Deserialize, Type, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct MessageSendArgs {
    pub channel: MessageChannel,
    /// The cards to write to.
    #[serde(default)]
    pub client_ids: Vec<Uuid>,
    /// And/or every current member of a class group.
    #[serde(default)]
    pub group_id: Option<Uuid>,
    /// And/or every card one of the caller's saved searches of the client list finds now.
    #[serde(default)]
    pub saved_filter_id: Option<Uuid>,
    /// A template; or `subject` and `body` written now (fields allowed).
    #[serde(default)]
    pub template_id: Option<Uuid>,
    #[serde(default)]
    pub subject: String,
    #[serde(default)]
    pub body: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Type, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum SkipReason {
    OptedOut,
    NoAddress,
    /// A field the text needs has no value for this client (`field` says which).
    MissingField,
}

#[derive(Debug, Clone, Serialize, Deserialize, Type, JsonSchema)]
pub struct Skipped {
    pub client_id: Uuid,
    pub name: String,
    pub reason: SkipReason,
    pub field: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, Type, JsonSchema)]
pub struct MessageSendResult {
    /// Messages queued (the outbox sends them).
    pub queued: u32,
    pub skipped: Vec<Skipped>,
}

pub(crate) async fn message_send(
    core: &Core,
    session: &Session,
    args: MessageSendArgs,
) -> Result<MessageSendResult, ApiError> {
    let mut p = Problems::default();
    if args.client_ids.is_empty() && args.group_id.is_none() && args.saved_filter_id.is_none() {
        p.add("client_ids", "required", "whom to write to");
    }
    if args.client_ids.len() > MAX_RECIPIENTS {
        p.add(
            "client_ids",
            "too_many",
            format!("at most {MAX_RECIPIENTS} at once"),
        );
    }
    let written = args.template_id.is_none();
    if written {
        if args.body.trim().is_empty() {
            p.add("body", "required", "the message itself");
        } else if args.body.chars().count() > MAX_BODY {
            p.add("body", "too_long", format!("{MAX_BODY} characters at most"));
        }
        if args.channel == MessageChannel::Email && args.subject.trim().is_empty() {
            p.add("subject", "required", "an e-mail needs a subject");
        } else if args.subject.contains(['\r', '\n']) || args.subject.chars().count() > 200 {
            p.add("subject", "invalid", "one line of at most 200 characters");
        }
    }
    let body = written
        .then(|| p.take(Template::parse("body", &args.body)))
        .flatten();
    let subject = (written && args.channel == MessageChannel::Email)
        .then(|| p.take(Template::parse("subject", &args.subject)))
        .flatten();
    p.finish()?;
    let now = core.now();
    let today = session.local_date(now);
    let mut tx = core.db.write().await?;
    // Nowhere to send by this channel: said at once, not after hours of tries.
    if !ready(&mut tx, args.channel).await? {
        return Err(ApiError::field(
            "channel",
            "not_configured",
            "no mail server or SMS gateway is set up for this channel",
        ));
    }
    let texts = match args.template_id {
        Some(id) => Texts::of_template(&mut tx, "template_id", id, args.channel).await?,
        None => Texts::written(subject, body.expect("checked")),
    };
    let ids = super::audience::resolve(
        &mut tx,
        session,
        &args.client_ids,
        args.group_id,
        args.saved_filter_id,
        now,
    )
    .await?;
    let sender = Sender {
        user_id: Some(session.user_id),
        ..Sender::default()
    };
    let done = queue(&mut tx, &ids, args.channel, &texts, &sender, today, now).await?;
    let queued = done.queued.len() as u32;
    let skipped = done.skipped;
    let after = serde_json::json!({
        "channel": args.channel.as_str(), "template_id": args.template_id, "group_id": args.group_id,
        "saved_filter_id": args.saved_filter_id,
        "queued": queued, "skipped": skipped.len(),
    });
    audit::append(
        &mut tx,
        Some(session),
        now,
        Entry {
            operation: "message_send",
            entity: "message",
            entity_id: None,
            before: None,
            after: Some(after.to_string()),
        },
    )
    .await?;
    tx.commit().await?;
    core.outbox.wake();
    Ok(MessageSendResult { queued, skipped })
}
