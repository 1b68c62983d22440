//! The centre's templates: listed (the built-in one where none was saved), saved only when
//! they typeset, reset to the built-in one.

use chrono::{DateTime, Utc};
use uuid::Uuid;

use super::render::check_template;
use super::{DocumentKind, DocumentTemplate, DocumentTemplateResetArgs, DocumentTemplateSaveArgs};
use crate::audit::{self, Change};
use crate::auth::{NoArgs, Session, UserRef};
use crate::db::Tx;
use crate::error::{ApiError, FieldError};
use crate::{exec_tx, on_tx, Core};

/// A template past this is not a document template.
pub(super) const MAX_SOURCE_BYTES: usize = 200_000;
const STALE: &str = "someone else changed this template meanwhile; reload it";

#[derive(sqlx::FromRow)]
struct Row {
    kind: String,
    source: String,
    updated_at: DateTime<Utc>,
    updated_by: Option<Uuid>,
    updated_name: Option<String>,
    version: i64,
}

const SELECT: &str = "SELECT t.kind, t.source, t.updated_at, t.updated_by, \
     u.display_name AS updated_name, t.version FROM document_templates t \
     LEFT JOIN users u ON u.id = t.updated_by";

fn built_in(kind: DocumentKind) -> DocumentTemplate {
    DocumentTemplate {
        kind,
        source: kind.default_source().to_string(),
        is_default: true,
        version: 0,
        updated_at: None,
        updated_by: None,
    }
}

impl Row {
    /// A row with no source is the built-in template after a reset: its version goes on
    /// counting, so a save made on what was read before the reset is a conflict.
    fn template(self, kind: DocumentKind) -> DocumentTemplate {
        let is_default = self.source.is_empty();
        DocumentTemplate {
            kind,
            source: if is_default {
                kind.default_source().to_string()
            } else {
                self.source
            },
            is_default,
            version: self.version,
            updated_at: Some(self.updated_at),
            updated_by: UserRef::from_row(self.updated_by, self.updated_name),
        }
    }
}

/// The template a kind is printed with now.
pub(crate) async fn template_in(
    tx: &mut Tx,
    kind: DocumentKind,
) -> Result<DocumentTemplate, ApiError> {
    let sql = format!("{SELECT} WHERE t.kind = $1");
    let row: Option<Row> = on_tx!(tx, c => sqlx::query_as(&sql).bind(kind.as_str())
        .fetch_optional(c).await)?;
    Ok(row.map_or_else(|| built_in(kind), |r| r.template(kind)))
}

pub(crate) async fn document_templates_list(
    core: &Core,
    _session: &Session,
    _: NoArgs,
) -> Result<Vec<DocumentTemplate>, ApiError> {
    let mut tx = core.db.read().await?;
    let mut rows: Vec<Row> = on_tx!(&mut tx, c => sqlx::query_as(SELECT).fetch_all(c).await)?;
    tx.commit().await?;
    Ok(DocumentKind::ALL
        .into_iter()
        .map(
            |kind| match rows.iter().position(|r| r.kind == kind.as_str()) {
                Some(i) => rows.swap_remove(i).template(kind),
                None => built_in(kind),
            },
        )
        .collect())
}

/// The template's problems as errors of its `source` field: "line 3, column 4: …".
fn refused(problems: Vec<super::TemplateProblem>) -> ApiError {
    ApiError::Validation {
        errors: problems
            .into_iter()
            .take(20)
            .map(|p| FieldError {
                field: "source".into(),
                code: "template_error".into(),
                message: if p.line > 0 {
                    format!("line {}, column {}: {}", p.line, p.column, p.message)
                } else {
                    p.message
                },
            })
            .collect(),
    }
}

pub(crate) async fn document_template_save(
    core: &Core,
    session: &Session,
    args: DocumentTemplateSaveArgs,
) -> Result<DocumentTemplate, ApiError> {
    if args.source.trim().is_empty() {
        return Err(ApiError::field(
            "source",
            "required",
            "the template is empty",
        ));
    }
    if args.source.len() > MAX_SOURCE_BYTES {
        return Err(ApiError::field("source", "too_long", "at most 200 KB"));
    }
    let centre = {
        let mut tx = core.db.read().await?;
        crate::centre::load(&mut tx)
            .await?
            .ok_or_else(|| ApiError::not_found("centre"))?
    };
    let problems = check_template(
        args.kind,
        &args.source,
        &centre,
        session.local_date(core.now()),
    )
    .await?;
    if !problems.is_empty() {
        return Err(refused(problems));
    }
    let now = core.now();
    let mut tx = core.db.write().await?;
    let before = template_in(&mut tx, args.kind).await?;
    if before.version != args.version {
        return Err(ApiError::conflict(STALE));
    }
    let written = if before.version == 0 {
        exec_tx!(&mut tx, c => sqlx::query(
            "INSERT INTO document_templates (kind, source, updated_at, updated_by, version) \
             VALUES ($1, $2, $3, $4, 1)")
            .bind(args.kind.as_str()).bind(&args.source).bind(now).bind(session.user_id)
            .execute(c).await)
        .map_err(|e| {
            if crate::db::unique_violation(&e) {
                ApiError::conflict(STALE)
            } else {
                e.into()
            }
        })?
    } else {
        exec_tx!(&mut tx, c => sqlx::query(
            "UPDATE document_templates SET source = $1, updated_at = $2, updated_by = $3, \
             version = version + 1 WHERE kind = $4 AND version = $5")
            .bind(&args.source).bind(now).bind(session.user_id).bind(args.kind.as_str())
            .bind(args.version).execute(c).await)?
    };
    if written != 1 {
        return Err(ApiError::conflict(STALE));
    }
    let after = template_in(&mut tx, args.kind).await?;
    audit::record(
        &mut tx,
        session,
        now,
        Change {
            operation: "document_template_save",
            entity: "document_template",
            entity_id: None,
            before: Some(&before),
            after: Some(&after),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(after)
}

pub(crate) async fn document_template_reset(
    core: &Core,
    session: &Session,
    args: DocumentTemplateResetArgs,
) -> Result<DocumentTemplate, ApiError> {
    let now = core.now();
    let mut tx = core.db.write().await?;
    let before = template_in(&mut tx, args.kind).await?;
    if before.version != args.version {
        return Err(ApiError::conflict(STALE));
    }
    if before.is_default {
        return Ok(before);
    }
    let n = exec_tx!(&mut tx, c => sqlx::query(
        "UPDATE document_templates SET source = '', updated_at = $3, updated_by = $4, \
         version = version + 1 WHERE kind = $1 AND version = $2")
        .bind(args.kind.as_str()).bind(args.version).bind(now).bind(session.user_id)
        .execute(c).await)?;
    if n != 1 {
        return Err(ApiError::conflict(STALE));
    }
    let after = template_in(&mut tx, args.kind).await?;
    audit::record(
        &mut tx,
        session,
        now,
        Change {
            operation: "document_template_reset",
            entity: "document_template",
            entity_id: None,
            before: Some(&before),
            after: Some(&after),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(after)
}
