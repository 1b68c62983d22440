//! The hub's event stream (`GET /api/events`, Server-Sent Events) passed on to the webview as
//! the same `hallpass:live` events local mode sends. After a drop it reconnects by itself,
//! less and less often, resuming from the last id it saw, and says `lost` meanwhile.

use std::sync::Arc;
use std::time::Duration;

use eventsource_stream::Eventsource;
use futures_util::StreamExt;
use hallpass_core::api::{ApiError, ChangeEvent, LiveEvent};

use super::Remote;

/// Why one connection of the stream ended.
enum End {
    /// The session is over: stop for good.
    SignedOut(ApiError),
    /// The hub went away or the connection broke: try again.
    Dropped(String),
}

/// Follows the hub's stream from `last` (or from now), handing each event to `emit` until
/// the session ends or `emit` says the window is gone.
pub async fn follow(
    remote: Arc<Remote>,
    mut last: Option<i64>,
    emit: impl Fn(LiveEvent) -> bool + Send + Sync,
) {
    let mut backoff = Duration::from_millis(500);
    loop {
        match connect(&remote, &mut last, &mut backoff, &emit).await {
            Ok(()) => return,
            Err(End::SignedOut(error)) => {
                emit(LiveEvent::SignedOut { error });
                return;
            }
            Err(End::Dropped(message)) => {
                if !emit(LiveEvent::Lost { message }) {
                    return;
                }
            }
        }
        tokio::time::sleep(backoff).await;
        backoff = (backoff * 2).min(Duration::from_secs(30));
    }
}

/// One connection: `Ok` when the window is gone, else why it ended.
async fn connect(
    remote: &Remote,
    last: &mut Option<i64>,
    backoff: &mut Duration,
    emit: &(impl Fn(LiveEvent) -> bool + Send + Sync),
) -> Result<(), End> {
    let token = remote.token().await.ok_or_else(|| {
        End::SignedOut(ApiError::Unauthenticated {
            message: "signed out".into(),
        })
    })?;
    let mut request = remote.events_request().bearer_auth(token);
    if let Some(seq) = last {
        request = request.header("last-event-id", seq.to_string());
    }
    let response = request
        .send()
        .await
        .map_err(|e| End::Dropped(remote.transport_error(&e).to_string()))?;
    if !response.status().is_success() {
        let status = response.status();
        let error = response.json::<ApiError>().await.ok();
        return Err(match error {
            Some(e @ ApiError::Unauthenticated { .. }) => {
                remote.forget().await;
                End::SignedOut(e)
            }
            Some(e) => End::Dropped(e.to_string()),
            None => End::Dropped(format!("the hub answered {status}")),
        });
    }
    let mut stream = response.bytes_stream().eventsource();
    while let Some(item) = stream.next().await {
        let event = item.map_err(|e| End::Dropped(e.to_string()))?;
        let live = match event.event.as_str() {
            "ready" | "reset" => {
                let seq = event.data.trim().parse::<i64>().unwrap_or_default();
                *last = Some(seq);
                if event.event == "ready" {
                    // Connected again: the next drop starts the waits over.
                    *backoff = Duration::from_millis(500);
                    LiveEvent::Ready { seq }
                } else {
                    LiveEvent::Reset { seq }
                }
            }
            "change" => match serde_json::from_str::<ChangeEvent>(&event.data) {
                Ok(e) => {
                    *last = Some(e.seq);
                    LiveEvent::Change { event: e }
                }
                Err(e) => {
                    tracing::warn!(error = %e, "an event from the hub was not understood");
                    continue;
                }
            },
            "call" => match serde_json::from_str(&event.data) {
                Ok(e) => LiveEvent::Call { event: e },
                Err(e) => {
                    tracing::warn!(error = %e, "a call event from the hub was not understood");
                    continue;
                }
            },
            "signed_out" => {
                remote.forget().await;
                let error =
                    serde_json::from_str(&event.data).unwrap_or(ApiError::Unauthenticated {
                        message: "signed out".into(),
                    });
                return Err(End::SignedOut(error));
            }
            _ => continue,
        };
        if !emit(live) {
            return Ok(());
        }
    }
    Err(End::Dropped("the hub closed the stream".into()))
}
