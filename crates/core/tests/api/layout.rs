//! The card layout: one per centre, every field placed once, new custom fields shown.

use hallpass_core::api::*;

use crate::helpers::{code, fields};
use crate::support::each_engine;

#[tokio::test]
async fn the_card_layout_is_arranged_by_an_admin_and_places_every_field() {
    each_engine(|t| async move {
        t.demo().await;
        let mgr = t.login("manager").await;
        let mgr = Some(mgr.as_str());
        let rec = t.login("reception").await;
        let rec = Some(rec.as_str());

        // The manager picker lists the active logins by name.
        let managers = t.core.managers_list(rec, NoArgs {}).await.unwrap();
        let names: Vec<&str> = managers.iter().map(|m| m.name.as_str()).collect();
        let mut sorted = names.clone();
        sorted.sort();
        assert_eq!(names, sorted);
        assert!(managers.len() >= 3, "{names:?}");

        let start = t.core.card_layout_get(rec, NoArgs {}).await.unwrap();
        assert_eq!(start.version, 0);
        let placed: Vec<&String> = start.groups.iter().flat_map(|g| &g.fields).collect();
        let unique: std::collections::HashSet<&&String> = placed.iter().collect();
        assert_eq!(placed.len(), unique.len(), "a field placed twice");
        assert!(placed.iter().any(|k| k.as_str() == "medical_notes"));
        // The demo centre's custom fields are placed too.
        assert!(placed.iter().any(|k| k.starts_with("custom:")));

        // Health first, under a title of the centre's own; the rest left out goes last.
        let groups = vec![
            LayoutGroup {
                title: "Before the class".into(),
                preset: None,
                fields: vec!["medical_notes".into(), "physical_condition".into()],
            },
            LayoutGroup {
                title: String::new(),
                preset: Some(GroupPreset::Main),
                fields: vec!["name".into(), "photo".into()],
            },
        ];
        let args = |version: i64, groups: Vec<LayoutGroup>| CardLayoutSaveArgs { version, groups };
        // Receptionists read the layout but do not arrange it.
        let e = t
            .core
            .card_layout_save(rec, args(0, groups.clone()))
            .await
            .unwrap_err();
        assert!(matches!(e, ApiError::Forbidden { .. }), "{e:?}");
        let audit = t.count("audit_log").await;
        let saved = t
            .core
            .card_layout_save(mgr, args(0, groups.clone()))
            .await
            .unwrap();
        assert_eq!(t.count("audit_log").await, audit + 1);
        assert_eq!(saved.version, 1);
        assert_eq!(saved.groups[0].title, "Before the class");
        assert_eq!(
            saved.groups[0].fields,
            ["medical_notes", "physical_condition"]
        );
        assert_eq!(
            saved.groups[1].fields[..2],
            ["name".to_string(), "photo".to_string()]
        );
        let all: Vec<&String> = saved.groups.iter().flat_map(|g| &g.fields).collect();
        assert_eq!(all.len(), placed.len(), "every field is still placed");
        assert_eq!(
            t.core.card_layout_get(rec, NoArgs {}).await.unwrap().groups,
            saved.groups
        );

        // A stale version is a conflict; nothing changes.
        let e = t
            .core
            .card_layout_save(mgr, args(0, groups.clone()))
            .await
            .unwrap_err();
        assert!(matches!(e, ApiError::Conflict { .. }), "{e:?}");
        let stale = vec![LayoutGroup {
            title: "Stale".into(),
            preset: None,
            fields: vec!["notes".into()],
        }];
        let e = t
            .core
            .card_layout_save(mgr, args(7, stale))
            .await
            .unwrap_err();
        assert!(matches!(e, ApiError::Conflict { .. }), "{e:?}");
        assert_eq!(
            t.core.card_layout_get(rec, NoArgs {}).await.unwrap().groups,
            saved.groups,
            "a refused save changes nothing"
        );

        // A new custom field shows at the end.
        let field = t
            .core
            .custom_fields_create(
                mgr,
                CustomFieldCreateArgs {
                    field: CustomFieldInput {
                        applies_to: AppliesTo::Both,
                        label: "Locker".into(),
                        kind: CustomFieldKind::Text,
                        choices: vec![],
                        decimals: 0,
                        required: false,
                        searchable: false,
                        archived: false,
                    },
                },
            )
            .await
            .unwrap();
        let now = t.core.card_layout_get(rec, NoArgs {}).await.unwrap();
        assert_eq!(
            now.groups.last().unwrap().fields.last().unwrap(),
            &format!("custom:{}", field.id)
        );

        // Bad layouts are refused at their place.
        let bad = |fields: Vec<&str>, title: &str| {
            vec![LayoutGroup {
                title: title.into(),
                preset: None,
                fields: fields.into_iter().map(String::from).collect(),
            }]
        };
        let e = t
            .core
            .card_layout_save(mgr, args(1, bad(vec!["name", "shoe_size"], "Card")))
            .await
            .unwrap_err();
        assert_eq!(fields(e), [("groups.0.fields.1".into(), "unknown".into())]);
        let e = t
            .core
            .card_layout_save(mgr, args(1, bad(vec!["name", "name"], "Card")))
            .await
            .unwrap_err();
        assert_eq!(code(e), ("groups.0.fields.1".into(), "duplicate".into()));
        let e = t
            .core
            .card_layout_save(mgr, args(1, bad(vec!["name"], "  ")))
            .await
            .unwrap_err();
        assert_eq!(code(e), ("groups.0.title".into(), "required".into()));
        let e = t
            .core
            .card_layout_save(mgr, args(1, vec![]))
            .await
            .unwrap_err();
        assert_eq!(code(e), ("groups".into(), "out_of_range".into()));
        assert_eq!(
            t.core
                .card_layout_get(rec, NoArgs {})
                .await
                .unwrap()
                .version,
            1
        );
    })
    .await;
}
