//! Backups of the embedded SQLite database: made online (`VACUUM INTO`, while the centre keeps
//! working), each checked (`integrity_check` of the copy) before it counts, optionally
//! encrypted with a passphrase (age, scrypt), kept to a number of the newest. On PostgreSQL
//! the database's own tools do this (`pg_dump`, see the README).

use std::path::{Path, PathBuf};
use std::sync::Mutex;

use chrono::{DateTime, NaiveDateTime, Utc};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use specta::Type;

use crate::auth::{NoArgs, Session};
use crate::db::Db;
use crate::error::ApiError;
use crate::Core;

mod file;
mod make;
mod restore;
pub use make::make_backup;
pub(crate) use restore::backup_restore;
pub use restore::BackupRestoreArgs;
/// The restore's result type, for the operation registry.
pub mod restore_types {
    pub use super::restore::BackupRestoreResult;
}

/// Backups kept when nothing else is set.
pub const DEFAULT_KEEP: usize = 14;
const PREFIX: &str = "hallpass-";

/// Where backups go and how many are kept.
#[derive(Debug, Clone)]
pub struct BackupConfig {
    pub dir: PathBuf,
    pub keep: usize,
    /// For scheduled backups: encrypt with this passphrase.
    pub passphrase: Option<String>,
}

#[derive(Default)]
pub struct Backups {
    config: Mutex<Option<BackupConfig>>,
    /// What `PRAGMA quick_check` said when the database was opened (none: sound, or not
    /// SQLite).
    pub(crate) startup_problem: Mutex<Option<String>>,
    /// One backup or restore at a time.
    pub(crate) running: tokio::sync::Mutex<()>,
}

impl Backups {
    /// The start-up check's finding, if the database is damaged.
    pub fn startup_problem(&self) -> Option<String> {
        self.startup_problem
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }

    pub fn configure(&self, config: BackupConfig) {
        *self.config.lock().unwrap_or_else(|e| e.into_inner()) = Some(config);
    }

    /// The configured folder, or `backups` beside the database file.
    pub(crate) fn config(&self, db: &Db) -> Result<BackupConfig, ApiError> {
        if let Some(c) = self
            .config
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
        {
            return Ok(c);
        }
        let path = sqlite_path(db)?;
        let dir = path
            .parent()
            .map_or_else(|| PathBuf::from("backups"), |d| d.join("backups"));
        Ok(BackupConfig {
            dir,
            keep: DEFAULT_KEEP,
            passphrase: None,
        })
    }
}

/// The database file, or the error that says PostgreSQL is backed up with its own tools.
pub(crate) fn sqlite_path(db: &Db) -> Result<PathBuf, ApiError> {
    match db {
        Db::Sqlite(p) => Ok(p.connect_options().get_filename().to_path_buf()),
        Db::Postgres(_) => Err(ApiError::bad_request(
            "this hub keeps its data in PostgreSQL: back it up with pg_dump (see the README)",
        )),
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type, JsonSchema)]
pub struct BackupInfo {
    /// The file's name in the backup folder (what `backup_restore` takes).
    pub file_name: String,
    pub created_at: DateTime<Utc>,
    pub size_bytes: u64,
    pub encrypted: bool,
}

#[derive(Debug, Clone, Serialize, Deserialize, Type, JsonSchema)]
pub struct BackupResult {
    pub backup: BackupInfo,
    /// `integrity_check` of the copy said "ok".
    pub verified: bool,
    pub took_ms: u64,
    /// Older backups removed to keep the newest ones.
    pub removed: Vec<String>,
    /// The audit log's last row in the backup: what it holds, to the row.
    pub head_seq: i64,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, Type, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct BackupNowArgs {
    /// Encrypt the backup with this passphrase (needed again to restore it).
    #[serde(default)]
    pub passphrase: Option<String>,
}

/// The name of a backup made at `at`.
fn file_name(at: DateTime<Utc>, encrypted: bool) -> String {
    let stamp = at.format("%Y%m%d-%H%M%S%3f");
    if encrypted {
        format!("{PREFIX}{stamp}.db.age")
    } else {
        format!("{PREFIX}{stamp}.db")
    }
}

/// A backup's time and whether it is encrypted, from its file name.
fn parse_name(name: &str) -> Option<(DateTime<Utc>, bool)> {
    let rest = name.strip_prefix(PREFIX)?;
    let (stamp, encrypted) = match rest.strip_suffix(".db.age") {
        Some(s) => (s, true),
        None => (rest.strip_suffix(".db")?, false),
    };
    let at = NaiveDateTime::parse_from_str(stamp, "%Y%m%d-%H%M%S%3f").ok()?;
    Some((at.and_utc(), encrypted))
}

/// The backups in `dir`, newest first.
pub fn list(dir: &Path) -> Result<Vec<BackupInfo>, ApiError> {
    let entries = match std::fs::read_dir(dir) {
        Ok(e) => e,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => return Err(io_error("reading the backup folder", e)),
    };
    let mut out: Vec<BackupInfo> = entries
        .filter_map(Result::ok)
        .filter_map(|e| {
            let name = e.file_name().to_string_lossy().into_owned();
            let (created_at, encrypted) = parse_name(&name)?;
            let size_bytes = e.metadata().ok()?.len();
            Some(BackupInfo {
                file_name: name,
                created_at,
                size_bytes,
                encrypted,
            })
        })
        .collect();
    out.sort_by_key(|b| std::cmp::Reverse(b.created_at));
    Ok(out)
}

pub(crate) fn io_error(what: &str, e: std::io::Error) -> ApiError {
    tracing::error!(error = %e, "{what}");
    ApiError::Internal {
        message: format!("{what} failed: {e}"),
    }
}

pub(crate) async fn backup_now(
    core: &Core,
    session: &Session,
    args: BackupNowArgs,
) -> Result<BackupResult, ApiError> {
    let passphrase = args.passphrase.filter(|p| !p.is_empty());
    if let Some(p) = &passphrase {
        if p.chars().count() < 8 {
            return Err(ApiError::field(
                "passphrase",
                "too_short",
                "at least 8 characters",
            ));
        }
    }
    make_backup(core, Some(session), passphrase).await
}

pub(crate) async fn backups_list(
    core: &Core,
    _: &Session,
    _: NoArgs,
) -> Result<Vec<BackupInfo>, ApiError> {
    let config = core.backups.config(&core.db)?;
    list(&config.dir)
}

/// The quick check of the database at start (SQLite): a damaged file is reported in the log
/// and by the hub's health answer, not discovered at the first failing save.
pub async fn check_at_start(core: &Core) {
    let Db::Sqlite(pool) = &core.db else { return };
    let found: Result<Vec<String>, _> = sqlx::query_scalar("PRAGMA quick_check")
        .fetch_all(pool)
        .await;
    let problem = match found {
        Ok(r) if r.len() == 1 && r[0] == "ok" => None,
        Ok(r) => Some(r.join("; ")),
        Err(e) => Some(e.to_string()),
    };
    if let Some(p) = &problem {
        tracing::error!(problem = %p, "the database failed its quick check; restore a backup");
    }
    *core
        .backups
        .startup_problem
        .lock()
        .unwrap_or_else(|e| e.into_inner()) = problem;
}

/// Backs up every `every` (the first when the newest backup is older than that), in the
/// background, until the returned task is aborted. SQLite only.
pub fn schedule(core: Core, every: std::time::Duration) -> Option<tokio::task::JoinHandle<()>> {
    if matches!(core.db, Db::Postgres(_)) || every.is_zero() {
        return None;
    }
    Some(tokio::spawn(async move {
        loop {
            let newest = core
                .backups
                .config(&core.db)
                .ok()
                .and_then(|c| list(&c.dir).ok())
                .and_then(|l| l.first().map(|b| b.created_at));
            let age = newest.map(|at| (core.now() - at).to_std().unwrap_or_default());
            let wait = match age {
                Some(a) if a < every => every - a,
                _ => std::time::Duration::ZERO,
            };
            tokio::time::sleep(wait.max(std::time::Duration::from_secs(5))).await;
            match make_backup(&core, None, None).await {
                Ok(r) => {
                    tracing::info!(file = %r.backup.file_name, bytes = r.backup.size_bytes, ms = r.took_ms, "scheduled backup made")
                }
                Err(e) => {
                    tracing::error!(error = %e, "the scheduled backup failed; trying again in an hour");
                    tokio::time::sleep(std::time::Duration::from_secs(3600)).await;
                }
            }
        }
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip() {
        let at = DateTime::parse_from_rfc3339("2026-11-30T17:05:09.123Z")
            .unwrap()
            .with_timezone(&Utc);
        assert_eq!(file_name(at, false), "hallpass-20261130-170509123.db");
        assert_eq!(parse_name(&file_name(at, true)), Some((at, true)));
        assert_eq!(parse_name("hallpass-x.db"), None);
        assert_eq!(parse_name("other.db"), None);
    }
}
