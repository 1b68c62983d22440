//! The PBX at work, end to end in the core: a peer replaying the recorded Asterisk sessions
//! (or a cloud PBX's signed webhook events) into the running connector; the popup reaching the
//! reader whose extension rings, filled in as that reader may see it; answered and ended;
//! the call kept in the log; click-to-call through the recorded `Originate`.

use std::time::Duration;

use hallpass_core::api::*;
use hallpass_core::changes::{ChangeStream, StreamItem};
use hallpass_core::telephony::ami::replay::{serve_times, Recording};
use hallpass_core::telephony::live;
use tokio::sync::mpsc;

use crate::support::{each_engine, TestCore};

/// The demo parent whose number the recordings call from.
pub async fn visiting_parent(t: &TestCore, token: &str) -> ClientSummary {
    let found = t
        .core
        .clients_by_phone(
            Some(token),
            ClientsByPhoneArgs {
                phone: "+77011234567".into(),
            },
        )
        .await
        .unwrap();
    found.matches[0].client.clone()
}

pub async fn user_id(t: &TestCore, token: &str) -> uuid::Uuid {
    t.core.session_get(Some(token), NoArgs {}).await.unwrap().id
}

/// The office PBX at `address`, 101 the reception's and 102 the manager's.
pub async fn asterisk_at(t: &TestCore, manager: &str, reception: &str, address: String) {
    let version = t
        .core
        .pbx_settings_get(Some(manager), NoArgs {})
        .await
        .unwrap()
        .version;
    let extensions = vec![
        PbxExtensionInput {
            extension: "101".into(),
            user_id: user_id(t, reception).await,
        },
        PbxExtensionInput {
            extension: "102".into(),
            user_id: user_id(t, manager).await,
        },
    ];
    t.core
        .pbx_settings_update(
            Some(manager),
            PbxSettingsUpdateArgs {
                version,
                settings: PbxSettingsInput {
                    kind: PbxKind::Asterisk,
                    address,
                    username: "crm".into(),
                    secret: Some("s3cret".into()),
                    dial_context: "internal".into(),
                    dial_prefix: String::new(),
                    dial_format: DialFormat::National,
                    webhook_secret: None,
                    extensions,
                },
            },
        )
        .await
        .unwrap();
}

/// The next call event on `stream` (changes are skipped).
pub async fn next_call(stream: &mut ChangeStream) -> CallEvent {
    loop {
        let item = tokio::time::timeout(Duration::from_secs(20), stream.next())
            .await
            .expect("a call event in time");
        if let StreamItem::Call(e) = item {
            return *e;
        }
    }
}

/// Today's calls, once the connector has kept at least one.
pub async fn calls_today(t: &TestCore, token: &str) -> Vec<Call> {
    let args = || CallsListArgs {
        from: today(t),
        to: today(t),
        ..Default::default()
    };
    wait_for(async || {
        !t.core
            .calls_list(Some(token), args())
            .await
            .unwrap()
            .is_empty()
    })
    .await;
    t.core.calls_list(Some(token), args()).await.unwrap()
}

pub async fn wait_for(mut done: impl AsyncFnMut() -> bool) {
    for _ in 0..200 {
        if done().await {
            return;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("not in time");
}

/// The test clock's day in the demo centre (the connector stamps calls with the core's clock).
pub fn today(t: &TestCore) -> Option<String> {
    let zone: chrono_tz::Tz = "Asia/Vientiane".parse().unwrap();
    Some(t.core.now().with_timezone(&zone).date_naive().to_string())
}

#[tokio::test]
async fn a_replayed_call_pops_up_at_the_ringing_desk_and_is_kept() {
    each_engine(|t| async move {
        t.demo().await;
        let manager = t.login("manager").await;
        let reception = t.login("reception").await;
        let parent = visiting_parent(&t, &reception).await;
        live::start(&t.core);
        let mut desk = t
            .core
            .changes_subscribe(Some(&reception), None)
            .await
            .unwrap();
        // The owner has no extension: none of this call reaches them.
        let owner = t.login("owner").await;
        let mut elsewhere = t.core.changes_subscribe(Some(&owner), None).await.unwrap();
        let (heard, _logins) = mpsc::unbounded_channel();
        let address = serve_times(Recording::fixture("a").unwrap(), 20.0, 1, heard)
            .await
            .unwrap();
        asterisk_at(&t, &manager, &reception, address).await;

        let CallEvent::Ringing { popup } = next_call(&mut desk).await else {
            panic!("ringing first")
        };
        assert_eq!(
            (popup.extension.as_str(), popup.number_e164.as_deref()),
            ("101", Some("+77011234567"))
        );
        let holder = &popup.cards[0];
        assert_eq!(
            (holder.client.id, holder.guardian_id),
            (parent.id, None),
            "{popup:?}"
        );
        assert!(holder.manager.is_none() || holder.manager.as_ref().unwrap().name.len() > 1);
        // The card's tasks: the call-back planned for this afternoon first.
        assert_eq!(
            holder
                .tasks
                .first()
                .map(|x| (x.title.as_str(), x.done_at.is_none())),
            Some(("Call back about the summer camp dates", true)),
            "{holder:?}"
        );
        let child = popup
            .cards
            .iter()
            .find(|c| c.guardian_id == Some(parent.id))
            .expect("the parent's child");
        assert!(!child.passes.is_empty(), "the child's pass: {child:?}");

        let CallEvent::Answered { by, extension, .. } = next_call(&mut desk).await else {
            panic!("answered next")
        };
        assert_eq!(extension, "101");
        assert_eq!(by.map(|u| u.name), Some("Noy Phommachanh".to_string()));
        assert!(matches!(
            next_call(&mut desk).await,
            CallEvent::Ended { .. }
        ));
        let heard = tokio::time::timeout(Duration::from_millis(300), async {
            loop {
                if let StreamItem::Call(e) = elsewhere.next().await {
                    return e;
                }
            }
        })
        .await;
        assert!(heard.is_err(), "the owner heard {heard:?}");

        let calls = calls_today(&t, &reception).await;
        let call = &calls[0];
        assert_eq!(
            (
                call.direction.as_str(),
                call.extension.as_deref(),
                call.missed
            ),
            ("incoming", Some("101"), false)
        );
        assert_eq!(
            call.user.as_ref().map(|u| u.id),
            Some(user_id(&t, &reception).await)
        );
        assert_eq!(call.clients[0].id, parent.id);
        let again = t
            .core
            .call_get(Some(&reception), CallGetArgs { id: call.id })
            .await
            .unwrap();
        assert_eq!(again.id, call.id);

        // The PBX hung up at the recording's end; the connector came back (and hears nothing).
        wait_for(async || {
            let s = t
                .core
                .pbx_status(Some(&reception), NoArgs {})
                .await
                .unwrap();
            s.link == PbxLink::Connected
        })
        .await;
        let s = t
            .core
            .pbx_status(Some(&reception), NoArgs {})
            .await
            .unwrap();
        assert_eq!(s.my_extension.as_deref(), Some("101"));
    })
    .await;
}

#[tokio::test]
async fn click_to_call_rings_the_desk_and_dials_the_number() {
    each_engine(|t| async move {
        t.demo().await;
        let manager = t.login("manager").await;
        let reception = t.login("reception").await;
        let parent = visiting_parent(&t, &reception).await;
        live::start(&t.core);
        let call = |number: &str| CallOriginateArgs {
            client_id: Some(parent.id),
            number: number.into(),
        };
        // No PBX yet: said so, nothing sent.
        let refused = t
            .core
            .call_originate(Some(&reception), call("+7 701 123 4567"))
            .await;
        assert!(
            matches!(refused, Err(ApiError::Unavailable { .. })),
            "{refused:?}"
        );
        let (heard, mut actions) = mpsc::unbounded_channel();
        let address = serve_times(Recording::fixture("d").unwrap(), 20.0, 1, heard)
            .await
            .unwrap();
        asterisk_at(&t, &manager, &reception, address).await;
        wait_for(async || {
            let s = t
                .core
                .pbx_status(Some(&reception), NoArgs {})
                .await
                .unwrap();
            s.link == PbxLink::Connected
        })
        .await;
        let bad = t
            .core
            .call_originate(Some(&reception), call("call me"))
            .await;
        assert!(matches!(bad, Err(ApiError::Validation { errors }) if errors[0].field == "number"));
        let placed = t
            .core
            .call_originate(Some(&reception), call("+7 701 123 4567"))
            .await
            .unwrap();
        assert_eq!(
            (placed.extension.as_str(), placed.dialled.as_str()),
            ("101", "87011234567")
        );
        let originate = loop {
            let b = actions.recv().await.unwrap();
            if b.get("Action") == Some("Originate") {
                break b;
            }
        };
        assert_eq!(
            (
                originate.get("Channel"),
                originate.get("Context"),
                originate.get("Exten")
            ),
            (Some("PJSIP/101"), Some("internal"), Some("87011234567"))
        );
        assert_eq!(
            originate.get("Variable"),
            Some(format!("HALLPASS_CLIENT={}", parent.id).as_str())
        );
        // An instructor has no phone of the centre's to call from.
        let instructor = t.login("instructor").await;
        assert!(matches!(
            t.core
                .call_originate(Some(&instructor), call("+7 701 123 4567"))
                .await,
            Err(ApiError::Forbidden { .. })
        ));
        // The recorded call goes on and ends: kept as the desk's outgoing call to the card.
        let calls = calls_today(&t, &reception).await;
        assert_eq!(
            (calls[0].direction.as_str(), calls[0].extension.as_deref()),
            ("outgoing", Some("101"))
        );
        assert_eq!(calls[0].clients[0].id, parent.id);
    })
    .await;
}

#[tokio::test]
async fn with_no_pbx_a_recorded_call_shows_the_desks_what_they_will_see() {
    each_engine(|t| async move {
        t.demo().await;
        let reception = t.login("reception").await;
        live::start(&t.core);
        wait_for(async || {
            t.core
                .pbx_status(Some(&reception), NoArgs {})
                .await
                .unwrap()
                .link
                == PbxLink::Off
        })
        .await;
        let mut desk = t
            .core
            .changes_subscribe(Some(&reception), None)
            .await
            .unwrap();
        t.core
            .pbx_demo_call(Some(&reception), NoArgs {})
            .await
            .unwrap();
        let CallEvent::Ringing { popup } = next_call(&mut desk).await else {
            panic!("ringing first")
        };
        assert_eq!(popup.extension, "101");
        assert!(popup.cards.len() >= 2, "the demo family: {popup:?}");
        // With a PBX set up, its own calls come in instead.
        let manager = t.login("manager").await;
        let (heard, _logins) = mpsc::unbounded_channel();
        let address = serve_times(Recording::fixture("login").unwrap(), 20.0, 0, heard)
            .await
            .unwrap();
        asterisk_at(&t, &manager, &reception, address).await;
        assert!(matches!(
            t.core.pbx_demo_call(Some(&reception), NoArgs {}).await,
            Err(ApiError::Conflict { .. })
        ));
    })
    .await;
}
