//! Live change events in the app: the webview asks once (`events_listen`) and then hears every
//! change its session may see as the Tauri event `hallpass:live` ([`LiveEvent`]), the same
//! feed the hub serves as Server-Sent Events. In hub mode the same events come from the
//! hub's stream.

use std::collections::HashMap;
use std::sync::Mutex;

use hallpass_core::api::{ApiError, LiveEvent};

use crate::mode::{Backend, Shell};
use tauri::{Emitter, State, WebviewWindow};

/// The event name the webview listens to.
pub const EVENT: &str = "hallpass:live";

/// One listening task per window: a new `events_listen` (another user signed in, a reload)
/// replaces the window's old one.
#[derive(Default)]
pub struct Listeners(Mutex<HashMap<String, tauri::async_runtime::JoinHandle<()>>>);

/// Start sending this window the change events its session may see, after `last_event_id`
/// (what it saw last) or from now — from the embedded core, or from the hub's stream.
#[tauri::command]
#[specta::specta]
pub async fn events_listen(
    window: WebviewWindow,
    shell: State<'_, Shell>,
    listeners: State<'_, Listeners>,
    token: Option<String>,
    last_event_id: Option<i64>,
) -> Result<(), ApiError> {
    let label = window.label().to_string();
    let target = label.clone();
    let emit = move |event: LiveEvent| window.emit_to(target.as_str(), EVENT, event).is_ok();
    let task = match shell.backend()? {
        Backend::Core(core) => {
            let mut stream = core
                .changes_subscribe(token.as_deref(), last_event_id)
                .await?;
            tauri::async_runtime::spawn(async move {
                if !emit(LiveEvent::Ready {
                    seq: stream.cursor(),
                }) {
                    return;
                }
                loop {
                    let Some(event) = LiveEvent::from_item(stream.next().await) else {
                        continue;
                    };
                    let last = matches!(event, LiveEvent::SignedOut { .. });
                    if !emit(event) || last {
                        return;
                    }
                }
            })
        }
        Backend::Remote(remote) => {
            if token.is_none() {
                return Err(ApiError::Unauthenticated {
                    message: "sign in first".into(),
                });
            }
            tauri::async_runtime::spawn(crate::remote::events::follow(remote, last_event_id, emit))
        }
    };
    let old = listeners
        .0
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .insert(label, task);
    if let Some(old) = old {
        old.abort();
    }
    Ok(())
}

/// Stop this window's events (signing out).
#[tauri::command]
#[specta::specta]
pub fn events_stop(window: WebviewWindow, listeners: State<'_, Listeners>) {
    let old = listeners
        .0
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .remove(window.label());
    if let Some(old) = old {
        old.abort();
    }
}

impl Listeners {
    /// Stops every window's events (the device changed modes).
    pub fn stop_all(&self) {
        let all: Vec<_> = self
            .0
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .drain()
            .collect();
        for (_, task) in all {
            task.abort();
        }
    }
}
