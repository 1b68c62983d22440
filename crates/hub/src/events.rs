//! `GET /api/events`: the live change feed as Server-Sent Events.
//!
//! Each change is `event: change`, `id: <sequence number>`, `data: <ChangeEvent JSON>`. A
//! browser's `EventSource` reconnects by itself and sends the last id as `Last-Event-ID`; the
//! hub then replays what the reader missed from the change log. The stream opens with `ready`
//! carrying the current id, so a reader that reconnects before any change still resumes from
//! the right place. `reset` says too much was missed to replay (reload what you show);
//! `signed_out` ends the stream when the session does.
//!
//! The token comes as `Authorization: Bearer …` or, since `EventSource` cannot set headers,
//! as `?token=…`.

use std::convert::Infallible;
use std::time::Duration;

use axum::extract::{Query, State};
use axum::http::{header, HeaderMap};
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use futures_util::stream::{self, Stream, StreamExt};
use hallpass_core::changes::{ChangeStream, StreamItem};
use serde::Deserialize;

use crate::{bearer, ErrorResponse, Hub};

#[derive(Deserialize, Default)]
pub(crate) struct EventsQuery {
    token: Option<String>,
    last_event_id: Option<i64>,
}

pub(crate) async fn events(
    State(hub): State<Hub>,
    Query(q): Query<EventsQuery>,
    headers: HeaderMap,
) -> Response {
    let token = bearer(&headers)
        .map(str::to_string)
        .or(q.token)
        .filter(|t| !t.is_empty());
    let last = headers
        .get("last-event-id")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<i64>().ok())
        .or(q.last_event_id);
    let stream = match hub.core.changes_subscribe(token.as_deref(), last).await {
        Ok(s) => s,
        Err(e) => return ErrorResponse(e).into_response(),
    };
    let mut stopping = hub.stopping.clone();
    let stopped = async move {
        // Ends when the hub stops (or its signal is gone).
        let _ = stopping.wait_for(|s| *s).await;
    };
    let mut response = Sse::new(sse(stream).take_until(stopped))
        .keep_alive(KeepAlive::new().interval(Duration::from_secs(20)))
        .into_response();
    // No proxy may hold the stream back to buffer it.
    response.headers_mut().insert(
        header::CACHE_CONTROL,
        header::HeaderValue::from_static("no-store"),
    );
    response
        .headers_mut()
        .insert("x-accel-buffering", header::HeaderValue::from_static("no"));
    response
}

enum Phase {
    Ready(ChangeStream),
    Live(ChangeStream),
    Done,
}

fn sse(stream: ChangeStream) -> impl Stream<Item = Result<Event, Infallible>> {
    stream::unfold(Phase::Ready(stream), |phase| async move {
        match phase {
            Phase::Ready(s) => {
                let ready = Event::default()
                    .event("ready")
                    .id(s.cursor().to_string())
                    .retry(Duration::from_secs(1))
                    .data(s.cursor().to_string());
                Some((Ok(ready), Phase::Live(s)))
            }
            Phase::Live(mut s) => {
                let event = match s.next().await {
                    StreamItem::Event(e) => Event::default()
                        .event("change")
                        .id(e.seq.to_string())
                        .json_data(&e)
                        .unwrap_or_else(|_| Event::default().comment("unencodable")),
                    StreamItem::Heartbeat => Event::default().comment("ping"),
                    // No id: a call is live only, a reconnect resumes the changes after it.
                    StreamItem::Call(call) => Event::default()
                        .event("call")
                        .json_data(&call)
                        .unwrap_or_else(|_| Event::default().comment("unencodable")),
                    StreamItem::Reset(seq) => Event::default()
                        .event("reset")
                        .id(seq.to_string())
                        .data(seq.to_string()),
                    StreamItem::SignedOut(e) => {
                        let data = serde_json::to_string(&e).unwrap_or_default();
                        let end = Event::default().event("signed_out").data(data);
                        return Some((Ok(end), Phase::Done));
                    }
                };
                Some((Ok(event), Phase::Live(s)))
            }
            Phase::Done => None,
        }
    })
}
