//! Export of the client list, and importing it back.

use base64::Engine;
use hallpass_core::api::*;

use crate::helpers::import_args as args;
use crate::support::{each_engine, TestCore};

/// What matters of a card for the round trip.
async fn fingerprint(t: &TestCore, token: &str) -> Vec<String> {
    let cats = t
        .core
        .client_categories_list(Some(token), NoArgs {})
        .await
        .unwrap();
    let fields = t
        .core
        .custom_fields_list(Some(token), NoArgs {})
        .await
        .unwrap();
    let mut out = Vec::new();
    let mut offset = 0;
    loop {
        let page = t
            .core
            .clients_search(
                Some(token),
                ClientsSearchArgs {
                    offset,
                    limit: Some(200),
                    ..Default::default()
                },
            )
            .await
            .unwrap();
        for s in &page.items {
            let c = t
                .core
                .client_get(Some(token), ClientGetArgs { id: s.id })
                .await
                .unwrap();
            let phones: Vec<_> = c.phones.iter().map(|p| p.number.clone()).collect();
            let emails: Vec<_> = c.emails.iter().map(|e| e.value.clone()).collect();
            let guardians: Vec<_> = c
                .guardians
                .iter()
                .map(|g| format!("{}/{}", g.card.name, g.relation.as_str()))
                .collect();
            let category = c
                .category_id
                .map(|id| cats.iter().find(|k| k.id == id).unwrap().name.clone());
            let label = |id| fields.iter().find(|f| f.id == id).unwrap().label.clone();
            let custom: Vec<_> = c
                .custom
                .iter()
                .map(|v| format!("{}={}", label(v.field_id), v.value))
                .collect();
            out.push(format!(
                "{}|{:?}|{:?}|{:?}|{:?}|{:?}|{:?}|{}|{:?}|{:?}|{:?}|{:?}|{:?}",
                c.name,
                c.kind,
                c.status,
                phones,
                emails,
                c.birth_date,
                c.tags,
                c.notes,
                guardians,
                category,
                custom,
                c.tax_id,
                c.addresses
            ));
        }
        if !page.has_more {
            break;
        }
        offset += 200;
    }
    out.sort();
    out
}

#[tokio::test]
async fn importing_an_export_gives_the_same_clients_back() {
    let src = crate::support::sqlite().await;
    src.demo().await;
    let tok = src.login("manager").await;
    let expected = fingerprint(&src, &tok).await;
    let cats = src
        .core
        .client_categories_list(Some(&tok), NoArgs {})
        .await
        .unwrap();
    let fields = src
        .core
        .custom_fields_list(Some(&tok), NoArgs {})
        .await
        .unwrap();
    assert!(
        !cats.is_empty() && !fields.is_empty() && expected.iter().any(|c| c.contains("Company"))
    );
    for format in [ExportFormat::Csv, ExportFormat::Xlsx] {
        let file = src
            .core
            .clients_export(
                Some(&tok),
                ClientsExportArgs {
                    format,
                    query: String::new(),
                    filters: Default::default(),
                    sort: Default::default(),
                    labels: Default::default(),
                    title: None,
                },
            )
            .await
            .unwrap();
        assert_eq!(file.rows as usize, expected.len());
        let bytes = base64::engine::general_purpose::STANDARD
            .decode(&file.content)
            .unwrap();
        if format == ExportFormat::Csv {
            let text = String::from_utf8(bytes.clone()).unwrap();
            assert!(
                text.contains(",'+856"),
                "phones are escaped so spreadsheets do not run them"
            );
        }
        each_engine(|t| {
            let (bytes, expected, name) = (bytes.clone(), expected.clone(), file.file_name.clone());
            let (cats, fields) = (cats.clone(), fields.clone());
            async move {
                let owner = t
                    .core
                    .centre_setup(CentreSetupArgs {
                        centre: CentreInput {
                            name: "Copy".into(),
                            time_zone: "Asia/Vientiane".into(),
                            currency: "LAK".into(),
                            phone_country: "LA".into(),
                            logo: None,
                            details: String::new(),
                        },
                        owner_login: "owner".into(),
                        owner_name: "Owner".into(),
                        owner_password: "a long enough password 1".into(),
                    })
                    .await
                    .unwrap()
                    .token;
                // The same categories and custom fields exist in the centre the list moves to.
                for c in &cats {
                    let category = ClientCategoryInput {
                        name: c.name.clone(),
                        rule: c.rule.clone(),
                        archived: false,
                    };
                    t.core
                        .client_categories_create(
                            Some(&owner),
                            ClientCategoryCreateArgs { category },
                        )
                        .await
                        .unwrap();
                }
                for f in &fields {
                    let field = CustomFieldInput {
                        applies_to: f.applies_to,
                        label: f.label.clone(),
                        kind: f.kind,
                        choices: f.choices.clone(),
                        decimals: f.decimals,
                        required: false,
                        searchable: f.searchable,
                        archived: false,
                    };
                    t.core
                        .custom_fields_create(Some(&owner), CustomFieldCreateArgs { field })
                        .await
                        .unwrap();
                }
                let r = t
                    .core
                    .clients_import(Some(&owner), args(&name, &bytes, false, false))
                    .await
                    .unwrap();
                assert!(
                    r.errors.is_empty() && r.duplicates.is_empty(),
                    "{:?} {:?}",
                    r.errors.first(),
                    r.duplicates.first()
                );
                assert_eq!(r.guardians_created, 0, "guardians have lines of their own");
                assert_eq!(fingerprint(&t, &owner).await, expected);
            }
        })
        .await;
    }
}
