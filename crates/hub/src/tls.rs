//! HTTPS for the hub: with the certificate a centre provides, or a self-signed one made at
//! first start and kept beside the database. Devices pin its SHA-256 fingerprint (the app
//! stores it when it connects; the QR code carries it), so passwords never cross a shared
//! Wi-Fi in clear text.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use axum_server::tls_rustls::RustlsConfig;
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer};
use sha2::{Digest, Sha256};

/// A loaded certificate: the server's TLS configuration and the fingerprint clients pin.
pub struct Tls {
    pub config: RustlsConfig,
    /// `SHA256:` and the certificate's digest in hex pairs, as browsers show it.
    pub fingerprint: String,
}

/// The SHA-256 fingerprint of a certificate (DER), as `SHA256:AB:CD:…`.
pub fn fingerprint(der: &[u8]) -> String {
    let hex: Vec<String> = Sha256::digest(der)
        .iter()
        .map(|b| format!("{b:02X}"))
        .collect();
    format!("SHA256:{}", hex.join(":"))
}

/// Loads a PEM certificate chain and its private key.
pub fn load(cert: &Path, key: &Path) -> Result<Tls, String> {
    let chain: Vec<CertificateDer<'static>> = CertificateDer::pem_file_iter(cert)
        .map_err(|e| format!("cannot read the certificate {}: {e}", cert.display()))?
        .collect::<Result<_, _>>()
        .map_err(|e| format!("cannot read the certificate {}: {e}", cert.display()))?;
    let first = chain
        .first()
        .ok_or_else(|| format!("{} holds no certificate", cert.display()))?;
    let fingerprint = fingerprint(first.as_ref());
    let key = PrivateKeyDer::from_pem_file(key)
        .map_err(|e| format!("cannot read the private key {}: {e}", key.display()))?;
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let mut config = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| e.to_string())?
        .with_no_client_auth()
        .with_single_cert(chain, key)
        .map_err(|e| format!("the certificate and key do not fit together: {e}"))?;
    config.alpn_protocols = vec![b"h2".to_vec(), b"http/1.1".to_vec()];
    Ok(Tls {
        config: RustlsConfig::from_config(Arc::new(config)),
        fingerprint,
    })
}

/// The self-signed certificate in `dir` (`hub-cert.pem`, `hub-key.pem`), made on first use
/// for `names` (host names and addresses the hub is reached by).
pub fn self_signed(dir: &Path, names: Vec<String>) -> Result<Tls, String> {
    let (cert, key) = (dir.join("hub-cert.pem"), dir.join("hub-key.pem"));
    if !cert.exists() || !key.exists() {
        std::fs::create_dir_all(dir).map_err(|e| format!("cannot make {}: {e}", dir.display()))?;
        let made = rcgen::generate_simple_self_signed(names)
            .map_err(|e| format!("cannot make a certificate: {e}"))?;
        write_private(&key, made.key_pair.serialize_pem().as_bytes())?;
        write_private(&cert, made.cert.pem().as_bytes())?;
    }
    load(&cert, &key)
}

/// Writes a file readable by its owner only, through a temporary file and a rename, so a
/// crash never leaves half a key.
fn write_private(path: &PathBuf, bytes: &[u8]) -> Result<(), String> {
    let tmp = path.with_extension("partial");
    std::fs::write(&tmp, bytes).map_err(|e| format!("cannot write {}: {e}", tmp.display()))?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&tmp, std::fs::Permissions::from_mode(0o600))
            .map_err(|e| e.to_string())?;
    }
    std::fs::rename(&tmp, path).map_err(|e| format!("cannot write {}: {e}", path.display()))
}
