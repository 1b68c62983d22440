//! Custom values across kinds of card: a field moved to the other kind keeps its values.

use hallpass_core::api::*;

use crate::helpers::{person, value};
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
