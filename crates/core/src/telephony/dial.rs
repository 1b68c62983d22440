//! Click-to-call: the office PBX rings the caller's own phone, and when it is picked up dials
//! the client's number (`Originate` of `PJSIP/<extension>` into the dialplan context, with
//! the centre's prefix and number format). The call carries the card's id (`HALLPASS_CLIENT`),
//! so the log links it to the card whichever cards carry the number.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use specta::Type;
use uuid::Uuid;

use super::settings::{DialFormat, PbxKind};
use crate::auth::Session;
use crate::error::ApiError;
use crate::phone::Phone;
use crate::{on_tx, Core};

#[derive(Debug, Clone, Serialize, Deserialize, Type, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CallOriginateArgs {
    /// The card the call is for, if any.
    #[serde(default)]
    pub client_id: Option<Uuid>,
    /// The number to call, as written anywhere (the card's, or typed).
    pub number: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, Type, JsonSchema)]
pub struct CallOriginated {
    /// The caller's extension, which rings first.
    pub extension: String,
    /// What the PBX dials once it is picked up.
    pub dialled: String,
}

fn unavailable(message: impl Into<String>) -> ApiError {
    ApiError::Unavailable {
        reason: "pbx".into(),
        message: message.into(),
    }
}

pub(crate) async fn call_originate(
    core: &Core,
    session: &Session,
    args: CallOriginateArgs,
) -> Result<CallOriginated, ApiError> {
    let phone = Phone::parse("number", &args.number, &session.local.phone_country)
        .map_err(|e| ApiError::Validation { errors: vec![e] })?;
    if let Some(id) = args.client_id {
        let mut tx = core.db.read().await?;
        let found: Option<Uuid> = on_tx!(&mut tx, c => sqlx::query_scalar("SELECT id FROM clients WHERE id = $1")
            .bind(id).fetch_optional(c).await)?;
        tx.commit().await?;
        if found.is_none() {
            return Err(ApiError::field("client_id", "not_found", "no such card"));
        }
    }
    let settings = core
        .phone
        .settings()
        .ok_or_else(|| unavailable("the hub's telephony is not running"))?;
    if settings.kind != PbxKind::Asterisk {
        return Err(unavailable(
            "click-to-call needs an office PBX (Asterisk) in the settings",
        ));
    }
    let Some(extension) = settings
        .extensions
        .iter()
        .find(|e| e.user.id == session.user_id)
        .map(|e| e.extension.clone())
    else {
        return Err(ApiError::field(
            "extension",
            "no_extension",
            "your login has no phone extension; a manager sets it in the PBX settings",
        ));
    };
    let number = match settings.dial_format {
        DialFormat::National => phone.national_digits(),
        DialFormat::E164 => phone.e164().to_string(),
        DialFormat::Digits => phone.digits(),
    };
    let dialled = format!("{}{number}", settings.dial_prefix);
    let ami = core
        .phone
        .ami()
        .ok_or_else(|| unavailable("the PBX is not connected"))?;
    let channel = format!("PJSIP/{extension}");
    let tag = args.client_id.map(|id| format!("HALLPASS_CLIENT={id}"));
    let mut fields = vec![
        ("Channel", channel.as_str()),
        ("Exten", dialled.as_str()),
        ("Context", settings.dial_context.as_str()),
        ("Priority", "1"),
        ("CallerID", extension.as_str()),
        ("Async", "true"),
    ];
    if let Some(t) = &tag {
        fields.push(("Variable", t.as_str()));
    }
    let answer = ami.send("Originate", &fields).await.map_err(unavailable)?;
    if answer.response() != Some("Success") {
        let why = answer.get("Message").unwrap_or("refused");
        return Err(unavailable(format!("the PBX refused the call: {why}")));
    }
    if let (Some(id), Some(client)) = (answer.action_id(), args.client_id) {
        core.phone.originated(id, client);
    }
    tracing::info!(user = %session.login, %extension, "click-to-call placed");
    Ok(CallOriginated { extension, dialled })
}
