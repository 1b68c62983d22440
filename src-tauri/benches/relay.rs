//! The app in hub mode, as a tablet uses it: a hub over HTTPS on loopback (self-signed,
//! pinned), the app's forwarding client signed in through the keyring path. Measures one
//! forwarded operation's round trip, and how long a change made elsewhere takes to reach the
//! app's relayed event stream (`hallpass:live`).
//!
//! `cargo bench -p hallpass-app --bench relay`

use std::sync::Arc;
use std::time::{Duration, Instant};

use hallpass_app_lib::remote::{events, Remote, DEVICE_TOKEN};
use hallpass_core::api::{Client, LiveEvent, LoginResult, UserInfo};
use hallpass_core::{Core, DbUrl};
use serde_json::json;
use tokio::sync::mpsc;

const CALLS: usize = 500;
const CHANGES: usize = 200;

fn pct(sorted: &[Duration], p: f64) -> f64 {
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i].as_secs_f64() * 1000.0
}

fn report(what: &str, mut times: Vec<Duration>) {
    times.sort();
    println!(
        "{what}: median {:.2} ms, p95 {:.2} ms, max {:.2} ms ({} samples)",
        pct(&times, 0.5),
        pct(&times, 0.95),
        pct(&times, 1.0),
        times.len()
    );
}

#[tokio::main]
async fn main() {
    hallpass_app_lib::remote::keys::use_store(keyring_core::mock::Store::new().unwrap());
    let dir = tempfile::tempdir().unwrap();
    let db = DbUrl::Sqlite(dir.path().join("hub.db").to_string_lossy().into_owned());
    let core = Core::open(&db).await.unwrap();
    hallpass_core::demo::seed(&core).await.unwrap();
    let tls =
        hallpass_hub::tls::self_signed(&dir.path().join("tls"), vec!["localhost".into()]).unwrap();
    let (stop, stopping) = tokio::sync::watch::channel(false);
    let app = hallpass_hub::router_with(core.clone(), None, stopping);
    let hub = hallpass_hub::server::start(app, "127.0.0.1:0".parse().unwrap(), Some(tls), stop)
        .await
        .unwrap();
    let remote = Arc::new(Remote::new(&hub.url(), hub.fingerprint.clone()).unwrap());
    let _: LoginResult = remote
        .call(
            "login",
            None,
            &json!({"login": "instructor", "password": hallpass_core::demo::DEMO_PASSWORD}),
        )
        .await
        .unwrap();

    // A forwarded operation: the webview's command → the app → HTTPS → the hub → back.
    let mut times = Vec::with_capacity(CALLS);
    for _ in 0..CALLS {
        let t0 = Instant::now();
        let _: UserInfo = remote
            .call("session_get", Some(DEVICE_TOKEN), &json!({}))
            .await
            .unwrap();
        times.push(t0.elapsed());
    }
    report(
        "forwarded session_get over pinned HTTPS (loopback hub, SQLite)",
        times,
    );

    // A change saved at the desk → the tablet app's relayed stream.
    let (tx, mut rx) = mpsc::unbounded_channel::<(Instant, LiveEvent)>();
    let follower = tokio::spawn(events::follow(remote.clone(), None, move |e| {
        tx.send((Instant::now(), e)).is_ok()
    }));
    loop {
        if let Some((_, LiveEvent::Ready { .. })) = rx.recv().await {
            break;
        }
    }
    let desk = core
        .login(
            serde_json::from_value(
                json!({"login": "reception", "password": hallpass_core::demo::DEMO_PASSWORD}),
            )
            .unwrap(),
        )
        .await
        .unwrap()
        .token;
    let mut card: Client = core
        .client_create(
            Some(&desk),
            serde_json::from_value(
                json!({"client": {"name": "Relay Bench", "birth_date": "1990-01-01"}}),
            )
            .unwrap(),
        )
        .await
        .unwrap();
    let mut times = Vec::with_capacity(CHANGES);
    for n in 0..CHANGES {
        let t0 = Instant::now();
        card = core
            .client_update(Some(&desk), serde_json::from_value(json!({"id": card.id, "version": card.version,
                "client": {"name": "Relay Bench", "birth_date": "1990-01-01", "notes": format!("change {n}")}})).unwrap())
            .await
            .unwrap();
        loop {
            let (at, e) = tokio::time::timeout(Duration::from_secs(10), rx.recv())
                .await
                .unwrap()
                .unwrap();
            if let LiveEvent::Change { event } = e {
                if event.operation == "client_update" && event.entity_id == Some(card.id) {
                    times.push(at - t0);
                    break;
                }
            }
        }
    }
    report(
        "change saved at the desk → relayed to the app in hub mode (save included)",
        times,
    );
    follower.abort();
    hub.stop().await;
}
