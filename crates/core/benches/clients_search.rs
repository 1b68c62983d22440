//! Client search over 100,000 clients, on SQLite and PostgreSQL: every search shape as the UI
//! calls it (token check, permission, transaction, plan, query) beside the same final SQL run
//! raw on the pool, and the lookup of a full incoming number (the operation, and the lookup
//! alone as a PBX connector will call it). Prints median and p95.
//! Run: `./dev bench` (or `cargo bench -p hallpass-core --bench clients_search`;
//! `HALLPASS_TEST_PG_URL` adds PostgreSQL).

use std::str::FromStr;
use std::time::{Duration, Instant};

use chrono::Utc;
use hallpass_core::api::*;
use hallpass_core::clients::by_phone;
use hallpass_core::clients::search::{Resolved, TextQuery};
use hallpass_core::clients::sql::{self, SummaryRow};
use hallpass_core::{Core, Db, DbUrl};

const ROUNDS: usize = 60;

struct Shape {
    label: &'static str,
    query: &'static str,
    filters: fn() -> ClientFilters,
    /// The token groups the raw SQL runs (the op widens typos itself).
    raw_groups: Option<&'static [&'static [&'static str]]>,
}

fn none() -> ClientFilters {
    ClientFilters::default()
}

const SHAPES: &[Shape] = &[
    Shape {
        label: "everyone, first page",
        query: "",
        filters: none,
        raw_groups: None,
    },
    Shape {
        label: "name prefix (ann)",
        query: "ann",
        filters: none,
        raw_groups: None,
    },
    Shape {
        label: "name, common (anna)",
        query: "anna",
        filters: none,
        raw_groups: None,
    },
    Shape {
        label: "name, rare (1 hit)",
        query: "keomany 4242",
        filters: none,
        raw_groups: None,
    },
    Shape {
        label: "name, surname first",
        query: "sok anna",
        filters: none,
        raw_groups: None,
    },
    Shape {
        label: "name, typo",
        query: "keomny 4242",
        filters: none,
        raw_groups: Some(&[&["keomny", "keomany"], &["4242"]]),
    },
    Shape {
        label: "name, no hit",
        query: "zzqx",
        filters: none,
        raw_groups: None,
    },
    Shape {
        label: "phone, 4 digits",
        query: "5123",
        filters: none,
        raw_groups: None,
    },
    Shape {
        label: "phone, 7 digits",
        query: "2055512",
        filters: none,
        raw_groups: None,
    },
    Shape {
        label: "e-mail",
        query: "anna.keomany80@",
        filters: none,
        raw_groups: None,
    },
    Shape {
        label: "current + birthday",
        query: "",
        filters: || ClientFilters {
            status: vec![ClientStatus::Current],
            birthday_this_month: true,
            ..Default::default()
        },
        raw_groups: None,
    },
    Shape {
        label: "tag (1%)",
        query: "",
        filters: || ClientFilters {
            tag: Some("vip".into()),
            ..Default::default()
        },
        raw_groups: None,
    },
    Shape {
        label: "has a guardian",
        query: "",
        filters: || ClientFilters {
            has_guardian: Some(true),
            ..Default::default()
        },
        raw_groups: None,
    },
    Shape {
        label: "name + lead + 30 days",
        query: "anna",
        filters: || ClientFilters {
            status: vec![ClientStatus::Lead],
            not_contacted_days: Some(30),
            ..Default::default()
        },
        raw_groups: None,
    },
];

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    sorted[((sorted.len() as f64 - 1.0) * p).round() as usize]
}

fn ms(d: Duration) -> String {
    format!("{:.2} ms", d.as_secs_f64() * 1000.0)
}

#[path = "common/seed.rs"]
mod seed;
use seed::{seed, CLIENTS};

async fn raw(db: &Db, sql: &str, args: &[sql::Arg]) -> usize {
    let mut tx = db.read().await.unwrap();
    let rows = hallpass_core::fetch_built!(&mut tx, SummaryRow, sql, args).unwrap();
    tx.commit().await.unwrap();
    rows.len()
}

async fn resolved(shape: &Shape) -> Resolved {
    let now = Utc::now();
    let mut text = TextQuery::parse(shape.query);
    if let Some(groups) = shape.raw_groups {
        text.groups = groups
            .iter()
            .map(|g| g.iter().map(|t| t.to_string()).collect())
            .collect();
    }
    Resolved {
        text,
        filters: (shape.filters)(),
        sort: ClientSort::Name,
        today: now.date_naive(),
        now,
        birth_range: None,
        custom: vec![],
        phones_hidden: false,
    }
}

fn row(label: &str, rows: usize, mut op: Vec<Duration>, mut rw: Vec<Duration>) {
    op.sort();
    rw.sort();
    let raw = if rw.is_empty() {
        ("-".into(), "-".into())
    } else {
        (ms(percentile(&rw, 0.5)), ms(percentile(&rw, 0.95)))
    };
    println!(
        "{label:<24} {rows:>6} {:>10} {:>10} {:>10} {:>10}",
        ms(percentile(&op, 0.5)),
        ms(percentile(&op, 0.95)),
        raw.0,
        raw.1
    );
}

async fn bench(engine: &str, core: Core) {
    let t0 = Instant::now();
    hallpass_core::demo::seed(&core).await.unwrap();
    seed(&core.db).await;
    println!(
        "\n{engine}: seeded {CLIENTS} clients (+ the demo centre) in {:.1} s",
        t0.elapsed().as_secs_f64()
    );
    let login = LoginArgs {
        login: "reception".into(),
        password: hallpass_core::demo::DEMO_PASSWORD.into(),
        device: None,
    };
    let token = core.login(login).await.unwrap().token;
    let tok = Some(token.as_str());
    println!(
        "{:<24} {:>6} {:>10} {:>10} {:>10} {:>10}",
        "shape", "rows", "op median", "op p95", "raw median", "raw p95"
    );
    for shape in SHAPES {
        let (mut op, mut rw, mut rows) = (Vec::new(), Vec::new(), 0);
        let r = resolved(shape).await;
        let mut tx = core.db.read().await.unwrap();
        let (sql, args) = sql::plan(&mut tx, &r, 51, 0).await.unwrap();
        tx.commit().await.unwrap();
        for _ in 0..ROUNDS {
            let args_op = ClientsSearchArgs {
                query: shape.query.into(),
                filters: (shape.filters)(),
                limit: Some(50),
                ..Default::default()
            };
            let t = Instant::now();
            rows = core.clients_search(tok, args_op).await.unwrap().items.len();
            op.push(t.elapsed());
            let t = Instant::now();
            raw(&core.db, &sql, &args).await;
            rw.push(t.elapsed());
        }
        row(shape.label, rows, op, rw);
    }
    let (mut op, mut rw, mut rows) = (Vec::new(), Vec::new(), 0);
    for i in 0..ROUNDS {
        let number = format!(
            "+856 20 {:08}",
            ((i * 997) * 7_919 + 5_550_000) % 100_000_000
        );
        let key = hallpass_core::phone::suffix_key(&number, "LA").unwrap();
        let t = Instant::now();
        rows = core
            .clients_by_phone(tok, ClientsByPhoneArgs { phone: number })
            .await
            .unwrap()
            .matches
            .len();
        op.push(t.elapsed());
        // The lookup alone, as a PBX connector calls it (no session to check).
        let t = Instant::now();
        by_phone::matches(&core.db, key).await.unwrap();
        rw.push(t.elapsed());
    }
    row("full number (by_phone)", rows, op, rw);
}

#[tokio::main]
async fn main() {
    // `cargo test --benches` runs bench targets with --test-ish args; only bench on `--bench`.
    if !std::env::args().any(|a| a == "--bench") {
        return;
    }
    // HALLPASS_BENCH_KEEP=<dir> keeps the seeded databases for a look at their plans: the
    // SQLite file in that directory, the PostgreSQL schema `bench_keep`.
    let keep = std::env::var("HALLPASS_BENCH_KEEP")
        .ok()
        .filter(|k| !k.is_empty());
    let dir = tempfile::tempdir().unwrap();
    let path = match &keep {
        Some(k) => std::path::Path::new(k).join("bench.db"),
        None => dir.path().join("bench.db"),
    };
    let _ = std::fs::remove_file(&path);
    let url = DbUrl::Sqlite(path.to_string_lossy().into_owned());
    bench("sqlite", Core::open(&url).await.unwrap()).await;

    match std::env::var("HALLPASS_TEST_PG_URL") {
        Ok(url) if !url.is_empty() => {
            let schema = match keep {
                Some(_) => "bench_keep".to_string(),
                None => format!("bench_{}", uuid::Uuid::now_v7().simple()),
            };
            let admin = sqlx::PgPool::connect(&url).await.unwrap();
            sqlx::query(&format!("DROP SCHEMA IF EXISTS {schema} CASCADE"))
                .execute(&admin)
                .await
                .unwrap();
            sqlx::query(&format!("CREATE SCHEMA {schema}"))
                .execute(&admin)
                .await
                .unwrap();
            let _ = sqlx::query("CREATE EXTENSION IF NOT EXISTS pg_trgm WITH SCHEMA public")
                .execute(&admin)
                .await;
            let opts = sqlx::postgres::PgConnectOptions::from_str(&url)
                .unwrap()
                .options([("search_path", schema.as_str())]);
            let db = Db::open_postgres(opts).await.unwrap();
            db.migrate().await.unwrap();
            bench("postgres", Core::new(db.clone())).await;
            db.close().await;
            if schema != "bench_keep" {
                sqlx::query(&format!("DROP SCHEMA {schema} CASCADE"))
                    .execute(&admin)
                    .await
                    .unwrap();
            }
        }
        _ => println!("\n*** PostgreSQL skipped: HALLPASS_TEST_PG_URL is not set ***"),
    }
}
