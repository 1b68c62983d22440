//! One's own sessions: the list, signing out one or everywhere, the idle timeout; and the
//! pauses on guessing passwords, per login, per address and with many tries at once.

use chrono::Duration;
use hallpass_core::api::*;
use hallpass_core::auth::ClientMeta;

use crate::helpers::fields;
use crate::support::each_engine;

fn login(login: &str, password: &str) -> LoginArgs {
    LoginArgs {
        login: login.into(),
        password: password.into(),
        device: Some("Test device".into()),
    }
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
