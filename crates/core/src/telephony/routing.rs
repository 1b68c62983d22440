//! Who hears of a call: the users whose extension rings get its popup, everyone told of it
//! hears when it is answered and when it ends; an ended call is kept in the log by a task of
//! its own (a slow write never holds a ringing phone back). Calls whose end was never heard
//! (a hangup lost with the connection, a cloud PBX that never said `ended`) are ended after
//! [`STALE_HOURS`] and kept as they stand.

use std::sync::Arc;
use std::time::Duration;

use uuid::Uuid;

use super::calls::{CallChange, TrackedCall};
use super::live::{CallEvent, Live, Origin, Signal};
use super::popup::CallPopup;
use super::settings::PbxSettings;
use crate::auth::UserRef;
use crate::Core;

/// A call still going after this long lost its end.
pub const STALE_HOURS: i64 = 4;

/// The user whose phone `extension` is.
fn user_of(settings: &Option<PbxSettings>, extension: &str) -> Option<UserRef> {
    settings
        .as_ref()?
        .extensions
        .iter()
        .find(|e| e.extension == extension)
        .map(|e| e.user.clone())
}

fn send(core: &Core, signal: Signal) {
    if !signal.users.is_empty() {
        let _ = core.phone.signals.send(Arc::new(signal));
    }
}

pub(crate) fn handle(core: &Core, change: CallChange, from: Origin) {
    let now = core.now();
    let mut inner = core.phone.lock();
    inner.last_event_at = Some(now);
    let signal = match change {
        CallChange::Started(call) => {
            let id = call.linkedid.clone();
            let live = Live {
                call,
                from,
                users: Vec::new(),
            };
            inner.live.insert(id, live);
            None
        }
        CallChange::Ringing {
            linkedid,
            extension,
        } => {
            let user = user_of(&inner.settings, &extension);
            let Some(live) = inner.live.get_mut(&linkedid) else {
                return;
            };
            live.call.rang.insert(extension.clone());
            match user {
                Some(u) if !live.users.contains(&u.id) => {
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
            inner.live.get_mut(&linkedid).map(|l| {
                l.call.answered_at.get_or_insert(now);
                l.call.agent = Some(extension.clone());
                Signal {
                    users: l.users.clone(),
                    event: CallEvent::Answered {
                        call_id: linkedid,
                        extension,
                        by,
                    },
                }
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
                .and_then(|x| user_of(&inner.settings, x))
                .map(|u| u.id);
            drop(inner);
            let id = call.linkedid.clone();
            keep(core, call, user);
            send(
                core,
                Signal {
                    users,
                    event: CallEvent::Ended { call_id: id },
                },
            );
            return;
        }
    };
    drop(inner);
    if let Some(s) = signal {
        send(core, s);
    }
}

/// Ends the calls in progress (those of `from`, or all) as they stand: their popups close and
/// they are kept in the log with what was heard of them.
pub(crate) fn end_all(core: &Core, from: Option<Origin>) {
    end_where(core, |l| from.is_none_or(|f| l.from == f));
}

/// Ends calls that have been going for longer than [`STALE_HOURS`].
pub(crate) fn prune(core: &Core) {
    let cutoff = core.now() - chrono::Duration::hours(STALE_HOURS);
    end_where(core, |l| l.call.started_at < cutoff);
    let mut inner = core.phone.lock();
    inner.webhook.prune(cutoff);
}

fn end_where(core: &Core, pick: impl Fn(&Live) -> bool) {
    let now = core.now();
    let ended: Vec<(Live, Option<Uuid>)> = {
        let mut inner = core.phone.lock();
        let ids: Vec<String> = inner
            .live
            .iter()
            .filter(|(_, l)| pick(l))
            .map(|(id, _)| id.clone())
            .collect();
        let taken: Vec<Live> = ids
            .into_iter()
            .filter_map(|id| inner.live.remove(&id))
            .collect();
        taken
            .into_iter()
            .map(|l| {
                let user = l
                    .call
                    .agent
                    .as_deref()
                    .and_then(|x| user_of(&inner.settings, x))
                    .map(|u| u.id);
                (l, user)
            })
            .collect()
    };
    for (mut l, user) in ended {
        tracing::warn!(call = %l.call.linkedid, "a call's end was not heard; kept as it stands");
        l.call.ended_at = Some(now);
        l.call.unheard = true;
        let id = l.call.linkedid.clone();
        keep(core, l.call, user);
        send(
            core,
            Signal {
                users: l.users,
                event: CallEvent::Ended { call_id: id },
            },
        );
    }
}

/// Keeps an ended call in the log from a task of its own, trying again a few times when the
/// database is busy or away.
fn keep(core: &Core, call: TrackedCall, user: Option<Uuid>) {
    let core = core.clone();
    tokio::spawn(async move {
        let mut wait = Duration::from_secs(1);
        for attempt in 1..=5 {
            match super::log::record(&core, &call, user).await {
                Ok(_) => return,
                Err(e) => {
                    tracing::error!(error = %e, call = %call.linkedid, attempt, "keeping a call in the log failed");
                    tokio::time::sleep(wait).await;
                    wait *= 4;
                }
            }
        }
    });
}
