//! Voice broadcast: an uploaded WAV recording played through the office PBX to a list of
//! clients — some cards, a class group or a saved search, each at the first number on the
//! card, those who opted out of SMS left out. Each number is dialled in turn (`Originate` of
//! `Local/<number>@<context>` into `Playback` of the recording, which the PBX fetches from the
//! hub at `/api/media/<token>`), and each call is marked placed or failed with why.

use chrono::{DateTime, Utc};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use specta::Type;
use uuid::Uuid;

use super::settings::{DialFormat, PbxKind};
use crate::audit::{self, Entry};
use crate::auth::{NoArgs, Session};
use crate::error::{ApiError, Problems};
use crate::phone::Phone;
use crate::text::parse_name;
use crate::{exec_tx, on_tx, Core};

/// Between two calls placed: with the PBX's 30 s to answer, at most ten ring at once.
const PACE: std::time::Duration = std::time::Duration::from_secs(3);
/// How long after a broadcast the PBX may still fetch its recording.
const MEDIA_GRACE_HOURS: i64 = 24;

/// The broadcasts this process is dialling.
static DIALLING: std::sync::Mutex<Vec<Uuid>> = std::sync::Mutex::new(Vec::new());

#[derive(Debug, Clone, Serialize, Deserialize, Type, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct VoiceBroadcastStartArgs {
    pub name: String,
    /// A recording uploaded with `file_upload` (purpose `recording`).
    pub file_id: Uuid,
    #[serde(default)]
    pub client_ids: Vec<Uuid>,
    #[serde(default)]
    pub group_id: Option<Uuid>,
    #[serde(default)]
    pub saved_filter_id: Option<Uuid>,
    /// The hub's address as the PBX reaches it (`http://192.168.1.10:8080`).
    pub hub_address: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, Type, JsonSchema)]
pub struct VoiceBroadcast {
    pub id: Uuid,
    pub name: String,
    /// `running` or `done`.
    pub status: String,
    pub total: u32,
    pub placed: u32,
    pub failed: u32,
    /// Cards left out: no phone, or opted out of SMS.
    pub skipped: u32,
    pub created_at: DateTime<Utc>,
    pub finished_at: Option<DateTime<Utc>>,
}

fn unavailable(message: impl Into<String>) -> ApiError {
    ApiError::Unavailable {
        reason: "pbx".into(),
        message: message.into(),
    }
}

pub(crate) async fn voice_broadcast_start(
    core: &Core,
    session: &Session,
    args: VoiceBroadcastStartArgs,
) -> Result<VoiceBroadcast, ApiError> {
    // It places calls as much as it sends messages.
    session.require(crate::roles::Permission::CallsMake)?;
    let mut p = Problems::default();
    let name = p.take(parse_name("name", &args.name, 120));
    let hub = args.hub_address.trim().trim_end_matches('/').to_string();
    if !(hub.starts_with("http://") || hub.starts_with("https://"))
        || hub.contains(char::is_whitespace)
    {
        p.add(
            "hub_address",
            "invalid",
            "the hub's address as the PBX reaches it, e.g. http://192.168.1.10:8080",
        );
    }
    if args.client_ids.is_empty() && args.group_id.is_none() && args.saved_filter_id.is_none() {
        p.add("client_ids", "required", "whom to call");
    }
    p.finish()?;
    let settings = core
        .phone
        .settings()
        .ok_or_else(|| unavailable("the hub's telephony is not running"))?;
    if settings.kind != PbxKind::Asterisk || core.phone.ami().is_none() {
        return Err(unavailable(
            "a voice broadcast needs the office PBX (Asterisk) connected",
        ));
    }
    let now = core.now();
    let mut tx = core.db.write().await?;
    let mime: Option<String> = on_tx!(&mut tx, c => sqlx::query_scalar("SELECT mime FROM files WHERE id = $1")
        .bind(args.file_id).fetch_optional(c).await)?;
    if mime.as_deref() != Some("audio/wav") {
        return Err(ApiError::field(
            "file_id",
            "invalid",
            "upload a WAV recording first",
        ));
    }
    let ids = crate::messaging::audience::resolve(
        &mut tx,
        session,
        &args.client_ids,
        args.group_id,
        args.saved_filter_id,
        now,
    )
    .await?;
    let numbers = first_numbers(&mut tx, &ids).await?;
    let id = crate::new_id();
    let token = format!("{}{}", Uuid::new_v4().simple(), Uuid::new_v4().simple());
    let media_url = format!("{hub}/api/media/{token}.wav");
    exec_tx!(&mut tx, c => sqlx::query(
        "INSERT INTO voice_broadcasts (id, name, file_id, token, media_url, status, created_by, created_at) \
         VALUES ($1, $2, $3, $4, $5, 'running', $6, $7)")
        .bind(id).bind(name.as_deref().unwrap_or_default()).bind(args.file_id).bind(&token).bind(&media_url)
        .bind(session.user_id).bind(now).execute(c).await)?;
    for (n, (client, number)) in numbers.iter().enumerate() {
        exec_tx!(&mut tx, c => sqlx::query(
            "INSERT INTO voice_broadcast_calls (broadcast_id, client_id, position, number, status) \
             VALUES ($1, $2, $3, $4, 'queued')")
            .bind(id).bind(*client).bind(n as i32).bind(number).execute(c).await)?;
    }
    let skipped = (ids.len() - numbers.len()) as u32;
    let after = serde_json::json!({ "name": name, "calls": numbers.len(), "skipped": skipped });
    audit::append(
        &mut tx,
        Some(session),
        now,
        Entry {
            operation: "voice_broadcast_start",
            entity: "voice_broadcast",
            entity_id: Some(id),
            before: None,
            after: Some(after.to_string()),
        },
    )
    .await?;
    tx.commit().await?;
    dial(core, id);
    let mut list = broadcasts(core, Some(id)).await?;
    let mut b = list
        .pop()
        .ok_or_else(|| ApiError::not_found("voice_broadcast"))?;
    b.skipped = skipped;
    Ok(b)
}

/// The first phone of each card that has one and did not opt out of SMS.
async fn first_numbers(
    tx: &mut crate::db::Tx,
    ids: &[Uuid],
) -> Result<Vec<(Uuid, String)>, ApiError> {
    let mut out = Vec::new();
    for chunk in ids.chunks(500) {
        let rows: Vec<(Uuid, String)> = crate::db::for_ids(tx,
            "SELECT client_id, number FROM client_phones WHERE client_id IN ({ids}) AND client_id NOT IN \
             (SELECT client_id FROM message_optouts WHERE channel = 'sms') ORDER BY position DESC", chunk).await?;
        // Later rows are earlier positions: the first one wins.
        let first: std::collections::HashMap<Uuid, String> = rows.into_iter().collect();
        out.extend(
            chunk
                .iter()
                .filter_map(|id| first.get(id).map(|n| (*id, n.clone()))),
        );
    }
    Ok(out)
}

/// Dials each queued number of broadcast `id` in turn.
/// Dials broadcast `id` in a task of its own (once per process).
fn dial(core: &Core, id: Uuid) {
    {
        let mut dialling = DIALLING.lock().unwrap_or_else(|e| e.into_inner());
        if dialling.contains(&id) {
            return;
        }
        dialling.push(id);
    }
    let core = core.clone();
    tokio::spawn(async move {
        if let Err(e) = run(&core, id).await {
            tracing::warn!(broadcast = %id, error = %e, "a voice broadcast stopped; it goes on at the next start");
        }
        DIALLING
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .retain(|b| *b != id);
    });
}

/// Goes on with the broadcasts a stop interrupted (called when telephony starts).
pub async fn resume(core: &Core) -> Result<(), ApiError> {
    let mut tx = core.db.read().await?;
    let running: Vec<Uuid> = on_tx!(&mut tx, c => sqlx::query_scalar(
        "SELECT id FROM voice_broadcasts WHERE status = 'running' ORDER BY created_at").fetch_all(c).await)?;
    tx.commit().await?;
    for id in running {
        dial(core, id);
    }
    Ok(())
}

/// Dials each queued number of broadcast `id` in turn, with the PBX settings in force.
async fn run(core: &Core, id: Uuid) -> Result<(), ApiError> {
    loop {
        // Just started, the link may not be up yet: it is waited for a minute.
        for _ in 0..60 {
            if core.phone.settings().is_some() && core.phone.ami().is_some() {
                break;
            }
            tokio::time::sleep(std::time::Duration::from_secs(1)).await;
        }
        let Some(settings) = core.phone.settings() else {
            return Err(unavailable("telephony stopped"));
        };
        let (format, prefix, context) = (
            settings.dial_format,
            settings.dial_prefix.as_str(),
            settings.dial_context.as_str(),
        );
        let mut tx = core.db.read().await?;
        let media: String = on_tx!(&mut tx, c => sqlx::query_scalar(
            "SELECT media_url FROM voice_broadcasts WHERE id = $1").bind(id).fetch_one(c).await)?;
        let media = media.as_str();
        let mut tx = core.db.read().await?;
        let next: Option<(Uuid, String)> = on_tx!(&mut tx, c => sqlx::query_as(
            "SELECT client_id, number FROM voice_broadcast_calls WHERE broadcast_id = $1 AND status = 'queued' \
             ORDER BY position LIMIT 1").bind(id).fetch_optional(c).await)?;
        let local = crate::centre::local(&mut tx).await?;
        tx.commit().await?;
        let Some((client, number)) = next else { break };
        let dialled = Phone::parse("number", &number, &local.phone_country).map(|p| match format {
            DialFormat::National => p.national_digits(),
            DialFormat::E164 => p.e164().to_string(),
            DialFormat::Digits => p.digits(),
        });
        let outcome = match (dialled, core.phone.ami()) {
            (Err(_), _) => Err("not a phone number".to_string()),
            (_, None) => Err("the PBX is not connected".to_string()),
            (Ok(d), Some(ami)) => {
                let channel = format!("Local/{prefix}{d}@{context}");
                let fields = [
                    ("Channel", channel.as_str()),
                    ("Application", "Playback"),
                    ("Data", media),
                    ("Timeout", "30000"),
                    ("Async", "true"),
                ];
                match ami.send("Originate", &fields).await {
                    Ok(a) if a.response() == Some("Success") => Ok(()),
                    Ok(a) => Err(format!(
                        "the PBX refused the call: {}",
                        a.get("Message").unwrap_or("refused")
                    )),
                    Err(e) => Err(e),
                }
            }
        };
        let (status, error) = match &outcome {
            Ok(()) => ("placed", None),
            Err(e) => ("failed", Some(e.as_str())),
        };
        let mut tx = core.db.write().await?;
        exec_tx!(&mut tx, c => sqlx::query(
            "UPDATE voice_broadcast_calls SET status = $1, error = $2, attempted_at = $3 \
             WHERE broadcast_id = $4 AND client_id = $5")
            .bind(status).bind(error).bind(core.now()).bind(id).bind(client).execute(c).await)?;
        let after = serde_json::json!({ "client_id": client, "status": status, "error": error });
        audit::append(
            &mut tx,
            None,
            core.now(),
            Entry {
                operation: "voice_broadcast_call",
                entity: "voice_broadcast",
                entity_id: Some(id),
                before: None,
                after: Some(after.to_string()),
            },
        )
        .await?;
        tx.commit().await?;
        tokio::time::sleep(PACE).await;
    }
    let mut tx = core.db.write().await?;
    exec_tx!(&mut tx, c => sqlx::query("UPDATE voice_broadcasts SET status = 'done', finished_at = $1 WHERE id = $2")
        .bind(core.now()).bind(id).execute(c).await)?;
    audit::append(
        &mut tx,
        None,
        core.now(),
        Entry {
            operation: "voice_broadcast_done",
            entity: "voice_broadcast",
            entity_id: Some(id),
            before: None,
            after: None,
        },
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

async fn broadcasts(core: &Core, only: Option<Uuid>) -> Result<Vec<VoiceBroadcast>, ApiError> {
    let mut tx = core.db.read().await?;
    type Row = (
        Uuid,
        String,
        String,
        DateTime<Utc>,
        Option<DateTime<Utc>>,
        i64,
        i64,
        i64,
    );
    let rows: Vec<Row> = on_tx!(&mut tx, c => sqlx::query_as(
        "SELECT b.id, b.name, b.status, b.created_at, b.finished_at, \
         (SELECT COUNT(*) FROM voice_broadcast_calls k WHERE k.broadcast_id = b.id), \
         (SELECT COUNT(*) FROM voice_broadcast_calls k WHERE k.broadcast_id = b.id AND k.status = 'placed'), \
         (SELECT COUNT(*) FROM voice_broadcast_calls k WHERE k.broadcast_id = b.id AND k.status = 'failed') \
         FROM voice_broadcasts b WHERE ($1 IS NULL OR b.id = $1) ORDER BY b.created_at DESC LIMIT 50")
        .bind(only).fetch_all(c).await)?;
    tx.commit().await?;
    Ok(rows
        .into_iter()
        .map(|r| VoiceBroadcast {
            id: r.0,
            name: r.1,
            status: r.2,
            created_at: r.3,
            finished_at: r.4,
            total: r.5 as u32,
            placed: r.6 as u32,
            failed: r.7 as u32,
            skipped: 0,
        })
        .collect())
}

pub(crate) async fn voice_broadcasts_list(
    core: &Core,
    _session: &Session,
    _args: NoArgs,
) -> Result<Vec<VoiceBroadcast>, ApiError> {
    broadcasts(core, None).await
}

/// The recording a broadcast plays, for the PBX fetching `/api/media/<token>.wav`.
pub async fn media(core: &Core, token: &str) -> Result<Option<Vec<u8>>, ApiError> {
    let token = token.trim_end_matches(".wav");
    let since = core.now() - chrono::Duration::hours(MEDIA_GRACE_HOURS);
    let mut tx = core.db.read().await?;
    let bytes: Option<Vec<u8>> = on_tx!(&mut tx, c => sqlx::query_scalar(
        "SELECT f.content FROM voice_broadcasts b JOIN files f ON f.id = b.file_id WHERE b.token = $1 \
         AND (b.status = 'running' OR b.finished_at > $2)")
        .bind(token).bind(since).fetch_optional(c).await)?;
    tx.commit().await?;
    Ok(bytes)
}
