//! The PBX at work: one task follows the settings, keeps the office Asterisk's connection (or
//! takes a cloud PBX's webhook events), tells the people whose extension rings who is calling,
//! closes their popups when someone answers or the caller hangs up, and keeps every call that
//! ends in the log. Popups are not changes to the database: they travel beside the change feed
//! to the users they are for, and each reader's stream fills them in as that reader may see.

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

use chrono::{DateTime, Utc};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use specta::Type;
use tokio::sync::{broadcast, mpsc, Notify};
use uuid::Uuid;

use super::ami::{AmiClient, AmiConfig, AmiState};
use super::calls::{CallChange, TrackedCall};
use super::popup::CallPopup;
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

/// A call in progress: who has been told of it.
struct Live {
    call: TrackedCall,
    users: Vec<Uuid>,
}

#[derive(Default)]
struct Inner {
    settings: Option<PbxSettings>,
    ami: Option<Arc<AmiClient>>,
    live: HashMap<String, Live>,
    webhook: WebhookCalls,
    replay: ReplayGuard,
    /// Click-to-calls placed, by our `ActionID`: the card each is for.
    originated: HashMap<String, Uuid>,
    last_event_at: Option<DateTime<Utc>>,
}

/// The telephony runtime of one [`Core`].
pub struct Phone {
    inner: Mutex<Inner>,
    pub(crate) signals: broadcast::Sender<Arc<Signal>>,
    reload: Notify,
    running: AtomicBool,
    changes: mpsc::UnboundedSender<CallChange>,
    incoming: Mutex<Option<mpsc::UnboundedReceiver<CallChange>>>,
}

impl Default for Phone {
    fn default() -> Phone {
        let (changes, incoming) = mpsc::unbounded_channel();
        Phone {
            inner: Mutex::default(),
            signals: broadcast::channel(256).0,
            reload: Notify::new(),
            running: AtomicBool::new(false),
            changes,
            incoming: Mutex::new(Some(incoming)),
        }
    }
}

impl Phone {
    /// The settings changed to `settings`: in force at once for what reads them (click-to-call,
    /// the status); the connector follows.
    pub(crate) fn reload(&self, settings: &PbxSettings) {
        if self.running.load(Ordering::SeqCst) {
            self.lock().settings = Some(settings.clone());
        }
        self.reload.notify_one();
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Inner> {
        self.inner.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// The settings in force (none before the runtime has read them).
    pub(crate) fn settings(&self) -> Option<PbxSettings> {
        self.lock().settings.clone()
    }

    pub(crate) fn ami(&self) -> Option<Arc<AmiClient>> {
        self.lock().ami.clone()
    }

    /// The connection's state, and when a PBX event last arrived.
    pub(crate) fn state(&self) -> (Option<AmiState>, Option<DateTime<Utc>>, usize) {
        let inner = self.lock();
        let state = inner.ami.as_ref().map(|a| a.state.borrow().clone());
        (state, inner.last_event_at, inner.live.len())
    }

    /// A click-to-call was placed for `client` with our `action_id`: the call it becomes is
    /// that card's even when the dialplan does not pass the tag on.
    pub(crate) fn originated(&self, action_id: &str, client: Uuid) {
        let mut inner = self.lock();
        if inner.originated.len() >= 1000 {
            inner.originated.clear();
        }
        inner.originated.insert(action_id.to_string(), client);
    }

    /// Feeds one verified webhook body (its event `id` taken once) to the cloud calls; the
    /// changes go the same way as the office PBX's.
    pub(crate) fn webhook_feed(
        &self,
        id: &str,
        body: &[u8],
        now: DateTime<Utc>,
    ) -> Result<(), WebhookError> {
        let changes = {
            let mut inner = self.lock();
            inner.replay.take(id, now)?;
            inner.webhook.feed(body, now)?
        };
        for c in changes {
            let _ = self.changes.send(c);
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
    let secret = settings::webhook_secret(core).await.map_err(|e| {
        tracing::error!(error = %e, "reading the PBX settings failed");
        WebhookError::Off
    })?;
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

/// Starts the telephony runtime of `core` (once; later calls do nothing).
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
        return;
    };
    tokio::spawn(supervise(core.clone(), incoming));
}

async fn supervise(core: Core, mut incoming: mpsc::UnboundedReceiver<CallChange>) {
    loop {
        apply_settings(&core).await;
        loop {
            tokio::select! {
                _ = core.phone.reload.notified() => break,
                change = incoming.recv() => match change {
                    Some(c) => handle(&core, c).await,
                    None => return,
                },
            }
        }
    }
}

/// Reads the settings and (re)starts the connection when they call for one.
async fn apply_settings(core: &Core) {
    let loaded = async {
        let mut tx = core.db.read().await?;
        let r = settings::load(&mut tx).await;
        tx.commit().await?;
        r
    }
    .await;
    let (s, secret, _) = match loaded {
        Ok(l) => l,
        Err(e) => {
            tracing::error!(error = %e, "reading the PBX settings failed");
            return;
        }
    };
    let mut inner = core.phone.lock();
    // A new connection for every change of the office PBX's settings; none otherwise.
    inner.ami = (s.kind == PbxKind::Asterisk).then(|| {
        tracing::info!(address = %s.address, "connecting to the PBX's manager interface");
        Arc::new(AmiClient::start(
            AmiConfig {
                address: s.address.clone(),
                username: s.username.clone(),
                secret,
                extensions: s.extensions.iter().map(|e| e.extension.clone()).collect(),
            },
            core.phone.changes.clone(),
        ))
    });
    inner.settings = Some(s);
}

/// The user whose phone `extension` is.
fn user_of(settings: &Option<PbxSettings>, extension: &str) -> Option<UserRef> {
    settings
        .as_ref()?
        .extensions
        .iter()
        .find(|e| e.extension == extension)
        .map(|e| e.user.clone())
}

async fn handle(core: &Core, change: CallChange) {
    let now = core.now();
    let mut ended = None;
    let signal = {
        let mut inner = core.phone.lock();
        inner.last_event_at = Some(now);
        match change {
            CallChange::Started(call) => {
                let id = call.linkedid.clone();
                inner.live.insert(
                    id,
                    Live {
                        call,
                        users: Vec::new(),
                    },
                );
                None
            }
            CallChange::Ringing {
                linkedid,
                extension,
            } => {
                let user = user_of(&inner.settings, &extension);
                match (user, inner.live.get_mut(&linkedid)) {
                    (Some(u), Some(live)) if !live.users.contains(&u.id) => {
                        live.users.push(u.id);
                        Some(Signal {
                            users: vec![u.id],
                            event: CallEvent::Ringing {
                                popup: CallPopup::new(&live.call, extension, now),
                            },
                        })
                    }
                    _ => None,
                }
            }
            CallChange::Answered {
                linkedid,
                extension,
            } => {
                let by = user_of(&inner.settings, &extension);
                inner.live.get(&linkedid).map(|l| Signal {
                    users: l.users.clone(),
                    event: CallEvent::Answered {
                        call_id: linkedid,
                        extension,
                        by,
                    },
                })
            }
            CallChange::Ended(mut call) => {
                let placed = call
                    .action_id
                    .as_ref()
                    .and_then(|id| inner.originated.remove(id));
                if let Some(client) = placed {
                    call.client_tag = Some(client.to_string());
                }
                let users = inner
                    .live
                    .remove(&call.linkedid)
                    .map(|l| l.users)
                    .unwrap_or_default();
                let user = call
                    .agent
                    .as_deref()
                    .and_then(|x| user_of(&inner.settings, x));
                ended = Some((call.clone(), user.map(|u| u.id)));
                Some(Signal {
                    users,
                    event: CallEvent::Ended {
                        call_id: call.linkedid,
                    },
                })
            }
        }
    };
    if let Some((call, user)) = ended {
        keep(core, &call, user).await;
    }
    if let Some(s) = signal.filter(|s| !s.users.is_empty()) {
        let _ = core.phone.signals.send(Arc::new(s));
    }
}

/// Writes an ended call to the log; a failure is logged, the call is not retried forever.
async fn keep(core: &Core, call: &TrackedCall, user: Option<Uuid>) {
    if let Err(e) = super::log::record(core, call, user).await {
        tracing::error!(error = %e, call = %call.linkedid, "keeping a call in the log failed");
    }
}
