//! Catching up from the PBX's list of channels: the list recorded during call a
//! (`ami-a-coreshowchannels`: the caller's trunk leg and 101's, up and bridged) against call
//! a's own events, cut where a connection might have dropped.

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, Duration, Utc};

use super::super::tests::replay;
use super::super::Side;
use super::*;

/// The channels the recorded PBX listed, and when.
fn listing() -> (Vec<Block>, DateTime<Utc>) {
    let blocks = replay("a-coreshowchannels");
    let at = blocks[2].1;
    let items = blocks
        .into_iter()
        .map(|(b, _)| b)
        .filter(|b| b.event() == Some("CoreShowChannel"))
        .collect();
    (items, at)
}

fn tracker() -> Tracker {
    Tracker::new(["101".to_string(), "102".to_string()])
}

type Events = Vec<(Block, DateTime<Utc>)>;

/// Call a's events up to (not including) the first that `stop` picks; the rest.
fn split(stop: impl Fn(&Block) -> bool) -> (Events, Events) {
    let mut all = replay("a");
    let at = all.iter().position(|(b, _)| stop(b)).expect("found");
    let rest = all.split_off(at);
    (all, rest)
}

fn kinds(changes: &[CallChange]) -> Vec<&'static str> {
    changes.iter().map(CallChange::kind).collect()
}

fn asked(t: &Tracker) -> Vec<String> {
    t.in_progress().map(|c| c.linkedid.clone()).collect()
}

#[test]
fn a_call_still_going_goes_on_and_ends_as_heard() {
    let (listed, at) = listing();
    // Dropped while they talked (after the hangup of 102's leg); the list shows the two legs.
    let (before, after) =
        split(|b| b.event() == Some("VarSet") && b.get("Variable") == Some("BRIDGEPEER"));
    let mut t = tracker();
    for (b, when) in &before {
        t.feed(b, *when);
    }
    let lost = before.last().unwrap().1;
    let caught = t.reconcile(&asked(&t), &listed, &Heard::default(), lost, at);
    assert!(caught.is_empty(), "{caught:?}");
    let ended: Vec<CallChange> = after
        .iter()
        .flat_map(|(b, when)| t.feed(b, *when))
        .collect();
    let [CallChange::Ended(c)] = ended.as_slice() else {
        panic!("{ended:?}")
    };
    assert_eq!(c.agent.as_deref(), Some("101"));
    assert_eq!((c.ring_seconds(), c.talk_seconds()), (Some(2), Some(3)));
}

#[test]
fn an_answer_while_away_is_caught_up() {
    let (listed, at) = listing();
    // Dropped while both phones rang; 101 answered meanwhile.
    let (before, after) =
        split(|b| b.event() == Some("Newstate") && b.get("ChannelStateDesc") == Some("Up"));
    let mut t = tracker();
    let heard: Vec<CallChange> = before
        .iter()
        .flat_map(|(b, when)| t.feed(b, *when))
        .collect();
    assert_eq!(kinds(&heard), ["started", "ringing", "ringing"]);
    let lost = before.last().unwrap().1;
    let caught = t.reconcile(&asked(&t), &listed, &Heard::default(), lost, at);
    assert_eq!(
        caught,
        [CallChange::Answered {
            linkedid: "1795348480.3".into(),
            extension: "101".into()
        }]
    );
    // The rest of the call as it came after the list.
    let rest: Vec<CallChange> = after
        .iter()
        .filter(|(_, when)| *when > at)
        .flat_map(|(b, when)| t.feed(b, *when))
        .collect();
    let [CallChange::Ended(c)] = rest.as_slice() else {
        panic!("{rest:?}")
    };
    assert_eq!(c.agent.as_deref(), Some("101"));
    assert_eq!(c.answered_at, Some(at));
    assert_eq!(t.in_progress().count(), 0);
}

#[test]
fn a_call_that_ended_while_away_ends_when_the_link_was_lost() {
    let (before, _) = split(|b| b.event() == Some("BridgeLeave"));
    let mut t = tracker();
    for (b, when) in &before {
        t.feed(b, *when);
    }
    let lost = before.last().unwrap().1;
    let later = lost + Duration::seconds(40);
    let caught = t.reconcile(&asked(&t), &[], &Heard::default(), lost, later);
    let [CallChange::Ended(c)] = caught.as_slice() else {
        panic!("{caught:?}")
    };
    assert_eq!(c.ended_at, Some(lost));
    assert_eq!(c.agent.as_deref(), Some("101"));
    assert!(c.unheard && !c.missed());
    assert_eq!(t.in_progress().count(), 0);
}

#[test]
fn a_call_begun_while_away_is_followed_from_the_list() {
    let (listed, at) = listing();
    let mut t = tracker();
    let caught = t.reconcile(&[], &listed, &Heard::default(), at, at);
    assert_eq!(kinds(&caught), ["started", "answered"]);
    let CallChange::Started(c) = &caught[0] else {
        unreachable!()
    };
    assert_eq!(
        (c.number.as_deref(), c.name.as_deref(), c.did.as_deref()),
        (
            Some("+77011234567"),
            Some("Aliya Nurlanovna"),
            Some("5550100")
        )
    );
    assert_eq!(c.direction, Direction::Incoming);
    // Its channel had been up two seconds when listed.
    assert_eq!(c.started_at, at - Duration::seconds(2));
    let (_, after) = split(|b| b.event() == Some("HangupRequest"));
    let rest: Vec<CallChange> = after
        .iter()
        .flat_map(|(b, when)| t.feed(b, *when))
        .collect();
    let [CallChange::Ended(c)] = rest.as_slice() else {
        panic!("{rest:?}")
    };
    assert_eq!(c.agent.as_deref(), Some("101"));
    assert_eq!(c.hung_up_by, Some(Side::Outside));

    // A channel hung up while the list was coming is not taken from it.
    let mut t = tracker();
    let heard = Heard {
        gone: HashSet::from(["1795348480.3".into(), "1795348480.4".into()]),
        ended: HashMap::from([("1795348480.3".into(), at)]),
        ..Heard::default()
    };
    assert!(t.reconcile(&[], &listed, &heard, at, at).is_empty());
}

#[test]
fn hangups_heard_while_the_list_comes_end_the_call_then() {
    let (listed, at) = listing();
    // Followed until the phones rang; 101 answered and 102's leg hung up unheard; the list
    // shows the two talking, whose hangups come live before the list is complete.
    let (before, _) = split(|b| b.event() == Some("DialState"));
    let mut t = tracker();
    for (b, when) in &before {
        t.feed(b, *when);
    }
    let lost = before.last().unwrap().1;
    let hangup = at + Duration::milliseconds(5);
    let heard = Heard {
        gone: HashSet::from(["1795348480.3".into(), "1795348480.4".into()]),
        ended: HashMap::from([("1795348480.3".into(), hangup)]),
        ..Heard::default()
    };
    let caught = t.reconcile(&asked(&t), &listed, &heard, lost, at + Duration::seconds(1));
    let [CallChange::Answered { extension, .. }, CallChange::Ended(c)] = caught.as_slice() else {
        panic!("{caught:?}")
    };
    assert_eq!(extension, "101");
    assert_eq!((c.ended_at, c.unheard), (Some(hangup), false));
    // Answered, not missed: by the time it was over at the latest.
    assert!(c.answered_at.is_some_and(|a| a <= hangup) && !c.missed());

    // A channel made while the list was coming keeps its call going.
    let mut t = tracker();
    for (b, when) in &before {
        t.feed(b, *when);
    }
    let newborn = t
        .in_progress()
        .next()
        .unwrap()
        .legs
        .iter()
        .next()
        .unwrap()
        .clone();
    let heard = Heard {
        born: HashSet::from([newborn]),
        ..Heard::default()
    };
    assert!(t.reconcile(&asked(&t), &[], &heard, lost, at).is_empty());
    assert_eq!(t.in_progress().count(), 1);
}

#[test]
fn a_pbx_that_will_not_list_ends_the_calls_as_they_stand() {
    let (before, _) = split(|b| b.event() == Some("BridgeLeave"));
    let mut t = tracker();
    for (b, when) in &before {
        t.feed(b, *when);
    }
    let lost = before.last().unwrap().1;
    let ended = t.give_up(&asked(&t), lost);
    let [CallChange::Ended(c)] = ended.as_slice() else {
        panic!("{ended:?}")
    };
    assert!(c.unheard && c.answered_at.is_some());
    assert_eq!(t.in_progress().count(), 0);
}
