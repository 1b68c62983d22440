//! Right after each login the connector asks the PBX for its channels, to catch up with what
//! happened while it was not listening (a call that ended, was answered or began meanwhile;
//! see [`Tracker::reconcile`]). `CoreShowChannels` needs the `reporting` (or `system`) write
//! right, which the usual CRM user does not have (the recorded PBX says `Permission
//! denied`); `Status` needs only `call`, so a refusal is asked again that way. The events of
//! the list carry our `ActionID`; every other event goes on to the calls as usual meanwhile.

use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};

use tokio::sync::mpsc;

use super::{action, Block};
use crate::telephony::calls::{CallChange, Heard, Tracker};

/// A list longer than this is not a centre's PBX: given up.
const MOST: usize = 20_000;
/// A list not complete after this is given up (the calls stay as the events left them).
const PATIENCE: Duration = Duration::from_secs(30);

pub(super) struct Resync {
    id: String,
    by_status: bool,
    asked: Vec<String>,
    items: Vec<Block>,
    heard: Heard,
    since: Instant,
}

enum Step {
    /// More of the list to come.
    More,
    /// Refused: ask again with these bytes.
    Again(String),
    /// The list is complete: what it changed.
    Done(Vec<CallChange>),
    Failed(String),
}

impl Resync {
    /// Asks for the channels under `id` (our `ActionID`): the state and the bytes to send.
    pub fn ask(id: String, tracker: &Tracker) -> (Resync, String) {
        let bytes = action("CoreShowChannels", &id, &[]).expect("no line breaks");
        let asked = tracker.in_progress().map(|c| c.linkedid.clone()).collect();
        let r = Resync {
            id,
            by_status: false,
            asked,
            items: Vec::new(),
            heard: Heard::default(),
            since: Instant::now(),
        };
        (r, bytes)
    }

    /// Whether `b` belongs to the list (the answer or one of its events).
    pub fn owns(&self, b: &Block) -> bool {
        b.action_id() == Some(self.id.as_str())
    }

    /// An event of the calls that came (at `at`) while the list was coming: a channel hung
    /// up since the PBX made the list is not taken from it, one made since is kept.
    pub fn heard(&mut self, b: &Block, at: DateTime<Utc>) {
        let uid = b.get("Uniqueid").unwrap_or_default().to_string();
        match b.event() {
            Some("Hangup") => {
                self.heard.gone.insert(uid);
                if let Some(call) = b.get("Linkedid") {
                    self.heard.ended.insert(call.to_string(), at);
                }
            }
            Some("Newchannel") => {
                self.heard.born.insert(uid);
            }
            _ => {}
        }
    }

    /// Takes one block of the list.
    fn take(
        &mut self,
        b: Block,
        tracker: &mut Tracker,
        lost_at: DateTime<Utc>,
        now: DateTime<Utc>,
    ) -> Step {
        match (b.event(), b.response()) {
            (None, Some("Error")) if !self.by_status => {
                self.by_status = true;
                Step::Again(action("Status", &self.id, &[]).expect("no line breaks"))
            }
            (None, Some("Error")) => Step::Failed(format!(
                "the PBX did not list its channels: {}",
                b.get("Message").unwrap_or("refused")
            )),
            (Some("CoreShowChannel" | "Status"), _) => {
                if self.items.len() >= MOST {
                    return Step::Failed("the PBX listed too many channels".into());
                }
                self.items.push(b);
                Step::More
            }
            (Some("CoreShowChannelsComplete" | "StatusComplete"), _) => {
                Step::Done(tracker.reconcile(&self.asked, &self.items, &self.heard, lost_at, now))
            }
            _ => Step::More,
        }
    }
}

/// Takes a block of the list in `slot`: what it changed goes to `changes` once the list is
/// complete (or it is given up). Returns what to send: the list asked again another way.
pub(super) fn follow(
    slot: &mut Option<Resync>,
    b: Block,
    tracker: &mut Tracker,
    (lost_at, now): (DateTime<Utc>, DateTime<Utc>),
    changes: &mpsc::UnboundedSender<CallChange>,
) -> Option<String> {
    let step = slot.as_mut()?.take(b, tracker, lost_at, now);
    match step {
        Step::More => None,
        Step::Again(bytes) => Some(bytes),
        Step::Done(caught_up) => {
            *slot = None;
            for change in caught_up {
                let _ = changes.send(change);
            }
            None
        }
        Step::Failed(problem) => {
            tracing::warn!("AMI: {problem}; the calls followed before end as they stand");
            give_up(slot, tracker, lost_at, changes);
            None
        }
    }
}

/// Gives up a list not complete in time (the calls followed before end as they stand).
pub(super) fn overdue(
    slot: &mut Option<Resync>,
    tracker: &mut Tracker,
    lost_at: DateTime<Utc>,
    changes: &mpsc::UnboundedSender<CallChange>,
) {
    if slot.as_ref().is_some_and(|r| r.since.elapsed() > PATIENCE) {
        tracing::warn!("AMI: the PBX did not finish listing its channels");
        give_up(slot, tracker, lost_at, changes);
    }
}

fn give_up(
    slot: &mut Option<Resync>,
    tracker: &mut Tracker,
    lost_at: DateTime<Utc>,
    changes: &mpsc::UnboundedSender<CallChange>,
) {
    if let Some(r) = slot.take() {
        for change in tracker.give_up(&r.asked, lost_at) {
            let _ = changes.send(change);
        }
    }
}
