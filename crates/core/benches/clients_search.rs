//! Client search over 100,000 clients, on SQLite and PostgreSQL: every search shape as the UI
//! calls it (token check, permission, transaction, plan, query) beside the same final SQL run
//! raw on the pool, and the lookup of a full incoming number. Prints median and p95.
//! Run: `./dev bench` (or `cargo bench -p hallpass-core --bench clients_search`;
//! `HALLPASS_TEST_PG_URL` adds PostgreSQL).

use std::str::FromStr;
use std::time::{Duration, Instant};

use chrono::{Datelike, NaiveDate, Utc};
use hallpass_core::api::*;
use hallpass_core::clients::index::{document, DocParts};
use hallpass_core::clients::search::{Resolved, TextQuery};
use hallpass_core::clients::sql::{self, SummaryRow};
use hallpass_core::{Core, Db, DbUrl};

const CLIENTS: usize = 100_000;
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

const GIVEN: [&str; 10] = [
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
const FAMILY: [&str; 8] = [
    "Keomany",
    "Sok",
    "Petrov",
    "Vongsa",
    "Smith",
    "Chan",
    "Ivanova",
    "Inthavong",
];

/// Loads the clients fast (multi-row inserts in one transaction) with the derived columns
/// core writes: search document, phone keys, name words.
async fn seed(db: &Db) {
    let now = Utc::now();
    let mut tx = db.write().await.unwrap();
    let mut ids = Vec::with_capacity(CLIENTS);
    for chunk in (0..CLIENTS).collect::<Vec<_>>().chunks(400) {
        let mut c_sql = String::from("INSERT INTO clients (id, name, search_name, search_doc, status, birth_date, birth_month, created_at, updated_at, version) VALUES ");
        let mut p_sql = String::from("INSERT INTO client_phones (id, client_id, position, kind, number, digits, raw, rdigits) VALUES ");
        let mut rows = Vec::new();
        for (k, i) in chunk.iter().enumerate() {
            let name = format!("{} {} {}", GIVEN[i % 10], FAMILY[(i / 10) % 8], i);
            let number = format!("+85620{:08}", (i * 7_919 + 5_550_000) % 100_000_000);
            let email = (i % 5 == 0).then(|| {
                format!("{}.{}{}@example.la", GIVEN[i % 10], FAMILY[(i / 10) % 8], i).to_lowercase()
            });
            let digits = number.trim_start_matches('+').to_string();
            let doc = document(DocParts {
                name: &name,
                card_number: None,
                tax_id: None,
                phone_digits: vec![digits.clone()],
                emails: email.iter().map(String::as_str).collect(),
                handles: vec![],
                extra: vec![],
            });
            let birth = NaiveDate::from_ymd_opt(
                1960 + (i % 60) as i32,
                1 + (i % 12) as u32,
                1 + (i % 28) as u32,
            )
            .unwrap();
            let status = ["current", "lead", "former"][i % 3];
            let id = uuid::Uuid::now_v7();
            ids.push(id);
            rows.push((id, name, doc, status, birth, number, digits, email));
            let sep = if k > 0 { "," } else { "" };
            let b = k * 8;
            c_sql.push_str(&format!(
                "{sep}(${}, ${}, ${}, ${}, ${}, ${}, ${}, ${}, ${}, 1)",
                b + 1,
                b + 2,
                b + 3,
                b + 4,
                b + 5,
                b + 6,
                b + 7,
                b + 8,
                b + 8
            ));
            let b = k * 6;
            p_sql.push_str(&format!(
                "{sep}(${}, ${}, 0, 'mobile', ${}, ${}, ${}, ${})",
                b + 1,
                b + 2,
                b + 3,
                b + 4,
                b + 5,
                b + 6
            ));
        }
        hallpass_core::exec_tx!(&mut tx, c => {
            let mut q = sqlx::query(&c_sql);
            for (id, name, doc, status, birth, ..) in &rows {
                q = q.bind(*id).bind(name.clone()).bind(hallpass_core::text::search_key(name)).bind(doc.clone())
                    .bind(*status).bind(*birth).bind(birth.month() as i32).bind(now);
            }
            q.execute(&mut *c).await
        })
        .unwrap();
        hallpass_core::exec_tx!(&mut tx, c => {
            let mut q = sqlx::query(&p_sql);
            for (id, _, _, _, _, number, digits, _) in &rows {
                q = q.bind(uuid::Uuid::now_v7()).bind(*id).bind(number.clone()).bind(digits.clone())
                    .bind(number.clone()).bind(digits.chars().rev().collect::<String>());
            }
            q.execute(&mut *c).await
        })
        .unwrap();
        for (id, .., email) in &rows {
            if let Some(e) = email {
                hallpass_core::exec_tx!(&mut tx, c => sqlx::query("INSERT INTO client_contacts (client_id, channel, position, label, value, value_key) VALUES ($1, 'email', 0, '', $2, $2)")
                    .bind(*id).bind(e.clone()).execute(&mut *c).await).unwrap();
            }
        }
    }
    let mut known = std::collections::HashSet::new();
    for (i, id) in ids.iter().enumerate() {
        if i % 100 == 0 {
            hallpass_core::exec_tx!(&mut tx, c => sqlx::query("INSERT INTO client_tags (client_id, tag) VALUES ($1, 'vip')").bind(*id).execute(&mut *c).await).unwrap();
        }
        if i % 3 == 1 {
            hallpass_core::exec_tx!(&mut tx, c => sqlx::query("INSERT INTO client_guardians (child_id, guardian_id, relation, pays, position) VALUES ($1, $2, 'mother', TRUE, 0)")
                .bind(*id).bind(ids[i - 1]).execute(&mut *c).await).unwrap();
        }
        if i < 80 {
            let name = format!("{} {}", GIVEN[i % 10], FAMILY[(i / 10) % 8]);
            hallpass_core::clients::index::add_name_words(&mut tx, &name, &mut known)
                .await
                .unwrap();
        }
    }
    tx.commit().await.unwrap();
    match db {
        Db::Sqlite(p) => drop(sqlx::query("ANALYZE").execute(p).await.unwrap()),
        Db::Postgres(p) => drop(sqlx::query("ANALYZE").execute(p).await.unwrap()),
    }
}

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
    let (mut op, mut rows) = (Vec::new(), 0);
    for i in 0..ROUNDS {
        let number = format!(
            "+856 20 {:08}",
            ((i * 997) * 7_919 + 5_550_000) % 100_000_000
        );
        let t = Instant::now();
        rows = core
            .clients_by_phone(tok, ClientsByPhoneArgs { phone: number })
            .await
            .unwrap()
            .matches
            .len();
        op.push(t.elapsed());
    }
    row("full number (by_phone)", rows, op, vec![]);
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
