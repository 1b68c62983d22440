//! Making a backup while the centre works.

use std::time::Instant;

use super::{file, file_name, io_error, list, BackupInfo, BackupResult};
use crate::audit::{self, Entry};
use crate::auth::Session;
use crate::changes::Source;
use crate::error::ApiError;
use crate::Core;

/// Copies the database into the backup folder (`VACUUM INTO`: a consistent snapshot, taken
/// without stopping writers), checks the copy, encrypts it when asked, removes backups past
/// the number kept, and records it in the audit log. `who` is none for scheduled backups.
pub async fn make_backup(
    core: &Core,
    who: Option<&Session>,
    passphrase: Option<String>,
) -> Result<BackupResult, ApiError> {
    make(core, who, passphrase, None).await
}

/// [`make_backup`], never removing the backup named `protect` (the one being restored).
pub(super) async fn make(
    core: &Core,
    who: Option<&Session>,
    passphrase: Option<String>,
    protect: Option<&str>,
) -> Result<BackupResult, ApiError> {
    let _one = core.backups.running.lock().await;
    let config = core.backups.config(&core.db)?;
    let passphrase = passphrase.or(config.passphrase.clone());
    let started = Instant::now();
    std::fs::create_dir_all(&config.dir).map_err(|e| io_error("making the backup folder", e))?;
    let at = core.now();
    let name = file_name(at, passphrase.is_some());
    let partial = config.dir.join(format!(".{name}.partial"));
    let _ = std::fs::remove_file(&partial);
    let crate::db::Db::Sqlite(pool) = &core.db else {
        return Err(super::sqlite_path(&core.db)
            .err()
            .unwrap_or_else(|| ApiError::bad_request("not SQLite")));
    };
    sqlx::query("VACUUM INTO $1")
        .bind(partial.to_string_lossy().into_owned())
        .execute(pool)
        .await?;
    if let Some(problem) = file::integrity(&partial).await? {
        let _ = std::fs::remove_file(&partial);
        return Err(ApiError::Internal {
            message: format!("the copy failed its check ({problem}); no backup was made"),
        });
    }
    let head_seq = file::head_seq(&partial).await.unwrap_or(0);
    let target = config.dir.join(&name);
    match &passphrase {
        Some(p) => {
            let (src, dst, p) = (partial.clone(), target.clone(), p.clone());
            let r = tokio::task::spawn_blocking(move || file::encrypt(&src, &dst, &p))
                .await
                .map_err(|_| ApiError::Internal {
                    message: "encrypting the backup failed".into(),
                })?;
            let _ = std::fs::remove_file(&partial);
            r?;
        }
        None => std::fs::rename(&partial, &target).map_err(|e| io_error("saving the backup", e))?,
    }
    let size_bytes = std::fs::metadata(&target).map(|m| m.len()).unwrap_or(0);
    let mut removed = Vec::new();
    let old = list(&config.dir)?
        .into_iter()
        .filter(|b| Some(b.file_name.as_str()) != protect);
    for old in old.skip(config.keep.max(1)) {
        if std::fs::remove_file(config.dir.join(&old.file_name)).is_ok() {
            removed.push(old.file_name);
        }
    }
    let backup = BackupInfo {
        file_name: name,
        created_at: at,
        size_bytes,
        encrypted: passphrase.is_some(),
    };
    let mut tx = core.db.write().await?;
    if who.is_none() {
        tx.set_source(Source::Background);
    }
    let after = serde_json::json!({ "file": backup.file_name, "size_bytes": size_bytes, "encrypted": backup.encrypted, "removed": removed });
    audit::append(
        &mut tx,
        who,
        at,
        Entry {
            operation: "backup_now",
            entity: "backup",
            entity_id: None,
            before: None,
            after: Some(after.to_string()),
        },
    )
    .await?;
    tx.commit().await?;
    core.changed();
    Ok(BackupResult {
        backup,
        verified: true,
        took_ms: started.elapsed().as_millis() as u64,
        removed,
        head_seq,
    })
}
