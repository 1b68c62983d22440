//! The audit view: who did what and when, each change as a readable before → after of its
//! fields; and an auditor's "reviewed up to here", where the next view can start.

use chrono::{DateTime, NaiveDate, Utc};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use specta::Type;
use uuid::Uuid;

use super::chain::{self, AuditVerifyResult};
use crate::auth::{NoArgs, Session, UserRef};
use crate::changes::{redact, Source};
use crate::error::ApiError;
use crate::{on_tx, Core};

pub const DEFAULT_PAGE: u32 = 50;
pub const MAX_PAGE: u32 = 200;

#[derive(Debug, Clone, Default, Serialize, Deserialize, Type, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct AuditSearchArgs {
    #[serde(default)]
    pub user_id: Option<Uuid>,
    /// `client`, `user`, `role`, `staff`, `centre`…
    #[serde(default)]
    pub entity: Option<String>,
    #[serde(default)]
    pub entity_id: Option<Uuid>,
    #[serde(default)]
    pub operation: Option<String>,
    /// First day, in the centre's time zone.
    #[serde(default)]
    pub from: Option<NaiveDate>,
    /// Last day (included), in the centre's time zone.
    #[serde(default)]
    pub to: Option<NaiveDate>,
    /// Only what was written after the last review (`audit_mark_reviewed`).
    #[serde(default)]
    pub since_last_review: bool,
    /// The next page: rows older than this sequence number (`next_before_seq` of a page).
    #[serde(default)]
    pub before_seq: Option<i64>,
    #[serde(default)]
    pub limit: Option<u32>,
}

/// One field's change, as text to show: strings as they are, anything else as JSON.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type, JsonSchema)]
pub struct FieldChange {
    pub field: String,
    pub before: Option<String>,
    pub after: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, Type, JsonSchema)]
pub struct AuditRow {
    pub seq: i64,
    pub at: DateTime<Utc>,
    pub user: Option<UserRef>,
    pub operation: String,
    pub entity: String,
    pub entity_id: Option<Uuid>,
    pub source: Source,
    /// `created`, `changed`, `removed` or `other` (a sign-in, an import's summary: its
    /// details are the `after` of `changes`).
    pub kind: String,
    /// Fields that changed (for `changed`) or were set (`created`) or held (`removed`),
    /// leaving out what the reader's role may not see.
    pub changes: Vec<FieldChange>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type, JsonSchema)]
pub struct AuditReview {
    pub up_to_seq: i64,
    pub at: DateTime<Utc>,
    pub user: UserRef,
    pub note: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, Type, JsonSchema)]
pub struct AuditPage {
    /// Newest first.
    pub rows: Vec<AuditRow>,
    /// Pass as `before_seq` for the next (older) page; none at the end.
    pub next_before_seq: Option<i64>,
    pub last_review: Option<AuditReview>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, Type, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct AuditMarkReviewedArgs {
    /// The last row reviewed; the log's last row when left out.
    #[serde(default)]
    pub up_to_seq: Option<i64>,
    #[serde(default)]
    pub note: String,
}

#[derive(sqlx::FromRow)]
struct Row {
    seq: i64,
    at: DateTime<Utc>,
    user_id: Option<Uuid>,
    display_name: Option<String>,
    operation: String,
    entity: String,
    entity_id: Option<Uuid>,
    source: String,
    before: Option<String>,
    after: Option<String>,
}

enum Arg {
    Id(Uuid),
    Text(String),
    Int(i64),
    At(DateTime<Utc>),
}

pub(crate) async fn audit_search(
    core: &Core,
    session: &Session,
    args: AuditSearchArgs,
) -> Result<AuditPage, ApiError> {
    let limit = args.limit.unwrap_or(DEFAULT_PAGE);
    if limit == 0 || limit > MAX_PAGE {
        return Err(ApiError::field(
            "limit",
            "out_of_range",
            format!("from 1 to {MAX_PAGE} rows a page"),
        ));
    }
    if let (Some(f), Some(t)) = (args.from, args.to) {
        if f > t {
            return Err(ApiError::field(
                "to",
                "before_from",
                "the last day is before the first",
            ));
        }
    }
    let mut tx = core.db.read().await?;
    let last_review = last_review(&mut tx).await?;
    let mut conds = Vec::new();
    let mut binds = Vec::new();
    let mut cond = |sql: &str, arg: Arg, binds: &mut Vec<Arg>| {
        binds.push(arg);
        conds.push(sql.replace('?', &format!("${}", binds.len())));
    };
    if let Some(u) = args.user_id {
        cond("a.user_id = ?", Arg::Id(u), &mut binds);
    }
    if let Some(e) = &args.entity {
        cond("a.entity = ?", Arg::Text(e.clone()), &mut binds);
    }
    if let Some(id) = args.entity_id {
        cond("a.entity_id = ?", Arg::Id(id), &mut binds);
    }
    if let Some(op) = &args.operation {
        cond("a.operation = ?", Arg::Text(op.clone()), &mut binds);
    }
    let zone = session.local.time_zone;
    let start = |d: NaiveDate| crate::centre::start_of_day(d, zone);
    if let Some(f) = args.from {
        cond("a.at >= ?", Arg::At(start(f)), &mut binds);
    }
    if let Some(t) = args.to.and_then(|t| t.succ_opt()) {
        cond("a.at < ?", Arg::At(start(t)), &mut binds);
    }
    if let (true, Some(r)) = (args.since_last_review, &last_review) {
        cond("a.seq > ?", Arg::Int(r.up_to_seq), &mut binds);
    }
    if let Some(b) = args.before_seq {
        cond("a.seq < ?", Arg::Int(b), &mut binds);
    }
    let filter = if conds.is_empty() {
        String::new()
    } else {
        format!(" WHERE {}", conds.join(" AND "))
    };
    let sql = format!(
        "SELECT a.seq, a.at, a.user_id, u.display_name, a.operation, a.entity, a.entity_id, \
         a.source, a.before, a.after FROM audit_log a LEFT JOIN users u ON u.id = a.user_id\
         {filter} ORDER BY a.seq DESC LIMIT {}",
        limit + 1
    );
    let rows: Vec<Row> = on_tx!(&mut tx, c => {
        let mut q = sqlx::query_as(&sql);
        for b in &binds {
            q = match b {
                Arg::Id(v) => q.bind(*v),
                Arg::Text(v) => q.bind(v.as_str()),
                Arg::Int(v) => q.bind(*v),
                Arg::At(v) => q.bind(*v),
            };
        }
        q.fetch_all(c).await
    })?;
    tx.commit().await?;
    let more = rows.len() > limit as usize;
    let rows: Vec<AuditRow> = rows
        .into_iter()
        .take(limit as usize)
        .map(|r| row(r, session))
        .collect();
    Ok(AuditPage {
        next_before_seq: if more {
            rows.last().map(|r| r.seq)
        } else {
            None
        },
        rows,
        last_review,
    })
}

fn row(r: Row, session: &Session) -> AuditRow {
    let parse = |s: &Option<String>| {
        s.as_deref()
            .and_then(|s| serde_json::from_str::<serde_json::Value>(s).ok())
            .and_then(|v| match v {
                serde_json::Value::Object(m) => Some(m),
                _ => None,
            })
    };
    let (mut before, mut after) = (parse(&r.before), parse(&r.after));
    let kind = match (&before, &after) {
        // A sign-in, an import's summary, a review: not a record made.
        (None, Some(_)) if !r.operation.ends_with("_create") => "other",
        (None, Some(_)) => "created",
        (Some(_), Some(_)) => "changed",
        (Some(_), None) => "removed",
        (None, None) => "other",
    };
    for record in [before.as_mut(), after.as_mut()].into_iter().flatten() {
        redact(session, &r.entity, record);
    }
    let empty = serde_json::Map::new();
    let (b, a) = (
        before.as_ref().unwrap_or(&empty),
        after.as_ref().unwrap_or(&empty),
    );
    let mut fields: Vec<&String> = a
        .keys()
        .chain(b.keys().filter(|k| !a.contains_key(*k)))
        .collect();
    fields.sort();
    let changes = fields
        .into_iter()
        .filter(|f| b.get(*f) != a.get(*f) || kind != "changed")
        // A record made or removed lists what it held, not its empty fields.
        .filter(|f| kind == "changed" || !is_empty(a.get(*f).or(b.get(*f))))
        .filter(|f| !matches!(f.as_str(), "version" | "updated_at" | "id" | "created_at"))
        .map(|f| FieldChange {
            field: f.clone(),
            before: b.get(f).and_then(shown),
            after: a.get(f).and_then(shown),
        })
        .collect();
    AuditRow {
        seq: r.seq,
        at: r.at,
        user: r.user_id.map(|id| UserRef {
            id,
            name: r.display_name.unwrap_or_default(),
        }),
        operation: r.operation,
        entity: r.entity,
        entity_id: r.entity_id,
        source: Source::parse(&r.source),
        kind: kind.into(),
        changes,
    }
}

fn is_empty(v: Option<&serde_json::Value>) -> bool {
    match v {
        None | Some(serde_json::Value::Null) => true,
        Some(serde_json::Value::String(s)) => s.is_empty(),
        Some(serde_json::Value::Array(a)) => a.is_empty(),
        Some(serde_json::Value::Object(o)) => o.is_empty(),
        Some(_) => false,
    }
}

/// A value as text: strings as they are, nothing for null, anything else as JSON.
fn shown(v: &serde_json::Value) -> Option<String> {
    match v {
        serde_json::Value::Null => None,
        serde_json::Value::String(s) => Some(s.clone()),
        other => Some(other.to_string()),
    }
}

async fn last_review(tx: &mut crate::Tx) -> Result<Option<AuditReview>, ApiError> {
    let row: Option<(i64, DateTime<Utc>, Uuid, String, String)> = on_tx!(tx, c => sqlx::query_as(
        "SELECT r.up_to_seq, r.at, r.user_id, u.display_name, r.note FROM audit_reviews r \
         JOIN users u ON u.id = r.user_id ORDER BY r.up_to_seq DESC, r.at DESC LIMIT 1")
        .fetch_optional(c)
        .await)?;
    Ok(row.map(|(up_to_seq, at, id, name, note)| AuditReview {
        up_to_seq,
        at,
        user: UserRef { id, name },
        note,
    }))
}

pub(crate) async fn audit_mark_reviewed(
    core: &Core,
    session: &Session,
    args: AuditMarkReviewedArgs,
) -> Result<AuditReview, ApiError> {
    let note = args.note.trim().to_string();
    if note.chars().count() > 2000 {
        return Err(ApiError::field(
            "note",
            "too_long",
            "at most 2,000 characters",
        ));
    }
    let now = core.now();
    let mut tx = core.db.write().await?;
    let head: i64 = on_tx!(&mut tx, c => sqlx::query_scalar::<_, Option<i64>>(
        "SELECT MAX(seq) FROM audit_log").fetch_one(c).await)?
    .unwrap_or(0);
    let up_to = args.up_to_seq.unwrap_or(head);
    if up_to < 1 || up_to > head {
        return Err(ApiError::field(
            "up_to_seq",
            "out_of_range",
            format!("the log has rows 1 to {head}"),
        ));
    }
    let id = crate::new_id();
    crate::exec_tx!(&mut tx, c => sqlx::query(
        "INSERT INTO audit_reviews (id, user_id, at, up_to_seq, note) VALUES ($1, $2, $3, $4, $5)")
        .bind(id)
        .bind(session.user_id)
        .bind(now)
        .bind(up_to)
        .bind(&note)
        .execute(c)
        .await)?;
    let review = serde_json::json!({ "up_to_seq": up_to, "note": note });
    super::append(
        &mut tx,
        Some(session),
        now,
        super::Entry {
            operation: "audit_mark_reviewed",
            entity: "audit_review",
            entity_id: Some(id),
            before: None,
            after: Some(review.to_string()),
        },
    )
    .await?;
    let name: String = on_tx!(&mut tx, c => sqlx::query_scalar(
        "SELECT display_name FROM users WHERE id = $1").bind(session.user_id).fetch_one(c).await)?;
    tx.commit().await?;
    Ok(AuditReview {
        up_to_seq: up_to,
        at: now,
        user: UserRef {
            id: session.user_id,
            name,
        },
        note,
    })
}

pub(crate) async fn audit_verify(
    core: &Core,
    _: &Session,
    _: NoArgs,
) -> Result<AuditVerifyResult, ApiError> {
    chain::verify(&core.db).await
}
