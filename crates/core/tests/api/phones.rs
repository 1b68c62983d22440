//! Phone numbers are a permission of their own: a role without it finds them in no
//! operation (the card, a child's guardian, the list, the lookup by number, the export, the
//! audit log) and no event; it cannot find a card by searching its number; saving a card
//! keeps the stored numbers; and roles made before the permission existed keep what they saw.

use hallpass_core::api::*;
use hallpass_core::ops::OPERATIONS;
use serde_json::json;

use crate::helpers::new_login;
use crate::support::{each_engine, TestCore};

/// The number in every form it may take in a result.
fn leaks(v: &serde_json::Value) -> bool {
    use base64::Engine;
    let decoded = v["content"]
        .as_str()
        .and_then(|c| base64::engine::general_purpose::STANDARD.decode(c).ok())
        .map(|b| String::from_utf8_lossy(&b).into_owned())
        .unwrap_or_default();
    let text = format!("{v} {decoded}");
    ["59991357", "5999 1357", "5999-1357"]
        .iter()
        .any(|n| text.contains(n))
}

async fn role_without_phones(t: &TestCore, admin: &str) -> String {
    let mut all_but = Permission::ALL.to_vec();
    all_but.retain(|p| *p != Permission::ClientsPhones);
    let role = t
        .core
        .role_create(
            Some(admin),
            RoleCreateArgs {
                name: "All but phones".into(),
                permissions: all_but,
                template: Some(Role::Admin),
            },
        )
        .await
        .unwrap();
    new_login(&t.core, Some(admin), "nophones", "No Phones", role.id)
        .await
        .0
}

#[tokio::test]
async fn phones_never_reach_a_role_without_the_permission() {
    each_engine(|t| async move {
        t.demo().await;
        let mgr = t.login("manager").await;
        let adm = t.login("admin").await;
        let create = |v: serde_json::Value| serde_json::from_value::<ClientCreateArgs>(v).unwrap();
        let parent = t
            .core
            .client_create(Some(&mgr), create(json!({"client": {"name": "Phone Secret", "birth_date": "1985-02-02", "card_number": "77123",
                "phones": [{"number": "020 5999 1357"}], "messengers": [{"app": "whatsapp", "handle": "+856 20 5999-1357"}]}})))
            .await
            .unwrap();
        let child = t
            .core
            .client_create(Some(&mgr), create(json!({"client": {"name": "Phone Secret Junior", "birth_date": "2018-02-02",
                "guardians": [{"client_id": parent.id, "relation": "mother"}]}})))
            .await
            .unwrap();
        let nophones = role_without_phones(&t, &adm).await;
        let mut tokens = vec![nophones.clone(), t.login("instructor").await, t.login("accountant").await];
        let mut streams = Vec::new();
        for tok in &tokens {
            streams.push(t.core.changes_subscribe(Some(tok), None).await.unwrap());
        }
        // A control: reception, who sees phones, hears that they changed.
        let reception = t.login("reception").await;
        let mut seeing = t.core.changes_subscribe(Some(&reception), None).await.unwrap();
        let changed = t
            .core
            .client_update(Some(&mgr), serde_json::from_value(json!({"id": parent.id, "version": parent.version,
                "client": {"name": "Phone Secret", "birth_date": "1985-02-02", "card_number": "77123",
                "phones": [{"number": "020 5999 1357"}, {"number": "030 5999 1357"}],
                "messengers": [{"app": "whatsapp", "handle": "+856 20 5999-1357"}]}})).unwrap())
            .await
            .unwrap();
        let item = tokio::time::timeout(std::time::Duration::from_secs(10), seeing.next()).await.unwrap();
        let hallpass_core::changes::StreamItem::Event(e) = item else { panic!("{item:?}") };
        assert!(e.fields.iter().any(|f| f == "phones"), "{e:?}");
        for s in &mut streams {
            let item = tokio::time::timeout(std::time::Duration::from_secs(10), s.next()).await.unwrap();
            let hallpass_core::changes::StreamItem::Event(e) = item else { panic!("{item:?}") };
            assert!(!e.fields.iter().any(|f| f == "phones"), "{e:?}");
        }

        // Every operation with the arguments that reach these cards: no number anywhere.
        let bodies = [
            json!({}),
            json!({"id": parent.id}),
            json!({"id": child.id}),
            json!({"client_id": child.id}),
            json!({"entity_id": parent.id}),
            json!({"query": "Phone Secret"}),
            json!({"query": "020 5999 1357"}),
            json!({"phone": "+8562059991357"}),
            json!({"format": "csv", "query": "Phone Secret"}),
            json!({"format": "html", "query": "Phone Secret"}),
        ];
        tokens.push(reception); // allowed: a control that the probe works
        let mut control = false;
        for (n, tok) in tokens.iter().enumerate() {
            for op in OPERATIONS {
                if matches!(op.name, "logout" | "sessions_revoke") {
                    continue;
                }
                for body in &bodies {
                    let r = t.core.call_json(op.name, Some(tok), body.to_string().as_bytes()).await;
                    if let Ok(v) = r {
                        if n == 3 {
                            control |= leaks(&v);
                        } else {
                            assert!(!leaks(&v), "{} with {body} leaked a phone: {v}", op.name);
                        }
                    }
                }
            }
        }
        assert!(control, "reception, who may see phones, should have seen them");

        // Searching the number finds nothing; the card number still finds the card.
        let search = |q: &str| ClientsSearchArgs { query: q.into(), ..Default::default() };
        let by_number = t.core.clients_search(Some(&nophones), search("5999 1357")).await.unwrap();
        assert!(by_number.items.is_empty(), "{:?}", by_number.items);
        let by_card = t.core.clients_search(Some(&nophones), search("77123")).await.unwrap();
        assert_eq!(by_card.items.iter().map(|c| c.id).collect::<Vec<_>>(), vec![parent.id]);
        let seen = t.core.clients_search(Some(&mgr), search("5999 1357")).await.unwrap();
        assert!(seen.items.iter().any(|c| c.id == parent.id));
        // The lookup by number is refused outright.
        let e = t.core.clients_by_phone(Some(&nophones), serde_json::from_value(json!({"phone": "+8562059991357"})).unwrap()).await;
        assert!(matches!(e, Err(ApiError::Forbidden { .. })), "{e:?}");

        // Saving the card it sees (no phones) keeps the stored ones; sending some is refused.
        let card = t.core.client_get(Some(&nophones), ClientGetArgs { id: parent.id }).await.unwrap();
        assert!(card.phones.is_empty());
        let saved = t
            .core
            .client_update(Some(&nophones), serde_json::from_value(json!({"id": parent.id, "version": card.version,
                "client": {"name": "Phone Secret Renamed", "birth_date": "1985-02-02", "card_number": "77123"}})).unwrap())
            .await
            .unwrap();
        assert!(saved.phones.is_empty() && saved.messengers.is_empty());
        let full = t.core.client_get(Some(&mgr), ClientGetArgs { id: parent.id }).await.unwrap();
        assert_eq!(full.name, "Phone Secret Renamed");
        assert_eq!(full.phones, changed.phones, "the stored numbers stay, exactly");
        assert_eq!(full.messengers, changed.messengers);
        let e = t
            .core
            .client_create(Some(&nophones), create(json!({"client": {"name": "Numbered", "phones": [{"number": "020 5111 2222"}]}})))
            .await
            .unwrap_err();
        let ApiError::Validation { errors } = e else { panic!("{e:?}") };
        assert_eq!((errors[0].field.as_str(), errors[0].code.as_str()), ("client.phones", "not_permitted"));
    })
    .await;
}

#[tokio::test]
async fn roles_made_before_phones_were_a_permission_keep_seeing_them() {
    each_engine(|t| async move {
        t.demo().await;
        // As the roles were stored before: without `clients_phones`.
        t.exec("UPDATE roles SET permissions = replace(permissions, ',\"clients_phones\"', '')")
            .await;
        assert_eq!(
            t.count("roles WHERE permissions LIKE '%clients_phones%'")
                .await,
            0
        );
        // The same statement serves both engines.
        let sql = include_str!("../../../../migrations/sqlite/0012_clients_phones.sql");
        assert_eq!(
            sql,
            include_str!("../../../../migrations/postgres/0012_clients_phones.sql")
        );
        t.exec(sql).await;
        for (key, sees) in [
            ("owner", true),
            ("admin", true),
            ("manager", true),
            ("reception", true),
            ("instructor", false),
            ("accountant", false),
        ] {
            let n = t
                .count(&format!(
                    "roles WHERE key = '{key}' AND permissions LIKE '%\"clients_phones\"%'"
                ))
                .await;
            assert_eq!(n == 1, sees, "{key}");
        }
        // Run twice, it changes nothing more.
        t.exec(sql).await;
        assert_eq!(
            t.count("roles WHERE permissions LIKE '%clients_phones\",\"clients_phones%'")
                .await,
            0
        );
    })
    .await;
}
