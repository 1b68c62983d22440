//! The PBX settings: an office Asterisk (address, manager user and secret) or a cloud PBX
//! (its signing secret), the click-to-call context and prefix, and whose phone each extension
//! is. Secrets are written, never read back: the settings say only whether one is set.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use specta::Type;
use uuid::Uuid;

use super::ami::AmiConfig;
use crate::audit::{self, Change};
use crate::auth::{Session, UserRef};
use crate::db::Tx;
use crate::error::{ApiError, Problems};
use crate::{exec_tx, on_tx, Core};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Type, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum PbxKind {
    None,
    Asterisk,
    Webhook,
}

impl PbxKind {
    fn as_str(self) -> &'static str {
        match self {
            PbxKind::None => "none",
            PbxKind::Asterisk => "asterisk",
            PbxKind::Webhook => "webhook",
        }
    }
}

/// How click-to-call writes the number it dials (after the prefix).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, Type, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum DialFormat {
    /// As dialled at home: `020 5551 2345` → `02055512345`.
    #[default]
    National,
    /// `+8562055512345`.
    E164,
    /// `8562055512345` (E.164 without the plus).
    Digits,
}

impl DialFormat {
    fn as_str(self) -> &'static str {
        match self {
            DialFormat::National => "national",
            DialFormat::E164 => "e164",
            DialFormat::Digits => "digits",
        }
    }

    fn parse(s: &str) -> DialFormat {
        match s {
            "e164" => DialFormat::E164,
            "digits" => DialFormat::Digits,
            _ => DialFormat::National,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type, JsonSchema)]
pub struct PbxExtension {
    pub extension: String,
    pub user: UserRef,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type, JsonSchema)]
pub struct PbxSettings {
    pub kind: PbxKind,
    /// `host:port` of the Asterisk manager interface.
    pub address: String,
    pub username: String,
    /// A manager secret is kept (it is never shown).
    pub secret_set: bool,
    pub dial_context: String,
    pub dial_prefix: String,
    pub dial_format: DialFormat,
    /// A cloud PBX's signing secret is kept (never shown).
    pub webhook_secret_set: bool,
    pub extensions: Vec<PbxExtension>,
    pub version: i64,
}

#[derive(Debug, Clone, Serialize, Deserialize, Type, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PbxExtensionInput {
    pub extension: String,
    pub user_id: Uuid,
}

#[derive(Clone, Serialize, Deserialize, Type, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PbxSettingsInput {
    pub kind: PbxKind,
    #[serde(default)]
    pub address: String,
    #[serde(default)]
    pub username: String,
    /// None keeps the secret kept; a value replaces it.
    #[serde(default)]
    pub secret: Option<String>,
    #[serde(default)]
    pub dial_context: String,
    #[serde(default)]
    pub dial_prefix: String,
    #[serde(default)]
    pub dial_format: DialFormat,
    /// None keeps the secret kept; a value replaces it.
    #[serde(default)]
    pub webhook_secret: Option<String>,
    #[serde(default)]
    pub extensions: Vec<PbxExtensionInput>,
}

/// Secrets never show in logs.
impl std::fmt::Debug for PbxSettingsInput {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PbxSettingsInput")
            .field("kind", &self.kind)
            .field("address", &self.address)
            .field("username", &self.username)
            .field("secret", &self.secret.as_ref().map(|_| "***"))
            .field(
                "webhook_secret",
                &self.webhook_secret.as_ref().map(|_| "***"),
            )
            .field("dial_format", &self.dial_format)
            .field("extensions", &self.extensions.len())
            .finish()
    }
}

#[derive(Debug, Clone, Serialize, Deserialize, Type, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PbxSettingsUpdateArgs {
    pub version: i64,
    pub settings: PbxSettingsInput,
}

type Row = (
    String,
    String,
    String,
    String,
    String,
    String,
    String,
    String,
    i64,
    String,
);

/// The settings with the manager secret and the signing secret.
pub(crate) async fn load(tx: &mut Tx) -> Result<(PbxSettings, String, String), ApiError> {
    let r: Row = on_tx!(tx, c => sqlx::query_as(
        "SELECT kind, address, username, secret, dial_context, dial_prefix, webhook_secret, extensions, version, dial_format \
         FROM pbx_settings WHERE id = 1").fetch_one(c).await)?;
    let kind = match r.0.as_str() {
        "asterisk" => PbxKind::Asterisk,
        "webhook" => PbxKind::Webhook,
        _ => PbxKind::None,
    };
    let stored: Vec<(String, Uuid)> = serde_json::from_str::<Vec<serde_json::Value>>(&r.7)
        .unwrap_or_default()
        .iter()
        .filter_map(|v| {
            Some((
                v["extension"].as_str()?.to_string(),
                v["user_id"].as_str()?.parse().ok()?,
            ))
        })
        .collect();
    // Every login's name in one query.
    let ids: Vec<Uuid> = stored.iter().map(|(_, id)| *id).collect();
    let names: std::collections::HashMap<Uuid, String> = if ids.is_empty() {
        Default::default()
    } else {
        crate::db::for_ids::<(Uuid, String)>(
            tx,
            "SELECT id, display_name FROM users WHERE id IN ({ids})",
            &ids,
        )
        .await?
        .into_iter()
        .collect()
    };
    let extensions = stored
        .into_iter()
        .map(|(extension, id)| PbxExtension {
            extension,
            user: UserRef {
                id,
                name: names.get(&id).cloned().unwrap_or_default(),
            },
        })
        .collect();
    let settings = PbxSettings {
        kind,
        address: r.1,
        username: r.2,
        secret_set: !r.3.is_empty(),
        dial_context: r.4,
        dial_prefix: r.5,
        dial_format: DialFormat::parse(&r.9),
        webhook_secret_set: !r.6.is_empty(),
        extensions,
        version: r.8,
    };
    Ok((settings, r.3, r.6))
}

pub(crate) async fn pbx_settings_get(
    core: &Core,
    _session: &Session,
    _args: crate::auth::NoArgs,
) -> Result<PbxSettings, ApiError> {
    let mut tx = core.db.read().await?;
    let (s, _, _) = load(&mut tx).await?;
    tx.commit().await?;
    Ok(s)
}

/// What the connector needs: none unless an office Asterisk is set up.
pub async fn ami_config(core: &Core) -> Result<Option<AmiConfig>, ApiError> {
    let mut tx = core.db.read().await?;
    let (s, secret, _) = load(&mut tx).await?;
    tx.commit().await?;
    Ok((s.kind == PbxKind::Asterisk).then(|| AmiConfig {
        address: s.address,
        username: s.username,
        secret,
        extensions: s.extensions.into_iter().map(|e| e.extension).collect(),
        clock: core.clock(),
    }))
}

fn plain(v: &str) -> bool {
    v.chars()
        .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.'))
}

pub(crate) async fn pbx_settings_update(
    core: &Core,
    session: &Session,
    args: PbxSettingsUpdateArgs,
) -> Result<PbxSettings, ApiError> {
    let i = args.settings;
    let mut p = Problems::default();
    let address = i.address.trim().to_string();
    let username = i.username.trim().to_string();
    let context = if i.dial_context.trim().is_empty() {
        "internal".to_string()
    } else {
        i.dial_context.trim().to_string()
    };
    let prefix = i.dial_prefix.trim().to_string();
    if i.kind == PbxKind::Asterisk {
        let port = address
            .rsplit_once(':')
            .and_then(|(h, port)| (!h.is_empty()).then_some(port)?.parse::<u16>().ok());
        if !matches!(port, Some(1..)) || address.contains(char::is_whitespace) {
            p.add(
                "settings.address",
                "invalid",
                "host and port, e.g. 192.168.1.10:5038",
            );
        }
        if username.is_empty() || !plain(&username) {
            p.add(
                "settings.username",
                "required",
                "the manager user of manager.conf",
            );
        }
    }
    if !plain(&context) || context.len() > 40 {
        p.add(
            "settings.dial_context",
            "invalid",
            "letters, digits, _ - . (40 at most)",
        );
    }
    if prefix.len() > 8 || !prefix.chars().all(|c| c.is_ascii_digit() || c == '+') {
        p.add("settings.dial_prefix", "invalid", "digits (8 at most)");
    }
    // Secrets as they will be kept: trimmed before they are checked.
    let new_secret = i.secret.as_deref().map(|s| s.trim().to_string());
    let new_hook = i.webhook_secret.as_deref().map(|s| s.trim().to_string());
    for (k, v) in [
        ("settings.secret", &new_secret),
        ("settings.webhook_secret", &new_hook),
    ] {
        if v.as_deref()
            .is_some_and(|s| s.contains(['\r', '\n']) || s.chars().count() > 200)
        {
            p.add(k, "invalid", "one line of at most 200 characters");
        }
    }
    if i.kind == PbxKind::Webhook && new_hook.as_deref().is_some_and(|s| s.chars().count() < 16) {
        p.add(
            "settings.webhook_secret",
            "too_short",
            "at least 16 characters",
        );
    }
    let now = core.now();
    let mut tx = core.db.write().await?;
    let (before, secret, hook) = load(&mut tx).await?;
    let secret = new_secret.unwrap_or(secret);
    let hook = new_hook.unwrap_or(hook);
    if i.kind == PbxKind::Asterisk && secret.is_empty() {
        p.add("settings.secret", "required", "the manager user's secret");
    }
    if i.kind == PbxKind::Webhook && hook.is_empty() {
        p.add(
            "settings.webhook_secret",
            "required",
            "the signing secret shared with the PBX",
        );
    }
    let mut seen = std::collections::HashSet::new();
    for (n, e) in i.extensions.iter().enumerate() {
        let ext = e.extension.trim();
        if ext.is_empty() || ext.len() > 20 || !plain(ext) {
            p.add(
                format!("settings.extensions.{n}.extension"),
                "invalid",
                "letters and digits (20 at most)",
            );
        } else if !seen.insert(ext.to_string()) {
            p.add(
                format!("settings.extensions.{n}.extension"),
                "duplicate",
                "this extension is listed already",
            );
        }
        let user: Option<Uuid> = on_tx!(&mut tx, c => sqlx::query_scalar("SELECT id FROM users WHERE id = $1")
            .bind(e.user_id).fetch_optional(c).await)?;
        if user.is_none() {
            p.add(
                format!("settings.extensions.{n}.user_id"),
                "not_found",
                "no such user",
            );
        }
    }
    p.finish()?;
    if before.version != args.version {
        return Err(ApiError::conflict(
            "the PBX settings were changed meanwhile",
        ));
    }
    let extensions = serde_json::to_string(
        &i.extensions
            .iter()
            .map(|e| serde_json::json!({ "extension": e.extension.trim(), "user_id": e.user_id }))
            .collect::<Vec<_>>(),
    )
    .unwrap_or_default();
    let done = exec_tx!(&mut tx, c => sqlx::query(
        "UPDATE pbx_settings SET kind = $1, address = $2, username = $3, secret = $4, dial_context = $5, dial_prefix = $6, \
         webhook_secret = $7, extensions = $8, version = version + 1, updated_at = $9, updated_by = $10, \
         dial_format = $12 WHERE id = 1 AND version = $11")
        .bind(i.kind.as_str()).bind(&address).bind(&username).bind(&secret).bind(&context).bind(&prefix)
        .bind(&hook).bind(&extensions).bind(now).bind(session.user_id).bind(args.version)
        .bind(i.dial_format.as_str()).execute(c).await)?;
    if done != 1 {
        return Err(ApiError::conflict(
            "the PBX settings were changed meanwhile",
        ));
    }
    let (after, _, _) = load(&mut tx).await?;
    audit::record(
        &mut tx,
        session,
        now,
        Change {
            operation: "pbx_settings_update",
            entity: "pbx_settings",
            entity_id: None,
            before: Some(&before),
            after: Some(&after),
        },
    )
    .await?;
    tx.commit().await?;
    // The connector follows the new settings.
    core.phone.reload(&after, &hook);
    Ok(after)
}
