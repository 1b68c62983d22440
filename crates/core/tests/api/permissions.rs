//! Every operation, called as every role: refused exactly when the matrix says so.

use hallpass_core::api::*;
use hallpass_core::ops::OPERATIONS;

use crate::support::each_engine;

#[tokio::test]
async fn every_operation_as_every_role() {
    each_engine(|t| async move {
        t.demo().await;
        let before = t.state().await;
        for role in Role::ALL {
            let login = role.as_str();
            let token = t.login(login).await;
            for op in OPERATIONS {
                if op.name == "logout" {
                    continue;
                }
                let result = t.core.call_json(op.name, Some(&token), b"{}").await;
                let forbidden = matches!(result, Err(ApiError::Forbidden { .. }));
                match op.permission {
                    Some(p) => assert_eq!(
                        forbidden,
                        !role.allows(p),
                        "{} as {login} on {}: {result:?}",
                        op.name,
                        t.engine
                    ),
                    None => assert!(!forbidden, "{} is public", op.name),
                }
                // Without a session, only public operations run.
                let anon = t.core.call_json(op.name, None, b"{}").await;
                if op.permission.is_some() {
                    assert!(
                        matches!(anon, Err(ApiError::Unauthenticated { .. })),
                        "{} anonymous: {anon:?}",
                        op.name
                    );
                }
            }
            // The typed methods check the same way.
            let create = t
                .core
                .client_create(
                    Some(&token),
                    ClientInput {
                        name: "Perm Test".into(),
                        ..Default::default()
                    }
                    .into(),
                )
                .await;
            assert_eq!(
                create.is_ok(),
                role.allows(Permission::ClientsWrite),
                "{login}: {create:?}"
            );
            if let Ok(c) = create {
                assert_eq!(
                    t.core
                        .client_get(Some(&token), ClientGetArgs { id: c.id })
                        .await
                        .unwrap()
                        .name,
                    "Perm Test"
                );
            }
            t.core.logout(Some(&token), NoArgs {}).await.unwrap();
        }
        // Only the creates of the allowed roles were written (a client, its audit entry).
        let writers = Role::ALL
            .iter()
            .filter(|r| r.allows(Permission::ClientsWrite))
            .count() as i64;
        let after = t.state().await;
        assert_eq!(after[2], before[2] + writers);
        assert_eq!(
            t.count("audit_log WHERE operation = 'client_create'").await,
            writers
        );
        assert_eq!(after[1], before[1], "no user was added");
    })
    .await;
}
