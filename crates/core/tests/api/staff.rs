//! Staff records: every employee, with or without a login; checked at every field.

use hallpass_core::api::*;

use crate::helpers::fields;
use crate::support::each_engine;

fn teacher(name: &str) -> StaffInput {
    StaffInput {
        name: name.into(),
        position: "Instructor".into(),
        phones: vec![StaffPhoneInput {
            kind: None,
            number: "020 5888 1234".into(),
        }],
        email: Some("dance@example.la".into()),
        hire_date: Some("2024-09-01".into()),
        leave_date: None,
        services: vec!["Ballet".into(), "Stretching".into(), "ballet".into()],
        notes: "Saturdays only".into(),
    }
}

#[tokio::test]
async fn staff_records_are_kept_checked_and_found() {
    each_engine(|t| async move {
        t.demo().await;
        let mgr = t.login("manager").await;
        let mgr = Some(mgr.as_str());
        let s = t
            .core
            .staff_create(
                mgr,
                StaffCreateArgs {
                    staff: teacher("Dara Chenda"),
                },
            )
            .await
            .unwrap();
        assert_eq!(
            s.services,
            ["Ballet", "Stretching"],
            "the same service twice is kept once"
        );
        assert_eq!(s.phones[0].e164, "+8562058881234");
        assert!(s.current);
        assert_eq!(s.created_by.as_ref().unwrap().name, "Anna Volkova");
        assert!(s.user.is_none());

        // Every bad field named; nothing written.
        let before = t.count("staff").await;
        let mut bad = teacher("");
        bad.hire_date = Some("2024-13".into());
        bad.leave_date = Some("2020-01-01".into());
        bad.phones[0].number = "12".into();
        bad.email = Some("not-an-email".into());
        let e = t
            .core
            .staff_create(mgr, StaffCreateArgs { staff: bad })
            .await
            .unwrap_err();
        let f: Vec<String> = fields(e).into_iter().map(|(f, _)| f).collect();
        for want in [
            "staff.name",
            "staff.hire_date",
            "staff.phones.0.number",
            "staff.email",
        ] {
            assert!(f.contains(&want.to_string()), "{want} in {f:?}");
        }
        let mut backwards = teacher("Backwards");
        backwards.leave_date = Some("2020-01-01".into());
        let e = t
            .core
            .staff_create(mgr, StaffCreateArgs { staff: backwards })
            .await
            .unwrap_err();
        assert_eq!(
            fields(e),
            [("staff.leave_date".into(), "before_hire".into())]
        );
        assert_eq!(t.count("staff").await, before);

        // Found by service, by phone digits, by name in any case.
        let find = |q: &str, former: bool| {
            let core = t.core.clone();
            let q = q.to_string();
            async move {
                core.staff_list(
                    mgr,
                    StaffListArgs {
                        query: q,
                        include_former: former,
                    },
                )
                .await
                .unwrap()
                .into_iter()
                .map(|s| s.name)
                .collect::<Vec<_>>()
            }
        };
        assert!(find("stretch", false)
            .await
            .contains(&"Dara Chenda".to_string()));
        assert!(find("8881", false)
            .await
            .contains(&"Dara Chenda".to_string()));
        assert!(find("DARA", false)
            .await
            .contains(&"Dara Chenda".to_string()));

        // She leaves: gone from the current list, kept among everyone; the editor is recorded.
        let rec = t.login("reception").await;
        let mut left = teacher("Dara Chenda");
        left.leave_date = Some("2026-10-31".into());
        let e = t
            .core
            .staff_update(
                Some(&rec),
                StaffUpdateArgs {
                    id: s.id,
                    version: s.version,
                    staff: left.clone(),
                },
            )
            .await
            .unwrap_err();
        assert!(matches!(e, ApiError::Forbidden { .. }), "{e:?}");
        let adm = t.login("admin").await;
        let after = t
            .core
            .staff_update(
                Some(&adm),
                StaffUpdateArgs {
                    id: s.id,
                    version: s.version,
                    staff: left.clone(),
                },
            )
            .await
            .unwrap();
        assert!(!after.current);
        assert_eq!(after.updated_by.as_ref().unwrap().name, "Bounmy Inthavong");
        assert!(!find("dara", false)
            .await
            .contains(&"Dara Chenda".to_string()));
        assert!(find("dara", true)
            .await
            .contains(&"Dara Chenda".to_string()));
        let e = t
            .core
            .staff_update(
                mgr,
                StaffUpdateArgs {
                    id: s.id,
                    version: s.version,
                    staff: left,
                },
            )
            .await
            .unwrap_err();
        assert!(matches!(e, ApiError::Conflict { .. }), "{e:?}");
        // Reception reads staff (who teaches what).
        let got = t
            .core
            .staff_get(Some(&rec), StaffGetArgs { id: s.id })
            .await
            .unwrap();
        assert_eq!(got.version, 2);
    })
    .await;
}
