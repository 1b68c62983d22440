//! The device's mode settings: kept whole across saves, a damaged file reported by name.

use hallpass_app_lib::mode::{DeviceMode, SettingsFile};

#[test]
fn modes_round_trip_and_replace_the_file_whole() {
    let dir = tempfile::tempdir().unwrap();
    let file = SettingsFile::new(dir.path().join("conf/device.json"));
    assert_eq!(file.load().unwrap(), None, "nothing chosen yet");
    let modes = [
        DeviceMode::Local,
        DeviceMode::Hub {
            url: "https://192.168.1.10:8443/".into(),
            fingerprint: Some("SHA256:AB:CD".into()),
        },
        DeviceMode::Host {
            listen: "0.0.0.0:8443".into(),
            https: true,
        },
    ];
    for mode in &modes {
        file.save(mode).unwrap();
        assert_eq!(file.load().unwrap().as_ref(), Some(mode));
    }
    // Only the file itself is left: no temporary copies beside it.
    let names: Vec<_> = std::fs::read_dir(dir.path().join("conf"))
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    assert_eq!(names, vec!["device.json"]);
}

#[test]
fn a_damaged_file_is_an_error_naming_it() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("device.json");
    std::fs::write(&path, "{\"version\":1,\"device\":{\"mode\":\"hu").unwrap();
    let e = SettingsFile::new(path).load().unwrap_err();
    assert!(e.contains("device.json"), "{e}");
}
