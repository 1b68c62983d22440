//! Bad input gets a clear error naming the field, and the database is left unchanged.

use hallpass_core::api::*;

use crate::support::each_engine;

fn named(name: &str) -> ClientInput {
    ClientInput {
        name: name.into(),
        ..Default::default()
    }
}

fn fields(e: &ApiError) -> Vec<(String, String)> {
    match e {
        ApiError::Validation { errors } => errors
            .iter()
            .map(|f| (f.field.clone(), f.code.clone()))
            .collect(),
        other => panic!("expected a validation error, got {other:?}"),
    }
}

#[tokio::test]
async fn bad_client_input_is_refused_whole() {
    each_engine(|t| async move {
        t.demo().await;
        let tok = t.login("reception").await;
        let tok = Some(tok.as_str());
        let before = t.state().await;

        let cases: Vec<(ClientInput, (&str, &str))> = vec![
            (named(""), ("name", "required")),
            (named("   \t "), ("name", "required")),
            (named(&"Я".repeat(10_000)), ("name", "too_long")),
            (named("bell\u{7}"), ("name", "invalid_characters")),
            (
                ClientInput {
                    birth_date: Some("2023-02-30".into()),
                    ..named("A")
                },
                ("birth_date", "invalid_date"),
            ),
            (
                ClientInput {
                    birth_date: Some("30.01.2020".into()),
                    ..named("A")
                },
                ("birth_date", "invalid_date"),
            ),
            (
                ClientInput {
                    birth_date: Some("2999-01-01".into()),
                    ..named("A")
                },
                ("birth_date", "in_future"),
            ),
            (
                ClientInput {
                    emails: vec![LabelledValue {
                        label: String::new(),
                        value: "anna@@example".into(),
                    }],
                    ..named("A")
                },
                ("emails.0.value", "invalid_email"),
            ),
            (
                ClientInput {
                    notes: "n".repeat(10_001),
                    ..named("A")
                },
                ("notes", "too_long"),
            ),
            (
                ClientInput {
                    phones: vec![PhoneInput {
                        kind: PhoneKind::Mobile,
                        number: "'; DROP TABLE clients; --".into(),
                    }],
                    ..named("A")
                },
                ("phones.0.number", "invalid_phone"),
            ),
        ];
        for (input, (field, code)) in cases {
            let e = t.core.client_create(tok, input.into()).await.unwrap_err();
            assert_eq!(
                fields(&e),
                vec![(format!("client.{field}"), code.to_string())],
                "on {}",
                t.engine
            );
        }
        // A good name with a bad phone: nothing half-written.
        let mut half = named("Half Written");
        half.phones = vec![
            PhoneInput {
                kind: PhoneKind::Mobile,
                number: "020 5551 2345".into(),
            },
            PhoneInput {
                kind: PhoneKind::Home,
                number: "12".into(),
            },
        ];
        assert_eq!(
            fields(&t.core.client_create(tok, half.into()).await.unwrap_err()),
            vec![("client.phones.1.number".into(), "invalid_phone".into())]
        );
        assert_eq!(
            t.state().await,
            before,
            "nothing was written on {}",
            t.engine
        );

        // Unknown ids.
        let ghost = uuid::Uuid::now_v7();
        assert!(matches!(
            t.core.client_get(tok, ClientGetArgs { id: ghost }).await,
            Err(ApiError::NotFound { .. })
        ));
        let upd = t
            .core
            .client_update(
                tok,
                ClientUpdateArgs {
                    id: ghost,
                    version: 1,
                    client: named("Ghost"),
                },
            )
            .await;
        assert!(matches!(upd, Err(ApiError::NotFound { .. })), "{upd:?}");
        assert_eq!(t.state().await, before);

        // What looks odd but is a real name is kept exactly.
        for name in [
            "محمد علي",
            "ສົມພອນ ວົງສາ",
            "Kid 🦖🎨",
            "Robert'); DROP TABLE clients;--",
            "O'Brien \"Bob\"",
        ] {
            let c = t.core.client_create(tok, named(name).into()).await.unwrap();
            assert_eq!(
                t.core
                    .client_get(tok, ClientGetArgs { id: c.id })
                    .await
                    .unwrap()
                    .name,
                name
            );
            let found = t
                .core
                .clients_search(
                    tok,
                    ClientsSearchArgs {
                        query: name.into(),
                        ..Default::default()
                    },
                )
                .await
                .unwrap();
            assert!(
                found.items.iter().any(|s| s.id == c.id),
                "{name} findable on {}",
                t.engine
            );
        }
        assert_eq!(t.count("clients").await, before[2] + 5);
    })
    .await;
}

#[tokio::test]
async fn bad_json_names_the_field() {
    each_engine(|t| async move {
        t.demo().await;
        let tok = t.login("owner").await;
        let tok = Some(tok.as_str());
        let before = t.state().await;
        let cases: &[(&str, &[u8], &str)] = &[
            ("client_get", br#"{"id":"not-a-uuid"}"#, "validation"),
            ("client_get", br#"{}"#, "validation"),
            ("client_create", br#"{"name": 42}"#, "validation"),
            (
                "client_create",
                br#"{"name": "A", "status": "vip"}"#,
                "validation",
            ),
            (
                "client_create",
                br#"{"name": "A", "phones": "020"}"#,
                "validation",
            ),
            ("client_create", br#"{"name": "#, "bad_request"),
            ("client_create", b"\xff\xfe", "bad_request"),
            ("client_create", br#"[1,2,3]"#, "validation"),
            ("centre_update", br#"{"version": "x"}"#, "validation"),
            ("no_such_operation", b"{}", "not_found"),
        ];
        for (op, body, code) in cases {
            let e = t.core.call_json(op, tok, body).await.unwrap_err();
            let v = serde_json::to_value(&e).unwrap();
            assert_eq!(
                v["code"],
                *code,
                "{op} {:?}: {v}",
                String::from_utf8_lossy(body)
            );
        }
        let e = t
            .core
            .call_json(
                "client_create",
                tok,
                br#"{"client": {"name": "A", "phones": [{"number": 5}]}}"#,
            )
            .await
            .unwrap_err();
        assert_eq!(fields(&e)[0].0, "client.phones.0.number");
        assert_eq!(t.state().await, before);
    })
    .await;
}
