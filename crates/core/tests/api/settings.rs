//! Client categories with discount rules, and age bands.

use hallpass_core::api::*;

use crate::helpers::{fields, person};
use crate::support::each_engine;

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
        assert!(matches!(e, Err(ApiError::Validation { .. })), "{e:?}");
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
