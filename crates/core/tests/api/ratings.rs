//! Rating after a call: an answered call from a card's number asks the number that called,
//! by SMS, to rate who answered (once a day); the reply — from a gateway that drops the `+` —
//! scores the call; the gateway's delivery report marks the SMS delivered; the report by
//! employee.

use hallpass_core::api::*;
use hallpass_core::messaging::outbox::drain;
use hallpass_core::messaging::rating::inbound::{self, Fate};
use hallpass_core::messaging::sms_http;
use hallpass_core::telephony::log::record;

use crate::messaging::{configure, free_port, gateway, settings, status_of};
use crate::support::each_engine;
use crate::telephony::ended;
use crate::telephony_live::{user_id, visiting_parent};

#[tokio::test]
async fn the_caller_rates_who_answered_by_replying_to_an_sms() {
    each_engine(|t| async move {
        t.demo().await;
        // Without the demo's own ratings.
        t.exec("DELETE FROM messages_in").await;
        t.exec("DELETE FROM call_ratings").await;
        let manager = t.login("manager").await;
        let mgr = Some(manager.as_str());
        let reception = t.login("reception").await;
        let (sms_url, got) = gateway().await;
        let template = t
            .core
            .message_templates_save(
                mgr,
                MessageTemplateSaveArgs {
                    id: None,
                    version: None,
                    template: MessageTemplateInput {
                        name: "Rate the call".into(),
                        channel: MessageChannel::Sms,
                        texts: vec![TemplateText {
                            language: "en".into(),
                            subject: String::new(),
                            body: "{centre.name}: how did {employee.name} help you? Reply 1-5."
                                .into(),
                        }],
                        archived: false,
                    },
                },
            )
            .await
            .unwrap();
        let mut s = settings(free_port(), &sms_url);
        s.rating_template_id = Some(template.id);
        s.rating_min_talk = 0;
        let kept = configure(&t, &manager, s).await;
        assert_eq!(kept.rating_template_id, Some(template.id));
        assert_eq!(
            kept.inbound_key.len(),
            32,
            "a key made when the settings were"
        );

        // The visiting parent calls and the reception answers.
        let parent = visiting_parent(&t, &manager).await;
        let desk = user_id(&t, &reception).await;
        let call = ended("a").remove(0);
        let (call_id, _) = record(&t.core, &call, Some(desk)).await.unwrap();
        let asked = status_of(&t, &manager, parent.id).await;
        assert_eq!(asked.len(), 1, "{asked:?}");
        assert_eq!(asked[0].address, "+77011234567");
        let me = t
            .core
            .session_get(Some(&reception), NoArgs {})
            .await
            .unwrap();
        assert!(
            asked[0]
                .body
                .contains(&format!("how did {} help", me.display_name)),
            "{}",
            asked[0].body
        );
        // Calling again the same day asks nothing more.
        let mut again = ended("a").remove(0);
        again.linkedid.push_str("-2");
        again.started_at += chrono::Duration::minutes(30);
        record(&t.core, &again, Some(desk)).await.unwrap();
        assert_eq!(status_of(&t, &manager, parent.id).await.len(), 1);
        drain(&t.core, &sms_http::client()).await.unwrap();
        assert_eq!(got.lock().unwrap().len(), 1);

        // The reply, from a gateway that writes the number without its +.
        assert!(matches!(
            inbound::check_key(&t.core, "not-the-key").await,
            Err(ApiError::Unauthenticated { .. })
        ));
        inbound::check_key(&t.core, &kept.inbound_key)
            .await
            .unwrap();
        inbound::received(&t.core, "77011234567", "5 спасибо!")
            .await
            .unwrap();
        let ratings = t
            .core
            .call_ratings_list(
                mgr,
                CallRatingsArgs {
                    from: None,
                    to: None,
                },
            )
            .await
            .unwrap();
        assert_eq!(ratings.employees.len(), 1);
        let e = &ratings.employees[0];
        assert_eq!(
            (e.user_id, e.asked, e.rated, e.average_x100),
            (desk, 1, 1, Some(500))
        );
        assert_eq!(ratings.replies[0].call_id, call_id);
        assert_eq!(ratings.replies[0].client_id, parent.id);
        assert_eq!(ratings.replies[0].reply, "5 спасибо!");
        // On the parent's timeline.
        let timeline = t
            .core
            .client_timeline_list(
                mgr,
                TimelineListArgs {
                    client_id: parent.id,
                    kinds: vec![],
                    before: None,
                    limit: Some(20),
                },
            )
            .await
            .unwrap();
        assert!(
            timeline
                .items
                .iter()
                .any(|i| matches!(&i.event, Some(TimelineEvent::Reply { score: Some(5), .. }))),
            "{timeline:?}"
        );
        // A second reply is kept, not a second score.
        inbound::received(&t.core, "+77011234567", "1")
            .await
            .unwrap();
        let ratings = t
            .core
            .call_ratings_list(
                mgr,
                CallRatingsArgs {
                    from: None,
                    to: None,
                },
            )
            .await
            .unwrap();
        assert_eq!(ratings.employees[0].average_x100, Some(500));
        assert_eq!(t.count("messages_in").await, 2);

        // The gateway's delivery report.
        assert!(
            inbound::status(&t.core, "sms-1", Fate::parse("DELIVRD"), "DELIVRD")
                .await
                .unwrap()
        );
        assert!(
            !inbound::status(&t.core, "sms-404", Fate::Delivered, "delivered")
                .await
                .unwrap()
        );
        let list = status_of(&t, &manager, parent.id).await;
        assert_eq!(list[0].status, MessageStatus::Delivered);
    })
    .await;
}

#[tokio::test]
async fn a_new_inbound_key_refuses_the_old_one_and_stays_out_of_the_audit_log() {
    each_engine(|t| async move {
        t.demo().await;
        let owner = t.login("owner").await;
        let own = Some(owner.as_str());
        let before = t.core.message_settings_get(own, NoArgs {}).await.unwrap();
        let old = before.inbound_key.clone();
        inbound::check_key(&t.core, &old).await.unwrap();
        let after = t
            .core
            .message_inbound_key_rotate(
                own,
                MessageInboundKeyRotateArgs {
                    version: before.version,
                },
            )
            .await
            .unwrap();
        let new = after.inbound_key.clone();
        assert!(new.len() == 32 && new.chars().all(|c| c.is_ascii_hexdigit()) && new != old);
        assert_eq!(after.version, before.version + 1);
        assert!(matches!(
            inbound::check_key(&t.core, &old).await,
            Err(ApiError::Unauthenticated { .. })
        ));
        inbound::check_key(&t.core, &new).await.unwrap();
        // The version read is needed: an old one is refused and the key stays.
        let stale = t
            .core
            .message_inbound_key_rotate(
                own,
                MessageInboundKeyRotateArgs {
                    version: before.version,
                },
            )
            .await
            .unwrap_err();
        assert!(matches!(stale, ApiError::Conflict { .. }), "{stale:?}");
        inbound::check_key(&t.core, &new).await.unwrap();
        // Only those who configure messaging may.
        let desk = t.login("reception").await;
        let refused = t
            .core
            .message_inbound_key_rotate(
                Some(&desk),
                MessageInboundKeyRotateArgs {
                    version: after.version,
                },
            )
            .await
            .unwrap_err();
        assert!(matches!(refused, ApiError::Forbidden { .. }), "{refused:?}");
        let audit = t
            .core
            .audit_search(
                own,
                AuditSearchArgs {
                    entity: Some("message_settings".into()),
                    ..Default::default()
                },
            )
            .await
            .unwrap();
        let row = audit
            .rows
            .iter()
            .find(|r| r.operation == "message_inbound_key_rotate")
            .expect("audited");
        let text = serde_json::to_string(row).unwrap();
        assert!(!text.contains(&new) && !text.contains(&old), "{text}");
    })
    .await;
}
