use chrono::Duration;
use hallpass_core::api::*;

use crate::support::each_engine;

#[tokio::test]
async fn login_logout_and_expiry() {
    each_engine(|t| async move {
        t.demo().await;
        let wrong = t.core.login(LoginArgs { login: "owner".into(), password: "hallpass-dem0".into(), device: None }).await;
        assert!(matches!(wrong, Err(ApiError::Unauthenticated { .. })), "{wrong:?}");
        let unknown = t.core.login(LoginArgs { login: "nobody".into(), password: "hallpass-demo".into(), device: None }).await;
        assert!(matches!(unknown, Err(ApiError::Unauthenticated { .. })));

        let ok = t.core.login(LoginArgs { login: " Owner ".into(), password: "hallpass-demo".into(), device: None }).await.unwrap();
        assert_eq!(ok.user.role, Role::Owner);
        assert!(ok.user.permissions.contains(&Permission::UsersManage));
        let me = t.core.session_get(Some(&ok.token), NoArgs {}).await.unwrap();
        assert_eq!(me.login, "owner");

        // The token is stored hashed: it appears nowhere in the sessions table.
        // The token is base64url, so it can stand in the SQL text as it is.
        let stored = t.count(&format!("sessions WHERE token_hash = '{}'", ok.token)).await;
        assert_eq!(stored, 0);

        // Expiry.
        t.advance(Duration::hours(hallpass_core::auth::SESSION_TTL_HOURS) + Duration::seconds(1));
        let expired = t.core.centre_get(Some(&ok.token), NoArgs {}).await;
        assert!(matches!(expired, Err(ApiError::Unauthenticated { ref message }) if message.contains("expired")), "{expired:?}");

        // Logout ends the session at once.
        let fresh = t.login("reception").await;
        t.core.centre_get(Some(&fresh), NoArgs {}).await.unwrap();
        t.core.logout(Some(&fresh), NoArgs {}).await.unwrap();
        assert!(matches!(t.core.centre_get(Some(&fresh), NoArgs {}).await, Err(ApiError::Unauthenticated { .. })));

        for bad in [None, Some(""), Some("garbage"), Some(&"x".repeat(5000)[..])] {
            assert!(matches!(t.core.centre_get(bad, NoArgs {}).await, Err(ApiError::Unauthenticated { .. })));
        }
    })
    .await;
}

#[tokio::test]
async fn repeated_wrong_passwords_pause_that_login() {
    each_engine(|t| async move {
        t.demo().await;
        let wrong = || LoginArgs {
            login: "owner".into(),
            password: "guess".into(),
            device: None,
        };
        for _ in 0..hallpass_core::throttle::FREE_ATTEMPTS {
            assert!(matches!(
                t.core.login(wrong()).await,
                Err(ApiError::Unauthenticated { .. })
            ));
        }
        // Paused: even the right password waits, and other logins are unaffected.
        let right = LoginArgs {
            login: "owner".into(),
            password: "hallpass-demo".into(),
            device: None,
        };
        let paused = t.core.login(right.clone()).await;
        assert!(
            matches!(
                paused,
                Err(ApiError::RateLimited {
                    retry_after_secs: 30,
                    ..
                })
            ),
            "{paused:?}"
        );
        t.login("reception").await;
        t.advance(Duration::seconds(31));
        t.core.login(right).await.unwrap();
        let failed: i64 = t.count("audit_log WHERE operation = 'login_failed'").await;
        assert_eq!(failed, hallpass_core::throttle::FREE_ATTEMPTS as i64);
    })
    .await;
}

#[tokio::test]
async fn first_start_creates_the_owner_once() {
    each_engine(|t| async move {
        let status = t.core.setup_status(NoArgs {}).await.unwrap();
        assert!(status.needs_setup);
        let centre = CentreInput {
            name: "Little Stars".into(),
            time_zone: "Asia/Phnom_Penh".into(),
            currency: "khr".into(),
            phone_country: "kh".into(),
            logo: None,
            details: String::new(),
        };
        let bad = t
            .core
            .centre_setup(CentreSetupArgs {
                centre: CentreInput {
                    time_zone: "Mars/Olympus".into(),
                    // The currency's name, not its code.
                    currency: "kip".into(),
                    ..centre.clone()
                },
                owner_login: "boss".into(),
                owner_name: "Sok Dara".into(),
                owner_password: "short".into(),
            })
            .await;
        let Err(ApiError::Validation { errors }) = bad else {
            panic!("{bad:?}")
        };
        let fields: Vec<_> = errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(
            fields,
            ["centre.time_zone", "centre.currency", "owner_password"]
        );
        assert_eq!(t.state().await, vec![0, 0, 0, 0, 0, 0]);

        let args = CentreSetupArgs {
            centre,
            owner_login: "boss".into(),
            owner_name: "Sok Dara".into(),
            owner_password: "a long enough secret".into(),
        };
        let done = t.core.centre_setup(args.clone()).await.unwrap();
        assert_eq!(done.user.role, Role::Owner);
        let c = t
            .core
            .centre_get(Some(&done.token), NoArgs {})
            .await
            .unwrap();
        assert_eq!(
            (c.currency.as_str(), c.phone_country.as_str()),
            ("KHR", "KH")
        );
        assert!(!t.core.setup_status(NoArgs {}).await.unwrap().needs_setup);
        let again = t.core.centre_setup(args).await;
        assert!(matches!(again, Err(ApiError::Conflict { .. })), "{again:?}");
        // The demo seed refuses a database that has data.
        assert!(!hallpass_core::demo::seed(&t.core).await.unwrap());
    })
    .await;
}
