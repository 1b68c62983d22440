//! The hub over real HTTP on an ephemeral port, on SQLite and PostgreSQL.

#[path = "../../../core/tests/api/support.rs"]
#[allow(dead_code)]
mod support;

mod crash;
mod events;
mod http;
mod pbx;
mod schedule;
mod sms;
mod tls;

use reqwest::StatusCode;
use serde_json::Value;
use support::TestCore;

pub struct Running {
    pub base: String,
    pub http: reqwest::Client,
    _task: tokio::task::JoinHandle<()>,
}

pub async fn serve(t: &TestCore, ui: Option<std::path::PathBuf>) -> Running {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let app = hallpass_hub::router(t.core.clone(), ui);
    let task = tokio::spawn(async move {
        axum::serve(
            listener,
            app.into_make_service_with_connect_info::<std::net::SocketAddr>(),
        )
        .await
        .unwrap();
    });
    Running {
        base: format!("http://{addr}"),
        http: reqwest::Client::new(),
        _task: task,
    }
}

impl Running {
    pub async fn post(&self, op: &str, token: Option<&str>, body: &str) -> (StatusCode, Value) {
        let mut req = self
            .http
            .post(format!("{}/api/{op}", self.base))
            .header("content-type", "application/json")
            .body(body.to_string());
        if let Some(t) = token {
            req = req.bearer_auth(t);
        }
        let res = req.send().await.unwrap();
        let status = res.status();
        let value = res.json::<Value>().await.unwrap_or(Value::Null);
        (status, value)
    }

    pub async fn login(&self, login: &str) -> String {
        let body =
            serde_json::json!({"login": login, "password": hallpass_core::demo::DEMO_PASSWORD});
        let (s, v) = self.post("login", None, &body.to_string()).await;
        assert_eq!(s, StatusCode::OK, "{v}");
        v["token"].as_str().unwrap().to_string()
    }
}
