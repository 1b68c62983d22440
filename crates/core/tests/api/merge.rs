//! Merging duplicate cards: everything moves to the kept card, nothing is lost, both cards
//! stay in the audit log, and the merged id still opens the kept card.

use hallpass_core::api::*;
use hallpass_core::Db;

use crate::support::{each_engine, TestCore};

fn phone(n: &str) -> PhoneInput {
    PhoneInput {
        kind: PhoneKind::Mobile,
        number: n.into(),
    }
}

fn email(v: &str) -> LabelledValue {
    LabelledValue {
        label: String::new(),
        value: v.into(),
    }
}

async fn audit_of(t: &TestCore, id: uuid::Uuid) -> Vec<(String, Option<String>)> {
    let sql = "SELECT operation, before FROM audit_log WHERE entity_id = $1 ORDER BY at, id";
    match &t.core.db {
        Db::Sqlite(p) => sqlx::query_as(sql).bind(id).fetch_all(p).await.unwrap(),
        Db::Postgres(p) => sqlx::query_as(sql).bind(id).fetch_all(p).await.unwrap(),
    }
}

#[tokio::test]
async fn merging_moves_everything_and_keeps_both_in_the_audit_log() {
    each_engine(|t| async move {
        t.demo().await;
        let rec = t.login("reception").await;
        let rec = Some(rec.as_str());
        let mgr = t.login("manager").await;
        let mgr = Some(mgr.as_str());
        let ins = t.login("instructor").await;
        let ins = Some(ins.as_str());

        let keep = t
            .core
            .client_create(
                rec,
                ClientInput {
                    name: "Anna Volkova".into(),
                    phones: vec![phone("020 5555 1001")],
                    emails: vec![email("anna@example.la")],
                    tags: vec!["swim".into()],
                    notes: "Prefers mornings".into(),
                    ..Default::default()
                }
                .into(),
            )
            .await
            .unwrap();
        let dup = ClientCreateArgs {
            client: ClientInput {
                name: "Anna Volkova".into(),
                birth_date: Some("1988-06-01".into()),
                card_number: Some("C-7788".into()),
                phones: vec![phone("020 5555 1001"), phone("020 5555 2002")],
                emails: vec![email("ANNA@example.la"), email("anna.v@example.la")],
                tags: vec!["swim".into(), "yoga".into()],
                notes: "Pays in cash".into(),
                medical_notes: Some("Asthma".into()),
                ..Default::default()
            },
            allow_duplicate: true,
        };
        let merge = t.core.client_create(mgr, dup).await.unwrap();
        // The duplicate is a guardian of a child, and has a timeline of its own.
        let child = t
            .core
            .client_create(
                rec,
                ClientInput {
                    name: "Mila Volkova".into(),
                    birth_date: Some("2018-02-02".into()),
                    guardians: vec![GuardianInput {
                        client_id: Some(merge.id),
                        new: None,
                        relation: GuardianRelation::Mother,
                        pays: true,
                    }],
                    ..Default::default()
                }
                .into(),
            )
            .await
            .unwrap();
        let obs = t
            .core
            .client_timeline_add(
                ins,
                TimelineAddArgs {
                    client_id: merge.id,
                    entry: TimelineEntryInput {
                        kind: TimelineKind::Observation,
                        channel: None,
                        at: None,
                        title: String::new(),
                        body: "Strong swimmer".into(),
                        files: vec![],
                    },
                },
            )
            .await
            .unwrap();
        let mine = t
            .core
            .client_timeline_add(
                rec,
                TimelineAddArgs {
                    client_id: keep.id,
                    entry: TimelineEntryInput {
                        kind: TimelineKind::Contact,
                        channel: Some(ContactChannel::Call),
                        at: None,
                        title: String::new(),
                        body: "Called about prices".into(),
                        files: vec![],
                    },
                },
            )
            .await
            .unwrap();

        // Only roles allowed to merge; not a card into itself.
        assert!(matches!(
            t.core
                .clients_merge(
                    rec,
                    ClientsMergeArgs {
                        keep_id: keep.id,
                        merge_id: merge.id
                    }
                )
                .await,
            Err(ApiError::Forbidden { .. })
        ));
        assert!(matches!(
            t.core
                .clients_merge(
                    mgr,
                    ClientsMergeArgs {
                        keep_id: keep.id,
                        merge_id: keep.id
                    }
                )
                .await,
            Err(ApiError::Validation { .. })
        ));

        let kept = t
            .core
            .clients_merge(
                mgr,
                ClientsMergeArgs {
                    keep_id: keep.id,
                    merge_id: merge.id,
                },
            )
            .await
            .unwrap();
        let numbers: Vec<&str> = kept.phones.iter().map(|p| p.number.as_str()).collect();
        assert_eq!(numbers, ["+8562055551001", "+8562055552002"]);
        let emails: Vec<&str> = kept.emails.iter().map(|e| e.value.as_str()).collect();
        assert_eq!(emails, ["anna@example.la", "anna.v@example.la"]);
        assert_eq!(kept.tags, ["swim", "yoga"]);
        assert_eq!(kept.birth_date, "1988-06-01".parse().ok());
        assert_eq!(kept.card_number.as_deref(), Some("C-7788"));
        assert_eq!(kept.notes, "Prefers mornings\n\nPays in cash");
        assert_eq!(kept.medical_notes.as_deref(), Some("Asthma"));
        assert_eq!(
            kept.wards.iter().map(|w| w.card.id).collect::<Vec<_>>(),
            [child.id]
        );
        assert!(kept.version > keep.version);

        // The child's guardian is now the kept card; the timeline holds both histories and a note.
        let c = t
            .core
            .client_get(rec, ClientGetArgs { id: child.id })
            .await
            .unwrap();
        assert_eq!(c.guardians[0].card.id, keep.id);
        let tl = t
            .core
            .client_timeline_list(
                rec,
                TimelineListArgs {
                    client_id: keep.id,
                    kinds: vec![],
                    before: None,
                    limit: None,
                },
            )
            .await
            .unwrap();
        let ids: Vec<_> = tl.items.iter().map(|e| e.id).collect();
        assert!(
            ids.contains(&obs.id) && ids.contains(&mine.id) && tl.items.len() == 3,
            "{ids:?}"
        );
        // The merge is on the timeline as data, worded by the app in the reader's language
        // (the card number moved to the kept card, which had none, so the event needs none).
        assert!(tl.items.iter().any(|e| e.event
            == Some(TimelineEvent::Merged {
                name: "Anna Volkova".into(),
                card_number: None,
                tax_id: None,
            })));

        // The merged id opens the kept card; search and phone lookup find one card.
        assert_eq!(
            t.core
                .client_get(rec, ClientGetArgs { id: merge.id })
                .await
                .unwrap()
                .id,
            keep.id
        );
        let found = t
            .core
            .clients_by_phone(
                rec,
                ClientsByPhoneArgs {
                    phone: "020 5555 2002".into(),
                },
            )
            .await
            .unwrap();
        let own: Vec<_> = found
            .matches
            .iter()
            .filter(|m| m.guardian_id.is_none())
            .map(|m| m.client.id)
            .collect();
        assert_eq!(own, [keep.id]);
        assert!(found
            .matches
            .iter()
            .any(|m| m.client.id == child.id && m.guardian_id == Some(keep.id)));
        let page = t
            .core
            .clients_search(
                rec,
                ClientsSearchArgs {
                    query: "C-7788".into(),
                    ..Default::default()
                },
            )
            .await
            .unwrap();
        assert_eq!(
            page.items.iter().map(|s| s.id).collect::<Vec<_>>(),
            [keep.id]
        );

        // Both cards as they were before, in the audit log.
        let merged_log = audit_of(&t, merge.id).await;
        let last = merged_log.last().unwrap();
        assert_eq!(last.0, "clients_merge");
        assert!(last.1.as_deref().unwrap().contains("Pays in cash"));
        let kept_log = audit_of(&t, keep.id).await;
        let last = kept_log.last().unwrap();
        assert_eq!(last.0, "clients_merge");
        assert!(last.1.as_deref().unwrap().contains("Prefers mornings"));
        assert!(!last.1.as_deref().unwrap().contains("Pays in cash"));
    })
    .await;
}

/// Every column that refers to a client is moved by the merge, so a later domain cannot
/// add a reference and forget it.
#[tokio::test]
async fn the_merge_knows_every_reference_to_a_client() {
    let t = crate::support::sqlite().await;
    let Db::Sqlite(pool) = &t.core.db else {
        unreachable!()
    };
    let refs: Vec<(String, String)> = sqlx::query_as(
        "SELECT m.name, p.\"from\" FROM sqlite_master m, pragma_foreign_key_list(m.name) p \
         WHERE m.type = 'table' AND p.\"table\" = 'clients'",
    )
    .fetch_all(pool)
    .await
    .unwrap();
    assert!(!refs.is_empty());
    let known = hallpass_core::clients::merge::MOVED_HERE
        .iter()
        .chain(hallpass_core::clients::merge::LATER_REFERENCES);
    let known: Vec<(String, String)> = known.map(|(t, c)| (t.to_string(), c.to_string())).collect();
    for r in refs {
        assert!(
            known.contains(&r),
            "{r:?} refers to clients but the merge does not move it"
        );
    }
}
