//! Importing a client list from CSV, XLSX, XLS or ODS: the file is read whatever its
//! encoding and delimiter (`sheet`), columns are matched to card fields (`mapping`), each
//! line becomes a card form (`rows`) checked like a form typed at the desk (`check`); a dry
//! run reports every bad line and duplicate, and a commit writes all of it in one
//! transaction (`commit`) — or nothing, when bad lines exist and the caller did not ask to
//! skip them.

pub mod cells;
pub mod check;
pub mod commit;
pub mod known;
pub mod mapping;
pub mod rows;
pub mod sheet;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use specta::Type;
use uuid::Uuid;

use crate::auth::Session;
use crate::error::ApiError;
use crate::progress::{JobProgress, JobProgressArgs};
use crate::Core;

/// The largest file accepted: a 50,000-row sheet.
pub const MAX_FILE: usize = 50 * 1024 * 1024;

#[derive(Debug, Clone, Serialize, Deserialize, Type, JsonSchema)]
pub struct ColumnTarget {
    /// 0-based column index.
    pub column: u32,
    /// `name`, `last_name`, `first_name`, `middle_name`, `kind`, `phone`, `email`,
    /// `birth_date`, `guardian` ("name, phone"), `guardian_name`, `guardian_phone`,
    /// `card_number`, `status`, `tags`, `category`, `address`, `tax_id`, `notes`,
    /// `custom:<field id>` or `ignore`.
    pub target: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, Type, JsonSchema)]
pub struct ClientsImportArgs {
    pub file_name: String,
    /// The file, base64.
    pub content: String,
    /// Check only; write nothing.
    #[serde(default)]
    pub dry_run: bool,
    /// Write the good lines even though some are bad (otherwise a file with bad lines is
    /// refused whole).
    #[serde(default)]
    pub skip_invalid: bool,
    /// Also create lines that look like cards already on file (skipped otherwise).
    #[serde(default)]
    pub allow_duplicates: bool,
    /// The columns; guessed from the header when absent.
    #[serde(default)]
    pub mapping: Option<Vec<ColumnTarget>>,
    /// An id of the caller's to follow progress with `clients_import_progress`.
    #[serde(default)]
    pub job_id: Option<Uuid>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type, JsonSchema)]
pub struct ImportError {
    /// The line of the file (as a text editor or the spreadsheet numbers it).
    pub line: u32,
    /// The column's header (or its letter when the file has no header); empty for the line.
    pub column: String,
    pub code: String,
    pub message: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type, JsonSchema)]
pub struct ImportDuplicate {
    pub line: u32,
    pub column: String,
    /// `phone`, `email`, `name_birth_date`.
    pub reason: String,
    /// The card on file, or None when it is an earlier line of the same file.
    pub id: Option<Uuid>,
    /// The name on file, or of the earlier line.
    pub name: String,
    pub earlier_line: Option<u32>,
}

#[derive(Debug, Clone, Serialize, Deserialize, Type, JsonSchema)]
pub struct ImportColumn {
    pub index: u32,
    pub header: String,
    /// What it fills (see [`ColumnTarget::target`]); None when not imported.
    pub target: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, Type, JsonSchema)]
pub struct ImportPreviewLine {
    pub line: u32,
    pub cells: Vec<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, Type, JsonSchema)]
pub struct ClientsImportResult {
    /// `csv`, `xlsx`, `xls`, `ods`.
    pub format: String,
    pub encoding: Option<String>,
    pub delimiter: Option<String>,
    pub header_line: Option<u32>,
    pub columns: Vec<ImportColumn>,
    /// The first data lines as read, for the mapping screen.
    pub preview: Vec<ImportPreviewLine>,
    pub total_rows: u32,
    pub valid_rows: u32,
    pub created: u32,
    /// Guardians created from guardian columns (not counted in `created`).
    pub guardians_created: u32,
    pub duplicates: Vec<ImportDuplicate>,
    pub errors: Vec<ImportError>,
    pub dry_run: bool,
    /// Whether anything was written.
    pub committed: bool,
}

/// The column's name in reports: its header, or its spreadsheet letter.
pub fn column_name(headers: &[String], index: usize) -> String {
    match headers.get(index).filter(|h| !h.trim().is_empty()) {
        Some(h) => h.trim().to_string(),
        None => letter(index),
    }
}

pub fn letter(mut i: usize) -> String {
    let mut s = Vec::new();
    loop {
        s.push(b'A' + (i % 26) as u8);
        if i < 26 {
            break;
        }
        i = i / 26 - 1;
    }
    s.reverse();
    String::from_utf8(s).unwrap_or_default()
}

pub(crate) async fn clients_import(
    core: &Core,
    session: &Session,
    args: ClientsImportArgs,
) -> Result<ClientsImportResult, ApiError> {
    let job = args.job_id;
    core.jobs.set(job, session.user_id, "reading", 0, 0);
    let result = run(core, session, args).await;
    let phase = if result.is_ok() { "done" } else { "failed" };
    let n = result.as_ref().map_or(0, |r| u64::from(r.total_rows));
    core.jobs.set(job, session.user_id, phase, n, n);
    result
}

async fn run(
    core: &Core,
    session: &Session,
    mut args: ClientsImportArgs,
) -> Result<ClientsImportResult, ApiError> {
    if args.file_name.trim().is_empty() {
        return Err(ApiError::field(
            "file_name",
            "required",
            "the file needs a name",
        ));
    }
    let content = std::mem::take(&mut args.content);
    let grid = tokio::task::spawn_blocking(move || {
        let bytes = crate::files::decode_base64(&content, MAX_FILE, "content")?;
        if bytes.is_empty() {
            return Err(ApiError::field("content", "empty", "the file is empty"));
        }
        sheet::read(&bytes).map_err(|e| ApiError::field("content", "unreadable", e.0))
    })
    .await
    .map_err(|_| ApiError::Internal {
        message: "reading the file failed".into(),
    })??;
    let mut checked = check::check(core, session, &args, grid).await?;
    if args.dry_run || (!checked.result.errors.is_empty() && !args.skip_invalid) {
        return Ok(checked.result);
    }
    commit::write(core, session, &args, &mut checked).await?;
    Ok(checked.result)
}

pub(crate) async fn clients_import_progress(
    core: &Core,
    session: &Session,
    args: JobProgressArgs,
) -> Result<JobProgress, ApiError> {
    core.jobs
        .get(args.job_id, session.user_id)
        .ok_or_else(|| ApiError::not_found("import job"))
}

#[cfg(test)]
mod tests {
    #[test]
    fn column_letters() {
        assert_eq!(super::letter(0), "A");
        assert_eq!(super::letter(25), "Z");
        assert_eq!(super::letter(26), "AA");
        assert_eq!(super::letter(27), "AB");
        assert_eq!(super::letter(702), "AAA");
    }
}
