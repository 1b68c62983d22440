//! Sending: to some cards, a whole group or what a saved search finds, from a template (in each client's language) or a
//! text written now. Every message is checked and queued in one transaction with its line on
//! the client's timeline; the outbox sends it. A client who opted out of the channel, has no
//! address for it, or lacks a value a field needs is left out and listed, never sent a hole.

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use specta::Type;
use uuid::Uuid;

use super::fill::recipients;
use super::template::Template;
use super::templates::{one, MessageChannel};
use crate::audit::{self, Entry};
use crate::auth::Session;
use crate::clients::timeline::{add_event, TimelineEvent};
use crate::error::{ApiError, Problems};
use crate::{exec_tx, on_tx, Core};

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

/// The texts to send: by language, the first being the fallback.
struct Texts(Vec<(String, Option<Template>, Template)>);

impl Texts {
    fn pick(&self, language: &str) -> &(String, Option<Template>, Template) {
        self.0
            .iter()
            .find(|t| t.0 == language)
            .unwrap_or(&self.0[0])
    }
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
    let (settings, secrets) = super::settings::load(&mut tx).await?;
    let ready = match args.channel {
        MessageChannel::Email => super::smtp::Mailer::new(&settings, &secrets).is_some(),
        MessageChannel::Sms => settings.sms_kind == super::settings::SmsKind::Http,
    };
    if !ready {
        return Err(ApiError::field(
            "channel",
            "not_configured",
            "no mail server or SMS gateway is set up for this channel",
        ));
    }
    let texts = match args.template_id {
        Some(id) => {
            let Some(t) = one(&mut tx, id).await? else {
                return Err(ApiError::field(
                    "template_id",
                    "not_found",
                    "no such template",
                ));
            };
            if t.archived || t.channel != args.channel {
                return Err(ApiError::field(
                    "template_id",
                    "invalid",
                    "an archived template, or one for the other channel",
                ));
            }
            let mut list = Vec::new();
            for text in &t.texts {
                let subject = (args.channel == MessageChannel::Email)
                    .then(|| Template::parse("subject", &text.subject))
                    .transpose()
                    .map_err(|e| ApiError::Validation { errors: vec![e] })?;
                let body = Template::parse("body", &text.body)
                    .map_err(|e| ApiError::Validation { errors: vec![e] })?;
                list.push((text.language.clone(), subject, body));
            }
            Texts(list)
        }
        None => Texts(vec![(String::new(), subject, body.expect("checked"))]),
    };
    let mut ids = args.client_ids.clone();
    if let Some(group) = args.group_id {
        let known: Option<Uuid> = on_tx!(&mut tx, c => sqlx::query_scalar("SELECT id FROM class_groups WHERE id = $1")
            .bind(group).fetch_optional(c).await)?;
        if known.is_none() {
            return Err(ApiError::field("group_id", "not_found", "no such group"));
        }
        // Its members today, as the schedule counts them.
        let members: Vec<Uuid> = on_tx!(&mut tx, c => sqlx::query_scalar(
            "SELECT client_id FROM group_members WHERE group_id = $1 AND joined_on <= $2 \
             AND (left_on IS NULL OR left_on > $2) ORDER BY client_id")
            .bind(group).bind(today).fetch_all(c).await)?;
        ids.extend(members);
    }
    if let Some(filter) = args.saved_filter_id {
        let Some(f) =
            crate::clients::saved_filters::one_of(&mut tx, session.user_id, filter).await?
        else {
            return Err(ApiError::field(
                "saved_filter_id",
                "not_found",
                "no such saved search of yours",
            ));
        };
        let r = crate::clients::listing::resolve(
            &mut tx,
            &f.search.query,
            f.search.filters,
            f.search.sort,
            &session.local,
            now,
            false,
        )
        .await?;
        ids.extend(crate::clients::sql::all_ids(&mut tx, &r).await?);
    }
    let mut seen = std::collections::HashSet::new();
    ids.retain(|id| seen.insert(*id));
    if ids.len() > MAX_RECIPIENTS {
        let field = if args.saved_filter_id.is_some() {
            "saved_filter_id"
        } else {
            "group_id"
        };
        return Err(ApiError::field(
            field,
            "too_many",
            format!("at most {MAX_RECIPIENTS} at once"),
        ));
    }
    let people = recipients(&mut tx, &ids, args.channel, today).await?;
    let mut skipped = Vec::new();
    let mut queued = 0u32;
    for r in people {
        let skip = |reason, field| Skipped {
            client_id: r.client_id,
            name: r.name.clone(),
            reason,
            field,
        };
        if r.opted_out {
            skipped.push(skip(SkipReason::OptedOut, None));
            continue;
        }
        let Some(address) = r.address.clone() else {
            skipped.push(skip(SkipReason::NoAddress, None));
            continue;
        };
        let (_, subject, body) = texts.pick(&r.language);
        let filled = fill(subject.as_ref(), body, &r.values);
        let (subject, body) = match filled {
            Ok(x) => x,
            Err(field) => {
                skipped.push(skip(SkipReason::MissingField, Some(field)));
                continue;
            }
        };
        let id = crate::new_id();
        exec_tx!(&mut tx, c => sqlx::query(
            "INSERT INTO messages (id, client_id, channel, address, subject, body, status, next_attempt_at, \
             message_ref, template_id, created_by, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, 'queued', $7, $8, $9, $10, $7)")
            .bind(id).bind(r.client_id).bind(args.channel.as_str()).bind(&address).bind(&subject).bind(&body)
            .bind(now).bind(format!("<{}@hallpass>", id.simple())).bind(args.template_id).bind(session.user_id)
            .execute(c).await)?;
        let line = TimelineEvent::Message {
            message_id: id,
            channel: args.channel.as_str().to_string(),
            subject: subject.clone(),
            body: body.chars().take(500).collect(),
        };
        add_event(&mut tx, r.client_id, &line, Some(session.user_id), now).await?;
        queued += 1;
    }
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

/// The subject and body for one client, or the field that has no value.
fn fill(
    subject: Option<&Template>,
    body: &Template,
    values: &BTreeMap<String, String>,
) -> Result<(String, String), String> {
    let subject = subject.map(|s| s.render(values)).transpose()?;
    Ok((subject.unwrap_or_default(), body.render(values)?))
}
