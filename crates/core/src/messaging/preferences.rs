//! A client's messaging preferences on the card: the language the centre writes in, and the
//! channels the client opted out of (`message_optout_set` changes those).

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use specta::Type;
use uuid::Uuid;

use super::templates::{MessageChannel, LANGUAGES};
use crate::audit::{self, Entry};
use crate::auth::Session;
use crate::error::ApiError;
use crate::{exec_tx, on_tx, Core};

#[derive(Debug, Clone, Serialize, Deserialize, Type, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ClientMessagingArgs {
    pub client_id: Uuid,
}

#[derive(Debug, Clone, Serialize, Deserialize, Type, JsonSchema)]
pub struct ClientMessaging {
    pub client_id: Uuid,
    /// `en`, `ru`, `lo`, `km`; empty: each template's first language.
    pub language: String,
    pub opted_out: Vec<MessageChannel>,
}

#[derive(Debug, Clone, Serialize, Deserialize, Type, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ClientLanguageArgs {
    pub client_id: Uuid,
    /// One of the app's languages, or empty.
    pub language: String,
}

pub(crate) async fn client_messaging_get(
    core: &Core,
    _session: &Session,
    args: ClientMessagingArgs,
) -> Result<ClientMessaging, ApiError> {
    let mut tx = core.db.read().await?;
    let language: Option<String> = on_tx!(&mut tx, c => sqlx::query_scalar("SELECT language FROM clients WHERE id = $1")
        .bind(args.client_id).fetch_optional(c).await)?;
    let Some(language) = language else {
        return Err(ApiError::not_found("client"));
    };
    let out: Vec<String> = on_tx!(&mut tx, c => sqlx::query_scalar(
        "SELECT channel FROM message_optouts WHERE client_id = $1 ORDER BY channel")
        .bind(args.client_id).fetch_all(c).await)?;
    tx.commit().await?;
    Ok(ClientMessaging {
        client_id: args.client_id,
        language,
        opted_out: out.iter().map(|c| MessageChannel::parse(c)).collect(),
    })
}

pub(crate) async fn client_language_set(
    core: &Core,
    session: &Session,
    args: ClientLanguageArgs,
) -> Result<ClientMessaging, ApiError> {
    let language = args.language.trim();
    if !language.is_empty() && !LANGUAGES.contains(&language) {
        return Err(ApiError::field(
            "language",
            "invalid",
            "one of the app's languages",
        ));
    }
    let now = core.now();
    let mut tx = core.db.write().await?;
    let before: Option<String> = on_tx!(&mut tx, c => sqlx::query_scalar("SELECT language FROM clients WHERE id = $1")
        .bind(args.client_id).fetch_optional(c).await)?;
    let Some(before) = before else {
        return Err(ApiError::field("client_id", "not_found", "no such card"));
    };
    if before != language {
        exec_tx!(&mut tx, c => sqlx::query("UPDATE clients SET language = $1 WHERE id = $2")
            .bind(language).bind(args.client_id).execute(c).await)?;
        audit::append(
            &mut tx,
            Some(session),
            now,
            Entry {
                operation: "client_language_set",
                entity: "client",
                entity_id: Some(args.client_id),
                before: Some(serde_json::json!({ "language": before }).to_string()),
                after: Some(serde_json::json!({ "language": language }).to_string()),
            },
        )
        .await?;
    }
    tx.commit().await?;
    client_messaging_get(
        core,
        session,
        ClientMessagingArgs {
            client_id: args.client_id,
        },
    )
    .await
}
