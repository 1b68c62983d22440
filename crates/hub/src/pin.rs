//! The client's side of the hub's HTTPS: trust exactly the certificate whose fingerprint the
//! device pinned when it connected (from the QR code, or confirmed by a person against the
//! one the hub shows), whoever signed it and whatever name it carries. A probe before pinning
//! accepts any certificate but remembers what it saw, so the fingerprint can be shown.

use std::sync::{Arc, Mutex};

use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::crypto::CryptoProvider;
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use rustls::{DigitallySignedStruct, SignatureScheme};

use crate::tls::fingerprint;

/// How a refused handshake's error begins.
pub const CERTIFICATE_CHANGED: &str = "the hub's certificate changed";

/// Checks the hub's certificate against a pinned fingerprint (or, with none, only records it).
#[derive(Debug)]
pub struct Pin {
    expected: Option<String>,
    seen: Mutex<Option<String>>,
    provider: Arc<CryptoProvider>,
}

impl Pin {
    /// Trusts only the certificate with this fingerprint (`SHA256:AB:…`); `None` trusts any
    /// (a probe that sends nothing secret).
    pub fn new(expected: Option<String>) -> Arc<Pin> {
        Arc::new(Pin {
            expected: expected.map(|e| normalize(&e)),
            seen: Mutex::new(None),
            provider: Arc::new(rustls::crypto::ring::default_provider()),
        })
    }

    /// The fingerprint the hub presented last, if a handshake got that far.
    pub fn seen(&self) -> Option<String> {
        self.seen.lock().unwrap_or_else(|e| e.into_inner()).clone()
    }

    /// A TLS client configuration that verifies with this pin.
    pub fn client_config(self: &Arc<Self>) -> rustls::ClientConfig {
        let mut config = rustls::ClientConfig::builder_with_provider(self.provider.clone())
            .with_safe_default_protocol_versions()
            .expect("the ring provider supports the default TLS versions")
            .dangerous()
            .with_custom_certificate_verifier(self.clone())
            .with_no_client_auth();
        config.alpn_protocols = vec![b"h2".to_vec(), b"http/1.1".to_vec()];
        config
    }
}

/// A fingerprint as written on a screen or in a link, in the form [`fingerprint`] gives:
/// upper-case hex pairs with colons after `SHA256:`.
pub fn normalize(text: &str) -> String {
    let text = text.trim();
    // "SHA256:", "sha256 " or nothing before the hex ('s' and 'h' are not hex digits).
    let text = match text.get(..6) {
        Some(p) if p.eq_ignore_ascii_case("sha256") => &text[6..],
        _ => text,
    };
    let hex: String = text
        .chars()
        .filter(char::is_ascii_hexdigit)
        .collect::<String>()
        .to_ascii_uppercase();
    let pairs: Vec<&str> = hex
        .as_bytes()
        .chunks(2)
        .map(|c| std::str::from_utf8(c).unwrap_or_default())
        .collect();
    format!("SHA256:{}", pairs.join(":"))
}

impl ServerCertVerifier for Pin {
    fn verify_server_cert(
        &self,
        end: &CertificateDer<'_>,
        _: &[CertificateDer<'_>],
        _: &ServerName<'_>,
        _: &[u8],
        _: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        let got = fingerprint(end.as_ref());
        *self.seen.lock().unwrap_or_else(|e| e.into_inner()) = Some(got.clone());
        match &self.expected {
            Some(want) if *want != got => Err(rustls::Error::General(format!(
                "{CERTIFICATE_CHANGED}: expected {want}, got {got}"
            ))),
            _ => Ok(ServerCertVerified::assertion()),
        }
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls12_signature(
            message,
            cert,
            dss,
            &self.provider.signature_verification_algorithms,
        )
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls13_signature(
            message,
            cert,
            dss,
            &self.provider.signature_verification_algorithms,
        )
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.provider
            .signature_verification_algorithms
            .supported_schemes()
    }
}
