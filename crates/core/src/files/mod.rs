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

use crate::auth::Session;
use crate::db::Tx;
use crate::error::ApiError;
use crate::{exec_tx, on_tx, Core};

/// A photo may be at most this big.
pub const MAX_PHOTO: usize = 10 * 1024 * 1024;
/// Any other attachment.
pub const MAX_ATTACHMENT: usize = 20 * 1024 * 1024;
/// Thumbnails fit in this square.
pub const THUMB: u32 = 256;
/// Images with more pixels than this are refused before decoding.
const MAX_PIXELS: u64 = 50_000_000;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Type, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum FilePurpose {
    /// A card's photo: an image.
    Photo,
    /// Attached to a timeline entry: an image, PDF, office document or plain text.
    Attachment,
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

/// The MIME type the bytes really are, for the kinds we accept.
pub fn sniff(bytes: &[u8]) -> Option<&'static str> {
    let starts = |m: &[u8]| bytes.starts_with(m);
    if starts(b"\x89PNG\r\n\x1a\n") {
        Some("image/png")
    } else if starts(b"\xff\xd8\xff") {
        Some("image/jpeg")
    } else if bytes.len() >= 12 && &bytes[..4] == b"RIFF" && &bytes[8..12] == b"WEBP" {
        Some("image/webp")
    } else if starts(b"GIF87a") || starts(b"GIF89a") {
        Some("image/gif")
    } else if starts(b"%PDF-") {
        Some("application/pdf")
    } else if starts(b"PK\x03\x04") {
        Some("application/zip")
    } else if starts(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1") {
        Some("application/x-ole-storage")
    } else if is_svg(bytes) {
        Some("image/svg+xml")
    } else if std::str::from_utf8(bytes).is_ok() && !bytes.contains(&0) {
        Some("text/plain")
    } else {
        None
    }
}

fn is_svg(bytes: &[u8]) -> bool {
    let Ok(text) = std::str::from_utf8(&bytes[..bytes.len().min(4096)]) else {
        return false;
    };
    let t = text.trim_start_matches('\u{feff}').trim_start();
    (t.starts_with("<svg") || t.starts_with("<?xml")) && t.contains("<svg")
}

pub fn is_raster(mime: &str) -> bool {
    matches!(
        mime,
        "image/png" | "image/jpeg" | "image/webp" | "image/gif"
    )
}

/// Reads base64 (with or without a `data:…;base64,` prefix), refusing more than `max`
/// decoded bytes before decoding. Errors at `field`.
pub fn decode_base64(content: &str, max: usize, field: &str) -> Result<Vec<u8>, ApiError> {
    let b64 = match content.split_once(";base64,") {
        Some((head, rest)) if head.starts_with("data:") => rest,
        _ => content,
    };
    let b64 = b64.trim();
    if b64.len() / 4 * 3 > max + 3 {
        return Err(too_large(field, max));
    }
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(b64)
        .map_err(|_| ApiError::field(field, "invalid_encoding", "not base64"))?;
    if bytes.len() > max {
        return Err(too_large(field, max));
    }
    Ok(bytes)
}

pub fn too_large(field: &str, max: usize) -> ApiError {
    ApiError::field(
        field,
        "too_large",
        format!("the file is larger than {} MB", max / (1024 * 1024)),
    )
}

/// Checks an image: a real PNG/JPEG/WebP/GIF that decodes; gives its size and a thumbnail.
pub fn image_meta(bytes: &[u8], field: &str) -> Result<(u32, u32, Vec<u8>), ApiError> {
    let bad = |m: &str| ApiError::field(field, "invalid_image", m.to_string());
    let reader = image::ImageReader::new(std::io::Cursor::new(bytes))
        .with_guessed_format()
        .map_err(|_| bad("not an image"))?;
    let (w, h) = reader
        .into_dimensions()
        .map_err(|_| bad("not a readable image (PNG, JPEG, WebP or GIF)"))?;
    if u64::from(w) * u64::from(h) > MAX_PIXELS {
        return Err(bad("the image has too many pixels (at most 50 megapixels)"));
    }
    let mut reader = image::ImageReader::new(std::io::Cursor::new(bytes))
        .with_guessed_format()
        .map_err(|_| bad("not an image"))?;
    reader.limits(image::Limits::default());
    let img = reader
        .decode()
        .map_err(|_| bad("the image is damaged and cannot be read"))?;
    let thumb = img.thumbnail(THUMB, THUMB).into_rgb8();
    let mut out = std::io::Cursor::new(Vec::new());
    thumb
        .write_to(&mut out, image::ImageFormat::Jpeg)
        .map_err(|_| bad("could not make a thumbnail"))?;
    Ok((w, h, out.into_inner()))
}

/// The extensions a file of this type may be saved under; the first is added when the name
/// has none of them (so a text file named `run.bat` downloads as `run.bat.txt`).
fn extensions(mime: &str) -> &'static [&'static str] {
    match mime {
        "image/png" => &["png"],
        "image/jpeg" => &["jpg", "jpeg"],
        "image/webp" => &["webp"],
        "image/gif" => &["gif"],
        "application/pdf" => &["pdf"],
        "text/plain" => &["txt", "csv", "text"],
        "application/zip" => &["docx", "xlsx", "pptx", "odt", "ods", "odp"],
        "application/x-ole-storage" => &["doc", "xls", "ppt"],
        _ => &[],
    }
}

/// A file name safe to offer for download: no path, no control characters, and an
/// extension that matches what the bytes are. Office containers (ZIP, OLE) must already be
/// named as office documents (anything else in them could be a program).
pub fn safe_name(name: &str, mime: &str, field: &str) -> Result<String, ApiError> {
    let name = check_name(name, field)?;
    let allowed = extensions(mime);
    let ext = name.rsplit_once('.').map(|(_, e)| e.to_ascii_lowercase());
    if ext.as_deref().is_some_and(|e| allowed.contains(&e)) {
        return Ok(name);
    }
    match mime {
        "application/zip" | "application/x-ole-storage" => Err(ApiError::field(
            field,
            "unsupported_type",
            "only office documents (DOCX, XLSX, ODT, DOC, XLS…) are accepted in this format",
        )),
        _ => Ok(format!(
            "{name}.{}",
            allowed.first().copied().unwrap_or("bin")
        )),
    }
}

fn check_name(name: &str, field: &str) -> Result<String, ApiError> {
    let name: String = name
        .trim()
        .chars()
        .filter(|c| !c.is_control() && *c != '/' && *c != '\\')
        .take(200)
        .collect();
    if name.is_empty() {
        return Err(ApiError::field(field, "required", "the file needs a name"));
    }
    Ok(name)
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
        FilePurpose::Attachment => MAX_ATTACHMENT,
    };
    if bytes.len() > max {
        return Err(too_large(field, max));
    }
    if bytes.is_empty() {
        return Err(ApiError::field(field, "empty", "the file is empty"));
    }
    match (purpose, sniff(bytes)) {
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
        FilePurpose::Attachment => MAX_ATTACHMENT,
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn types_come_from_the_bytes() {
        assert_eq!(sniff(b"\x89PNG\r\n\x1a\n...."), Some("image/png"));
        assert_eq!(sniff(b"%PDF-1.7"), Some("application/pdf"));
        assert_eq!(sniff(b"<?xml version='1.0'?><svg/>"), Some("image/svg+xml"));
        assert_eq!(sniff(b"hello, this is text"), Some("text/plain"));
        assert_eq!(sniff(b"\x00\x01\x02\xff"), None);
    }

    #[test]
    fn text_named_png_is_not_an_image() {
        let e = image_meta(b"just some text", "content").unwrap_err();
        assert!(matches!(e, ApiError::Validation { .. }));
    }

    #[test]
    fn oversize_base64_is_refused_before_decoding() {
        let big = "A".repeat(40);
        assert!(decode_base64(&big, 10, "content").is_err());
        assert_eq!(
            decode_base64("data:image/png;base64,aGk=", 10, "c").unwrap(),
            b"hi"
        );
    }
}
