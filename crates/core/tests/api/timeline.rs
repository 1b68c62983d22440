//! The card's timeline with attached files.

use hallpass_core::api::*;

use crate::helpers::{adult, b64, code};
use crate::support::each_engine;

#[tokio::test]
async fn the_timeline_keeps_observations_awards_with_files_and_contacts() {
    each_engine(|t| async move {
        t.demo().await;
        let rec = t.login("reception").await;
        let rec = Some(rec.as_str());
        let ins = t.login("instructor").await;
        let ins = Some(ins.as_str());
        let acc = t.login("accountant").await;
        let acc = Some(acc.as_str());
        let c = t
            .core
            .client_create(rec, adult("Timeline Person").into())
            .await
            .unwrap();
        assert!(c.last_contact_at.is_none());
        let entry = |kind: TimelineKind, body: &str| TimelineEntryInput {
            kind,
            channel: None,
            at: None,
            title: String::new(),
            body: body.into(),
            files: vec![],
        };

        let obs = t
            .core
            .client_timeline_add(
                ins,
                TimelineAddArgs {
                    client_id: c.id,
                    entry: entry(TimelineKind::Observation, "Balance much better this week"),
                },
            )
            .await
            .unwrap();
        assert_eq!(
            obs.created_by.as_ref().map(|u| u.name.as_str()),
            Some("Somsack Keola")
        );
        let cert = t
            .core
            .file_upload(
                ins,
                FileUploadArgs {
                    file_name: "certificate.pdf".into(),
                    content: b64(b"%PDF-1.4 certificate"),
                    purpose: FilePurpose::Attachment,
                },
            )
            .await
            .unwrap();
        let award = t
            .core
            .client_timeline_add(
                ins,
                TimelineAddArgs {
                    client_id: c.id,
                    entry: TimelineEntryInput {
                        title: "Yellow belt".into(),
                        files: vec![AttachedFile {
                            file_id: cert.id,
                            name: cert.name.clone(),
                        }],
                        ..entry(TimelineKind::Award, "")
                    },
                },
            )
            .await
            .unwrap();
        assert_eq!(award.files.len(), 1);
        assert_eq!(
            (award.files[0].name.as_str(), award.files[0].mime.as_str()),
            ("certificate.pdf", "application/pdf")
        );

        // An accountant reads but does not write; an empty entry, a channel on a
        // non-contact, a future date and an unknown file are refused at their field.
        assert!(matches!(
            t.core
                .client_timeline_add(
                    acc,
                    TimelineAddArgs {
                        client_id: c.id,
                        entry: entry(TimelineKind::Note, "x")
                    }
                )
                .await,
            Err(ApiError::Forbidden { .. })
        ));
        // Bad entries, each refused at its field.
        let add = |entry: TimelineEntryInput| {
            t.core.client_timeline_add(
                ins,
                TimelineAddArgs {
                    client_id: c.id,
                    entry,
                },
            )
        };
        let e = add(entry(TimelineKind::Note, "  ")).await.unwrap_err();
        assert_eq!(code(e), ("entry.body".into(), "required".into()));
        let e = add(TimelineEntryInput {
            channel: Some(ContactChannel::Call),
            ..entry(TimelineKind::Note, "x")
        })
        .await
        .unwrap_err();
        assert_eq!(code(e), ("entry.channel".into(), "not_a_contact".into()));
        let e = add(TimelineEntryInput {
            at: Some(t.core.now() + chrono::Duration::days(1)),
            ..entry(TimelineKind::Note, "x")
        })
        .await
        .unwrap_err();
        assert_eq!(code(e), ("entry.at".into(), "in_future".into()));
        let e = add(TimelineEntryInput {
            files: vec![AttachedFile {
                file_id: c.id,
                name: "x.pdf".into(),
            }],
            ..entry(TimelineKind::Note, "x")
        })
        .await
        .unwrap_err();
        assert_eq!(
            code(e),
            ("entry.files.0.file_id".into(), "not_found".into())
        );
        // A download name always matches what the bytes are; office containers must be named so.
        let up = |name: &str, bytes: &[u8]| {
            t.core.file_upload(
                ins,
                FileUploadArgs {
                    file_name: name.into(),
                    content: b64(bytes),
                    purpose: FilePurpose::Attachment,
                },
            )
        };
        assert_eq!(
            up("run.bat", b"echo hello").await.unwrap().name,
            "run.bat.txt"
        );
        let e = up("tool.jar", b"PK\x03\x04 a zip").await.unwrap_err();
        assert_eq!(code(e), ("file_name".into(), "unsupported_type".into()));

        // A contact yesterday moves "last contact"; an older one does not move it back.
        let yesterday = t.core.now() - chrono::Duration::days(1);
        t.core
            .client_timeline_add(
                rec,
                TimelineAddArgs {
                    client_id: c.id,
                    entry: TimelineEntryInput {
                        channel: Some(ContactChannel::Call),
                        at: Some(yesterday),
                        ..entry(TimelineKind::Contact, "Asked about the summer camp")
                    },
                },
            )
            .await
            .unwrap();
        t.core
            .client_timeline_add(
                rec,
                TimelineAddArgs {
                    client_id: c.id,
                    entry: TimelineEntryInput {
                        at: Some(yesterday - chrono::Duration::days(30)),
                        ..entry(TimelineKind::Contact, "First visit")
                    },
                },
            )
            .await
            .unwrap();
        let card = t
            .core
            .client_get(rec, ClientGetArgs { id: c.id })
            .await
            .unwrap();
        assert_eq!(card.last_contact_at, Some(yesterday));
        assert_eq!(
            card.version, c.version,
            "a contact does not disturb someone editing the card"
        );
        let quiet = t
            .core
            .clients_search(
                rec,
                ClientsSearchArgs {
                    query: "Timeline Person".into(),
                    filters: ClientFilters {
                        not_contacted_days: Some(7),
                        ..Default::default()
                    },
                    ..Default::default()
                },
            )
            .await
            .unwrap();
        assert!(quiet.items.is_empty());

        // Newest first, paged, filtered by kind.
        let page = t
            .core
            .client_timeline_list(
                acc,
                TimelineListArgs {
                    client_id: c.id,
                    kinds: vec![],
                    before: None,
                    limit: Some(2),
                },
            )
            .await
            .unwrap();
        assert_eq!(
            page.items.iter().map(|e| e.id).collect::<Vec<_>>(),
            [award.id, obs.id]
        );
        assert!(page.has_more);
        let rest = t
            .core
            .client_timeline_list(
                acc,
                TimelineListArgs {
                    client_id: c.id,
                    kinds: vec![],
                    before: Some(obs.id),
                    limit: Some(10),
                },
            )
            .await
            .unwrap();
        assert_eq!(rest.items.len(), 2);
        assert!(!rest.has_more);
        let contacts = t
            .core
            .client_timeline_list(
                acc,
                TimelineListArgs {
                    client_id: c.id,
                    kinds: vec![TimelineKind::Contact],
                    before: None,
                    limit: None,
                },
            )
            .await
            .unwrap();
        assert_eq!(contacts.items.len(), 2);

        // Only the author (or a manager) changes an entry.
        let e = t
            .core
            .client_timeline_update(
                rec,
                TimelineUpdateArgs {
                    id: obs.id,
                    version: obs.version,
                    entry: entry(TimelineKind::Observation, "edited"),
                },
            )
            .await
            .unwrap_err();
        assert!(matches!(e, ApiError::Forbidden { .. }));
        let fixed = t
            .core
            .client_timeline_update(
                ins,
                TimelineUpdateArgs {
                    id: obs.id,
                    version: obs.version,
                    entry: entry(TimelineKind::Observation, "Balance better"),
                },
            )
            .await
            .unwrap();
        assert_eq!((fixed.body.as_str(), fixed.version), ("Balance better", 2));
        let mgr = t.login("manager").await;
        t.core
            .client_timeline_delete(
                Some(&mgr),
                TimelineDeleteArgs {
                    id: obs.id,
                    version: 2,
                },
            )
            .await
            .unwrap();
        let all = t
            .core
            .client_timeline_list(
                acc,
                TimelineListArgs {
                    client_id: c.id,
                    kinds: vec![],
                    before: None,
                    limit: None,
                },
            )
            .await
            .unwrap();
        assert_eq!(all.items.len(), 3);
    })
    .await;
}
