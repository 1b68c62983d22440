//! The recorded Asterisk sessions (`tests/fixtures/ami`), replayed block by block with the
//! times they arrived at.

use chrono::{DateTime, Utc};

use super::*;
use crate::telephony::ami::{Frame, Framer};

/// The blocks of a transcript with their arrival times (from its `.timestamps.tsv`).
pub(crate) fn replay(name: &str) -> Vec<(Block, DateTime<Utc>)> {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures/ami");
    let wire = std::fs::read(dir.join(format!("ami-{name}.txt"))).unwrap();
    let times: Vec<DateTime<Utc>> =
        std::fs::read_to_string(dir.join(format!("ami-{name}.timestamps.tsv")))
            .unwrap()
            .lines()
            .filter(|l| !l.starts_with('#'))
            .map(|l| {
                let epoch: f64 = l.split('\t').nth(3).unwrap().parse().unwrap();
                DateTime::from_timestamp_micros((epoch * 1e6).round() as i64).unwrap()
            })
            .collect();
    let mut framer = Framer::new(64 * 1024);
    framer.push(&wire);
    let frames: Vec<Frame> = std::iter::from_fn(|| framer.next_frame())
        .map(Result::unwrap)
        .collect();
    assert_eq!(
        frames.len(),
        times.len(),
        "{name}: one frame per recorded block"
    );
    assert!(matches!(&frames[0], Frame::Banner(b) if b == "Asterisk Call Manager/11.0.0"));
    frames
        .into_iter()
        .zip(times)
        .filter_map(|(f, t)| match f {
            Frame::Block(b) => Some((b, t)),
            Frame::Banner(_) => None,
        })
        .collect()
}

/// Every change a session makes, and the calls it ended.
fn run(name: &str) -> (Vec<CallChange>, Vec<TrackedCall>) {
    let mut tracker = Tracker::new(["101".to_string(), "102".to_string()]);
    let changes: Vec<CallChange> = replay(name)
        .iter()
        .flat_map(|(b, t)| tracker.feed(b, *t))
        .collect();
    assert_eq!(tracker.in_progress().count(), 0, "{name}: every call ended");
    let ended = changes
        .iter()
        .filter_map(|c| match c {
            CallChange::Ended(call) => Some(call.clone()),
            _ => None,
        })
        .collect();
    (changes, ended)
}

fn set(v: &[&str]) -> BTreeSet<String> {
    v.iter().map(|s| s.to_string()).collect()
}

#[test]
fn answered_by_101_while_102_rang_too() {
    let (changes, ended) = run("a");
    assert_eq!(ended.len(), 1);
    let c = &ended[0];
    assert_eq!(c.direction, Direction::Incoming);
    assert_eq!(c.number.as_deref(), Some("+77011234567"));
    assert_eq!(c.name.as_deref(), Some("Aliya Nurlanovna"));
    assert_eq!(c.did.as_deref(), Some("5550100"));
    assert_eq!(c.rang, set(&["101", "102"]));
    assert_eq!(c.agent.as_deref(), Some("101"));
    assert_eq!(c.hung_up_by, Some(Side::Outside));
    assert!(!c.missed());
    assert_eq!((c.ring_seconds(), c.talk_seconds()), (Some(2), Some(3)));
    // The popup's order: the call, both phones ringing, then who answered, then the end.
    let kinds: Vec<&str> = changes.iter().map(CallChange::kind).collect();
    assert_eq!(
        kinds,
        ["started", "ringing", "ringing", "answered", "ended"]
    );
}

#[test]
fn nobody_answered_is_missed() {
    let (_, ended) = run("b");
    let c = &ended[0];
    assert!(c.missed());
    assert_eq!(c.rang, set(&["101", "102"]));
    assert_eq!(c.agent, None);
    assert_eq!(c.ring_seconds(), Some(10));
    assert_eq!(c.talk_seconds(), None);
}

#[test]
fn answered_by_102_who_hung_up() {
    let (_, ended) = run("c");
    let c = &ended[0];
    assert_eq!(c.agent.as_deref(), Some("102"));
    assert_eq!(c.hung_up_by, Some(Side::Centre));
    assert_eq!(c.talk_seconds(), Some(3));
}

#[test]
fn click_to_call_carries_its_tags() {
    let (_, ended) = run("d");
    let c = &ended[0];
    assert_eq!(c.direction, Direction::Outgoing);
    assert_eq!(c.agent.as_deref(), Some("101"));
    assert_eq!(c.number.as_deref(), Some("87011234567"));
    assert_eq!(c.action_id.as_deref(), Some("click2call-42"));
    assert_eq!(c.client_tag.as_deref(), Some("42"));
    assert_eq!(c.hung_up_by, Some(Side::Centre));
    assert!(!c.missed());
    assert!(c.answered_at.is_some());
}

#[test]
fn two_overlapping_calls_stay_apart() {
    let (_, ended) = run("e");
    assert_eq!(ended.len(), 2);
    let by = |n: &str| {
        ended
            .iter()
            .find(|c| c.number.as_deref() == Some(n))
            .unwrap()
    };
    assert_eq!(by("+77011234567").agent.as_deref(), Some("101"));
    assert_eq!(by("+77019876543").agent.as_deref(), Some("102"));
    assert_eq!(by("+77019876543").name.as_deref(), Some("Bolat Serikov"));
    assert!(ended
        .iter()
        .all(|c| c.rang == set(&["101", "102"]) && c.talk_seconds() == Some(5)));
}

#[test]
fn a_queue_call_rings_its_members() {
    let (_, ended) = run("f");
    let c = &ended[0];
    assert_eq!(c.did.as_deref(), Some("5550101"));
    assert_eq!(c.rang, set(&["101", "102"]));
    assert_eq!(c.agent.as_deref(), Some("102"));
}

#[test]
fn logins_frame_and_concern_no_call() {
    for name in ["login", "login-failed", "a-coreshowchannels"] {
        let (changes, _) = run(name);
        assert!(changes.is_empty(), "{name}");
    }
    let failed = replay("login-failed");
    assert_eq!(failed[0].0.response(), Some("Error"));
    assert_eq!(failed[0].0.get("Message"), Some("Authentication failed"));
}

#[test]
fn channel_endpoints() {
    assert_eq!(endpoint("PJSIP/101-0000000c"), "101");
    assert_eq!(endpoint("PJSIP/trunk-0000000d"), "trunk");
    assert_eq!(endpoint("SIP/office-a-00000001"), "office-a");
    assert_eq!(endpoint("101"), "101");
}
