//! Printed documents: every kind printed from the demo centre in every language, the PDF's
//! text read back with a PDF text extractor (poppler's pdftotext), templates saved only when
//! they typeset (errors with line and column, the previous one kept), reset, previewed.

use base64::Engine;
use hallpass_core::api::*;

use crate::helpers::fields;
use crate::support::{each_engine, TestCore};

/// The text of a PDF, by poppler's pdftotext (installed by the test command).
pub fn pdf_text(file: &DocumentFile) -> String {
    assert_eq!(file.media_type, "application/pdf");
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(&file.content)
        .unwrap();
    assert!(bytes.starts_with(b"%PDF-"), "not a PDF");
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(&file.file_name);
    std::fs::write(&path, &bytes).unwrap();
    let out = std::process::Command::new("pdftotext")
        .args(["-layout", "-enc", "UTF-8"])
        .arg(&path)
        .arg("-")
        .output()
        .expect("pdftotext (poppler-utils) is needed to read the PDFs back");
    assert!(out.status.success(), "pdftotext failed");
    // Amounts use no-break spaces; the extractor may give either.
    String::from_utf8(out.stdout)
        .unwrap()
        .replace('\u{a0}', " ")
}

fn render(kind: DocumentKind, id: Option<uuid::Uuid>, lang: Lang) -> DocumentRenderArgs {
    DocumentRenderArgs { kind, id, lang }
}

/// A demo invoice with a payment on it, and that payment.
async fn paid_invoice(t: &TestCore, token: Option<&str>) -> (Invoice, Payment) {
    let page = t
        .core
        .invoices_list(
            token,
            InvoicesListArgs {
                limit: Some(200),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    for summary in page.invoices {
        let invoice = t
            .core
            .invoice_get(token, InvoiceGetArgs { id: summary.id })
            .await
            .unwrap();
        if let Some(p) = invoice.payments.first().cloned() {
            return (invoice, p);
        }
    }
    panic!("the demo has no paid invoice");
}

#[tokio::test]
async fn every_document_prints_from_the_demo_in_every_language() {
    each_engine(|t| async move {
        t.demo().await;
        let desk = t.login("reception").await;
        let desk = Some(desk.as_str());
        let (invoice, payment) = paid_invoice(&t, desk).await;

        let file = t
            .core
            .document_render(
                desk,
                render(DocumentKind::Invoice, Some(invoice.id), Lang::En),
            )
            .await
            .unwrap();
        assert_eq!(file.file_name, format!("invoice-{}.pdf", invoice.number));
        let text = pdf_text(&file);
        assert!(text.contains("Invoice"), "{text}");
        assert!(text.contains(&invoice.client.name), "{text}");
        assert!(text.contains(&invoice.payer.name), "{text}");
        assert!(text.contains("Sunny Days"), "the centre's name: {text}");
        assert!(
            text.contains("Tax ID 123456789"),
            "the centre's details: {text}"
        );
        // The total in the centre's currency: grouped, its minor digits, the kip sign.
        let exp = t
            .core
            .centre_get(desk, NoArgs {})
            .await
            .unwrap()
            .currency_exponent;
        let total = written(invoice.total, exp, ',', '.');
        assert!(text.contains(&format!("{total} ₭")), "{total} in {text}");

        let receipt = t
            .core
            .document_render(
                desk,
                render(DocumentKind::Receipt, Some(payment.id), Lang::Ru),
            )
            .await
            .unwrap();
        let text = pdf_text(&receipt);
        assert!(text.contains("Квитанция"), "Cyrillic read back: {text}");
        assert!(text.contains("Получено от"), "{text}");
        let amount = written(payment.amount, exp, ' ', ',');
        assert!(text.contains(&format!("{amount} ₭")), "{amount} in {text}");

        let contracts = t
            .core
            .contracts_list(desk, ContractsListArgs::default())
            .await
            .unwrap();
        let k = &contracts[0];
        let file = t
            .core
            .document_render(desk, render(DocumentKind::Contract, Some(k.id), Lang::En))
            .await
            .unwrap();
        assert_eq!(file.file_name, format!("contract-{}.pdf", k.number));
        let text = pdf_text(&file);
        assert!(
            text.contains(&k.payer.name) && text.contains("Signature"),
            "{text}"
        );

        let file = t
            .core
            .document_render(desk, render(DocumentKind::PriceList, None, Lang::En))
            .await
            .unwrap();
        let text = pdf_text(&file);
        let plans = t
            .core
            .membership_plans_list(desk, MembershipPlansListArgs::default())
            .await
            .unwrap();
        assert!(text.contains(&plans[0].name), "{text}");

        // Lao and Khmer typeset too (their text is looked at as a picture, not extracted).
        for lang in [Lang::Lo, Lang::Km] {
            for kind in DocumentKind::ALL {
                let id = match kind {
                    DocumentKind::Invoice => Some(invoice.id),
                    DocumentKind::Receipt => Some(payment.id),
                    DocumentKind::Contract => Some(k.id),
                    DocumentKind::PriceList => None,
                };
                let file = t
                    .core
                    .document_render(desk, render(kind, id, lang))
                    .await
                    .unwrap();
                assert!(file.content.len() > 1_000);
            }
        }

        // What is asked for must exist; the price list needs no id, the others do.
        let err = t
            .core
            .document_render(desk, render(DocumentKind::Invoice, None, Lang::En))
            .await
            .unwrap_err();
        assert_eq!(fields(err), [("id".into(), "required".into())]);
        let err = t
            .core
            .document_render(
                desk,
                render(DocumentKind::Receipt, Some(invoice.id), Lang::En),
            )
            .await
            .unwrap_err();
        assert!(matches!(err, ApiError::NotFound { .. }), "{err:?}");
        // The instructor sees no money, so prints none.
        let coach = t.login("instructor").await;
        let err = t
            .core
            .document_render(
                Some(&coach),
                render(DocumentKind::PriceList, None, Lang::En),
            )
            .await
            .unwrap_err();
        assert!(matches!(err, ApiError::Forbidden { .. }), "{err:?}");
    })
    .await;
}

/// Minor units written out: 123456789 with exponent 2 → "1,234,567.89".
fn written(minor: i64, exponent: u16, group: char, decimal: char) -> String {
    let scale = 10_i64.pow(u32::from(exponent));
    let s = (minor / scale).to_string();
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push(group);
        }
        out.push(c);
    }
    if exponent > 0 {
        out.push(decimal);
        out.push_str(&format!("{:0w$}", minor % scale, w = usize::from(exponent)));
    }
    out
}

#[tokio::test]
async fn a_template_is_saved_only_when_it_typesets_and_the_previous_one_stays() {
    each_engine(|t| async move {
        t.demo().await;
        let owner = t.login("owner").await;
        let owner = Some(owner.as_str());
        let list = t.core.document_templates_list(owner, NoArgs {}).await.unwrap();
        assert_eq!(list.len(), 4);
        assert!(list.iter().all(|t| t.is_default && t.version == 0));
        let receipt = list.iter().find(|t| t.kind == DocumentKind::Receipt).unwrap();

        let mine = "#let data = json(\"/data.json\")\n= Our receipt\n#data.payment.received_from paid #data.payment.amount\n";
        let save = |source: &str, version: i64| DocumentTemplateSaveArgs {
            kind: DocumentKind::Receipt,
            source: source.into(),
            version,
        };
        let saved = t.core.document_template_save(owner, save(mine, 0)).await.unwrap();
        assert!(!saved.is_default);
        assert_eq!(saved.version, 1);
        assert_eq!(saved.updated_by.as_ref().unwrap().name, "Vilayvanh Sisouk");

        // A syntax error: refused with its line and column; the saved one stays.
        let broken = "#let data = json(\"/data.json\")\n= Receipt\n#let x = (1, 2\n";
        let err = t.core.document_template_save(owner, save(broken, 1)).await.unwrap_err();
        let ApiError::Validation { errors } = err else { panic!("{err:?}") };
        assert_eq!(errors[0].field, "source");
        assert_eq!(errors[0].code, "template_error");
        assert!(errors[0].message.starts_with("line 3, column "), "{errors:?}");
        // An unknown field of the data: refused where the template reads it.
        let unknown = "#let data = json(\"/data.json\")\n\n#data.payment.amuont\n";
        let err = t.core.document_template_save(owner, save(unknown, 1)).await.unwrap_err();
        let ApiError::Validation { errors } = err else { panic!("{err:?}") };
        assert!(errors[0].message.starts_with("line 3, column 15:"), "{errors:?}");
        assert!(errors[0].message.contains("amuont"), "{errors:?}");
        // A part the data has only sometimes (a payment to credit has no invoice) must be
        // read with care.
        let careless = "#let data = json(\"/data.json\")\n#data.invoice.number\n";
        let err = t.core.document_template_save(owner, save(careless, 1)).await.unwrap_err();
        assert_eq!(fields(err), [("source".into(), "template_error".into())]);
        let now = t.core.document_templates_list(owner, NoArgs {}).await.unwrap();
        let kept = now.iter().find(|t| t.kind == DocumentKind::Receipt).unwrap();
        assert_eq!((kept.source.as_str(), kept.version), (mine, 1));

        // The saved template prints.
        let (_, payment) = paid_invoice(&t, owner).await;
        let file = t
            .core
            .document_render(owner, render(DocumentKind::Receipt, Some(payment.id), Lang::En))
            .await
            .unwrap();
        assert!(pdf_text(&file).contains("Our receipt"));

        // A stale version is a conflict; the reception may not change templates.
        let err = t.core.document_template_save(owner, save(mine, 0)).await.unwrap_err();
        assert!(matches!(err, ApiError::Conflict { .. }), "{err:?}");
        let desk = t.login("reception").await;
        let err = t.core.document_template_save(Some(&desk), save(mine, 1)).await.unwrap_err();
        assert!(matches!(err, ApiError::Forbidden { .. }), "{err:?}");

        // Back to the built-in one; both changes are in the audit log.
        let reset = t
            .core
            .document_template_reset(
                owner,
                DocumentTemplateResetArgs { kind: DocumentKind::Receipt, version: 1 },
            )
            .await
            .unwrap();
        assert!(reset.is_default);
        assert_eq!(reset.source, receipt.source);
        // The version goes on counting: a save on what was read before the reset is stale.
        assert_eq!(reset.version, 2);
        let err = t.core.document_template_save(owner, save(mine, 1)).await.unwrap_err();
        assert!(matches!(err, ApiError::Conflict { .. }), "{err:?}");
        let again = t.core.document_template_save(owner, save(mine, 2)).await.unwrap();
        assert_eq!((again.version, again.is_default), (3, false));
        let audit = t
            .core
            .audit_search(owner, AuditSearchArgs { entity: Some("document_template".into()), ..Default::default() })
            .await
            .unwrap();
        let ops: Vec<&str> = audit.rows.iter().map(|e| e.operation.as_str()).collect();
        assert_eq!(ops, ["document_template_save", "document_template_reset", "document_template_save"]);
    })
    .await;
}

#[tokio::test]
async fn the_editor_previews_a_draft_or_says_where_it_fails() {
    each_engine(|t| async move {
        t.demo().await;
        let owner = t.login("owner").await;
        let owner = Some(owner.as_str());
        for kind in DocumentKind::ALL {
            for lang in [Lang::En, Lang::Ru, Lang::Lo, Lang::Km] {
                let preview = t
                    .core
                    .document_template_preview(
                        owner,
                        DocumentPreviewArgs {
                            kind,
                            source: kind.default_source().into(),
                            id: None,
                            lang,
                        },
                    )
                    .await
                    .unwrap();
                assert_eq!(preview.problems, [], "{kind:?} {lang:?}");
                assert_eq!(preview.pages.len(), 1, "{kind:?} {lang:?}");
                assert!(preview.pages[0].starts_with("<svg"));
            }
        }
        let preview = t
            .core
            .document_template_preview(
                owner,
                DocumentPreviewArgs {
                    kind: DocumentKind::Invoice,
                    source: "= Invoice\n\n#text(fill: nope)[x]\n#(1 +)".into(),
                    id: None,
                    lang: Lang::En,
                },
            )
            .await
            .unwrap();
        assert!(preview.pages.is_empty());
        let places: Vec<(u32, u32)> = preview
            .problems
            .iter()
            .map(|p| (p.line, p.column))
            .collect();
        assert_eq!(places[0].0, 4, "{:?}", preview.problems);
    })
    .await;
}
