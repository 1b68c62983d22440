//! The shell's own commands for the device's mode (not operations of the hub: they concern
//! this device only).

use hallpass_core::api::ApiError;
use tauri::State;

use super::{DeviceMode, DeviceModeInfo, Shell};
use crate::live::Listeners;
use crate::remote::{HubProbe, Remote};

/// How this device works now: its mode, whether a hub session is kept, where the hub it
/// hosts can be reached.
#[tauri::command]
#[specta::specta]
pub async fn device_mode_get(shell: State<'_, Shell>) -> Result<DeviceModeInfo, ApiError> {
    Ok(shell.info().await)
}

/// Switch this device to another mode (the centre's settings permission once it has users).
/// Nothing changes unless the new mode works: the hub answers with the pinned certificate,
/// the port is free.
#[tauri::command]
#[specta::specta]
pub async fn device_mode_set(
    shell: State<'_, Shell>,
    listeners: State<'_, Listeners>,
    token: Option<String>,
    mode: DeviceMode,
) -> Result<DeviceModeInfo, ApiError> {
    let switched = shell.switch(token.as_deref(), mode).await?;
    // The windows' event streams belonged to the old database (between this device and
    // hosting the hub, the database and its streams stay).
    if switched.replaced {
        listeners.stop_all();
    }
    Ok(switched.info)
}

/// Ask a hub who it is before trusting it: its certificate's fingerprint (to compare with
/// the hub's screen, or with the one a QR code's link carries), version and centre.
#[tauri::command]
#[specta::specta]
pub async fn hub_probe(address: String) -> Result<HubProbe, ApiError> {
    Remote::probe(&address).await
}
