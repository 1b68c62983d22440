//! The PBX at work: one task follows the settings, keeps the office Asterisk's connection (or
//! takes a cloud PBX's webhook events), tells the people whose extension rings who is calling,
//! closes their popups when someone answers or the caller hangs up, and keeps every call that
//! ends in the log ([`super::routing`]). Popups are not changes to the database: they travel
//! beside the change feed to the users they are for, and each reader's stream fills them in as
//! that reader may see.

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use chrono::{DateTime, Utc};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use specta::Type;
use tokio::sync::{broadcast, mpsc, Notify};
use uuid::Uuid;

use super::ami::{AmiClient, AmiConfig, AmiState};
use super::calls::{CallChange, TrackedCall};
use super::popup::CallPopup;
use super::routing::{end_all, handle, prune};
use super::settings::{self, PbxKind, PbxSettings};
use super::webhook::{verify, ReplayGuard, WebhookCalls, WebhookError};
use crate::auth::UserRef;
use crate::Core;

/// A call event for one reader, on the live stream (`event: call`).
#[derive(Debug, Clone, Serialize, Deserialize, Type, JsonSchema)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum CallEvent {
    /// The reader's extension rings: who is calling.
    Ringing { popup: CallPopup },
    /// Someone answered (the reader's popup closes unless it was the reader).
    Answered {
        call_id: String,
        extension: String,
        by: Option<UserRef>,
    },
    /// The call is over (unanswered, or hung up).
    Ended { call_id: String },
}

/// A call event and the users it is for.
#[derive(Debug)]
pub(crate) struct Signal {
    pub users: Vec<Uuid>,
    pub event: CallEvent,
}

/// Where a call's events come from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Origin {
    Office,
    Cloud,
}

/// A call in progress: what is known of it, and who has been told.
pub(crate) struct Live {
    pub call: TrackedCall,
    pub from: Origin,
    pub users: Vec<Uuid>,
}

/// What a connection to the office PBX is made of: a change to any of these makes a new one.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Link {
    address: String,
    username: String,
    secret: String,
    extensions: Vec<String>,
}

#[derive(Default)]
pub(crate) struct Inner {
    pub settings: Option<PbxSettings>,
    link: Option<Link>,
    pub ami: Option<Arc<AmiClient>>,
    /// The cloud PBX's signing secret, kept to check requests without reading the database.
    hook_secret: Option<String>,
    pub live: HashMap<String, Live>,
    pub webhook: WebhookCalls,
    replay: ReplayGuard,
    /// Click-to-calls placed, by our `ActionID`: the card each is for.
    pub originated: HashMap<String, Uuid>,
    pub last_event_at: Option<DateTime<Utc>>,
    /// Counts settings updates, so that settings read before one are not put over it.
    updates: u64,
}

type Incoming = (
    mpsc::UnboundedReceiver<CallChange>,
    mpsc::UnboundedReceiver<CallChange>,
);

/// The telephony runtime of one [`Core`].
pub struct Phone {
    inner: Mutex<Inner>,
    pub(crate) signals: broadcast::Sender<Arc<Signal>>,
    reload: Notify,
    stop: Notify,
    running: AtomicBool,
    office: mpsc::UnboundedSender<CallChange>,
    cloud: mpsc::UnboundedSender<CallChange>,
    incoming: Mutex<Option<Incoming>>,
}

impl Default for Phone {
    fn default() -> Phone {
        let (office, office_rx) = mpsc::unbounded_channel();
        let (cloud, cloud_rx) = mpsc::unbounded_channel();
        Phone {
            inner: Mutex::default(),
            signals: broadcast::channel(256).0,
            reload: Notify::new(),
            stop: Notify::new(),
            running: AtomicBool::new(false),
            office,
            cloud,
            incoming: Mutex::new(Some((office_rx, cloud_rx))),
        }
    }
}

impl Phone {
    /// The settings changed to `settings`: in force at once for what reads them (click-to-call,
    /// the status); the connector follows.
    pub(crate) fn reload(&self, settings: &PbxSettings, hook_secret: &str) {
        let mut inner = self.lock();
        inner.updates += 1;
        if self.running.load(Ordering::SeqCst) {
            inner.settings = Some(settings.clone());
            inner.hook_secret = (settings.kind == PbxKind::Webhook && !hook_secret.is_empty())
                .then(|| hook_secret.to_string());
        }
        drop(inner);
        self.reload.notify_one();
    }

    /// The settings may have been written behind the operations' back (a restored backup,
    /// the demo): the connector reads them again.
    pub fn refresh(&self) {
        self.lock().updates += 1;
        self.reload.notify_one();
    }

    pub(crate) fn lock(&self) -> std::sync::MutexGuard<'_, Inner> {
        self.inner.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// The settings in force (none before the runtime has read them).
    pub(crate) fn settings(&self) -> Option<PbxSettings> {
        self.lock().settings.clone()
    }

    pub(crate) fn ami(&self) -> Option<Arc<AmiClient>> {
        self.lock().ami.clone()
    }

    /// The connection's state, when a PBX event last arrived, and the calls in progress.
    pub(crate) fn state(&self) -> (Option<AmiState>, Option<DateTime<Utc>>, usize) {
        let inner = self.lock();
        let state = inner.ami.as_ref().map(|a| a.state.borrow().clone());
        (state, inner.last_event_at, inner.live.len())
    }

    /// A call change from elsewhere than the PBX link (a recorded call played for the demo).
    pub(crate) fn inject(&self, change: CallChange) {
        let _ = self.office.send(change);
    }

    /// A click-to-call was placed for `client` with our `action_id` (unique in the process):
    /// the call it becomes is that card's even when the dialplan does not pass the tag on.
    pub(crate) fn originated(&self, action_id: &str, client: Uuid) {
        let mut inner = self.lock();
        if inner.originated.len() >= 1000 {
            inner.originated.clear();
        }
        inner.originated.insert(action_id.to_string(), client);
    }

    /// Feeds one verified webhook body to the cloud calls; its event `id` is taken once it was
    /// understood (an event refused as out of order may come again). The changes go the same
    /// way as the office PBX's.
    fn webhook_feed(&self, id: &str, body: &[u8], now: DateTime<Utc>) -> Result<(), WebhookError> {
        let changes = {
            let mut inner = self.lock();
            if inner.replay.seen(id, now) {
                return Err(WebhookError::Replayed);
            }
            let changes = inner.webhook.feed(body, now)?;
            inner.replay.take(id, now)?;
            changes
        };
        for c in changes {
            let _ = self.cloud.send(c);
        }
        Ok(())
    }
}

/// A cloud PBX's event as posted: checked against the signing secret and the clock, its id
/// taken once, then fed to the calls.
pub async fn webhook_receive(
    core: &Core,
    timestamp: Option<&str>,
    signature: Option<&str>,
    body: &[u8],
) -> Result<(), WebhookError> {
    let running = core.phone.running.load(Ordering::SeqCst);
    let secret = if running {
        core.phone.lock().hook_secret.clone()
    } else {
        None
    };
    let Some(secret) = secret else {
        return Err(WebhookError::Off);
    };
    let now = core.now();
    verify(secret.as_bytes(), timestamp, signature, body, now)?;
    let id = serde_json::from_slice::<serde_json::Value>(body)
        .ok()
        .and_then(|v| v.get("id")?.as_str().map(str::to_string))
        .filter(|id| !id.is_empty() && id.len() <= 200)
        .ok_or_else(|| WebhookError::Invalid("the event has no id".into()))?;
    core.phone.webhook_feed(&id, body, now)
}

/// Starts the telephony runtime of `core` (once; later calls do nothing until [`stop`]).
pub fn start(core: &Core) {
    if core.phone.running.swap(true, Ordering::SeqCst) {
        return;
    }
    let Some(incoming) = core
        .phone
        .incoming
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .take()
    else {
        core.phone.running.store(false, Ordering::SeqCst);
        return;
    };
    tokio::spawn(supervise(core.clone(), incoming));
    // Voice broadcasts a stop interrupted go on.
    let again = core.clone();
    tokio::spawn(async move {
        if let Err(e) = super::broadcast::resume(&again).await {
            tracing::warn!(error = %e, "voice broadcasts could not go on");
        }
    });
}

/// Stops the runtime of `core`: the office PBX's connection ends, the calls in progress are
/// kept as they stand and their popups close.
pub fn stop(core: &Core) {
    if core.phone.running.load(Ordering::SeqCst) {
        core.phone.stop.notify_one();
    }
}

/// How often calls that never ended (a hangup lost with the connection) are looked for.
const PRUNE_EVERY: Duration = Duration::from_secs(60);

async fn supervise(core: Core, incoming: Incoming) {
    let (mut office, mut cloud) = incoming;
    let mut prune_tick = tokio::time::interval(PRUNE_EVERY);
    'run: loop {
        apply_settings(&core).await;
        loop {
            tokio::select! {
                _ = core.phone.stop.notified() => break 'run,
                _ = core.phone.reload.notified() => break,
                Some(c) = office.recv() => handle(&core, c, Origin::Office),
                Some(c) = cloud.recv() => handle(&core, c, Origin::Cloud),
                _ = prune_tick.tick() => prune(&core),
            }
        }
    }
    {
        let mut inner = core.phone.lock();
        inner.ami = None;
        inner.link = None;
        inner.settings = None;
        inner.hook_secret = None;
    }
    end_all(&core, None);
    *core
        .phone
        .incoming
        .lock()
        .unwrap_or_else(|e| e.into_inner()) = Some((office, cloud));
    core.phone.running.store(false, Ordering::SeqCst);
}

/// Reads the settings; a new connection to the office PBX only when what it is made of
/// changed (the calls the old one followed are kept as they stand).
async fn apply_settings(core: &Core) {
    let updates = core.phone.lock().updates;
    let loaded = async {
        let mut tx = core.db.read().await?;
        let r = settings::load(&mut tx).await;
        tx.commit().await?;
        r
    }
    .await;
    let (s, secret, hook) = match loaded {
        Ok(l) => l,
        Err(e) => {
            tracing::error!(error = %e, "reading the PBX settings failed");
            return;
        }
    };
    let link = (s.kind == PbxKind::Asterisk).then(|| Link {
        address: s.address.clone(),
        username: s.username.clone(),
        secret,
        extensions: s.extensions.iter().map(|e| e.extension.clone()).collect(),
    });
    let replaced = {
        let mut inner = core.phone.lock();
        if inner.updates != updates {
            // Updated while these were read: the update's own reload reads them again.
            return;
        }
        inner.hook_secret = (s.kind == PbxKind::Webhook && !hook.is_empty()).then_some(hook);
        inner.settings = Some(s);
        if inner.link == link {
            false
        } else {
            inner.ami = link.clone().map(|l| {
                tracing::info!(address = %l.address, "connecting to the PBX's manager interface");
                Arc::new(AmiClient::start(
                    AmiConfig {
                        address: l.address,
                        username: l.username,
                        secret: l.secret,
                        extensions: l.extensions,
                        clock: core.clock(),
                    },
                    core.phone.office.clone(),
                ))
            });
            let had = inner.link.is_some();
            inner.link = link;
            had
        }
    };
    if replaced {
        end_all(core, Some(Origin::Office));
    }
}
