//! Tasks: something to do — call a parent back, prepare a certificate, remind a colleague —
//! for a client's card or for the centre, by one employee, maybe by a time. The reminder is
//! the assignee's only (their list of what is due); the card shows its tasks to whoever reads
//! the card; done, what came of it is kept on the task and on the card's timeline.

use chrono::{DateTime, Utc};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use specta::Type;
use uuid::Uuid;

use crate::auth::{Session, UserRef};
use crate::db::Tx;
use crate::error::ApiError;
use crate::{on_tx, Core};

pub mod write;
pub(crate) use write::{task_done, task_save};

/// The card a task is for.
#[derive(Debug, Clone, Serialize, Deserialize, Type, JsonSchema)]
pub struct TaskClient {
    pub id: Uuid,
    pub name: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, Type, JsonSchema)]
pub struct Task {
    pub id: Uuid,
    /// None: a task of the centre's (seen by its assignee and its author only).
    pub client: Option<TaskClient>,
    pub title: String,
    pub notes: String,
    /// When it is due; the assignee is reminded from then on.
    pub due_at: Option<DateTime<Utc>>,
    pub assignee: UserRef,
    pub created_by: Option<UserRef>,
    pub created_at: DateTime<Utc>,
    pub done_at: Option<DateTime<Utc>>,
    pub done_by: Option<UserRef>,
    /// What came of it, written when it was done.
    pub outcome: String,
    pub version: i64,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, Type, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct TasksListArgs {
    /// One card's tasks (open first, then the last 50 done).
    #[serde(default)]
    pub client_id: Option<Uuid>,
    /// Only the caller's own (their reminders).
    #[serde(default)]
    pub mine: bool,
    /// Also those done (the last 200).
    #[serde(default)]
    pub include_done: bool,
}

type Row = (
    Uuid,
    Option<Uuid>,
    Option<String>,
    String,
    String,
    Option<DateTime<Utc>>,
    Uuid,
    String,
    Option<Uuid>,
    Option<String>,
    DateTime<Utc>,
    Option<DateTime<Utc>>,
    Option<Uuid>,
    Option<String>,
    String,
    i64,
);

pub(crate) const SELECT: &str = "SELECT t.id, t.client_id, c.name, t.title, t.notes, t.due_at, \
     t.assignee_id, a.display_name, t.created_by, b.display_name, t.created_at, t.done_at, t.done_by, \
     d.display_name, t.outcome, t.version FROM tasks t JOIN users a ON a.id = t.assignee_id \
     LEFT JOIN clients c ON c.id = t.client_id LEFT JOIN users b ON b.id = t.created_by \
     LEFT JOIN users d ON d.id = t.done_by";

/// Open tasks first, those due soonest (undated last); then the latest done.
pub(crate) const ORDER: &str = "(t.done_at IS NOT NULL), \
     CASE WHEN t.done_at IS NULL THEN t.due_at END IS NULL, \
     CASE WHEN t.done_at IS NULL THEN t.due_at END, t.done_at DESC, t.created_at DESC";

fn from_row(r: Row) -> Task {
    Task {
        id: r.0,
        client: r.1.map(|id| TaskClient {
            id,
            name: r.2.unwrap_or_default(),
        }),
        title: r.3,
        notes: r.4,
        due_at: r.5,
        assignee: UserRef { id: r.6, name: r.7 },
        created_by: UserRef::from_row(r.8, r.9),
        created_at: r.10,
        done_at: r.11,
        done_by: UserRef::from_row(r.12, r.13),
        outcome: r.14,
        version: r.15,
    }
}

pub(crate) async fn one(tx: &mut Tx, id: Uuid) -> Result<Option<Task>, ApiError> {
    let sql = format!("{SELECT} WHERE t.id = $1");
    let row: Option<Row> = on_tx!(tx, c => sqlx::query_as(&sql).bind(id).fetch_optional(c).await)?;
    Ok(row.map(from_row))
}

/// Whether `session` may see `task`: a card's task with the card, the centre's by its
/// assignee and author.
pub(crate) fn visible(session: &Session, task: &Task) -> bool {
    task.client.is_some()
        || task.assignee.id == session.user_id
        || task
            .created_by
            .as_ref()
            .is_some_and(|u| u.id == session.user_id)
}

pub(crate) async fn tasks_list(
    core: &Core,
    session: &Session,
    args: TasksListArgs,
) -> Result<Vec<Task>, ApiError> {
    let limit = if args.client_id.is_some() { 50 } else { 200 };
    // Open ones all (bounded), then the latest done when asked for.
    let sql = format!(
        "{SELECT} WHERE ($1 IS NULL OR t.client_id = $1) \
         AND ($2 = FALSE OR t.assignee_id = $3) \
         AND (t.client_id IS NOT NULL OR t.assignee_id = $3 OR t.created_by = $3) \
         AND t.done_at IS NULL ORDER BY {ORDER} LIMIT 1000"
    );
    let done = format!(
        "{SELECT} WHERE ($1 IS NULL OR t.client_id = $1) \
         AND ($2 = FALSE OR t.assignee_id = $3) \
         AND (t.client_id IS NOT NULL OR t.assignee_id = $3 OR t.created_by = $3) \
         AND t.done_at IS NOT NULL ORDER BY t.done_at DESC LIMIT {limit}"
    );
    let with_done = args.include_done || args.client_id.is_some();
    let mut tx = core.db.read().await?;
    let mut rows: Vec<Row> = on_tx!(&mut tx, c => sqlx::query_as(&sql)
        .bind(args.client_id).bind(args.mine).bind(session.user_id).fetch_all(c).await)?;
    if with_done {
        let more: Vec<Row> = on_tx!(&mut tx, c => sqlx::query_as(&done)
            .bind(args.client_id).bind(args.mine).bind(session.user_id).fetch_all(c).await)?;
        rows.extend(more);
    }
    tx.commit().await?;
    Ok(rows.into_iter().map(from_row).collect())
}

/// The latest tasks of each of `clients` (open first, due soonest; then the last done), at
/// most `per_card` each: for the caller popup.
pub(crate) async fn latest_for(
    tx: &mut Tx,
    clients: &[Uuid],
    per_card: i64,
) -> Result<Vec<Task>, ApiError> {
    if clients.is_empty() {
        return Ok(Vec::new());
    }
    let marks = (1..=clients.len())
        .map(|i| format!("${i}"))
        .collect::<Vec<_>>()
        .join(", ");
    let sql = format!(
        "{SELECT} WHERE t.id IN (SELECT id FROM (SELECT t.id, ROW_NUMBER() OVER \
         (PARTITION BY t.client_id ORDER BY {ORDER}) AS n FROM tasks t WHERE t.client_id IN ({marks})) x \
         WHERE n <= {per_card}) ORDER BY {ORDER}"
    );
    let rows: Vec<Row> = on_tx!(tx, c => {
        let mut q = sqlx::query_as(&sql);
        for id in clients { q = q.bind(*id); }
        q.fetch_all(c).await
    })?;
    Ok(rows.into_iter().map(from_row).collect())
}
