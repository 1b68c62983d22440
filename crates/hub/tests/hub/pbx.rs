//! `POST /api/pbx/webhook`: a cloud PBX's signed events over real HTTP — refused when the
//! signature is wrong, the time old, the event taken before or too large — and the popup they
//! cause arriving on the ringing user's `/api/events` as an `event: call`.

use hallpass_core::telephony::webhook::sign;
use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::events::Reader;
use crate::support::each_engine;
use crate::{serve, Running};

const SECRET: &str = "a-long-shared-secret";

async fn hook(hub: &Running, body: &str, at: i64, secret: &str) -> StatusCode {
    hub.http
        .post(format!("{}/api/pbx/webhook", hub.base))
        .header("content-type", "application/json")
        .header("x-hallpass-timestamp", at.to_string())
        .header(
            "x-hallpass-signature",
            sign(secret.as_bytes(), at, body.as_bytes()),
        )
        .body(body.to_string())
        .send()
        .await
        .unwrap()
        .status()
}

#[tokio::test]
async fn signed_events_ring_the_users_browser() {
    each_engine(|t| async move {
        t.demo().await;
        let hub = serve(&t, None).await;
        let manager = hub.login("manager").await;
        let now = t.core.now().timestamp();
        let started =
            json!({"id": "e1", "type": "started", "call_id": "c1", "number": "+77011234567"})
                .to_string();
        assert_eq!(
            hook(&hub, &started, now, SECRET).await,
            StatusCode::NOT_FOUND,
            "no cloud PBX yet"
        );
        let (_, settings) = hub.post("pbx_settings_get", Some(&manager), "{}").await;
        let me = hub.post("session_get", Some(&manager), "{}").await.1["id"].clone();
        let update = json!({
            "version": settings["version"],
            "settings": {"kind": "webhook", "webhook_secret": SECRET,
                         "extensions": [{"extension": "102", "user_id": me}]}
        });
        let (status, saved) = hub
            .post("pbx_settings_update", Some(&manager), &update.to_string())
            .await;
        assert_eq!(status, StatusCode::OK, "{saved}");
        assert!(!saved.to_string().contains(SECRET), "never sent back");
        let (_, status) = hub.post("pbx_status", Some(&manager), "{}").await;
        assert_eq!(status["link"], "listening");

        let mut reader = Reader::open(&hub, &format!("?token={manager}"), &[])
            .await
            .unwrap();
        assert_eq!(reader.next().await.event, "ready");
        assert_eq!(
            hook(&hub, &started, now, "another-secret-entirely").await,
            StatusCode::UNAUTHORIZED
        );
        assert_eq!(
            hook(&hub, &started, now - 3600, SECRET).await,
            StatusCode::UNAUTHORIZED,
            "an old timestamp"
        );
        assert_eq!(
            hook(&hub, &started, now, SECRET).await,
            StatusCode::NO_CONTENT
        );
        assert_eq!(
            hook(&hub, &started, now, SECRET).await,
            StatusCode::CONFLICT,
            "the same event again"
        );
        assert_eq!(
            hook(&hub, r#"{"type":"started"}"#, now, SECRET).await,
            StatusCode::BAD_REQUEST
        );
        let huge = format!(r#"{{"id":"big","pad":"{}"}}"#, "x".repeat(100_000));
        assert_eq!(
            hook(&hub, &huge, now, SECRET).await,
            StatusCode::PAYLOAD_TOO_LARGE
        );
        let ringing = json!({"id": "e2", "type": "ringing", "call_id": "c1", "extension": "102"});
        assert_eq!(
            hook(&hub, &ringing.to_string(), now, SECRET).await,
            StatusCode::NO_CONTENT
        );
        let e = loop {
            let e = reader.next().await;
            if e.event == "call" {
                break e;
            }
        };
        let call: Value = serde_json::from_str(&e.data).unwrap();
        assert_eq!(call["kind"], "ringing");
        assert_eq!(call["popup"]["extension"], "102");
        let cards = call["popup"]["cards"].as_array().unwrap();
        assert!(cards.len() >= 2, "the parent and the child: {call}");
        assert!(e.id.is_none(), "a call is not in the change log");
    })
    .await;
}
