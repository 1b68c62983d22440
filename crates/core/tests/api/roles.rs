//! Roles: the built-in six as templates, a centre's own made from the permission list, and
//! a change of permissions felt by signed-in users at once.

use hallpass_core::api::*;

use crate::helpers::{adult, fields};
use crate::support::each_engine;

#[tokio::test]
async fn a_centre_makes_its_own_role_and_edits_it() {
    each_engine(|t| async move {
        t.demo().await;
        let adm = t.login("admin").await;
        let adm = Some(adm.as_str());
        let roles = t.core.roles_list(adm, NoArgs {}).await.unwrap();
        assert_eq!(roles.iter().filter(|r| r.key.is_some()).count(), 6);
        let owner = roles.iter().find(|r| r.key == Some(Role::Owner)).unwrap();
        assert_eq!(owner.permissions.len(), Permission::ALL.len());
        assert!(owner.users >= 1);

        // Bad input: no permissions, a name taken, the owner as a template.
        let e = t
            .core
            .role_create(
                adm,
                RoleCreateArgs {
                    name: "Nothing".into(),
                    permissions: vec![],
                    template: None,
                },
            )
            .await
            .unwrap_err();
        assert_eq!(fields(e), [("permissions".into(), "empty".into())]);
        let e = t
            .core
            .role_create(
                adm,
                RoleCreateArgs {
                    name: "manager".into(),
                    permissions: vec![Permission::ClientsRead],
                    template: None,
                },
            )
            .await
            .unwrap_err();
        assert_eq!(fields(e), [("name".into(), "taken".into())]);
        let e = t
            .core
            .role_create(
                adm,
                RoleCreateArgs {
                    name: "Boss".into(),
                    permissions: vec![Permission::ClientsRead],
                    template: Some(Role::Owner),
                },
            )
            .await
            .unwrap_err();
        assert_eq!(fields(e), [("template".into(), "owner".into())]);

        // A look-only desk role, given to a new login.
        let lite = t
            .core
            .role_create(
                adm,
                RoleCreateArgs {
                    name: "Front desk (view)".into(),
                    permissions: vec![Permission::ClientsRead, Permission::CentreRead],
                    template: Some(Role::Reception),
                },
            )
            .await
            .unwrap();
        assert_eq!(lite.base, Role::Reception);
        assert!(lite.permissions.contains(&Permission::SignedIn));
        let made = t
            .core
            .user_create(
                adm,
                UserCreateArgs {
                    login: "desk2".into(),
                    display_name: Some("Desk Two".into()),
                    role_id: lite.id,
                    staff_id: None,
                },
            )
            .await
            .unwrap();
        let first = t
            .core
            .login(LoginArgs {
                login: "desk2".into(),
                password: made.one_time_password.clone(),
                device: None,
            })
            .await
            .unwrap();
        let me = t
            .core
            .password_change(
                Some(&first.token),
                PasswordChangeArgs {
                    old_password: made.one_time_password,
                    new_password: "quiet meadow bicycle 7".into(),
                },
            )
            .await
            .unwrap();
        assert_eq!(me.role_name, "Front desk (view)");
        let tok = Some(first.token.as_str());
        t.core
            .clients_search(tok, ClientsSearchArgs::default())
            .await
            .unwrap();
        let e = t
            .core
            .client_create(tok, adult("Not Allowed").into())
            .await
            .unwrap_err();
        assert!(matches!(e, ApiError::Forbidden { .. }), "{e:?}");

        // Writing is added to the role: the signed-in user may write at once.
        let e = t
            .core
            .role_update(
                adm,
                RoleUpdateArgs {
                    id: lite.id,
                    version: lite.version + 1,
                    name: lite.name.clone(),
                    permissions: lite.permissions.clone(),
                },
            )
            .await
            .unwrap_err();
        assert!(matches!(e, ApiError::Conflict { .. }), "{e:?}");
        let mut more = lite.permissions.clone();
        more.push(Permission::ClientsWrite);
        let edited = t
            .core
            .role_update(
                adm,
                RoleUpdateArgs {
                    id: lite.id,
                    version: lite.version,
                    name: "Front desk".into(),
                    permissions: more,
                },
            )
            .await
            .unwrap();
        assert_eq!((edited.version, edited.users), (2, 1));
        t.core
            .client_create(tok, adult("Now Allowed").into())
            .await
            .unwrap();

        // The owner's role always has everything.
        let e = t
            .core
            .role_update(
                adm,
                RoleUpdateArgs {
                    id: owner.id,
                    version: owner.version,
                    name: owner.name.clone(),
                    permissions: vec![Permission::ClientsRead],
                },
            )
            .await
            .unwrap_err();
        assert_eq!(fields(e), [("permissions".into(), "owner_fixed".into())]);
    })
    .await;
}
