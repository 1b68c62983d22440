//! Files the app hands to the system: a printed document saved to the Downloads folder, and
//! opened in the system's viewer, where it is printed (the webview cannot print a PDF on
//! every platform).

use base64::Engine;
use tauri::{AppHandle, Manager};
use tauri_plugin_opener::OpenerExt;

/// The largest file the UI hands over (a document is far smaller).
const MAX_BYTES: usize = 50 * 1024 * 1024;

/// A name safe on every platform: no folders, no characters Windows refuses.
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
    let cleaned = cleaned.trim().trim_start_matches('.').to_string();
    if cleaned.is_empty() {
        "document.pdf".into()
    } else {
        cleaned
    }
}

/// `name`, or `stem (2).ext`… when a file of that name is already there.
fn free_path(dir: &std::path::Path, name: &str) -> std::path::PathBuf {
    let path = dir.join(name);
    if !path.exists() {
        return path;
    }
    let (stem, ext) = name.rsplit_once('.').unwrap_or((name, ""));
    (2..1000)
        .map(|n| {
            if ext.is_empty() {
                dir.join(format!("{stem} ({n})"))
            } else {
                dir.join(format!("{stem} ({n}).{ext}"))
            }
        })
        .find(|p| !p.exists())
        .unwrap_or(path)
}

/// Saves a file (base64) to the Downloads folder and, with `open`, opens it in the system's
/// viewer. Returns where it was saved.
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
    let dir = app
        .path()
        .download_dir()
        .or_else(|_| app.path().temp_dir())
        .map_err(|e| format!("no folder to save in: {e}"))?;
    std::fs::create_dir_all(&dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    let path = free_path(&dir, &safe_name(&file_name));
    std::fs::write(&path, &bytes).map_err(|e| format!("{}: {e}", path.display()))?;
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
        assert_eq!(safe_name("../../etc/passwd"), "_.._etc_passwd");
        assert_eq!(safe_name("invoice-12.pdf"), "invoice-12.pdf");
        assert_eq!(safe_name("  "), "document.pdf");
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("a.pdf"), b"x").unwrap();
        assert_eq!(free_path(dir.path(), "a.pdf"), dir.path().join("a (2).pdf"));
        assert_eq!(free_path(dir.path(), "b.pdf"), dir.path().join("b.pdf"));
    }
}
