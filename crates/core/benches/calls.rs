//! The call log's hot paths over 1,000,000 calls (a year of a busy centre): the report over
//! the last 30 days and over the whole year (by day, hour, employee, country, talk time), and
//! a week of the log, on SQLite and PostgreSQL.
//! Run: `./dev bench` (or `cargo bench -p hallpass-core --bench calls`;
//! `HALLPASS_TEST_PG_URL` adds PostgreSQL).

use std::time::Instant;

use chrono::{Duration as Span, Utc};
use hallpass_core::api::*;
use hallpass_core::{Core, DbUrl};
use uuid::Uuid;

#[path = "common/pg.rs"]
mod pg;
#[path = "common/stats.rs"]
mod stats;
use stats::{ids, stats};

const CALLS: usize = 1_000_000;
const ROWS: usize = 500;

/// A million calls over the last 365 days, in multi-row inserts: one in five outgoing, one in
/// six incoming missed, callers from five countries, answered by the demo's logins.
async fn load(core: &Core, users: &[Uuid]) {
    let now = Utc::now();
    let countries = ["LA", "LA", "LA", "TH", "KH", "VN", "KZ"];
    let mut tx = core.db.write().await.unwrap();
    for chunk in (0..CALLS).collect::<Vec<_>>().chunks(ROWS) {
        let mut sql = String::from(
            "INSERT INTO calls (id, pbx_call_id, direction, number, number_e164, started_at, answered_at, \
             ended_at, missed, created_at, user_id, country, ring_seconds, talk_seconds) VALUES ",
        );
        let mut rows = Vec::with_capacity(ROWS);
        for (k, &i) in chunk.iter().enumerate() {
            let started = now - Span::seconds((i as i64 * 31_536_000) / CALLS as i64);
            let outgoing = i % 5 == 0;
            let missed = !outgoing && i % 6 == 1;
            let ring = 2 + (i % 20) as i32;
            let talk = if missed { 0 } else { 15 + (i % 600) as i32 };
            let answered = (!missed).then(|| started + Span::seconds(i64::from(ring)));
            let ended = started + Span::seconds(i64::from(ring + talk));
            let number = format!("+85620{:08}", i % 90_000);
            let user = (!missed).then(|| users[i % users.len()]);
            rows.push((
                Uuid::now_v7(),
                format!("bench.{i}"),
                if outgoing { "outgoing" } else { "incoming" },
                number,
                started,
                answered,
                ended,
                missed,
                user,
                countries[i % countries.len()],
                ring,
                talk,
            ));
            let b = k * 12;
            let sep = if k > 0 { "," } else { "" };
            sql.push_str(&format!(
                "{sep}(${}, ${}, ${}, ${}, ${}, ${}, ${}, ${}, ${}, ${}, ${}, ${}, ${}, ${})",
                b + 1,
                b + 2,
                b + 3,
                b + 4,
                b + 4,
                b + 5,
                b + 6,
                b + 7,
                b + 8,
                b + 5,
                b + 9,
                b + 10,
                b + 11,
                b + 12
            ));
        }
        hallpass_core::exec_tx!(&mut tx, c => {
            let mut q = sqlx::query(&sql);
            for r in &rows {
                q = q.bind(r.0).bind(&r.1).bind(r.2).bind(&r.3).bind(r.4).bind(r.5).bind(r.6)
                    .bind(r.7).bind(r.8).bind(r.9).bind(r.10).bind(r.11);
            }
            q.execute(&mut *c).await
        })
        .unwrap();
    }
    tx.commit().await.unwrap();
}

async fn run(engine: &str, core: Core) {
    assert!(hallpass_core::demo::seed(&core).await.unwrap());
    let token = core
        .login(LoginArgs {
            login: "manager".into(),
            password: hallpass_core::demo::DEMO_PASSWORD.into(),
            device: None,
        })
        .await
        .unwrap()
        .token;
    let users = ids(&core.db, "SELECT id FROM users ORDER BY login").await;
    let t = Instant::now();
    load(&core, &users).await;
    println!(
        "{engine}: {CALLS} calls loaded in {:.1} s",
        t.elapsed().as_secs_f64()
    );
    let today = Utc::now().date_naive();
    let span = |days: i64| CallsReportArgs {
        from: Some((today - Span::days(days - 1)).to_string()),
        to: Some(today.to_string()),
        period: ReportPeriod::Day,
    };
    for (label, days, runs) in [("30 days", 30, 10), ("365 days", 365, 5)] {
        let mut times = Vec::new();
        let mut calls = 0;
        for _ in 0..runs {
            let t = Instant::now();
            let r = core.calls_report(Some(&token), span(days)).await.unwrap();
            times.push(t.elapsed());
            calls = r.totals.calls;
        }
        let (median, p95) = stats(times);
        println!(
            "{engine}: calls_report over {label} ({calls} calls): median {median:.0} ms, p95 {p95:.0} ms"
        );
    }
    let mut times = Vec::new();
    for _ in 0..10 {
        let t = Instant::now();
        let page = core
            .calls_list(
                Some(&token),
                CallsListArgs {
                    missed_only: true,
                    ..Default::default()
                },
            )
            .await
            .unwrap();
        assert!(!page.is_empty());
        times.push(t.elapsed());
    }
    let (median, p95) = stats(times);
    println!("{engine}: calls_list, missed in the last 7 days (1,000 at most): median {median:.0} ms, p95 {p95:.0} ms");
}

#[tokio::main]
async fn main() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("calls.db");
    let core = Core::open(&DbUrl::Sqlite(path.to_string_lossy().into_owned()))
        .await
        .unwrap();
    run("sqlite", core).await;
    if let Ok(url) = std::env::var("HALLPASS_TEST_PG_URL") {
        let schema = pg::schema(&url).await;
        run("postgres", Core::new(schema.db.clone())).await;
        schema.drop().await;
    } else {
        println!("postgres: HALLPASS_TEST_PG_URL not set, skipped");
    }
}
