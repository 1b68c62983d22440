//! Changing the device's mode, and stopping everything when the app quits.

use std::sync::Arc;
use std::time::Duration;

use hallpass_core::api::{ApiError, UserInfo};
use hallpass_core::{Core, Permission};

use super::{internal, text, Backend, DeviceMode, DeviceModeInfo, Running, Shell};
use crate::remote::{parse_address, Remote, DEVICE_TOKEN};

/// What a switch did.
#[derive(Debug)]
pub struct Switched {
    pub info: DeviceModeInfo,
    /// Another database answers now: the windows' event streams belong to the old one.
    pub replaced: bool,
}

impl Shell {
    /// Switches to `mode`: the new one is made to work first (the hub answers with the pinned
    /// certificate, the port is free), then saved, then used; on any failure the device stays
    /// as it was. See [`Shell::may_leave`] for who may.
    pub async fn switch(
        &self,
        token: Option<&str>,
        mode: DeviceMode,
    ) -> Result<Switched, ApiError> {
        let mut running = self.running.lock().await;
        self.may_leave(token).await?;
        let old = self.backend().ok();
        let (backend, hosted) = match &mode {
            DeviceMode::Local => (Backend::Core(self.open_core().await?), None),
            DeviceMode::Host { listen, https } => {
                let core = self.open_core().await?;
                // The old server lets go of its port first; if the new one cannot start,
                // the old one starts again.
                if let Some(h) = running.hosted.take() {
                    h.stop().await;
                }
                match self.host(&core, listen, *https).await {
                    Ok(h) => (Backend::Core(core), Some(h)),
                    Err(e) => {
                        self.rehost(&mut running, &core).await;
                        return Err(e);
                    }
                }
            }
            DeviceMode::Hub { url, fingerprint } => {
                let (url, link_pin) = parse_address(url)?;
                let remote = Remote::new(&url, fingerprint.clone().or(link_pin))?;
                remote.health().await?;
                (Backend::Remote(Arc::new(remote)), None)
            }
        };
        let saved = match &backend {
            Backend::Remote(r) => DeviceMode::Hub {
                url: r.url.clone(),
                fingerprint: r.fingerprint.clone(),
            },
            Backend::Core(_) => mode,
        };
        if let Err(e) = self.settings.save(&saved) {
            if let Some(h) = hosted {
                h.stop().await;
            }
            if let Backend::Core(core) = &backend {
                self.rehost(&mut running, core).await;
            }
            return Err(internal(e));
        }
        // Leaving a hub ends its session first, so a new connection to the same hub (its
        // certificate was replaced) starts clean instead of losing its sign-in afterwards.
        if let Some(Backend::Remote(left)) = &old {
            let _ = tokio::time::timeout(Duration::from_secs(5), left.sign_out()).await;
            left.forget().await;
        }
        self.set_backend(Some(backend.clone()));
        if let Some(h) = running.hosted.take() {
            h.stop().await;
        }
        running.hosted = hosted;
        running.problem = None;
        running.mode = Some(saved);
        let replaced = !matches!((&old, &backend), (Some(Backend::Core(_)), Backend::Core(_)));
        match (&backend, old) {
            (Backend::Remote(_), Some(Backend::Core(core))) => {
                if let Some(b) = running.backups.take() {
                    b.abort();
                }
                hallpass_core::telephony::live::stop(&core);
                hallpass_core::messaging::outbox::stop(&core);
                core.db.close().await;
            }
            (Backend::Core(core), Some(Backend::Remote(_)) | None) => {
                running.backups = self.backups(core);
            }
            _ => {}
        }
        Ok(Switched {
            info: self.describe(&running).await,
            replaced,
        })
    }

    /// Who may change the mode. A device with a centre's users: a role that changes the
    /// centre's settings. A device signed in to a hub: the same permission there, so nobody
    /// can point the centre's tablet at another hub to collect passwords; one that holds no
    /// session (or whose hub is away) has nothing to protect. First start: anyone.
    async fn may_leave(&self, token: Option<&str>) -> Result<(), ApiError> {
        match self.backend() {
            Ok(Backend::Core(core)) => {
                // First start: no users yet, nothing to protect.
                if core.setup_status(Default::default()).await?.needs_setup {
                    return Ok(());
                }
                core.authorize(token, Permission::CentreWrite).await?;
            }
            Ok(Backend::Remote(remote)) if remote.token().await.is_some() => {
                let me = remote
                    .call::<_, UserInfo>("session_get", Some(DEVICE_TOKEN), &serde_json::json!({}))
                    .await;
                match me {
                    Ok(user) if user.permissions.contains(&Permission::CentreWrite) => {}
                    Ok(_) => {
                        return Err(ApiError::Forbidden {
                            permission: Permission::CentreWrite.as_str().into(),
                            message: "only a role that changes the centre's settings moves this device to another hub".into(),
                        })
                    }
                    Err(ApiError::Unavailable { .. } | ApiError::Unauthenticated { .. }) => {}
                    Err(e) => return Err(e),
                }
            }
            _ => {}
        }
        Ok(())
    }

    /// After a failed switch, starts the hub this device hosted again (or says why not).
    async fn rehost(&self, running: &mut Running, core: &Core) {
        if let (Some(DeviceMode::Host { listen, https }), None) =
            (running.mode.clone(), &running.hosted)
        {
            match self.host(core, &listen, https).await {
                Ok(h) => running.hosted = Some(h),
                Err(e) => running.problem = Some(text(&e)),
            }
        }
    }

    /// The app is quitting: the hosted hub stops (requests in flight finish), the backups
    /// stop, the database closes.
    pub async fn shutdown(&self) {
        let mut running = self.running.lock().await;
        if let Some(h) = running.hosted.take() {
            h.stop().await;
        }
        if let Some(b) = running.backups.take() {
            b.abort();
        }
        if let Some(Backend::Core(core)) = self.set_backend(None) {
            hallpass_core::telephony::live::stop(&core);
            hallpass_core::messaging::outbox::stop(&core);
            core.db.close().await;
        }
    }
}
