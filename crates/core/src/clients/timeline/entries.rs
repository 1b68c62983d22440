//! Reading and writing timeline entries.

use chrono::{DateTime, Utc};
use uuid::Uuid;

use super::*;
use crate::audit::{self, Change};
use crate::auth::Session;
use crate::db::Tx;
use crate::error::{ApiError, Problems};
use crate::roles::Permission;
use crate::{exec_tx, on_tx, Core};

const MAX_TITLE: usize = 200;
const MAX_BODY: usize = 10_000;
const MAX_FILES: usize = 10;
const DEFAULT_PAGE: u32 = 50;

#[derive(sqlx::FromRow)]
struct Row {
    id: Uuid,
    client_id: Uuid,
    kind: String,
    channel: Option<String>,
    at: DateTime<Utc>,
    title: String,
    body: String,
    event: Option<String>,
    created_at: DateTime<Utc>,
    created_by: Option<Uuid>,
    created_by_name: Option<String>,
    updated_at: DateTime<Utc>,
    version: i64,
}

const SELECT: &str =
    "SELECT t.id, t.client_id, t.kind, t.channel, t.at, t.title, t.body, t.event, t.created_at, \
    t.created_by, u.display_name AS created_by_name, t.updated_at, t.version \
    FROM client_timeline t LEFT JOIN users u ON u.id = t.created_by";

async fn files_of(tx: &mut Tx, entry: Uuid) -> Result<Vec<TimelineFile>, ApiError> {
    let rows: Vec<(Uuid, String, String, i64)> = on_tx!(tx, c => sqlx::query_as(
        "SELECT f.id, tf.name, f.mime, CAST(f.size AS BIGINT) FROM client_timeline_files tf \
         JOIN files f ON f.id = tf.file_id WHERE tf.entry_id = $1 ORDER BY tf.position")
        .bind(entry).fetch_all(c).await)?;
    Ok(rows
        .into_iter()
        .map(|(file_id, name, mime, size)| TimelineFile {
            file_id,
            name,
            mime,
            size,
        })
        .collect())
}

async fn entry_of(tx: &mut Tx, r: Row) -> Result<TimelineEntry, ApiError> {
    let files = files_of(tx, r.id).await?;
    Ok(TimelineEntry {
        id: r.id,
        client_id: r.client_id,
        kind: TimelineKind::parse(&r.kind),
        channel: r.channel.as_deref().map(ContactChannel::parse),
        at: r.at,
        title: r.title,
        body: r.body,
        files,
        event: r
            .event
            .as_deref()
            .and_then(|e| serde_json::from_str(e).ok()),
        created_at: r.created_at,
        created_by: r.created_by.map(|id| UserRef {
            id,
            name: r.created_by_name.unwrap_or_default(),
        }),
        updated_at: r.updated_at,
        version: r.version,
    })
}

pub(crate) async fn one(tx: &mut Tx, id: Uuid) -> Result<TimelineEntry, ApiError> {
    let sql = format!("{SELECT} WHERE t.id = $1");
    let row: Option<Row> =
        on_tx!(&mut *tx, c => sqlx::query_as(&sql).bind(id).fetch_optional(c).await)?;
    entry_of(
        tx,
        row.ok_or_else(|| ApiError::not_found("timeline entry"))?,
    )
    .await
}

/// Checks an entry; `now` bounds `at`.
fn check(e: &TimelineEntryInput, now: DateTime<Utc>) -> Result<DateTime<Utc>, ApiError> {
    let mut p = Problems::default();
    let at = e.at.unwrap_or(now);
    if at > now + chrono::Duration::minutes(5) {
        p.add("entry.at", "in_future", "this has not happened yet");
    }
    if e.title.chars().count() > MAX_TITLE {
        p.add(
            "entry.title",
            "too_long",
            format!("at most {MAX_TITLE} characters"),
        );
    }
    if e.body.chars().count() > MAX_BODY {
        p.add(
            "entry.body",
            "too_long",
            format!("at most {MAX_BODY} characters"),
        );
    }
    if e.title.trim().is_empty() && e.body.trim().is_empty() && e.files.is_empty() {
        p.add("entry.body", "required", "write what happened");
    }
    if e.files.len() > MAX_FILES {
        p.add(
            "entry.files",
            "too_many",
            format!("at most {MAX_FILES} files"),
        );
    }
    if e.channel.is_some() && e.kind != TimelineKind::Contact {
        p.add(
            "entry.channel",
            "not_a_contact",
            "only contacts have a channel",
        );
    }
    p.finish()?;
    Ok(at)
}

async fn write_files(tx: &mut Tx, entry: Uuid, files: &[AttachedFile]) -> Result<(), ApiError> {
    exec_tx!(&mut *tx, c => sqlx::query("DELETE FROM client_timeline_files WHERE entry_id = $1")
        .bind(entry).execute(c).await)?;
    for (i, f) in files.iter().enumerate() {
        let at = format!("entry.files.{i}");
        if files[..i].iter().any(|x| x.file_id == f.file_id) {
            return Err(ApiError::field(
                at,
                "duplicate",
                "this file is attached twice",
            ));
        }
        let mime: Option<String> = on_tx!(&mut *tx, c => sqlx::query_scalar("SELECT mime FROM files WHERE id = $1")
            .bind(f.file_id).fetch_optional(c).await)?;
        let mime = mime
            .ok_or_else(|| ApiError::field(format!("{at}.file_id"), "not_found", "no such file"))?;
        let name = crate::files::safe_name(&f.name, &mime, &format!("{at}.name"))?;
        exec_tx!(&mut *tx, c => sqlx::query(
            "INSERT INTO client_timeline_files (entry_id, file_id, name, position) VALUES ($1, $2, $3, $4)")
            .bind(entry).bind(f.file_id).bind(name).bind(i as i32).execute(c).await)?;
    }
    Ok(())
}

/// A contact moves the card's last contact forward (never back); the card's version stays,
/// so someone editing the card meanwhile is not interrupted.
async fn touch_contact(tx: &mut Tx, client: Uuid, at: DateTime<Utc>) -> Result<(), ApiError> {
    exec_tx!(tx, c => sqlx::query(
        "UPDATE clients SET last_contact_at = $1 WHERE id = $2 AND (last_contact_at IS NULL OR last_contact_at < $1)")
        .bind(at).bind(client).execute(c).await)?;
    Ok(())
}

async fn log(
    tx: &mut Tx,
    session: &Session,
    now: DateTime<Utc>,
    operation: &str,
    before: Option<&TimelineEntry>,
    after: Option<&TimelineEntry>,
) -> Result<(), ApiError> {
    let change = Change {
        operation,
        entity: "client_timeline",
        entity_id: after.or(before).map(|e| e.id),
        before,
        after,
    };
    audit::record(tx, session, now, change).await
}

/// A system note on a card's timeline (a merge), inside the caller's transaction.
/// Puts what Hallpass itself did (a merge…) on a card's timeline, as data.
pub(crate) async fn add_event(
    tx: &mut Tx,
    client: Uuid,
    event: &TimelineEvent,
    who: Option<Uuid>,
    now: DateTime<Utc>,
) -> Result<(), ApiError> {
    let json = serde_json::to_string(event).unwrap_or_default();
    exec_tx!(tx, c => sqlx::query(
        "INSERT INTO client_timeline (id, client_id, kind, channel, at, title, body, event, created_at, created_by, updated_at) \
         VALUES ($1, $2, 'note', NULL, $3, '', '', $4, $3, $5, $3)")
        .bind(crate::new_id()).bind(client).bind(now).bind(json).bind(who)
        .execute(c).await)?;
    Ok(())
}

pub(crate) async fn client_timeline_list(
    core: &Core,
    _session: &Session,
    args: TimelineListArgs,
) -> Result<TimelinePage, ApiError> {
    let limit = args.limit.unwrap_or(DEFAULT_PAGE);
    if !(1..=200).contains(&limit) {
        return Err(ApiError::field("limit", "out_of_range", "1 to 200"));
    }
    let mut tx = core.db.read().await?;
    let mut sql = format!("{SELECT} WHERE t.client_id = $1");
    if let Some(before) = args.before {
        if one(&mut tx, before).await?.client_id != args.client_id {
            return Err(ApiError::field(
                "before",
                "not_found",
                "no such entry on this card",
            ));
        }
        sql.push_str(
            " AND (t.at < (SELECT at FROM client_timeline WHERE id = $2) \
             OR (t.at = (SELECT at FROM client_timeline WHERE id = $2) AND t.id < $2))",
        );
    } else {
        sql.push_str(" AND $2 IS NULL");
    }
    let kinds: Vec<&str> = args.kinds.iter().map(|k| k.as_str()).collect();
    if !kinds.is_empty() {
        let list: Vec<String> = kinds.iter().map(|k| format!("'{k}'")).collect();
        sql.push_str(&format!(" AND t.kind IN ({})", list.join(", ")));
    }
    sql.push_str(&format!(
        " ORDER BY t.at DESC, t.id DESC LIMIT {}",
        limit + 1
    ));
    let rows: Vec<Row> = on_tx!(&mut tx, c => sqlx::query_as(&sql).bind(args.client_id).bind(args.before)
        .fetch_all(c).await)?;
    let has_more = rows.len() > limit as usize;
    let mut items = Vec::with_capacity(rows.len());
    for r in rows.into_iter().take(limit as usize) {
        items.push(entry_of(&mut tx, r).await?);
    }
    tx.commit().await?;
    Ok(TimelinePage { items, has_more })
}

pub(crate) async fn client_timeline_add(
    core: &Core,
    session: &Session,
    args: TimelineAddArgs,
) -> Result<TimelineEntry, ApiError> {
    let now = core.now();
    let at = check(&args.entry, now)?;
    let e = &args.entry;
    let mut tx = core.db.write().await?;
    let exists: i64 = on_tx!(&mut tx, c => sqlx::query_scalar("SELECT COUNT(*) FROM clients WHERE id = $1")
        .bind(args.client_id).fetch_one(c).await)?;
    if exists == 0 {
        return Err(ApiError::not_found("client"));
    }
    let id = crate::new_id();
    let channel = (e.kind == TimelineKind::Contact).then(|| e.channel.unwrap_or_default().as_str());
    exec_tx!(&mut tx, c => sqlx::query(
        "INSERT INTO client_timeline (id, client_id, kind, channel, at, title, body, created_at, created_by, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $8)")
        .bind(id).bind(args.client_id).bind(e.kind.as_str()).bind(channel).bind(at)
        .bind(e.title.trim()).bind(e.body.trim()).bind(now).bind(session.user_id)
        .execute(c).await)?;
    write_files(&mut tx, id, &e.files).await?;
    if e.kind == TimelineKind::Contact {
        touch_contact(&mut tx, args.client_id, at).await?;
    }
    let after = one(&mut tx, id).await?;
    log(
        &mut tx,
        session,
        now,
        "client_timeline_add",
        None,
        Some(&after),
    )
    .await?;
    tx.commit().await?;
    Ok(after)
}

/// Only the author changes an entry, unless the role configures clients.
fn may_change(session: &Session, e: &TimelineEntry) -> Result<(), ApiError> {
    let own = e
        .created_by
        .as_ref()
        .is_some_and(|u| u.id == session.user_id);
    session.own_or(
        own,
        Permission::ClientsConfigure,
        "only the author or a manager may change this entry",
    )
}

pub(crate) async fn client_timeline_update(
    core: &Core,
    session: &Session,
    args: TimelineUpdateArgs,
) -> Result<TimelineEntry, ApiError> {
    let now = core.now();
    let at = check(&args.entry, now)?;
    let e = &args.entry;
    let mut tx = core.db.write().await?;
    let before = one(&mut tx, args.id).await?;
    may_change(session, &before)?;
    let channel = (e.kind == TimelineKind::Contact).then(|| e.channel.unwrap_or_default().as_str());
    let n = exec_tx!(&mut tx, c => sqlx::query(
        "UPDATE client_timeline SET kind = $1, channel = $2, at = $3, title = $4, body = $5, updated_at = $6, \
         version = version + 1 WHERE id = $7 AND version = $8")
        .bind(e.kind.as_str()).bind(channel).bind(at).bind(e.title.trim()).bind(e.body.trim())
        .bind(now).bind(args.id).bind(args.version).execute(c).await)?;
    if n == 0 {
        return Err(ApiError::conflict(
            "this entry was changed by someone else; reload it and try again",
        ));
    }
    write_files(&mut tx, args.id, &e.files).await?;
    if e.kind == TimelineKind::Contact {
        touch_contact(&mut tx, before.client_id, at).await?;
    }
    let after = one(&mut tx, args.id).await?;
    log(
        &mut tx,
        session,
        now,
        "client_timeline_update",
        Some(&before),
        Some(&after),
    )
    .await?;
    tx.commit().await?;
    Ok(after)
}

pub(crate) async fn client_timeline_delete(
    core: &Core,
    session: &Session,
    args: TimelineDeleteArgs,
) -> Result<(), ApiError> {
    let now = core.now();
    let mut tx = core.db.write().await?;
    let before = one(&mut tx, args.id).await?;
    may_change(session, &before)?;
    let n = exec_tx!(&mut tx, c => sqlx::query("DELETE FROM client_timeline WHERE id = $1 AND version = $2")
        .bind(args.id).bind(args.version).execute(c).await)?;
    if n == 0 {
        return Err(ApiError::conflict(
            "this entry was changed by someone else; reload it and try again",
        ));
    }
    log(
        &mut tx,
        session,
        now,
        "client_timeline_delete",
        Some(&before),
        None,
    )
    .await?;
    tx.commit().await?;
    Ok(())
}
