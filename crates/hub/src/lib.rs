//! hallpass-hub: the LAN server. Serves the API (`POST /api/<operation>`) generated from the
//! core's operation registry, its OpenAPI document, and the built UI for browsers.

use std::path::PathBuf;

use axum::extract::{DefaultBodyLimit, Path, State};
use axum::http::HeaderValue;
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use hallpass_core::{ApiError, Core};
use tower_http::services::{ServeDir, ServeFile};
use tower_http::set_header::SetResponseHeaderLayer;

mod events;
pub mod pin;
pub mod server;
mod sms;
pub mod tls;

#[derive(Clone)]
struct Hub {
    core: Core,
    /// Becomes true when the hub stops: open event streams end, so the graceful shutdown
    /// does not wait on them forever.
    stopping: tokio::sync::watch::Receiver<bool>,
}

/// Where the web UI for browsers comes from.
pub enum Ui {
    /// None: the API only.
    None,
    /// A built UI folder (`ui/dist`).
    Dir(PathBuf),
    /// Any other source, such as the files bundled in the app.
    Router(Router),
}

/// The whole hub: API, OpenAPI, health and (when `ui` is given) the web UI.
pub fn router(core: Core, ui: Option<PathBuf>) -> Router {
    let (stop, stopping) = tokio::sync::watch::channel(false);
    // Never stopped: the streams end with the process.
    std::mem::forget(stop);
    router_with(core, ui, stopping)
}

/// [`router`], with a signal that ends the open event streams when the hub stops.
pub fn router_with(
    core: Core,
    ui: Option<PathBuf>,
    stopping: tokio::sync::watch::Receiver<bool>,
) -> Router {
    router_for(core, ui.map_or(Ui::None, Ui::Dir), stopping)
}

/// [`router_with`], with the web UI from any source.
pub fn router_for(core: Core, ui: Ui, stopping: tokio::sync::watch::Receiver<bool>) -> Router {
    // The PBX's calls: the office Asterisk's connection, or the cloud PBX's webhook below.
    hallpass_core::telephony::live::start(&core);
    // Queued e-mail and SMS go out from here.
    hallpass_core::messaging::outbox::start(&core);
    let api = Router::new()
        .route("/api/health", get(health))
        .route("/api/openapi.json", get(openapi))
        .route("/api/events", get(events::events))
        .route(
            "/api/pbx/webhook",
            post(webhook).layer(DefaultBodyLimit::max(64 * 1024)),
        )
        .route(
            "/api/sms/inbound",
            post(sms::inbound)
                .get(sms::inbound)
                .layer(DefaultBodyLimit::max(64 * 1024)),
        )
        .route(
            "/api/sms/status",
            post(sms::status)
                .get(sms::status)
                .layer(DefaultBodyLimit::max(64 * 1024)),
        )
        .route("/api/media/{token}", get(media))
        .route("/api/{operation}", post(call).get(method_not_allowed))
        .route("/calendar/{token}", get(calendar))
        // Each operation has its own limit (`ops::max_body`), applied while reading.
        .layer(DefaultBodyLimit::disable())
        .with_state(Hub { core, stopping });
    let app = match ui {
        Ui::Dir(dir) => {
            let index = dir.join("index.html");
            api.fallback_service(ServeDir::new(dir).fallback(ServeFile::new(index)))
        }
        Ui::Router(router) => api.fallback_service(router),
        Ui::None => api,
    };
    app.layer(SetResponseHeaderLayer::if_not_present(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(CSP),
    ))
    .layer(SetResponseHeaderLayer::if_not_present(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    ))
    .layer(SetResponseHeaderLayer::if_not_present(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    ))
}

/// The UI loads only its own scripts and styles; images may be data: URLs (logos); no page
/// may frame it.
const CSP: &str = "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; \
    script-src 'self'; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'";

/// An instructor's classes as iCalendar, at the private address the feed was given.
async fn calendar(State(hub): State<Hub>, Path(token): Path<String>) -> Response {
    match hallpass_core::schedule::calendar::calendar_feed(&hub.core, &token).await {
        Ok(body) => (
            [
                (header::CONTENT_TYPE, "text/calendar; charset=utf-8"),
                (header::CACHE_CONTROL, "private, max-age=300"),
            ],
            body,
        )
            .into_response(),
        Err(e) => ErrorResponse(e).into_response(),
    }
}

struct ErrorResponse(ApiError);

impl IntoResponse for ErrorResponse {
    fn into_response(self) -> Response {
        let status =
            StatusCode::from_u16(self.0.http_status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        let retry = match &self.0 {
            ApiError::RateLimited {
                retry_after_secs, ..
            } => Some(*retry_after_secs),
            _ => None,
        };
        let mut response = (status, Json(self.0)).into_response();
        if let Some(secs) = retry {
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from(secs));
        }
        response
    }
}

fn bearer(headers: &HeaderMap) -> Option<&str> {
    let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.split_once(' ')?;
    scheme
        .eq_ignore_ascii_case("bearer")
        .then_some(token.trim())
}

async fn call(
    State(hub): State<Hub>,
    Path(operation): Path<String>,
    request: axum::extract::Request,
) -> Response {
    let (parts, body) = request.into_parts();
    let headers = &parts.headers;
    // JSON only: a cross-site form or a no-CORS fetch cannot send this content type without
    // a preflight, which the hub does not grant, so other sites cannot call the API.
    let json = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|ct| {
            ct.trim_start()
                .to_ascii_lowercase()
                .starts_with("application/json")
        });
    if !json {
        return ErrorResponse(ApiError::bad_request(
            "send JSON with Content-Type: application/json",
        ))
        .into_response();
    }
    let limit = hallpass_core::ops::max_body(&operation);
    // Operations that take large bodies (files) check the caller before reading them.
    if limit > hallpass_core::ops::MAX_BODY {
        let permission = hallpass_core::ops::OPERATIONS
            .iter()
            .find(|o| o.name == operation)
            .and_then(|o| o.permission);
        if let Some(p) = permission {
            if let Err(e) = hub.core.authorize(bearer(headers), p).await {
                return ErrorResponse(e).into_response();
            }
        }
    }
    let declared = headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<usize>().ok());
    if declared.is_some_and(|n| n > limit) {
        return ErrorResponse(hallpass_core::ops::too_large(&operation)).into_response();
    }
    let Ok(body) = axum::body::to_bytes(body, limit).await else {
        return ErrorResponse(hallpass_core::ops::too_large(&operation)).into_response();
    };
    if operation == "login" {
        return login(&hub, &parts, &body).await;
    }
    match hub.core.call_json(&operation, bearer(headers), &body).await {
        Ok(value) => Json(value).into_response(),
        Err(e) => ErrorResponse(e).into_response(),
    }
}

/// `login`, with the client's address (for the per-address throttle and the sessions list)
/// and its browser's name.
async fn login(hub: &Hub, parts: &axum::http::request::Parts, body: &[u8]) -> Response {
    let args = match hallpass_core::ops::parse_args::<hallpass_core::api::LoginArgs>(body) {
        Ok(a) => a,
        Err(e) => return ErrorResponse(e).into_response(),
    };
    let address = parts
        .extensions
        .get::<axum::extract::ConnectInfo<std::net::SocketAddr>>()
        .map(|c| c.0.ip().to_string());
    let device = args.device.clone().or_else(|| {
        parts
            .headers
            .get(header::USER_AGENT)
            .and_then(|v| v.to_str().ok())
            .map(browser_name)
    });
    let meta = hallpass_core::auth::ClientMeta { address, device };
    match hub.core.login_from(args, meta).await {
        Ok(r) => Json(r).into_response(),
        Err(e) => ErrorResponse(e).into_response(),
    }
}

/// A short name for a browser from its User-Agent ("Chrome on Android").
fn browser_name(ua: &str) -> String {
    let browser = [
        ("Edg/", "Edge"),
        ("OPR/", "Opera"),
        ("Firefox/", "Firefox"),
        ("Chrome/", "Chrome"),
        ("Safari/", "Safari"),
    ]
    .into_iter()
    .find(|(k, _)| ua.contains(k))
    .map_or("Browser", |(_, n)| n);
    let os = [
        ("Android", "Android"),
        ("iPhone", "iOS"),
        ("iPad", "iPadOS"),
        ("Windows", "Windows"),
        ("Mac OS X", "macOS"),
        ("Linux", "Linux"),
    ]
    .into_iter()
    .find(|(k, _)| ua.contains(k))
    .map(|(_, n)| n);
    match os {
        Some(os) => format!("{browser} on {os}"),
        None => browser.to_string(),
    }
}

/// `POST /api/pbx/webhook`: a cloud PBX's signed call event (see
/// `hallpass_core::telephony::webhook`). 204 when taken; 401 for a bad signature or an old
/// timestamp, 409 for an event id taken before, 400 for an event not understood, 404 when no
/// cloud PBX is set up.
async fn webhook(State(hub): State<Hub>, headers: HeaderMap, body: axum::body::Bytes) -> Response {
    use hallpass_core::telephony::webhook::WebhookError;
    let header = |name: &str| headers.get(name).and_then(|v| v.to_str().ok());
    let result = hallpass_core::telephony::live::webhook_receive(
        &hub.core,
        header("x-hallpass-timestamp"),
        header("x-hallpass-signature"),
        &body,
    )
    .await;
    let (status, message) = match result {
        Ok(()) => return StatusCode::NO_CONTENT.into_response(),
        Err(WebhookError::BadSignature) => (StatusCode::UNAUTHORIZED, "bad signature".to_string()),
        Err(WebhookError::Stale) => (
            StatusCode::UNAUTHORIZED,
            "the timestamp is too far from now".to_string(),
        ),
        Err(WebhookError::Replayed) => (
            StatusCode::CONFLICT,
            "this event was taken already".to_string(),
        ),
        Err(WebhookError::Off) => (StatusCode::NOT_FOUND, "no cloud PBX is set up".to_string()),
        Err(WebhookError::Invalid(m)) => (StatusCode::BAD_REQUEST, m),
    };
    (status, Json(serde_json::json!({ "error": message }))).into_response()
}

/// `GET /api/media/<token>.wav`: the recording a voice broadcast plays, fetched by the PBX
/// (the token is the broadcast's, long and random).
async fn media(
    State(hub): State<Hub>,
    axum::extract::Path(token): axum::extract::Path<String>,
) -> Response {
    match hallpass_core::telephony::broadcast::media(&hub.core, &token).await {
        Ok(Some(bytes)) => ([(header::CONTENT_TYPE, "audio/wav")], bytes).into_response(),
        Ok(None) => StatusCode::NOT_FOUND.into_response(),
        Err(e) => ErrorResponse(e).into_response(),
    }
}

async fn method_not_allowed() -> Response {
    let mut r =
        ErrorResponse(ApiError::bad_request("operations are called with POST")).into_response();
    *r.status_mut() = StatusCode::METHOD_NOT_ALLOWED;
    r.headers_mut()
        .insert(header::ALLOW, header::HeaderValue::from_static("POST"));
    r
}

async fn health(State(hub): State<Hub>) -> Response {
    let status = match hub.core.db.read().await {
        Ok(tx) => {
            let _ = tx.commit().await;
            "ok"
        }
        Err(_) => "database_unavailable",
    };
    let code = if status == "ok" {
        StatusCode::OK
    } else {
        StatusCode::SERVICE_UNAVAILABLE
    };
    let check = hub.core.backups.startup_problem();
    (code, Json(serde_json::json!({ "status": status, "engine": hub.core.db.engine(), "version": env!("CARGO_PKG_VERSION"), "database_check": check.unwrap_or_else(|| "ok".into()) }))).into_response()
}

async fn openapi() -> Json<serde_json::Value> {
    Json(hallpass_core::ops::openapi(env!("CARGO_PKG_VERSION")))
}
