//! Files the app hands to the system: a printed document saved to the Downloads folder, and
//! opened in the system's viewer, where it is printed (the webview cannot print a PDF on
//! every platform).

use base64::Engine;
use tauri::{AppHandle, Manager};
use tauri_plugin_opener::OpenerExt;

/// The largest file the UI hands over (a document is far smaller).
const MAX_BYTES: usize = 50 * 1024 * 1024;

/// A name safe on every platform: no folders, no characters Windows refuses, and always a
/// `.pdf` (only documents are handed to the system, never a program or a script).
fn safe_name(name: &str) -> String {
    let cleaned: String = name
        .chars()
        .map(|c| {
            if "/\\:*?\"<>|".contains(c) || c.is_control() {
                '_'
            } else {
                c
            }
        })
        .collect();
    let cleaned = cleaned.trim().trim_start_matches('.');
    let stem = cleaned
        .strip_suffix(".pdf")
        .or_else(|| cleaned.strip_suffix(".PDF"))
        .unwrap_or(cleaned);
    if stem.is_empty() {
        "document.pdf".into()
    } else {
        format!("{stem}.pdf")
    }
}

/// Writes `bytes` to a new file `name`, or `stem (2).pdf`… when that name is taken; never over
/// an existing file or through a link.
fn write_new(
    dir: &std::path::Path,
    name: &str,
    bytes: &[u8],
) -> Result<std::path::PathBuf, String> {
    use std::io::Write;
    let stem = name.strip_suffix(".pdf").unwrap_or(name);
    for n in 1..1000 {
        let path = if n == 1 {
            dir.join(name)
        } else {
            dir.join(format!("{stem} ({n}).pdf"))
        };
        match std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&path)
        {
            Ok(mut file) => {
                file.write_all(bytes)
                    .map_err(|e| format!("{}: {e}", path.display()))?;
                return Ok(path);
            }
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => continue,
            Err(e) => return Err(format!("{}: {e}", path.display())),
        }
    }
    Err(format!("{}: too many files of this name", dir.display()))
}

/// Saves a PDF (base64) to the Downloads folder and, with `open`, opens it in the system's
/// viewer. Returns where it was saved. Anything but a PDF is refused.
#[tauri::command]
#[specta::specta]
pub fn file_save(
    app: AppHandle,
    file_name: String,
    content: String,
    open: bool,
) -> Result<String, String> {
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(content.trim())
        .map_err(|e| format!("the file is not base64: {e}"))?;
    if bytes.len() > MAX_BYTES {
        return Err("the file is too large".into());
    }
    if !bytes.starts_with(b"%PDF-") {
        return Err("only PDF documents are saved here".into());
    }
    let dir = app
        .path()
        .download_dir()
        .or_else(|_| app.path().temp_dir())
        .map_err(|e| format!("no folder to save in: {e}"))?;
    std::fs::create_dir_all(&dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    let path = write_new(&dir, &safe_name(&file_name), &bytes)?;
    if open {
        app.opener()
            .open_path(path.to_string_lossy(), None::<&str>)
            .map_err(|e| {
                format!(
                    "saved to {}, but it could not be opened: {e}",
                    path.display()
                )
            })?;
    }
    Ok(path.to_string_lossy().into_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_stay_in_the_folder_and_do_not_overwrite() {
        assert_eq!(safe_name("../../etc/passwd"), "_.._etc_passwd.pdf");
        assert_eq!(safe_name("invoice-12.pdf"), "invoice-12.pdf");
        assert_eq!(safe_name("run.exe"), "run.exe.pdf");
        assert_eq!(safe_name("  "), "document.pdf");
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("a.pdf"), b"old").unwrap();
        let second = write_new(dir.path(), "a.pdf", b"%PDF-new").unwrap();
        assert_eq!(second, dir.path().join("a (2).pdf"));
        assert_eq!(std::fs::read(dir.path().join("a.pdf")).unwrap(), b"old");
        assert_eq!(
            write_new(dir.path(), "b.pdf", b"%PDF-").unwrap(),
            dir.path().join("b.pdf")
        );
    }
}
