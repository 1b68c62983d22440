//! The catalogue and membership plans: kept, checked at every field, configured only by
//! roles allowed to.

use hallpass_core::api::*;

use super::{item, plan, ten_visits};
use crate::helpers::fields;
use crate::support::each_engine;

#[tokio::test]
async fn catalogue_items_and_plans_are_kept_and_checked() {
    each_engine(|t| async move {
        t.demo().await;
        let mgr = t.login("manager").await;
        let mgr = Some(mgr.as_str());
        let classes = t
            .core
            .catalog_category_create(
                mgr,
                CatalogCategoryCreateArgs {
                    category: CatalogCategoryInput {
                        name: "  Group   classes ".into(),
                        archived: false,
                    },
                },
            )
            .await
            .unwrap();
        assert_eq!(classes.name, "Group classes");
        let again = t
            .core
            .catalog_category_create(
                mgr,
                CatalogCategoryCreateArgs {
                    category: CatalogCategoryInput {
                        name: "group classes".into(),
                        archived: false,
                    },
                },
            )
            .await
            .unwrap_err();
        assert_eq!(fields(again), [("category.name".into(), "taken".into())]);
        // However it is written: Cyrillic case (which SQL's lower() does not fold in SQLite).
        let category = |name: &str| CatalogCategoryCreateArgs {
            category: CatalogCategoryInput {
                name: name.into(),
                archived: false,
            },
        };
        t.core
            .catalog_category_create(mgr, category("Ёлочные игрушки"))
            .await
            .unwrap();
        let again = t
            .core
            .catalog_category_create(mgr, category("ЁЛОЧНЫЕ ИГРУШКИ"))
            .await
            .unwrap_err();
        assert_eq!(fields(again), [("category.name".into(), "taken".into())]);

        let mut input = CatalogItemInput {
            kind: ItemKind::Service,
            name: "Ballet barre class".into(),
            category_id: Some(classes.id),
            price: 12_000_000,
            tax: Tax {
                points: 1_000,
                included: true,
            },
            unit: "class".into(),
            active: true,
        };
        let ballet = t
            .core
            .catalog_item_create(
                mgr,
                CatalogItemCreateArgs {
                    item: input.clone(),
                },
            )
            .await
            .unwrap();
        assert_eq!(ballet.category_name.as_deref(), Some("Group classes"));
        assert_eq!(ballet.created_by.as_ref().unwrap().name, "Anna Volkova");
        let water = item(&t, mgr, ItemKind::Good, "Water 0.5 l", 500_000).await;

        // Every bad field named; nothing written.
        let before = t.count("catalog_items").await;
        input.name = " ".into();
        input.price = -1;
        input.tax.points = 10_001;
        input.category_id = Some(uuid::Uuid::now_v7());
        let e = t
            .core
            .catalog_item_create(
                mgr,
                CatalogItemCreateArgs {
                    item: input.clone(),
                },
            )
            .await
            .unwrap_err();
        let got: Vec<String> = fields(e).into_iter().map(|(f, _)| f).collect();
        assert_eq!(got, ["item.name", "item.price", "item.tax.points"]);
        input.name = "Barre".into();
        input.price = 1_000_000_000_001;
        input.tax.points = 0;
        let e = t
            .core
            .catalog_item_create(
                mgr,
                CatalogItemCreateArgs {
                    item: input.clone(),
                },
            )
            .await
            .unwrap_err();
        assert_eq!(fields(e), [("item.price".into(), "too_large".into())]);
        input.price = 1;
        let e = t
            .core
            .catalog_item_create(
                mgr,
                CatalogItemCreateArgs {
                    item: input.clone(),
                },
            )
            .await
            .unwrap_err();
        assert_eq!(fields(e), [("item.category_id".into(), "not_found".into())]);
        assert_eq!(t.count("catalog_items").await, before);

        // A stale version is a conflict; retiring an item hides it from the list.
        let mut retire = input.clone();
        retire.category_id = Some(classes.id);
        retire.name = "Ballet barre class".into();
        retire.active = false;
        let args = CatalogItemUpdateArgs {
            id: ballet.id,
            version: ballet.version,
            item: retire.clone(),
        };
        let retired = t.core.catalog_item_update(mgr, args.clone()).await.unwrap();
        assert!(!retired.active);
        let e = t.core.catalog_item_update(mgr, args).await.unwrap_err();
        assert!(matches!(e, ApiError::Conflict { .. }), "{e:?}");
        let listed = t
            .core
            .catalog_items_list(mgr, CatalogItemsListArgs::default())
            .await
            .unwrap();
        assert!(listed.iter().all(|i| i.id != ballet.id));
        let all = CatalogItemsListArgs {
            include_inactive: true,
            query: "BARRE".into(),
            kind: None,
        };
        let found = t.core.catalog_items_list(mgr, all).await.unwrap();
        assert_eq!(found.len(), 1);

        // Plans: covered services must be services; every bad field named.
        let mut p = ten_visits(vec![ballet.id, water.id, ballet.id]);
        let e = t
            .core
            .membership_plan_create(mgr, MembershipPlanCreateArgs { plan: p.clone() })
            .await
            .unwrap_err();
        assert_eq!(
            fields(e),
            [
                ("plan.covers.1".into(), "not_a_service".into()),
                ("plan.covers.2".into(), "duplicate".into())
            ]
        );
        p.covers = vec![ballet.id];
        p.visits = Some(0);
        p.validity.count = 0;
        p.price = -5;
        let e = t
            .core
            .membership_plan_create(mgr, MembershipPlanCreateArgs { plan: p.clone() })
            .await
            .unwrap_err();
        let got: Vec<String> = fields(e).into_iter().map(|(f, _)| f).collect();
        assert_eq!(got, ["plan.visits", "plan.validity.count", "plan.price"]);
        let made = plan(&t, mgr, ten_visits(vec![ballet.id])).await;
        assert_eq!(made.covers[0].name, "Ballet barre class");
        assert_eq!(made.visits, Some(10));

        // Reception sells but does not set prices.
        let desk = t.login("reception").await;
        let e = t
            .core
            .membership_plan_create(
                Some(&desk),
                MembershipPlanCreateArgs {
                    plan: ten_visits(vec![]),
                },
            )
            .await
            .unwrap_err();
        assert!(matches!(e, ApiError::Forbidden { .. }), "{e:?}");
        let plans = t
            .core
            .membership_plans_list(Some(&desk), MembershipPlansListArgs::default())
            .await
            .unwrap();
        assert!(plans.iter().any(|p| p.id == made.id));
    })
    .await;
}
