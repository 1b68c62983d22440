//! The outbox: one task sends what is queued. It claims a batch (`sending`, with a lease, so a
//! hub that stops mid-send tries again after the lease and never two at once), sends each
//! message, and marks it `sent` or puts it back with the error and a later time: a mail server
//! that is away keeps the message queued, tried again after 1, 2, 4… minutes (at most an
//! hour apart, 12 tries), never lost. An answer that says the message will never go (a
//! refused address) fails it at once. E-mail keeps one `Message-ID` on every try, so a
//! receiver drops a repeat.

use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use chrono::{DateTime, Utc};
use tokio::sync::Notify;
use uuid::Uuid;

use super::settings::{load, MessageSettings, Secrets, SmsKind};
use super::{sms_http, smtp};
use crate::db::Tx;
use crate::error::ApiError;
use crate::{exec_tx, on_tx, Core};

/// How many messages one claim takes.
const BATCH: i64 = 50;
/// A claimed message not marked within this is claimed again.
const LEASE_SECONDS: i64 = 300;
/// Tries before a message is failed.
pub const MAX_ATTEMPTS: i32 = 12;
/// How often the outbox looks without being woken.
const POLL: Duration = Duration::from_secs(30);

#[derive(Default)]
pub struct Outbox {
    wake: Notify,
    stop: Notify,
    running: AtomicBool,
}

impl Outbox {
    /// Something was queued: the outbox looks now.
    pub fn wake(&self) {
        self.wake.notify_one();
    }
}

/// What happened to one try.
pub enum Sent {
    /// Accepted; the gateway's id of it, if it gave one.
    Ok(Option<String>),
    /// Not now (a server away, a busy gateway): try again later.
    Later(String),
    /// Never (a refused address, a gateway that says no).
    Never(String),
}

#[derive(sqlx::FromRow)]
pub struct Queued {
    pub id: Uuid,
    pub channel: String,
    pub address: String,
    pub subject: String,
    pub body: String,
    pub attempts: i32,
    pub message_ref: String,
}

/// Starts the outbox of `core` (once).
pub fn start(core: &Core) {
    if core.outbox.running.swap(true, Ordering::SeqCst) {
        return;
    }
    let core = core.clone();
    tokio::spawn(async move {
        let http = sms_http::client();
        loop {
            match drain(&core, &http).await {
                Ok(true) => continue,
                Ok(false) => {}
                Err(e) => tracing::warn!(error = %e, "the outbox could not send"),
            }
            tokio::select! {
                _ = core.outbox.stop.notified() => break,
                _ = tokio::time::timeout(POLL, core.outbox.wake.notified()) => {}
            }
        }
        core.outbox.running.store(false, Ordering::SeqCst);
    });
}

/// Stops the outbox of `core` (what is queued stays queued).
pub fn stop(core: &Core) {
    if core.outbox.running.load(Ordering::SeqCst) {
        core.outbox.stop.notify_one();
    }
}

/// Claims and sends one batch; true when there may be more due now.
pub async fn drain(core: &Core, http: &reqwest::Client) -> Result<bool, ApiError> {
    let now = core.now();
    let mut tx = core.db.write().await?;
    let (settings, secrets) = load(&mut tx).await?;
    let batch = claim(&mut tx, now).await?;
    tx.commit().await?;
    if batch.is_empty() {
        return Ok(false);
    }
    let full = batch.len() as i64 == BATCH;
    let mailer = smtp::Mailer::new(&settings, &secrets);
    for m in batch {
        let sent = send(&settings, &secrets, mailer.as_ref(), http, &m).await;
        mark(core, &m, sent).await?;
    }
    core.changed();
    Ok(full)
}

async fn claim(tx: &mut Tx, now: DateTime<Utc>) -> Result<Vec<Queued>, ApiError> {
    let lease = now + chrono::Duration::seconds(LEASE_SECONDS);
    let rows: Vec<Queued> = on_tx!(tx, c => sqlx::query_as(
        "UPDATE messages SET status = 'sending', attempts = attempts + 1, next_attempt_at = $1 \
         WHERE id IN (SELECT id FROM messages WHERE status IN ('queued', 'sending') AND next_attempt_at <= $2 \
         ORDER BY next_attempt_at LIMIT $3) \
         RETURNING id, channel, address, subject, body, attempts, message_ref")
        .bind(lease).bind(now).bind(BATCH).fetch_all(c).await)?;
    Ok(rows)
}

async fn send(
    settings: &MessageSettings,
    secrets: &Secrets,
    mailer: Option<&smtp::Mailer>,
    http: &reqwest::Client,
    m: &Queued,
) -> Sent {
    match m.channel.as_str() {
        "email" => match mailer {
            Some(mailer) => mailer.send(settings, m).await,
            None => Sent::Later("no mail server is set up".into()),
        },
        _ => match settings.sms_kind {
            SmsKind::Http => sms_http::send(http, settings, m).await,
            SmsKind::Smpp => {
                let _ = secrets;
                Sent::Later("SMPP sending is not available yet".into())
            }
            SmsKind::None => Sent::Later("no SMS gateway is set up".into()),
        },
    }
}

/// After `attempts` tries: 1, 2, 4… minutes, at most an hour.
fn backoff(attempts: i32) -> chrono::Duration {
    let minutes = 1i64 << attempts.clamp(1, 7).saturating_sub(1);
    chrono::Duration::minutes(minutes.min(60))
}

async fn mark(core: &Core, m: &Queued, sent: Sent) -> Result<(), ApiError> {
    let now = core.now();
    let mut tx = core.db.write().await?;
    match sent {
        Sent::Ok(provider) => {
            exec_tx!(&mut tx, c => sqlx::query(
                "UPDATE messages SET status = 'sent', sent_at = $1, provider_ref = $2, last_error = NULL WHERE id = $3")
                .bind(now).bind(provider).bind(m.id).execute(c).await)?;
        }
        Sent::Later(why) if m.attempts < MAX_ATTEMPTS => {
            exec_tx!(&mut tx, c => sqlx::query(
                "UPDATE messages SET status = 'queued', next_attempt_at = $1, last_error = $2 WHERE id = $3")
                .bind(now + backoff(m.attempts)).bind(why).bind(m.id).execute(c).await)?;
        }
        Sent::Later(why) | Sent::Never(why) => {
            tracing::warn!(message = %m.id, error = %why, "a message was not sent");
            exec_tx!(&mut tx, c => sqlx::query(
                "UPDATE messages SET status = 'failed', last_error = $1 WHERE id = $2")
                .bind(why).bind(m.id).execute(c).await)?;
        }
    }
    tx.commit().await?;
    Ok(())
}
