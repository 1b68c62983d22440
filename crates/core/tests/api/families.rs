//! Minors and guardians, duplicates, lookup by phone, medical notes by role, typo search.

use hallpass_core::api::*;

use crate::support::each_engine;

fn phone(n: &str) -> PhoneInput {
    PhoneInput {
        kind: PhoneKind::Mobile,
        number: n.into(),
    }
}

fn child(guardians: Vec<GuardianInput>) -> ClientInput {
    ClientInput {
        name: "Noy Sisouk".into(),
        birth_date: Some("2017-03-04".into()),
        guardians,
        ..Default::default()
    }
}

fn new_parent(name: &str, birth: &str, number: &str) -> GuardianInput {
    GuardianInput {
        client_id: None,
        new: Some(NewPersonInput {
            name: name.into(),
            birth_date: Some(birth.into()),
            phones: vec![phone(number)],
            ..Default::default()
        }),
        relation: GuardianRelation::Mother,
        pays: true,
    }
}

fn codes(e: ApiError) -> Vec<(String, String)> {
    match e {
        ApiError::Validation { errors } => errors.into_iter().map(|f| (f.field, f.code)).collect(),
        other => panic!("expected validation, got {other:?}"),
    }
}

#[tokio::test]
async fn a_child_needs_an_older_guardian_with_a_phone() {
    each_engine(|t| async move {
        t.demo().await;
        let tok = t.login("reception").await;
        let tok = Some(tok.as_str());
        let before = t.state().await;
        let e = t
            .core
            .client_create(tok, child(vec![]).into())
            .await
            .unwrap_err();
        assert_eq!(
            codes(e),
            [("client.guardians".into(), "guardian_required".into())]
        );
        let e = t
            .core
            .client_create(
                tok,
                child(vec![new_parent(
                    "Young Sisouk",
                    "2019-01-01",
                    "020 5999 0001",
                )])
                .into(),
            )
            .await
            .unwrap_err();
        assert_eq!(
            codes(e),
            [("client.guardians.0".into(), "guardian_not_older".into())]
        );
        assert_eq!(
            t.state().await,
            before,
            "nothing half-written on {}",
            t.engine
        );

        // Child and new mother in one transaction; the mother's number finds both.
        let kid = t
            .core
            .client_create(
                tok,
                child(vec![new_parent(
                    "Malee Sisouk",
                    "1988-06-01",
                    "020 5999 0001",
                )])
                .into(),
            )
            .await
            .unwrap();
        assert_eq!(kid.guardians.len(), 1);
        assert!(kid.guardians[0].pays);
        let mum = t
            .core
            .client_get(
                tok,
                ClientGetArgs {
                    id: kid.guardians[0].card.id,
                },
            )
            .await
            .unwrap();
        assert_eq!(mum.wards[0].card.id, kid.id);
        for spelling in ["+856 20 5999 0001", "02059990001", "2059990001"] {
            let found = t
                .core
                .clients_by_phone(
                    tok,
                    ClientsByPhoneArgs {
                        phone: spelling.into(),
                    },
                )
                .await
                .unwrap();
            let ids: Vec<_> = found
                .matches
                .iter()
                .map(|m| (m.client.id, m.guardian_id))
                .collect();
            assert_eq!(
                ids,
                [(mum.id, None), (kid.id, Some(mum.id))],
                "{spelling} on {}",
                t.engine
            );
        }
        assert!(matches!(
            t.core
                .clients_by_phone(tok, ClientsByPhoneArgs { phone: "12".into() })
                .await,
            Err(ApiError::Validation { .. })
        ));

        // The same mother again: a duplicate, listed with the existing card, until confirmed.
        let again = ClientInput {
            name: "Malee S.".into(),
            phones: vec![phone("020 5999 0001")],
            ..Default::default()
        };
        let Err(ApiError::Duplicate { matches, .. }) =
            t.core.client_create(tok, again.clone().into()).await
        else {
            panic!("expected a duplicate on {}", t.engine)
        };
        assert_eq!(
            (
                matches[0].id,
                matches[0].field.as_str(),
                matches[0].reason.as_str()
            ),
            (mum.id, "client.phones.0.number", "phone")
        );
        let args = ClientCreateArgs {
            client: again,
            allow_duplicate: true,
        };
        t.core.client_create(tok, args).await.unwrap();
        // Two cards carry the number now: both come back.
        let found = t
            .core
            .clients_by_phone(
                tok,
                ClientsByPhoneArgs {
                    phone: "020 5999 0001".into(),
                },
            )
            .await
            .unwrap();
        assert_eq!(found.matches.len(), 3);
    })
    .await;
}

#[tokio::test]
async fn medical_notes_only_for_roles_allowed() {
    each_engine(|t| async move {
        t.demo().await;
        let manager = t.login("manager").await;
        let reception = t.login("reception").await;
        let input = ClientInput {
            name: "Dara Heng".into(),
            medical_notes: Some("Asthma: inhaler in bag".into()),
            ..Default::default()
        };
        let c = t
            .core
            .client_create(Some(&manager), input.into())
            .await
            .unwrap();
        assert_eq!(c.medical_notes.as_deref(), Some("Asthma: inhaler in bag"));
        let seen = t
            .core
            .client_get(Some(&reception), ClientGetArgs { id: c.id })
            .await
            .unwrap();
        assert_eq!(seen.medical_notes, None);
        let json = t
            .core
            .call_json(
                "client_get",
                Some(&reception),
                format!(r#"{{"id":"{}"}}"#, c.id).as_bytes(),
            )
            .await
            .unwrap();
        assert!(
            json.get("medical_notes").is_none() && json.get("physical_condition").is_none(),
            "{json}"
        );
        // Reception saves the card without the notes: they are kept.
        let update = ClientUpdateArgs {
            id: c.id,
            version: c.version,
            client: ClientInput {
                name: "Dara Heng".into(),
                ..Default::default()
            },
        };
        t.core
            .client_update(Some(&reception), update)
            .await
            .unwrap();
        let after = t
            .core
            .client_get(Some(&manager), ClientGetArgs { id: c.id })
            .await
            .unwrap();
        assert_eq!(
            after.medical_notes.as_deref(),
            Some("Asthma: inhaler in bag")
        );
        // And may not write them.
        let sneaky = ClientInput {
            name: "X".into(),
            medical_notes: Some("none".into()),
            ..Default::default()
        };
        assert_eq!(
            codes(
                t.core
                    .client_create(Some(&reception), sneaky.into())
                    .await
                    .unwrap_err()
            ),
            [("client.medical_notes".into(), "not_permitted".into())]
        );
    })
    .await;
}

#[tokio::test]
async fn names_are_found_in_any_order_with_a_typo_and_any_accent() {
    each_engine(|t| async move {
        t.demo().await;
        let tok = t.login("reception").await;
        let tok = Some(tok.as_str());
        for name in ["Ivanova Maria", "Пётр Семёнов", "Zoë Dubois", "ສົມພອນ ວົງສາ"]
        {
            let input = ClientInput {
                name: name.into(),
                ..Default::default()
            };
            t.core
                .client_create(
                    tok,
                    ClientCreateArgs {
                        client: input,
                        allow_duplicate: true,
                    },
                )
                .await
                .unwrap();
        }
        let find = |q: &'static str| {
            let core = t.core.clone();
            async move {
                core.clients_search(
                    tok,
                    ClientsSearchArgs {
                        query: q.into(),
                        ..Default::default()
                    },
                )
                .await
                .unwrap()
            }
        };
        for (q, name, fuzzy) in [
            ("maria ivanova", "Ivanova Maria", false),
            ("Ivanva Maria", "Ivanova Maria", true),
            ("петр семенов", "Пётр Семёнов", false),
            ("ПЁТР", "Пётр Семёнов", false),
            ("zoe", "Zoë Dubois", false),
            ("ວົງສາ", "ສົມພອນ ວົງສາ", false),
        ] {
            let page = find(q).await;
            assert!(
                page.items.iter().any(|c| c.name == name),
                "{q} on {}: {:?}",
                t.engine,
                page.items
            );
            assert_eq!(page.fuzzy, fuzzy, "{q}");
        }
    })
    .await;
}
