//! The three modes through the shell: first start with none chosen, this device, hosting the
//! hub (its address, fingerprint and QR code; the app's own UI served to browsers), and a
//! second device connecting to it by the QR code's link. A switch that cannot work changes
//! nothing; leaving a centre's database needs the settings permission.

use std::sync::Arc;

use hallpass_app_lib::host::Assets;
use hallpass_app_lib::mode::{Backend, DeviceMode, SettingsFile, Shell};
use hallpass_core::api::{ApiError, LoginResult, SetupStatus};
use serde_json::json;

const PAGE: &str = "<!doctype html><title>Hallpass</title>";

fn assets() -> Assets {
    Arc::new(|path: &str| {
        // Like the app's bundle: known files, and index.html for every other path.
        let js = path.ends_with(".js");
        Some(if js {
            (b"export {}".to_vec(), "text/javascript".into())
        } else {
            (PAGE.as_bytes().to_vec(), "text/html".into())
        })
    })
}

fn shell(dir: &std::path::Path) -> Shell {
    Shell::new(
        SettingsFile::new(dir.join("device.json")),
        dir.join("hallpass.db"),
        assets(),
    )
}

fn host_mode() -> DeviceMode {
    DeviceMode::Host {
        listen: "127.0.0.1:0".into(),
        https: true,
    }
}

#[tokio::test]
async fn host_here_and_connect_a_tablet_by_its_link() {
    crate::use_keyring();
    let desk_dir = tempfile::tempdir().unwrap();
    let desk = shell(desk_dir.path());
    // First start: nothing chosen, nothing answers until a mode is.
    let (mode, problem) = desk.saved_mode(false);
    assert_eq!((mode.clone(), problem.clone()), (None, None));
    desk.start(mode, problem).await.unwrap();
    let Err(ApiError::Unavailable { reason, .. }) = desk.backend() else {
        panic!("a backend before a mode was chosen");
    };
    assert_eq!(reason, "no_mode");

    // Host the hub here (an empty database: no sign-in needed yet).
    let info = desk.switch(None, host_mode()).await.unwrap().info;
    let hosting = info.hosting.expect("hosting");
    let fingerprint = hosting.fingerprint.clone().expect("https");
    assert!(
        hosting.urls[0].starts_with("https://127.0.0.1:"),
        "{hosting:?}"
    );
    assert_eq!(
        hosting.link,
        format!("{}#hallpass-pin={fingerprint}", hosting.urls[0])
    );
    assert!(hosting.qr_svg.contains("<svg"), "a QR code");
    assert_eq!(
        SettingsFile::new(desk_dir.path().join("device.json"))
            .load()
            .unwrap(),
        Some(host_mode())
    );
    let Ok(Backend::Core(core)) = desk.backend() else {
        panic!("the desk works on its own database");
    };
    assert!(hallpass_core::demo::seed(&core).await.unwrap());

    // A tablet scans the code: the link carries the fingerprint, nothing to compare by eye.
    let tablet_dir = tempfile::tempdir().unwrap();
    let tablet = shell(tablet_dir.path());
    let probe = hallpass_app_lib::remote::Remote::probe(&hosting.link)
        .await
        .unwrap();
    assert!(probe.pinned_by_link);
    let joined = tablet
        .switch(
            None,
            DeviceMode::Hub {
                url: hosting.link.clone(),
                fingerprint: None,
            },
        )
        .await
        .unwrap()
        .info;
    assert_eq!(
        joined.mode,
        Some(DeviceMode::Hub {
            url: hosting.urls[0].clone(),
            fingerprint: Some(fingerprint.clone()),
        })
    );
    let Ok(Backend::Remote(remote)) = tablet.backend() else {
        panic!("the tablet forwards to the hub");
    };
    let status: SetupStatus = remote.call("setup_status", None, &json!({})).await.unwrap();
    assert!(!status.needs_setup, "the tablet sees the desk's centre");

    // Browsers get the app's own UI from the hosted hub.
    let browser = reqwest::Client::builder()
        .use_preconfigured_tls(
            hallpass_hub::pin::Pin::new(Some(fingerprint.clone())).client_config(),
        )
        .build()
        .unwrap();
    let page = browser
        .get(format!("{}clients/42", hosting.urls[0]))
        .send()
        .await
        .unwrap();
    assert_eq!(page.headers()["content-type"], "text/html");
    assert!(page.headers().contains_key("content-security-policy"));
    assert_eq!(page.text().await.unwrap(), PAGE);

    // Now the desk has users: changing its mode needs the settings permission.
    let e = desk.switch(None, DeviceMode::Local).await.unwrap_err();
    assert!(matches!(e, ApiError::Unauthenticated { .. }), "{e:?}");
    let instructor = core
        .login(
            serde_json::from_value(
                json!({"login": "instructor", "password": hallpass_core::demo::DEMO_PASSWORD}),
            )
            .unwrap(),
        )
        .await
        .unwrap();
    let e = desk
        .switch(Some(&instructor.token), DeviceMode::Local)
        .await
        .unwrap_err();
    assert!(matches!(e, ApiError::Forbidden { .. }), "{e:?}");
    let owner = core
        .login(
            serde_json::from_value(
                json!({"login": "owner", "password": hallpass_core::demo::DEMO_PASSWORD}),
            )
            .unwrap(),
        )
        .await
        .unwrap();

    // A port that is taken: refused at the field, and the device stays as it was.
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let busy = DeviceMode::Host {
        listen: taken.local_addr().unwrap().to_string(),
        https: true,
    };
    let e = desk.switch(Some(&owner.token), busy).await.unwrap_err();
    assert!(
        matches!(&e, ApiError::Validation { errors } if errors[0].field == "listen"),
        "{e:?}"
    );
    let still = desk.info().await;
    assert_eq!(still.mode, Some(host_mode()));
    let again = still.hosting.expect("the old hub started again");
    assert_eq!(
        again.fingerprint.as_deref(),
        Some(fingerprint.as_str()),
        "the same certificate"
    );

    // A hub address with the wrong fingerprint: refused, the tablet keeps its hub.
    let wrong = DeviceMode::Hub {
        url: again.urls[0].clone(),
        fingerprint: Some(format!("SHA256:{}", ["AB"; 32].join(":"))),
    };
    let e = tablet.switch(None, wrong).await.unwrap_err();
    assert!(
        matches!(&e, ApiError::Unavailable { reason, .. } if reason == "certificate_changed"),
        "{e:?}"
    );
    assert_eq!(tablet.info().await.mode, joined.mode);

    // The tablet follows the hub to its new port (it holds no session: anyone may).
    let moved = tablet
        .switch(
            None,
            DeviceMode::Hub {
                url: again.link.clone(),
                fingerprint: None,
            },
        )
        .await
        .unwrap();
    assert!(moved.replaced);
    let sign_in =
        |login: &str| json!({"login": login, "password": hallpass_core::demo::DEMO_PASSWORD});
    let remote = |s: &Shell| match s.backend() {
        Ok(Backend::Remote(r)) => r,
        _ => panic!("a tablet in hub mode"),
    };
    // Signed in as an instructor, the tablet cannot be pointed elsewhere.
    let _: LoginResult = remote(&tablet)
        .call("login", None, &sign_in("instructor"))
        .await
        .unwrap();
    let e = tablet.switch(None, DeviceMode::Local).await.unwrap_err();
    assert!(matches!(e, ApiError::Forbidden { .. }), "{e:?}");
    // The owner may. Reconnecting to the same hub signs the old connection out first, so the
    // next sign-in is kept and not wiped afterwards.
    let _: LoginResult = remote(&tablet)
        .call("login", None, &sign_in("owner"))
        .await
        .unwrap();
    let same = DeviceMode::Hub {
        url: again.link.clone(),
        fingerprint: None,
    };
    assert!(tablet.switch(None, same).await.unwrap().replaced);
    assert!(
        !tablet.info().await.signed_in,
        "the old session ended with the old connection"
    );
    let _: LoginResult = remote(&tablet)
        .call("login", None, &sign_in("owner"))
        .await
        .unwrap();
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    assert!(tablet.info().await.signed_in);

    // Back to this device only: the hub stops serving.
    let local = desk
        .switch(Some(&owner.token), DeviceMode::Local)
        .await
        .unwrap();
    assert!(
        !local.replaced,
        "the same database: the windows' streams go on"
    );
    assert!(local.info.hosting.is_none());
    assert!(
        browser.get(&again.urls[0]).send().await.is_err(),
        "no longer served"
    );
}
