//! What an HTTP SMS gateway posts back to the centre: texts people sent
//! (`/api/sms/inbound`) and delivery reports (`/api/sms/status`). Gateways differ in how
//! they post — query parameters, a form or JSON, GET or POST — and in the names they give
//! (`from`/`msisdn`/`sender`, `text`/`body`/`message`, `id`/`message_id`/`MessageSid`,
//! `status`/`stat`…): every one of these is read. The centre's inbound key is a `key`
//! parameter of the address set up at the gateway. 204 when taken; 401 for another key, 400
//! when a field is missing, 404 for a report on an SMS not sent from here.

use std::collections::HashMap;

use axum::extract::{Query, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use hallpass_core::messaging::rating::inbound::{self, Fate};
use hallpass_core::ApiError;

use crate::Hub;

const FROM: &[&str] = &[
    "from",
    "msisdn",
    "sender",
    "source",
    "source_addr",
    "originator",
    "phone",
];
const TEXT: &[&str] = &["text", "body", "message", "content", "msg", "short_message"];
const ID: &[&str] = &[
    "id",
    "message_id",
    "messageid",
    "messagesid",
    "smssid",
    "sid",
    "msgid",
    "reference",
];
const STATUS: &[&str] = &[
    "status",
    "messagestatus",
    "smsstatus",
    "stat",
    "state",
    "dlr_status",
    "dlr",
];

/// The fields of the request, names lower-cased: the query's, then the body's (JSON or form).
fn fields(
    query: HashMap<String, String>,
    headers: &HeaderMap,
    body: &[u8],
) -> HashMap<String, String> {
    let mut all: HashMap<String, String> = query
        .into_iter()
        .map(|(k, v)| (k.to_ascii_lowercase(), v))
        .collect();
    let json = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.contains("json"));
    if json {
        if let Ok(serde_json::Value::Object(map)) = serde_json::from_slice(body) {
            for (k, v) in map {
                let v = match v {
                    serde_json::Value::String(s) => s,
                    serde_json::Value::Number(n) => n.to_string(),
                    _ => continue,
                };
                all.insert(k.to_ascii_lowercase(), v);
            }
        }
    } else {
        for (k, v) in form_urlencoded::parse(body) {
            all.insert(k.to_ascii_lowercase(), v.into_owned());
        }
    }
    all
}

fn first<'a>(f: &'a HashMap<String, String>, names: &[&str]) -> Option<&'a str> {
    names.iter().find_map(|n| f.get(*n)).map(String::as_str)
}

fn answer(result: Result<(), ApiError>) -> Response {
    let (status, message) = match result {
        Ok(()) => return StatusCode::NO_CONTENT.into_response(),
        Err(ApiError::Unauthenticated { message }) => (StatusCode::UNAUTHORIZED, message),
        Err(ApiError::NotFound { message, .. }) => (StatusCode::NOT_FOUND, message),
        Err(e @ ApiError::Validation { .. }) => (StatusCode::BAD_REQUEST, e.to_string()),
        Err(e) => {
            tracing::warn!(error = %e, "an SMS gateway's post was not taken");
            (
                StatusCode::SERVICE_UNAVAILABLE,
                "not taken now: post it again later".into(),
            )
        }
    };
    (status, Json(serde_json::json!({ "error": message }))).into_response()
}

/// `GET`/`POST /api/sms/inbound?key=…`: a text someone sent the centre.
pub async fn inbound(
    State(hub): State<Hub>,
    Query(query): Query<HashMap<String, String>>,
    headers: HeaderMap,
    body: axum::body::Bytes,
) -> Response {
    let f = fields(query, &headers, &body);
    let result = async {
        inbound::check_key(&hub.core, first(&f, &["key"]).unwrap_or_default()).await?;
        let from = first(&f, FROM).unwrap_or_default();
        let text = first(&f, TEXT).unwrap_or_default();
        inbound::received(&hub.core, from, text).await
    }
    .await;
    answer(result)
}

/// `GET`/`POST /api/sms/status?key=…`: how an SMS sent from here went.
pub async fn status(
    State(hub): State<Hub>,
    Query(query): Query<HashMap<String, String>>,
    headers: HeaderMap,
    body: axum::body::Bytes,
) -> Response {
    let f = fields(query, &headers, &body);
    let result = async {
        inbound::check_key(&hub.core, first(&f, &["key"]).unwrap_or_default()).await?;
        let id = first(&f, ID).unwrap_or_default();
        let said = first(&f, STATUS).unwrap_or_default();
        if said.is_empty() {
            return Err(ApiError::field("status", "required", "how the SMS went"));
        }
        match inbound::status(&hub.core, id, Fate::parse(said), said).await? {
            true => Ok(()),
            false => Err(ApiError::not_found("message")),
        }
    }
    .await;
    answer(result)
}
