//! A stand-in for an Asterisk PBX that plays a recorded manager session (`tests/fixtures/ami`:
//! the bytes as received, and when each block came) to whoever connects: the banner, the
//! recorded answer to the login with the connector's own `ActionID`, then the recorded blocks
//! with their recorded spacing (optionally sped up). The answer recorded to an `Originate`
//! (the actions are in `ami-<name>.sent.txt`) waits for the connector's next action and
//! carries its `ActionID`, as do the recording's later events about it (`OriginateResponse`). `Ping`s are answered on
//! the spot. Used by the connector's tests and the end-to-end tests; never by the hub itself.

use std::collections::HashMap;
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::tcp::OwnedReadHalf;
use tokio::net::TcpListener;
use tokio::sync::mpsc;

use super::{Block, Frame, Framer};

/// A recorded session: each block's bytes and its time in seconds since the first.
#[derive(Debug, Clone)]
pub struct Recording {
    pub blocks: Vec<(Vec<u8>, f64)>,
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
        Ok(Recording { blocks, actions })
    }

    /// The fixtures kept with the sources.
    pub fn fixture(name: &str) -> std::io::Result<Recording> {
        Recording::load(
            &Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures/ami"),
            name,
        )
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
    serve_times(recording, speed, usize::MAX, heard).await
}

/// [`serve`], playing the whole recording to the first `plays` connections only: later ones
/// are logged in and then hear nothing (a PBX with no calls), as long as they stay.
pub async fn serve_times(
    recording: Recording,
    speed: f64,
    plays: usize,
    heard: mpsc::UnboundedSender<Block>,
) -> std::io::Result<String> {
    let listener = TcpListener::bind("127.0.0.1:0").await?;
    let address = listener.local_addr()?.to_string();
    let recording = Arc::new(recording);
    tokio::spawn(async move {
        let mut played = 0;
        while let Ok((s, _)) = listener.accept().await {
            let _ = s.set_nodelay(true);
            let quiet = played >= plays;
            played += 1;
            tokio::spawn(play(s, recording.clone(), speed, quiet, heard.clone()));
        }
    });
    Ok(address)
}

async fn play(
    s: tokio::net::TcpStream,
    recording: Arc<Recording>,
    speed: f64,
    quiet: bool,
    heard: mpsc::UnboundedSender<Block>,
) {
    let (reader, mut writer) = s.into_split();
    let (actions_tx, mut actions) = mpsc::unbounded_channel::<Block>();
    let (pongs_tx, mut pongs) = mpsc::unbounded_channel::<String>();
    tokio::spawn(read_actions(reader, actions_tx, pongs_tx, heard));
    let blocks = &recording.blocks;
    if writer.write_all(&blocks[0].0).await.is_err() {
        return;
    }
    // Recorded ActionIDs → the connector's.
    let mut ids: HashMap<String, String> = HashMap::new();
    let mut last = blocks[0].1;
    for (bytes, at) in &blocks[1..] {
        let text = String::from_utf8_lossy(bytes).into_owned();
        let recorded_id = text
            .lines()
            .find_map(|l| l.strip_prefix("ActionID: "))
            .map(str::to_string);
        let wait = Duration::from_secs_f64(((at - last) / speed).max(0.0));
        last = *at;
        // The answer to a login or an originate waits for the connector's; the answers to the
        // recording's other actions (a `CoreShowChannels`, the `Logoff`) are played as they are.
        let answers_ours = text.starts_with("Response: ")
            && recorded_id
                .as_ref()
                .and_then(|id| recording.actions.get(id))
                .is_some_and(|a| a == "Login" || a == "Originate");
        if answers_ours {
            let Some(action) = actions.recv().await else {
                return;
            };
            if let (Some(r), Some(ours)) = (&recorded_id, action.action_id()) {
                ids.insert(r.clone(), ours.to_string());
            }
        } else {
            let sleep = tokio::time::sleep(wait);
            tokio::pin!(sleep);
            loop {
                tokio::select! {
                    _ = &mut sleep => break,
                    Some(pong) = pongs.recv() => {
                        if writer.write_all(pong.as_bytes()).await.is_err() {
                            return;
                        }
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
        if writer.write_all(out.as_bytes()).await.is_err() {
            return;
        }
        if quiet && answers_ours {
            // Logged in; nothing more happens until the connector leaves.
            while let Some(pong) = pongs.recv().await {
                if writer.write_all(pong.as_bytes()).await.is_err() {
                    return;
                }
            }
            return;
        }
    }
    // The recording ends as it ended: the PBX closes the connection.
}

/// Reads the connector's blocks: pings are answered, other actions passed on.
async fn read_actions(
    mut reader: OwnedReadHalf,
    actions: mpsc::UnboundedSender<Block>,
    pongs: mpsc::UnboundedSender<String>,
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
                if b.get("Action") == Some("Ping") {
                    let id = b.action_id().unwrap_or_default();
                    let _ = pongs.send(format!(
                        "Response: Success\r\nActionID: {id}\r\nPing: Pong\r\n\r\n"
                    ));
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
