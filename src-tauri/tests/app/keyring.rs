//! The hub session's token in the system keyring: stored, read back, removed; one entry per
//! hub. Under `./dev test` this also runs against a real Secret Service (gnome-keyring).

use hallpass_app_lib::remote::keys::TokenStore;

#[tokio::test]
async fn a_token_is_kept_per_hub_and_removed() {
    crate::use_keyring();
    let suffix = uuid::Uuid::now_v7();
    let a = TokenStore::for_hub(&format!("https://a-{suffix}.test:8443/"));
    let b = TokenStore::for_hub(&format!("https://b-{suffix}.test:8443/"));
    assert_eq!(a.get().await.unwrap(), None);
    a.set("token-a").await.unwrap();
    b.set("token-b").await.unwrap();
    assert_eq!(a.get().await.unwrap().as_deref(), Some("token-a"));
    assert_eq!(b.get().await.unwrap().as_deref(), Some("token-b"));
    a.set("token-a2").await.unwrap();
    assert_eq!(a.get().await.unwrap().as_deref(), Some("token-a2"));
    a.delete().await.unwrap();
    assert_eq!(a.get().await.unwrap(), None);
    // Removing what is not there is not an error.
    a.delete().await.unwrap();
    assert_eq!(b.get().await.unwrap().as_deref(), Some("token-b"));
    b.delete().await.unwrap();
}
