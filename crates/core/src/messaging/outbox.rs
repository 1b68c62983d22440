//! The outbox: one task sends what is queued. It claims a batch (`sending`, with a lease, so a
//! hub that stops mid-send tries again after the lease and never two at once), sends each
//! message, and marks it `sent` or puts it back with the error and a later time: a mail server
//! that is away keeps the message queued, tried again after 1, 2, 4… minutes (at most an
//! hour apart, 12 tries), never lost. An answer that says the message will never go (a
//! refused address) fails it at once. A channel with nowhere to send (no mail server, no
//! gateway) is not claimed at all. Delivery is at least once: a message the server took is
//! marked with retries, and e-mail keeps one `Message-ID` on every try, so a receiver drops a
//! repeat; a client who opted out meanwhile is not written to.

use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use chrono::{DateTime, Utc};
use futures_util::StreamExt;
use tokio::sync::Notify;
use uuid::Uuid;

use super::settings::{load, MessageSettings, Secrets, SmsKind};
use super::{sms_http, smtp};
use crate::db::Tx;
use crate::error::ApiError;
use crate::{exec_tx, on_tx, Core};

/// How many messages one claim takes.
const BATCH: i64 = 50;
/// How many are sent at once.
const PARALLEL: usize = 8;
/// A claimed message not marked within this is claimed again.
const LEASE_SECONDS: i64 = 300;
/// Tries before a message is failed.
pub const MAX_ATTEMPTS: i32 = 12;
/// How often the outbox looks without being woken.
const POLL: Duration = Duration::from_secs(30);
/// How often at most it looks for campaigns due.
const CAMPAIGNS_EVERY: Duration = Duration::from_secs(10);

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
        let mut looked = None::<std::time::Instant>;
        loop {
            // Campaigns due are queued first (looked for at most every few seconds).
            if looked.is_none_or(|t| t.elapsed() >= CAMPAIGNS_EVERY) {
                looked = Some(std::time::Instant::now());
                if let Err(e) = super::campaigns::run_due(&core).await {
                    tracing::warn!(error = %e, "campaigns could not run");
                }
            }
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
    let link = core.smpp.clone();
    tokio::spawn(async move { link.close().await });
}

/// Claims and sends one batch; true when there may be more due now.
pub async fn drain(core: &Core, http: &reqwest::Client) -> Result<bool, ApiError> {
    let now = core.now();
    let mut tx = core.db.write().await?;
    let (settings, secrets) = load(&mut tx).await?;
    // A channel with nowhere to send waits (its tries are not spent).
    let mailer = smtp::Mailer::new(&settings, &secrets);
    let mut channels = Vec::new();
    if mailer.is_some() {
        channels.push("email");
    }
    if settings.sms_kind != SmsKind::None {
        channels.push("sms");
    }
    let batch = claim(&mut tx, now, &channels).await?;
    tx.commit().await?;
    if batch.is_empty() {
        return Ok(false);
    }
    let full = batch.len() as i64 == BATCH;
    // A few at once over the mail server's pooled connections and the gateway's.
    let results: Vec<Result<(), ApiError>> = futures_util::stream::iter(batch)
        .map(|m| {
            let (settings, secrets, mailer) = (&settings, &secrets, mailer.as_ref());
            async move {
                let sent = send(core, settings, secrets, mailer, http, &m).await;
                mark_surely(core, &m, &sent).await
            }
        })
        .buffer_unordered(PARALLEL)
        .collect()
        .await;
    core.changed();
    results.into_iter().collect::<Result<Vec<()>, _>>()?;
    Ok(full)
}

/// Marks a try, trying again for a while: a message the server took and left unmarked would
/// be sent again after its lease.
async fn mark_surely(core: &Core, m: &Queued, sent: &Sent) -> Result<(), ApiError> {
    let mut wait = Duration::from_millis(200);
    loop {
        match mark(core, m, sent).await {
            Ok(()) => return Ok(()),
            Err(e) if wait < Duration::from_secs(30) => {
                tracing::warn!(error = %e, message = %m.id, "marking a message failed; trying again");
                tokio::time::sleep(wait).await;
                wait *= 2;
            }
            Err(e) => return Err(e),
        }
    }
}

/// Claims what is due on the channels that can send now. The condition is repeated outside the
/// subquery and PostgreSQL skips rows another claim holds, so two outboxes on one database
/// (two hubs) never take the same message; SQLite's writer lock does the same there.
async fn claim(
    tx: &mut Tx,
    now: DateTime<Utc>,
    channels: &[&str],
) -> Result<Vec<Queued>, ApiError> {
    if channels.is_empty() {
        return Ok(Vec::new());
    }
    let lease = now + chrono::Duration::seconds(LEASE_SECONDS);
    let skip = match &tx.conn {
        crate::db::Conn::Postgres(_) => " FOR UPDATE SKIP LOCKED",
        _ => "",
    };
    let list = channels
        .iter()
        .map(|c| format!("'{c}'"))
        .collect::<Vec<_>>()
        .join(", ");
    let due = format!(
        "status IN ('queued', 'sending') AND next_attempt_at <= $2 AND channel IN ({list}) \
         AND (client_id IS NULL OR NOT EXISTS (SELECT 1 FROM message_optouts o \
         WHERE o.client_id = messages.client_id AND o.channel = messages.channel))"
    );
    let sql = format!(
        "UPDATE messages SET status = 'sending', attempts = attempts + 1, next_attempt_at = $1 \
         WHERE {due} AND id IN (SELECT id FROM messages WHERE {due} ORDER BY next_attempt_at LIMIT $3{skip}) \
         RETURNING id, channel, address, subject, body, attempts, message_ref"
    );
    let rows: Vec<Queued> = on_tx!(tx, c => sqlx::query_as(&sql)
        .bind(lease).bind(now).bind(BATCH).fetch_all(c).await)?;
    Ok(rows)
}

async fn send(
    core: &Core,
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
            SmsKind::Http => sms_http::send(http, settings, secrets, m).await,
            SmsKind::Smpp => super::smpp::send(core, settings, secrets, m).await,
            SmsKind::None => Sent::Later("no SMS gateway is set up".into()),
        },
    }
}

/// After `attempts` tries: 1, 2, 4… minutes, at most an hour.
fn backoff(attempts: i32) -> chrono::Duration {
    let minutes = 1i64 << attempts.clamp(1, 7).saturating_sub(1);
    chrono::Duration::minutes(minutes.min(60))
}

/// Marks the try of `m` (only if it is still this claim's: a claim that outlived its lease does
/// not overwrite a newer try).
async fn mark(core: &Core, m: &Queued, sent: &Sent) -> Result<(), ApiError> {
    let now = core.now();
    let mut tx = core.db.write().await?;
    match sent {
        Sent::Ok(provider) => {
            exec_tx!(&mut tx, c => sqlx::query(
                "UPDATE messages SET status = 'sent', sent_at = $1, provider_ref = $2, last_error = NULL \
                 WHERE id = $3 AND status = 'sending' AND attempts = $4")
                .bind(now).bind(provider).bind(m.id).bind(m.attempts).execute(c).await)?;
        }
        Sent::Later(why) if m.attempts < MAX_ATTEMPTS => {
            exec_tx!(&mut tx, c => sqlx::query(
                "UPDATE messages SET status = 'queued', next_attempt_at = $1, last_error = $2 \
                 WHERE id = $3 AND status = 'sending' AND attempts = $4")
                .bind(now + backoff(m.attempts)).bind(why).bind(m.id).bind(m.attempts).execute(c).await)?;
        }
        Sent::Later(why) | Sent::Never(why) => {
            tracing::warn!(message = %m.id, error = %why, "a message was not sent");
            exec_tx!(&mut tx, c => sqlx::query(
                "UPDATE messages SET status = 'failed', last_error = $1 \
                 WHERE id = $2 AND status = 'sending' AND attempts = $3")
                .bind(why).bind(m.id).bind(m.attempts).execute(c).await)?;
        }
    }
    tx.commit().await?;
    Ok(())
}
