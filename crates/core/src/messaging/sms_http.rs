//! SMS through an HTTP gateway: the request the settings describe, its `{to}`, `{text}` and
//! `{sender}` filled in — encoded for the URL, and for the body as its `Content-Type` says
//! (JSON strings escaped, a form's values encoded). A 2xx answer is a sent message (with the
//! gateway's id when its JSON has one); 401, 403, 404, 408, 429 and 5xx try again later; other
//! answers fail it. `{secret}` is the gateway's key, kept like a password.

use std::collections::BTreeMap;
use std::time::Duration;

use super::outbox::{Queued, Sent};
use super::settings::{MessageSettings, Secrets, GATEWAY_FIELDS};
use super::template::Template;

pub fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .timeout(Duration::from_secs(20))
        .build()
        .unwrap_or_default()
}

fn url_encoded(v: &str) -> String {
    form_urlencoded::byte_serialize(v.as_bytes()).collect()
}

fn json_escaped(v: &str) -> String {
    let quoted = serde_json::to_string(v).unwrap_or_default();
    quoted[1..quoted.len().saturating_sub(1).max(1)].to_string()
}

fn filled(
    template: &str,
    values: &BTreeMap<String, String>,
    encode: impl Fn(&str) -> String,
) -> Result<String, String> {
    let t = Template::parse_request("template", template, GATEWAY_FIELDS).map_err(|e| e.message)?;
    let encoded = values.iter().map(|(k, v)| (k.clone(), encode(v))).collect();
    t.render(&encoded)
}

pub async fn send(
    http: &reqwest::Client,
    s: &MessageSettings,
    secrets: &Secrets,
    m: &Queued,
) -> Sent {
    let values = BTreeMap::from([
        ("to".to_string(), m.address.clone()),
        ("text".to_string(), m.body.clone()),
        ("sender".to_string(), s.sms_sender.clone()),
        ("secret".to_string(), secrets.http_secret.clone()),
    ]);
    let content_type = s
        .http_headers
        .iter()
        .find(|h| h.name.eq_ignore_ascii_case("content-type"))
        .map(|h| h.value.to_ascii_lowercase())
        .unwrap_or_default();
    let url = match filled(&s.http_url, &values, url_encoded) {
        Ok(u) => u,
        Err(e) => return Sent::Never(e),
    };
    let body = if content_type.contains("json") {
        filled(&s.http_body, &values, json_escaped)
    } else if content_type.contains("x-www-form-urlencoded") {
        filled(&s.http_body, &values, url_encoded)
    } else {
        filled(&s.http_body, &values, str::to_string)
    };
    let body = match body {
        Ok(b) => b,
        Err(e) => return Sent::Never(e),
    };
    let mut request = if s.http_method == "GET" {
        http.get(&url)
    } else {
        http.post(&url).body(body)
    };
    for h in &s.http_headers {
        match filled(&h.value, &values, str::to_string) {
            Ok(v) => request = request.header(h.name.as_str(), v),
            Err(e) => return Sent::Never(e),
        }
    }
    let response = match request.send().await {
        Ok(r) => r,
        // Without the address: it may carry the gateway's key.
        Err(e) if e.is_builder() => {
            return Sent::Never(format!("the request: {}", e.without_url()))
        }
        Err(e) => return Sent::Later(format!("the gateway: {}", e.without_url())),
    };
    let status = response.status();
    // The answer's first 64 KB are enough to read an id or a reason.
    let mut text = String::new();
    let mut response = response;
    while let Ok(Some(chunk)) = response.chunk().await {
        text.push_str(&String::from_utf8_lossy(&chunk));
        if text.len() > 64 * 1024 {
            break;
        }
    }
    if status.is_success() {
        let id = serde_json::from_str::<serde_json::Value>(&text)
            .ok()
            .and_then(|v| {
                ["id", "message_id", "messageId", "sid"]
                    .iter()
                    .find_map(|k| match &v[*k] {
                        serde_json::Value::String(s) => Some(s.clone()),
                        serde_json::Value::Number(n) => Some(n.to_string()),
                        _ => None,
                    })
            });
        return Sent::Ok(id);
    }
    let said: String = text.chars().take(200).collect();
    // A gateway that refuses our key or cannot find the address is a setting to mend, not a
    // message to drop: tried again later like a gateway that is busy.
    if matches!(status.as_u16(), 401 | 403 | 404 | 408 | 429) || status.is_server_error() {
        Sent::Later(format!("the gateway answered {status}: {said}"))
    } else {
        Sent::Never(format!("the gateway answered {status}: {said}"))
    }
}
