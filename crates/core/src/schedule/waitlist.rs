//! The waitlist of a full group. The first waiting is offered a freed place; they accept
//! (and join) or decline (and the place goes to the next).

use chrono::{DateTime, NaiveDate, Utc};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use specta::Type;
use uuid::Uuid;

use super::groups::{
    group_in,
    members::{join, members_on},
};
use super::Named;
use crate::audit::{self, Change};
use crate::auth::{Session, UserRef};
use crate::db::Tx;
use crate::error::{ApiError, Problems};
use crate::text::parse_text;
use crate::{exec_tx, on_tx, Core};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Type, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum WaitStatus {
    Waiting,
    /// A place is free for them: they accept or decline.
    Offered,
    Accepted,
    Declined,
    Removed,
}

#[derive(Debug, Clone, Serialize, Deserialize, Type, JsonSchema)]
pub struct WaitlistEntry {
    pub id: Uuid,
    pub group: Named,
    pub client: Named,
    pub status: WaitStatus,
    /// 1 for the first waiting (none once offered or closed).
    pub position: Option<u32>,
    pub note: String,
    pub created_at: DateTime<Utc>,
    pub created_by: Option<UserRef>,
    pub offered_at: Option<DateTime<Utc>>,
    pub version: i64,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, Type, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct WaitlistListArgs {
    #[serde(default)]
    pub group_id: Option<Uuid>,
    #[serde(default)]
    pub client_id: Option<Uuid>,
    /// Also accepted, declined and removed entries.
    #[serde(default)]
    pub include_closed: bool,
}

#[derive(Debug, Clone, Serialize, Deserialize, Type, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct WaitlistAddArgs {
    pub group_id: Uuid,
    pub client_id: Uuid,
    #[serde(default)]
    pub note: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, Type, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct WaitlistResolveArgs {
    pub id: Uuid,
    pub version: i64,
    /// `accept` (joins the group), `decline` (the place goes to the next) or `remove`.
    pub action: WaitAction,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Type, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum WaitAction {
    Accept,
    Decline,
    Remove,
}

#[derive(sqlx::FromRow)]
struct Row {
    id: Uuid,
    group_id: Uuid,
    group_name: String,
    client_id: Uuid,
    client_name: String,
    status: String,
    note: String,
    created_at: DateTime<Utc>,
    created_by: Option<Uuid>,
    created_name: Option<String>,
    offered_at: Option<DateTime<Utc>>,
    version: i64,
}

fn status(s: &str) -> WaitStatus {
    match s {
        "offered" => WaitStatus::Offered,
        "accepted" => WaitStatus::Accepted,
        "declined" => WaitStatus::Declined,
        "removed" => WaitStatus::Removed,
        _ => WaitStatus::Waiting,
    }
}

async fn list(
    tx: &mut Tx,
    args: &WaitlistListArgs,
    id: Option<Uuid>,
) -> Result<Vec<WaitlistEntry>, ApiError> {
    let rows: Vec<Row> = on_tx!(tx, c => sqlx::query_as(
        "SELECT w.id, w.group_id, g.name AS group_name, w.client_id, c.name AS client_name, w.status, w.note, \
         w.created_at, w.created_by, u.display_name AS created_name, w.offered_at, w.version \
         FROM waitlist w JOIN class_groups g ON g.id = w.group_id JOIN clients c ON c.id = w.client_id \
         LEFT JOIN users u ON u.id = w.created_by \
         WHERE ($1 IS NULL OR w.group_id = $1) AND ($2 IS NULL OR w.client_id = $2) AND ($3 IS NULL OR w.id = $3) \
         AND ($4 OR w.status IN ('waiting','offered')) ORDER BY g.name_key, w.group_id, w.created_at, w.id")
        .bind(args.group_id).bind(args.client_id).bind(id).bind(args.include_closed || id.is_some())
        .fetch_all(c).await)?;
    let mut out = Vec::new();
    let (mut group, mut n) = (None, 0);
    for r in rows {
        if group != Some(r.group_id) {
            group = Some(r.group_id);
            n = 0;
        }
        let s = status(&r.status);
        let position = (s == WaitStatus::Waiting).then(|| {
            n += 1;
            n
        });
        out.push(WaitlistEntry {
            id: r.id,
            group: Named {
                id: r.group_id,
                name: r.group_name,
            },
            client: Named {
                id: r.client_id,
                name: r.client_name,
            },
            status: s,
            position,
            note: r.note,
            created_at: r.created_at,
            created_by: UserRef::from_row(r.created_by, r.created_name),
            offered_at: r.offered_at,
            version: r.version,
        });
    }
    Ok(out)
}

pub(crate) async fn waitlist_list(
    core: &Core,
    _s: &Session,
    args: WaitlistListArgs,
) -> Result<Vec<WaitlistEntry>, ApiError> {
    let mut tx = core.db.read().await?;
    let out = list(&mut tx, &args, None).await?;
    tx.commit().await?;
    Ok(out)
}

/// Puts a client on a group's waitlist (no audit row: the caller's). Already waiting: nothing.
pub(crate) async fn put(
    tx: &mut Tx,
    group: Uuid,
    client: Uuid,
    note: &str,
    s: &Session,
    now: DateTime<Utc>,
) -> Result<Uuid, ApiError> {
    let open: Option<Uuid> = on_tx!(tx, c => sqlx::query_scalar(
        "SELECT id FROM waitlist WHERE group_id = $1 AND client_id = $2 AND status IN ('waiting','offered')")
        .bind(group).bind(client).fetch_optional(c).await)?;
    if let Some(id) = open {
        return Ok(id);
    }
    let id = crate::new_id();
    exec_tx!(tx, c => sqlx::query(
        "INSERT INTO waitlist (id, group_id, client_id, status, note, created_at, created_by, version) \
         VALUES ($1, $2, $3, 'waiting', $4, $5, $6, 1)")
        .bind(id).bind(group).bind(client).bind(note).bind(now).bind(s.user_id).execute(c).await)?;
    Ok(id)
}

/// Closes a client's open entry for a group (they joined, or were removed).
pub(crate) async fn close_for(
    tx: &mut Tx,
    group: Uuid,
    client: Uuid,
    to: &str,
    now: DateTime<Utc>,
) -> Result<(), ApiError> {
    exec_tx!(tx, c => sqlx::query(
        "UPDATE waitlist SET status = $1, resolved_at = $2, version = version + 1 \
         WHERE group_id = $3 AND client_id = $4 AND status IN ('waiting','offered')")
        .bind(to).bind(now).bind(group).bind(client).execute(c).await)?;
    Ok(())
}

/// Offers each free place of a group (on `on`) to the first waiting not yet offered one.
pub(crate) async fn offer_free_places(
    tx: &mut Tx,
    group: Uuid,
    on: NaiveDate,
    now: DateTime<Utc>,
) -> Result<u32, ApiError> {
    let capacity: i32 = on_tx!(tx, c => sqlx::query_scalar("SELECT capacity FROM class_groups WHERE id = $1")
        .bind(group).fetch_one(c).await)?;
    let members = members_on(tx, group, on, false).await?.len();
    let offered: i64 = on_tx!(tx, c => sqlx::query_scalar(
        "SELECT COUNT(*) FROM waitlist WHERE group_id = $1 AND status = 'offered'").bind(group).fetch_one(c).await)?;
    let free = (capacity as i64 - members as i64 - offered).max(0);
    let next: Vec<Uuid> = on_tx!(tx, c => sqlx::query_scalar(
        "SELECT id FROM waitlist WHERE group_id = $1 AND status = 'waiting' ORDER BY created_at, id LIMIT $2")
        .bind(group).bind(free).fetch_all(c).await)?;
    for id in &next {
        exec_tx!(tx, c => sqlx::query(
            "UPDATE waitlist SET status = 'offered', offered_at = $1, version = version + 1 WHERE id = $2")
            .bind(now).bind(id).execute(c).await)?;
    }
    Ok(next.len() as u32)
}

fn change<'a>(
    op: &'a str,
    id: Uuid,
    before: Option<&'a WaitlistEntry>,
    after: Option<&'a WaitlistEntry>,
) -> Change<'a, WaitlistEntry> {
    Change {
        operation: op,
        entity: "waitlist",
        entity_id: Some(id),
        before,
        after,
    }
}

async fn entry(tx: &mut Tx, id: Uuid) -> Result<WaitlistEntry, ApiError> {
    list(tx, &WaitlistListArgs::default(), Some(id))
        .await?
        .pop()
        .ok_or_else(|| ApiError::not_found("waitlist entry"))
}

pub(crate) async fn waitlist_add(
    core: &Core,
    session: &Session,
    args: WaitlistAddArgs,
) -> Result<WaitlistEntry, ApiError> {
    let mut p = Problems::default();
    let note = p
        .take(parse_text("note", &args.note, 500))
        .unwrap_or_default();
    p.finish()?;
    let now = core.now();
    let today = session.local_date(now);
    let mut tx = core.db.write().await?;
    group_in(&mut tx, today, args.group_id).await?;
    let known: Option<Uuid> = on_tx!(&mut tx, c => sqlx::query_scalar("SELECT id FROM clients WHERE id = $1")
        .bind(args.client_id).fetch_optional(c).await)?;
    if known.is_none() {
        return Err(ApiError::field("client_id", "not_found", "no such client"));
    }
    if members_on(&mut tx, args.group_id, today, false)
        .await?
        .iter()
        .any(|m| m.client.id == args.client_id)
    {
        return Err(ApiError::field(
            "client_id",
            "member",
            "already a member of this group",
        ));
    }
    let id = put(&mut tx, args.group_id, args.client_id, &note, session, now).await?;
    offer_free_places(&mut tx, args.group_id, today, now).await?;
    let after = entry(&mut tx, id).await?;
    audit::record(
        &mut tx,
        session,
        now,
        change("waitlist_add", id, None, Some(&after)),
    )
    .await?;
    tx.commit().await?;
    Ok(after)
}

pub(crate) async fn waitlist_resolve(
    core: &Core,
    session: &Session,
    args: WaitlistResolveArgs,
) -> Result<WaitlistEntry, ApiError> {
    let now = core.now();
    let today = session.local_date(now);
    let mut tx = core.db.write().await?;
    let before = entry(&mut tx, args.id).await?;
    if before.version != args.version {
        return Err(ApiError::conflict(
            "this entry was changed by someone else; reload it and try again",
        ));
    }
    let group = before.group.id;
    let to = match args.action {
        WaitAction::Accept => {
            let g = group_in(&mut tx, today, group).await?;
            let offered = before.status == WaitStatus::Offered;
            // Places offered to others are theirs until they answer.
            let held: i64 = on_tx!(&mut tx, c => sqlx::query_scalar(
                "SELECT COUNT(*) FROM waitlist WHERE group_id = $1 AND status = 'offered'")
                .bind(group).fetch_one(c).await)?;
            if !offered && i64::from(g.members) + held >= i64::from(g.capacity) {
                return Err(ApiError::field(
                    "action",
                    "full",
                    "the group is full; wait for a place to be offered",
                ));
            }
            if !matches!(before.status, WaitStatus::Waiting | WaitStatus::Offered) {
                return Err(ApiError::field("action", "closed", "this entry is closed"));
            }
            join(&mut tx, group, before.client.id, today, session, now).await?;
            "accepted"
        }
        WaitAction::Decline => "declined",
        WaitAction::Remove => "removed",
    };
    close_for(&mut tx, group, before.client.id, to, now).await?;
    offer_free_places(&mut tx, group, today, now).await?;
    let after = entry(&mut tx, args.id).await?;
    audit::record(
        &mut tx,
        session,
        now,
        change("waitlist_resolve", args.id, Some(&before), Some(&after)),
    )
    .await?;
    tx.commit().await?;
    Ok(after)
}
