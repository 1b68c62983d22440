//! Planning a task (or changing it) and marking it done.

use chrono::{DateTime, Utc};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use specta::Type;
use uuid::Uuid;

use super::{one, visible, Task};
use crate::audit::{self, Change};
use crate::auth::Session;
use crate::clients::timeline::{add_event, TimelineEvent};
use crate::db::Tx;
use crate::error::{ApiError, Problems};
use crate::roles::Permission;
use crate::text::{parse_name, parse_text};
use crate::{exec_tx, on_tx, Core};

#[derive(Debug, Clone, Serialize, Deserialize, Type, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct TaskSaveArgs {
    /// None: a new task.
    #[serde(default)]
    pub id: Option<Uuid>,
    /// The version read (for a change).
    #[serde(default)]
    pub version: Option<i64>,
    /// The card it is for (none: the centre's).
    #[serde(default)]
    pub client_id: Option<Uuid>,
    pub title: String,
    #[serde(default)]
    pub notes: String,
    #[serde(default)]
    pub due_at: Option<DateTime<Utc>>,
    /// Who is to do it (the caller when absent): an active login.
    #[serde(default)]
    pub assignee_id: Option<Uuid>,
}

#[derive(Debug, Clone, Serialize, Deserialize, Type, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct TaskDoneArgs {
    pub id: Uuid,
    pub version: i64,
    /// What came of it.
    #[serde(default)]
    pub outcome: String,
}

/// Only its assignee or author changes or closes a task, unless the role configures clients.
fn may_change(session: &Session, task: &Task) -> Result<(), ApiError> {
    let own = task.assignee.id == session.user_id
        || task
            .created_by
            .as_ref()
            .is_some_and(|u| u.id == session.user_id);
    session.own_or(
        own,
        Permission::ClientsConfigure,
        "only the task's assignee or author, or a manager, may change it",
    )
}

/// The task `id` as `session` may see it.
async fn seen(tx: &mut Tx, session: &Session, id: Uuid) -> Result<Task, ApiError> {
    one(tx, id)
        .await?
        .filter(|t| visible(session, t))
        .ok_or_else(|| ApiError::not_found("task"))
}

async fn exists(tx: &mut Tx, sql: &str, id: Uuid) -> Result<bool, ApiError> {
    let n: i64 = on_tx!(tx, c => sqlx::query_scalar(sql).bind(id).fetch_one(c).await)?;
    Ok(n > 0)
}

pub(crate) async fn task_save(
    core: &Core,
    session: &Session,
    args: TaskSaveArgs,
) -> Result<Task, ApiError> {
    let mut p = Problems::default();
    let title = p.take(parse_name("title", &args.title, 200));
    let notes = p.take(parse_text("notes", &args.notes, 2000));
    if args.id.is_some() && args.version.is_none() {
        p.add(
            "version",
            "required",
            "the version read is needed to change a task",
        );
    }
    p.finish()?;
    let (title, notes) = (title.unwrap_or_default(), notes.unwrap_or_default());
    let now = core.now();
    let mut tx = core.db.write().await?;
    let before = match args.id {
        Some(id) => {
            let before = seen(&mut tx, session, id).await?;
            may_change(session, &before)?;
            if before.done_at.is_some() {
                return Err(ApiError::conflict("this task is done"));
            }
            Some(before)
        }
        None => None,
    };
    // A change keeps the card and the assignee it does not name.
    let was = before
        .as_ref()
        .map(|b| (b.assignee.id, b.client.as_ref().map(|c| c.id)));
    let (assignee, client_id) = match was {
        Some((a, c)) => (args.assignee_id.unwrap_or(a), args.client_id.or(c)),
        None => (args.assignee_id.unwrap_or(session.user_id), args.client_id),
    };
    let mut p = Problems::default();
    // A task keeps an assignee who has left since; it goes to someone else only if active.
    let active = "SELECT COUNT(*) FROM users WHERE id = $1 AND active";
    if was.map(|w| w.0) != Some(assignee) && !exists(&mut tx, active, assignee).await? {
        p.add("assignee_id", "unknown", "no active login with this id");
    }
    if let Some(client) = client_id.filter(|c| was.map(|w| w.1) != Some(Some(*c))) {
        if !exists(
            &mut tx,
            "SELECT COUNT(*) FROM clients WHERE id = $1",
            client,
        )
        .await?
        {
            p.add("client_id", "unknown", "no card with this id");
        }
    }
    p.finish()?;
    let id = match &before {
        None => {
            let id = crate::new_id();
            exec_tx!(&mut tx, c => sqlx::query(
                "INSERT INTO tasks (id, client_id, title, notes, due_at, assignee_id, created_by, created_at, updated_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8)")
                .bind(id).bind(client_id).bind(&title).bind(&notes).bind(args.due_at)
                .bind(assignee).bind(session.user_id).bind(now).execute(c).await)?;
            id
        }
        Some(b) => {
            let done = exec_tx!(&mut tx, c => sqlx::query(
                "UPDATE tasks SET client_id = $1, title = $2, notes = $3, due_at = $4, assignee_id = $5, \
                 updated_at = $6, version = version + 1 WHERE id = $7 AND version = $8 AND done_at IS NULL")
                .bind(client_id).bind(&title).bind(&notes).bind(args.due_at).bind(assignee)
                .bind(now).bind(b.id).bind(args.version).execute(c).await)?;
            if done != 1 {
                return Err(ApiError::conflict("this task was changed meanwhile"));
            }
            b.id
        }
    };
    let after = one(&mut tx, id)
        .await?
        .ok_or_else(|| ApiError::not_found("task"))?;
    audit::record(
        &mut tx,
        session,
        now,
        Change {
            operation: "task_save",
            entity: "task",
            entity_id: Some(id),
            before: before.as_ref(),
            after: Some(&after),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(after)
}

pub(crate) async fn task_done(
    core: &Core,
    session: &Session,
    args: TaskDoneArgs,
) -> Result<Task, ApiError> {
    let mut p = Problems::default();
    let outcome = p.take(parse_text("outcome", &args.outcome, 2000));
    p.finish()?;
    let outcome = outcome.unwrap_or_default();
    let now = core.now();
    let mut tx = core.db.write().await?;
    let before = seen(&mut tx, session, args.id).await?;
    may_change(session, &before)?;
    if before.done_at.is_some() {
        return Err(ApiError::conflict("this task is already done"));
    }
    let done = exec_tx!(&mut tx, c => sqlx::query(
        "UPDATE tasks SET done_at = $1, done_by = $2, outcome = $3, updated_at = $1, version = version + 1 \
         WHERE id = $4 AND version = $5 AND done_at IS NULL")
        .bind(now).bind(session.user_id).bind(&outcome).bind(args.id).bind(args.version)
        .execute(c).await)?;
    if done != 1 {
        return Err(ApiError::conflict("this task was changed meanwhile"));
    }
    let after = one(&mut tx, args.id)
        .await?
        .ok_or_else(|| ApiError::not_found("task"))?;
    if let Some(client) = &after.client {
        let line = TimelineEvent::Task {
            task_id: after.id,
            title: after.title.clone(),
            outcome: after.outcome.clone(),
        };
        add_event(&mut tx, client.id, &line, Some(session.user_id), now).await?;
    }
    audit::record(
        &mut tx,
        session,
        now,
        Change {
            operation: "task_done",
            entity: "task",
            entity_id: Some(args.id),
            before: Some(&before),
            after: Some(&after),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(after)
}
