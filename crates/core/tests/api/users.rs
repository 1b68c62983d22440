//! Logins: created for staff with a one-time password that must be changed, reset,
//! deactivated (sessions end at once), the last owner kept; one's own sessions.

use hallpass_core::api::*;

use crate::helpers::fields;
use crate::support::{each_engine, TestCore};

async fn role_id(t: &TestCore, token: &str, key: Role) -> uuid::Uuid {
    let roles = t.core.roles_list(Some(token), NoArgs {}).await.unwrap();
    roles.iter().find(|r| r.key == Some(key)).unwrap().id
}

fn login(login: &str, password: &str) -> LoginArgs {
    LoginArgs {
        login: login.into(),
        password: password.into(),
        device: Some("Test device".into()),
    }
}

#[tokio::test]
async fn a_receptionist_login_with_a_one_time_password_that_must_be_changed() {
    each_engine(|t| async move {
        t.demo().await;
        let owner = t.login("owner").await;
        let own = Some(owner.as_str());
        let staff = t
            .core
            .staff_create(
                own,
                StaffCreateArgs {
                    staff: StaffInput {
                        name: "Kesone Duangdy".into(),
                        position: "Receptionist".into(),
                        ..Default::default()
                    },
                },
            )
            .await
            .unwrap();
        let reception = role_id(&t, &owner, Role::Reception).await;
        let made = t
            .core
            .user_create(
                own,
                UserCreateArgs {
                    login: "Kesone".into(),
                    display_name: None,
                    role_id: reception,
                    staff_id: Some(staff.id),
                },
            )
            .await
            .unwrap();
        assert_eq!(made.user.login, "kesone");
        assert_eq!(made.user.display_name, "Kesone Duangdy");
        assert!(made.user.must_change_password);
        assert_eq!(made.user.staff_id, Some(staff.id));
        let linked = t
            .core
            .staff_get(own, StaffGetArgs { id: staff.id })
            .await
            .unwrap();
        assert_eq!(linked.user.unwrap().id, made.user.id);

        // The same login again, a second login for the same person: refused at their fields.
        let again = t
            .core
            .user_create(
                own,
                UserCreateArgs {
                    login: "reception".into(),
                    display_name: Some("X".into()),
                    role_id: reception,
                    staff_id: Some(staff.id),
                },
            )
            .await
            .unwrap_err();
        let f = fields(again);
        assert!(f.contains(&("staff_id".into(), "taken".into())), "{f:?}");
        let taken = t
            .core
            .user_create(
                own,
                UserCreateArgs {
                    login: "reception".into(),
                    display_name: Some("X".into()),
                    role_id: reception,
                    staff_id: None,
                },
            )
            .await
            .unwrap_err();
        assert_eq!(fields(taken), [("login".into(), "taken".into())]);

        // Signing in with the one-time password: only changing it is allowed.
        let first = t
            .core
            .login(login("kesone", &made.one_time_password))
            .await
            .unwrap();
        assert!(first.must_change_password);
        let tok = Some(first.token.as_str());
        let e = t
            .core
            .clients_search(tok, ClientsSearchArgs::default())
            .await
            .unwrap_err();
        assert!(matches!(e, ApiError::Forbidden { .. }), "{e:?}");
        let weak = t
            .core
            .password_change(
                tok,
                PasswordChangeArgs {
                    old_password: made.one_time_password.clone(),
                    new_password: "password123".into(),
                },
            )
            .await
            .unwrap_err();
        assert_eq!(fields(weak), [("new_password".into(), "weak".into())]);
        let named = t
            .core
            .password_change(
                tok,
                PasswordChangeArgs {
                    old_password: made.one_time_password.clone(),
                    new_password: "kesone duangdy".into(),
                },
            )
            .await
            .unwrap_err();
        assert_eq!(fields(named), [("new_password".into(), "weak".into())]);
        let wrong = t
            .core
            .password_change(
                tok,
                PasswordChangeArgs {
                    old_password: "not it at all".into(),
                    new_password: "violet harbour lantern 42".into(),
                },
            )
            .await
            .unwrap_err();
        assert_eq!(fields(wrong), [("old_password".into(), "wrong".into())]);
        let me = t
            .core
            .password_change(
                tok,
                PasswordChangeArgs {
                    old_password: made.one_time_password.clone(),
                    new_password: "violet harbour lantern 42".into(),
                },
            )
            .await
            .unwrap();
        assert!(!me.must_change_password);
        assert_eq!(me.role, Role::Reception);
        // The same session now works; the one-time password no longer does.
        t.core
            .clients_search(tok, ClientsSearchArgs::default())
            .await
            .unwrap();
        let old = t.core.login(login("kesone", &made.one_time_password)).await;
        assert!(matches!(old, Err(ApiError::Unauthenticated { .. })));
        t.core
            .login(login("kesone", "violet harbour lantern 42"))
            .await
            .unwrap();

        // A reset: a new one-time password, and every session of theirs ends.
        let reset = t
            .core
            .user_password_reset(own, UserPasswordResetArgs { id: made.user.id })
            .await
            .unwrap();
        assert_ne!(reset.one_time_password, made.one_time_password);
        let e = t.core.session_get(tok, NoArgs {}).await.unwrap_err();
        assert!(matches!(e, ApiError::Unauthenticated { .. }));
        assert!(
            t.core
                .login(login("kesone", &reset.one_time_password))
                .await
                .unwrap()
                .must_change_password
        );

        // Receptionists do not manage logins.
        let rec = t.login("reception").await;
        let e = t.core.users_list(Some(&rec), NoArgs {}).await.unwrap_err();
        assert!(matches!(e, ApiError::Forbidden { .. }));
    })
    .await;
}

#[tokio::test]
async fn deactivating_ends_sessions_at_once_and_the_last_owner_stays() {
    each_engine(|t| async move {
        t.demo().await;
        let owner = t.login("owner").await;
        let own = Some(owner.as_str());
        let users = t.core.users_list(own, NoArgs {}).await.unwrap();
        let find = |l: &str| users.iter().find(|u| u.login == l).unwrap().clone();
        let (me, rec_user, admin_user) = (find("owner"), find("reception"), find("admin"));

        let rec = t.login("reception").await;
        let mut stream = t.core.changes_subscribe(Some(&rec), None).await.unwrap();
        let off = t
            .core
            .user_update(
                own,
                UserUpdateArgs {
                    id: rec_user.id,
                    version: rec_user.version,
                    display_name: None,
                    role_id: None,
                    active: Some(false),
                },
            )
            .await
            .unwrap();
        assert!(!off.active);
        let e = t.core.centre_get(Some(&rec), NoArgs {}).await.unwrap_err();
        assert!(matches!(e, ApiError::Unauthenticated { .. }), "{e:?}");
        let ended = tokio::time::timeout(std::time::Duration::from_secs(10), stream.next())
            .await
            .unwrap();
        assert!(
            matches!(ended, hallpass_core::changes::StreamItem::SignedOut(_)),
            "{ended:?}"
        );
        assert!(matches!(
            t.core.login(login("reception", "hallpass-demo")).await,
            Err(ApiError::Unauthenticated { .. })
        ));
        // A stale version is a conflict.
        let e = t
            .core
            .user_update(
                own,
                UserUpdateArgs {
                    id: rec_user.id,
                    version: rec_user.version,
                    display_name: None,
                    role_id: None,
                    active: Some(true),
                },
            )
            .await
            .unwrap_err();
        assert!(matches!(e, ApiError::Conflict { .. }), "{e:?}");

        // The only owner can neither leave nor be demoted.
        let e = t
            .core
            .user_update(
                own,
                UserUpdateArgs {
                    id: me.id,
                    version: me.version,
                    display_name: None,
                    role_id: None,
                    active: Some(false),
                },
            )
            .await
            .unwrap_err();
        assert_eq!(fields(e), [("active".into(), "last_owner".into())]);
        let admin_role = role_id(&t, &owner, Role::Admin).await;
        let e = t
            .core
            .user_update(
                own,
                UserUpdateArgs {
                    id: me.id,
                    version: me.version,
                    display_name: None,
                    role_id: Some(admin_role),
                    active: None,
                },
            )
            .await
            .unwrap_err();
        assert_eq!(fields(e), [("role_id".into(), "last_owner".into())]);
        // An admin may not touch the owner, nor make anyone owner.
        let adm = t.login("admin").await;
        let owner_role = role_id(&t, &owner, Role::Owner).await;
        let e = t
            .core
            .user_update(
                Some(&adm),
                UserUpdateArgs {
                    id: admin_user.id,
                    version: admin_user.version,
                    display_name: None,
                    role_id: Some(owner_role),
                    active: None,
                },
            )
            .await
            .unwrap_err();
        assert!(matches!(e, ApiError::Forbidden { .. }), "{e:?}");
        // The owner makes the admin an owner; then the first owner may step down.
        t.core
            .user_update(
                own,
                UserUpdateArgs {
                    id: admin_user.id,
                    version: admin_user.version,
                    display_name: None,
                    role_id: Some(owner_role),
                    active: None,
                },
            )
            .await
            .unwrap();
        let stepped = t
            .core
            .user_update(
                own,
                UserUpdateArgs {
                    id: me.id,
                    version: me.version,
                    display_name: None,
                    role_id: Some(admin_role),
                    active: None,
                },
            )
            .await
            .unwrap();
        assert_eq!(stepped.role, Role::Admin);
    })
    .await;
}
