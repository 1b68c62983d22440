//! Storage: one schema on SQLite (embedded) or PostgreSQL (hub, larger centres).
//!
//! Queries are written once with `$1…` placeholders and run on either engine through
//! [`on_tx!`], which expands the same code for both connection types. Dialect differences
//! live only in `migrations/{sqlite,postgres}`.

use std::fmt;
use std::str::FromStr;
use std::time::Duration;

use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::{PgPool, Postgres, Sqlite, SqlitePool, Transaction};

use crate::error::ApiError;

static SQLITE_MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("../../migrations/sqlite");
static POSTGRES_MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("../../migrations/postgres");

/// Where the data lives. `Debug` never prints a password.
#[derive(Clone, PartialEq, Eq)]
pub enum DbUrl {
    Sqlite(String),
    Postgres(String),
}

impl FromStr for DbUrl {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        if let Some(path) = s.strip_prefix("sqlite:") {
            let path = path.trim_start_matches("//");
            if path.is_empty() {
                return Err(
                    "sqlite: needs a file path, e.g. sqlite:/var/lib/hallpass/hallpass.db".into(),
                );
            }
            Ok(DbUrl::Sqlite(path.to_string()))
        } else if s.starts_with("postgres://") || s.starts_with("postgresql://") {
            Ok(DbUrl::Postgres(s.to_string()))
        } else {
            Err(format!(
                "unknown database URL (expected sqlite:PATH or postgres://…): {}",
                redact(s)
            ))
        }
    }
}

fn redact(url: &str) -> String {
    let url = &redact_query_password(url);
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme), Some(at)) if at > scheme => {
            let creds = &url[scheme + 3..at];
            let user = creds.split(':').next().unwrap_or("");
            format!("{}://{}:***@{}", &url[..scheme], user, &url[at + 1..])
        }
        _ => url.to_string(),
    }
}

/// Blanks a `password=` parameter in the query string.
fn redact_query_password(url: &str) -> String {
    let Some((base, query)) = url.split_once('?') else {
        return url.to_string();
    };
    let query: Vec<String> = query
        .split('&')
        .map(|kv| {
            if kv.to_ascii_lowercase().starts_with("password=") {
                "password=***".to_string()
            } else {
                kv.to_string()
            }
        })
        .collect();
    format!("{base}?{}", query.join("&"))
}

impl fmt::Debug for DbUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DbUrl::Sqlite(p) => write!(f, "sqlite:{p}"),
            DbUrl::Postgres(u) => write!(f, "{}", redact(u)),
        }
    }
}

impl fmt::Display for DbUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self, f)
    }
}

/// A connection pool on one of the two engines.
#[derive(Clone, Debug)]
pub enum Db {
    Sqlite(SqlitePool),
    Postgres(PgPool),
}

/// An open transaction on either engine. Use cases own it: they begin, call the query
/// modules with `&mut Tx`, then commit. The audit rows a use case appends wait in the
/// transaction and are chained and written as its last statements (see [`crate::audit`]).
pub struct Tx {
    pub conn: Conn,
    pub(crate) audit: Vec<crate::audit::Pending>,
    /// Where the writes come from, recorded with each audit row and change event.
    pub(crate) source: crate::changes::Source,
}

/// The engine's own transaction inside a [`Tx`].
pub enum Conn {
    Sqlite(Transaction<'static, Sqlite>),
    Postgres(Transaction<'static, Postgres>),
}

/// Runs the same query code on whichever engine the transaction is on:
/// `exec_tx!(tx, c => sqlx::query("…").bind(x).execute(c).await)`.
#[macro_export]
macro_rules! on_tx {
    ($tx:expr, $c:ident => $body:expr) => {
        match &mut ($tx).conn {
            $crate::db::Conn::Sqlite(t) => {
                let $c = &mut **t;
                $body
            }
            $crate::db::Conn::Postgres(t) => {
                let $c = &mut **t;
                $body
            }
        }
    };
}

/// [`on_tx!`] on the pool, outside any transaction: for a read that is one statement (no
/// BEGIN and COMMIT round trips). `$c` is the engine's pool.
#[macro_export]
macro_rules! on_pool {
    ($db:expr, $c:ident => $body:expr) => {
        match $db {
            $crate::db::Db::Sqlite($c) => $body,
            $crate::db::Db::Postgres($c) => $body,
        }
    };
}

/// [`on_tx!`] for statements that return no rows: yields the number of rows affected.
#[macro_export]
macro_rules! exec_tx {
    ($tx:expr, $c:ident => $body:expr) => {
        match &mut ($tx).conn {
            $crate::db::Conn::Sqlite(t) => {
                let $c = &mut **t;
                $body.map(|r| r.rows_affected())
            }
            $crate::db::Conn::Postgres(t) => {
                let $c = &mut **t;
                $body.map(|r| r.rows_affected())
            }
        }
    };
}

impl Db {
    /// Opens (creating if needed) the database and applies pending migrations.
    pub async fn open(url: &DbUrl) -> Result<Db, sqlx::Error> {
        let db = match url {
            DbUrl::Sqlite(path) => {
                if let Some(dir) = std::path::Path::new(path).parent() {
                    if !dir.as_os_str().is_empty() {
                        std::fs::create_dir_all(dir).map_err(sqlx::Error::Io)?;
                    }
                }
                let opts = SqliteConnectOptions::new()
                    .filename(path)
                    .create_if_missing(true)
                    .journal_mode(SqliteJournalMode::Wal)
                    // Money and visits live here: every commit reaches the disk.
                    .synchronous(SqliteSynchronous::Full)
                    .foreign_keys(true)
                    // Room for the indexes a large write touches (an import of 50,000 cards)
                    // instead of spilling pages mid-transaction; allocated only as used.
                    .pragma("cache_size", "-65536")
                    .pragma("temp_store", "memory")
                    .busy_timeout(Duration::from_secs(10));
                let pool = SqlitePoolOptions::new()
                    .max_connections(8)
                    .connect_with(opts)
                    .await?;
                Db::Sqlite(pool)
            }
            DbUrl::Postgres(url) => {
                let opts = PgConnectOptions::from_str(url)?;
                Db::open_postgres(opts).await?
            }
        };
        db.migrate().await?;
        Ok(db)
    }

    pub async fn open_postgres(opts: PgConnectOptions) -> Result<Db, sqlx::Error> {
        let pool = PgPoolOptions::new()
            .max_connections(16)
            .acquire_timeout(Duration::from_secs(10))
            .connect_with(opts)
            .await?;
        Ok(Db::Postgres(pool))
    }

    /// Applies pending migrations, then makes the built-in roles that are missing.
    pub async fn migrate(&self) -> Result<(), sqlx::Error> {
        match self {
            Db::Sqlite(p) => SQLITE_MIGRATIONS.run(p).await?,
            Db::Postgres(p) => POSTGRES_MIGRATIONS.run(p).await?,
        }
        crate::roles::store::ensure_builtin(self)
            .await
            .map_err(|e| sqlx::Error::Protocol(format!("making the built-in roles: {e}")))
    }

    /// After a bulk write (an import): fresh planner statistics, so the next queries do not
    /// plan for the tables as they were before it.
    pub async fn refresh_statistics(&self) -> Result<(), sqlx::Error> {
        match self {
            Db::Postgres(p) => {
                // VACUUM also marks the new rows all-visible, so index-only walks of the list
                // need not read the table (a third of a second at 100,000 cards).
                sqlx::query("VACUUM (ANALYZE) clients, client_phones, client_contacts, client_tags, client_field_values, client_guardians")
                    .execute(p)
                    .await?;
            }
            Db::Sqlite(p) => {
                sqlx::query("PRAGMA optimize").execute(p).await?;
            }
        }
        Ok(())
    }

    pub fn engine(&self) -> &'static str {
        match self {
            Db::Sqlite(_) => "sqlite",
            Db::Postgres(_) => "postgres",
        }
    }

    /// A transaction for reading: a consistent snapshot, no write lock.
    pub async fn read(&self) -> Result<Tx, ApiError> {
        Ok(Tx::new(match self {
            Db::Sqlite(p) => Conn::Sqlite(p.begin().await?),
            Db::Postgres(p) => Conn::Postgres(p.begin().await?),
        }))
    }

    /// A transaction for writing. On SQLite it takes the write lock at BEGIN (IMMEDIATE), so
    /// a read-then-write use case never fails half-way on a lock upgrade.
    pub async fn write(&self) -> Result<Tx, ApiError> {
        Ok(Tx::new(match self {
            Db::Sqlite(p) => Conn::Sqlite(p.begin_with("BEGIN IMMEDIATE").await?),
            Db::Postgres(p) => Conn::Postgres(p.begin().await?),
        }))
    }

    pub async fn close(&self) {
        match self {
            Db::Sqlite(p) => p.close().await,
            Db::Postgres(p) => p.close().await,
        }
    }
}

impl Tx {
    /// A transaction begun elsewhere (on a connection of its own).
    pub(crate) fn from_conn(conn: Conn) -> Tx {
        Tx::new(conn)
    }

    fn new(conn: Conn) -> Tx {
        Tx {
            conn,
            audit: Vec::new(),
            source: crate::changes::Source::Window,
        }
    }

    /// Marks the writes of this transaction as coming from `source` (an import, a sync, a
    /// background job) instead of a window.
    pub fn set_source(&mut self, source: crate::changes::Source) {
        self.source = source;
    }

    pub fn is_postgres(&self) -> bool {
        matches!(self.conn, Conn::Postgres(_))
    }

    /// Writes the pending audit rows (chained to the log's last row), then commits.
    pub async fn commit(mut self) -> Result<(), ApiError> {
        crate::audit::flush(&mut self).await?;
        match self.conn {
            Conn::Sqlite(t) => t.commit().await?,
            Conn::Postgres(t) => t.commit().await?,
        }
        Ok(())
    }
}

/// The advisory lock that orders changes to logins.
pub const USERS_LOCK: i64 = 0x4841_4c4c_0002;

/// Makes transactions that take the same `key` run one after another: a transaction-scoped
/// advisory lock on PostgreSQL; on SQLite the write transaction already holds the database.
pub async fn serialize(tx: &mut Tx, key: i64) -> Result<(), ApiError> {
    if tx.is_postgres() {
        crate::exec_tx!(tx, c => sqlx::query("SELECT pg_advisory_xact_lock($1)").bind(key).execute(c).await)?;
    }
    Ok(())
}

/// Maps a unique-constraint violation to a conflict the caller can show.
pub fn unique_violation(e: &sqlx::Error) -> bool {
    matches!(e, sqlx::Error::Database(d) if d.is_unique_violation())
}

/// A unique violation (someone saved the same name a moment earlier) as an error at `field`;
/// anything else as it is.
pub fn taken(e: sqlx::Error, field: &str, message: &str) -> ApiError {
    if unique_violation(&e) {
        ApiError::field(field, "taken", message)
    } else {
        e.into()
    }
}

/// Rows of `template` for a chunk of ids: `{ids}` becomes `= ANY($1)` with one array on
/// PostgreSQL (one plan for every chunk) and an `IN (…)` list on SQLite.
pub async fn for_ids<T>(tx: &mut Tx, template: &str, ids: &[uuid::Uuid]) -> Result<Vec<T>, ApiError>
where
    T: for<'r> sqlx::FromRow<'r, sqlx::sqlite::SqliteRow>
        + for<'r> sqlx::FromRow<'r, sqlx::postgres::PgRow>
        + Send
        + Unpin,
{
    Ok(match &mut tx.conn {
        Conn::Postgres(t) => {
            let sql = template.replace("IN ({ids})", "= ANY($1)");
            sqlx::query_as::<_, T>(&sql)
                .bind(ids.to_vec())
                .fetch_all(&mut **t)
                .await?
        }
        Conn::Sqlite(t) => {
            // Plain `?`: SQLite binds them by position (numbered ones cost a scan each).
            let sql = template.replace("{ids}", &vec!["?"; ids.len()].join(", "));
            let mut q = sqlx::query_as::<_, T>(&sql);
            for id in ids {
                q = q.bind(*id);
            }
            q.fetch_all(&mut **t).await?
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_parse_and_never_show_passwords() {
        let pg: DbUrl = "postgres://hall:secret@db.local/hallpass".parse().unwrap();
        assert_eq!(format!("{pg:?}"), "postgres://hall:***@db.local/hallpass");
        let q: DbUrl = "postgres://db.local/h?user=a&password=secret&sslmode=require"
            .parse()
            .unwrap();
        assert_eq!(
            q.to_string(),
            "postgres://db.local/h?user=a&password=***&sslmode=require"
        );
        let lite: DbUrl = "sqlite:/tmp/a.db".parse().unwrap();
        assert_eq!(lite, DbUrl::Sqlite("/tmp/a.db".into()));
        assert!("mysql://x".parse::<DbUrl>().is_err());
        assert!("sqlite:".parse::<DbUrl>().is_err());
    }
}
