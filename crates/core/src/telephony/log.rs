//! The call log: every call that ended, with the client cards carrying its number, and a
//! call-back item for each missed one (the card's responsible manager's, or the reception's).
//! Written by the PBX connection (no user: the audit row's source is `background`).

use chrono::{DateTime, NaiveDate, Utc};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use specta::Type;
use uuid::Uuid;

use super::calls::{Direction, Side, TrackedCall};
use crate::audit::{self, Entry};
use crate::auth::{Session, UserRef};
use crate::changes::Source;
use crate::clients::by_phone::matches;
use crate::clients::timeline::{add_event, TimelineEvent};
use crate::db::for_ids;
use crate::error::{ApiError, Problems};
use crate::phone::{suffix_key, Phone};
use crate::text::optional_date_field;
use crate::{exec_tx, on_tx, Core};

/// A client card a call concerns.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type, JsonSchema)]
pub struct CallClient {
    pub id: Uuid,
    pub name: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, Type, JsonSchema)]
pub struct Call {
    pub id: Uuid,
    /// `incoming` or `outgoing`.
    pub direction: String,
    /// The outside party's number (E.164 when it reads as one).
    pub number: Option<String>,
    pub name: Option<String>,
    /// The centre's number called.
    pub did: Option<String>,
    /// Who answered, or who called out.
    pub extension: Option<String>,
    pub rang: Vec<String>,
    pub started_at: DateTime<Utc>,
    pub answered_at: Option<DateTime<Utc>>,
    pub ended_at: DateTime<Utc>,
    pub missed: bool,
    /// Its end was not heard (the link to the PBX was lost): how it went after is not known.
    pub unheard: bool,
    pub ring_seconds: u32,
    pub talk_seconds: u32,
    /// `centre` or `outside`.
    pub hung_up_by: Option<String>,
    pub clients: Vec<CallClient>,
    /// Whose extension answered or called out.
    pub user: Option<UserRef>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, Type, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CallsListArgs {
    /// `YYYY-MM-DD`, the centre's days, both included; by default the last 7 days.
    #[serde(default)]
    pub from: Option<String>,
    #[serde(default)]
    pub to: Option<String>,
    #[serde(default)]
    pub missed_only: bool,
    /// Only calls of this card.
    #[serde(default)]
    pub client_id: Option<Uuid>,
    #[serde(default)]
    pub direction: Option<CallDirection>,
    /// Only calls this user answered or placed.
    #[serde(default)]
    pub user_id: Option<Uuid>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Type, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum CallDirection {
    Incoming,
    Outgoing,
}

impl CallDirection {
    pub fn as_str(self) -> &'static str {
        match self {
            CallDirection::Incoming => "incoming",
            CallDirection::Outgoing => "outgoing",
        }
    }
}

type Row = (
    Uuid,
    String,
    Option<String>,
    Option<String>,
    Option<String>,
    Option<String>,
    String,
    DateTime<Utc>,
    Option<DateTime<Utc>>,
    DateTime<Utc>,
    bool,
    Option<String>,
    String,
    Option<Uuid>,
    Option<String>,
    bool,
);

const COLUMNS: &str = "id, direction, COALESCE(number_e164, number), name, did, extension, rang, \
                       started_at, answered_at, ended_at, missed, hung_up_by, client_ids, user_id, \
                       (SELECT display_name FROM users u WHERE u.id = calls.user_id), unheard";

async fn rows_to_calls(core: &Core, rows: Vec<Row>) -> Result<Vec<Call>, ApiError> {
    let ids: Vec<Uuid> = rows
        .iter()
        .flat_map(|r| serde_json::from_str::<Vec<Uuid>>(&r.12).unwrap_or_default())
        .collect();
    let names = client_names(core, &ids).await?;
    Ok(rows
        .into_iter()
        .map(|r| {
            let clients = serde_json::from_str::<Vec<Uuid>>(&r.12)
                .unwrap_or_default()
                .into_iter()
                .filter_map(|id| names.iter().find(|c| c.id == id).cloned())
                .collect();
            let secs = |a: DateTime<Utc>, b: DateTime<Utc>| (b - a).num_seconds().max(0) as u32;
            Call {
                id: r.0,
                direction: r.1,
                number: r.2,
                name: r.3,
                did: r.4,
                extension: r.5,
                rang: serde_json::from_str(&r.6).unwrap_or_default(),
                started_at: r.7,
                answered_at: r.8,
                ended_at: r.9,
                missed: r.10,
                unheard: r.15,
                ring_seconds: secs(r.7, r.8.unwrap_or(r.9)),
                talk_seconds: r.8.map_or(0, |a| secs(a, r.9)),
                hung_up_by: r.11,
                clients,
                user: r.13.map(|id| UserRef {
                    id,
                    name: r.14.unwrap_or_default(),
                }),
            }
        })
        .collect())
}

async fn client_names(core: &Core, ids: &[Uuid]) -> Result<Vec<CallClient>, ApiError> {
    let mut ids = ids.to_vec();
    ids.sort();
    ids.dedup();
    let mut out = Vec::new();
    let mut tx = core.db.read().await?;
    // One query per 500 cards, not one per card.
    for chunk in ids.chunks(500) {
        let rows: Vec<(Uuid, String)> = for_ids(
            &mut tx,
            "SELECT id, name FROM clients WHERE id IN ({ids})",
            chunk,
        )
        .await?;
        out.extend(rows.into_iter().map(|(id, name)| CallClient { id, name }));
    }
    tx.commit().await?;
    Ok(out)
}

/// Calls between two of the centre's days, newest first (at most 1,000).
pub(crate) async fn calls_list(
    core: &Core,
    session: &Session,
    args: CallsListArgs,
) -> Result<Vec<Call>, ApiError> {
    let mut p = Problems::default();
    let from = optional_date_field(&mut p, "from", &args.from);
    let to = optional_date_field(&mut p, "to", &args.to);
    p.finish()?;
    let zone = session.local.time_zone;
    let today = session.local_date(core.now());
    let to: NaiveDate = to.unwrap_or(today);
    let from: NaiveDate = from.unwrap_or(to - chrono::Duration::days(6));
    let (start, end) = (
        crate::centre::start_of_day(from, zone),
        crate::centre::start_of_day(to + chrono::Duration::days(1), zone),
    );
    let like = args
        .client_id
        .map(|id| format!("%{id}%"))
        .unwrap_or_else(|| "%".into());
    let direction = args.direction.map(|d| d.as_str());
    let sql = format!(
        "SELECT {COLUMNS} FROM calls WHERE started_at >= $1 AND started_at < $2 AND ($3 = FALSE OR missed) \
         AND client_ids LIKE $4 AND ($5 IS NULL OR direction = $5) AND ($6 IS NULL OR user_id = $6) \
         ORDER BY started_at DESC LIMIT 1000"
    );
    let mut tx = core.db.read().await?;
    let rows: Vec<Row> = on_tx!(&mut tx, c => sqlx::query_as(&sql)
        .bind(start).bind(end).bind(args.missed_only).bind(&like).bind(direction).bind(args.user_id)
        .fetch_all(c).await)?;
    tx.commit().await?;
    rows_to_calls(core, rows).await
}

#[derive(Debug, Clone, Serialize, Deserialize, Type, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CallGetArgs {
    pub id: Uuid,
}

pub(crate) async fn call_get(
    core: &Core,
    _session: &Session,
    args: CallGetArgs,
) -> Result<Call, ApiError> {
    let sql = format!("SELECT {COLUMNS} FROM calls WHERE id = $1");
    let mut tx = core.db.read().await?;
    let rows: Vec<Row> =
        on_tx!(&mut tx, c => sqlx::query_as(&sql).bind(args.id).fetch_all(c).await)?;
    tx.commit().await?;
    rows_to_calls(core, rows)
        .await?
        .pop()
        .ok_or_else(|| ApiError::not_found("call"))
}

/// Keeps a call that ended (once: the same PBX call again is ignored) and, when missed, a
/// call-back item. Returns the call's id, and whether it was new.
pub async fn record(
    core: &Core,
    call: &TrackedCall,
    user: Option<Uuid>,
) -> Result<(Uuid, bool), ApiError> {
    let ended = call.ended_at.unwrap_or_else(|| core.now());
    let mut tx = core.db.write().await?;
    tx.set_source(Source::Background);
    let local = crate::centre::local(&mut tx).await?;
    let number = call.number.clone();
    let parsed = number
        .as_deref()
        .and_then(|n| Phone::parse("number", n, &local.phone_country).ok());
    let e164 = parsed.as_ref().map(|p| p.e164().to_string());
    let country = parsed.as_ref().and_then(Phone::country);
    // The cards carrying the number (not the children reached through a guardian).
    let holders: Vec<(Uuid, Option<Uuid>)> = match number
        .as_deref()
        .and_then(|n| suffix_key(n, &local.phone_country))
    {
        Some(key) => matches(&core.db, key)
            .await?
            .into_iter()
            .filter(|m| m.guardian_id.is_none())
            .map(|m| (m.client.id, m.client.manager_id))
            .collect(),
        None => Vec::new(),
    };
    // A call placed from a card is that card's, whichever cards carry the number.
    let mut holders = holders;
    if let Some(tag) = call
        .client_tag
        .as_deref()
        .and_then(|t| t.parse::<Uuid>().ok())
    {
        if !holders.iter().any(|h| h.0 == tag) {
            let manager: Option<Option<Uuid>> = on_tx!(&mut tx, c => sqlx::query_scalar(
                "SELECT manager_id FROM clients WHERE id = $1").bind(tag).fetch_optional(c).await)?;
            if let Some(m) = manager {
                holders.insert(0, (tag, m));
            }
        }
    }
    let existing: Option<Uuid> = on_tx!(&mut tx, c => sqlx::query_scalar(
        "SELECT id FROM calls WHERE pbx_call_id = $1 AND started_at = $2")
        .bind(&call.linkedid).bind(call.started_at).fetch_optional(c).await)?;
    if let Some(id) = existing {
        tx.commit().await?;
        return Ok((id, false));
    }
    let id = crate::new_id();
    let direction = match call.direction {
        Direction::Incoming => "incoming",
        Direction::Outgoing => "outgoing",
    };
    let hung_up_by = call.hung_up_by.map(|s| match s {
        Side::Centre => "centre",
        Side::Outside => "outside",
    });
    let rang = serde_json::to_string(&call.rang).unwrap_or_default();
    let clients =
        serde_json::to_string(&holders.iter().map(|h| h.0).collect::<Vec<_>>()).unwrap_or_default();
    let now = core.now();
    let secs = |a: DateTime<Utc>, b: DateTime<Utc>| {
        (b - a).num_seconds().clamp(0, i64::from(i32::MAX)) as i32
    };
    let ring = secs(call.started_at, call.answered_at.unwrap_or(ended));
    let talk = call.answered_at.map_or(0, |a| secs(a, ended));
    // Another connection may have kept the same call meanwhile: then that one stands.
    let inserted = exec_tx!(&mut tx, c => sqlx::query(
        "INSERT INTO calls (id, pbx_call_id, direction, number, number_e164, name, did, extension, rang, started_at, \
         answered_at, ended_at, missed, hung_up_by, client_ids, action_id, client_tag, created_at, user_id, country, \
         ring_seconds, talk_seconds, unheard) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, \
         $16, $17, $18, $19, $20, $21, $22, $23) \
         ON CONFLICT (pbx_call_id, started_at) DO NOTHING")
        .bind(id).bind(&call.linkedid).bind(direction).bind(&number).bind(&e164).bind(&call.name).bind(&call.did)
        .bind(&call.agent).bind(&rang).bind(call.started_at).bind(call.answered_at).bind(ended).bind(call.missed())
        .bind(hung_up_by).bind(&clients).bind(&call.action_id).bind(&call.client_tag).bind(now)
        .bind(user).bind(&country).bind(ring).bind(talk).bind(call.unheard).execute(c).await)?;
    if inserted == 0 {
        let id: Uuid = on_tx!(&mut tx, c => sqlx::query_scalar(
            "SELECT id FROM calls WHERE pbx_call_id = $1 AND started_at = $2")
            .bind(&call.linkedid).bind(call.started_at).fetch_one(c).await)?;
        tx.commit().await?;
        return Ok((id, false));
    }
    // On the timeline of every card the call concerns.
    let user_name: Option<String> = match user {
        Some(u) => {
            on_tx!(&mut tx, c => sqlx::query_scalar("SELECT display_name FROM users WHERE id = $1")
            .bind(u).fetch_optional(c).await)?
        }
        None => None,
    };
    for (client, _) in &holders {
        let line = TimelineEvent::Call {
            call_id: id,
            direction: direction.to_string(),
            missed: call.missed(),
            talk_seconds: u32::try_from(talk).unwrap_or(0),
            user: user_name.clone(),
            unheard: call.unheard,
        };
        add_event(&mut tx, *client, &line, None, call.started_at).await?;
    }
    if call.missed() {
        let (client, manager) = holders.first().copied().unzip();
        exec_tx!(&mut tx, c => sqlx::query(
            "INSERT INTO callbacks (id, call_id, client_id, assigned_to, status, created_at) VALUES ($1, $2, $3, $4, 'open', $5)")
            .bind(crate::new_id()).bind(id).bind(client).bind(manager.flatten()).bind(now).execute(c).await)?;
    }
    // An answered call from a card's number: the caller may be asked to rate who answered
    // (not when how it ended was not heard).
    let mut asked = false;
    if let (Some(_), Some(user), Some(number), Some((client, _)), "incoming", false) = (
        call.answered_at,
        user,
        &e164,
        holders.first(),
        direction,
        call.unheard,
    ) {
        let answered = crate::messaging::rating::Answered {
            call_id: id,
            client_id: *client,
            user_id: user,
            number: number.clone(),
            talk_seconds: i64::from(talk),
        };
        asked = crate::messaging::rating::ask(&mut tx, &answered, now).await?;
    }
    let after = serde_json::json!({ "direction": direction, "number": e164.as_ref().or(number.as_ref()), "missed": call.missed(), "unheard": call.unheard, "extension": call.agent });
    audit::append(
        &mut tx,
        None,
        now,
        Entry {
            operation: "call_ended",
            entity: "call",
            entity_id: Some(id),
            before: None,
            after: Some(after.to_string()),
        },
    )
    .await?;
    tx.commit().await?;
    core.changed();
    if asked {
        core.outbox.wake();
    }
    Ok((id, true))
}
