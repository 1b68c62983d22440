//! Custom fields and their values: checked, searchable, filterable, kept when archived.

use hallpass_core::api::*;

use crate::helpers::{fields, person, value};
use crate::support::each_engine;

#[tokio::test]
async fn custom_fields_validate_search_filter_and_keep_values_when_archived() {
    each_engine(|t| async move {
        t.demo().await;
        let mgr = t.login("manager").await;
        let mgr = Some(mgr.as_str());
        let rec = t.login("reception").await;
        let rec = Some(rec.as_str());
        let make = |label: &str, kind: CustomFieldKind, choices: &[&str], decimals: i32| {
            CustomFieldInput {
                applies_to: AppliesTo::Person,
                label: label.into(),
                kind,
                choices: choices.iter().map(|c| c.to_string()).collect(),
                decimals,
                required: false,
                searchable: true,
                archived: false,
            }
        };
        let create = |f: CustomFieldInput| {
            t.core
                .custom_fields_create(mgr, CustomFieldCreateArgs { field: f })
        };
        let school = create(make("Kindergarten", CustomFieldKind::Text, &[], 0))
            .await
            .unwrap();
        let shoe = create(make("Glove size", CustomFieldKind::Number, &[], 1))
            .await
            .unwrap();
        let since = create(make("Member since", CustomFieldKind::Date, &[], 0))
            .await
            .unwrap();
        let level = create(make(
            "Level",
            CustomFieldKind::Choice,
            &["Beginner", "Advanced"],
            0,
        ))
        .await
        .unwrap();
        let photo_ok = create(make("Video consent", CustomFieldKind::YesNo, &[], 0))
            .await
            .unwrap();
        let e = t
            .core
            .custom_fields_create(
                mgr,
                CustomFieldCreateArgs {
                    field: make("kindergarten", CustomFieldKind::Text, &[], 0),
                },
            )
            .await
            .unwrap_err();
        assert_eq!(fields(e), [("field.label".into(), "taken".into())]);
        let e = t
            .core
            .custom_fields_create(
                mgr,
                CustomFieldCreateArgs {
                    field: make("Belt", CustomFieldKind::Choice, &[], 0),
                },
            )
            .await
            .unwrap_err();
        assert_eq!(fields(e), [("field.choices".into(), "required".into())]);
        assert!(matches!(
            t.core
                .custom_fields_create(
                    rec,
                    CustomFieldCreateArgs {
                        field: make("X", CustomFieldKind::Text, &[], 0)
                    }
                )
                .await,
            Err(ApiError::Forbidden { .. })
        ));

        // Bad values are reported at their field, together with the card's own errors; nothing is written.
        let before = t.state().await;
        let mut bad = person(
            "",
            vec![
                value(&shoe, "forty"),
                value(&since, "2020-02-30"),
                value(&level, "Expert"),
                value(&photo_ok, "maybe"),
            ],
        );
        bad.name = String::new();
        let e = t.core.client_create(rec, bad.into()).await.unwrap_err();
        let got = fields(e);
        assert!(
            got.contains(&("client.name".into(), "required".into())),
            "{got:?}"
        );
        for (f, code) in [
            (&shoe, "invalid_number"),
            (&since, "invalid_date"),
            (&level, "not_a_choice"),
            (&photo_ok, "invalid"),
        ] {
            assert!(
                got.contains(&(format!("client.custom.{}", f.id), code.into())),
                "{got:?}"
            );
        }
        assert_eq!(t.state().await, before);

        let c = t
            .core
            .client_create(
                rec,
                person(
                    "Dara Custom",
                    vec![
                        value(&school, "Riverside Academy of Music"),
                        value(&shoe, "34,5"),
                        value(&since, "2024-09-01"),
                        value(&level, "advanced"),
                        value(&photo_ok, "yes"),
                    ],
                )
                .into(),
            )
            .await
            .unwrap();
        let shown: Vec<&str> = c.custom.iter().map(|v| v.value.as_str()).collect();
        assert_eq!(
            shown,
            [
                "Riverside Academy of Music",
                "34.5",
                "2024-09-01",
                "Advanced",
                "yes"
            ]
        );

        // Searchable text finds the card; filters by each kind.
        let search = |query: &str, custom: Vec<CustomFilter>| {
            t.core.clients_search(
                rec,
                ClientsSearchArgs {
                    query: query.into(),
                    filters: ClientFilters {
                        custom,
                        ..Default::default()
                    },
                    ..Default::default()
                },
            )
        };
        let ids = |p: ClientsPage| p.items.into_iter().map(|s| s.id).collect::<Vec<_>>();
        assert_eq!(ids(search("riverside", vec![]).await.unwrap()), [c.id]);
        let f = |field: &CustomField, v: Option<&str>, min: Option<&str>, max: Option<&str>| {
            CustomFilter {
                field_id: field.id,
                value: v.map(Into::into),
                min: min.map(Into::into),
                max: max.map(Into::into),
            }
        };
        assert_eq!(
            ids(search("", vec![f(&level, Some("ADVANCED"), None, None)])
                .await
                .unwrap()),
            [c.id]
        );
        assert_eq!(
            ids(search("", vec![f(&shoe, None, Some("34"), Some("35"))])
                .await
                .unwrap()),
            [c.id]
        );
        assert!(ids(search("", vec![f(&shoe, None, Some("35"), None)])
            .await
            .unwrap())
        .is_empty());
        assert_eq!(
            ids(search(
                "",
                vec![
                    f(&since, None, None, Some("2024-12-31")),
                    f(&photo_ok, Some("yes"), None, None)
                ]
            )
            .await
            .unwrap()),
            [c.id]
        );
        assert_eq!(
            ids(search("", vec![f(&school, Some("riverside"), None, None)])
                .await
                .unwrap()),
            [c.id]
        );
        let e = search("", vec![f(&since, None, Some("2024-13-01"), None)])
            .await
            .unwrap_err();
        assert_eq!(
            fields(e),
            [("filters.custom.0.min".into(), "invalid_date".into())]
        );

        // A kind cannot change under stored values; archiving keeps the value on the card,
        // and a later update that does not know the field leaves it alone.
        let e = t
            .core
            .custom_fields_update(
                mgr,
                CustomFieldUpdateArgs {
                    id: shoe.id,
                    version: shoe.version,
                    field: make("Glove size", CustomFieldKind::Text, &[], 1),
                },
            )
            .await
            .unwrap_err();
        assert_eq!(fields(e), [("field.kind".into(), "in_use".into())]);
        t.core
            .custom_fields_update(
                mgr,
                CustomFieldUpdateArgs {
                    id: school.id,
                    version: school.version,
                    field: CustomFieldInput {
                        archived: true,
                        ..make("Kindergarten", CustomFieldKind::Text, &[], 0)
                    },
                },
            )
            .await
            .unwrap();
        let u = t
            .core
            .client_update(
                rec,
                ClientUpdateArgs {
                    id: c.id,
                    version: c.version,
                    client: person("Dara Custom", vec![value(&level, "Beginner")]),
                },
            )
            .await
            .unwrap();
        let kept: Vec<(_, &str)> = u
            .custom
            .iter()
            .map(|v| (v.field_id, v.value.as_str()))
            .collect();
        assert_eq!(
            kept,
            [
                (school.id, "Riverside Academy of Music"),
                (level.id, "Beginner")
            ]
        );
        let e = t
            .core
            .client_update(
                rec,
                ClientUpdateArgs {
                    id: c.id,
                    version: u.version,
                    client: person("Dara Custom", vec![value(&school, "Other")]),
                },
            )
            .await
            .unwrap();
        // A form sending an archived field's value back changes nothing there.
        let kept = e.custom.iter().find(|v| v.field_id == school.id).unwrap();
        assert_eq!(kept.value, "Riverside Academy of Music");
        // Still found by the archived field's text.
        assert_eq!(ids(search("riverside", vec![]).await.unwrap()), [c.id]);

        // A required field is asked for on new cards.
        t.core
            .custom_fields_create(
                mgr,
                CustomFieldCreateArgs {
                    field: CustomFieldInput {
                        required: true,
                        ..make("Emergency word", CustomFieldKind::Text, &[], 0)
                    },
                },
            )
            .await
            .unwrap();
        let e = t
            .core
            .client_create(rec, person("No Word", vec![]).into())
            .await
            .unwrap_err();
        assert_eq!(fields(e).len(), 1);
        let list = t.core.custom_fields_list(rec, NoArgs {}).await.unwrap();
        let order: Vec<_> = list.iter().map(|f| f.id).rev().collect();
        let again = t
            .core
            .custom_fields_reorder(mgr, IdOrderArgs { ids: order.clone() })
            .await
            .unwrap();
        assert_eq!(again.iter().map(|f| f.id).collect::<Vec<_>>(), order);
    })
    .await;
}
