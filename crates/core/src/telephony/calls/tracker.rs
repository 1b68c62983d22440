//! From AMI events to calls. Every leg of a call shares a `Linkedid` (the `Uniqueid` of its
//! first channel), so calls are kept apart by it however their events interleave. The first
//! leg says the direction: an outside line (a trunk) calling in, or one of the centre's
//! extensions calling out (click-to-call). `DialBegin`/`AgentCalled` and `Newstate Ringing`
//! say which extensions ring, `DialEnd ANSWER`/`AgentConnect` (or, failing those, `BridgeEnter`)
//! who answered, `HangupRequest` who hung up, and the last leg's `Hangup` ends the call.

use std::collections::{BTreeSet, HashMap, HashSet};

use chrono::{DateTime, Utc};

use crate::telephony::ami::Block;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    Incoming,
    Outgoing,
}

/// Which side of a call: the centre's extension, or the outside party.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Side {
    Centre,
    Outside,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TrackedCall {
    pub linkedid: String,
    pub direction: Direction,
    /// The outside party's number: the caller's, or the number dialled.
    pub number: Option<String>,
    /// The caller's name as the line gave it.
    pub name: Option<String>,
    /// The centre's number that was called (incoming).
    pub did: Option<String>,
    /// The extensions that rang (incoming).
    pub rang: BTreeSet<String>,
    /// The centre's extension on the call: who answered, or who called out.
    pub agent: Option<String>,
    pub started_at: DateTime<Utc>,
    /// When the two sides were connected.
    pub answered_at: Option<DateTime<Utc>>,
    pub ended_at: Option<DateTime<Utc>>,
    pub hung_up_by: Option<Side>,
    /// The `ActionID` of our `Originate` that placed it.
    pub action_id: Option<String>,
    /// The client the call was placed for (`HALLPASS_CLIENT` on the channel).
    pub client_tag: Option<String>,
    /// Its end was not heard (the link to the PBX was lost, or it never said): how it went
    /// after is not known.
    pub unheard: bool,
    pub(crate) legs: HashSet<String>,
}

impl TrackedCall {
    /// A call as it starts: nothing known of it yet but its id, direction and start.
    pub fn new(linkedid: String, direction: Direction, started_at: DateTime<Utc>) -> TrackedCall {
        TrackedCall {
            linkedid,
            direction,
            number: None,
            name: None,
            did: None,
            rang: BTreeSet::new(),
            agent: None,
            started_at,
            answered_at: None,
            ended_at: None,
            hung_up_by: None,
            action_id: None,
            client_tag: None,
            unheard: false,
            legs: HashSet::new(),
        }
    }

    /// An incoming call nobody answered (as far as was heard: one whose end was not heard is
    /// not known to be missed).
    pub fn missed(&self) -> bool {
        self.direction == Direction::Incoming
            && self.answered_at.is_none()
            && self.ended_at.is_some()
            && !self.unheard
    }

    /// Seconds from the start until answered (or until it ended unanswered).
    pub fn ring_seconds(&self) -> Option<i64> {
        Some((self.answered_at.or(self.ended_at)? - self.started_at).num_seconds())
    }

    pub fn talk_seconds(&self) -> Option<i64> {
        Some((self.ended_at? - self.answered_at?).num_seconds())
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CallChange {
    Started(TrackedCall),
    Ringing { linkedid: String, extension: String },
    Answered { linkedid: String, extension: String },
    Ended(TrackedCall),
}

#[cfg(test)]
impl CallChange {
    /// What kind of change, in a word (for tests that check the order of changes).
    pub(crate) fn kind(&self) -> &'static str {
        match self {
            CallChange::Started(_) => "started",
            CallChange::Ringing { .. } => "ringing",
            CallChange::Answered { .. } => "answered",
            CallChange::Ended(_) => "ended",
        }
    }
}

/// The endpoint of a channel name: `PJSIP/101-0000000c` → `101`.
pub fn endpoint(channel: &str) -> &str {
    let rest = channel.split_once('/').map_or(channel, |(_, r)| r);
    rest.rsplit_once('-').map_or(rest, |(e, _)| e)
}

/// A caller ID as the PBX gives it; `<unknown>` and blanks are none.
fn known(v: Option<&str>) -> Option<String> {
    v.map(str::trim)
        .filter(|v| !v.is_empty() && *v != "<unknown>" && *v != "s")
        .map(str::to_string)
}

/// Calls in progress, by `Linkedid`.
#[derive(Debug, Default)]
pub struct Tracker {
    extensions: HashSet<String>,
    calls: HashMap<String, TrackedCall>,
}

impl Tracker {
    /// A tracker that knows the centre's extensions (every other endpoint is an outside line).
    pub fn new(extensions: impl IntoIterator<Item = String>) -> Self {
        Tracker {
            extensions: extensions.into_iter().collect(),
            calls: HashMap::new(),
        }
    }

    /// Calls not ended yet.
    pub fn in_progress(&self) -> impl Iterator<Item = &TrackedCall> {
        self.calls.values()
    }

    fn extension(&self, channel: Option<&str>) -> Option<String> {
        let e = endpoint(channel?);
        self.extensions.contains(e).then(|| e.to_string())
    }

    /// What an event changes; events that concern no call change nothing.
    pub fn feed(&mut self, b: &Block, at: DateTime<Utc>) -> Vec<CallChange> {
        let mut out = Vec::new();
        let Some(event) = b.event() else { return out };
        let channel = b.get("Channel");
        let ext = self.extension(channel);
        let dest = self.extension(b.get("DestChannel"));
        let linkedid = b
            .get("Linkedid")
            .or(b.get("DestLinkedid"))
            .unwrap_or_default()
            .to_string();
        if event == "Newchannel" {
            let uid = b.get("Uniqueid").unwrap_or_default();
            if uid == linkedid && !self.calls.contains_key(&linkedid) {
                let incoming = ext.is_none();
                let direction = if incoming {
                    Direction::Incoming
                } else {
                    Direction::Outgoing
                };
                let call = TrackedCall {
                    number: incoming.then(|| known(b.get("CallerIDNum"))).flatten(),
                    name: incoming.then(|| known(b.get("CallerIDName"))).flatten(),
                    did: incoming.then(|| known(b.get("Exten"))).flatten(),
                    agent: ext.clone(),
                    legs: HashSet::from([uid.to_string()]),
                    ..TrackedCall::new(linkedid.clone(), direction, at)
                };
                out.push(CallChange::Started(call.clone()));
                self.calls.insert(linkedid, call);
            } else if let Some(c) = self.calls.get_mut(&linkedid) {
                c.legs.insert(uid.to_string());
            }
            return out;
        }
        if event == "OriginateResponse" {
            let uid = b.get("Uniqueid").unwrap_or_default();
            if let Some(c) = self.calls.values_mut().find(|c| c.legs.contains(uid)) {
                c.action_id = b.action_id().map(str::to_string);
            }
            return out;
        }
        let Some(c) = self.calls.get_mut(&linkedid) else {
            return out;
        };
        let incoming = c.direction == Direction::Incoming;
        match event {
            "DialBegin" | "AgentCalled" => {
                if incoming {
                    if let Some(e) = dest.filter(|e| c.rang.insert(e.clone())) {
                        out.push(CallChange::Ringing {
                            linkedid,
                            extension: e,
                        });
                    }
                } else if channel.is_some() && dest.is_none() && c.number.is_none() {
                    // The extension's leg dialling out: the number dialled.
                    let dialled = b
                        .get("DialString")
                        .map(|d| d.split('@').next().unwrap_or(d));
                    c.number = known(b.get("DestCallerIDNum")).or(known(dialled));
                }
            }
            "Newstate" if incoming && b.get("ChannelStateDesc") == Some("Ringing") => {
                if let Some(e) = ext.filter(|e| c.rang.insert(e.clone())) {
                    out.push(CallChange::Ringing {
                        linkedid,
                        extension: e,
                    });
                }
            }
            "DialEnd" | "AgentConnect" | "BridgeEnter" if c.answered_at.is_none() => {
                let answered = match event {
                    "DialEnd" => b.get("DialStatus") == Some("ANSWER"),
                    _ => true,
                };
                let who = if event == "BridgeEnter" { ext } else { dest };
                if answered && incoming {
                    if let Some(e) = who {
                        c.answered_at = Some(at);
                        c.agent = Some(e.clone());
                        out.push(CallChange::Answered {
                            linkedid,
                            extension: e,
                        });
                    }
                } else if answered && channel.is_some() && who.is_none() && event != "AgentConnect"
                {
                    // Outgoing: the outside party picked up.
                    c.answered_at = Some(at);
                    if let Some(e) = c.agent.clone() {
                        out.push(CallChange::Answered {
                            linkedid,
                            extension: e,
                        });
                    }
                }
            }
            "NewCallerid" if !incoming && ext.is_none() && c.number.is_none() => {
                c.number = known(b.get("CallerIDNum"));
            }
            "VarSet" if b.get("Variable") == Some("HALLPASS_CLIENT") => {
                c.client_tag = known(b.get("Value"));
            }
            "HangupRequest" | "SoftHangupRequest" if c.hung_up_by.is_none() => {
                c.hung_up_by = Some(if ext.is_some() {
                    Side::Centre
                } else {
                    Side::Outside
                });
            }
            "Hangup" => {
                c.legs.remove(b.get("Uniqueid").unwrap_or_default());
                if c.legs.is_empty() {
                    c.ended_at = Some(at);
                    if let Some(done) = self.calls.remove(&linkedid) {
                        out.push(CallChange::Ended(done));
                    }
                }
            }
            _ => {}
        }
        out
    }
}

#[path = "reconcile.rs"]
mod reconcile;
pub use reconcile::Heard;

#[cfg(test)]
#[path = "tracker_tests.rs"]
mod tests;
