//! Custom values across kinds of card: a field moved to the other kind keeps its values.

use hallpass_core::api::*;

use crate::helpers::{found, person, value};
use crate::support::each_engine;

#[tokio::test]
async fn a_field_moved_to_companies_keeps_a_persons_value_and_does_not_block_their_card() {
    each_engine(|t| async move {
        t.demo().await;
        let mgr = t.login("manager").await;
        let mgr = Some(mgr.as_str());
        let input = |applies_to| CustomFieldInput {
            applies_to,
            label: "Locker".into(),
            kind: CustomFieldKind::Text,
            choices: vec![],
            decimals: 0,
            required: false,
            searchable: false,
            archived: false,
        };
        let locker = t
            .core
            .custom_fields_create(
                mgr,
                CustomFieldCreateArgs {
                    field: input(AppliesTo::Person),
                },
            )
            .await
            .unwrap();
        let card = t
            .core
            .client_create(
                mgr,
                ClientCreateArgs {
                    client: person("Locker Person", vec![value(&locker, "A-12")]),
                    allow_duplicate: true,
                },
            )
            .await
            .unwrap();
        t.core
            .custom_fields_update(
                mgr,
                CustomFieldUpdateArgs {
                    id: locker.id,
                    version: locker.version,
                    field: input(AppliesTo::Company),
                },
            )
            .await
            .unwrap();
        // A form that still sends the value, and one that no longer shows the field: both
        // save, and the stored value stays.
        for custom in [vec![value(&locker, "B-7")], vec![]] {
            let current = t
                .core
                .client_get(mgr, ClientGetArgs { id: card.id })
                .await
                .unwrap();
            let saved = t
                .core
                .client_update(
                    mgr,
                    ClientUpdateArgs {
                        id: card.id,
                        version: current.version,
                        client: person("Locker Person", custom),
                    },
                )
                .await
                .unwrap();
            assert_eq!(saved.custom, [value(&locker, "A-12")]);
        }
    })
    .await;
}

#[tokio::test]
async fn long_searchable_text_is_saved_and_found_by_its_start() {
    // Three fields of 1,000 characters each: more than a btree entry of the name index holds,
    // so the search document is cut; the card saves and is found by what comes first.
    each_engine(|t| async move {
        t.demo().await;
        let mgr = t.login("manager").await;
        let mgr = Some(mgr.as_str());
        let mut fields = vec![];
        for label in ["History", "Plans", "Wishes"] {
            let field = CustomFieldInput {
                applies_to: AppliesTo::Person,
                label: label.into(),
                kind: CustomFieldKind::Text,
                choices: vec![],
                decimals: 0,
                required: false,
                searchable: true,
                archived: false,
            };
            let f = t
                .core
                .custom_fields_create(mgr, CustomFieldCreateArgs { field })
                .await
                .unwrap();
            fields.push(f);
        }
        let text = |word: &str| {
            format!("{word} {}", "ສົມພອນ ວົງສາ ".repeat(100))
                .chars()
                .take(1000)
                .collect::<String>()
        };
        let values = vec![
            value(&fields[0], &text("zebrawood")),
            value(&fields[1], &text("quillmaker")),
            value(&fields[2], &text("lastwordhere")),
        ];
        let card = t
            .core
            .client_create(
                mgr,
                ClientCreateArgs {
                    client: person("Long Notes", values),
                    allow_duplicate: true,
                },
            )
            .await
            .unwrap();
        assert_eq!(found(&t.core, mgr, "zebrawood").await, [card.id]);
        assert_eq!(found(&t.core, mgr, "long notes").await, [card.id]);
        // The last field starts past the bound: its words are not searched.
        assert!(found(&t.core, mgr, "lastwordhere").await.is_empty());
        let stored = t
            .core
            .client_get(mgr, ClientGetArgs { id: card.id })
            .await
            .unwrap();
        assert_eq!(stored.custom.len(), 3, "every value is kept whole");
        assert!(stored
            .custom
            .iter()
            .all(|v| v.value.chars().count() == 1000));
    })
    .await;
}
