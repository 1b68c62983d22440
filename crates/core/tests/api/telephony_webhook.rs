//! A cloud PBX posting signed events into the core: refused until one is set up, with a
//! wrong secret or an old timestamp, taken once; the popup, answer and end reach the user
//! whose extension rang, and the call is kept as that user's.

use hallpass_core::api::*;
use hallpass_core::telephony::live::{self, webhook_receive};
use hallpass_core::telephony::webhook::{sign, WebhookError};

use crate::support::each_engine;
use crate::telephony_live::{next_call, user_id, visiting_parent, wait_for};

#[tokio::test]
async fn a_cloud_pbx_posts_signed_events_once() {
    each_engine(|t| async move {
        t.demo().await;
        let manager = t.login("manager").await;
        let parent = visiting_parent(&t, &manager).await;
        live::start(&t.core);
        let now = t.core.now().timestamp();
        let post = |body: String, at: i64, secret: &str| {
            let signature = sign(secret.as_bytes(), at, body.as_bytes());
            let core = t.core.clone();
            async move {
                webhook_receive(
                    &core,
                    Some(&at.to_string()),
                    Some(&signature),
                    body.as_bytes(),
                )
                .await
            }
        };
        let started = r#"{"id":"e1","type":"started","call_id":"c1","number":"+77011234567","did":"+85621412345"}"#;
        assert_eq!(
            post(started.into(), now, "a-long-shared-secret").await,
            Err(WebhookError::Off),
            "no cloud PBX set up yet"
        );
        let mgr_id = user_id(&t, &manager).await;
        t.core
            .pbx_settings_update(
                Some(&manager),
                PbxSettingsUpdateArgs {
                    version: t
                        .core
                        .pbx_settings_get(Some(&manager), NoArgs {})
                        .await
                        .unwrap()
                        .version,
                    settings: PbxSettingsInput {
                        kind: PbxKind::Webhook,
                        address: String::new(),
                        username: String::new(),
                        secret: None,
                        dial_context: String::new(),
                        dial_prefix: String::new(),
                        dial_format: DialFormat::National,
                        webhook_secret: Some("a-long-shared-secret".into()),
                        extensions: vec![PbxExtensionInput {
                            extension: "102".into(),
                            user_id: mgr_id,
                        }],
                    },
                },
            )
            .await
            .unwrap();
        let mut stream = t
            .core
            .changes_subscribe(Some(&manager), None)
            .await
            .unwrap();
        assert_eq!(
            post(started.into(), now, "not-the-secret-at-all").await,
            Err(WebhookError::BadSignature)
        );
        assert_eq!(
            post(started.into(), now - 600, "a-long-shared-secret").await,
            Err(WebhookError::Stale)
        );
        // An event before its call started is refused, and its retry, once the call has
        // started, is taken.
        let early = r#"{"id":"e0","type":"ringing","call_id":"c1","extension":"102"}"#;
        assert!(matches!(
            post(early.into(), now, "a-long-shared-secret").await,
            Err(WebhookError::Invalid(_))
        ));
        post(started.into(), now, "a-long-shared-secret")
            .await
            .unwrap();
        assert_eq!(
            post(started.into(), now, "a-long-shared-secret").await,
            Err(WebhookError::Replayed),
            "a captured request cannot be played again"
        );
        let ev = |id: &str, kind: &str| {
            format!(r#"{{"id":"{id}","type":"{kind}","call_id":"c1","extension":"102"}}"#)
        };
        post(early.into(), now, "a-long-shared-secret")
            .await
            .unwrap();
        let CallEvent::Ringing { popup } = next_call(&mut stream).await else {
            panic!("ringing")
        };
        assert_eq!(popup.cards[0].client.id, parent.id);
        post(ev("e3", "answered"), now, "a-long-shared-secret")
            .await
            .unwrap();
        post(ev("e4", "ended"), now, "a-long-shared-secret")
            .await
            .unwrap();
        assert!(matches!(
            next_call(&mut stream).await,
            CallEvent::Answered { .. }
        ));
        assert!(matches!(
            next_call(&mut stream).await,
            CallEvent::Ended { .. }
        ));
        let day = crate::telephony_live::today(&t);
        let args = || CallsListArgs {
            from: day.clone(),
            to: day.clone(),
            ..Default::default()
        };
        wait_for(async || {
            t.core
                .calls_list(Some(&manager), args())
                .await
                .unwrap()
                .iter()
                .any(|c| c.user.as_ref().map(|u| u.id) == Some(mgr_id))
        })
        .await;
    })
    .await;
}
