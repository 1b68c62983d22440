//! SMS through an HTTP gateway (a local sink): the text escaped for the gateway's JSON, the
//! kept key sent as `{secret}` and never shown; sending to what a saved search finds.

use hallpass_core::api::*;
use hallpass_core::messaging::outbox::drain;
use hallpass_core::messaging::sms_http;

use crate::messaging::{configure, free_port, gateway, settings, sqlx_ids, status_of};
use crate::support::each_engine;

#[tokio::test]
async fn an_sms_goes_through_the_http_gateway_escaped_for_its_json() {
    each_engine(|t| async move {
        t.demo().await;
        let manager = t.login("manager").await;
        let (sms_url, got) = gateway().await;
        configure(&t, &manager, settings(free_port(), &sms_url)).await;
        let client = sqlx_ids(
            &t,
            "SELECT client_id FROM client_phones ORDER BY client_id LIMIT 1",
        )
        .await[0];
        let sent = t
            .core
            .message_send(
                Some(&manager),
                MessageSendArgs {
                    channel: MessageChannel::Sms,
                    client_ids: vec![client],
                    group_id: None,
                    saved_filter_id: None,
                    template_id: None,
                    subject: String::new(),
                    body: "ສະບາຍດີ {client.first_name} \"{centre.name}\"".into(),
                },
            )
            .await
            .unwrap();
        assert_eq!(sent.queued, 1);
        drain(&t.core, &sms_http::client()).await.unwrap();
        let requests = got.lock().unwrap().clone();
        assert_eq!(requests.len(), 1);
        assert_eq!(
            requests[0].0, "Bearer gw-key-123",
            "the kept key, as {{secret}}"
        );
        let json: serde_json::Value = serde_json::from_str(&requests[0].1).expect("valid JSON");
        assert!(json["to"].as_str().unwrap().starts_with('+'));
        assert!(json["text"].as_str().unwrap().starts_with("ສະບາຍດີ "));
        assert!(json["text"].as_str().unwrap().contains("\"Sunny Days"));
        assert_eq!(json["from"], "SunnyDays");
        let list = status_of(&t, &manager, client).await;
        assert_eq!(list[0].status, MessageStatus::Sent);
        // To what one of the manager's saved searches finds: that card again.
        let card = t
            .core
            .client_get(Some(&manager), ClientGetArgs { id: client })
            .await
            .unwrap();
        let filter = t
            .core
            .saved_filters_save(
                Some(&manager),
                SavedFilterSaveArgs {
                    id: None,
                    name: "Just one".into(),
                    search: ClientsSearchArgs {
                        query: card.name.clone(),
                        ..Default::default()
                    },
                },
            )
            .await
            .unwrap();
        let by_filter = t
            .core
            .message_send(
                Some(&manager),
                MessageSendArgs {
                    channel: MessageChannel::Sms,
                    client_ids: Vec::new(),
                    group_id: None,
                    saved_filter_id: Some(filter.id),
                    template_id: None,
                    subject: String::new(),
                    body: "Hello {client.first_name}".into(),
                },
            )
            .await
            .unwrap();
        assert!(by_filter.queued >= 1, "{by_filter:?}");
        // Another user's saved search is not found.
        let reception = t.login("reception").await;
        let refused = t
            .core
            .message_send(
                Some(&reception),
                MessageSendArgs {
                    channel: MessageChannel::Sms,
                    client_ids: Vec::new(),
                    group_id: None,
                    saved_filter_id: Some(filter.id),
                    template_id: None,
                    subject: String::new(),
                    body: "Hello".into(),
                },
            )
            .await;
        assert!(
            matches!(&refused, Err(ApiError::Validation { errors }) if errors[0].field == "saved_filter_id"),
            "{refused:?}"
        );
        let shown = t
            .core
            .message_settings_get(Some(&manager), NoArgs {})
            .await
            .unwrap();
        assert!(shown.http_secret_set);
        assert!(
            !serde_json::to_string(&shown)
                .unwrap()
                .contains("gw-key-123"),
            "never shown"
        );
    })
    .await;
}

#[tokio::test]
async fn a_cards_language_and_opt_outs_are_kept_and_checked() {
    each_engine(|t| async move {
        t.demo().await;
        let desk = t.login("reception").await;
        let d = Some(desk.as_str());
        let client = sqlx_ids(&t, "SELECT id FROM clients ORDER BY id LIMIT 1").await[0];
        let bad = t
            .core
            .client_language_set(
                d,
                ClientLanguageArgs {
                    client_id: client,
                    language: "fr".into(),
                },
            )
            .await;
        assert!(
            matches!(&bad, Err(ApiError::Validation { errors }) if errors[0].field == "language"),
            "{bad:?}"
        );
        let set = t
            .core
            .client_language_set(
                d,
                ClientLanguageArgs {
                    client_id: client,
                    language: "lo".into(),
                },
            )
            .await
            .unwrap();
        assert_eq!(set.language, "lo");
        t.core
            .message_optout_set(
                d,
                MessageOptoutArgs {
                    client_id: client,
                    channel: MessageChannel::Sms,
                    opted_out: true,
                },
            )
            .await
            .unwrap();
        let got = t
            .core
            .client_messaging_get(d, ClientMessagingArgs { client_id: client })
            .await
            .unwrap();
        assert_eq!(
            (got.language.as_str(), got.opted_out),
            ("lo", vec![MessageChannel::Sms])
        );
    })
    .await;
}

#[tokio::test]
async fn class_fields_name_the_clients_next_class() {
    each_engine(|t| async move {
        t.demo().await;
        let manager = t.login("manager").await;
        let (sms_url, _) = gateway().await;
        configure(&t, &manager, settings(free_port(), &sms_url)).await;
        let member = sqlx_ids(
            &t,
            "SELECT m.client_id FROM group_members m WHERE m.left_on IS NULL \
             AND m.client_id IN (SELECT client_id FROM client_phones) ORDER BY m.client_id LIMIT 1",
        )
        .await[0];
        let sent = t
            .core
            .message_send(
                Some(&manager),
                MessageSendArgs {
                    channel: MessageChannel::Sms,
                    client_ids: vec![member],
                    group_id: None,
                    saved_filter_id: None,
                    template_id: None,
                    subject: String::new(),
                    body: "Next: {class.name} at {class.starts_at}".into(),
                },
            )
            .await
            .unwrap();
        assert_eq!(sent.queued, 1, "{:?}", sent.skipped);
        let body = status_of(&t, &manager, member).await[0].body.clone();
        let at = body.rsplit(" at ").next().unwrap();
        assert!(
            chrono::NaiveDateTime::parse_from_str(at, "%d.%m.%Y %H:%M")
                .is_ok_and(|d| d.date() >= chrono::NaiveDate::from_ymd_opt(2026, 11, 23).unwrap()),
            "{body}"
        );
    })
    .await;
}
