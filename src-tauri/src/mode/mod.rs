//! The app's three modes — this device, connect to a hub, host the hub here — and switching
//! between them. Every command asks [`Shell::backend`] where to go: the embedded core, or
//! the hub over the network.

pub mod commands;
pub mod settings;
mod switch;

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::{Arc, RwLock};

use hallpass_core::api::ApiError;
use hallpass_core::{Core, DbUrl};
use serde::{Deserialize, Serialize};
use specta::Type;

use crate::host::{Assets, HostInfo, Hosted};
use crate::remote::Remote;
pub use settings::{DeviceMode, SettingsFile};

/// The address a hosted hub listens on unless the centre picks another.
pub const DEFAULT_LISTEN: &str = "0.0.0.0:8443";

/// Where commands go.
#[derive(Clone)]
pub enum Backend {
    Core(Core),
    Remote(Arc<Remote>),
}

/// How the device works now, for the settings screen.
#[derive(Debug, Clone, Serialize, Deserialize, Type)]
pub struct DeviceModeInfo {
    /// None until chosen at first start.
    pub mode: Option<DeviceMode>,
    /// Hub mode: a session is kept in the keyring for this hub.
    pub signed_in: bool,
    /// Host mode: where the hub can be reached.
    pub hosting: Option<HostInfo>,
    /// Why the chosen mode is not fully working (the hosted hub could not start…).
    pub problem: Option<String>,
    /// The address a hosted hub listens on by default.
    pub default_listen: String,
}

/// What is running.
#[derive(Default)]
struct Running {
    mode: Option<DeviceMode>,
    hosted: Option<Hosted>,
    backups: Option<tokio::task::JoinHandle<()>>,
    problem: Option<String>,
}

pub struct Shell {
    settings: SettingsFile,
    db_path: PathBuf,
    tls_dir: PathBuf,
    assets: Assets,
    current: RwLock<Option<Backend>>,
    /// Held while starting or switching, so two switches never interleave.
    running: tokio::sync::Mutex<Running>,
}

pub(crate) fn field(name: &str, message: &str) -> ApiError {
    ApiError::field(name, "invalid", message)
}

fn internal(message: String) -> ApiError {
    ApiError::Internal { message }
}

/// An error as a person reads it (an internal error's own message, not "internal error").
pub(crate) fn text(e: &ApiError) -> String {
    match e {
        ApiError::Internal { message } => message.clone(),
        ApiError::Validation { errors } => errors
            .iter()
            .map(|f| f.message.clone())
            .collect::<Vec<_>>()
            .join("; "),
        other => other.to_string(),
    }
}

impl Shell {
    pub fn new(settings: SettingsFile, db_path: PathBuf, assets: Assets) -> Shell {
        let tls_dir = db_path
            .parent()
            .map_or_else(|| PathBuf::from("tls"), |d| d.join("tls"));
        Shell {
            settings,
            db_path,
            tls_dir,
            assets,
            current: RwLock::new(None),
            running: tokio::sync::Mutex::new(Running::default()),
        }
    }

    /// Where a command goes now; an error before a mode is chosen.
    pub fn backend(&self) -> Result<Backend, ApiError> {
        self.current
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
            .ok_or_else(|| ApiError::Unavailable {
                reason: "no_mode".into(),
                message: "choose how this device works first".into(),
            })
    }

    fn set_backend(&self, backend: Option<Backend>) -> Option<Backend> {
        std::mem::replace(
            &mut *self.current.write().unwrap_or_else(|e| e.into_inner()),
            backend,
        )
    }

    /// The mode saved in the settings, or none to ask. A device that already has a database
    /// (or is asked for the demo) works on it as before.
    pub fn saved_mode(&self, demo: bool) -> (Option<DeviceMode>, Option<String>) {
        match self.settings.load() {
            Ok(Some(m)) => (Some(m), None),
            Ok(None) if demo || self.db_path.exists() => (Some(DeviceMode::Local), None),
            Ok(None) => (None, None),
            Err(e) => (None, Some(e)),
        }
    }

    async fn open_core(&self) -> Result<Core, ApiError> {
        if let Ok(Backend::Core(core)) = self.backend() {
            return Ok(core);
        }
        let url = DbUrl::Sqlite(self.db_path.to_string_lossy().into_owned());
        Core::open(&url)
            .await
            .map_err(|e| internal(format!("cannot open {}: {e}", self.db_path.display())))
    }

    /// Starts in the saved mode without asking anyone: a hub that is away or a port that is
    /// taken is reported ([`DeviceModeInfo::problem`]), never fatal.
    pub async fn start(
        &self,
        mode: Option<DeviceMode>,
        problem: Option<String>,
    ) -> Result<(), String> {
        let mut running = self.running.lock().await;
        running.problem = problem;
        let Some(mode) = mode else {
            return Ok(());
        };
        match &mode {
            DeviceMode::Local => {
                let core = self.open_core().await.map_err(|e| text(&e))?;
                running.backups = self.backups(&core);
                self.set_backend(Some(Backend::Core(core)));
            }
            DeviceMode::Host { listen, https } => {
                let core = self.open_core().await.map_err(|e| text(&e))?;
                running.backups = self.backups(&core);
                self.set_backend(Some(Backend::Core(core.clone())));
                match self.host(&core, listen, *https).await {
                    Ok(h) => running.hosted = Some(h),
                    Err(e) => running.problem = Some(text(&e)),
                }
            }
            // A hub without its pinned certificate (an edited file) is not trusted: the
            // device asks again.
            DeviceMode::Hub { url, fingerprint } => match Remote::new(url, fingerprint.clone()) {
                Ok(remote) => {
                    self.set_backend(Some(Backend::Remote(Arc::new(remote))));
                }
                Err(e) => running.problem = Some(text(&e)),
            },
        }
        running.mode = Some(mode);
        Ok(())
    }

    /// The device's own jobs while its database is in use: a backup a day into the app's
    /// data folder, kept for two weeks (the handle), the office PBX's connection (stopped
    /// with [`hallpass_core::telephony::live::stop`]) and the outbox of e-mail and SMS.
    fn backups(&self, core: &Core) -> Option<tokio::task::JoinHandle<()>> {
        hallpass_core::telephony::live::start(core);
        hallpass_core::messaging::outbox::start(core);
        hallpass_core::backup::schedule(core.clone(), std::time::Duration::from_secs(24 * 3600))
    }

    async fn host(&self, core: &Core, listen: &str, https: bool) -> Result<Hosted, ApiError> {
        let addr: SocketAddr = listen
            .trim()
            .parse()
            .map_err(|_| field("listen", "write an address and port, e.g. 0.0.0.0:8443"))?;
        crate::host::start(
            core.clone(),
            self.assets.clone(),
            addr,
            https,
            &self.tls_dir,
        )
        .await
        .map_err(|e| field("listen", &e))
    }

    pub async fn info(&self) -> DeviceModeInfo {
        let running = self.running.lock().await;
        self.describe(&running).await
    }

    async fn describe(&self, running: &Running) -> DeviceModeInfo {
        let signed_in = match self.backend() {
            Ok(Backend::Remote(r)) => r.token().await.is_some(),
            _ => false,
        };
        DeviceModeInfo {
            mode: running.mode.clone(),
            signed_in,
            hosting: running.hosted.as_ref().map(|h| h.info.clone()),
            problem: running.problem.clone(),
            default_listen: DEFAULT_LISTEN.into(),
        }
    }
}
