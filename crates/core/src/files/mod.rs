//! Stored files: photos and attachments (award certificates, permits). Each is kept once by
//! its SHA-256, its type read from its bytes (never from its name), with a thumbnail for
//! images. Both transports carry files as base64 inside the JSON of `file_upload` and
//! `file_get`.

use base64::Engine;
use chrono::{DateTime, Utc};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use specta::Type;
use uuid::Uuid;

mod content;

pub use content::*;

use crate::auth::Session;
use crate::db::Tx;
use crate::error::ApiError;
use crate::{exec_tx, on_tx, Core};

/// A photo may be at most this big.
pub const MAX_PHOTO: usize = 10 * 1024 * 1024;
/// Any other attachment.
pub const MAX_ATTACHMENT: usize = 20 * 1024 * 1024;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Type, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum FilePurpose {
    /// A card's photo: an image.
    Photo,
    /// Attached to a timeline entry: an image, PDF, office document or plain text.
    Attachment,
    /// A WAV recording, played to clients through the PBX.
    Recording,
}

#[derive(Debug, Clone, Serialize, Deserialize, Type, JsonSchema)]
pub struct FileUploadArgs {
    pub file_name: String,
    /// The file, base64.
    pub content: String,
    pub purpose: FilePurpose,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type, JsonSchema, sqlx::FromRow)]
pub struct FileInfo {
    pub id: Uuid,
    pub name: String,
    pub mime: String,
    pub size: i64,
    pub width: Option<i32>,
    pub height: Option<i32>,
    pub created_at: DateTime<Utc>,
}

#[derive(Debug, Clone, Serialize, Deserialize, Type, JsonSchema)]
pub struct FileGetArgs {
    pub id: Uuid,
    /// The thumbnail instead of the file (images only; the file itself otherwise).
    #[serde(default)]
    pub thumbnail: bool,
}

#[derive(Debug, Clone, Serialize, Deserialize, Type, JsonSchema)]
pub struct FileContent {
    pub id: Uuid,
    pub name: String,
    pub mime: String,
    /// base64
    pub content: String,
}

/// What a file is, read from its bytes: type, pixel size and thumbnail for images.
pub struct Prepared {
    pub mime: &'static str,
    pub dims: Option<(i32, i32)>,
    pub thumbnail: Option<Vec<u8>>,
}

/// Checks a file for `purpose` (size, type, a readable image) and makes its thumbnail.
/// CPU work: call it off the async threads for big files.
pub fn prepare(bytes: &[u8], purpose: FilePurpose) -> Result<Prepared, ApiError> {
    let field = "content";
    let max = match purpose {
        FilePurpose::Photo => MAX_PHOTO,
        FilePurpose::Attachment | FilePurpose::Recording => MAX_ATTACHMENT,
    };
    if bytes.len() > max {
        return Err(too_large(field, max));
    }
    if bytes.is_empty() {
        return Err(ApiError::field(field, "empty", "the file is empty"));
    }
    match (purpose, sniff(bytes)) {
        (FilePurpose::Recording, Some("audio/wav")) => Ok(Prepared {
            mime: "audio/wav",
            dims: None,
            thumbnail: None,
        }),
        (FilePurpose::Recording, _) => Err(ApiError::field(
            field,
            "unsupported_type",
            "a recording must be a WAV file (8 kHz mono plays best on phones)",
        )),
        (_, Some(m)) if is_raster(m) => {
            let (w, h, t) = image_meta(bytes, field)?;
            Ok(Prepared {
                mime: m,
                dims: Some((w as i32, h as i32)),
                thumbnail: Some(t),
            })
        }
        (FilePurpose::Photo, _) => Err(ApiError::field(
            field,
            "invalid_image",
            "a photo must be a PNG, JPEG, WebP or GIF image",
        )),
        (FilePurpose::Attachment, Some(m)) if m != "image/svg+xml" => Ok(Prepared {
            mime: m,
            dims: None,
            thumbnail: None,
        }),
        (FilePurpose::Attachment, _) => Err(ApiError::field(
            field,
            "unsupported_type",
            "attach an image, a PDF, an office document or plain text",
        )),
    }
}

/// Stores a prepared file once by content and gives its record.
pub(crate) async fn store(
    tx: &mut Tx,
    bytes: &[u8],
    p: &Prepared,
    name: &str,
    who: Option<Uuid>,
    now: DateTime<Utc>,
) -> Result<FileInfo, ApiError> {
    let sha = format!("{:x}", Sha256::digest(bytes));
    // The same bytes uploaded twice at once: the second insert does nothing and both get
    // the one stored copy.
    exec_tx!(&mut *tx, c => sqlx::query(
        "INSERT INTO files (id, sha256, mime, size, content, thumbnail, created_at, created_by, name, width, height) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) ON CONFLICT (sha256) DO NOTHING")
        .bind(crate::new_id()).bind(&sha).bind(p.mime).bind(bytes.len() as i32).bind(bytes).bind(&p.thumbnail)
        .bind(now).bind(who).bind(name).bind(p.dims.map(|d| d.0)).bind(p.dims.map(|d| d.1))
        .execute(c).await)?;
    let id: Uuid = on_tx!(&mut *tx, c => sqlx::query_scalar("SELECT id FROM files WHERE sha256 = $1")
        .bind(&sha).fetch_one(c).await)?;
    let mut info = info(tx, id).await?;
    info.name = name.to_string();
    Ok(info)
}

pub(crate) async fn info(tx: &mut Tx, id: Uuid) -> Result<FileInfo, ApiError> {
    on_tx!(tx, c => sqlx::query_as::<_, FileInfo>(
        "SELECT id, name, mime, CAST(size AS BIGINT) AS size, width, height, created_at FROM files WHERE id = $1")
        .bind(id).fetch_optional(c).await)?
    .ok_or_else(|| ApiError::not_found("file"))
}

pub(crate) async fn file_upload(
    core: &Core,
    session: &Session,
    args: FileUploadArgs,
) -> Result<FileInfo, ApiError> {
    let name = check_name(&args.file_name, "file_name")?;
    let max = match args.purpose {
        FilePurpose::Photo => MAX_PHOTO,
        FilePurpose::Attachment | FilePurpose::Recording => MAX_ATTACHMENT,
    };
    let bytes = decode_base64(&args.content, max, "content")?;
    let purpose = args.purpose;
    let (bytes, prepared) = tokio::task::spawn_blocking(move || {
        let p = prepare(&bytes, purpose)?;
        Ok::<_, ApiError>((bytes, p))
    })
    .await
    .map_err(|_| ApiError::Internal {
        message: "reading the file failed".into(),
    })??;
    let name = safe_name(&name, prepared.mime, "file_name")?;
    let now = core.now();
    let mut tx = core.db.write().await?;
    let info = store(
        &mut tx,
        &bytes,
        &prepared,
        &name,
        Some(session.user_id),
        now,
    )
    .await?;
    crate::audit::append(
        &mut tx,
        Some(session),
        now,
        crate::audit::Entry {
            operation: "file_upload",
            entity: "file",
            entity_id: Some(info.id),
            before: None,
            after: crate::audit::snapshot(&info),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(info)
}

/// name, mime, content, thumbnail
type StoredFile = (String, String, Vec<u8>, Option<Vec<u8>>);

pub(crate) async fn file_get(
    core: &Core,
    _session: &Session,
    args: FileGetArgs,
) -> Result<FileContent, ApiError> {
    let mut tx = core.db.read().await?;
    let row: Option<StoredFile> = on_tx!(&mut tx, c => sqlx::query_as(
        "SELECT name, mime, content, thumbnail FROM files WHERE id = $1").bind(args.id).fetch_optional(c).await)?;
    tx.commit().await?;
    let (name, mime, content, thumb) = row.ok_or_else(|| ApiError::not_found("file"))?;
    let (mime, bytes) = match (args.thumbnail, thumb) {
        (true, Some(t)) => ("image/jpeg".to_string(), t),
        _ => (mime, content),
    };
    Ok(FileContent {
        id: args.id,
        name,
        mime,
        content: base64::engine::general_purpose::STANDARD.encode(bytes),
    })
}
