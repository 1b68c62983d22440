//! A hub killed (SIGKILL) while a tablet holds a class, started again on the same database,
//! and the tablet's whole outbox sent again: every mark is there once, every visit written off
//! once — on SQLite and on PostgreSQL.

use std::process::Stdio;
use std::time::Duration;

use reqwest::StatusCode;
use serde_json::{json, Value};
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::{Child, Command};

use crate::support::pg_url;

struct Hub {
    child: Child,
    base: String,
    http: reqwest::Client,
}

async fn start(db: &str) -> Hub {
    let mut child = Command::new(env!("CARGO_BIN_EXE_hallpass-hub"))
        .args(["--db", db, "--listen", "127.0.0.1:0", "--demo"])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .kill_on_drop(true)
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let base = tokio::time::timeout(Duration::from_secs(120), async {
        while let Some(line) = lines.next_line().await.unwrap() {
            if let Some(rest) = line.strip_prefix("Hallpass hub on ") {
                return rest
                    .split(' ')
                    .next()
                    .unwrap()
                    .trim_end_matches('/')
                    .to_string();
            }
        }
        panic!("the hub stopped before listening");
    })
    .await
    .expect("the hub listens within two minutes");
    Hub {
        child,
        base,
        http: reqwest::Client::new(),
    }
}

impl Hub {
    async fn post(&self, op: &str, token: Option<&str>, body: &Value) -> (StatusCode, Value) {
        let mut req = self.http.post(format!("{}/api/{op}", self.base)).json(body);
        if let Some(t) = token {
            req = req.bearer_auth(t);
        }
        let res = req.send().await.unwrap();
        (res.status(), res.json().await.unwrap_or(Value::Null))
    }

    async fn login(&self) -> String {
        let body = json!({"login": "instructor", "password": hallpass_core::demo::DEMO_PASSWORD});
        let (s, v) = self.post("login", None, &body).await;
        assert_eq!(s, StatusCode::OK, "{v}");
        v["token"].as_str().unwrap().to_string()
    }
}

fn passes(sheet: &Value) -> Vec<(String, Option<i64>)> {
    sheet["lines"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| {
            (
                l["client"]["id"].as_str().unwrap().to_string(),
                l["pass"]["visits_left"].as_i64(),
            )
        })
        .collect()
}

async fn killed_mid_hold(db: &str) {
    let hub = start(db).await;
    let token = hub.login().await;
    // Today's classes in the demo centre's zone (Vientiane, UTC+7 all year), the fullest.
    let from = (chrono::Utc::now() + chrono::Duration::hours(7))
        .date_naive()
        .to_string();
    let (s, week) = hub
        .post(
            "schedule_week",
            Some(&token),
            &json!({"from": from, "days": 1}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{week}");
    let mut best: Option<(String, Value)> = None;
    for o in week["occurrences"].as_array().unwrap() {
        let id = o["id"].as_str().unwrap().to_string();
        let (_, sheet) = hub
            .post("occurrence_get", Some(&token), &json!({"id": id}))
            .await;
        let n = sheet["lines"].as_array().map_or(0, Vec::len);
        if o["status"] == "scheduled"
            && best
                .as_ref()
                .is_none_or(|(_, b)| b["lines"].as_array().unwrap().len() < n)
        {
            best = Some((id, sheet));
        }
    }
    let (class, before) = best.expect("a class today");
    let members = passes(&before);
    assert!(!members.is_empty());

    // The outbox: a mark for each member, then the hold.
    let mut outbox: Vec<(&str, Value)> = members
        .iter()
        .map(|(client, _)| {
            let body = json!({"op_id": uuid::Uuid::now_v7(), "occurrence_id": class, "client_id": client, "status": "present"});
            ("attendance_mark", body)
        })
        .collect();
    outbox.push((
        "class_hold",
        json!({"op_id": uuid::Uuid::now_v7(), "occurrence_id": class}),
    ));
    for (op, body) in &outbox[..outbox.len() - 1] {
        hub.post(op, Some(&token), body).await;
    }
    // The hold goes out; the hub dies a moment later, before or after it commits.
    let hold = outbox.last().unwrap().1.clone();
    let (base, http, t) = (hub.base.clone(), hub.http.clone(), token.clone());
    let sent = tokio::spawn(async move {
        let _ = http
            .post(format!("{base}/api/class_hold"))
            .bearer_auth(t)
            .json(&hold)
            .send()
            .await;
    });
    tokio::time::sleep(Duration::from_millis(3)).await;
    let mut child = hub.child;
    child.kill().await.unwrap();
    let _ = sent.await;

    // Up again on the same database; the tablet sends its whole outbox again.
    let hub = start(db).await;
    let token = hub.login().await;
    for (op, body) in &outbox {
        let (s, v) = hub.post(op, Some(&token), body).await;
        assert_eq!(s, StatusCode::OK, "{op} replayed: {v}");
    }
    let (_, after) = hub
        .post("occurrence_get", Some(&token), &json!({"id": class}))
        .await;
    assert!(after["held_at"].is_string(), "{after}");
    let lines = after["lines"].as_array().unwrap();
    assert_eq!(lines.len(), members.len());
    assert!(
        lines.iter().all(|l| l["status"] == "present"),
        "no mark lost"
    );
    for ((client, left), (c2, now)) in members.iter().zip(passes(&after)) {
        assert_eq!(*client, c2);
        if let Some(left) = left {
            assert_eq!(now, Some(left - 1), "one visit written off, once");
        }
    }
}

#[tokio::test]
async fn a_hub_killed_mid_hold_loses_nothing_and_writes_off_once() {
    let dir = tempfile::tempdir().unwrap();
    killed_mid_hold(&format!("sqlite:{}", dir.path().join("crash.db").display())).await;
    if let Some(url) = pg_url() {
        let schema = format!("crash_{}", uuid::Uuid::now_v7().simple());
        let admin = sqlx::PgPool::connect(&url).await.unwrap();
        sqlx::query(&format!("CREATE SCHEMA {schema}"))
            .execute(&admin)
            .await
            .unwrap();
        let sep = if url.contains('?') { '&' } else { '?' };
        killed_mid_hold(&format!("{url}{sep}options=-c%20search_path%3D{schema}")).await;
        sqlx::query(&format!("DROP SCHEMA {schema} CASCADE"))
            .execute(&admin)
            .await
            .unwrap();
    }
}
