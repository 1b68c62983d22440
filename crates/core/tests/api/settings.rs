//! Client categories with discount rules, age bands, custom fields and their values.

use hallpass_core::api::*;

use crate::support::each_engine;

fn fields(e: ApiError) -> Vec<(String, String)> {
    match e {
        ApiError::Validation { errors } => errors.into_iter().map(|f| (f.field, f.code)).collect(),
        other => panic!("expected validation, got {other:?}"),
    }
}

fn person(name: &str, custom: Vec<CustomValue>) -> ClientInput {
    ClientInput {
        name: name.into(),
        birth_date: Some("1990-01-01".into()),
        custom: Some(custom),
        ..Default::default()
    }
}

fn value(field: &CustomField, v: &str) -> CustomValue {
    CustomValue {
        field_id: field.id,
        value: v.into(),
    }
}

#[tokio::test]
async fn categories_carry_a_discount_rule_and_archive_without_losing_cards() {
    each_engine(|t| async move {
        t.demo().await;
        let mgr = t.login("manager").await;
        let mgr = Some(mgr.as_str());
        let rec = t.login("reception").await;
        let rec = Some(rec.as_str());
        let input = |name: &str, rule: DiscountRule| ClientCategoryInput {
            name: name.into(),
            rule,
            archived: false,
        };
        let gold = t
            .core
            .client_categories_create(
                mgr,
                ClientCategoryCreateArgs {
                    category: input("Platinum card", DiscountRule::Percent { points: 1_500 }),
                },
            )
            .await
            .unwrap();
        assert_eq!(gold.rule, DiscountRule::Percent { points: 1_500 });

        // Reception may read categories, not make them; names are unique ignoring case.
        let e = t
            .core
            .client_categories_create(
                rec,
                ClientCategoryCreateArgs {
                    category: input("Silver", DiscountRule::None),
                },
            )
            .await
            .unwrap_err();
        assert!(matches!(e, ApiError::Forbidden { .. }));
        let e = t
            .core
            .client_categories_create(
                mgr,
                ClientCategoryCreateArgs {
                    category: input("PLATINUM CARD", DiscountRule::None),
                },
            )
            .await
            .unwrap_err();
        assert_eq!(fields(e), [("category.name".into(), "taken".into())]);
        let e = t
            .core
            .client_categories_create(
                mgr,
                ClientCategoryCreateArgs {
                    category: input("Half", DiscountRule::Percent { points: 0 }),
                },
            )
            .await
            .unwrap_err();
        assert_eq!(
            fields(e),
            [("category.rule.points".into(), "out_of_range".into())]
        );

        // A card in the category; archiving the category keeps the card's reference and
        // its updates, but no new card may pick it.
        let mut card = person("Bounmy Gold", vec![]);
        card.category_id = Some(gold.id);
        let c = t
            .core
            .client_create(rec, card.clone().into())
            .await
            .unwrap();
        assert_eq!(c.category_id, Some(gold.id));
        let archived = t
            .core
            .client_categories_update(
                mgr,
                ClientCategoryUpdateArgs {
                    id: gold.id,
                    version: gold.version,
                    category: ClientCategoryInput {
                        archived: true,
                        ..input("Platinum card", gold.rule.clone())
                    },
                },
            )
            .await
            .unwrap();
        assert!(archived.archived);
        let mut changed = card.clone();
        changed.notes = "still gold".into();
        let u = t
            .core
            .client_update(
                rec,
                ClientUpdateArgs {
                    id: c.id,
                    version: c.version,
                    client: changed,
                },
            )
            .await
            .unwrap();
        assert_eq!(u.category_id, Some(gold.id));
        let mut other = person("Somebody New", vec![]);
        other.category_id = Some(gold.id);
        let e = t.core.client_create(rec, other.into()).await.unwrap_err();
        assert_eq!(
            fields(e),
            [("client.category_id".into(), "not_found".into())]
        );

        // Stale versions conflict; reorder needs every id.
        let e = t
            .core
            .client_categories_update(
                mgr,
                ClientCategoryUpdateArgs {
                    id: gold.id,
                    version: gold.version,
                    category: input("Gold", DiscountRule::None),
                },
            )
            .await
            .unwrap_err();
        assert!(matches!(e, ApiError::Conflict { .. }));
        let fam = t
            .core
            .client_categories_create(
                mgr,
                ClientCategoryCreateArgs {
                    category: input(
                        "Big family",
                        DiscountRule::ByPurchases {
                            steps: vec![PurchaseStep {
                                min_purchases: 5,
                                points: 500,
                            }],
                        },
                    ),
                },
            )
            .await
            .unwrap();
        let all = t.core.client_categories_list(rec, NoArgs {}).await.unwrap();
        let ids: Vec<_> = all.iter().map(|c| c.id).rev().collect();
        let reordered = t
            .core
            .client_categories_reorder(mgr, IdOrderArgs { ids: ids.clone() })
            .await
            .unwrap();
        assert_eq!(reordered.iter().map(|c| c.id).collect::<Vec<_>>(), ids);
        let e = t
            .core
            .client_categories_reorder(mgr, IdOrderArgs { ids: vec![fam.id] })
            .await;
        assert!(e.is_err() || all.len() == 1);
    })
    .await;
}

#[tokio::test]
async fn age_bands_give_the_age_category_and_filter_the_list() {
    each_engine(|t| async move {
        t.demo().await;
        let mgr = t.login("manager").await;
        let mgr = Some(mgr.as_str());
        let band = |name: &str, min: i32, max: Option<i32>| AgeBandInput {
            id: None,
            name: name.into(),
            min_years: min,
            max_years: max,
        };
        let bands = t
            .core
            .age_bands_save(
                mgr,
                AgeBandsSaveArgs {
                    bands: vec![
                        band("Tots", 0, Some(6)),
                        band("Kids", 6, Some(12)),
                        band("Teens", 12, Some(18)),
                        band("Adults", 18, None),
                    ],
                },
            )
            .await
            .unwrap();
        assert_eq!(bands.len(), 4);
        let e = t
            .core
            .age_bands_save(
                mgr,
                AgeBandsSaveArgs {
                    bands: vec![band("A", 0, Some(10)), band("B", 8, None)],
                },
            )
            .await
            .unwrap_err();
        assert_eq!(fields(e), [("bands.1.min_years".into(), "overlap".into())]);
        assert_eq!(t.core.age_bands_list(mgr, NoArgs {}).await.unwrap(), bands);

        // The test clock says 2026-11-23: born 2018-05-01 is 8.
        let mut kid = person("Kid Eight", vec![]);
        kid.birth_date = Some("2018-05-01".into());
        kid.guardians = vec![GuardianInput {
            client_id: None,
            new: Some(NewPersonInput {
                name: "Parent Eight".into(),
                phones: vec![PhoneInput {
                    kind: PhoneKind::Mobile,
                    number: "020 5555 0808".into(),
                }],
                ..Default::default()
            }),
            relation: GuardianRelation::Mother,
            pays: true,
        }];
        let c = t.core.client_create(mgr, kid.into()).await.unwrap();
        assert_eq!(c.age_category.as_deref(), Some("Kids"));
        let page = t
            .core
            .clients_search(
                mgr,
                ClientsSearchArgs {
                    query: "Kid Eight".into(),
                    filters: ClientFilters {
                        age_band_id: Some(bands[1].id),
                        ..Default::default()
                    },
                    ..Default::default()
                },
            )
            .await
            .unwrap();
        assert_eq!(page.items.len(), 1);
        let page = t
            .core
            .clients_search(
                mgr,
                ClientsSearchArgs {
                    query: "Kid Eight".into(),
                    filters: ClientFilters {
                        age_band_id: Some(bands[3].id),
                        ..Default::default()
                    },
                    ..Default::default()
                },
            )
            .await
            .unwrap();
        assert!(page.items.is_empty());
    })
    .await;
}

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
