//! The centre's message templates: a name, e-mail or SMS, and the text in each language the
//! centre writes to its clients in (the first is used for a client whose language has none).
//! Every text is checked when saved ([`Template::parse`]); archiving keeps what was sent.

use chrono::{DateTime, Utc};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use specta::Type;
use uuid::Uuid;

use super::template::Template;
use crate::audit::{self, Change};
use crate::auth::{NoArgs, Session};
use crate::db::Tx;
use crate::error::{ApiError, Problems};
use crate::text::parse_name;
use crate::{exec_tx, on_tx, Core};

/// Languages a text may be in: the app's.
pub const LANGUAGES: &[&str] = &["en", "ru", "lo", "km"];

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Type, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum MessageChannel {
    Email,
    Sms,
}

impl MessageChannel {
    pub fn as_str(self) -> &'static str {
        match self {
            MessageChannel::Email => "email",
            MessageChannel::Sms => "sms",
        }
    }

    pub fn parse(s: &str) -> MessageChannel {
        if s == "email" {
            MessageChannel::Email
        } else {
            MessageChannel::Sms
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type, JsonSchema)]
pub struct TemplateText {
    /// `en`, `ru`, `lo`, `km`.
    pub language: String,
    /// E-mail only.
    #[serde(default)]
    pub subject: String,
    pub body: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type, JsonSchema)]
pub struct MessageTemplate {
    pub id: Uuid,
    pub name: String,
    pub channel: MessageChannel,
    /// The first is used for a client whose language has no text.
    pub texts: Vec<TemplateText>,
    pub archived: bool,
    pub updated_at: DateTime<Utc>,
    pub version: i64,
}

#[derive(Debug, Clone, Serialize, Deserialize, Type, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct MessageTemplateInput {
    pub name: String,
    pub channel: MessageChannel,
    pub texts: Vec<TemplateText>,
    #[serde(default)]
    pub archived: bool,
}

#[derive(Debug, Clone, Serialize, Deserialize, Type, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct MessageTemplateSaveArgs {
    /// None: a new template.
    #[serde(default)]
    pub id: Option<Uuid>,
    /// The version read (for an existing template).
    #[serde(default)]
    pub version: Option<i64>,
    pub template: MessageTemplateInput,
}

/// A template as the senders use it.
pub(crate) async fn one(tx: &mut Tx, id: Uuid) -> Result<Option<MessageTemplate>, ApiError> {
    type Head = (Uuid, String, String, bool, DateTime<Utc>, i64);
    let head: Option<Head> = on_tx!(tx, c => sqlx::query_as(
        "SELECT id, name, channel, archived, updated_at, version FROM message_templates WHERE id = $1")
        .bind(id).fetch_optional(c).await)?;
    let Some(h) = head else { return Ok(None) };
    let texts: Vec<(String, String, String)> = on_tx!(tx, c => sqlx::query_as(
        "SELECT language, subject, body FROM message_template_texts WHERE template_id = $1 ORDER BY position")
        .bind(id).fetch_all(c).await)?;
    Ok(Some(MessageTemplate {
        id: h.0,
        name: h.1,
        channel: MessageChannel::parse(&h.2),
        texts: texts
            .into_iter()
            .map(|(language, subject, body)| TemplateText {
                language,
                subject,
                body,
            })
            .collect(),
        archived: h.3,
        updated_at: h.4,
        version: h.5,
    }))
}

pub(crate) async fn message_templates_list(
    core: &Core,
    _session: &Session,
    _args: NoArgs,
) -> Result<Vec<MessageTemplate>, ApiError> {
    let mut tx = core.db.read().await?;
    let ids: Vec<Uuid> = on_tx!(&mut tx, c => sqlx::query_scalar(
        "SELECT id FROM message_templates ORDER BY archived, name").fetch_all(c).await)?;
    let mut out = Vec::with_capacity(ids.len());
    for id in ids {
        out.extend(one(&mut tx, id).await?);
    }
    tx.commit().await?;
    Ok(out)
}

/// Every mistake of `t`, each at its field.
fn check(t: &MessageTemplateInput, p: &mut Problems) -> Option<String> {
    let name = p.take(parse_name("template.name", &t.name, 120));
    if t.texts.is_empty() {
        p.add(
            "template.texts",
            "required",
            "a text in at least one language",
        );
    }
    let mut seen = Vec::new();
    for (n, text) in t.texts.iter().enumerate() {
        let f = |k: &str| format!("template.texts.{n}.{k}");
        if !LANGUAGES.contains(&text.language.as_str()) {
            p.add(f("language"), "invalid", "one of the app's languages");
        } else if seen.contains(&text.language) {
            p.add(
                f("language"),
                "duplicate",
                "this language has a text already",
            );
        }
        seen.push(text.language.clone());
        if text.body.trim().is_empty() {
            p.add(f("body"), "required", "the message itself");
        } else if text.body.chars().count() > 10_000 {
            p.add(f("body"), "too_long", "10,000 characters at most");
        } else {
            p.take(Template::parse(&f("body"), &text.body));
        }
        match t.channel {
            MessageChannel::Email if text.subject.trim().is_empty() => {
                p.add(f("subject"), "required", "an e-mail needs a subject")
            }
            MessageChannel::Email if text.subject.contains(['\r', '\n']) => {
                p.add(f("subject"), "invalid", "one line")
            }
            MessageChannel::Email => {
                p.take(Template::parse(&f("subject"), &text.subject));
            }
            MessageChannel::Sms if !text.subject.is_empty() => {
                p.add(f("subject"), "invalid", "an SMS has no subject")
            }
            MessageChannel::Sms => {}
        }
    }
    name
}

pub(crate) async fn message_templates_save(
    core: &Core,
    session: &Session,
    args: MessageTemplateSaveArgs,
) -> Result<MessageTemplate, ApiError> {
    let t = args.template;
    let mut p = Problems::default();
    let name = check(&t, &mut p);
    p.finish()?;
    let name = name.unwrap_or_default();
    let now = core.now();
    let mut tx = core.db.write().await?;
    let (id, before) = match args.id {
        Some(id) => {
            let Some(before) = one(&mut tx, id).await? else {
                return Err(ApiError::not_found("message_template"));
            };
            let done = exec_tx!(&mut tx, c => sqlx::query(
                "UPDATE message_templates SET name = $1, channel = $2, archived = $3, updated_at = $4, \
                 version = version + 1 WHERE id = $5 AND version = $6")
                .bind(&name).bind(t.channel.as_str()).bind(t.archived).bind(now).bind(id)
                .bind(args.version.unwrap_or(-1)).execute(c).await)?;
            if done != 1 {
                return Err(ApiError::conflict("the template was changed meanwhile"));
            }
            exec_tx!(&mut tx, c => sqlx::query("DELETE FROM message_template_texts WHERE template_id = $1")
                .bind(id).execute(c).await)?;
            (id, Some(before))
        }
        None => {
            let id = crate::new_id();
            exec_tx!(&mut tx, c => sqlx::query(
                "INSERT INTO message_templates (id, name, channel, archived, created_at, updated_at) \
                 VALUES ($1, $2, $3, $4, $5, $5)")
                .bind(id).bind(&name).bind(t.channel.as_str()).bind(t.archived).bind(now).execute(c).await)?;
            (id, None)
        }
    };
    for (n, text) in t.texts.iter().enumerate() {
        exec_tx!(&mut tx, c => sqlx::query(
            "INSERT INTO message_template_texts (template_id, language, position, subject, body) VALUES ($1, $2, $3, $4, $5)")
            .bind(id).bind(&text.language).bind(n as i32).bind(text.subject.trim()).bind(&text.body)
            .execute(c).await)?;
    }
    let after = one(&mut tx, id)
        .await?
        .ok_or_else(|| ApiError::not_found("message_template"))?;
    audit::record(
        &mut tx,
        session,
        now,
        Change {
            operation: "message_templates_save",
            entity: "message_template",
            entity_id: Some(id),
            before: before.as_ref(),
            after: Some(&after),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(after)
}
