//! Change events: every write is heard by the other readers, as their permissions allow, and
//! a reader that reconnects with the last id it saw misses nothing.

use std::time::Duration;

use hallpass_core::api::*;
use hallpass_core::changes::{ChangeStream, StreamItem};

use crate::helpers::{adult, import_args};
use crate::support::each_engine;

async fn next(s: &mut ChangeStream) -> StreamItem {
    tokio::time::timeout(Duration::from_secs(10), s.next())
        .await
        .expect("no event within 10 s")
}

async fn event(s: &mut ChangeStream) -> ChangeEvent {
    match next(s).await {
        StreamItem::Event(e) => e,
        other => panic!("expected an event, got {other:?}"),
    }
}

#[tokio::test]
async fn a_write_reaches_the_other_readers_as_their_role_allows() {
    each_engine(|t| async move {
        t.demo().await;
        let mgr = t.login("manager").await;
        let rec = t.login("reception").await;
        let mut theirs = t.core.changes_subscribe(Some(&rec), None).await.unwrap();
        let mut mine = t.core.changes_subscribe(Some(&mgr), None).await.unwrap();

        let mut input = adult("Evented Person");
        let c = t
            .core
            .client_create(Some(&mgr), input.clone().into())
            .await
            .unwrap();
        let created = event(&mut theirs).await;
        assert_eq!(
            (created.entity.as_str(), created.operation.as_str()),
            ("client", "client_create")
        );
        assert_eq!(created.entity_id, Some(c.id));
        assert_eq!(created.source, Source::Window);
        assert_eq!(created.author.as_ref().unwrap().name, "Anna Volkova");
        assert_eq!(event(&mut mine).await, created);

        // The receptionist hears that the name changed, not that the medical notes did.
        input.name = "Evented Person-Two".into();
        input.medical_notes = Some("peanuts".into());
        t.core
            .client_update(
                Some(&mgr),
                ClientUpdateArgs {
                    id: c.id,
                    version: c.version,
                    client: input,
                },
            )
            .await
            .unwrap();
        let seen = event(&mut theirs).await;
        assert_eq!(seen.fields, ["name"]);
        let full = event(&mut mine).await;
        assert_eq!(full.fields, ["medical_notes", "name"]);
        assert_eq!(full.seq, seen.seq);
        assert!(seen.seq > created.seq);

        // A saved search is heard by its owner alone.
        t.core
            .saved_filters_save(
                Some(&mgr),
                SavedFilterSaveArgs {
                    id: None,
                    name: "Mine".into(),
                    search: ClientsSearchArgs::default(),
                },
            )
            .await
            .unwrap();
        assert_eq!(event(&mut mine).await.entity, "saved_filter");

        // An import is one event, marked as one.
        let csv = "name,birth date\nImported One,1990-01-01\n";
        t.core
            .clients_import(
                Some(&mgr),
                import_args("a.csv", csv.as_bytes(), false, false),
            )
            .await
            .unwrap();
        let imported = event(&mut theirs).await;
        assert_eq!(imported.operation, "clients_import");
        assert_eq!(
            (imported.source, imported.entity_id),
            (Source::Import, None)
        );
        assert_eq!(event(&mut mine).await.seq, imported.seq);

        // Signing out ends the reader's own stream; the others go on.
        t.core.logout(Some(&rec), NoArgs {}).await.unwrap();
        assert!(matches!(next(&mut theirs).await, StreamItem::SignedOut(_)));
        t.core
            .client_create(Some(&mgr), adult("After Logout").into())
            .await
            .unwrap();
        assert_eq!(event(&mut mine).await.operation, "client_create");
    })
    .await;
}

#[tokio::test]
async fn a_reader_resuming_from_its_last_id_gets_what_it_missed() {
    each_engine(|t| async move {
        t.demo().await;
        let mgr = t.login("manager").await;
        let mut live = t.core.changes_subscribe(Some(&mgr), None).await.unwrap();
        let first = t
            .core
            .client_create(Some(&mgr), adult("Before Drop").into())
            .await
            .unwrap();
        let seen = event(&mut live).await;
        assert_eq!(seen.entity_id, Some(first.id));
        drop(live);

        // While the reader is away, three more cards.
        let mut missed = Vec::new();
        for n in 0..3 {
            let c = t
                .core
                .client_create(Some(&mgr), adult(&format!("While Away {n}")).into())
                .await
                .unwrap();
            missed.push(c.id);
        }
        let mut back = t
            .core
            .changes_subscribe(Some(&mgr), Some(seen.seq))
            .await
            .unwrap();
        // What was missed comes at once, before any new write.
        for id in &missed {
            assert_eq!(event(&mut back).await.entity_id, Some(*id));
        }
        // And then live again, in order.
        let after = t
            .core
            .client_create(Some(&mgr), adult("Back Again").into())
            .await
            .unwrap();
        assert_eq!(event(&mut back).await.entity_id, Some(after.id));

        // More than one batch missed: all of it comes, in order, without a new write.
        drop(back);
        let from = t
            .core
            .saved_filters_save(
                Some(&mgr),
                SavedFilterSaveArgs {
                    id: None,
                    name: "Mark".into(),
                    search: ClientsSearchArgs::default(),
                },
            )
            .await
            .unwrap();
        let mut resumed = t.core.changes_subscribe(Some(&mgr), None).await.unwrap();
        let start = t
            .core
            .changes_subscribe(Some(&mgr), None)
            .await
            .unwrap()
            .cursor();
        drop(resumed);
        for n in 0..520 {
            t.core
                .saved_filters_save(
                    Some(&mgr),
                    SavedFilterSaveArgs {
                        id: Some(from.id),
                        name: format!("Mark {n}"),
                        search: ClientsSearchArgs::default(),
                    },
                )
                .await
                .unwrap();
        }
        resumed = t
            .core
            .changes_subscribe(Some(&mgr), Some(start))
            .await
            .unwrap();
        let mut last = start;
        for _ in 0..520 {
            let e = event(&mut resumed).await;
            assert!(e.seq > last);
            last = e.seq;
        }

        // An id from the future (a restored database) or far behind starts over.
        let mut odd = t
            .core
            .changes_subscribe(Some(&mgr), Some(i64::MAX / 2))
            .await
            .unwrap();
        assert!(matches!(next(&mut odd).await, StreamItem::Reset(_)));

        // No token, or a bad one: no stream.
        for token in [None, Some("nope")] {
            let e = t.core.changes_subscribe(token, None).await.err().unwrap();
            assert!(matches!(e, ApiError::Unauthenticated { .. }), "{e:?}");
        }
    })
    .await;
}
