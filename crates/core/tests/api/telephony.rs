//! The call log from the recorded Asterisk sessions: calls kept once, matched to the cards
//! carrying their number; a missed call becomes a call-back for the card's manager, closed
//! once; who may read and act.

use chrono::DateTime;
use hallpass_core::api::*;
use hallpass_core::telephony::ami::{Frame, Framer};
use hallpass_core::telephony::calls::{CallChange, TrackedCall, Tracker};
use hallpass_core::telephony::log::record;

use crate::support::each_engine;

/// The calls a recorded session ends, at their recorded times.
pub fn ended(name: &str) -> Vec<TrackedCall> {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures/ami");
    let wire = std::fs::read(dir.join(format!("ami-{name}.txt"))).unwrap();
    let times = std::fs::read_to_string(dir.join(format!("ami-{name}.timestamps.tsv"))).unwrap();
    let times = times.lines().filter(|l| !l.starts_with('#')).map(|l| {
        let epoch: f64 = l.split('\t').nth(3).unwrap().parse().unwrap();
        DateTime::from_timestamp_micros((epoch * 1e6).round() as i64).unwrap()
    });
    let mut framer = Framer::new(64 * 1024);
    framer.push(&wire);
    let mut tracker = Tracker::new(["101".to_string(), "102".to_string()]);
    std::iter::from_fn(|| framer.next_frame())
        .zip(times)
        .flat_map(|(f, at)| match f.unwrap() {
            Frame::Block(b) => tracker.feed(&b, at),
            Frame::Banner(_) => Vec::new(),
        })
        .filter_map(|c| match c {
            CallChange::Ended(call) => Some(call),
            _ => None,
        })
        .collect()
}

#[tokio::test]
async fn calls_are_logged_once_and_a_missed_one_is_called_back() {
    each_engine(|t| async move {
        t.demo().await;
        // Without the demo's own calls.
        t.exec("DELETE FROM callbacks").await;
        t.exec("DELETE FROM messages_in").await;
        t.exec("DELETE FROM call_ratings").await;
        t.exec("DELETE FROM calls").await;
        let reception = t.login("reception").await;
        let desk = Some(reception.as_str());
        // A demo parent with a phone and a responsible manager calls, and nobody answers.
        let page = t
            .core
            .clients_search(
                desk,
                ClientsSearchArgs {
                    query: String::new(),
                    limit: Some(200),
                    ..Default::default()
                },
            )
            .await
            .unwrap();
        let parent = page
            .items
            .iter()
            .find(|c| c.phone.is_some() && c.manager_id.is_some())
            .expect("a card with a phone and a manager")
            .clone();
        let mut missed = ended("b").remove(0);
        missed.number = parent.phone.clone();
        let (id, new) = record(&t.core, &missed, None).await.unwrap();
        assert!(new);
        assert_eq!(
            record(&t.core, &missed, None).await.unwrap(),
            (id, false),
            "the same call again is kept once"
        );
        // An answered call from abroad.
        let answered = ended("a").remove(0);
        record(&t.core, &answered, None).await.unwrap();

        let day = |s: &str| Some(s.to_string());
        let calls = t
            .core
            .calls_list(
                desk,
                CallsListArgs {
                    from: day("2026-11-21"),
                    to: day("2026-11-23"),
                    ..Default::default()
                },
            )
            .await
            .unwrap();
        assert_eq!(calls.len(), 2);
        let a = calls.iter().find(|c| !c.missed).unwrap();
        assert_eq!(
            (
                a.direction.as_str(),
                a.number.as_deref(),
                a.extension.as_deref()
            ),
            ("incoming", Some("+77011234567"), Some("101"))
        );
        assert_eq!(
            (a.ring_seconds, a.talk_seconds, a.hung_up_by.as_deref()),
            (2, 3, Some("outside"))
        );
        assert_eq!(a.rang, ["101", "102"]);
        assert_eq!(a.clients.len(), 1, "the demo's visiting parent carries it");
        let b = calls.iter().find(|c| c.missed).unwrap();
        assert_eq!(
            b.clients.iter().map(|c| c.id).collect::<Vec<_>>(),
            [parent.id]
        );
        assert_eq!(b.ring_seconds, 10);
        // On the parent's timeline, as missed.
        let timeline = t
            .core
            .client_timeline_list(
                desk,
                TimelineListArgs {
                    client_id: parent.id,
                    kinds: Vec::new(),
                    before: None,
                    limit: None,
                },
            )
            .await
            .unwrap();
        assert!(timeline
            .items
            .iter()
            .any(|e| matches!(e.event, Some(TimelineEvent::Call { missed: true, .. }))));
        // The card's own calls; missed only.
        let mine = CallsListArgs {
            from: day("2026-11-21"),
            to: day("2026-11-23"),
            client_id: Some(parent.id),
            ..Default::default()
        };
        assert_eq!(t.core.calls_list(desk, mine).await.unwrap().len(), 1);
        let only = CallsListArgs {
            from: day("2026-11-21"),
            to: day("2026-11-23"),
            missed_only: true,
            ..Default::default()
        };
        assert!(t
            .core
            .calls_list(desk, only)
            .await
            .unwrap()
            .iter()
            .all(|c| c.missed));
        // A half-typed day is refused at its field.
        let bad = t
            .core
            .calls_list(
                desk,
                CallsListArgs {
                    from: day("2026-11"),
                    ..Default::default()
                },
            )
            .await;
        assert!(matches!(bad, Err(ApiError::Validation { errors }) if errors[0].field == "from"));

        // The call-back: the parent's, for their manager, closed once.
        let open = t
            .core
            .callbacks_list(desk, CallbacksListArgs::default())
            .await
            .unwrap();
        assert_eq!(open.len(), 1);
        let cb = &open[0];
        assert_eq!(cb.client.as_ref().map(|c| c.id), Some(parent.id));
        assert_eq!(cb.assigned_to.as_ref().map(|u| u.id), parent.manager_id);
        assert_eq!(cb.status, "open");
        let close = |version: i64| CallbackCloseArgs {
            id: cb.id,
            version,
            outcome: CallbackOutcome::CalledBack,
            note: "Booked a trial".into(),
        };
        assert!(matches!(
            t.core.callback_close(desk, close(cb.version + 1)).await,
            Err(ApiError::Conflict { .. })
        ));
        let done = t
            .core
            .callback_close(desk, close(cb.version))
            .await
            .unwrap();
        assert_eq!(
            (done.status.as_str(), done.note.as_str()),
            ("called_back", "Booked a trial")
        );
        assert!(done.closed_by.is_some());
        assert!(
            matches!(
                t.core.callback_close(desk, close(done.version)).await,
                Err(ApiError::Conflict { .. })
            ),
            "closed once"
        );
        assert!(t
            .core
            .callbacks_list(desk, CallbacksListArgs::default())
            .await
            .unwrap()
            .is_empty());
        let all = CallbacksListArgs {
            include_closed: true,
            mine: false,
        };
        assert_eq!(t.core.callbacks_list(desk, all).await.unwrap().len(), 1);

        // An instructor sees no calls.
        let instructor = t.login("instructor").await;
        let refused = t
            .core
            .calls_list(Some(instructor.as_str()), CallsListArgs::default())
            .await;
        assert!(
            matches!(refused, Err(ApiError::Forbidden { .. })),
            "{refused:?}"
        );
    })
    .await;
}

#[tokio::test]
async fn pbx_settings_keep_their_secrets() {
    each_engine(|t| async move {
        t.demo().await;
        let mgr = t.login("manager").await;
        let mgr = Some(mgr.as_str());
        let reception = t.core.session_get(mgr, NoArgs {}).await.unwrap().id;
        let s = t.core.pbx_settings_get(mgr, NoArgs {}).await.unwrap();
        // The demo's desks have extensions; no PBX is connected.
        assert_eq!((s.kind, s.secret_set), (PbxKind::None, false));
        assert_eq!(s.extensions.len(), 2);
        let input = |secret: Option<&str>, ext: &str| PbxSettingsInput {
            kind: PbxKind::Asterisk,
            address: "192.168.1.10:5038".into(),
            username: "crm".into(),
            secret: secret.map(str::to_string),
            dial_context: String::new(),
            dial_prefix: "8".into(),
            dial_format: DialFormat::National,
            webhook_secret: None,
            extensions: vec![PbxExtensionInput {
                extension: ext.into(),
                user_id: reception,
            }],
        };
        // Everything wrong at once, each at its field; nothing is kept.
        let mut bad = input(None, "10 1");
        bad.address = "pbx".into();
        bad.dial_prefix = "8#".into();
        let Err(ApiError::Validation { errors }) = t
            .core
            .pbx_settings_update(
                mgr,
                PbxSettingsUpdateArgs {
                    version: s.version,
                    settings: bad,
                },
            )
            .await
        else {
            panic!("refused")
        };
        let fields: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
        for f in [
            "settings.address",
            "settings.dial_prefix",
            "settings.secret",
            "settings.extensions.0.extension",
        ] {
            assert!(fields.contains(&f), "{f} in {fields:?}");
        }
        let saved = t
            .core
            .pbx_settings_update(
                mgr,
                PbxSettingsUpdateArgs {
                    version: s.version,
                    settings: input(Some("s3cret"), "101"),
                },
            )
            .await
            .unwrap();
        assert!(saved.secret_set);
        assert_eq!(saved.dial_context, "internal");
        assert_eq!(saved.extensions[0].extension, "101");
        assert!(
            !serde_json::to_string(&saved).unwrap().contains("s3cret"),
            "never sent back"
        );
        // A change without the secret keeps it; the connector gets it.
        let again = t
            .core
            .pbx_settings_update(
                mgr,
                PbxSettingsUpdateArgs {
                    version: saved.version,
                    settings: input(None, "102"),
                },
            )
            .await
            .unwrap();
        assert!(again.secret_set);
        let config = hallpass_core::telephony::settings::ami_config(&t.core)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(
            (config.secret.as_str(), config.extensions.as_slice()),
            ("s3cret", ["102".to_string()].as_slice())
        );
        // A stale version is a conflict.
        let stale = t
            .core
            .pbx_settings_update(
                mgr,
                PbxSettingsUpdateArgs {
                    version: saved.version,
                    settings: input(None, "103"),
                },
            )
            .await;
        assert!(matches!(stale, Err(ApiError::Conflict { .. })));
        // Reception may not see or change it.
        let desk = t.login("reception").await;
        assert!(matches!(
            t.core
                .pbx_settings_get(Some(desk.as_str()), NoArgs {})
                .await,
            Err(ApiError::Forbidden { .. })
        ));
    })
    .await;
}
