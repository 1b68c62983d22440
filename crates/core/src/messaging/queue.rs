//! Queuing messages for many clients at once, shared by a sending made now and a campaign's
//! run: the texts (a template in each client's language, or a text written now), who is left
//! out and why, and the messages with their lines on the clients' timelines, all in the
//! caller's transaction.

use std::collections::BTreeMap;

use chrono::{DateTime, NaiveDate, Utc};
use uuid::Uuid;

use super::fill::recipients;
use super::send::{SkipReason, Skipped};
use super::template::Template;
use super::templates::{one, MessageChannel};
use crate::clients::timeline::{add_event, TimelineEvent};
use crate::db::Tx;
use crate::error::ApiError;
use crate::exec_tx;

/// The texts to send: by language, the first being the fallback.
pub(crate) struct Texts {
    template_id: Option<Uuid>,
    list: Vec<(String, Option<Template>, Template)>,
}

impl Texts {
    /// A text written now.
    pub fn written(subject: Option<Template>, body: Template) -> Texts {
        Texts {
            template_id: None,
            list: vec![(String::new(), subject, body)],
        }
    }

    /// A template's texts; its mistakes at `field`.
    pub async fn of_template(
        tx: &mut Tx,
        field: &str,
        id: Uuid,
        channel: MessageChannel,
    ) -> Result<Texts, ApiError> {
        let Some(t) = one(tx, id).await? else {
            return Err(ApiError::field(field, "not_found", "no such template"));
        };
        if t.archived || t.channel != channel {
            return Err(ApiError::field(
                field,
                "invalid",
                "an archived template, or one for the other channel",
            ));
        }
        let mut list = Vec::new();
        for text in &t.texts {
            let subject = (channel == MessageChannel::Email)
                .then(|| Template::parse("subject", &text.subject))
                .transpose()
                .map_err(|e| ApiError::Validation { errors: vec![e] })?;
            let body = Template::parse("body", &text.body)
                .map_err(|e| ApiError::Validation { errors: vec![e] })?;
            list.push((text.language.clone(), subject, body));
        }
        Ok(Texts {
            template_id: Some(id),
            list,
        })
    }

    /// Whether any text names a field starting with `prefix`.
    fn uses(&self, prefix: &str) -> bool {
        self.list
            .iter()
            .flat_map(|(_, s, b)| s.iter().chain([b]))
            .any(|t| t.fields().iter().any(|f| f.starts_with(prefix)))
    }

    fn pick(&self, language: &str) -> &(String, Option<Template>, Template) {
        self.list
            .iter()
            .find(|t| t.0 == language)
            .unwrap_or(&self.list[0])
    }
}

/// Whether messages by `channel` have somewhere to go.
pub(crate) async fn ready(tx: &mut Tx, channel: MessageChannel) -> Result<bool, ApiError> {
    let (settings, secrets) = super::settings::load(tx).await?;
    Ok(match channel {
        MessageChannel::Email => super::smtp::Mailer::new(&settings, &secrets).is_some(),
        MessageChannel::Sms => settings.sms_kind != super::settings::SmsKind::None,
    })
}

/// Who sends: the user (none for the centre itself) and the campaign, if one; an address
/// that replaces the card's (a rating asked of the number that called), and field values
/// beyond the card's (who answered the call).
#[derive(Default)]
pub(crate) struct Sender {
    pub user_id: Option<Uuid>,
    pub campaign_id: Option<Uuid>,
    pub to: Option<String>,
    pub values: BTreeMap<String, String>,
}

/// What one queuing did: the messages by client, and who was left out.
#[derive(Default)]
pub(crate) struct Queuing {
    pub queued: Vec<(Uuid, Uuid)>,
    pub skipped: Vec<Skipped>,
}

/// Queues `texts` by `channel` to each of `ids` (unknown ids are left out).
#[allow(clippy::too_many_arguments)]
pub(crate) async fn queue(
    tx: &mut Tx,
    ids: &[Uuid],
    channel: MessageChannel,
    texts: &Texts,
    sender: &Sender,
    today: NaiveDate,
    now: DateTime<Utc>,
) -> Result<Queuing, ApiError> {
    let people = recipients(tx, ids, channel, today, now, texts.uses("class.")).await?;
    let mut out = Queuing::default();
    for r in people {
        let skip = |reason, field| Skipped {
            client_id: r.client_id,
            name: r.name.clone(),
            reason,
            field,
        };
        if r.opted_out {
            out.skipped.push(skip(SkipReason::OptedOut, None));
            continue;
        }
        let Some(address) = sender.to.clone().or_else(|| r.address.clone()) else {
            out.skipped.push(skip(SkipReason::NoAddress, None));
            continue;
        };
        let (_, subject, body) = texts.pick(&r.language);
        let mut values = r.values.clone();
        values.extend(sender.values.clone());
        let (subject, body) = match fill(subject.as_ref(), body, &values) {
            Ok(x) => x,
            Err(field) => {
                out.skipped
                    .push(skip(SkipReason::MissingField, Some(field)));
                continue;
            }
        };
        let id = crate::new_id();
        exec_tx!(tx, c => sqlx::query(
            "INSERT INTO messages (id, client_id, channel, address, subject, body, status, next_attempt_at, \
             message_ref, template_id, campaign_id, created_by, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, 'queued', $7, $8, $9, $10, $11, $7)")
            .bind(id).bind(r.client_id).bind(channel.as_str()).bind(&address).bind(&subject).bind(&body)
            .bind(now).bind(format!("<{}@hallpass>", id.simple())).bind(texts.template_id)
            .bind(sender.campaign_id).bind(sender.user_id)
            .execute(c).await)?;
        let line = TimelineEvent::Message {
            message_id: id,
            channel: channel.as_str().to_string(),
            subject: subject.clone(),
            body: body.chars().take(500).collect(),
        };
        add_event(tx, r.client_id, &line, sender.user_id, now).await?;
        out.queued.push((r.client_id, id));
    }
    Ok(out)
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
