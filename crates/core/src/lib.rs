//! hallpass-core: the domain, its use cases, permissions, audit and storage.
//!
//! Every operation is listed once in [`ops`] and reached through the methods that registry
//! generates on [`Core`]: each authenticates the caller, checks the permission the registry
//! names and only then runs the use case. Tauri commands and hub routes are generated from
//! the same list.

pub mod audit;
pub mod auth;
pub mod backup;
pub mod centre;
pub mod changes;
pub mod clients;
pub mod db;
pub mod demo;
pub mod documents;
pub mod error;
pub mod files;
pub mod messaging;
pub mod money;
pub mod ops;
pub mod phone;
pub mod progress;
pub mod roles;
pub mod schedule;
pub mod staff;
pub mod tasks;
pub mod telephony;
pub mod text;
pub mod throttle;

use std::sync::Arc;

use chrono::{DateTime, Utc};

pub use db::{Db, DbUrl, Tx};
pub use error::{ApiError, FieldError};
pub use ops::api;
pub use roles::{Permission, Role};

/// Where "now" comes from. Business logic never reads the system clock directly, so tests
/// can pin time (token expiry, ages of minors).
pub type Clock = Arc<dyn Fn() -> DateTime<Utc> + Send + Sync>;

/// The application: a database and a clock. Cheap to clone.
#[derive(Clone)]
pub struct Core {
    pub db: Db,
    clock: Clock,
    pub(crate) logins: Arc<throttle::LoginThrottle>,
    /// Wrong passwords by client address (more lenient: a desk shares one address).
    pub(crate) addresses: Arc<throttle::LoginThrottle>,
    pub(crate) jobs: Arc<progress::Jobs>,
    pub(crate) feed: Arc<changes::Feed>,
    /// The PBX connection and the calls in progress.
    pub(crate) phone: Arc<telephony::live::Phone>,
    /// What is queued to be sent.
    pub(crate) outbox: Arc<messaging::outbox::Outbox>,
    pub(crate) smpp: Arc<messaging::smpp::Link>,
    pub backups: Arc<backup::Backups>,
}

impl Core {
    pub fn new(db: Db) -> Core {
        Core::with_clock(db, Arc::new(Utc::now))
    }

    pub fn with_clock(db: Db, clock: Clock) -> Core {
        Core {
            db,
            clock,
            logins: Arc::default(),
            addresses: Arc::new(throttle::LoginThrottle::with_free_attempts(
                throttle::FREE_PER_ADDRESS,
            )),
            jobs: Arc::default(),
            feed: Arc::default(),
            phone: Arc::default(),
            outbox: Arc::default(),
            smpp: Arc::default(),
            backups: Arc::default(),
        }
    }

    pub fn now(&self) -> DateTime<Utc> {
        (self.clock)()
    }

    /// The clock itself, for a task that keeps its own time (the PBX connection).
    pub fn clock(&self) -> Clock {
        self.clock.clone()
    }

    /// Tells the change feed that something may have been written (the operation methods do
    /// this after every call; a job that writes outside them calls it itself).
    pub fn changed(&self) {
        self.feed.poke();
    }

    /// Opens the database at `url`, applying migrations.
    pub async fn open(url: &DbUrl) -> Result<Core, sqlx::Error> {
        let core = Core::new(Db::open(url).await?);
        backup::check_at_start(&core).await;
        // Audit rows written before the hash chain existed are chained once.
        match audit::chain::seal(&core.db).await {
            Ok(0) => {}
            Ok(n) => tracing::info!(rows = n, "audit log rows chained"),
            Err(e) => tracing::error!(error = %e, "chaining the audit log failed"),
        }
        // Cards written before the search index existed get indexed once.
        if let Err(e) = clients::index::reindex_stale(&core).await {
            tracing::error!(error = %e, "indexing clients for search failed");
        }
        Ok(core)
    }
}

/// A new time-ordered id.
pub fn new_id() -> uuid::Uuid {
    uuid::Uuid::now_v7()
}
