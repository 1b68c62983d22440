//! Saved filters of the client list, per user.

use hallpass_core::api::*;

use crate::helpers::code;
use crate::support::each_engine;

#[tokio::test]
async fn saved_filters_belong_to_their_user() {
    each_engine(|t| async move {
        t.demo().await;
        let rec = t.login("reception").await;
        let rec = Some(rec.as_str());
        let ins = t.login("instructor").await;
        let ins = Some(ins.as_str());
        let search = ClientsSearchArgs {
            query: "anna".into(),
            filters: ClientFilters {
                status: vec![ClientStatus::Current],
                birthday_this_month: true,
                ..Default::default()
            },
            sort: ClientSort::Newest,
            offset: 40,
            limit: Some(20),
        };
        let f = t
            .core
            .saved_filters_save(
                rec,
                SavedFilterSaveArgs {
                    id: None,
                    name: "My birthdays".into(),
                    search,
                },
            )
            .await
            .unwrap();
        assert_eq!(
            (f.search.offset, f.search.limit, f.search.sort),
            (0, None, ClientSort::Newest)
        );
        let e = t
            .core
            .saved_filters_save(
                rec,
                SavedFilterSaveArgs {
                    id: None,
                    name: " my BIRTHDAYS ".into(),
                    search: Default::default(),
                },
            )
            .await
            .unwrap_err();
        assert_eq!(code(e), ("name".into(), "taken".into()));
        let renamed = t
            .core
            .saved_filters_save(
                rec,
                SavedFilterSaveArgs {
                    id: Some(f.id),
                    name: "My birthdays this month".into(),
                    search: f.search.clone(),
                },
            )
            .await
            .unwrap();
        assert_eq!(renamed.id, f.id);

        assert!(t
            .core
            .saved_filters_list(ins, NoArgs {})
            .await
            .unwrap()
            .is_empty());
        assert!(matches!(
            t.core
                .saved_filters_delete(ins, SavedFilterDeleteArgs { id: f.id })
                .await,
            Err(ApiError::NotFound { .. })
        ));
        assert!(matches!(
            t.core
                .saved_filters_save(
                    ins,
                    SavedFilterSaveArgs {
                        id: Some(f.id),
                        name: "Mine now".into(),
                        search: Default::default()
                    }
                )
                .await,
            Err(ApiError::NotFound { .. })
        ));
        let mine = t.core.saved_filters_list(rec, NoArgs {}).await.unwrap();
        let names: Vec<_> = mine.iter().map(|f| f.name.as_str()).collect();
        assert_eq!(
            names,
            [
                "Birthdays this month",
                "Not contacted for 30 days",
                "My birthdays this month"
            ],
            "the demo's two, then the new one"
        );
        t.core
            .saved_filters_delete(rec, SavedFilterDeleteArgs { id: f.id })
            .await
            .unwrap();
        assert_eq!(
            t.core
                .saved_filters_list(rec, NoArgs {})
                .await
                .unwrap()
                .len(),
            2
        );
    })
    .await;
}
