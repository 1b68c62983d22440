//! Live change events in the app: the webview asks once (`events_listen`) and then hears every
//! change its session may see as the Tauri event `hallpass:live` ([`LiveEvent`]), the same
//! feed the hub serves as Server-Sent Events.

use std::collections::HashMap;
use std::sync::Mutex;

use hallpass_core::api::{ApiError, LiveEvent};
use hallpass_core::Core;
use tauri::{Emitter, State, WebviewWindow};

/// The event name the webview listens to.
pub const EVENT: &str = "hallpass:live";

/// One listening task per window: a new `events_listen` (another user signed in, a reload)
/// replaces the window's old one.
#[derive(Default)]
pub struct Listeners(Mutex<HashMap<String, tauri::async_runtime::JoinHandle<()>>>);

/// Start sending this window the change events its session may see, after `last_event_id`
/// (what it saw last) or from now.
#[tauri::command]
#[specta::specta]
pub async fn events_listen(
    window: WebviewWindow,
    core: State<'_, Core>,
    listeners: State<'_, Listeners>,
    token: Option<String>,
    last_event_id: Option<i64>,
) -> Result<(), ApiError> {
    let mut stream = core
        .changes_subscribe(token.as_deref(), last_event_id)
        .await?;
    let label = window.label().to_string();
    let target = label.clone();
    let task = tauri::async_runtime::spawn(async move {
        let ready = LiveEvent::Ready {
            seq: stream.cursor(),
        };
        if window.emit_to(target.as_str(), EVENT, ready).is_err() {
            return;
        }
        loop {
            let Some(event) = LiveEvent::from_item(stream.next().await) else {
                continue;
            };
            let last = matches!(event, LiveEvent::SignedOut { .. });
            if window.emit_to(target.as_str(), EVENT, event).is_err() || last {
                return;
            }
        }
    });
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
