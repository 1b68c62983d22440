//! The card's timeline with attached files, photos, and saved filters.

use base64::Engine;
use hallpass_core::api::*;

use crate::support::each_engine;

/// A valid 1×1 PNG.
const PNG_1X1: &str = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==";

fn b64(bytes: &[u8]) -> String {
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

fn code(e: ApiError) -> (String, String) {
    match e {
        ApiError::Validation { errors } => (errors[0].field.clone(), errors[0].code.clone()),
        other => panic!("expected validation, got {other:?}"),
    }
}

fn adult(name: &str) -> ClientInput {
    ClientInput {
        name: name.into(),
        birth_date: Some("1985-02-03".into()),
        ..Default::default()
    }
}

#[tokio::test]
async fn photos_are_checked_by_their_bytes_stored_once_and_served_with_a_thumbnail() {
    each_engine(|t| async move {
        t.demo().await;
        let rec = t.login("reception").await;
        let rec = Some(rec.as_str());
        let upload = |name: &str, content: String, purpose: FilePurpose| {
            t.core.file_upload(
                rec,
                FileUploadArgs {
                    file_name: name.into(),
                    content,
                    purpose,
                },
            )
        };

        let files_before = t.count("files").await;
        // Text named .png, a PDF as a photo, a truncated image, 11 MB: each refused at `content`.
        let e = upload("logo.png", b64(b"this is not an image"), FilePurpose::Photo)
            .await
            .unwrap_err();
        assert_eq!(code(e), ("content".into(), "invalid_image".into()));
        let e = upload("scan.png", b64(b"%PDF-1.4 fake"), FilePurpose::Photo)
            .await
            .unwrap_err();
        assert_eq!(code(e), ("content".into(), "invalid_image".into()));
        let png = base64::engine::general_purpose::STANDARD
            .decode(PNG_1X1)
            .unwrap();
        let e = upload("cut.png", b64(&png[..30]), FilePurpose::Photo)
            .await
            .unwrap_err();
        assert_eq!(code(e), ("content".into(), "invalid_image".into()));
        let e = upload("huge.jpg", "A".repeat(15 * 1024 * 1024), FilePurpose::Photo)
            .await
            .unwrap_err();
        assert_eq!(code(e), ("content".into(), "too_large".into()));
        let e = upload(
            "x.bin",
            b64(&[0, 159, 146, 150, 0, 1]),
            FilePurpose::Attachment,
        )
        .await
        .unwrap_err();
        assert_eq!(code(e), ("content".into(), "unsupported_type".into()));
        assert_eq!(t.count("files").await, files_before);

        let a = upload("face.png", PNG_1X1.into(), FilePurpose::Photo)
            .await
            .unwrap();
        assert_eq!(
            (a.mime.as_str(), a.width, a.height),
            ("image/png", Some(1), Some(1))
        );
        let b = upload(
            "same-face.png",
            format!("data:image/png;base64,{PNG_1X1}"),
            FilePurpose::Photo,
        )
        .await
        .unwrap();
        assert_eq!(a.id, b.id, "one copy per content");
        assert_eq!(t.count("files").await, files_before + 1);

        let mut card = adult("Photo Person");
        card.photo_id = Some(a.id);
        let c = t.core.client_create(rec, card.into()).await.unwrap();
        assert_eq!(c.photo_id, Some(a.id));
        // A stored PDF is not a photo.
        let pdf = upload("scan.pdf", b64(b"%PDF-1.4 scan"), FilePurpose::Attachment)
            .await
            .unwrap();
        let mut card = adult("Not A Photo");
        card.photo_id = Some(pdf.id);
        let e = t.core.client_create(rec, card.into()).await.unwrap_err();
        assert_eq!(code(e), ("client.photo_id".into(), "not_found".into()));
        let full = t
            .core
            .file_get(
                rec,
                FileGetArgs {
                    id: a.id,
                    thumbnail: false,
                },
            )
            .await
            .unwrap();
        assert_eq!(
            (full.mime.as_str(), full.content.as_str()),
            ("image/png", PNG_1X1)
        );
        let thumb = t
            .core
            .file_get(
                rec,
                FileGetArgs {
                    id: a.id,
                    thumbnail: true,
                },
            )
            .await
            .unwrap();
        assert_eq!(thumb.mime, "image/jpeg");
        let jpeg = base64::engine::general_purpose::STANDARD
            .decode(thumb.content)
            .unwrap();
        assert!(jpeg.starts_with(&[0xff, 0xd8, 0xff]));
    })
    .await;
}

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
        let e = t
            .core
            .client_timeline_add(
                ins,
                TimelineAddArgs {
                    client_id: c.id,
                    entry: entry(TimelineKind::Note, "  "),
                },
            )
            .await
            .unwrap_err();
        assert_eq!(code(e), ("entry.body".into(), "required".into()));
        let e = t
            .core
            .client_timeline_add(
                ins,
                TimelineAddArgs {
                    client_id: c.id,
                    entry: TimelineEntryInput {
                        channel: Some(ContactChannel::Call),
                        ..entry(TimelineKind::Note, "x")
                    },
                },
            )
            .await
            .unwrap_err();
        assert_eq!(code(e), ("entry.channel".into(), "not_a_contact".into()));
        let e = t
            .core
            .client_timeline_add(
                ins,
                TimelineAddArgs {
                    client_id: c.id,
                    entry: TimelineEntryInput {
                        at: Some(t.core.now() + chrono::Duration::days(1)),
                        ..entry(TimelineKind::Note, "x")
                    },
                },
            )
            .await
            .unwrap_err();
        assert_eq!(code(e), ("entry.at".into(), "in_future".into()));
        let e = t
            .core
            .client_timeline_add(
                ins,
                TimelineAddArgs {
                    client_id: c.id,
                    entry: TimelineEntryInput {
                        files: vec![AttachedFile {
                            file_id: c.id,
                            name: "x.pdf".into(),
                        }],
                        ..entry(TimelineKind::Note, "x")
                    },
                },
            )
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

#[tokio::test]
async fn the_logo_must_be_the_image_it_claims_and_small() {
    each_engine(|t| async move {
        t.demo().await;
        let owner = t.login("owner").await;
        let owner = Some(owner.as_str());
        let c = t.core.centre_get(owner, NoArgs {}).await.unwrap();
        let with = |logo: String| CentreUpdateArgs {
            version: c.version,
            centre: CentreInput {
                name: c.name.clone(),
                time_zone: c.time_zone.clone(),
                currency: c.currency.clone(),
                phone_country: c.phone_country.clone(),
                logo: Some(logo),
            },
        };
        let e = t
            .core
            .centre_update(
                owner,
                with(format!("data:image/png;base64,{}", b64(b"just text"))),
            )
            .await
            .unwrap_err();
        assert_eq!(code(e), ("logo".into(), "invalid_image".into()));
        let e = t
            .core
            .centre_update(
                owner,
                with(format!(
                    "data:image/png;base64,{}",
                    b64(&vec![0u8; 700 * 1024])
                )),
            )
            .await
            .unwrap_err();
        assert_eq!(code(e), ("logo".into(), "too_large".into()));
        let ok = t
            .core
            .centre_update(owner, with(format!("data:image/png;base64,{PNG_1X1}")))
            .await
            .unwrap();
        assert!(ok.logo.unwrap().ends_with(PNG_1X1));
    })
    .await;
}
