//! "Connect to a hub" against a real hub over HTTPS: the probe shows the certificate, the
//! pinned connection forwards operations and the event stream, the token lives in the
//! keyring and never reaches the webview; an unreachable hub and a changed certificate are
//! refused with their reason.

use std::time::Duration;

use hallpass_app_lib::remote::keys::TokenStore;
use hallpass_app_lib::remote::{events, Remote, DEVICE_TOKEN, PIN_KEY};
use hallpass_core::api::{ApiError, Client, LiveEvent, LoginResult, UserInfo};
use serde_json::json;
use tokio::sync::mpsc;

use crate::support::{each_engine, TestCore};

fn reason(e: &ApiError) -> &str {
    match e {
        ApiError::Unavailable { reason, .. } => reason,
        other => panic!("expected unavailable, got {other:?}"),
    }
}

async fn next(rx: &mut mpsc::UnboundedReceiver<LiveEvent>) -> LiveEvent {
    tokio::time::timeout(Duration::from_secs(20), rx.recv())
        .await
        .expect("an event within 20 s")
        .expect("the stream is open")
}

/// The next change event, skipping heartbeats of other kinds.
async fn next_change(
    rx: &mut mpsc::UnboundedReceiver<LiveEvent>,
) -> hallpass_core::api::ChangeEvent {
    loop {
        if let LiveEvent::Change { event } = next(rx).await {
            return event;
        }
    }
}

#[tokio::test]
async fn forwards_operations_and_events_over_pinned_https() {
    crate::use_keyring();
    each_engine(|t: TestCore| async move {
        t.demo().await;
        let dir = tempfile::tempdir().unwrap();
        let hub = crate::https_hub(&t, dir.path(), crate::any_port()).await;
        let addr = hub.addr;
        let url = format!("https://127.0.0.1:{}/", addr.port());
        let fingerprint = hub.fingerprint.clone().unwrap();

        // Typed by hand: the probe shows the fingerprint for a person to compare.
        let probe = Remote::probe(&format!("127.0.0.1:{}", addr.port())).await.unwrap();
        assert_eq!(probe.url, url);
        assert!(probe.https && !probe.pinned_by_link && probe.same_version);
        assert_eq!(probe.fingerprint.as_deref(), Some(fingerprint.as_str()));
        assert!(!probe.needs_setup);
        assert!(probe.centre_name.is_some());
        // From the QR code's link: the fingerprint must match the one presented.
        let link = format!("{url}#{PIN_KEY}={fingerprint}");
        assert!(Remote::probe(&link).await.unwrap().pinned_by_link);
        let forged = format!("{url}#{PIN_KEY}=SHA256:{}", ["AA"; 32].join(":"));
        assert_eq!(reason(&Remote::probe(&forged).await.unwrap_err()), "certificate_changed");
        let e = Remote::probe("not an address at all").await.unwrap_err();
        assert!(matches!(&e, ApiError::Validation { errors } if errors[0].field == "url"), "{e:?}");

        // HTTPS without a pinned fingerprint is never trusted.
        let e = Remote::new(&url, None).err().expect("refused");
        assert!(matches!(&e, ApiError::Validation { errors } if errors[0].field == "fingerprint"), "{e:?}");
        let remote = std::sync::Arc::new(Remote::new(&url, Some(fingerprint.clone())).unwrap());
        remote.forget().await;
        // Signed out: a session call is refused here, before anything is sent.
        let e = remote.call::<_, UserInfo>("session_get", Some(DEVICE_TOKEN), &json!({})).await.unwrap_err();
        assert!(matches!(e, ApiError::Unauthenticated { .. }));
        // A wrong password comes back as the hub's own error.
        let e = remote
            .call::<_, LoginResult>("login", None, &json!({"login": "manager", "password": "wrong"}))
            .await
            .unwrap_err();
        assert!(matches!(e, ApiError::Unauthenticated { .. }), "{e:?}");

        let signed: LoginResult = remote
            .call("login", None, &json!({"login": "manager", "password": hallpass_core::demo::DEMO_PASSWORD}))
            .await
            .unwrap();
        // The webview gets a placeholder; the real token is in the keyring only.
        assert_eq!(signed.token, DEVICE_TOKEN);
        let kept = TokenStore::for_hub(&url).get().await.unwrap().expect("a token in the keyring");
        assert_ne!(kept, DEVICE_TOKEN);
        let me: UserInfo = remote.call("session_get", Some(DEVICE_TOKEN), &json!({})).await.unwrap();
        assert_eq!(me.login, "manager");
        // The hub lists this session under the app's device name.
        let sessions: Vec<serde_json::Value> = remote.call("sessions_list", Some(DEVICE_TOKEN), &json!({})).await.unwrap();
        assert!(sessions.iter().any(|s| s["device"].as_str().is_some_and(|d| d.starts_with("Hallpass app"))), "{sessions:?}");

        // Events: what another device writes arrives as the same LiveEvent local mode sends.
        let (tx, mut rx) = mpsc::unbounded_channel();
        let follower = tokio::spawn(events::follow(remote.clone(), None, move |e| tx.send(e).is_ok()));
        assert!(matches!(next(&mut rx).await, LiveEvent::Ready { .. }));
        let other = t.login("reception").await;
        let created = t
            .core
            .client_create(Some(&other), serde_json::from_value(json!({"client": {"name": "Seen Remotely", "birth_date": "1990-03-03"}})).unwrap())
            .await
            .unwrap();
        let change = next_change(&mut rx).await;
        assert_eq!(change.entity_id, Some(created.id));
        assert_eq!(change.operation, "client_create");

        // The hub goes away: the stream says so, and resumes from where it was when it is back.
        hub.stop().await;
        assert!(matches!(next(&mut rx).await, LiveEvent::Lost { .. }));
        let e = remote.call::<_, UserInfo>("session_get", Some(DEVICE_TOKEN), &json!({})).await.unwrap_err();
        assert_eq!(reason(&e), "unreachable", "{e:?}");
        let edited: Client = t
            .core
            .client_update(Some(&other), serde_json::from_value(json!({"id": created.id, "version": created.version, "client": {"name": "Seen Remotely", "birth_date": "1990-03-03", "notes": "while away"}})).unwrap())
            .await
            .unwrap();
        let hub = crate::https_hub(&t, dir.path(), addr).await;
        let missed = next_change(&mut rx).await;
        assert_eq!((missed.entity_id, missed.operation.as_str()), (Some(edited.id), "client_update"));

        // Signing out empties the keyring.
        let _: () = remote.call("logout", Some(DEVICE_TOKEN), &json!({})).await.unwrap();
        assert_eq!(TokenStore::for_hub(&url).get().await.unwrap(), None);
        follower.abort();

        // Another certificate on the same address (reinstalled, or an impostor): refused,
        // and no password is sent.
        hub.stop().await;
        let other_dir = tempfile::tempdir().unwrap();
        let impostor = crate::https_hub(&t, other_dir.path(), addr).await;
        let e = remote
            .call::<_, LoginResult>("login", None, &json!({"login": "manager", "password": hallpass_core::demo::DEMO_PASSWORD}))
            .await
            .unwrap_err();
        assert_eq!(reason(&e), "certificate_changed", "{e:?}");
        assert!(e.to_string().contains(&fingerprint), "{e}");
        impostor.stop().await;
        let e = remote.call::<_, LoginResult>("setup_status", None, &json!({})).await.unwrap_err();
        assert_eq!(reason(&e), "unreachable", "{e:?}");
    })
    .await;
}
