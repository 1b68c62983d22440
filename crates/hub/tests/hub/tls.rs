//! HTTPS: a self-signed certificate made once and kept; a client that pins its fingerprint
//! talks to the hub, one that pins another fingerprint is refused before anything is sent.

use hallpass_hub::pin::Pin;

use crate::support;

/// A client that trusts exactly the certificate with this fingerprint, as the app does.
fn client(fingerprint: &str) -> reqwest::Client {
    reqwest::Client::builder()
        .use_preconfigured_tls(Pin::new(Some(fingerprint.into())).client_config())
        .build()
        .unwrap()
}

#[tokio::test]
async fn https_with_a_pinned_self_signed_certificate() {
    let t = support::sqlite().await;
    t.demo().await;
    let dir = tempfile::tempdir().unwrap();
    let tls = hallpass_hub::tls::self_signed(dir.path(), vec!["localhost".into()]).unwrap();
    // Made once: the next start serves the same certificate, so pinned devices keep working.
    let again = hallpass_hub::tls::self_signed(dir.path(), vec!["localhost".into()]).unwrap();
    assert_eq!(again.fingerprint, tls.fingerprint);
    assert!(tls.fingerprint.starts_with("SHA256:") && tls.fingerprint.len() == 7 + 32 * 3 - 1);

    let fingerprint = tls.fingerprint.clone();
    let (stop, stopping) = tokio::sync::watch::channel(false);
    let app = hallpass_hub::router_with(t.core.clone(), None, stopping);
    let running = hallpass_hub::server::start(app, "127.0.0.1:0".parse().unwrap(), Some(tls), stop)
        .await
        .unwrap();
    let addr = running.addr;
    assert!(running.url().starts_with("https://"));
    let base = format!("https://localhost:{}", addr.port());

    // Written as people copy it from a screen: lower case, spaces instead of colons.
    let typed = fingerprint.to_lowercase().replace(':', " ");
    assert_eq!(hallpass_hub::pin::normalize(&typed), fingerprint);
    let good = client(&typed);
    let health: serde_json::Value = good
        .get(format!("{base}/api/health"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(health["status"], "ok");
    let login = good
        .post(format!("{base}/api/login"))
        .json(&serde_json::json!({"login": "reception", "password": hallpass_core::demo::DEMO_PASSWORD}))
        .send()
        .await
        .unwrap();
    assert_eq!(login.status(), 200);

    // A hub whose certificate changed (or an impostor on the Wi-Fi): refused, nothing sent.
    let pin = Pin::new(Some("SHA256:00:11:22".into()));
    let wrong = reqwest::Client::builder()
        .use_preconfigured_tls(pin.client_config())
        .build()
        .unwrap();
    let e = wrong
        .get(format!("{base}/api/health"))
        .send()
        .await
        .unwrap_err();
    assert!(e.is_connect(), "{e:?}");
    // The pin saw which certificate the hub presented, for the message to say.
    assert_eq!(pin.seen().as_deref(), Some(fingerprint.as_str()));
    // Plain HTTP to the HTTPS port gets no answer it could mistake for the API.
    let plain = reqwest::Client::new()
        .get(format!("http://127.0.0.1:{}/api/health", addr.port()))
        .send()
        .await;
    assert!(plain.map(|r| !r.status().is_success()).unwrap_or(true));

    // A key that is not the certificate's is refused at start.
    let other = tempfile::tempdir().unwrap();
    hallpass_hub::tls::self_signed(other.path(), vec!["localhost".into()]).unwrap();
    let mismatch = hallpass_hub::tls::load(
        &dir.path().join("hub-cert.pem"),
        &other.path().join("hub-key.pem"),
    );
    assert!(mismatch.err().unwrap().contains("do not fit"));

    // A port already taken is an error at start, not a log line later.
    let taken = hallpass_hub::tls::self_signed(dir.path(), vec!["localhost".into()]).unwrap();
    let (stop2, stopping2) = tokio::sync::watch::channel(false);
    let app2 = hallpass_hub::router_with(t.core.clone(), None, stopping2);
    let refused = hallpass_hub::server::start(app2, addr, Some(taken), stop2).await;
    assert!(refused.err().unwrap().contains("cannot listen"));
    running.stop().await;
}
