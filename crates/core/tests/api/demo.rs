use hallpass_core::api::*;

use crate::support::each_engine;

#[tokio::test]
async fn demo_centre_is_seeded_once() {
    each_engine(|t| async move {
        assert!(hallpass_core::demo::seed(&t.core).await.unwrap());
        let before = t.state().await;
        // The generated clients, and a parent for each child.
        // Staff: everyone with a login, and two instructors without (one has left).
        assert_eq!(t.count("staff").await, 8);
        assert_eq!(t.count("staff WHERE user_id IS NOT NULL").await, 6);
        assert_eq!(t.count("staff WHERE leave_date IS NOT NULL").await, 1);
        let families = t.count("client_guardians").await;
        assert!(families > 30, "children come with guardians: {families}");
        assert_eq!(
            before[2],
            hallpass_core::demo::DEMO_CLIENTS as i64 + families + 3 + 1,
            "the generated clients, their parents, three companies and a merged duplicate"
        );
        assert!(before[5] >= 5, "rooms");
        assert!(!hallpass_core::demo::seed(&t.core).await.unwrap());
        assert_eq!(t.state().await, before);
        for login in ["owner", "reception", "instructor"] {
            t.login(login).await;
        }
        let token = t.login("instructor").await;
        let page = t
            .core
            .clients_search(
                Some(&token),
                ClientsSearchArgs {
                    limit: Some(200),
                    ..Default::default()
                },
            )
            .await
            .unwrap();
        let minors = page
            .items
            .iter()
            .filter(|c| {
                c.birth_date
                    .is_some_and(|d| d > chrono::NaiveDate::from_ymd_opt(2008, 11, 23).unwrap())
            })
            .count();
        assert!(minors > 30, "some demo clients are children: {minors}");

        // The merged duplicate: her old card's number finds her, and her card tells of it.
        let old = crate::helpers::found(&t.core, Some(&token), "OLD-0417").await;
        assert_eq!(old.len(), 1);
        let timeline = t
            .core
            .client_timeline_list(
                Some(&token),
                TimelineListArgs {
                    client_id: old[0],
                    kinds: vec![],
                    before: None,
                    limit: None,
                },
            )
            .await
            .unwrap();
        assert!(timeline.items.iter().any(|e| matches!(
            &e.event,
            Some(TimelineEvent::Merged { card_number: Some(n), .. }) if n == "OLD-0417"
        )));

        // Money: a catalogue, plans, and passes in every state, some unpaid or in part.
        let desk = t.login("reception").await;
        let desk = Some(desk.as_str());
        let items = t
            .core
            .catalog_items_list(desk, CatalogItemsListArgs::default())
            .await
            .unwrap();
        assert!(items.len() >= 10 && items.iter().all(|i| i.category_name.is_some()));
        let passes = t
            .core
            .memberships_list(desk, MembershipsListArgs::default())
            .await
            .unwrap();
        for state in [
            MembershipState::Active,
            MembershipState::Frozen,
            MembershipState::UsedUp,
            MembershipState::Expired,
            MembershipState::Cancelled,
        ] {
            assert!(passes.iter().any(|m| m.state == state), "a pass {state:?}");
        }
        let nearly = passes
            .iter()
            .filter(|m| m.state == MembershipState::Active && m.visits_left.is_some_and(|v| v <= 2))
            .count();
        assert!(nearly >= 3, "passes nearly used up: {nearly}");
        for status in [
            InvoiceStatus::Unpaid,
            InvoiceStatus::PartlyPaid,
            InvoiceStatus::Paid,
        ] {
            assert!(
                passes.iter().any(|m| m.payment == Some(status)),
                "{status:?}"
            );
        }
        assert!(
            passes.iter().any(|m| m.client.id != m.payer.id),
            "a parent pays for a child"
        );
        let unpaid = InvoicesListArgs {
            unpaid_only: true,
            ..Default::default()
        };
        assert!(t.core.invoices_list(desk, unpaid).await.unwrap().total >= 4);
        let soon = ContractsListArgs {
            client_id: None,
            ending_within_days: Some(14),
        };
        assert_eq!(
            t.core.contracts_list(desk, soon).await.unwrap().len(),
            1,
            "a contract ends next week"
        );
        let running = t
            .core
            .contracts_list(desk, ContractsListArgs::default())
            .await
            .unwrap();
        assert!(running.len() >= 3);
    })
    .await;
}
