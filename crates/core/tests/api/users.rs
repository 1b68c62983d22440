//! Logins: created for staff with a one-time password that must be changed, reset,
//! deactivated (sessions end at once), the last owner kept; one's own sessions.

use chrono::Duration;
use hallpass_core::api::*;
use hallpass_core::auth::ClientMeta;

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

#[tokio::test]
async fn own_sessions_idle_timeout_and_the_address_throttle() {
    each_engine(|t| async move {
        t.demo().await;
        let at = |addr: &str| ClientMeta { address: Some(addr.into()), device: Some("Chrome on Android".into()) };
        let a = t.core.login_from(login("manager", "hallpass-demo"), at("192.168.1.20")).await.unwrap();
        let b = t.core.login_from(login("manager", "hallpass-demo"), at("192.168.1.21")).await.unwrap();
        let list = t.core.sessions_list(Some(&a.token), NoArgs {}).await.unwrap();
        assert_eq!(list.len(), 2);
        let mine = list.iter().find(|s| s.current).unwrap();
        assert_eq!((mine.address.as_str(), mine.device.as_str()), ("192.168.1.20", "Chrome on Android"));
        let other = list.iter().find(|s| !s.current).unwrap();
        t.core
            .sessions_revoke(Some(&a.token), SessionsRevokeArgs { session_id: Some(other.id), everywhere: false })
            .await
            .unwrap();
        assert!(t.core.session_get(Some(&b.token), NoArgs {}).await.is_err());
        // Sign out everywhere: this one too.
        let c = t.login("manager").await;
        let gone = t
            .core
            .sessions_revoke(Some(&c), SessionsRevokeArgs { session_id: None, everywhere: true })
            .await
            .unwrap();
        assert_eq!(gone.ended, 2);
        assert!(t.core.session_get(Some(&a.token), NoArgs {}).await.is_err());
        // Another user's session is not one's own.
        let d = t.login("manager").await;
        let rec = t.login("reception").await;
        let theirs = t.core.sessions_list(Some(&d), NoArgs {}).await.unwrap()[0].id;
        let e = t
            .core
            .sessions_revoke(Some(&rec), SessionsRevokeArgs { session_id: Some(theirs), everywhere: false })
            .await
            .unwrap_err();
        assert!(matches!(e, ApiError::NotFound { .. }), "{e:?}");

        // Idle: used now and then it lives; left alone past the idle limit it ends.
        let idle = hallpass_core::auth::IDLE_MINUTES;
        t.advance(Duration::minutes(idle - 5));
        t.core.session_get(Some(&d), NoArgs {}).await.unwrap();
        t.advance(Duration::minutes(idle - 5));
        t.core.session_get(Some(&d), NoArgs {}).await.unwrap();
        t.advance(Duration::minutes(idle + 1));
        let e = t.core.session_get(Some(&d), NoArgs {}).await.unwrap_err();
        assert!(matches!(e, ApiError::Unauthenticated { ref message } if message.contains("without use")), "{e:?}");

        // One address trying many logins is paused, other addresses are not.
        for n in 0..hallpass_core::throttle::FREE_PER_ADDRESS {
            let r = t.core.login_from(login(&format!("guess{n}"), "nope nope"), at("10.0.0.99")).await;
            assert!(matches!(r, Err(ApiError::Unauthenticated { .. })), "{r:?}");
        }
        let paused = t.core.login_from(login("owner", "hallpass-demo"), at("10.0.0.99")).await;
        assert!(matches!(paused, Err(ApiError::RateLimited { .. })), "{paused:?}");
        t.core.login_from(login("owner", "hallpass-demo"), at("10.0.0.98")).await.unwrap();
    })
    .await;
}

#[tokio::test]
async fn guessing_the_current_password_is_paused_and_many_tries_at_once_do_not_slip_through() {
    each_engine(|t| async move {
        t.demo().await;
        let mgr = t.login("manager").await;
        let guess = || PasswordChangeArgs {
            old_password: "a wrong guess".into(),
            new_password: "orbit pebble canyon 77".into(),
        };
        for _ in 0..hallpass_core::throttle::FREE_ATTEMPTS {
            let e = t
                .core
                .password_change(Some(&mgr), guess())
                .await
                .unwrap_err();
            assert_eq!(fields(e), [("old_password".into(), "wrong".into())]);
        }
        let e = t
            .core
            .password_change(Some(&mgr), guess())
            .await
            .unwrap_err();
        assert!(matches!(e, ApiError::RateLimited { .. }), "{e:?}");

        // Ten wrong sign-ins sent at once: only the free ones are even checked.
        let tries = (0..10).map(|_| t.core.login(login("reception", "not the password")));
        let results = futures_join_all(tries).await;
        let limited = results
            .iter()
            .filter(|r| matches!(r, Err(ApiError::RateLimited { .. })))
            .count();
        assert!(
            limited >= 10 - hallpass_core::throttle::FREE_ATTEMPTS as usize,
            "{limited} paused of 10"
        );
    })
    .await;
}

/// Runs the futures concurrently in this task and collects their results as they finish.
async fn futures_join_all<F: std::future::Future>(
    futures: impl Iterator<Item = F>,
) -> Vec<F::Output> {
    let handles: Vec<_> = futures.map(Box::pin).collect();
    let mut out = Vec::new();
    let mut pending: Vec<_> = handles.into_iter().map(Some).collect();
    // Poll all of them together by awaiting a combined future.
    let combined = std::future::poll_fn(|cx| {
        let mut all = true;
        for slot in pending.iter_mut() {
            if let Some(f) = slot {
                match f.as_mut().poll(cx) {
                    std::task::Poll::Ready(v) => {
                        out.push(v);
                        *slot = None;
                    }
                    std::task::Poll::Pending => all = false,
                }
            }
        }
        if all {
            std::task::Poll::Ready(())
        } else {
            std::task::Poll::Pending
        }
    });
    combined.await;
    out
}
