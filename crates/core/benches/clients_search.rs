//! `clients_search` over 100,000 clients, on SQLite and PostgreSQL: the operation as the UI
//! calls it (token check, permission, transaction, query) beside the same SQL run raw on the
//! pool. Prints the median and p95 of each. Run: `./dev bench` (or `cargo bench -p
//! hallpass-core --bench clients_search`; `HALLPASS_TEST_PG_URL` adds PostgreSQL).

use std::str::FromStr;
use std::time::{Duration, Instant};

use hallpass_core::api::*;
use hallpass_core::clients::{search_pattern, search_sql};
use hallpass_core::{Core, Db, DbUrl};

const CLIENTS: usize = 100_000;
const ROUNDS: usize = 60;
const QUERIES: &[(&str, &str)] = &[
    ("empty (first page)", ""),
    ("name, common", "anna"),
    ("name, rare", "keomany 4242"),
    ("name, none", "zzqx"),
    ("phone, 4 digits", "5123"),
    ("phone, 7 digits", "2055512"),
];

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    sorted[((sorted.len() as f64 - 1.0) * p).round() as usize]
}

fn fmt(d: Duration) -> String {
    format!("{:.2} ms", d.as_secs_f64() * 1000.0)
}

/// Loads the clients fast (multi-row inserts in one transaction), with the same derived
/// columns core writes.
async fn seed(db: &Db) {
    let given = [
        "Anna",
        "Souksavanh",
        "Dara",
        "Ivan",
        "Manivone",
        "Sophea",
        "Liam",
        "Khamla",
        "Maria",
        "Noy",
    ];
    let family = [
        "Keomany",
        "Sok",
        "Petrov",
        "Vongsa",
        "Smith",
        "Chan",
        "Ivanova",
        "Inthavong",
    ];
    let now = chrono::Utc::now();
    let mut tx = db.write().await.unwrap();
    for chunk in (0..CLIENTS).collect::<Vec<_>>().chunks(500) {
        let mut sql = String::from("INSERT INTO clients (id, name, search_name, status, notes, created_at, updated_at, version) VALUES ");
        let mut psql = String::from(
            "INSERT INTO client_phones (id, client_id, position, kind, number, digits) VALUES ",
        );
        let mut rows = Vec::new();
        for (k, i) in chunk.iter().enumerate() {
            let name = format!(
                "{} {} {}",
                given[i % given.len()],
                family[(i / 10) % family.len()],
                i
            );
            let number = format!("+85620{:08}", (i * 7_919 + 5_550_000) % 100_000_000);
            rows.push((uuid::Uuid::now_v7(), name, number));
            if k > 0 {
                sql.push(',');
                psql.push(',');
            }
            let b = k * 5;
            sql.push_str(&format!(
                "(${}, ${}, ${}, 'current', '', ${}, ${}, 1)",
                b + 1,
                b + 2,
                b + 3,
                b + 4,
                b + 5
            ));
            let b = k * 4;
            psql.push_str(&format!(
                "(${}, ${}, 0, 'mobile', ${}, ${})",
                b + 1,
                b + 2,
                b + 3,
                b + 4
            ));
        }
        hallpass_core::exec_tx!(&mut tx, c => {
            let mut q = sqlx::query(&sql);
            for (id, name, _) in &rows {
                q = q.bind(*id).bind(name.clone()).bind(hallpass_core::text::search_key(name)).bind(now).bind(now);
            }
            q.execute(&mut *c).await
        })
        .unwrap();
        hallpass_core::exec_tx!(&mut tx, c => {
            let mut q = sqlx::query(&psql);
            for (id, _, number) in &rows {
                q = q.bind(uuid::Uuid::now_v7()).bind(*id).bind(number.clone()).bind(number.trim_start_matches('+').to_string());
            }
            q.execute(&mut *c).await
        })
        .unwrap();
    }
    tx.commit().await.unwrap();
    match db {
        Db::Sqlite(p) => {
            sqlx::query("ANALYZE").execute(p).await.unwrap();
        }
        Db::Postgres(p) => {
            sqlx::query("ANALYZE").execute(p).await.unwrap();
        }
    }
}

async fn raw(db: &Db, query: &str) -> usize {
    let pattern = search_pattern(query);
    let (sql, arg) = search_sql(&pattern);
    match db {
        Db::Sqlite(p) => {
            let q = sqlx::query_as::<_, ClientSummary>(&sql)
                .bind(51_i64)
                .bind(0_i64);
            let q = match arg {
                Some(a) => q.bind(a),
                None => q,
            };
            q.fetch_all(p).await.unwrap().len()
        }
        Db::Postgres(p) => {
            let q = sqlx::query_as::<_, ClientSummary>(&sql)
                .bind(51_i64)
                .bind(0_i64);
            let q = match arg {
                Some(a) => q.bind(a),
                None => q,
            };
            q.fetch_all(p).await.unwrap().len()
        }
    }
}

async fn bench(engine: &str, core: Core) {
    let t0 = Instant::now();
    hallpass_core::demo::seed(&core).await.unwrap();
    seed(&core.db).await;
    println!(
        "\n{engine}: seeded {} clients in {:.1} s",
        CLIENTS + hallpass_core::demo::DEMO_CLIENTS,
        t0.elapsed().as_secs_f64()
    );
    let token = core
        .login(LoginArgs {
            login: "reception".into(),
            password: hallpass_core::demo::DEMO_PASSWORD.into(),
        })
        .await
        .unwrap()
        .token;
    println!(
        "{:<22} {:>8} {:>12} {:>12} {:>12} {:>12}",
        "query", "rows", "op median", "op p95", "raw median", "raw p95"
    );
    for (label, query) in QUERIES {
        let mut op = Vec::with_capacity(ROUNDS);
        let mut rw = Vec::with_capacity(ROUNDS);
        let mut rows = 0;
        for _ in 0..ROUNDS {
            let t = Instant::now();
            let page = core
                .clients_search(
                    Some(&token),
                    ClientsSearchArgs {
                        query: query.to_string(),
                        offset: 0,
                        limit: Some(50),
                    },
                )
                .await
                .unwrap();
            op.push(t.elapsed());
            rows = page.items.len();
            let t = Instant::now();
            raw(&core.db, query).await;
            rw.push(t.elapsed());
        }
        op.sort();
        rw.sort();
        println!(
            "{:<22} {:>8} {:>12} {:>12} {:>12} {:>12}",
            label,
            rows,
            fmt(percentile(&op, 0.5)),
            fmt(percentile(&op, 0.95)),
            fmt(percentile(&rw, 0.5)),
            fmt(percentile(&rw, 0.95))
        );
    }
}

#[tokio::main]
async fn main() {
    // `cargo test --benches` runs bench targets with --test-ish args; only bench on `--bench`.
    if !std::env::args().any(|a| a == "--bench") {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let url = DbUrl::Sqlite(dir.path().join("bench.db").to_string_lossy().into_owned());
    bench("sqlite", Core::open(&url).await.unwrap()).await;

    match std::env::var("HALLPASS_TEST_PG_URL") {
        Ok(url) if !url.is_empty() => {
            let schema = format!("bench_{}", uuid::Uuid::now_v7().simple());
            let admin = sqlx::PgPool::connect(&url).await.unwrap();
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
            sqlx::query(&format!("DROP SCHEMA {schema} CASCADE"))
                .execute(&admin)
                .await
                .unwrap();
        }
        _ => println!("\n*** PostgreSQL skipped: HALLPASS_TEST_PG_URL is not set ***"),
    }
}
