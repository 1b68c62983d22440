//! What the audit log's hash chain costs a write. Each write's audit rows are chained at
//! commit: the writers' lock (PostgreSQL), reading the last row's hash, and a SHA-256 over the
//! new row. This times that work alone, on the row a real card save writes, against the whole
//! save (`client_update` through the operation), on SQLite and PostgreSQL.
//! Run: `./dev bench` (or `cargo bench -p hallpass-core --bench audit_chain`;
//! `HALLPASS_TEST_PG_URL` adds PostgreSQL).

use std::time::{Duration, Instant};

use hallpass_core::api::*;
use hallpass_core::audit::chain::{self, Link};
use hallpass_core::{Core, Db, DbUrl};

#[path = "common/pg.rs"]
mod pg;

const ROUNDS: usize = 300;

fn median(mut v: Vec<Duration>) -> f64 {
    v.sort();
    v[v.len() / 2].as_secs_f64() * 1e6
}

async fn run(engine: &str, core: Core) {
    hallpass_core::demo::seed(&core).await.unwrap();
    let token = core
        .login(LoginArgs {
            login: "manager".into(),
            password: hallpass_core::demo::DEMO_PASSWORD.into(),
            device: None,
        })
        .await
        .unwrap()
        .token;
    let tok = Some(token.as_str());
    let input = |n: usize| ClientInput {
        name: format!("Chain Bench {n}"),
        birth_date: Some("1990-01-01".into()),
        notes: "Prefers evening classes; brother in the Saturday group. ".repeat(8),
        ..Default::default()
    };
    let mut card = core.client_create(tok, input(0).into()).await.unwrap();
    let mut saves = Vec::with_capacity(ROUNDS);
    for n in 1..=ROUNDS {
        let t = Instant::now();
        card = core
            .client_update(
                tok,
                ClientUpdateArgs {
                    id: card.id,
                    version: card.version,
                    client: input(n),
                },
            )
            .await
            .unwrap();
        saves.push(t.elapsed());
    }
    // The last save's own audit row, as the chain hashes it.
    const SQL: &str =
        "SELECT seq, id, at, user_id, operation, entity, entity_id, source, before, after \
                       FROM audit_log ORDER BY seq DESC LIMIT 1";
    let link: Link = match &core.db {
        Db::Sqlite(p) => sqlx::query_as(SQL).fetch_one(p).await.unwrap(),
        Db::Postgres(p) => sqlx::query_as(SQL).fetch_one(p).await.unwrap(),
    };
    let size =
        link.before.as_deref().map_or(0, str::len) + link.after.as_deref().map_or(0, str::len);
    let (mut heads, mut hashes) = (Vec::new(), Vec::new());
    for _ in 0..ROUNDS {
        let mut tx = core.db.write().await.unwrap();
        let t = Instant::now();
        let (_, prev) = chain::head(&mut tx).await.unwrap();
        heads.push(t.elapsed());
        let t = Instant::now();
        std::hint::black_box(link.hash(&prev));
        hashes.push(t.elapsed());
        drop(tx); // rolled back
    }
    let (save, head, hash) = (median(saves), median(heads), median(hashes));
    println!(
        "{engine:<8} card save (whole operation) median {save:.0} µs; chain per write: last-row lookup{} {head:.0} µs + SHA-256 of a {size}-byte row {hash:.1} µs = {:.0} µs ({:.1} % of the save)",
        if engine == "postgres" { " with the writers' lock" } else { "" },
        head + hash,
        (head + hash) / save * 100.0
    );
}

#[tokio::main]
async fn main() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("bench.db");
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
