//! The caller popup: who is calling, before anyone picks up. Every card carrying the number
//! and the children of those who are guardians, each with its photo, status, category,
//! responsible manager, passes with visits left, red flags (debt among them), its tasks and
//! the last notes — filled in for one reader, as that reader may see it.

use std::collections::HashMap;

use chrono::{DateTime, NaiveDate, Utc};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use specta::Type;
use uuid::Uuid;

use super::calls::TrackedCall;
use crate::auth::{Session, UserRef};
use crate::clients::by_phone::matches;
use crate::clients::model::{ClientSummary, GuardianRelation};
use crate::error::ApiError;
use crate::money::flags::{flags_for, Flag, Reader};
use crate::phone::{suffix_key, Phone};
use crate::roles::Permission;
use crate::{on_tx, Core};

/// Notes shown per card.
const NOTES: i64 = 3;
/// Tasks shown per card.
const TASKS: i64 = 3;

#[derive(Debug, Clone, Serialize, Deserialize, Type, JsonSchema)]
pub struct CallPopup {
    /// The PBX's id of the call.
    pub call_id: String,
    /// The extension ringing (the reader's).
    pub extension: String,
    /// The caller's number as the PBX gave it, and in E.164 when it reads as one.
    pub number: Option<String>,
    pub number_e164: Option<String>,
    /// The caller's name as the PBX gave it.
    pub name: Option<String>,
    /// The centre's number that was called.
    pub did: Option<String>,
    pub started_at: DateTime<Utc>,
    /// When the hub heard the extension ring.
    pub ringing_at: DateTime<Utc>,
    /// Every card carrying the number, then the children of those who are guardians; empty
    /// for an unknown number (or a reader who may not read cards).
    pub cards: Vec<PopupCard>,
}

#[derive(Debug, Clone, Serialize, Deserialize, Type, JsonSchema)]
pub struct PopupCard {
    pub client: ClientSummary,
    pub photo_id: Option<Uuid>,
    /// Set when the card came as a child of a guardian carrying the number.
    pub guardian_id: Option<Uuid>,
    pub relation: Option<GuardianRelation>,
    /// The discount category's name.
    pub category: Option<String>,
    pub manager: Option<UserRef>,
    /// Passes usable now or later (for readers who see money).
    pub passes: Vec<PopupPass>,
    pub flags: Vec<Flag>,
    /// The last notes and contacts of the timeline, newest first.
    pub notes: Vec<PopupNote>,
    /// Its tasks: open ones first (due soonest), then the last done.
    pub tasks: Vec<PopupTask>,
}

#[derive(Debug, Clone, Serialize, Deserialize, Type, JsonSchema)]
pub struct PopupTask {
    pub id: Uuid,
    pub title: String,
    pub due_at: Option<DateTime<Utc>>,
    pub assignee: String,
    pub done_at: Option<DateTime<Utc>>,
    pub outcome: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, Type, JsonSchema)]
pub struct PopupPass {
    pub id: Uuid,
    pub name: String,
    /// None: unlimited.
    pub visits_left: Option<u32>,
    pub visits_total: Option<u32>,
    pub ends_on: Option<NaiveDate>,
}

#[derive(Debug, Clone, Serialize, Deserialize, Type, JsonSchema)]
pub struct PopupNote {
    pub kind: String,
    pub at: DateTime<Utc>,
    pub title: String,
    /// The first 200 characters.
    pub body: String,
    pub author: Option<String>,
}

impl CallPopup {
    /// A popup for `call` ringing at `extension`, before its cards are filled in.
    pub(crate) fn new(call: &TrackedCall, extension: String, at: DateTime<Utc>) -> CallPopup {
        CallPopup {
            call_id: call.linkedid.clone(),
            extension,
            number: call.number.clone(),
            number_e164: None,
            name: call.name.clone(),
            did: call.did.clone(),
            started_at: call.started_at,
            ringing_at: at,
            cards: Vec::new(),
        }
    }
}

type PassRow = (
    Uuid,
    Uuid,
    String,
    Option<i32>,
    Option<i32>,
    Option<NaiveDate>,
);
type NoteRow = (Uuid, String, DateTime<Utc>, String, String, Option<String>);
type CardRow = (Uuid, Option<Uuid>, Option<String>, Option<String>);

/// Fills in the cards of `popup` for `session`.
pub(crate) async fn fill(
    core: &Core,
    session: &Session,
    popup: &mut CallPopup,
) -> Result<(), ApiError> {
    let country = &session.local.phone_country;
    let Some(number) = popup.number.clone() else {
        return Ok(());
    };
    popup.number_e164 = Phone::parse("number", &number, country)
        .ok()
        .map(|p| p.e164().to_string());
    let Some(key) = suffix_key(&number, country) else {
        return Ok(());
    };
    // Finding cards by a number is for those who may read cards and see phones, as
    // `clients_by_phone`.
    if !session.can(Permission::ClientsRead) || !session.can(Permission::ClientsPhones) {
        return Ok(());
    }
    let found = matches(&core.db, key).await?;
    if found.is_empty() {
        return Ok(());
    }
    let ids: Vec<Uuid> = found.iter().map(|m| m.client.id).collect();
    let marks = (1..=ids.len())
        .map(|i| format!("${i}"))
        .collect::<Vec<_>>()
        .join(", ");
    let today = session.local_date(core.now());
    let mut tx = core.db.read().await?;
    let cards: Vec<CardRow> = on_tx!(&mut tx, c => {
        let sql = format!(
            "SELECT c.id, c.photo_id, k.name, u.display_name FROM clients c \
             LEFT JOIN client_categories k ON k.id = c.category_id \
             LEFT JOIN users u ON u.id = c.manager_id WHERE c.id IN ({marks})");
        let mut q = sqlx::query_as(&sql);
        for id in &ids { q = q.bind(*id); }
        q.fetch_all(c).await
    })?;
    let passes: Vec<PassRow> = if session.can(Permission::MoneyRead) {
        on_tx!(&mut tx, c => {
            let sql = format!(
                "SELECT client_id, id, name, visits_left, visits_total, ends_on FROM memberships \
                 WHERE client_id IN ({marks}) AND cancelled_at IS NULL \
                 AND (ends_on IS NULL OR ends_on >= ${}) ORDER BY ends_on, created_at", ids.len() + 1);
            let mut q = sqlx::query_as(&sql);
            for id in &ids { q = q.bind(*id); }
            q.bind(today).fetch_all(c).await
        })?
    } else {
        Vec::new()
    };
    let notes: Vec<NoteRow> = on_tx!(&mut tx, c => {
        let sql = format!(
            "SELECT client_id, kind, at, title, body, author FROM (SELECT t.client_id, t.kind, t.at, t.title, \
             t.body, u.display_name AS author, ROW_NUMBER() OVER (PARTITION BY t.client_id ORDER BY t.at DESC) AS n \
             FROM client_timeline t LEFT JOIN users u ON u.id = t.created_by \
             WHERE t.client_id IN ({marks}) AND t.kind IN ('note', 'contact', 'observation') \
             AND (t.title <> '' OR t.body <> '')) x \
             WHERE n <= {NOTES} ORDER BY at DESC");
        let mut q = sqlx::query_as(&sql);
        for id in &ids { q = q.bind(*id); }
        q.fetch_all(c).await
    })?;
    let tasks = crate::tasks::latest_for(&mut tx, &ids, TASKS).await?;
    let flags = flags_for(&mut tx, Some(&ids), today, Reader::of(session)).await?;
    tx.commit().await?;
    let cards: HashMap<Uuid, CardRow> = cards.into_iter().map(|r| (r.0, r)).collect();
    let mut flags: HashMap<Uuid, Vec<Flag>> =
        flags.into_iter().map(|f| (f.client_id, f.flags)).collect();
    popup.cards = found
        .into_iter()
        .map(|m| {
            let id = m.client.id;
            let row = cards.get(&id);
            let client = m.client;
            PopupCard {
                photo_id: row.and_then(|r| r.1),
                category: row.and_then(|r| r.2.clone()),
                manager: client.manager_id.map(|mid| UserRef {
                    id: mid,
                    name: row.and_then(|r| r.3.clone()).unwrap_or_default(),
                }),
                guardian_id: m.guardian_id,
                relation: m.relation,
                passes: passes
                    .iter()
                    .filter(|p| p.0 == id)
                    .map(|p| PopupPass {
                        id: p.1,
                        name: p.2.clone(),
                        visits_left: p.3.and_then(|v| u32::try_from(v).ok()),
                        visits_total: p.4.and_then(|v| u32::try_from(v).ok()),
                        ends_on: p.5,
                    })
                    .collect(),
                flags: flags.remove(&id).unwrap_or_default(),
                notes: notes
                    .iter()
                    .filter(|n| n.0 == id)
                    .map(|n| PopupNote {
                        kind: n.1.clone(),
                        at: n.2,
                        title: n.3.clone(),
                        body: n.4.chars().take(200).collect(),
                        author: n.5.clone(),
                    })
                    .collect(),
                tasks: tasks
                    .iter()
                    .filter(|t| t.client.as_ref().is_some_and(|c| c.id == id))
                    .map(|t| PopupTask {
                        id: t.id,
                        title: t.title.clone(),
                        due_at: t.due_at,
                        assignee: t.assignee.name.clone(),
                        done_at: t.done_at,
                        outcome: t.outcome.chars().take(200).collect(),
                    })
                    .collect(),
                client,
            }
        })
        .collect();
    Ok(())
}
