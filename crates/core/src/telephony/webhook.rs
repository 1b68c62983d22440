//! A cloud PBX's calls, posted to the hub: `POST /api/pbx/webhook` with a JSON event, the time
//! it was signed (`X-Hallpass-Timestamp`, Unix seconds) and its signature
//! (`X-Hallpass-Signature: sha256=<hex>`, HMAC-SHA256 with the shared secret over
//! `<timestamp>.<body>`). An event signed more than five minutes away from now, or whose `id`
//! was already taken, is refused: a captured request cannot be played again. Accepted events
//! feed the same call model as the office PBX.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use hmac::{Hmac, Mac};
use serde::Deserialize;
use sha2::Sha256;

use super::calls::{CallChange, Direction, Side, TrackedCall};

/// How far a signature's time may be from the hub's clock.
pub const SKEW_SECONDS: i64 = 300;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum WebhookError {
    /// No signature, or one that does not match the body.
    BadSignature,
    /// Signed too long ago (or in the future): a replay or a wrong clock.
    Stale,
    /// This event id was accepted before.
    Replayed,
    /// Not an event we understand; the text says why.
    Invalid(String),
    /// No cloud PBX is set up.
    Off,
}

/// One event of a cloud PBX.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WebhookEvent {
    /// Unique per event (a retry of the same event keeps it).
    pub id: String,
    /// `started`, `ringing`, `answered` or `ended`.
    #[serde(rename = "type")]
    pub kind: String,
    pub call_id: String,
    /// `incoming` (default) or `outgoing`.
    #[serde(default)]
    pub direction: Option<String>,
    /// The outside party's number.
    #[serde(default)]
    pub number: Option<String>,
    #[serde(default)]
    pub name: Option<String>,
    /// The centre's number called.
    #[serde(default)]
    pub did: Option<String>,
    /// The extension ringing, answering, or calling out.
    #[serde(default)]
    pub extension: Option<String>,
    /// `centre` or `outside`, on `ended`.
    #[serde(default)]
    pub hung_up_by: Option<String>,
}

/// The MAC of a body signed at `timestamp`.
fn mac(secret: &[u8], timestamp: i64, body: &[u8]) -> Hmac<Sha256> {
    let mut mac = Hmac::<Sha256>::new_from_slice(secret).expect("HMAC takes a key of any length");
    mac.update(timestamp.to_string().as_bytes());
    mac.update(b".");
    mac.update(body);
    mac
}

/// The signature a body should carry, as sent in the header.
pub fn sign(secret: &[u8], timestamp: i64, body: &[u8]) -> String {
    let bytes = mac(secret, timestamp, body).finalize().into_bytes();
    format!(
        "sha256={}",
        bytes.iter().map(|b| format!("{b:02x}")).collect::<String>()
    )
}

fn unhex(s: &str) -> Option<Vec<u8>> {
    if !s.len().is_multiple_of(2) {
        return None;
    }
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(s.get(i..i + 2)?, 16).ok())
        .collect()
}

/// Checks the signature (in constant time) and the time it was signed.
pub fn verify(
    secret: &[u8],
    timestamp: Option<&str>,
    signature: Option<&str>,
    body: &[u8],
    now: DateTime<Utc>,
) -> Result<(), WebhookError> {
    let ts: i64 = timestamp
        .and_then(|t| t.trim().parse().ok())
        .ok_or(WebhookError::BadSignature)?;
    let given = signature
        .and_then(|s| s.trim().strip_prefix("sha256="))
        .and_then(unhex)
        .ok_or(WebhookError::BadSignature)?;
    mac(secret, ts, body)
        .verify_slice(&given)
        .map_err(|_| WebhookError::BadSignature)?;
    if (now.timestamp() - ts).abs() > SKEW_SECONDS {
        return Err(WebhookError::Stale);
    }
    Ok(())
}

/// Event ids accepted within the last window, so none is taken twice.
#[derive(Debug, Default)]
pub struct ReplayGuard {
    seen: HashMap<String, i64>,
}

impl ReplayGuard {
    /// Whether `id` was taken within the window.
    pub fn seen(&mut self, id: &str, now: DateTime<Utc>) -> bool {
        let now = now.timestamp();
        self.seen.retain(|_, at| now - *at <= 2 * SKEW_SECONDS);
        self.seen.contains_key(id)
    }

    /// Takes `id` once; forgets ids older than twice the allowed skew.
    pub fn take(&mut self, id: &str, now: DateTime<Utc>) -> Result<(), WebhookError> {
        let now = now.timestamp();
        self.seen.retain(|_, at| now - *at <= 2 * SKEW_SECONDS);
        if self.seen.contains_key(id) {
            return Err(WebhookError::Replayed);
        }
        self.seen.insert(id.to_string(), now);
        Ok(())
    }
}

/// Cloud calls in progress, by the PBX's call id.
#[derive(Debug, Default)]
pub struct WebhookCalls {
    calls: HashMap<String, TrackedCall>,
}

impl WebhookCalls {
    /// Forgets calls started before `cutoff` that never ended.
    pub fn prune(&mut self, cutoff: DateTime<Utc>) {
        self.calls.retain(|_, c| c.started_at >= cutoff);
    }

    /// Parses, checks and applies one verified body.
    pub fn feed(
        &mut self,
        body: &[u8],
        at: DateTime<Utc>,
    ) -> Result<Vec<CallChange>, WebhookError> {
        let e: WebhookEvent =
            serde_json::from_slice(body).map_err(|x| WebhookError::Invalid(x.to_string()))?;
        let id = e.call_id.clone();
        let mut out = Vec::new();
        match e.kind.as_str() {
            "started" => {
                let outgoing = e.direction.as_deref() == Some("outgoing");
                if self.calls.contains_key(&id) {
                    return Ok(out);
                }
                let direction = if outgoing {
                    Direction::Outgoing
                } else {
                    Direction::Incoming
                };
                let call = TrackedCall {
                    number: e.number,
                    name: e.name,
                    did: e.did,
                    agent: if outgoing { e.extension } else { None },
                    ..TrackedCall::new(id.clone(), direction, at)
                };
                out.push(CallChange::Started(call.clone()));
                self.calls.insert(id, call);
            }
            "ringing" | "answered" | "ended" => {
                let Some(c) = self.calls.get_mut(&id) else {
                    return Err(WebhookError::Invalid(format!("no call {id} was started")));
                };
                match (e.kind.as_str(), e.extension) {
                    ("ringing", Some(x)) if c.rang.insert(x.clone()) => {
                        out.push(CallChange::Ringing {
                            linkedid: id,
                            extension: x,
                        })
                    }
                    ("answered", x) if c.answered_at.is_none() => {
                        c.answered_at = Some(at);
                        if let Some(x) = x.or(c.agent.clone()) {
                            c.agent = Some(x.clone());
                            out.push(CallChange::Answered {
                                linkedid: id,
                                extension: x,
                            });
                        }
                    }
                    ("ended", _) => {
                        c.hung_up_by = match e.hung_up_by.as_deref() {
                            Some("centre") => Some(Side::Centre),
                            Some("outside") => Some(Side::Outside),
                            _ => None,
                        };
                        c.ended_at = Some(at);
                        if let Some(done) = self.calls.remove(&id) {
                            out.push(CallChange::Ended(done));
                        }
                    }
                    _ => {}
                }
            }
            other => {
                return Err(WebhookError::Invalid(format!(
                    "unknown event type {other:?}"
                )))
            }
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: i64) -> DateTime<Utc> {
        DateTime::from_timestamp(1_795_348_480 + s, 0).unwrap()
    }

    #[test]
    fn a_signed_fresh_event_passes_and_nothing_else_does() {
        let body = br#"{"id":"e1","type":"started","call_id":"c1","number":"+77011234567"}"#;
        let ts = at(0).timestamp();
        let sig = sign(b"shared", ts, body);
        let t = ts.to_string();
        assert_eq!(
            verify(b"shared", Some(&t), Some(&sig), body, at(10)),
            Ok(())
        );
        // Another secret, another body, a mangled or missing signature.
        assert_eq!(
            verify(b"other", Some(&t), Some(&sig), body, at(10)),
            Err(WebhookError::BadSignature)
        );
        assert_eq!(
            verify(b"shared", Some(&t), Some(&sig), b"{}", at(10)),
            Err(WebhookError::BadSignature)
        );
        assert_eq!(
            verify(b"shared", Some(&t), Some("sha256=zz"), body, at(10)),
            Err(WebhookError::BadSignature)
        );
        assert_eq!(
            verify(b"shared", Some(&t), None, body, at(10)),
            Err(WebhookError::BadSignature)
        );
        // The timestamp is signed too: moving it breaks the signature.
        let later = (ts + 1000).to_string();
        assert_eq!(
            verify(b"shared", Some(&later), Some(&sig), body, at(1000)),
            Err(WebhookError::BadSignature)
        );
        // An old capture, correctly signed, is stale.
        assert_eq!(
            verify(b"shared", Some(&t), Some(&sig), body, at(SKEW_SECONDS + 1)),
            Err(WebhookError::Stale)
        );
    }

    #[test]
    fn an_event_id_is_taken_once() {
        let mut g = ReplayGuard::default();
        assert_eq!(g.take("e1", at(0)), Ok(()));
        assert_eq!(g.take("e1", at(5)), Err(WebhookError::Replayed));
        assert_eq!(g.take("e2", at(5)), Ok(()));
        // Long after, the memory is gone (and the signature's time would be refused anyway).
        assert_eq!(g.take("e1", at(3 * SKEW_SECONDS)), Ok(()));
        assert_eq!(g.seen.len(), 1);
    }

    #[test]
    fn cloud_events_make_the_same_calls() {
        let mut calls = WebhookCalls::default();
        let mut changes = Vec::new();
        for (s, body) in [
            (
                0,
                r#"{"id":"1","type":"started","call_id":"c1","number":"+77011234567","did":"5550100"}"#,
            ),
            (
                0,
                r#"{"id":"2","type":"ringing","call_id":"c1","extension":"101"}"#,
            ),
            (
                0,
                r#"{"id":"3","type":"ringing","call_id":"c1","extension":"102"}"#,
            ),
            (
                2,
                r#"{"id":"4","type":"answered","call_id":"c1","extension":"101"}"#,
            ),
            (
                5,
                r#"{"id":"5","type":"ended","call_id":"c1","hung_up_by":"outside"}"#,
            ),
        ] {
            changes.extend(calls.feed(body.as_bytes(), at(s)).unwrap());
        }
        assert_eq!(changes.len(), 5);
        let CallChange::Ended(c) = &changes[4] else {
            panic!()
        };
        assert_eq!(
            (c.agent.as_deref(), c.ring_seconds(), c.talk_seconds()),
            (Some("101"), Some(2), Some(3))
        );
        assert_eq!(c.hung_up_by, Some(Side::Outside));
        assert!(!c.missed());
        // Nonsense is refused with its reason, not applied.
        assert!(matches!(
            calls.feed(b"{", at(6)),
            Err(WebhookError::Invalid(_))
        ));
        assert!(matches!(
            calls.feed(
                br#"{"id":"6","type":"ringing","call_id":"nope","extension":"1"}"#,
                at(6)
            ),
            Err(WebhookError::Invalid(_))
        ));
        assert!(matches!(
            calls.feed(br#"{"id":"7","type":"transfer","call_id":"c1"}"#, at(6)),
            Err(WebhookError::Invalid(_))
        ));
    }
}
