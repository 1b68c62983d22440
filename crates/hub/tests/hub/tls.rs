//! HTTPS: a self-signed certificate made once and kept; a client that pins its fingerprint
//! talks to the hub, one that pins another fingerprint is refused before anything is sent.

use std::net::SocketAddr;
use std::sync::Arc;

use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use rustls::{DigitallySignedStruct, SignatureScheme};

use crate::support;

/// Trusts exactly the certificate with this fingerprint (as the app will when it connects).
#[derive(Debug)]
struct Pinned {
    fingerprint: String,
    provider: Arc<rustls::crypto::CryptoProvider>,
}

impl ServerCertVerifier for Pinned {
    fn verify_server_cert(
        &self,
        end: &CertificateDer<'_>,
        _: &[CertificateDer<'_>],
        _: &ServerName<'_>,
        _: &[u8],
        _: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        if hallpass_hub::tls::fingerprint(end.as_ref()) == self.fingerprint {
            Ok(ServerCertVerified::assertion())
        } else {
            Err(rustls::Error::General(
                "the hub's certificate changed".into(),
            ))
        }
    }

    fn verify_tls12_signature(
        &self,
        m: &[u8],
        c: &CertificateDer<'_>,
        d: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls12_signature(
            m,
            c,
            d,
            &self.provider.signature_verification_algorithms,
        )
    }

    fn verify_tls13_signature(
        &self,
        m: &[u8],
        c: &CertificateDer<'_>,
        d: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls13_signature(
            m,
            c,
            d,
            &self.provider.signature_verification_algorithms,
        )
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.provider
            .signature_verification_algorithms
            .supported_schemes()
    }
}

fn client(fingerprint: &str) -> reqwest::Client {
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let config = rustls::ClientConfig::builder_with_provider(provider.clone())
        .with_safe_default_protocol_versions()
        .unwrap()
        .dangerous()
        .with_custom_certificate_verifier(Arc::new(Pinned {
            fingerprint: fingerprint.into(),
            provider,
        }))
        .with_no_client_auth();
    reqwest::Client::builder()
        .use_preconfigured_tls(config)
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

    let handle: axum_server::Handle<SocketAddr> = axum_server::Handle::new();
    let app = hallpass_hub::router(t.core.clone(), None);
    let server = axum_server::bind_rustls("127.0.0.1:0".parse().unwrap(), tls.config)
        .handle(handle.clone())
        .serve(app.into_make_service_with_connect_info::<SocketAddr>());
    tokio::spawn(server);
    let addr = handle.listening().await.unwrap();
    let base = format!("https://localhost:{}", addr.port());

    let good = client(&tls.fingerprint);
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
    let wrong = client("SHA256:00:11:22");
    let e = wrong
        .get(format!("{base}/api/health"))
        .send()
        .await
        .unwrap_err();
    assert!(e.is_connect(), "{e:?}");
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
}
