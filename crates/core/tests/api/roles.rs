//! Roles: the built-in six as templates, a centre's own made from the permission list, and
//! a change of permissions felt by signed-in users at once.

use hallpass_core::api::*;

use crate::helpers::{adult, fields, new_login};
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
        let (token, me) = new_login(&t.core, adm, "desk2", "Desk Two", lite.id).await;
        assert_eq!(me.role_name, "Front desk (view)");
        let tok = Some(token.as_str());
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

#[tokio::test]
async fn nobody_hands_out_more_than_they_have() {
    each_engine(|t| async move {
        t.demo().await;
        let adm = t.login("admin").await;
        let adm = Some(adm.as_str());
        let hr_perms = vec![
            Permission::UsersManage,
            Permission::StaffRead,
            Permission::StaffWrite,
        ];
        let hr = t
            .core
            .role_create(
                adm,
                RoleCreateArgs {
                    name: "HR".into(),
                    permissions: hr_perms.clone(),
                    template: Some(Role::Manager),
                },
            )
            .await
            .unwrap();
        let (token, me) = new_login(&t.core, adm, "hr", "Hana HR", hr.id).await;
        let tok = Some(token.as_str());
        let forbidden = |r: Result<RoleInfo, ApiError>| {
            assert!(matches!(r, Err(ApiError::Forbidden { .. })), "{r:?}")
        };
        // Their own role cannot grow, nor can a new one be made bigger than theirs.
        let mut more = hr_perms.clone();
        more.push(Permission::ClientsMedical);
        forbidden(
            t.core
                .role_update(
                    tok,
                    RoleUpdateArgs {
                        id: hr.id,
                        version: hr.version,
                        name: "HR".into(),
                        permissions: more.clone(),
                    },
                )
                .await,
        );
        forbidden(
            t.core
                .role_create(
                    tok,
                    RoleCreateArgs {
                        name: "Bigger".into(),
                        permissions: more,
                        template: None,
                    },
                )
                .await,
        );
        // Nor a bigger built-in role edited, or given to themselves or anyone.
        let roles = t.core.roles_list(tok, NoArgs {}).await.unwrap();
        let admin_role = roles.iter().find(|r| r.key == Some(Role::Admin)).unwrap();
        forbidden(
            t.core
                .role_update(
                    tok,
                    RoleUpdateArgs {
                        id: admin_role.id,
                        version: admin_role.version,
                        name: admin_role.name.clone(),
                        permissions: hr_perms.clone(),
                    },
                )
                .await,
        );
        let users = t.core.users_list(tok, NoArgs {}).await.unwrap();
        let mine = users.iter().find(|u| u.id == me.id).unwrap();
        let e = t
            .core
            .user_update(
                tok,
                UserUpdateArgs {
                    id: mine.id,
                    version: mine.version,
                    display_name: None,
                    role_id: Some(admin_role.id),
                    active: None,
                },
            )
            .await
            .unwrap_err();
        assert!(matches!(e, ApiError::Forbidden { .. }), "{e:?}");
        // Nor an admin's password reset and their login taken over.
        let admin_user = users.iter().find(|u| u.login == "admin").unwrap();
        let e = t
            .core
            .user_password_reset(tok, UserPasswordResetArgs { id: admin_user.id })
            .await
            .unwrap_err();
        assert!(matches!(e, ApiError::Forbidden { .. }), "{e:?}");
        // Within their own permissions they work: a staff-only role, and its own name.
        t.core
            .role_create(
                tok,
                RoleCreateArgs {
                    name: "Staff clerk".into(),
                    permissions: vec![Permission::StaffRead],
                    template: None,
                },
            )
            .await
            .unwrap();
    })
    .await;
}
