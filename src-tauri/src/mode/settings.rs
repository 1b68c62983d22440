//! How this device works, kept in a small JSON file in the app's configuration folder. It is
//! replaced whole (a temporary file, flushed, then renamed over the old one), so a crash or a
//! power cut leaves either the old settings or the new ones, never half of each.

use std::io::Write;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use specta::Type;

/// The app's three modes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(tag = "mode", rename_all = "snake_case")]
pub enum DeviceMode {
    /// The embedded database on this device.
    Local,
    /// A hub elsewhere on the LAN: every command goes to it. `fingerprint` is its HTTPS
    /// certificate's, pinned when the device connected.
    Hub {
        url: String,
        fingerprint: Option<String>,
    },
    /// The embedded database, also served on the LAN at `listen` (`0.0.0.0:8443`).
    Host { listen: String, https: bool },
}

#[derive(Serialize, Deserialize)]
struct File {
    version: u32,
    device: DeviceMode,
}

/// The settings file.
pub struct SettingsFile {
    pub path: PathBuf,
}

impl SettingsFile {
    pub fn new(path: PathBuf) -> SettingsFile {
        SettingsFile { path }
    }

    /// The saved mode; none before the first choice.
    pub fn load(&self) -> Result<Option<DeviceMode>, String> {
        let text = match std::fs::read_to_string(&self.path) {
            Ok(t) => t,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(format!("cannot read {}: {e}", self.path.display())),
        };
        serde_json::from_str::<File>(&text)
            .map(|f| Some(f.device))
            .map_err(|e| format!("{} is not readable ({e})", self.path.display()))
    }

    /// Replaces the file in one step.
    pub fn save(&self, mode: &DeviceMode) -> Result<(), String> {
        let dir = self.path.parent().unwrap_or(Path::new("."));
        std::fs::create_dir_all(dir).map_err(|e| format!("cannot make {}: {e}", dir.display()))?;
        let body = serde_json::to_vec_pretty(&File {
            version: 1,
            device: mode.clone(),
        })
        .map_err(|e| e.to_string())?;
        let mut tmp = tempfile::NamedTempFile::new_in(dir)
            .map_err(|e| format!("cannot write in {}: {e}", dir.display()))?;
        tmp.write_all(&body)
            .and_then(|_| tmp.as_file().sync_all())
            .map_err(|e| format!("cannot write {}: {e}", self.path.display()))?;
        tmp.persist(&self.path)
            .map_err(|e| format!("cannot write {}: {e}", self.path.display()))?;
        // The rename itself is durable once the folder is flushed.
        #[cfg(unix)]
        if let Ok(d) = std::fs::File::open(dir) {
            let _ = d.sync_all();
        }
        Ok(())
    }
}
