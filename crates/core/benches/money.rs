//! Money's hot paths: the red flags of 100,000 clients with 150,000 passes (one query), the
//! flags of one list page, selling a pass and taking its payment, and 32 desks selling at once
//! (throughput, and the invoice numbers checked for gaps and repeats), on SQLite and
//! PostgreSQL.
//! Run: `./dev bench` (or `cargo bench -p hallpass-core --bench money`;
//! `HALLPASS_TEST_PG_URL` adds PostgreSQL).

use std::time::Instant;

use chrono::{Duration as Days, Utc};
use hallpass_core::api::*;
use hallpass_core::money::flags::{flags_for, Reader};
use hallpass_core::{Core, Db, DbUrl};
use uuid::Uuid;

#[path = "common/pg.rs"]
mod pg;
#[path = "common/seed.rs"]
mod seed;
#[path = "common/stats.rs"]
mod stats;
use stats::{ids, stats};

/// Passes beside the 100,000 clients: one each, and a second for every other client.
const PASSES: usize = 150_000;
/// The generated invoices are numbered after the demo centre's.
const FIRST: i64 = 1_000;

/// 150,000 passes in every state, each with its invoice, most paid, in multi-row inserts.
async fn passes(db: &Db, clients: &[Uuid], plan: Uuid) {
    let now = Utc::now();
    let today = now.date_naive();
    let mut tx = db.write().await.unwrap();
    let all: Vec<usize> = (0..PASSES).collect();
    for chunk in all.chunks(500) {
        let mut inv = String::from("INSERT INTO invoices (id, number, client_id, payer_id, issued_on, currency, subtotal, discount, tax, total, status, created_at, updated_at) VALUES ");
        let mut mem = String::from("INSERT INTO memberships (id, client_id, plan_id, payer_id, invoice_id, name, visits_total, visits_left, starts_on, ends_on, validity_count, validity_unit, created_at, updated_at) VALUES ");
        let mut pay = String::from("INSERT INTO payments (id, payer_id, invoice_id, kind, method, amount, day, paid_at) VALUES ");
        let mut rows = Vec::new();
        let mut paid = Vec::new();
        for (k, &i) in chunk.iter().enumerate() {
            let client = clients[i % clients.len()];
            let start = today - Days::days((i % 90) as i64);
            let ends = start + Days::days(29);
            let left = (i % 11) as i32;
            let (inv_id, m_id) = (Uuid::now_v7(), Uuid::now_v7());
            let sep = if k > 0 { "," } else { "" };
            let b = k * 5;
            inv.push_str(&format!(
                "{sep}(${}, ${}, ${}, ${}, ${}, 'LAK', 80000000, 0, 0, 80000000, 'issued', ${}, ${})",
                b + 1, b + 2, b + 3, b + 3, b + 4, b + 5, b + 5
            ));
            let b = k * 8;
            mem.push_str(&format!(
                "{sep}(${}, ${}, ${}, ${}, ${}, '8 classes', 10, ${}, ${}, ${}, 30, 'days', ${}, ${})",
                b + 1, b + 2, b + 3, b + 2, b + 4, b + 5, b + 6, b + 7, b + 8, b + 8
            ));
            // Four in five paid in full, one in ten half.
            if i % 10 < 8 {
                paid.push((inv_id, client, 80_000_000i64, start));
            } else if i % 10 == 8 {
                paid.push((inv_id, client, 40_000_000, start));
            }
            rows.push((
                inv_id,
                m_id,
                client,
                start,
                ends,
                left,
                FIRST + i as i64 + 1,
            ));
        }
        hallpass_core::exec_tx!(&mut tx, c => {
            let mut q = sqlx::query(&inv);
            for (inv_id, _, client, start, _, _, number) in &rows {
                q = q.bind(*inv_id).bind(*number).bind(*client).bind(*start).bind(now);
            }
            q.execute(&mut *c).await
        })
        .unwrap();
        hallpass_core::exec_tx!(&mut tx, c => {
            let mut q = sqlx::query(&mem);
            for (inv_id, m_id, client, start, ends, left, _) in &rows {
                q = q.bind(*m_id).bind(*client).bind(plan).bind(*inv_id).bind(*left).bind(*start).bind(*ends).bind(now);
            }
            q.execute(&mut *c).await
        }).unwrap();
        if !paid.is_empty() {
            for (k, _) in paid.iter().enumerate() {
                let sep = if k > 0 { "," } else { "" };
                let b = k * 6;
                pay.push_str(&format!(
                    "{sep}(${}, ${}, ${}, 'payment', 'cash', ${}, ${}, ${})",
                    b + 1,
                    b + 2,
                    b + 3,
                    b + 4,
                    b + 5,
                    b + 6
                ));
            }
            hallpass_core::exec_tx!(&mut tx, c => {
                let mut q = sqlx::query(&pay);
                for (inv_id, client, amount, day) in &paid {
                    q = q.bind(Uuid::now_v7()).bind(*client).bind(*inv_id).bind(*amount).bind(*day).bind(now);
                }
                q.execute(&mut *c).await
            }).unwrap();
        }
    }
    let sql = format!(
        "UPDATE counters SET value = {} WHERE name = 'invoice'",
        FIRST + PASSES as i64
    );
    hallpass_core::exec_tx!(&mut tx, c => sqlx::query(&sql).execute(&mut *c).await).unwrap();
    tx.commit().await.unwrap();
    match db {
        Db::Sqlite(p) => drop(sqlx::query("ANALYZE").execute(p).await.unwrap()),
        Db::Postgres(p) => drop(sqlx::query("VACUUM (ANALYZE)").execute(p).await.unwrap()),
    }
}

async fn run(engine: &str, core: Core) {
    hallpass_core::demo::seed(&core).await.unwrap();
    seed::seed(&core.db).await;
    let login = |l: &str| LoginArgs {
        login: l.into(),
        password: hallpass_core::demo::DEMO_PASSWORD.into(),
        device: None,
    };
    let token = core.login(login("manager")).await.unwrap().token;
    let tok = Some(token.as_str());
    let plans = core
        .membership_plans_list(tok, MembershipPlansListArgs::default())
        .await
        .unwrap();
    let plan = plans[0].id;
    let clients = ids(&core.db, "SELECT id FROM clients ORDER BY created_at, id").await;
    let t = Instant::now();
    passes(&core.db, &clients, plan).await;
    println!(
        "{engine:<8} loaded {} passes with their invoices in {:.1} s",
        PASSES,
        t.elapsed().as_secs_f64()
    );

    // Every client's flags, one query.
    let today = Utc::now().date_naive();
    let reader = Reader {
        money: true,
        medical: true,
    };
    let mut all = Vec::new();
    let mut flagged = 0;
    for _ in 0..5 {
        let mut tx = core.db.read().await.unwrap();
        let t = Instant::now();
        let f = flags_for(&mut tx, None, today, reader).await.unwrap();
        all.push(t.elapsed());
        flagged = f.len();
        tx.commit().await.unwrap();
    }
    let (median, p95) = stats(all);
    let held = ids(&core.db, "SELECT id FROM memberships").await.len();
    println!("{engine:<8} flags of all {} clients ({} passes): median {median:.0} ms, p95 {p95:.0} ms; {flagged} clients flagged", clients.len(), held);
    // One list page: 50 cards.
    let mut page = Vec::new();
    for n in 0..100 {
        let ids: Vec<Uuid> = clients
            .iter()
            .skip(n * 997 % 99_000)
            .take(50)
            .copied()
            .collect();
        let t = Instant::now();
        core.flags_get(tok, FlagsGetArgs { client_ids: ids })
            .await
            .unwrap();
        page.push(t.elapsed());
    }
    let (median, p95) = stats(page);
    println!("{engine:<8} flags of a 50-card list page (flags_get): median {median:.2} ms, p95 {p95:.2} ms");

    // Sell a pass and take its payment, as a desk does.
    let desk_token = core.login(login("reception")).await.unwrap().token;
    let desk = Some(desk_token.as_str());
    let mut sales = Vec::new();
    for n in 0..200 {
        let client = clients[(n * 389) % clients.len()];
        let t = Instant::now();
        let sale = core
            .membership_sell(
                desk,
                MembershipSellArgs {
                    client_id: client,
                    plan_id: plan,
                    payer_id: None,
                    start_date: None,
                    discount: None,
                    note: String::new(),
                },
            )
            .await
            .unwrap();
        core.payment_add(
            desk,
            PaymentAddArgs {
                invoice_id: sale.invoice.id,
                amount: sale.invoice.total,
                method: PaymentMethod::Cash,
            },
        )
        .await
        .unwrap();
        sales.push(t.elapsed());
    }
    let (median, p95) = stats(sales);
    println!("{engine:<8} sell a pass + take its payment: median {median:.1} ms, p95 {p95:.1} ms (200 sales)");

    // 32 desks selling at once, ten sales each.
    let before: Vec<i64> = match &core.db {
        Db::Sqlite(p) => sqlx::query_scalar("SELECT number FROM invoices")
            .fetch_all(p)
            .await
            .unwrap(),
        Db::Postgres(p) => sqlx::query_scalar("SELECT number FROM invoices")
            .fetch_all(p)
            .await
            .unwrap(),
    };
    let first = before.iter().max().copied().unwrap_or(0);
    let t = Instant::now();
    let mut tasks = Vec::new();
    for d in 0..32 {
        let core = core.clone();
        let token = desk_token.clone();
        let client = clients[d * 1_000];
        tasks.push(tokio::spawn(async move {
            let mut got = Vec::new();
            for _ in 0..10 {
                let args = MembershipSellArgs {
                    client_id: client,
                    plan_id: plan,
                    payer_id: None,
                    start_date: None,
                    discount: None,
                    note: String::new(),
                };
                got.push(
                    core.membership_sell(Some(&token), args)
                        .await
                        .unwrap()
                        .invoice
                        .number,
                );
            }
            got
        }));
    }
    let mut numbers = Vec::new();
    for task in tasks {
        numbers.extend(task.await.unwrap());
    }
    let took = t.elapsed().as_secs_f64();
    numbers.sort();
    let expected: Vec<i64> = (first + 1..=first + 320).collect();
    assert_eq!(numbers, expected, "invoice numbers with a gap or a repeat");
    println!("{engine:<8} 32 desks × 10 concurrent sales: {:.0} sales/s ({took:.2} s for 320), numbers {}–{} without gaps or repeats", 320.0 / took, first + 1, first + 320);
}

#[tokio::main]
async fn main() {
    // HALLPASS_BENCH_KEEP=<dir> keeps the SQLite file there and the PostgreSQL schema, for
    // a look at the query plans.
    let keep = std::env::var("HALLPASS_BENCH_KEEP").ok();
    let dir = tempfile::tempdir().unwrap();
    let path = match &keep {
        Some(k) => std::path::Path::new(k).join("money.db"),
        None => dir.path().join("bench.db"),
    };
    let core = Core::open(&DbUrl::Sqlite(path.to_string_lossy().into_owned()))
        .await
        .unwrap();
    run("sqlite", core).await;
    if let Ok(url) = std::env::var("HALLPASS_TEST_PG_URL") {
        let schema = pg::schema(&url).await;
        run("postgres", Core::new(schema.db.clone())).await;
        if keep.is_none() {
            schema.drop().await;
        }
    } else {
        println!("postgres: HALLPASS_TEST_PG_URL not set, skipped");
    }
}
