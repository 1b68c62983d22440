//! One persistent connection to a PBX's manager interface: connect, check the banner, log in,
//! then read events into the call tracker and send actions, each answered by its `ActionID`.
//! Right after each login it asks for the PBX's channels to catch up with what happened while
//! it was not connected ([`super::resync`]).
//! A refused login, a PBX that is away, a socket that closes or talks nonsense end the
//! connection, never the process: the state says why, and it tries again after a backoff
//! (1 s doubling to a minute; a refused secret waits the minute, Asterisk slows such logins
//! down anyway).

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use chrono::{DateTime, Utc};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio::sync::{mpsc, oneshot, watch};

pub use super::config::{AmiConfig, AmiState};
use super::resync::{follow, overdue, Resync};
use super::{action, Block, Frame, Framer};
use crate::telephony::calls::{CallChange, Tracker};

/// Limits a misbehaving peer cannot push past.
const BLOCK_LIMIT: usize = 64 * 1024;
const GREETING: Duration = Duration::from_secs(10);
const MAX_BACKOFF: Duration = Duration::from_secs(60);
/// How long a write may wait for a PBX that stopped reading.
const WRITE: Duration = Duration::from_secs(10);

type Pending = Arc<Mutex<HashMap<String, oneshot::Sender<Block>>>>;

/// The last `ActionID` number given.
static NEXT_ID: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);

/// An `ActionID` unique in the process, across connections: an answer or an event carrying it
/// is never taken for another connection's action.
fn next_id() -> String {
    let n = NEXT_ID.fetch_add(1, std::sync::atomic::Ordering::Relaxed) + 1;
    format!("hp-{n}")
}

/// A request to send an action and hear its response.
struct Request {
    name: String,
    fields: Vec<(String, String)>,
    reply: oneshot::Sender<Result<Block, String>>,
}

/// The connection's handle: its state, the calls' changes, and actions to send.
pub struct AmiClient {
    pub state: watch::Receiver<AmiState>,
    requests: mpsc::Sender<Request>,
}

impl AmiClient {
    /// Starts the connection in the background; `changes` hears every call change.
    pub fn start(config: AmiConfig, changes: mpsc::UnboundedSender<CallChange>) -> AmiClient {
        let (state_tx, state) = watch::channel(AmiState::Connecting);
        let (requests, rx) = mpsc::channel(32);
        tokio::spawn(run(config, state_tx, changes, rx));
        AmiClient { state, requests }
    }

    /// Sends an action (not `Login`/`Logoff`) and waits for its response.
    pub async fn send(&self, name: &str, fields: &[(&str, &str)]) -> Result<Block, String> {
        let (reply, answer) = oneshot::channel();
        let fields = fields
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        self.requests
            .send(Request {
                name: name.into(),
                fields,
                reply,
            })
            .await
            .map_err(|_| "the PBX connection has stopped".to_string())?;
        answer
            .await
            .map_err(|_| "the PBX connection ended before it answered".to_string())?
    }
}

async fn run(
    config: AmiConfig,
    state: watch::Sender<AmiState>,
    changes: mpsc::UnboundedSender<CallChange>,
    mut requests: mpsc::Receiver<Request>,
) {
    let mut backoff = Duration::from_secs(1);
    // Kept across connections: a call in progress when the link dropped goes on after it.
    let mut tracker = Tracker::new(config.extensions.clone());
    // When the PBX was last heard: a call that ended while nobody listened ended then.
    let mut last_heard = None;
    loop {
        let _ = state.send(AmiState::Connecting);
        let outcome = session(
            &config,
            &state,
            &changes,
            &mut requests,
            &mut tracker,
            &mut last_heard,
        )
        .await;
        let wait = match &outcome {
            Outcome::Refused(message) => {
                tracing::warn!(address = %config.address, "AMI login refused: {message}");
                let _ = state.send(AmiState::LoginRefused {
                    message: message.clone(),
                });
                MAX_BACKOFF
            }
            Outcome::Down { problem, was_up } => {
                tracing::warn!(address = %config.address, "AMI connection: {problem}");
                let _ = state.send(AmiState::Down {
                    problem: problem.clone(),
                });
                if *was_up {
                    backoff = Duration::from_secs(1);
                }
                backoff
            }
            Outcome::Stopped => return,
        };
        // Until it is back, an action is refused at once (never sent late).
        let until = tokio::time::sleep(wait);
        tokio::pin!(until);
        loop {
            tokio::select! {
                _ = &mut until => break,
                _ = state.closed() => return,
                r = requests.recv() => match r {
                    Some(r) => drop(r.reply.send(Err("the PBX is not connected".into()))),
                    None => return,
                },
            }
        }
        backoff = (backoff * 2).min(MAX_BACKOFF);
    }
}

enum Outcome {
    Refused(String),
    Down {
        problem: String,
        was_up: bool,
    },
    /// Nobody holds the handle any more.
    Stopped,
}

fn down(problem: impl Into<String>, was_up: bool) -> Outcome {
    Outcome::Down {
        problem: problem.into(),
        was_up,
    }
}

/// Writes `bytes`, unless the PBX stopped reading.
async fn sent(writer: &mut tokio::net::tcp::OwnedWriteHalf, bytes: &str) -> bool {
    matches!(
        tokio::time::timeout(WRITE, writer.write_all(bytes.as_bytes())).await,
        Ok(Ok(()))
    )
}

/// One connection, from connecting to its end.
async fn session(
    config: &AmiConfig,
    state: &watch::Sender<AmiState>,
    changes: &mpsc::UnboundedSender<CallChange>,
    requests: &mut mpsc::Receiver<Request>,
    tracker: &mut Tracker,
    last_heard: &mut Option<DateTime<Utc>>,
) -> Outcome {
    let lost_at = last_heard.unwrap_or_else(|| (config.clock)());
    let stream = match tokio::time::timeout(GREETING, TcpStream::connect(&config.address)).await {
        Ok(Ok(s)) => s,
        Ok(Err(e)) => return down(format!("cannot connect to {}: {e}", config.address), false),
        Err(_) => return down(format!("{} does not answer", config.address), false),
    };
    let _ = stream.set_nodelay(true);
    let (mut reader, mut writer) = stream.into_split();
    let mut framer = Framer::new(BLOCK_LIMIT);
    let mut buf = vec![0u8; 16 * 1024];
    let pending: Pending = Arc::default();

    // The banner, then the login's answer, within the greeting time.
    let login = action(
        "Login",
        "login",
        &[
            ("Username", &config.username),
            ("Secret", &config.secret),
            ("Events", "on"),
        ],
    );
    let Ok(login) = login else {
        return Outcome::Refused("the user or secret holds a line break".into());
    };
    let greeting = async {
        let mut banner = false;
        let mut sent = false;
        loop {
            while let Some(frame) = framer.next_frame() {
                match frame {
                    Ok(Frame::Banner(b)) if b.starts_with("Asterisk Call Manager/") => {
                        banner = true
                    }
                    Ok(Frame::Banner(b)) => {
                        return Err(down(
                            format!("not an Asterisk manager interface: {b:?}"),
                            false,
                        ))
                    }
                    Ok(Frame::Block(b)) if b.action_id() == Some("login") => {
                        return match b.response() {
                            Some("Success") => Ok(()),
                            _ => Err(Outcome::Refused(
                                b.get("Message").unwrap_or("refused").to_string(),
                            )),
                        };
                    }
                    Ok(Frame::Block(_)) => {}
                    Err(e) => return Err(down(e.to_string(), false)),
                }
            }
            if banner && !sent {
                writer
                    .write_all(login.as_bytes())
                    .await
                    .map_err(|e| down(e.to_string(), false))?;
                sent = true;
            }
            match reader.read(&mut buf).await {
                Ok(0) => {
                    return Err(down(
                        "the PBX closed the connection during the login",
                        false,
                    ))
                }
                Ok(n) => framer.push(&buf[..n]),
                Err(e) => return Err(down(e.to_string(), false)),
            }
        }
    };
    match tokio::time::timeout(GREETING, greeting).await {
        Ok(Ok(())) => {}
        Ok(Err(outcome)) => return outcome,
        Err(_) => return down("the PBX did not greet or answer the login in time", false),
    }
    let _ = state.send(AmiState::Connected {
        since: (config.clock)(),
    });
    tracing::info!(address = %config.address, "AMI connected");

    // What happened while nobody listened: the PBX's channels, asked for at once.
    let (resync, ask) = Resync::ask(next_id(), tracker);
    let mut resync = Some(resync);
    if !sent(&mut writer, &ask).await {
        return down("the PBX does not take what is sent", true);
    }

    // A PBX that lost power or a link dropped by a router sends nothing more: a ping every
    // 30 s, and nothing heard for 75 s ends the connection.
    let mut ping = tokio::time::interval(Duration::from_secs(30));
    ping.tick().await;
    let mut heard = tokio::time::Instant::now();
    loop {
        // Whole frames first (also those that came with the login's answer).
        let now = (config.clock)();
        while let Some(frame) = framer.next_frame() {
            match frame {
                Ok(Frame::Block(b)) if resync.as_ref().is_some_and(|r| r.owns(&b)) => {
                    let again = follow(&mut resync, b, tracker, (lost_at, now), changes);
                    if let Some(bytes) = again {
                        if !sent(&mut writer, &bytes).await {
                            return down("the PBX does not take what is sent", true);
                        }
                    }
                }
                Ok(Frame::Block(b)) if b.response().is_some() && b.event().is_none() => {
                    let waiting = b.action_id().and_then(|id| pending.lock().ok()?.remove(id));
                    if let Some(w) = waiting {
                        let _ = w.send(b);
                    }
                }
                Ok(Frame::Block(b)) => {
                    if let Some(r) = resync.as_mut() {
                        r.heard(&b, now);
                    }
                    for change in tracker.feed(&b, now) {
                        let _ = changes.send(change);
                    }
                }
                Ok(Frame::Banner(_)) => {}
                Err(e) => tracing::warn!(address = %config.address, "AMI: {e}"),
            }
        }
        tokio::select! {
            _ = ping.tick() => {
                if heard.elapsed() > Duration::from_secs(75) {
                    return down("the PBX stopped answering", true);
                }
                overdue(&mut resync, tracker, lost_at, changes);
                if !sent(&mut writer, "Action: Ping\r\nActionID: keepalive\r\n\r\n").await {
                    return down("the PBX does not take what is sent", true);
                }
            }
            read = reader.read(&mut buf) => {
                let n = match read {
                    Ok(0) => return down("the PBX closed the connection", true),
                    Ok(n) => n,
                    Err(e) => return down(e.to_string(), true),
                };
                heard = tokio::time::Instant::now();
                *last_heard = Some((config.clock)());
                framer.push(&buf[..n]);
            }
            request = requests.recv() => {
                let Some(r) = request else { return Outcome::Stopped };
                let id = next_id();
                let fields: Vec<(&str, &str)> = r.fields.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
                let bytes = match action(&r.name, &id, &fields) {
                    Ok(b) => b,
                    Err(e) => {
                        let _ = r.reply.send(Err(e.to_string()));
                        continue;
                    }
                };
                let (tx, rx) = oneshot::channel();
                if let Ok(mut p) = pending.lock() {
                    p.insert(id.clone(), tx);
                }
                if !sent(&mut writer, &bytes).await {
                    let _ = r.reply.send(Err("the PBX does not take what is sent".into()));
                    return down("the PBX does not take what is sent", true);
                }
                let pending = pending.clone();
                tokio::spawn(async move {
                    let answer = tokio::time::timeout(Duration::from_secs(30), rx).await;
                    if answer.is_err() {
                        if let Ok(mut p) = pending.lock() {
                            p.remove(&id);
                        }
                    }
                    let _ = r.reply.send(match answer {
                        Ok(Ok(b)) => Ok(b),
                        _ => Err("the PBX did not answer the action".into()),
                    });
                });
            }
        }
    }
}

#[cfg(test)]
#[path = "client_tests.rs"]
mod tests;
