//! Shared by the benchmarks: timings summed up, and ids read back by a query.

use std::time::Duration;

use hallpass_core::Db;
use uuid::Uuid;

/// Median and 95th percentile, in milliseconds.
pub fn stats(mut v: Vec<Duration>) -> (f64, f64) {
    v.sort();
    let ms = |d: Duration| d.as_secs_f64() * 1e3;
    (ms(v[v.len() / 2]), ms(v[v.len() * 95 / 100]))
}

/// The ids a query returns, on either engine.
pub async fn ids(db: &Db, sql: &str) -> Vec<Uuid> {
    match db {
        Db::Sqlite(p) => sqlx::query_scalar(sql).fetch_all(p).await.unwrap(),
        Db::Postgres(p) => sqlx::query_scalar(sql).fetch_all(p).await.unwrap(),
    }
}
