//! Where and as whom the connector connects, and how the connection is doing.

use chrono::{DateTime, Utc};

/// Where and as whom to connect.
#[derive(Clone)]
pub struct AmiConfig {
    /// `host:port`, e.g. `192.168.1.10:5038`.
    pub address: String,
    pub username: String,
    pub secret: String,
    /// The centre's extensions (every other endpoint is an outside line).
    pub extensions: Vec<String>,
    /// Where the time of each event comes from (the core's clock).
    pub clock: crate::Clock,
}

/// Secrets never show in logs.
impl std::fmt::Debug for AmiConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AmiConfig")
            .field("address", &self.address)
            .field("username", &self.username)
            .field("secret", &"***")
            .field("extensions", &self.extensions)
            .finish()
    }
}

/// How the connection is doing, for the settings screen and the log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AmiState {
    Connecting,
    Connected {
        since: DateTime<Utc>,
    },
    /// The PBX refused the user or secret.
    LoginRefused {
        message: String,
    },
    /// Could not connect, or the connection ended; `problem` says how.
    Down {
        problem: String,
    },
}
