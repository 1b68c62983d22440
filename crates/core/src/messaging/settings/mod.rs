//! How messages leave: the mail server (SMTP with TLS or STARTTLS) and the SMS gateway — an
//! HTTP request made from a template, as most SMS providers offer, or an SMPP link. Passwords
//! are written, never read back: the settings say only whether one is set.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use specta::Type;

use uuid::Uuid;

use crate::audit::{self, Change};
use crate::auth::{NoArgs, Session};
use crate::db::Tx;
use crate::error::{ApiError, Problems};
use crate::{exec_tx, on_tx, Core};

mod check;

/// The fields an HTTP gateway's request may use.
pub const GATEWAY_FIELDS: &[&str] = &["to", "text", "sender", "secret"];

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Type, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum SmtpSecurity {
    /// TLS from the first byte (port 465).
    Tls,
    /// Plain first, then STARTTLS (port 587); refused if the server cannot.
    Starttls,
    /// No encryption: only for a relay on the same machine or LAN.
    None,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Type, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum SmsKind {
    None,
    Http,
    Smpp,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type, JsonSchema)]
pub struct Header {
    pub name: String,
    pub value: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type, JsonSchema)]
pub struct MessageSettings {
    pub email_from: String,
    pub smtp_host: String,
    pub smtp_port: u16,
    pub smtp_security: SmtpSecurity,
    pub smtp_username: String,
    pub smtp_password_set: bool,
    pub sms_kind: SmsKind,
    /// The sender name or number the SMS shows.
    pub sms_sender: String,
    pub http_url: String,
    /// `GET` or `POST`.
    pub http_method: String,
    pub http_headers: Vec<Header>,
    pub http_body: String,
    /// The gateway's key, used as `{secret}`, is kept (never shown).
    pub http_secret_set: bool,
    /// SMPP: `host:port`, the system id, whether a password is kept.
    pub smpp_address: String,
    pub smpp_system_id: String,
    pub smpp_password_set: bool,
    /// After an answered call, this SMS template asks the caller to rate who answered.
    pub rating_template_id: Option<Uuid>,
    /// The shortest talk, in seconds, that asks for a rating.
    pub rating_min_talk: u32,
    /// The key in the addresses the gateway posts replies and delivery reports to
    /// (`/api/sms/inbound?key=…`, `/api/sms/status?key=…`).
    pub inbound_key: String,
    pub version: i64,
}

#[derive(Clone, Serialize, Deserialize, Type, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct MessageSettingsInput {
    #[serde(default)]
    pub email_from: String,
    #[serde(default)]
    pub smtp_host: String,
    pub smtp_port: u16,
    pub smtp_security: SmtpSecurity,
    #[serde(default)]
    pub smtp_username: String,
    /// None keeps the password kept; a value replaces it.
    #[serde(default)]
    pub smtp_password: Option<String>,
    pub sms_kind: SmsKind,
    #[serde(default)]
    pub sms_sender: String,
    #[serde(default)]
    pub http_url: String,
    #[serde(default)]
    pub http_method: String,
    #[serde(default)]
    pub http_headers: Vec<Header>,
    #[serde(default)]
    pub http_body: String,
    /// The gateway's key for `{secret}`: None keeps the one kept; a value replaces it.
    #[serde(default)]
    pub http_secret: Option<String>,
    #[serde(default)]
    pub smpp_address: String,
    #[serde(default)]
    pub smpp_system_id: String,
    #[serde(default)]
    pub smpp_password: Option<String>,
    /// An SMS template asking for a rating after an answered call (none: no asking).
    #[serde(default)]
    pub rating_template_id: Option<Uuid>,
    #[serde(default = "twenty")]
    pub rating_min_talk: u32,
}

fn twenty() -> u32 {
    20
}

/// Passwords never show in logs.
impl std::fmt::Debug for MessageSettingsInput {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MessageSettingsInput")
            .field("smtp_host", &self.smtp_host)
            .field("smtp_password", &self.smtp_password.as_ref().map(|_| "***"))
            .field("sms_kind", &self.sms_kind)
            .field("http_url", &self.http_url)
            .field("http_secret", &self.http_secret.as_ref().map(|_| "***"))
            .field("smpp_password", &self.smpp_password.as_ref().map(|_| "***"))
            .finish()
    }
}

#[derive(Debug, Clone, Serialize, Deserialize, Type, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct MessageSettingsUpdateArgs {
    pub version: i64,
    pub settings: MessageSettingsInput,
}

#[derive(Debug, Clone, Serialize, Deserialize, Type, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct MessageInboundKeyRotateArgs {
    /// The version of the settings read.
    pub version: i64,
}

/// The settings with their passwords, for the senders.
#[derive(Clone)]
pub struct Secrets {
    pub smtp_password: String,
    pub smpp_password: String,
    pub http_secret: String,
}

type Row = (
    String,
    String,
    i32,
    String,
    String,
    String,
    String,
    String,
    String,
    String,
    String,
    String,
    String,
    String,
    String,
    i64,
);

pub(crate) async fn load(tx: &mut Tx) -> Result<(MessageSettings, Secrets), ApiError> {
    let r: Row = on_tx!(tx, c => sqlx::query_as(
        "SELECT email_from, smtp_host, smtp_port, smtp_security, smtp_username, smtp_password, sms_kind, sms_sender, \
         http_url, http_method, http_headers, http_body, smpp_address, smpp_system_id, smpp_password, version \
         FROM message_settings WHERE id = 1").fetch_one(c).await)?;
    type More = (String, Option<Uuid>, i32, String);
    let more: More = on_tx!(tx, c => sqlx::query_as(
        "SELECT http_secret, rating_template_id, rating_min_talk, inbound_key FROM message_settings WHERE id = 1")
        .fetch_one(c).await)?;
    let (http_secret, rating_template_id, rating_min_talk, inbound_key) = more;
    let settings = MessageSettings {
        email_from: r.0,
        smtp_host: r.1,
        smtp_port: u16::try_from(r.2).unwrap_or(587),
        smtp_security: match r.3.as_str() {
            "tls" => SmtpSecurity::Tls,
            "none" => SmtpSecurity::None,
            _ => SmtpSecurity::Starttls,
        },
        smtp_username: r.4,
        smtp_password_set: !r.5.is_empty(),
        sms_kind: match r.6.as_str() {
            "http" => SmsKind::Http,
            "smpp" => SmsKind::Smpp,
            _ => SmsKind::None,
        },
        sms_sender: r.7,
        http_url: r.8,
        http_method: r.9,
        http_headers: serde_json::from_str(&r.10).unwrap_or_default(),
        http_body: r.11,
        http_secret_set: !http_secret.is_empty(),
        smpp_address: r.12,
        smpp_system_id: r.13,
        smpp_password_set: !r.14.is_empty(),
        rating_template_id,
        rating_min_talk: u32::try_from(rating_min_talk).unwrap_or(0),
        inbound_key,
        version: r.15,
    };
    Ok((
        settings,
        Secrets {
            smtp_password: r.5,
            smpp_password: r.14,
            http_secret,
        },
    ))
}

pub(crate) async fn message_settings_get(
    core: &Core,
    _session: &Session,
    _args: NoArgs,
) -> Result<MessageSettings, ApiError> {
    let mut tx = core.db.read().await?;
    let (s, _) = load(&mut tx).await?;
    tx.commit().await?;
    Ok(s)
}

pub(crate) async fn message_settings_update(
    core: &Core,
    session: &Session,
    args: MessageSettingsUpdateArgs,
) -> Result<MessageSettings, ApiError> {
    let i = args.settings;
    let mut p = Problems::default();
    check::check(&i, &mut p);
    p.finish()?;
    let now = core.now();
    let mut tx = core.db.write().await?;
    if let Some(t) = i.rating_template_id {
        let ok = super::templates::one(&mut tx, t)
            .await?
            .is_some_and(|t| !t.archived && t.channel == super::templates::MessageChannel::Sms);
        if !ok {
            return Err(ApiError::field(
                "settings.rating_template_id",
                "invalid",
                "an SMS template in use",
            ));
        }
    }
    let (before, kept) = load(&mut tx).await?;
    if before.version != args.version {
        return Err(ApiError::conflict(
            "the message settings were changed meanwhile",
        ));
    }
    // Passwords are kept as typed.
    let smtp_password = i.smtp_password.clone().unwrap_or(kept.smtp_password);
    let smpp_password = i.smpp_password.clone().unwrap_or(kept.smpp_password);
    let http_secret = i.http_secret.clone().unwrap_or(kept.http_secret);
    let security = match i.smtp_security {
        SmtpSecurity::Tls => "tls",
        SmtpSecurity::Starttls => "starttls",
        SmtpSecurity::None => "none",
    };
    let kind = match i.sms_kind {
        SmsKind::None => "none",
        SmsKind::Http => "http",
        SmsKind::Smpp => "smpp",
    };
    let method = if i.http_method.is_empty() {
        "POST".to_string()
    } else {
        i.http_method.clone()
    };
    let headers = serde_json::to_string(&i.http_headers).unwrap_or_else(|_| "[]".into());
    let done = exec_tx!(&mut tx, c => sqlx::query(
        "UPDATE message_settings SET email_from = $1, smtp_host = $2, smtp_port = $3, smtp_security = $4, \
         smtp_username = $5, smtp_password = $6, sms_kind = $7, sms_sender = $8, http_url = $9, http_method = $10, \
         http_headers = $11, http_body = $12, smpp_address = $13, smpp_system_id = $14, smpp_password = $15, \
         version = version + 1, updated_at = $16, updated_by = $17, http_secret = $19, rating_template_id = $20, \
         rating_min_talk = $21 WHERE id = 1 AND version = $18")
        .bind(i.email_from.trim()).bind(i.smtp_host.trim()).bind(i32::from(i.smtp_port)).bind(security)
        .bind(i.smtp_username.trim()).bind(&smtp_password).bind(kind).bind(i.sms_sender.trim())
        .bind(i.http_url.trim()).bind(&method).bind(&headers).bind(&i.http_body)
        .bind(i.smpp_address.trim()).bind(i.smpp_system_id.trim()).bind(&smpp_password)
        .bind(now).bind(session.user_id).bind(args.version).bind(&http_secret)
        .bind(i.rating_template_id).bind(i.rating_min_talk.min(3600) as i32).execute(c).await)?;
    if done != 1 {
        return Err(ApiError::conflict(
            "the message settings were changed meanwhile",
        ));
    }
    let (after, _) = load(&mut tx).await?;
    audited(
        &mut tx,
        session,
        now,
        "message_settings_update",
        (&before, &after),
    )
    .await?;
    tx.commit().await?;
    Ok(after)
}

/// An audit row of a change to the settings, without the inbound key (it lets a gateway post
/// replies: never in the audit log).
async fn audited(
    tx: &mut Tx,
    session: &Session,
    now: chrono::DateTime<chrono::Utc>,
    operation: &str,
    (before, after): (&MessageSettings, &MessageSettings),
) -> Result<(), ApiError> {
    let unkeyed = |s: &MessageSettings| MessageSettings {
        inbound_key: String::new(),
        ..s.clone()
    };
    audit::record(
        tx,
        session,
        now,
        Change {
            operation,
            entity: "message_settings",
            entity_id: None,
            before: Some(&unkeyed(before)),
            after: Some(&unkeyed(after)),
        },
    )
    .await
}

/// A new inbound key, from the operating system's random source: the addresses given to the
/// gateway change, and the old key is refused from then on.
pub(crate) async fn message_inbound_key_rotate(
    core: &Core,
    session: &Session,
    args: MessageInboundKeyRotateArgs,
) -> Result<MessageSettings, ApiError> {
    let key = crate::auth::secrets::random_hex::<16>();
    let now = core.now();
    let mut tx = core.db.write().await?;
    let (before, _) = load(&mut tx).await?;
    let done = exec_tx!(&mut tx, c => sqlx::query(
        "UPDATE message_settings SET inbound_key = $1, version = version + 1, updated_at = $2, updated_by = $3 \
         WHERE id = 1 AND version = $4")
        .bind(&key).bind(now).bind(session.user_id).bind(args.version).execute(c).await)?;
    if done != 1 {
        return Err(ApiError::conflict(
            "the message settings were changed meanwhile",
        ));
    }
    let (after, _) = load(&mut tx).await?;
    audited(
        &mut tx,
        session,
        now,
        "message_inbound_key_rotate",
        (&before, &after),
    )
    .await?;
    tx.commit().await?;
    Ok(after)
}
