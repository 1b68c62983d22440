//! The tablet's outbox in the app: marks and holds waiting for the hub, kept in a SQLite file
//! of their own in the app's data folder (written through, WAL, full sync), so a crash, a
//! closed window or a switched mode loses none. A browser keeps the same entries in
//! IndexedDB. The entries are the UI's own, kept as JSON text; the outbox only stores,
//! lists and forgets them.

use std::path::PathBuf;

use hallpass_core::api::ApiError;
use serde::{Deserialize, Serialize};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::SqlitePool;
use tauri::State;
use tokio::sync::OnceCell;

/// Which list: waiting to be sent, or refused by the hub (kept until the instructor has seen it).
#[derive(Debug, Clone, Copy, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "snake_case")]
pub enum OutboxList {
    Pending,
    Refused,
}

impl OutboxList {
    fn as_str(self) -> &'static str {
        match self {
            OutboxList::Pending => "pending",
            OutboxList::Refused => "refused",
        }
    }
}

/// One entry: its op id (a UUID v7, so their order is the order they were made) and the UI's
/// JSON.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
pub struct OutboxEntry {
    pub op_id: String,
    pub entry: String,
}

pub struct Outbox {
    path: PathBuf,
    pool: OnceCell<SqlitePool>,
}

fn failed(e: impl std::fmt::Display) -> ApiError {
    ApiError::Internal {
        message: format!("the outbox could not be read or written: {e}"),
    }
}

impl Outbox {
    pub fn new(path: PathBuf) -> Self {
        Outbox {
            path,
            pool: OnceCell::new(),
        }
    }

    /// The file, made on first use.
    async fn pool(&self) -> Result<&SqlitePool, ApiError> {
        self.pool
            .get_or_try_init(|| async {
                if let Some(dir) = self.path.parent() {
                    std::fs::create_dir_all(dir).map_err(failed)?;
                }
                let options = SqliteConnectOptions::new()
                    .filename(&self.path)
                    .create_if_missing(true)
                    .journal_mode(SqliteJournalMode::Wal)
                    .synchronous(SqliteSynchronous::Full);
                let pool = SqlitePoolOptions::new()
                    .max_connections(1)
                    .connect_with(options)
                    .await
                    .map_err(failed)?;
                sqlx::query(
                    "CREATE TABLE IF NOT EXISTS outbox (list TEXT NOT NULL, op_id TEXT NOT NULL, \
                     entry TEXT NOT NULL, PRIMARY KEY (list, op_id))",
                )
                .execute(&pool)
                .await
                .map_err(failed)?;
                Ok(pool)
            })
            .await
    }

    pub async fn all(&self, list: OutboxList) -> Result<Vec<OutboxEntry>, ApiError> {
        let rows: Vec<(String, String)> =
            sqlx::query_as("SELECT op_id, entry FROM outbox WHERE list = $1 ORDER BY op_id")
                .bind(list.as_str())
                .fetch_all(self.pool().await?)
                .await
                .map_err(failed)?;
        Ok(rows
            .into_iter()
            .map(|(op_id, entry)| OutboxEntry { op_id, entry })
            .collect())
    }

    /// Keeps an entry (the same op id again replaces it).
    pub async fn put(&self, list: OutboxList, e: &OutboxEntry) -> Result<(), ApiError> {
        if e.op_id.is_empty() || serde_json::from_str::<serde_json::Value>(&e.entry).is_err() {
            return Err(ApiError::field("entry", "invalid", "an op id and JSON"));
        }
        sqlx::query(
            "INSERT INTO outbox (list, op_id, entry) VALUES ($1, $2, $3) \
             ON CONFLICT (list, op_id) DO UPDATE SET entry = excluded.entry",
        )
        .bind(list.as_str())
        .bind(&e.op_id)
        .bind(&e.entry)
        .execute(self.pool().await?)
        .await
        .map_err(failed)?;
        Ok(())
    }

    pub async fn delete(&self, list: OutboxList, op_id: &str) -> Result<(), ApiError> {
        sqlx::query("DELETE FROM outbox WHERE list = $1 AND op_id = $2")
            .bind(list.as_str())
            .bind(op_id)
            .execute(self.pool().await?)
            .await
            .map_err(failed)?;
        Ok(())
    }
}

/// The entries of a list, oldest first.
#[tauri::command]
#[specta::specta]
pub async fn outbox_list(
    outbox: State<'_, Outbox>,
    list: OutboxList,
) -> Result<Vec<OutboxEntry>, ApiError> {
    outbox.all(list).await
}

/// Keeps an entry before it is sent (or once it was refused).
#[tauri::command]
#[specta::specta]
pub async fn outbox_put(
    outbox: State<'_, Outbox>,
    list: OutboxList,
    entry: OutboxEntry,
) -> Result<(), ApiError> {
    outbox.put(list, &entry).await
}

/// Forgets an entry: sent, or its refusal seen.
#[tauri::command]
#[specta::specta]
pub async fn outbox_delete(
    outbox: State<'_, Outbox>,
    list: OutboxList,
    op_id: String,
) -> Result<(), ApiError> {
    outbox.delete(list, &op_id).await
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(op_id: &str) -> OutboxEntry {
        OutboxEntry {
            op_id: op_id.into(),
            entry: format!(r#"{{"op":"attendance_mark","op_id":"{op_id}"}}"#),
        }
    }

    #[tokio::test]
    async fn keeps_entries_in_order_across_a_restart() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("sub").join("outbox.db");
        let outbox = Outbox::new(path.clone());
        outbox
            .put(OutboxList::Pending, &entry("0192-b"))
            .await
            .unwrap();
        outbox
            .put(OutboxList::Pending, &entry("0192-a"))
            .await
            .unwrap();
        outbox
            .put(OutboxList::Refused, &entry("0192-c"))
            .await
            .unwrap();
        // The same op id again replaces, never doubles.
        outbox
            .put(OutboxList::Pending, &entry("0192-a"))
            .await
            .unwrap();
        drop(outbox);

        let again = Outbox::new(path);
        let pending = again.all(OutboxList::Pending).await.unwrap();
        assert_eq!(pending, vec![entry("0192-a"), entry("0192-b")]);
        assert_eq!(
            again.all(OutboxList::Refused).await.unwrap(),
            vec![entry("0192-c")]
        );
        again.delete(OutboxList::Pending, "0192-a").await.unwrap();
        assert_eq!(
            again.all(OutboxList::Pending).await.unwrap(),
            vec![entry("0192-b")]
        );
    }

    #[tokio::test]
    async fn refuses_what_is_not_an_entry() {
        let dir = tempfile::tempdir().unwrap();
        let outbox = Outbox::new(dir.path().join("outbox.db"));
        let bad = OutboxEntry {
            op_id: "x".into(),
            entry: "{not json".into(),
        };
        assert!(matches!(
            outbox.put(OutboxList::Pending, &bad).await,
            Err(ApiError::Validation { .. })
        ));
        assert!(outbox.all(OutboxList::Pending).await.unwrap().is_empty());
    }
}
