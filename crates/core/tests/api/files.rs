//! Photos and the centre's logo: checked by their bytes, stored once, served with a thumbnail.

use base64::Engine;
use hallpass_core::api::*;

use crate::helpers::{adult, b64, code, PNG_1X1};
use crate::support::each_engine;

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
                details: String::new(),
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
