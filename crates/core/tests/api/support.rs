//! Test databases: a fresh SQLite file and, where configured, a fresh PostgreSQL schema per
//! test. Every storage test runs on both through [`each_engine`].

use std::future::Future;
use std::str::FromStr;
use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::Arc;

use chrono::{DateTime, Duration, TimeZone, Utc};
use hallpass_core::{Core, Db, DbUrl};
use sqlx::postgres::PgConnectOptions;

pub const PG_ENV: &str = "HALLPASS_TEST_PG_URL";

/// A core on a fresh database, with a clock the test can move.
pub struct TestCore {
    pub core: Core,
    pub engine: &'static str,
    offset_secs: Arc<AtomicI64>,
    _dir: Option<tempfile::TempDir>,
    pg_schema: Option<(String, String)>,
}

pub fn start_time() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 23, 9, 0, 0).unwrap()
}

impl TestCore {
    pub fn advance(&self, by: Duration) {
        self.offset_secs
            .fetch_add(by.num_seconds(), Ordering::SeqCst);
    }

    pub async fn demo(&self) {
        assert!(hallpass_core::demo::seed(&self.core).await.unwrap());
    }

    pub async fn login(&self, login: &str) -> String {
        self.core
            .login(hallpass_core::api::LoginArgs {
                login: login.into(),
                password: hallpass_core::demo::DEMO_PASSWORD.into(),
                device: None,
            })
            .await
            .unwrap()
            .token
    }

    pub async fn count(&self, table: &str) -> i64 {
        let sql = format!("SELECT COUNT(*) FROM {table}");
        match &self.core.db {
            Db::Sqlite(p) => sqlx::query_scalar(&sql).fetch_one(p).await.unwrap(),
            Db::Postgres(p) => sqlx::query_scalar(&sql).fetch_one(p).await.unwrap(),
        }
    }

    /// Runs a statement straight on the database, behind the application's back.
    pub async fn exec(&self, sql: &str) -> u64 {
        match &self.core.db {
            Db::Sqlite(p) => sqlx::query(sql).execute(p).await.unwrap().rows_affected(),
            Db::Postgres(p) => sqlx::query(sql).execute(p).await.unwrap().rows_affected(),
        }
    }

    /// A fingerprint of everything a write could touch, to prove a refused write left
    /// nothing behind.
    pub async fn state(&self) -> Vec<i64> {
        let mut v = Vec::new();
        for t in [
            "centre",
            "users",
            "clients",
            "client_phones",
            "audit_log",
            "rooms",
        ] {
            v.push(self.count(t).await);
        }
        v
    }
}

fn clock(offset: Arc<AtomicI64>) -> hallpass_core::Clock {
    Arc::new(move || start_time() + Duration::seconds(offset.load(Ordering::SeqCst)))
}

pub async fn sqlite() -> TestCore {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("hallpass.db");
    let db = Db::open(&DbUrl::Sqlite(path.to_string_lossy().into_owned()))
        .await
        .unwrap();
    let offset = Arc::new(AtomicI64::new(0));
    TestCore {
        core: Core::with_clock(db, clock(offset.clone())),
        engine: "sqlite",
        offset_secs: offset,
        _dir: Some(dir),
        pg_schema: None,
    }
}

/// The PostgreSQL URL, or None with a loud note; in CI a missing URL fails the test.
pub fn pg_url() -> Option<String> {
    match std::env::var(PG_ENV) {
        Ok(url) if !url.is_empty() => Some(url),
        _ => {
            if std::env::var("CI").is_ok_and(|v| v == "true") {
                panic!("{PG_ENV} is not set: in CI every storage test must also run on PostgreSQL");
            }
            eprintln!("\n*** SKIPPED on PostgreSQL: {PG_ENV} is not set ***\n");
            None
        }
    }
}

pub async fn postgres(url: &str) -> TestCore {
    let schema = format!("t_{}", uuid::Uuid::now_v7().simple());
    let admin = sqlx::PgPool::connect(url)
        .await
        .unwrap_or_else(|e| panic!("PostgreSQL at {PG_ENV}: {e}"));
    sqlx::query(&format!("CREATE SCHEMA {schema}"))
        .execute(&admin)
        .await
        .unwrap();
    // Tests start in parallel: make the shared extension once, before any migration races on it.
    for _ in 0..5 {
        if sqlx::query("CREATE EXTENSION IF NOT EXISTS pg_trgm WITH SCHEMA public")
            .execute(&admin)
            .await
            .is_ok()
        {
            break;
        }
    }
    admin.close().await;
    let opts = PgConnectOptions::from_str(url)
        .unwrap()
        .application_name(&schema)
        .options([("search_path", schema.as_str())]);
    let db = Db::open_postgres(opts).await.unwrap();
    db.migrate().await.unwrap();
    let offset = Arc::new(AtomicI64::new(0));
    TestCore {
        core: Core::with_clock(db, clock(offset.clone())),
        engine: "postgres",
        offset_secs: offset,
        _dir: None,
        pg_schema: Some((url.to_string(), schema)),
    }
}

impl Drop for TestCore {
    fn drop(&mut self) {
        if let Some((url, schema)) = self.pg_schema.take() {
            // Dropped from inside a runtime: clean up on a thread with its own.
            let _ = std::thread::spawn(move || {
                let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
                rt.block_on(async {
                    if let Ok(pool) = sqlx::PgPool::connect(&url).await {
                        // The test's own connections live on the runtime this drop blocks.
                        let _ = sqlx::query("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = $1")
                            .bind(&schema)
                            .execute(&pool)
                            .await;
                        let _ = sqlx::query(&format!("DROP SCHEMA {schema} CASCADE")).execute(&pool).await;
                    }
                });
            })
            .join();
        }
    }
}

/// Runs a test body on SQLite and then on PostgreSQL.
pub async fn each_engine<F, Fut>(f: F)
where
    F: Fn(TestCore) -> Fut,
    Fut: Future<Output = ()>,
{
    eprintln!("-- on sqlite");
    f(sqlite().await).await;
    if let Some(url) = pg_url() {
        eprintln!("-- on postgres");
        f(postgres(&url).await).await;
    }
}
