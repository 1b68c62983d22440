//! The hub session's token, kept in the operating system's keyring — Secret Service on
//! Linux, Credential Manager on Windows, the Keychain on macOS, the Android keystore — never
//! in a plain file. One entry per hub address.

use std::sync::Arc;

use keyring_core::{CredentialStore, Entry, Error};

/// The service name the entries are filed under.
const SERVICE: &str = "Hallpass";

/// Chooses the keyring for this process (tests pass their own); without a call, the
/// platform's is opened on first use.
pub fn use_store(store: Arc<CredentialStore>) {
    keyring_core::set_default_store(store);
}

fn ensure_store() -> Result<(), String> {
    static OPENED: std::sync::Mutex<()> = std::sync::Mutex::new(());
    let _once = OPENED.lock().unwrap_or_else(|e| e.into_inner());
    if keyring_core::get_default_store().is_none() {
        use_store(platform_store()?);
    }
    Ok(())
}

/// The platform's keyring.
pub fn platform_store() -> Result<Arc<CredentialStore>, String> {
    #[cfg(any(target_os = "linux", target_os = "freebsd"))]
    let store = zbus_secret_service_keyring_store::Store::new().map(|s| s as Arc<CredentialStore>);
    #[cfg(target_os = "windows")]
    let store = windows_native_keyring_store::Store::new().map(|s| s as Arc<CredentialStore>);
    #[cfg(any(target_os = "macos", target_os = "ios"))]
    let store =
        apple_native_keyring_store::keychain::Store::new().map(|s| s as Arc<CredentialStore>);
    #[cfg(target_os = "android")]
    let store = android_native_keyring_store::Store::new().map(|s| s as Arc<CredentialStore>);
    store.map_err(|e| format!("the system keyring is not available: {e}"))
}

/// The token entry for one hub.
#[derive(Clone)]
pub struct TokenStore {
    hub: String,
}

impl TokenStore {
    pub fn for_hub(url: &str) -> TokenStore {
        TokenStore {
            hub: url.to_string(),
        }
    }

    fn entry(&self) -> Result<Entry, String> {
        ensure_store()?;
        Entry::new(SERVICE, &self.hub).map_err(|e| format!("the system keyring refused: {e}"))
    }

    /// The stored token, if any. Keyring calls block (D-Bus, Keychain), so they run off the
    /// async workers.
    pub async fn get(&self) -> Result<Option<String>, String> {
        let me = self.clone();
        blocking(move || match me.entry()?.get_password() {
            Ok(t) => Ok(Some(t)),
            Err(Error::NoEntry) => Ok(None),
            Err(e) => Err(format!("cannot read the system keyring: {e}")),
        })
        .await
    }

    pub async fn set(&self, token: &str) -> Result<(), String> {
        let (me, token) = (self.clone(), token.to_string());
        blocking(move || {
            me.entry()?
                .set_password(&token)
                .map_err(|e| format!("cannot write to the system keyring: {e}"))
        })
        .await
    }

    pub async fn delete(&self) -> Result<(), String> {
        let me = self.clone();
        blocking(move || match me.entry()?.delete_credential() {
            Ok(()) | Err(Error::NoEntry) => Ok(()),
            Err(e) => Err(format!("cannot remove from the system keyring: {e}")),
        })
        .await
    }
}

async fn blocking<T: Send + 'static>(
    f: impl FnOnce() -> Result<T, String> + Send + 'static,
) -> Result<T, String> {
    tokio::task::spawn_blocking(f)
        .await
        .map_err(|e| format!("the system keyring failed: {e}"))?
}
