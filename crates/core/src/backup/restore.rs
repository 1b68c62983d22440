//! Restoring a backup (the owner only). The file is unpacked and checked first — a damaged,
//! cut-short or foreign file is refused and the current data stays as it is; then the current
//! state is backed up, and the backup's rows replace the current ones in one transaction.

use std::str::FromStr;
use std::time::Duration;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use specta::Type;
use sqlx::sqlite::{SqliteConnectOptions, SqlitePoolOptions};
use sqlx::{ConnectOptions, Connection};

use super::{file, io_error, make::make, parse_name, BackupInfo};
use crate::audit::{self, Entry};
use crate::auth::Session;
use crate::db::{Conn, Db, DbUrl, Tx};
use crate::error::ApiError;
use crate::roles::Role;
use crate::Core;

#[derive(Debug, Clone, Serialize, Deserialize, Type, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct BackupRestoreArgs {
    /// A backup in the backup folder (`backups_list`).
    pub file_name: String,
    /// The passphrase it was encrypted with.
    #[serde(default)]
    pub passphrase: Option<String>,
    /// The person confirmed replacing all current data (the screen asks first).
    pub confirm: bool,
}

#[derive(Debug, Clone, Serialize, Deserialize, Type, JsonSchema)]
pub struct BackupRestoreResult {
    pub restored: BackupInfo,
    /// The backup of the state just replaced, made first.
    pub safety_backup: BackupInfo,
}

/// Tables whose rows are not taken from the backup: the migration record, the search index
/// (kept by triggers as clients are written) and the sessions (signing in stays as it is now).
fn copied(table: &str) -> bool {
    !(table.starts_with("sqlite_")
        || table.starts_with("_sqlx")
        || table.starts_with("client_search")
        || table == "sessions")
}

async fn schema_version(path: &std::path::Path) -> Result<i64, ApiError> {
    let opts = SqliteConnectOptions::from_str(&format!("sqlite:{}", path.display()))
        .map_err(|e| ApiError::bad_request(e.to_string()))?
        .read_only(true);
    let mut c = opts.connect().await?;
    let v: Option<i64> = sqlx::query_scalar("SELECT MAX(version) FROM _sqlx_migrations")
        .fetch_one(&mut c)
        .await
        .map_err(|_| {
            ApiError::field(
                "file_name",
                "not_a_backup",
                "this file is not a Hallpass backup",
            )
        })?;
    let _ = c.close().await;
    Ok(v.unwrap_or(0))
}

pub(crate) async fn backup_restore(
    core: &Core,
    session: &Session,
    args: BackupRestoreArgs,
) -> Result<BackupRestoreResult, ApiError> {
    if session.role != Role::Owner {
        return Err(ApiError::Forbidden {
            permission: "owner".into(),
            message: "only an owner restores a backup".into(),
        });
    }
    if !args.confirm {
        return Err(ApiError::field(
            "confirm",
            "required",
            "confirm that all current data is replaced",
        ));
    }
    let config = core.backups.config(&core.db)?;
    let live = super::sqlite_path(&core.db)?;
    let name = args.file_name.trim();
    let parsed = parse_name(name).filter(|_| !name.contains(['/', '\\']));
    let (created_at, encrypted) =
        parsed.ok_or_else(|| ApiError::field("file_name", "not_found", "no such backup"))?;
    let source = config.dir.join(name);
    let size_bytes = std::fs::metadata(&source)
        .map_err(|_| ApiError::field("file_name", "not_found", "no such backup"))?
        .len();
    // Unpack and check it before anything is touched.
    let work = config.dir.join(format!(".restore-{}.db", crate::new_id()));
    let unpacked = async {
        if encrypted {
            let p = args
                .passphrase
                .clone()
                .filter(|p| !p.is_empty())
                .ok_or_else(|| {
                    ApiError::field("passphrase", "required", "this backup is encrypted")
                })?;
            let (src, dst) = (source.clone(), work.clone());
            tokio::task::spawn_blocking(move || file::decrypt(&src, &dst, &p))
                .await
                .map_err(|_| ApiError::Internal {
                    message: "unpacking failed".into(),
                })??;
        } else {
            std::fs::copy(&source, &work).map_err(|e| io_error("reading the backup", e))?;
        }
        if let Some(problem) = file::integrity(&work).await? {
            return Err(ApiError::field(
                "file_name",
                "damaged",
                format!("the backup file is damaged or cut short ({problem})"),
            ));
        }
        let (theirs, ours) = (schema_version(&work).await?, schema_version(&live).await?);
        if theirs > ours {
            return Err(ApiError::field(
                "file_name",
                "newer",
                "this backup was made by a newer Hallpass; update first",
            ));
        }
        if theirs < ours {
            // An older backup is brought up to this version's schema first.
            let db = Db::open(&DbUrl::Sqlite(work.to_string_lossy().into_owned())).await?;
            db.close().await;
        }
        Ok(())
    }
    .await;
    if let Err(e) = unpacked {
        let _ = std::fs::remove_file(&work);
        return Err(e);
    }
    let safety = make(core, Some(session), None, Some(name)).await;
    let result = match safety {
        Ok(safety) => copy_in(core, session, &live, &work, name, safety.head_seq)
            .await
            .map(|_| safety),
        Err(e) => Err(e),
    };
    let _ = std::fs::remove_file(&work);
    let safety = result?;
    core.feed
        .restored(crate::changes::feed_head(&core.db).await?);
    // The restored PBX settings are followed.
    core.phone.refresh();
    core.changed();
    Ok(BackupRestoreResult {
        restored: BackupInfo {
            file_name: name.to_string(),
            created_at,
            size_bytes,
            encrypted,
        },
        safety_backup: safety.backup,
    })
}

/// Replaces every row of the live database with the backup's, in one transaction on a
/// connection of its own (ATTACH is per connection and not allowed inside a transaction).
async fn copy_in(
    core: &Core,
    session: &Session,
    live: &std::path::Path,
    work: &std::path::Path,
    name: &str,
    safety_head: i64,
) -> Result<(), ApiError> {
    let _one = core.backups.running.lock().await;
    // Foreign keys are checked once, over the whole result, before the commit (SQLite's
    // per-statement bookkeeping of deferred keys misjudges a wholesale replacement).
    let opts = SqliteConnectOptions::new()
        .filename(live)
        .foreign_keys(false)
        .busy_timeout(Duration::from_secs(30));
    let pool = SqlitePoolOptions::new()
        .max_connections(1)
        .connect_with(opts)
        .await?;
    sqlx::query("ATTACH DATABASE $1 AS b")
        .bind(work.to_string_lossy().into_owned())
        .execute(&pool)
        .await?;
    let result = async {
        let mut tx = Tx::from_conn(Conn::Sqlite(pool.begin_with("BEGIN IMMEDIATE").await?));
        // Anything saved after the safety backup's snapshot would be lost with the rest: then
        // nothing is restored, and the person tries again.
        let since: i64 = crate::on_tx!(&mut tx, c => sqlx::query_scalar(
            "SELECT COUNT(*) FROM audit_log WHERE seq > $1 AND operation <> 'backup_now'")
            .bind(safety_head).fetch_one(c).await)?;
        if since > 0 {
            return Err(ApiError::conflict(
                "someone saved while the current state was being backed up; nothing was restored, try again",
            ));
        }
        let tables: Vec<String> = crate::on_tx!(&mut tx, c => sqlx::query_scalar(
            "SELECT name FROM main.sqlite_master WHERE type = 'table' AND sql NOT LIKE 'CREATE VIRTUAL%' ORDER BY name")
            .fetch_all(c).await)?;
        let tables: Vec<String> = tables.into_iter().filter(|t| copied(t)).collect();
        // Everything out first (cascades then remove nothing that comes back), then in.
        for t in &tables {
            crate::exec_tx!(&mut tx, c => sqlx::query(&format!("DELETE FROM main.\"{t}\"")).execute(c).await)?;
        }
        for t in &tables {
            crate::exec_tx!(&mut tx, c => sqlx::query(&format!("INSERT INTO main.\"{t}\" SELECT * FROM b.\"{t}\"")).execute(c).await)?;
        }
        // Sessions of logins the backup does not have (or has disabled) end.
        crate::exec_tx!(&mut tx, c => sqlx::query(
            "DELETE FROM sessions WHERE user_id NOT IN (SELECT id FROM users WHERE active)").execute(c).await)?;
        let after = serde_json::json!({ "file": name });
        audit::append(&mut tx, Some(session), core.now(), Entry { operation: "backup_restore", entity: "backup", entity_id: None, before: None, after: Some(after.to_string()) }).await?;
        // Sessions go with their users (cascades are off here).
        crate::exec_tx!(&mut tx, c => sqlx::query(
            "DELETE FROM sessions WHERE user_id NOT IN (SELECT id FROM users WHERE active)").execute(c).await)?;
        let broken: Vec<(String,)> = crate::on_tx!(&mut tx, c => sqlx::query_as(
            "SELECT \"table\" FROM pragma_foreign_key_check() LIMIT 5").fetch_all(c).await)?;
        if !broken.is_empty() {
            let tables: Vec<String> = broken.into_iter().map(|(t,)| t).collect();
            return Err(ApiError::field("file_name", "damaged", format!("the backup's records do not hold together ({})", tables.join(", "))));
        }
        tx.commit().await
    }
    .await;
    let _ = sqlx::query("DETACH DATABASE b").execute(&pool).await;
    pool.close().await;
    result
}
