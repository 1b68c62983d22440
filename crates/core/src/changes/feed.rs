//! The live feed: one task tails the change log and hands each new event to every open
//! stream; a stream that fell behind (or resumes after a reconnect) reads what it missed
//! from the log itself, so the database stays the one source of truth.

use std::collections::VecDeque;
use std::sync::atomic::{AtomicBool, AtomicI64, Ordering};
use std::sync::Arc;
use std::time::Duration;

use tokio::sync::{broadcast, Notify};

use super::log::{head, read_after};
use super::{visible, ChangeEvent, Source};
use crate::auth::Session;
use crate::error::ApiError;
use crate::telephony::live::{CallEvent, Signal};
use crate::telephony::popup::fill;
use crate::Core;

/// Events buffered per stream before a slow one is told it lagged (it then reads the log).
const CHANNEL: usize = 4096;
/// Rows read from the log at a time.
const BATCH: i64 = 500;
/// A stream that missed more than this starts over (`reset`) instead of replaying.
pub const MAX_REPLAY: i64 = 10_000;
/// How often the tail looks at the log without being woken (another hub on the same
/// PostgreSQL database, a write the process did not announce).
const POLL: Duration = Duration::from_secs(1);
/// How often an idle stream checks its session and sends a heartbeat.
pub const HEARTBEAT: Duration = Duration::from_secs(15);

pub struct Feed {
    wake: Notify,
    sender: broadcast::Sender<Arc<ChangeEvent>>,
    /// The last sequence number handed to the streams.
    published: AtomicI64,
    running: AtomicBool,
}

impl Default for Feed {
    fn default() -> Feed {
        Feed {
            wake: Notify::new(),
            sender: broadcast::channel(CHANNEL).0,
            published: AtomicI64::new(-1),
            running: AtomicBool::new(false),
        }
    }
}

impl Feed {
    /// The database was replaced by a backup whose log ends at `head`: every stream starts
    /// over (`reset`), and the tail goes on from there.
    pub(crate) fn restored(&self, head: i64) {
        self.published.store(head, Ordering::SeqCst);
        let _ = self.sender.send(Arc::new(ChangeEvent {
            seq: head,
            at: chrono::Utc::now(),
            entity: "backup".into(),
            entity_id: None,
            operation: "backup_restore".into(),
            author: None,
            source: Source::Window,
            fields: Vec::new(),
        }));
    }

    /// Something may have been written: the tail looks now instead of at its next poll.
    pub fn poke(&self) {
        if self.running.load(Ordering::Relaxed) {
            self.wake.notify_one();
        }
    }
}

/// Starts the tail if it is not running; it stops by itself when no stream is left.
fn ensure_tail(core: &Core) -> Result<(), ApiError> {
    let feed = core.feed.clone();
    if feed.running.swap(true, Ordering::SeqCst) {
        return Ok(());
    }
    let db = core.db.clone();
    tokio::spawn(async move {
        loop {
            // A (re)start goes on from the log's end: streams read older rows themselves.
            if feed.published.load(Ordering::SeqCst) < 0 {
                match head(&db).await {
                    Ok(h) => {
                        let _ = feed.published.compare_exchange(
                            -1,
                            h,
                            Ordering::SeqCst,
                            Ordering::SeqCst,
                        );
                    }
                    Err(e) => tracing::warn!(error = %e, "reading the change log failed"),
                }
            }
            let after = feed.published.load(Ordering::SeqCst);
            match read_after(&db, after, BATCH).await {
                Ok(events) if !events.is_empty() => {
                    let full = events.len() as i64 == BATCH;
                    let mut last = after;
                    for e in events {
                        // A restore moved the log meanwhile: what was read is stale.
                        if feed
                            .published
                            .compare_exchange(last, e.seq, Ordering::SeqCst, Ordering::SeqCst)
                            .is_err()
                        {
                            break;
                        }
                        last = e.seq;
                        let _ = feed.sender.send(Arc::new(e));
                    }
                    if full {
                        continue;
                    }
                }
                Ok(_) => {}
                Err(e) => tracing::warn!(error = %e, "reading the change log failed"),
            }
            if feed.sender.receiver_count() == 0 {
                // Stopped, it forgets its place: the next start begins at the log's end.
                feed.published.store(-1, Ordering::SeqCst);
                feed.running.store(false, Ordering::SeqCst);
                // A stream that subscribed just now would find the tail stopped: look again.
                if feed.sender.receiver_count() == 0 || feed.running.swap(true, Ordering::SeqCst) {
                    break;
                }
            }
            let _ = tokio::time::timeout(POLL, feed.wake.notified()).await;
        }
    });
    Ok(())
}

/// What a stream yields.
#[derive(Debug, Clone)]
pub enum StreamItem {
    Event(ChangeEvent),
    /// Nothing happened for a while (send a keep-alive).
    Heartbeat,
    /// Too much was missed to replay: the reader should reload what it shows. Carries the
    /// sequence number to resume from.
    Reset(i64),
    /// The session ended (signed out, revoked, expired, login disabled): the stream is over.
    SignedOut(ApiError),
    /// A call for this reader: its extension rings (who is calling), or the call was answered
    /// or ended. Not in the change log: a reader who was away does not get it again.
    Call(Box<CallEvent>),
}

/// One reader's stream of the events its session may see.
pub struct ChangeStream {
    core: Core,
    token: String,
    session: Session,
    rx: broadcast::Receiver<Arc<ChangeEvent>>,
    calls: broadcast::Receiver<Arc<Signal>>,
    /// Events read from the log, to hand out before the live ones.
    backlog: VecDeque<ChangeEvent>,
    /// The last sequence number this reader has been given (or skipped).
    cursor: i64,
    reset: Option<i64>,
    /// The log has rows after the cursor that no live event will bring (a resume).
    behind: bool,
    /// When the session was last checked: a busy feed still notices it ended.
    checked: std::time::Instant,
}

impl Core {
    /// Opens a stream of change events for the holder of `token`, after `last_event_id`
    /// (what a reconnecting reader saw last) or from now.
    pub async fn changes_subscribe(
        &self,
        token: Option<&str>,
        last_event_id: Option<i64>,
    ) -> Result<ChangeStream, ApiError> {
        let session = self.check_token(token, false).await?;
        // Subscribe before reading the head, so nothing falls between the two.
        let rx = self.feed.sender.subscribe();
        let calls = self.phone.signals.subscribe();
        let head = head(&self.db).await?;
        // The tail's first start goes on from here (streams read older rows themselves);
        // anything committed after this read is above it and will be handed out.
        let _ = self
            .feed
            .published
            .compare_exchange(-1, head, Ordering::SeqCst, Ordering::SeqCst);
        ensure_tail(self)?;
        let (cursor, reset) = match last_event_id {
            Some(id) if id >= 0 && id <= head && head - id <= MAX_REPLAY => (id, None),
            // Ahead of the log (a restored backup) or too far behind: start over.
            Some(_) => (head, Some(head)),
            None => (head, None),
        };
        Ok(ChangeStream {
            core: self.clone(),
            token: token.unwrap_or_default().to_string(),
            session,
            rx,
            calls,
            backlog: VecDeque::new(),
            cursor,
            reset,
            behind: cursor < head,
            checked: std::time::Instant::now(),
        })
    }
}

impl ChangeStream {
    pub fn session(&self) -> &Session {
        &self.session
    }

    /// The last sequence number this reader has been given: where a reconnect resumes.
    pub fn cursor(&self) -> i64 {
        self.cursor
    }

    /// The next event this reader may see (or a heartbeat, a reset, the end).
    pub async fn next(&mut self) -> StreamItem {
        if let Some(seq) = self.reset.take() {
            return StreamItem::Reset(seq);
        }
        // Events this reader may not see (another user's call, a record it may not read) do
        // not put the heartbeat off.
        let deadline = tokio::time::Instant::now() + HEARTBEAT;
        loop {
            // Expired, idle past the limit or revoked: checked at least every heartbeat, however
            // busy the feed.
            if self.checked.elapsed() >= HEARTBEAT {
                match self.core.check_token(Some(&self.token), false).await {
                    Ok(s) => {
                        self.session = s;
                        self.checked = std::time::Instant::now();
                    }
                    Err(e) => return StreamItem::SignedOut(e),
                }
            }
            if self.backlog.is_empty() && std::mem::take(&mut self.behind) {
                if let Err(item) = self.catch_up().await {
                    return item;
                }
            }
            while let Some(e) = self.backlog.pop_front() {
                if let Some(item) = self.admit(e).await {
                    return item;
                }
            }
            let (rx, calls) = (&mut self.rx, &mut self.calls);
            let received = tokio::time::timeout_at(deadline, async {
                tokio::select! {
                    // A ringing phone does not wait behind a burst of changes.
                    biased;
                    s = calls.recv() => Err(s),
                    e = rx.recv() => Ok(e),
                }
            })
            .await;
            let received = match received {
                Ok(Err(Ok(signal))) => match self.call(&signal).await {
                    Some(item) => return item,
                    None => continue,
                },
                // A lagging or closed call channel: calls are live only, nothing to replay.
                Ok(Err(Err(_))) => continue,
                Ok(Ok(e)) => Ok(e),
                Err(elapsed) => Err(elapsed),
            };
            match received {
                Err(_) => {
                    return match self.core.check_token(Some(&self.token), false).await {
                        Ok(s) => {
                            self.session = s;
                            self.checked = std::time::Instant::now();
                            StreamItem::Heartbeat
                        }
                        Err(e) => StreamItem::SignedOut(e),
                    };
                }
                // The database was replaced by a backup: start over from its end.
                Ok(Ok(e)) if e.operation == "backup_restore" && e.entity == "backup" => {
                    self.cursor = e.seq;
                    self.backlog.clear();
                    return StreamItem::Reset(e.seq);
                }
                Ok(Ok(e)) if e.seq <= self.cursor => {}
                Ok(Ok(e)) if e.seq == self.cursor + 1 => self.backlog.push_back((*e).clone()),
                // A gap (the stream joined mid-batch) or a lag: read the log from the cursor.
                Ok(Ok(_)) | Ok(Err(broadcast::error::RecvError::Lagged(_))) => {
                    if let Err(item) = self.catch_up().await {
                        return item;
                    }
                }
                Ok(Err(broadcast::error::RecvError::Closed)) => {
                    return StreamItem::SignedOut(ApiError::unauthenticated("the hub is stopping"))
                }
            }
        }
    }

    /// A call event, when it is for this reader (its popup filled in as the reader may see it).
    async fn call(&self, signal: &Signal) -> Option<StreamItem> {
        if !signal.users.contains(&self.session.user_id)
            || !self.session.can(crate::roles::Permission::CallsRead)
        {
            return None;
        }
        let mut event = signal.event.clone();
        if let CallEvent::Ringing { popup } = &mut event {
            if let Err(e) = fill(&self.core, &self.session, popup).await {
                // The number alone is still worth showing.
                tracing::warn!(error = %e, "filling in a caller popup failed");
            }
        }
        Some(StreamItem::Call(Box::new(event)))
    }

    async fn catch_up(&mut self) -> Result<(), StreamItem> {
        let head = head(&self.core.db).await.unwrap_or(self.cursor);
        if head - self.cursor > MAX_REPLAY {
            self.cursor = head;
            return Err(StreamItem::Reset(head));
        }
        match read_after(&self.core.db, self.cursor, BATCH).await {
            Ok(events) => {
                // A full batch: more follow once these are handed out.
                self.behind = events.len() as i64 == BATCH;
                self.backlog.extend(events);
                Ok(())
            }
            Err(e) => {
                tracing::warn!(error = %e, "replaying the change log failed");
                Ok(())
            }
        }
    }

    /// Moves the cursor past `e` and returns it as this reader may see it. A change to users,
    /// roles or sessions makes the stream check its own session first.
    async fn admit(&mut self, e: ChangeEvent) -> Option<StreamItem> {
        if e.seq <= self.cursor {
            return None;
        }
        self.cursor = e.seq;
        let own_session_may_end = matches!(e.entity.as_str(), "user" | "role" | "session")
            && !matches!(e.operation.as_str(), "login" | "login_failed");
        if own_session_may_end {
            match self.core.check_token(Some(&self.token), false).await {
                Ok(s) => self.session = s,
                Err(err) => return Some(StreamItem::SignedOut(err)),
            }
        }
        visible(&e, &self.session).map(StreamItem::Event)
    }
}
