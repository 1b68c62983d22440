//! Catching up after the connection to the PBX was away: the PBX's own list of its channels
//! (`CoreShowChannel` or `Status` events, one per channel, each with its `Uniqueid`,
//! `Linkedid`, state and bridge) says which of the calls followed before are still going,
//! which were answered or ended while nobody listened, and which began meanwhile.

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, Duration, Utc};

use super::{known, CallChange, Direction, TrackedCall, Tracker};
use crate::telephony::ami::Block;

/// One channel of the PBX's list.
struct Listed<'a> {
    block: &'a Block,
    uid: &'a str,
    /// The centre's extension whose channel it is.
    extension: Option<String>,
    up: bool,
    ringing: bool,
    bridged: bool,
    /// Hung up (heard live) while the list was coming.
    gone: bool,
}

/// A channel's age: `Duration: HH:MM:SS` (`CoreShowChannel`) or `Seconds: N` (`Status`).
fn age(b: &Block) -> Duration {
    if let Some(s) = b.get("Seconds").and_then(|s| s.trim().parse::<i64>().ok()) {
        return Duration::seconds(s.max(0));
    }
    let parts: Vec<i64> = b
        .get("Duration")
        .unwrap_or_default()
        .split(':')
        .filter_map(|p| p.trim().parse().ok())
        .collect();
    match parts.as_slice() {
        [h, m, s] => Duration::seconds((h * 3600 + m * 60 + s).max(0)),
        _ => Duration::zero(),
    }
}

impl Tracker {
    /// Brings the calls in line with the PBX's list of channels, taken after a (re)connection.
    /// `asked` are the calls followed when the list was asked for (a call begun since is
    /// not in it yet and is left alone); `heard` what the live events said while the list was
    /// coming; `lost_at` when the connection was lost (the end given to a call that ended
    /// unheard); `now` when the list was complete.
    pub fn reconcile(
        &mut self,
        asked: &[String],
        listing: &[Block],
        heard: &Heard,
        lost_at: DateTime<Utc>,
        now: DateTime<Utc>,
    ) -> Vec<CallChange> {
        let mut by_call: HashMap<&str, Vec<Listed>> = HashMap::new();
        for b in listing {
            let (Some(uid), Some(linkedid)) = (b.get("Uniqueid"), b.get("Linkedid")) else {
                continue;
            };
            let state = b.get("ChannelStateDesc").unwrap_or_default();
            let bridge = b.get("BridgeId").unwrap_or_default();
            by_call.entry(linkedid).or_default().push(Listed {
                block: b,
                uid,
                extension: self.extension(b.get("Channel")),
                up: state == "Up",
                ringing: state == "Ringing",
                bridged: !bridge.trim().is_empty(),
                gone: heard.gone.contains(uid),
            });
        }
        let mut out = Vec::new();
        for linkedid in asked {
            let Some(call) = self.calls.get_mut(linkedid) else {
                continue;
            };
            let legs = by_call
                .get(linkedid.as_str())
                .map_or(&[][..], Vec::as_slice);
            // What the list shows of it (also of channels hung up since it was made).
            let end = heard.ended.get(linkedid.as_str()).copied();
            catch_up(call, legs, end.map_or(now, |e| e.min(now)), &mut out);
            // Its channels made since the list was asked for go on being followed.
            call.legs.retain(|l| heard.born.contains(l));
            call.legs
                .extend(legs.iter().filter(|l| !l.gone).map(|l| l.uid.to_string()));
            if call.legs.is_empty() {
                // Over: when its hangups were heard, or else (unheard) when the link was lost.
                let mut done = self.calls.remove(linkedid).expect("present");
                done.unheard = end.is_none();
                done.ended_at = Some(end.unwrap_or(lost_at).max(done.started_at));
                out.push(CallChange::Ended(done));
            }
        }
        for (linkedid, legs) in &by_call {
            if self.calls.contains_key(*linkedid) || asked.iter().any(|a| a == linkedid) {
                continue;
            }
            // Begun while nobody listened: followed from here on, as its first channel says
            // (unless it is over already).
            let Some(first) = legs.iter().find(|l| l.uid == *linkedid) else {
                continue;
            };
            if legs.iter().all(|l| l.gone) {
                continue;
            }
            let incoming = first.extension.is_none();
            let outside = legs.iter().find(|l| l.extension.is_none());
            let direction = if incoming {
                Direction::Incoming
            } else {
                Direction::Outgoing
            };
            let mut call = TrackedCall {
                number: if incoming {
                    known(first.block.get("CallerIDNum"))
                } else {
                    outside
                        .and_then(|o| known(o.block.get("CallerIDNum")))
                        .or_else(|| known(first.block.get("ConnectedLineNum")))
                },
                name: incoming
                    .then(|| known(first.block.get("CallerIDName")))
                    .flatten(),
                did: incoming.then(|| known(first.block.get("Exten"))).flatten(),
                agent: first.extension.clone(),
                legs: legs
                    .iter()
                    .filter(|l| !l.gone)
                    .map(|l| l.uid.to_string())
                    .collect(),
                ..TrackedCall::new(linkedid.to_string(), direction, now - age(first.block))
            };
            out.push(CallChange::Started(call.clone()));
            catch_up(&mut call, legs, now, &mut out);
            self.calls.insert(linkedid.to_string(), call);
        }
        out
    }

    /// The PBX would not list its channels: the calls followed when it was asked end as they
    /// stand, unheard (a hangup missed while the link was down would keep them open forever).
    pub fn give_up(&mut self, asked: &[String], lost_at: DateTime<Utc>) -> Vec<CallChange> {
        asked
            .iter()
            .filter_map(|id| self.calls.remove(id))
            .map(|mut done| {
                done.unheard = true;
                done.ended_at = Some(lost_at.max(done.started_at));
                CallChange::Ended(done)
            })
            .collect()
    }
}

/// What the live events said while the PBX's list was coming.
#[derive(Debug, Default)]
pub struct Heard {
    /// Channels made (their `Newchannel`).
    pub born: HashSet<String>,
    /// Channels hung up.
    pub gone: HashSet<String>,
    /// The calls (by `Linkedid`) some of whose channels hung up, and when the last did.
    pub ended: HashMap<String, DateTime<Utc>>,
}

/// What the list shows of a call that its events did not: extensions ringing, an answer.
fn catch_up(
    call: &mut TrackedCall,
    legs: &[Listed],
    now: DateTime<Utc>,
    out: &mut Vec<CallChange>,
) {
    if call.answered_at.is_some() {
        return;
    }
    let linkedid = call.linkedid.clone();
    if call.direction == Direction::Incoming {
        // The extension whose leg is up in the bridge answered.
        if let Some(e) = legs
            .iter()
            .filter(|l| l.up && l.bridged)
            .find_map(|l| l.extension.clone())
        {
            call.answered_at = Some(now);
            call.rang.insert(e.clone());
            call.agent = Some(e.clone());
            out.push(CallChange::Answered {
                linkedid,
                extension: e,
            });
            return;
        }
        for l in legs.iter().filter(|l| l.ringing && !l.gone) {
            if let Some(e) = l.extension.clone().filter(|e| call.rang.insert(e.clone())) {
                out.push(CallChange::Ringing {
                    linkedid: linkedid.clone(),
                    extension: e,
                });
            }
        }
    } else if legs
        .iter()
        .any(|l| l.extension.is_none() && l.up && l.bridged)
    {
        call.answered_at = Some(now);
        if let Some(e) = call.agent.clone() {
            out.push(CallChange::Answered {
                linkedid,
                extension: e,
            });
        }
    }
}

#[cfg(test)]
#[path = "reconcile_tests.rs"]
mod tests;
