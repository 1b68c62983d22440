//! A stand-in for an Asterisk PBX that plays a recorded manager session (`tests/fixtures/ami`:
//! the bytes as received, and when each block came) to whoever connects: the banner, the
//! recorded answer to the login with the connector's own `ActionID`, then the recorded blocks
//! with their recorded spacing (optionally sped up). The answer recorded to an `Originate`
//! (the actions are in `ami-<name>.sent.txt`) waits for the connector's next action and
//! carries its `ActionID`, as do the recording's later events about it (`OriginateResponse`).
//! `Ping`s are answered on the spot, `CoreShowChannels` and `Status` from the channels the
//! recording has made so far ([`channels`]). A connection may be dropped in the middle of a
//! call, which goes on unheard until the connector is back. Used by the connector's tests and the end-to-end tests; never by the hub itself.

use std::collections::HashMap;
use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::tcp::OwnedReadHalf;
use tokio::net::TcpListener;
use tokio::sync::mpsc;

use super::{Block, Frame, Framer};
use channels::Channels;

mod channels;

/// A recorded session: each block's bytes and its time in seconds since the first.
#[derive(Debug, Clone)]
pub struct Recording {
    pub blocks: Vec<(Vec<u8>, f64)>,
    /// When the first block came (seconds since the epoch).
    pub started_at: f64,
    /// The recording's own actions by ActionID (`ami-<name>.sent.txt`): `Login`, `Originate`…
    pub actions: HashMap<String, String>,
}

impl Recording {
    /// Reads `ami-<name>.txt` and `ami-<name>.timestamps.tsv` from `dir`.
    pub fn load(dir: &Path, name: &str) -> std::io::Result<Recording> {
        let wire = std::fs::read(dir.join(format!("ami-{name}.txt")))?;
        let rows = std::fs::read_to_string(dir.join(format!("ami-{name}.timestamps.tsv")))?;
        let bad = || std::io::Error::new(std::io::ErrorKind::InvalidData, "bad timestamps row");
        let mut blocks = Vec::new();
        let mut t0 = None;
        for line in rows
            .lines()
            .filter(|l| !l.starts_with('#') && !l.is_empty())
        {
            let c: Vec<&str> = line.split('\t').collect();
            let (Some(o), Some(n), Some(t)) = (c.get(1), c.get(2), c.get(3)) else {
                return Err(bad());
            };
            let (o, n, t): (usize, usize, f64) = (
                o.parse().map_err(|_| bad())?,
                n.parse().map_err(|_| bad())?,
                t.parse().map_err(|_| bad())?,
            );
            let t0 = *t0.get_or_insert(t);
            let bytes = wire.get(o..o + n).ok_or_else(bad)?.to_vec();
            blocks.push((bytes, t - t0));
        }
        if blocks.len() < 2 {
            return Err(bad());
        }
        let mut actions = HashMap::new();
        let sent =
            std::fs::read_to_string(dir.join(format!("ami-{name}.sent.txt")))?.replace('\r', "");
        for action in sent.split("\n\n") {
            let field = |k: &str| {
                action
                    .lines()
                    .find_map(|l| l.strip_prefix(k))
                    .map(|v| v.trim().to_string())
            };
            if let (Some(a), Some(id)) = (field("Action: "), field("ActionID: ")) {
                actions.insert(id, a);
            }
        }
        Ok(Recording {
            blocks,
            started_at: t0.unwrap_or_default(),
            actions,
        })
    }

    /// The fixtures kept with the sources.
    pub fn fixture(name: &str) -> std::io::Result<Recording> {
        Recording::load(
            &Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures/ami"),
            name,
        )
    }
}

/// How the stand-in PBX behaves.
#[derive(Debug, Clone, Copy)]
pub struct Peer {
    /// How many times faster than recorded.
    pub speed: f64,
    /// How many connections hear the whole recording (from the start, each); later ones are
    /// logged in and then hear nothing (a PBX with no calls), as long as they stay.
    pub plays: usize,
    /// Whether its user may `CoreShowChannels` (the recordings' `crm` may not; `Status` it may).
    pub reporting: bool,
    /// `(cut, resume)`: the first connection drops before block `cut` of the recording, the
    /// blocks up to `resume` happen while nobody listens, the next connection hears the rest.
    pub drop: Option<(usize, usize)>,
}

impl Peer {
    pub fn new(speed: f64) -> Peer {
        Peer {
            speed,
            plays: usize::MAX,
            reporting: false,
            drop: None,
        }
    }
}

/// Listens on 127.0.0.1 and plays `recording` to each connection, `speed` times faster than
/// recorded; what the connector sends (its login, its actions) is handed to `heard`. Returns
/// the `host:port` to connect to.
pub async fn serve(
    recording: Recording,
    speed: f64,
    heard: mpsc::UnboundedSender<Block>,
) -> std::io::Result<String> {
    serve_peer(recording, Peer::new(speed), heard).await
}

/// [`serve`], playing the whole recording to the first `plays` connections only.
pub async fn serve_times(
    recording: Recording,
    speed: f64,
    plays: usize,
    heard: mpsc::UnboundedSender<Block>,
) -> std::io::Result<String> {
    let peer = Peer {
        plays,
        ..Peer::new(speed)
    };
    serve_peer(recording, peer, heard).await
}

/// Listens on 127.0.0.1 and plays `recording` as `peer` says.
pub async fn serve_peer(
    recording: Recording,
    peer: Peer,
    heard: mpsc::UnboundedSender<Block>,
) -> std::io::Result<String> {
    let listener = TcpListener::bind("127.0.0.1:0").await?;
    let address = listener.local_addr()?.to_string();
    let recording = Arc::new(recording);
    let all = recording.blocks.len();
    tokio::spawn(async move {
        let mut played = 0;
        // One PBX across connections when one drops in the middle of a call.
        let shared: Arc<Mutex<Channels>> = Arc::default();
        while let Ok((s, _)) = listener.accept().await {
            let _ = s.set_nodelay(true);
            let n = played;
            played += 1;
            let (order, close, channels): (Vec<usize>, bool, _) = match peer.drop {
                None if n < peer.plays => ((1..all).collect(), true, Arc::default()),
                None => (vec![1], false, Arc::default()),
                Some((cut, _)) if n == 0 => ((1..cut.min(all)).collect(), true, shared.clone()),
                Some((cut, resume)) if n == 1 => {
                    if let Ok(mut c) = shared.lock() {
                        for (bytes, at) in &recording.blocks[cut.min(all)..resume.min(all)] {
                            c.apply(bytes, *at);
                        }
                    }
                    let rest = std::iter::once(1).chain(resume.min(all)..all).collect();
                    // Nothing left to hear: it stays, as a PBX with no calls.
                    (rest, resume < all, shared.clone())
                }
                Some(_) => (vec![1], false, shared.clone()),
            };
            let play = Play {
                recording: recording.clone(),
                speed: peer.speed,
                order,
                close,
                channels,
                reporting: peer.reporting,
            };
            tokio::spawn(play.run(s, heard.clone()));
        }
    });
    Ok(address)
}

/// What one connection hears.
struct Play {
    recording: Arc<Recording>,
    speed: f64,
    /// The recording's blocks it hears, in order (the banner always first).
    order: Vec<usize>,
    /// Whether the PBX closes the connection after them (or stays, answering pings).
    close: bool,
    channels: Arc<Mutex<Channels>>,
    reporting: bool,
}

impl Play {
    async fn run(self, s: tokio::net::TcpStream, heard: mpsc::UnboundedSender<Block>) {
        let (reader, mut writer) = s.into_split();
        let (actions_tx, mut actions) = mpsc::unbounded_channel::<Block>();
        let (replies_tx, mut replies) = mpsc::unbounded_channel::<String>();
        let answers = Answers {
            channels: self.channels.clone(),
            reporting: self.reporting,
            replies: replies_tx,
        };
        tokio::spawn(read_actions(reader, actions_tx, answers, heard));
        let blocks = &self.recording.blocks;
        if writer.write_all(&blocks[0].0).await.is_err() {
            return;
        }
        // Recorded ActionIDs → the connector's.
        let mut ids: HashMap<String, String> = HashMap::new();
        for &i in &self.order {
            let (bytes, at) = &blocks[i];
            let text = String::from_utf8_lossy(bytes).into_owned();
            let recorded_id = text
                .lines()
                .find_map(|l| l.strip_prefix("ActionID: "))
                .map(str::to_string);
            // The recorded spacing from the block before it in the recording.
            let wait = Duration::from_secs_f64(((at - blocks[i - 1].1) / self.speed).max(0.0));
            // The answer to a login or an originate waits for the connector's; the answers to
            // the recording's other actions (a `CoreShowChannels`, the `Logoff`) are played as
            // they are.
            let answers_ours = text.starts_with("Response: ")
                && recorded_id
                    .as_ref()
                    .and_then(|id| self.recording.actions.get(id))
                    .is_some_and(|a| a == "Login" || a == "Originate");
            let until = tokio::time::sleep(if answers_ours {
                Duration::from_secs(365 * 86_400)
            } else {
                wait
            });
            tokio::pin!(until);
            loop {
                tokio::select! {
                    _ = &mut until => break,
                    action = actions.recv(), if answers_ours => {
                        let Some(action) = action else { return };
                        if let (Some(r), Some(ours)) = (&recorded_id, action.action_id()) {
                            ids.insert(r.clone(), ours.to_string());
                        }
                        break;
                    }
                    Some(reply) = replies.recv() => {
                        if writer.write_all(reply.as_bytes()).await.is_err() {
                            return;
                        }
                    }
                }
            }
            let out: String = text
                .split_inclusive("\r\n")
                .map(|l| match l.strip_prefix("ActionID: ") {
                    Some(r) => match ids.get(r.trim_end()) {
                        Some(ours) => format!("ActionID: {ours}\r\n"),
                        None => l.to_string(),
                    },
                    None => l.to_string(),
                })
                .collect();
            if let Ok(mut c) = self.channels.lock() {
                c.apply(bytes, *at);
            }
            if writer.write_all(out.as_bytes()).await.is_err() {
                return;
            }
        }
        if !self.close {
            // Logged in; nothing more happens until the connector leaves.
            while let Some(reply) = replies.recv().await {
                if writer.write_all(reply.as_bytes()).await.is_err() {
                    return;
                }
            }
        }
        // Otherwise the PBX closes the connection, as at the end of the recording.
    }
}

/// What the PBX answers on the spot: pings, and the list of its channels.
struct Answers {
    channels: Arc<Mutex<Channels>>,
    reporting: bool,
    replies: mpsc::UnboundedSender<String>,
}

/// Reads the connector's blocks: pings and channel lists are answered, other actions passed on.
async fn read_actions(
    mut reader: OwnedReadHalf,
    actions: mpsc::UnboundedSender<Block>,
    answers: Answers,
    heard: mpsc::UnboundedSender<Block>,
) {
    let mut framer = Framer::new(64 * 1024);
    // The connector sends no banner: a made-up one lets the framer start at blocks.
    framer.push(b"peer\r\n");
    let _ = framer.next_frame();
    let mut buf = [0u8; 4096];
    loop {
        while let Some(frame) = framer.next_frame() {
            if let Ok(Frame::Block(b)) = frame {
                let _ = heard.send(b.clone());
                let id = b.action_id().unwrap_or_default();
                let action = b.get("Action").unwrap_or_default();
                let listed = answers
                    .channels
                    .lock()
                    .ok()
                    .and_then(|c| c.answer(action, id, answers.reporting));
                if action == "Ping" {
                    let _ = answers.replies.send(format!(
                        "Response: Success\r\nActionID: {id}\r\nPing: Pong\r\n\r\n"
                    ));
                } else if let Some(list) = listed {
                    let _ = answers.replies.send(list);
                } else {
                    let _ = actions.send(b);
                }
            }
        }
        match reader.read(&mut buf).await {
            Ok(0) | Err(_) => return,
            Ok(n) => framer.push(&buf[..n]),
        }
    }
}
