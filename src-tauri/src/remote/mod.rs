//! "Connect to a hub": the webview keeps calling the same commands and this side forwards
//! each to the hub (`POST /api/<operation>`), so the webview's own network rules (Android's
//! cleartext policy, CORS, mixed content) never apply. The hub's HTTPS certificate is pinned;
//! the session token lives in the system keyring and never reaches the webview, which holds
//! the placeholder [`DEVICE_TOKEN`] instead.

pub mod events;
pub mod keys;

use std::sync::Arc;
use std::time::Duration;

use hallpass_core::api::ApiError;
use hallpass_hub::pin::{normalize, Pin, CERTIFICATE_CHANGED};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use specta::Type;
use tokio::sync::Mutex;

use keys::TokenStore;

/// What the webview holds as its token in hub mode: "the session kept in the keyring".
pub const DEVICE_TOKEN: &str = "device";

/// The fragment a hub's link carries its certificate's fingerprint in (the QR code's link).
pub const PIN_KEY: &str = "hallpass-pin";

/// A connection to one hub.
pub struct Remote {
    /// `https://host:port/`.
    pub url: String,
    pub fingerprint: Option<String>,
    pin: Arc<Pin>,
    http: reqwest::Client,
    stream: reqwest::Client,
    /// The token, read from the keyring on first use.
    token: Mutex<Option<Option<String>>>,
    keys: TokenStore,
}

/// What the device learned about a hub before trusting it.
#[derive(Debug, Clone, Serialize, Deserialize, Type)]
pub struct HubProbe {
    /// The address, normalised (`https://192.168.1.10:8443/`).
    pub url: String,
    pub https: bool,
    /// The fingerprint of the certificate the hub presented (to compare with the hub's screen).
    pub fingerprint: Option<String>,
    /// True when the link carried a fingerprint and the hub presented exactly that one.
    pub pinned_by_link: bool,
    pub version: String,
    /// The hub runs this app's version (otherwise the older one should be updated).
    pub same_version: bool,
    pub centre_name: Option<String>,
    pub needs_setup: bool,
}

/// A typed address or a hub's link: the base URL and the fingerprint the link carries.
pub fn parse_address(text: &str) -> Result<(String, Option<String>), ApiError> {
    let text = text.trim();
    if text.is_empty() {
        return Err(ApiError::field(
            "url",
            "required",
            "enter the hub's address",
        ));
    }
    let with_scheme = if text.contains("://") {
        text.to_string()
    } else {
        format!("https://{text}")
    };
    let bad = || {
        ApiError::field(
            "url",
            "invalid",
            "not an address: write it as the hub shows it, e.g. https://192.168.1.10:8443",
        )
    };
    let mut url = reqwest::Url::parse(&with_scheme).map_err(|_| bad())?;
    if !matches!(url.scheme(), "http" | "https") || url.host_str().is_none_or(str::is_empty) {
        return Err(bad());
    }
    let pin = url.fragment().and_then(|f| {
        f.split('&')
            .find_map(|kv| kv.strip_prefix(PIN_KEY).and_then(|v| v.strip_prefix('=')))
            .map(|v| normalize(&percent_decode(v)))
    });
    url.set_fragment(None);
    url.set_query(None);
    url.set_path("/");
    Ok((url.to_string(), pin))
}

fn percent_decode(s: &str) -> String {
    s.replace("%3A", ":").replace("%3a", ":")
}

/// The name the hub lists this device's session under.
fn device_name() -> String {
    let host = std::env::var("HOSTNAME")
        .ok()
        .or_else(|| std::fs::read_to_string("/etc/hostname").ok())
        .map(|h| h.trim().to_string())
        .filter(|h| !h.is_empty());
    let os = std::env::consts::OS;
    match host {
        Some(h) => format!("Hallpass app on {os} ({h})"),
        None => format!("Hallpass app on {os}"),
    }
}

fn client(pin: &Arc<Pin>, streaming: bool) -> Result<reqwest::Client, ApiError> {
    let builder = reqwest::Client::builder()
        .use_preconfigured_tls(pin.client_config())
        .connect_timeout(Duration::from_secs(5))
        .user_agent(concat!("Hallpass/", env!("CARGO_PKG_VERSION")));
    // A stream stays open; it is only dropped when even the heartbeats stop.
    let builder = if streaming {
        builder.read_timeout(Duration::from_secs(45))
    } else {
        builder.timeout(Duration::from_secs(300))
    };
    builder.build().map_err(|e| ApiError::Internal {
        message: format!("cannot make the hub connection: {e}"),
    })
}

fn unavailable(reason: &str, message: String) -> ApiError {
    ApiError::Unavailable {
        reason: reason.into(),
        message,
    }
}

impl Remote {
    /// A connection that trusts only the certificate with `fingerprint` (required for HTTPS).
    pub fn new(url: &str, fingerprint: Option<String>) -> Result<Remote, ApiError> {
        if url.trim().starts_with("https:") && fingerprint.is_none() {
            return Err(ApiError::field(
                "fingerprint",
                "required",
                "confirm the hub's certificate fingerprint first",
            ));
        }
        Remote::build(url, fingerprint)
    }

    fn build(url: &str, fingerprint: Option<String>) -> Result<Remote, ApiError> {
        let (url, _) = parse_address(url)?;
        let fingerprint = fingerprint.map(|f| normalize(&f));
        let pin = Pin::new(fingerprint.clone());
        Ok(Remote {
            keys: TokenStore::for_hub(&url),
            http: client(&pin, false)?,
            stream: client(&pin, true)?,
            url,
            fingerprint,
            pin,
            token: Mutex::new(None),
        })
    }

    /// Asks a hub who it is, accepting any certificate (nothing secret is sent) and noting
    /// its fingerprint; a link's fingerprint must match it.
    pub async fn probe(text: &str) -> Result<HubProbe, ApiError> {
        let (url, link_pin) = parse_address(text)?;
        let https = url.starts_with("https:");
        // Trusts any certificate, only to show it: nothing secret goes over it.
        let probe = Remote::build(&url, None)?;
        let health: Value = probe.get("api/health").await?;
        let version = health
            .get("version")
            .and_then(Value::as_str)
            .ok_or_else(|| probe.not_a_hub())?
            .to_string();
        let seen = probe.pin.seen();
        if let (Some(want), Some(got)) = (&link_pin, &seen) {
            if want != got {
                return Err(unavailable(
                    "certificate_changed",
                    format!("the hub at {url} presents the certificate {got}, not the one in its code ({want}); it may not be your hub"),
                ));
            }
        }
        let status: Value = probe
            .call("setup_status", None, &serde_json::json!({}))
            .await?;
        Ok(HubProbe {
            https,
            pinned_by_link: link_pin.is_some() && https,
            fingerprint: seen,
            same_version: version == env!("CARGO_PKG_VERSION"),
            version,
            centre_name: status
                .get("centre_name")
                .and_then(Value::as_str)
                .map(str::to_string),
            needs_setup: status
                .get("needs_setup")
                .and_then(Value::as_bool)
                .unwrap_or(false),
            url,
        })
    }

    async fn get(&self, path: &str) -> Result<Value, ApiError> {
        // A hub that does not answer is reported in seconds, not after the long timeout an
        // import's upload needs.
        let res = self
            .http
            .get(format!("{}{path}", self.url))
            .timeout(Duration::from_secs(10))
            .send()
            .await
            .map_err(|e| self.transport_error(&e))?;
        res.json().await.map_err(|_| self.not_a_hub())
    }

    /// Whether the hub answers, with the pinned certificate.
    pub async fn health(&self) -> Result<(), ApiError> {
        let health = self.get("api/health").await?;
        match health.get("version") {
            Some(_) => Ok(()),
            None => Err(self.not_a_hub()),
        }
    }

    /// Ends the hub session this device holds (leaving the hub, or changing modes).
    pub async fn sign_out(&self) {
        if self.token().await.is_some() {
            let _ = self
                .call::<_, ()>("logout", Some(DEVICE_TOKEN), &serde_json::json!({}))
                .await;
        }
        self.forget().await;
    }

    fn not_a_hub(&self) -> ApiError {
        unavailable(
            "not_a_hub",
            format!("{} answered, but not as a Hallpass hub", self.url),
        )
    }

    /// Why a request never got an answer: the certificate changed, or the hub is not there.
    pub fn transport_error(&self, e: &reqwest::Error) -> ApiError {
        let mut detail = e.to_string();
        let mut source = std::error::Error::source(e);
        while let Some(s) = source {
            detail = format!("{detail}: {s}");
            source = s.source();
        }
        // The pin refused this handshake (its message is in the chain; what it saw is kept).
        if let (true, Some(want), Some(got)) = (
            detail.contains(CERTIFICATE_CHANGED),
            &self.fingerprint,
            self.pin.seen(),
        ) {
            return unavailable(
                "certificate_changed",
                format!("the hub at {} presented a different certificate ({got}) from the one this device trusts ({want}); nothing was sent. If the hub's certificate was replaced, connect to it again", self.url),
            );
        }
        let reason = if e.is_timeout() {
            "timeout"
        } else {
            "unreachable"
        };
        unavailable(
            reason,
            format!("the hub at {} cannot be reached ({detail})", self.url),
        )
    }

    /// The session token, from the keyring the first time.
    pub async fn token(&self) -> Option<String> {
        let mut cached = self.token.lock().await;
        if cached.is_none() {
            let stored = self.keys.get().await.unwrap_or_else(|e| {
                tracing::warn!("{e}");
                None
            });
            *cached = Some(stored);
        }
        cached.clone().flatten()
    }

    /// Forgets the session (signed out, or the hub no longer knows it).
    pub async fn forget(&self) {
        *self.token.lock().await = Some(None);
        if let Err(e) = self.keys.delete().await {
            tracing::warn!("{e}");
        }
    }

    async fn keep(&self, token: String) {
        if let Err(e) = self.keys.set(&token).await {
            // Still signed in for as long as the app runs; the next start asks again.
            tracing::warn!("{e}; the session is kept in memory only");
        }
        *self.token.lock().await = Some(Some(token));
    }

    /// Forwards one operation. `session` is the webview's token: present means "as the
    /// signed-in user", and the keyring's token goes with the request.
    pub async fn call<A: Serialize, R: DeserializeOwned>(
        &self,
        op: &str,
        session: Option<&str>,
        args: &A,
    ) -> Result<R, ApiError> {
        let mut body = serde_json::to_value(args).map_err(|e| ApiError::Internal {
            message: e.to_string(),
        })?;
        if op == "login" && body.get("device").is_none_or(Value::is_null) {
            body["device"] = Value::String(device_name());
        }
        let bearer = match session {
            Some(_) => Some(
                self.token()
                    .await
                    .ok_or_else(|| ApiError::Unauthenticated {
                        message: "sign in to the hub".into(),
                    })?,
            ),
            None => None,
        };
        let mut request = self.http.post(format!("{}api/{op}", self.url)).json(&body);
        if let Some(t) = &bearer {
            request = request.bearer_auth(t);
        }
        let response = request.send().await.map_err(|e| self.transport_error(&e))?;
        let status = response.status();
        let bytes = response
            .bytes()
            .await
            .map_err(|e| self.transport_error(&e))?;
        if !status.is_success() {
            let error: ApiError = serde_json::from_slice(&bytes).map_err(|_| self.not_a_hub())?;
            if bearer.is_some() && matches!(error, ApiError::Unauthenticated { .. }) {
                self.forget().await;
            }
            return Err(error);
        }
        let mut value: Value = serde_json::from_slice(&bytes).map_err(|_| self.not_a_hub())?;
        match op {
            "login" | "centre_setup" => {
                if let Some(Value::String(token)) = value.get_mut("token") {
                    let token = std::mem::replace(token, DEVICE_TOKEN.to_string());
                    self.keep(token).await;
                }
            }
            "logout" => self.forget().await,
            _ => {}
        }
        serde_json::from_value(value).map_err(|e| ApiError::Internal {
            message: format!("the hub's answer to {op} was not understood ({e}); is it the same version as this app?"),
        })
    }

    /// The streaming client (no overall timeout) and the events URL.
    pub(crate) fn events_request(&self) -> reqwest::RequestBuilder {
        self.stream
            .get(format!("{}api/events", self.url))
            .header("accept", "text/event-stream")
    }
}
