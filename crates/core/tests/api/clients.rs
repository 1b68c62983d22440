use hallpass_core::api::*;

use crate::support::each_engine;

fn input(name: &str, phone: &str) -> ClientInput {
    ClientInput {
        name: name.into(),
        birth_date: Some("1990-04-30".into()),
        emails: vec![LabelledValue {
            label: String::new(),
            value: "parent@example.la".into(),
        }],
        notes: "Shy at first".into(),
        status: ClientStatus::Current,
        phones: vec![PhoneInput {
            kind: PhoneKind::Mobile,
            number: phone.into(),
        }],
        ..Default::default()
    }
}

#[tokio::test]
async fn create_find_update_with_audit() {
    each_engine(|t| async move {
        t.demo().await;
        let tok = t.login("reception").await;
        let tok = Some(tok.as_str());
        let audit_before = t.count("audit_log").await;

        let c = t.core.client_create(tok, input("Noy Keomany", "020 9876 5432").into()).await.unwrap();
        assert_eq!(c.phones[0].number, "+8562098765432");
        assert_eq!(c.version, 1);
        assert_eq!(t.core.client_get(tok, ClientGetArgs { id: c.id }).await.unwrap(), c);

        // Found by a phone fragment, with or without the national 0, and by a name fragment in any case.
        for q in ["98765", "020 9876", "9876 54", "noy kEOM", "KEOMANY"] {
            let page = t.core.clients_search(tok, ClientsSearchArgs { query: q.into(), ..Default::default() }).await.unwrap();
            assert!(page.items.iter().any(|s| s.id == c.id), "{q} on {}", t.engine);
        }
        let none = t.core.clients_search(tok, ClientsSearchArgs { query: "zzzqqq".into(), ..Default::default() }).await.unwrap();
        assert!(none.items.is_empty() && !none.has_more);

        // Update with the version read; a stale version is a conflict and changes nothing.
        let mut changed = input("Noy Keomany-Smith", "+856 20 9876 5432");
        changed.phones.push(PhoneInput { kind: PhoneKind::Home, number: "021 555 123".into() });
        let u = t.core.client_update(tok, ClientUpdateArgs { id: c.id, version: 1, client: changed.clone() }).await.unwrap();
        assert_eq!((u.version, u.phones.len(), u.name.as_str()), (2, 2, "Noy Keomany-Smith"));
        let stale = t.core.client_update(tok, ClientUpdateArgs { id: c.id, version: 1, client: input("Other", "020 5555 5555") }).await;
        assert!(matches!(stale, Err(ApiError::Conflict { .. })), "{stale:?}");
        assert_eq!(t.core.client_get(tok, ClientGetArgs { id: c.id }).await.unwrap(), u);

        // Two writes, two audit entries, with before and after.
        assert_eq!(t.count("audit_log").await, audit_before + 2);
        let (op, before, after): (String, Option<String>, Option<String>) = match &t.core.db {
            hallpass_core::Db::Sqlite(p) => sqlx::query_as("SELECT operation, before, after FROM audit_log WHERE entity_id = $1 ORDER BY at DESC, id DESC LIMIT 1").bind(c.id).fetch_one(p).await.unwrap(),
            hallpass_core::Db::Postgres(p) => sqlx::query_as("SELECT operation, before, after FROM audit_log WHERE entity_id = $1 ORDER BY at DESC, id DESC LIMIT 1").bind(c.id).fetch_one(p).await.unwrap(),
        };
        assert_eq!(op, "client_update");
        assert!(before.unwrap().contains("\"Noy Keomany\""));
        assert!(after.unwrap().contains("Keomany-Smith"));
    })
    .await;
}

#[tokio::test]
async fn search_pages_through_everyone() {
    each_engine(|t| async move {
        t.demo().await;
        let tok = t.login("instructor").await;
        let mut seen = std::collections::HashSet::new();
        let mut offset = 0;
        loop {
            let page = t
                .core
                .clients_search(
                    Some(&tok),
                    ClientsSearchArgs {
                        offset,
                        limit: Some(64),
                        ..Default::default()
                    },
                )
                .await
                .unwrap();
            for s in &page.items {
                assert!(seen.insert(s.id), "no client twice across pages");
            }
            if !page.has_more {
                break;
            }
            offset += 64;
        }
        assert_eq!(seen.len() as i64, t.count("clients").await);
        // Wildcards in the query are literal.
        let pct = t
            .core
            .clients_search(
                Some(&tok),
                ClientsSearchArgs {
                    query: "%".into(),
                    ..Default::default()
                },
            )
            .await
            .unwrap();
        assert!(pct.items.is_empty());
        let bad = t
            .core
            .clients_search(
                Some(&tok),
                ClientsSearchArgs {
                    limit: Some(0),
                    ..Default::default()
                },
            )
            .await;
        assert!(
            matches!(bad, Err(ApiError::Validation { ref errors }) if errors[0].field == "limit")
        );
    })
    .await;
}

#[tokio::test]
async fn concurrent_updates_of_one_version_let_exactly_one_win() {
    each_engine(|t| async move {
        t.demo().await;
        let tok = t.login("reception").await;
        let c = t
            .core
            .client_create(Some(&tok), input("Race Card", "020 5600 1234").into())
            .await
            .unwrap();
        for round in 0..5 {
            let version = t
                .core
                .client_get(Some(&tok), ClientGetArgs { id: c.id })
                .await
                .unwrap()
                .version;
            let a = t.core.client_update(
                Some(&tok),
                ClientUpdateArgs {
                    id: c.id,
                    version,
                    client: input(&format!("A{round}"), "020 5600 1234"),
                },
            );
            let b = t.core.client_update(
                Some(&tok),
                ClientUpdateArgs {
                    id: c.id,
                    version,
                    client: input(&format!("B{round}"), "020 5600 9999"),
                },
            );
            let (a, b) = tokio::join!(a, b);
            let wins = [&a, &b].iter().filter(|r| r.is_ok()).count();
            assert_eq!(wins, 1, "on {}: {a:?} / {b:?}", t.engine);
            assert!([&a, &b]
                .iter()
                .any(|r| matches!(r, Err(ApiError::Conflict { .. }))));
            let now = t
                .core
                .client_get(Some(&tok), ClientGetArgs { id: c.id })
                .await
                .unwrap();
            assert_eq!(now.version, version + 1);
            let winner = a.or(b).unwrap();
            assert_eq!(now, winner, "the card is the winner's, phones included");
        }
    })
    .await;
}
