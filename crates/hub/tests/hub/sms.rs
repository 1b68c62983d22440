//! What an SMS gateway posts back over real HTTP: a reply as a form (the names Twilio uses),
//! a delivery report as JSON or query parameters; refused without the centre's inbound key,
//! with a field missing, or for an SMS not sent from here.

use reqwest::StatusCode;
use serde_json::json;

use crate::serve;
use crate::support::each_engine;

#[tokio::test]
async fn the_gateway_posts_replies_and_reports_with_the_centres_key() {
    each_engine(|t| async move {
        t.demo().await;
        let hub = serve(&t, None).await;
        let manager = hub.login("manager").await;
        let (_, settings) = hub.post("message_settings_get", Some(&manager), "{}").await;
        let key = settings["inbound_key"].as_str().unwrap().to_string();
        let form = |path: &str, key: &str, body: &str| {
            hub.http
                .post(format!("{}/api/sms/{path}?key={key}", hub.base))
                .header("content-type", "application/x-www-form-urlencoded")
                .body(body.to_string())
                .send()
        };
        let reply = "From=%2B77011234567&Body=See+you+on+Monday";
        // The demo's replies are there already.
        let before = t.count("messages_in").await;
        assert_eq!(
            form("inbound", "wrong", reply).await.unwrap().status(),
            StatusCode::UNAUTHORIZED
        );
        assert_eq!(t.count("messages_in").await, before);
        assert_eq!(
            form("inbound", &key, reply).await.unwrap().status(),
            StatusCode::NO_CONTENT
        );
        assert_eq!(t.count("messages_in").await, before + 1);
        assert_eq!(
            form("inbound", &key, "Body=who").await.unwrap().status(),
            StatusCode::BAD_REQUEST,
            "no number"
        );
        // Reports: as JSON without a status, then for an SMS the centre never sent.
        let missing = hub
            .http
            .post(format!("{}/api/sms/status?key={key}", hub.base))
            .json(&json!({"message_id": "abc"}))
            .send()
            .await
            .unwrap();
        assert_eq!(missing.status(), StatusCode::BAD_REQUEST);
        let unknown = hub
            .http
            .get(format!(
                "{}/api/sms/status?key={key}&id=abc&stat=DELIVRD",
                hub.base
            ))
            .send()
            .await
            .unwrap();
        assert_eq!(unknown.status(), StatusCode::NOT_FOUND);
    })
    .await;
}
