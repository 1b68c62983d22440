//! The office PBX's connection drops in the middle of a call and comes back: the connector
//! asks the PBX for its channels (`Status`, which the recordings' user may) and catches up —
//! the desk's popup hears the answer it missed and the end, and the call is kept in the log.

use hallpass_core::api::*;
use hallpass_core::telephony::ami::replay::{serve_peer, Peer, Recording};
use hallpass_core::telephony::live;
use tokio::sync::mpsc;

use hallpass_core::changes::ChangeStream;

use crate::support::{each_engine, TestCore};
use crate::telephony_live::{asterisk_at, calls_today, next_call, user_id, visiting_parent};

/// The demo's PBX pointed at a peer playing call a that drops the connection while both
/// phones ring and comes back at the first block holding `resume` (never: `None`). Returns the
/// reception's token and its live stream.
async fn dropped_while_ringing(t: &TestCore, resume: Option<&str>) -> (String, ChangeStream) {
    t.demo().await;
    let manager = t.login("manager").await;
    let reception = t.login("reception").await;
    live::start(&t.core);
    let desk = t
        .core
        .changes_subscribe(Some(&reception), None)
        .await
        .unwrap();
    let recording = Recording::fixture("a").unwrap();
    let at = |needle: &str| {
        recording
            .blocks
            .iter()
            .position(|(b, _)| String::from_utf8_lossy(b).contains(needle))
            .unwrap()
    };
    let cut = at("Event: DialState");
    let peer = Peer {
        drop: Some((cut, resume.map_or(usize::MAX, at))),
        ..Peer::new(20.0)
    };
    let (heard, _actions) = mpsc::unbounded_channel();
    let address = serve_peer(recording, peer, heard).await.unwrap();
    asterisk_at(t, &manager, &reception, address).await;
    (reception, desk)
}

#[tokio::test]
async fn a_call_answered_while_the_pbx_was_away_is_caught_up() {
    each_engine(|t| async move {
        // 101 answers unheard; the connector is back while they talk.
        let (reception, mut desk) = dropped_while_ringing(&t, Some("Variable: BRIDGEPEER")).await;
        let parent = visiting_parent(&t, &reception).await;

        let CallEvent::Ringing { popup } = next_call(&mut desk).await else {
            panic!("ringing first")
        };
        assert_eq!(popup.cards[0].client.id, parent.id);
        let CallEvent::Answered { by, extension, .. } = next_call(&mut desk).await else {
            panic!("answered next")
        };
        assert_eq!(
            (extension.as_str(), by.map(|u| u.id)),
            ("101", Some(user_id(&t, &reception).await))
        );
        assert!(matches!(
            next_call(&mut desk).await,
            CallEvent::Ended { .. }
        ));

        let calls = calls_today(&t, &reception).await;
        assert_eq!(calls.len(), 1, "{calls:?}");
        let call = &calls[0];
        assert_eq!(
            (call.extension.as_deref(), call.missed, call.clients[0].id),
            (Some("101"), false, parent.id)
        );
        assert!(!call.unheard, "its end was heard: {call:?}");
    })
    .await;
}

#[tokio::test]
async fn a_call_that_ended_while_the_pbx_was_away_is_kept_as_unheard() {
    each_engine(|t| async move {
        // Everything after the drop happens unheard.
        let (reception, mut desk) = dropped_while_ringing(&t, None).await;
        assert!(matches!(
            next_call(&mut desk).await,
            CallEvent::Ringing { .. }
        ));
        // Back, the PBX lists no channels: the popup closes.
        assert!(matches!(
            next_call(&mut desk).await,
            CallEvent::Ended { .. }
        ));

        let calls = calls_today(&t, &reception).await;
        let call = &calls[0];
        assert_eq!((call.unheard, call.missed), (true, false), "{call:?}");
        // Not known to be missed: nobody is asked to call back.
        let open = t
            .core
            .callbacks_list(Some(&reception), CallbacksListArgs::default())
            .await
            .unwrap();
        assert!(!open.iter().any(|c| c.call_id == call.id), "{open:?}");
        // The report counts it as of unknown outcome, out of the missed rate.
        let report = t
            .core
            .calls_report(
                Some(&reception),
                CallsReportArgs {
                    from: crate::telephony_live::today(&t),
                    to: crate::telephony_live::today(&t),
                    ..Default::default()
                },
            )
            .await
            .unwrap();
        let totals = &report.totals;
        assert_eq!(
            (
                totals.incoming,
                totals.unknown,
                totals.missed,
                totals.missed_permille
            ),
            (1, 1, 0, 0)
        );
    })
    .await;
}
