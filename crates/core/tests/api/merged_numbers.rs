//! A merged card's own card number: it still finds the card it was merged into, through
//! saves and merge chains, and it is not given to anyone else.

use hallpass_core::api::*;

use crate::helpers::{fields, found, import_args};
use crate::support::each_engine;

/// Both cards had a card number: the merged card's number still finds the kept card (and is
/// not given to another), also after the kept card is saved again and after it is merged in
/// turn into a third card.
#[tokio::test]
async fn the_merged_cards_own_number_still_finds_the_kept_card() {
    each_engine(|t| async move {
        t.demo().await;
        let mgr = t.login("manager").await;
        let mgr = Some(mgr.as_str());
        let card = |name: &str, number: &str| ClientCreateArgs {
            client: ClientInput {
                name: name.into(),
                card_number: Some(number.into()),
                phones: vec![PhoneInput {
                    kind: PhoneKind::Mobile,
                    number: "020 5777 4100".into(),
                }],
                ..Default::default()
            },
            allow_duplicate: true,
        };
        let keep = t
            .core
            .client_create(mgr, card("Dara Sok", "K-4100"))
            .await
            .unwrap();
        let merge = t
            .core
            .client_create(mgr, card("Dara Sokh", "M-4101"))
            .await
            .unwrap();
        let merge_into = |keep_id, merge_id| {
            t.core
                .clients_merge(mgr, ClientsMergeArgs { keep_id, merge_id })
        };
        merge_into(keep.id, merge.id).await.unwrap();
        assert_eq!(found(&t.core, mgr, "M-4101").await, [keep.id]);
        assert_eq!(found(&t.core, mgr, "K-4100").await, [keep.id]);
        // The old number is not given to another card.
        let again = t
            .core
            .client_create(mgr, card("Someone Else", "M-4101"))
            .await
            .unwrap_err();
        assert_eq!(
            fields(again),
            [("client.card_number".to_string(), "taken".to_string())]
        );
        let csv = "Name;Card number;Birth date\nSomeone Else;M-4101;01.02.1990\n";
        let checked = t
            .core
            .clients_import(mgr, import_args("list.csv", csv.as_bytes(), true, false))
            .await
            .unwrap();
        assert_eq!(
            checked
                .errors
                .iter()
                .map(|e| (e.line, e.code.as_str()))
                .collect::<Vec<_>>(),
            [(2, "taken")]
        );
        let kept = t
            .core
            .client_get(mgr, ClientGetArgs { id: keep.id })
            .await
            .unwrap();
        assert_eq!(kept.card_number.as_deref(), Some("K-4100"));
        let mut input: ClientInput = card("Dara Sok", "K-4100").client;
        input.notes = "Saved again after the merge".into();
        t.core
            .client_update(
                mgr,
                ClientUpdateArgs {
                    id: keep.id,
                    version: kept.version,
                    client: input,
                },
            )
            .await
            .unwrap();
        assert_eq!(found(&t.core, mgr, "M-4101").await, [keep.id]);

        let last = t
            .core
            .client_create(mgr, card("Dara Sok-Chan", "Z-4102"))
            .await
            .unwrap();
        merge_into(last.id, keep.id).await.unwrap();
        for number in ["M-4101", "K-4100", "Z-4102"] {
            assert_eq!(found(&t.core, mgr, number).await, [last.id], "{number}");
        }

        // Another card cannot be given either old number by a save; the kept card may take
        // one back as its own.
        let other = t
            .core
            .client_create(mgr, card("Someone Else", "S-4103"))
            .await
            .unwrap();
        for (number, version) in [("M-4101", 1), ("K-4100", 1)] {
            let refused = t
                .core
                .client_update(
                    mgr,
                    ClientUpdateArgs {
                        id: other.id,
                        version,
                        client: card("Someone Else", number).client,
                    },
                )
                .await
                .unwrap_err();
            assert_eq!(
                fields(refused),
                [("client.card_number".to_string(), "taken".to_string())],
                "{number}"
            );
        }
        let current = t
            .core
            .client_get(mgr, ClientGetArgs { id: last.id })
            .await
            .unwrap();
        let taken_back = t
            .core
            .client_update(
                mgr,
                ClientUpdateArgs {
                    id: last.id,
                    version: current.version,
                    client: card("Dara Sok-Chan", "M-4101").client,
                },
            )
            .await
            .unwrap();
        assert_eq!(taken_back.card_number.as_deref(), Some("M-4101"));
        for number in ["M-4101", "K-4100"] {
            assert_eq!(found(&t.core, mgr, number).await, [last.id], "{number}");
        }
    })
    .await;
}

/// The kept card had no number and took the merged card's: when it changes its number later,
/// the old one stays reserved.
#[tokio::test]
async fn a_number_taken_over_in_a_merge_stays_reserved_after_a_change() {
    each_engine(|t| async move {
        t.demo().await;
        let mgr = t.login("manager").await;
        let mgr = Some(mgr.as_str());
        let card = |name: &str, number: Option<&str>| ClientInput {
            name: name.into(),
            card_number: number.map(str::to_string),
            ..Default::default()
        };
        let create = |input: ClientInput| {
            t.core.client_create(
                mgr,
                ClientCreateArgs {
                    client: input,
                    allow_duplicate: true,
                },
            )
        };
        let keep = create(card("Noy Phet", None)).await.unwrap();
        let merge = create(card("Noy Phet", Some("N-5001"))).await.unwrap();
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
        assert_eq!(kept.card_number.as_deref(), Some("N-5001"));
        t.core
            .client_update(
                mgr,
                ClientUpdateArgs {
                    id: keep.id,
                    version: kept.version,
                    client: card("Noy Phet", Some("N-5002")),
                },
            )
            .await
            .unwrap();
        let refused = create(card("Someone Else", Some("N-5001")))
            .await
            .unwrap_err();
        assert_eq!(
            fields(refused),
            [("client.card_number".to_string(), "taken".to_string())]
        );
        assert_eq!(found(&t.core, mgr, "N-5001").await, [keep.id]);
    })
    .await;
}
