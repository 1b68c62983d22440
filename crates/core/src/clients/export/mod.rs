//! Exporting the client list as it is filtered on screen: XLSX, CSV (UTF-8 with a BOM, so
//! spreadsheets read Cyrillic and Lao right) or HTML, which prints as a list. The columns
//! are the ones import recognises, so importing an export gives the same clients back.
//! Cells a spreadsheet could run as a formula are escaped (`write`).

mod load;
mod write;

use std::collections::BTreeMap;

use base64::Engine;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use specta::Type;

use super::search::{ClientFilters, ClientSort};
use super::{listing, sql};
use crate::audit::{self, Entry};
use crate::auth::Session;
use crate::error::ApiError;
use crate::Core;

pub use load::Sheet;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Type, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum ExportFormat {
    Xlsx,
    Csv,
    Html,
}

#[derive(Debug, Clone, Serialize, Deserialize, Type, JsonSchema)]
pub struct ClientsExportArgs {
    pub format: ExportFormat,
    #[serde(default)]
    pub query: String,
    #[serde(default)]
    pub filters: ClientFilters,
    #[serde(default)]
    pub sort: ClientSort,
    /// Column headers in the reader's language, by column key (`name`, `phone`, …);
    /// English where absent.
    #[serde(default)]
    pub labels: BTreeMap<String, String>,
    /// A title for the printable list (HTML), e.g. the saved filter's name.
    #[serde(default)]
    pub title: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, Type, JsonSchema)]
pub struct ExportFile {
    pub file_name: String,
    pub mime: String,
    /// The file, base64.
    pub content: String,
    pub rows: u32,
}

pub(crate) async fn clients_export(
    core: &Core,
    session: &Session,
    args: ClientsExportArgs,
) -> Result<ExportFile, ApiError> {
    if args.query.chars().count() > 200 {
        return Err(ApiError::field(
            "query",
            "too_long",
            "at most 200 characters",
        ));
    }
    let now = core.now();
    let phones = session.can(crate::roles::Permission::ClientsPhones);
    let mut tx = core.db.read().await?;
    let local = &session.local;
    let r = listing::resolve(
        &mut tx,
        &args.query,
        args.filters.clone(),
        args.sort,
        local,
        now,
        !phones,
    )
    .await?;
    let ids = sql::all_ids(&mut tx, &r).await?;
    let sheet = load::sheet(&mut tx, &ids, &args.labels, phones).await?;
    let centre = crate::centre::load(&mut tx)
        .await?
        .map(|c| c.name)
        .unwrap_or_default();
    tx.commit().await?;
    let day = local.today(now);
    let rows = sheet.rows.len() as u32;
    let format = args.format;
    let title = args
        .title
        .clone()
        .filter(|t| !t.trim().is_empty())
        .unwrap_or_else(|| centre.clone());
    let (bytes, ext, mime) = tokio::task::spawn_blocking(move || -> Result<_, ApiError> {
        Ok(match format {
            ExportFormat::Xlsx => (write::xlsx(&sheet)?, "xlsx", write::XLSX_MIME),
            ExportFormat::Csv => (write::csv(&sheet)?, "csv", "text/csv; charset=utf-8"),
            ExportFormat::Html => (
                write::html(&sheet, &title, &day.to_string()),
                "html",
                "text/html; charset=utf-8",
            ),
        })
    })
    .await
    .map_err(|_| ApiError::Internal {
        message: "writing the file failed".into(),
    })??;
    let file_name = format!("clients-{day}.{ext}");
    // Exports take personal data out of the system: the audit log says who and how much.
    let mut tx = core.db.write().await?;
    audit::append(
        &mut tx,
        Some(session),
        now,
        Entry {
            operation: "clients_export",
            entity: "client",
            entity_id: None,
            before: None,
            after: Some(
                serde_json::json!({ "file_name": file_name, "rows": rows, "query": args.query, "filters": args.filters })
                    .to_string(),
            ),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(ExportFile {
        file_name,
        mime: mime.into(),
        content: base64::engine::general_purpose::STANDARD.encode(bytes),
        rows,
    })
}
