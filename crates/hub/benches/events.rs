//! The live feed under load: a hub on loopback with 200 signed-in connections to
//! `GET /api/events`, each receiving every event. One more client saves a card over HTTP 200
//! times, one save at a time; for every save and every connection the time from sending the
//! save to that connection reading its event is recorded. Prints median, p95, p99 and the
//! worst, and checks every connection got every event. On SQLite and PostgreSQL.
//! Run: `./dev bench` (or `cargo bench -p hallpass-hub --bench events`; `HALLPASS_TEST_PG_URL`
//! adds PostgreSQL).

use std::sync::Arc;
use std::time::{Duration, Instant};

use futures_util::StreamExt;
use hallpass_core::{Core, DbUrl};

#[path = "../../core/benches/common/pg.rs"]
mod pg;
use serde_json::{json, Value};
use tokio::sync::Mutex;

const CONNECTIONS: usize = 200;

/// When each `change` event (by id) reached one connection.
type Arrivals = Arc<Mutex<Vec<(i64, Instant)>>>;
const SAVES: usize = 200;

fn percentile(sorted: &[f64], p: f64) -> f64 {
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i]
}

async fn post(
    http: &reqwest::Client,
    base: &str,
    op: &str,
    token: Option<&str>,
    body: Value,
) -> Value {
    let mut req = http.post(format!("{base}/api/{op}")).json(&body);
    if let Some(t) = token {
        req = req.bearer_auth(t);
    }
    let res = req.send().await.unwrap();
    assert!(res.status().is_success(), "{op}: {}", res.status());
    res.json().await.unwrap()
}

/// Reads one connection's stream; records when each `change` event arrived.
async fn listen(
    base: String,
    token: String,
    arrivals: Arrivals,
    ready: tokio::sync::mpsc::Sender<()>,
) {
    let res = reqwest::Client::new()
        .get(format!("{base}/api/events?token={token}"))
        .send()
        .await
        .unwrap();
    let mut body = res.bytes_stream();
    let mut buf = String::new();
    let mut told = false;
    while let Some(chunk) = body.next().await {
        let Ok(chunk) = chunk else { return };
        let now = Instant::now();
        buf.push_str(&String::from_utf8_lossy(&chunk));
        while let Some(end) = buf.find("\n\n") {
            let block: String = buf.drain(..end + 2).collect();
            if block.contains("event: ready") && !told {
                told = true;
                let _ = ready.send(()).await;
            }
            if block.contains("event: change") {
                let id = block
                    .lines()
                    .find_map(|l| l.strip_prefix("id: "))
                    .and_then(|v| v.trim().parse().ok())
                    .unwrap_or(-1);
                arrivals.lock().await.push((id, now));
            }
        }
    }
}

async fn run(engine: &str, core: Core) {
    hallpass_core::demo::seed(&core).await.unwrap();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let app = hallpass_hub::router(core.clone(), None);
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    let http = reqwest::Client::new();
    let login = |l: &str| json!({"login": l, "password": hallpass_core::demo::DEMO_PASSWORD});
    let writer = post(&http, &base, "login", None, login("manager")).await["token"]
        .as_str()
        .unwrap()
        .to_string();
    // 200 signed-in readers: sessions of the demo's logins (a role that may read clients).
    let mut readers = Vec::new();
    for i in 0..CONNECTIONS {
        let who = ["reception", "manager", "instructor", "accountant"][i % 4];
        readers.push(
            post(&http, &base, "login", None, login(who)).await["token"]
                .as_str()
                .unwrap()
                .to_string(),
        );
    }
    let (ready_tx, mut ready_rx) = tokio::sync::mpsc::channel(CONNECTIONS);
    let arrivals: Vec<Arrivals> = (0..CONNECTIONS).map(|_| Arc::default()).collect();
    for (token, a) in readers.into_iter().zip(&arrivals) {
        tokio::spawn(listen(base.clone(), token, a.clone(), ready_tx.clone()));
    }
    for _ in 0..CONNECTIONS {
        ready_rx.recv().await.unwrap();
    }
    let card = post(
        &http,
        &base,
        "client_create",
        Some(&writer),
        json!({"client": {"name": "Bench Feed", "birth_date": "1990-01-01"}}),
    )
    .await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    for a in &arrivals {
        a.lock().await.clear();
    }
    let mut version = card["version"].as_i64().unwrap();
    let mut sent = Vec::with_capacity(SAVES);
    let started = Instant::now();
    for n in 0..SAVES {
        let t0 = Instant::now();
        let saved = post(&http, &base, "client_update", Some(&writer), json!({"id": card["id"], "version": version, "client": {"name": format!("Bench Feed {n}"), "birth_date": "1990-01-01"}})).await;
        version = saved["version"].as_i64().unwrap();
        sent.push(t0);
        // One save at a time, as a person saves: wait until every connection has it.
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            let mut all = true;
            for a in &arrivals {
                if a.lock().await.len() <= n {
                    all = false;
                    break;
                }
            }
            if all || Instant::now() > deadline {
                break;
            }
            tokio::time::sleep(Duration::from_micros(200)).await;
        }
    }
    let elapsed = started.elapsed();
    let mut lat = Vec::with_capacity(CONNECTIONS * SAVES);
    let mut missing = 0;
    for a in &arrivals {
        let a = a.lock().await;
        missing += SAVES.saturating_sub(a.len());
        for (n, (_, at)) in a.iter().take(SAVES).enumerate() {
            lat.push(at.duration_since(sent[n]).as_secs_f64() * 1000.0);
        }
        let ids: Vec<i64> = a.iter().map(|(id, _)| *id).collect();
        assert!(ids.windows(2).all(|w| w[0] < w[1]), "events out of order");
    }
    lat.sort_by(|a, b| a.partial_cmp(b).unwrap());
    println!(
        "{engine:<8} {CONNECTIONS} connections × {SAVES} saves: {} events delivered, {missing} missing; \
         save → event read: median {:.2} ms, p95 {:.2} ms, p99 {:.2} ms, max {:.2} ms; {:.0} saves/s",
        lat.len(),
        percentile(&lat, 0.5),
        percentile(&lat, 0.95),
        percentile(&lat, 0.99),
        lat.last().copied().unwrap_or(0.0),
        SAVES as f64 / elapsed.as_secs_f64()
    );
    assert_eq!(missing, 0, "some connections missed events");
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
