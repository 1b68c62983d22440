//! Import of 50,000 rows from CSV and from XLSX, then export of the whole base (over 100,000
//! cards) as XLSX, CSV and HTML, through the operations as the UI calls them, on SQLite and
//! PostgreSQL. Prints time, rows per second and the peak memory of each step.
//! Run: `./dev bench` (or `cargo bench -p hallpass-core --bench clients_transfer`;
//! `HALLPASS_TEST_PG_URL` adds PostgreSQL).

use std::time::Instant;

use base64::Engine;
use hallpass_core::api::*;
use hallpass_core::{Core, Db, DbUrl};

#[path = "common/pg.rs"]
mod pg;

const ROWS: usize = 50_000;
const GIVEN: [&str; 10] = [
    "Anna", "Khamla", "Sophea", "Ivan", "Dara", "Malee", "Liam", "Noy", "Elena", "Vanna",
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

/// One line of the list: a third are children with a parent written as "name, phone".
fn line(i: usize, salt: usize) -> [String; 6] {
    let n = i + salt;
    let name = format!("{} {} {}", GIVEN[n % 10], FAMILY[(n / 10) % 8], n);
    let phone = format!("020 {:04} {:04}", 5000 + (n / 10_000) % 5000, n % 10_000);
    let kid = n.is_multiple_of(3);
    let year = if kid { 2012 + n % 10 } else { 1960 + n % 40 };
    let birth = format!("{:02}.{:02}.{year}", 1 + n % 28, 1 + n % 12);
    let guardian = if kid {
        format!(
            "{} {}, 030 {:04} {:04}",
            GIVEN[(n + 3) % 10],
            FAMILY[(n / 10) % 8],
            5000 + (n / 10_000) % 5000,
            n % 10_000
        )
    } else {
        String::new()
    };
    let email = if n.is_multiple_of(5) {
        format!("client{n}@example.la")
    } else {
        String::new()
    };
    [
        name,
        phone,
        birth,
        guardian,
        email,
        "Prefers evening classes".into(),
    ]
}

const HEADERS: [&str; 6] = [
    "ФИО",
    "Телефон",
    "Дата рождения",
    "Родитель",
    "E-mail",
    "Примечание",
];

fn csv_file(salt: usize) -> Vec<u8> {
    let mut s = String::from("Клиенты на 01.11.2026;;;;;\n");
    s.push_str(&HEADERS.join(";"));
    s.push('\n');
    for i in 0..ROWS {
        s.push_str(&line(i, salt).join(";"));
        s.push('\n');
    }
    s.push_str(&format!("Итого: {ROWS};;;;;\n"));
    s.into_bytes()
}

fn xlsx_file(salt: usize) -> Vec<u8> {
    let mut book = rust_xlsxwriter::Workbook::new();
    let ws = book.add_worksheet();
    for (c, h) in HEADERS.iter().enumerate() {
        ws.write_string(0, c as u16, *h).unwrap();
    }
    for i in 0..ROWS {
        for (c, v) in line(i, salt).iter().enumerate() {
            if !v.is_empty() {
                ws.write_string(i as u32 + 1, c as u16, v).unwrap();
            }
        }
    }
    book.save_to_buffer().unwrap()
}

/// Resets the process's peak resident memory (Linux), so each step reports its own peak.
fn reset_peak() {
    let _ = std::fs::write("/proc/self/clear_refs", "5");
}

fn peak_mib() -> f64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let kb: f64 = status
        .lines()
        .find(|l| l.starts_with("VmHWM:"))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|v| v.parse().ok())
        .unwrap_or(0.0);
    kb / 1024.0
}

async fn step<T>(label: &str, rows: usize, f: impl std::future::Future<Output = T>) -> T {
    reset_peak();
    let start = Instant::now();
    let out = f.await;
    let secs = start.elapsed().as_secs_f64();
    println!(
        "  {label:<34} {rows:>7} rows {secs:>7.2} s {:>9.0} rows/s  peak {:>6.0} MiB",
        rows as f64 / secs,
        peak_mib()
    );
    out
}

async fn run(engine: &str, db: Db) {
    let core = Core::new(db);
    let token = core
        .centre_setup(CentreSetupArgs {
            centre: CentreInput {
                name: "Bench".into(),
                time_zone: "Asia/Vientiane".into(),
                currency: "LAK".into(),
                phone_country: "LA".into(),
                logo: None,
                details: String::new(),
            },
            owner_login: "owner".into(),
            owner_name: "Owner".into(),
            owner_password: "a long enough password 1".into(),
        })
        .await
        .unwrap()
        .token;
    let tok = Some(token.as_str());
    println!("{engine}:");
    let import = |name: &str, bytes: Vec<u8>| ClientsImportArgs {
        file_name: name.into(),
        content: base64::engine::general_purpose::STANDARD.encode(bytes),
        dry_run: false,
        skip_invalid: false,
        allow_duplicates: false,
        mapping: None,
        job_id: None,
    };
    let started = Instant::now();
    for i in 0..10_000 {
        let raw = format!("020 {:04} {:04}", 5000 + i % 4000, i);
        hallpass_core::phone::Phone::parse("phone", &raw, "LA").unwrap();
    }
    println!(
        "  parse 10,000 phones                         {:>7.2} s",
        started.elapsed().as_secs_f64()
    );
    let mut dry = import("clients.csv", csv_file(0));
    dry.dry_run = true;
    let r = step("check CSV (dry run)", ROWS, core.clients_import(tok, dry))
        .await
        .unwrap();
    assert!(r.errors.is_empty(), "{:?}", r.errors.first());
    let csv = import("clients.csv", csv_file(0));
    let r = step(
        "import CSV (50,000 lines)",
        ROWS,
        core.clients_import(tok, csv),
    )
    .await
    .unwrap();
    assert!(r.committed && r.errors.is_empty(), "{:?}", r.errors.first());
    println!(
        "    created {} cards and {} guardians",
        r.created, r.guardians_created
    );
    let xlsx = import("clients.xlsx", xlsx_file(ROWS));
    let r = step(
        "import XLSX (50,000 lines, into 66k)",
        ROWS,
        core.clients_import(tok, xlsx),
    )
    .await
    .unwrap();
    assert!(r.committed && r.errors.is_empty(), "{:?}", r.errors.first());
    println!(
        "    created {} cards and {} guardians",
        r.created, r.guardians_created
    );
    let total = core
        .clients_count(tok, ClientsSearchArgs::default())
        .await
        .unwrap()
        .total as usize;
    for format in [ExportFormat::Xlsx, ExportFormat::Csv, ExportFormat::Html] {
        let args = ClientsExportArgs {
            format,
            query: String::new(),
            filters: Default::default(),
            sort: Default::default(),
            labels: Default::default(),
            title: None,
        };
        let f = step(
            &format!("export {format:?} (everyone)"),
            total,
            core.clients_export(tok, args),
        )
        .await
        .unwrap();
        assert_eq!(f.rows as usize, total);
        println!("    {} KiB", f.content.len() * 3 / 4 / 1024);
    }
}

fn main() {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("bench.db");
        let db = Db::open(&DbUrl::Sqlite(path.to_string_lossy().into_owned()))
            .await
            .unwrap();
        run("SQLite", db).await;
        if let Ok(url) = std::env::var("HALLPASS_TEST_PG_URL") {
            let schema = pg::schema(&url).await;
            run("PostgreSQL", schema.db.clone()).await;
            schema.drop().await;
        }
    });
}
