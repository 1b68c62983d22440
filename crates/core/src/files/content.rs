//! What a file's bytes are: the type read from them (never from the name), base64 within
//! limits, images checked and thumbnailed, and download names that match the type.

use base64::Engine;

use crate::error::ApiError;

/// Thumbnails fit in this square.
pub const THUMB: u32 = 256;
/// Images with more pixels than this are refused before decoding.
const MAX_PIXELS: u64 = 50_000_000;

/// The MIME type the bytes really are, for the kinds we accept.
pub fn sniff(bytes: &[u8]) -> Option<&'static str> {
    let starts = |m: &[u8]| bytes.starts_with(m);
    if starts(b"\x89PNG\r\n\x1a\n") {
        Some("image/png")
    } else if starts(b"\xff\xd8\xff") {
        Some("image/jpeg")
    } else if bytes.len() >= 12 && &bytes[..4] == b"RIFF" && &bytes[8..12] == b"WEBP" {
        Some("image/webp")
    } else if bytes.len() >= 12 && &bytes[..4] == b"RIFF" && &bytes[8..12] == b"WAVE" {
        Some("audio/wav")
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
        "audio/wav" => &["wav"],
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

pub(crate) fn check_name(name: &str, field: &str) -> Result<String, ApiError> {
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
