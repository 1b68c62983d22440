//! The app's shell: the bindings, its device settings, the three modes (forwarding to a real
//! hub over pinned HTTPS, hosting one), and the keyring that keeps the hub session.

#[path = "../../../crates/core/tests/api/support.rs"]
#[allow(dead_code)]
mod support;

mod bindings;
mod host;
mod keyring;
mod remote;
mod settings;

use std::net::SocketAddr;
use std::sync::Once;

use hallpass_hub::server::Running;
use support::TestCore;

/// The keyring for this test process: the real Secret Service when
/// `HALLPASS_TEST_SECRET_SERVICE=1` (run under a D-Bus session with a keyring daemon), else
/// the in-memory store keyring-core provides for tests.
pub fn use_keyring() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        if std::env::var("HALLPASS_TEST_SECRET_SERVICE").as_deref() == Ok("1") {
            // Its client blocks on D-Bus: opened off the test's async runtime, as the app does.
            let store = std::thread::spawn(hallpass_app_lib::remote::keys::platform_store)
                .join()
                .unwrap()
                .expect("HALLPASS_TEST_SECRET_SERVICE=1 but no Secret Service answers");
            hallpass_app_lib::remote::keys::use_store(store);
        } else {
            hallpass_app_lib::remote::keys::use_store(keyring_core::mock::Store::new().unwrap());
        }
    });
}

/// A hub on `t`'s database over HTTPS with a fresh self-signed certificate, on `listen`.
pub async fn https_hub(t: &TestCore, dir: &std::path::Path, listen: SocketAddr) -> Running {
    let tls = hallpass_hub::tls::self_signed(dir, vec!["localhost".into()]).unwrap();
    let (stop, stopping) = tokio::sync::watch::channel(false);
    let app = hallpass_hub::router_with(t.core.clone(), None, stopping);
    hallpass_hub::server::start(app, listen, Some(tls), stop)
        .await
        .unwrap()
}

pub fn any_port() -> SocketAddr {
    "127.0.0.1:0".parse().unwrap()
}
