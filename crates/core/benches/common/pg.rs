//! A fresh, migrated PostgreSQL schema for a benchmark run, dropped afterwards.

use std::str::FromStr;

use hallpass_core::Db;

pub struct BenchSchema {
    pub db: Db,
    admin: sqlx::PgPool,
    name: String,
}

/// A new schema `bench_<uuid>` on the server at `url` (the shared `pg_trgm` stays in `public`).
pub async fn schema(url: &str) -> BenchSchema {
    let name = format!("bench_{}", uuid::Uuid::now_v7().simple());
    let admin = sqlx::PgPool::connect(url).await.unwrap();
    sqlx::query("CREATE EXTENSION IF NOT EXISTS pg_trgm WITH SCHEMA public")
        .execute(&admin)
        .await
        .ok();
    sqlx::query(&format!("CREATE SCHEMA {name}"))
        .execute(&admin)
        .await
        .unwrap();
    let opts = sqlx::postgres::PgConnectOptions::from_str(url)
        .unwrap()
        .options([("search_path", format!("{name},public"))]);
    let db = Db::open_postgres(opts).await.unwrap();
    db.migrate().await.unwrap();
    BenchSchema { db, admin, name }
}

impl BenchSchema {
    pub async fn drop(self) {
        self.db.close().await;
        sqlx::query(&format!("DROP SCHEMA {} CASCADE", self.name))
            .execute(&self.admin)
            .await
            .unwrap();
    }
}
