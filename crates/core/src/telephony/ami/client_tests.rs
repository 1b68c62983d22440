//! The connector against a peer that behaves like the recorded Asterisk (`replay`): it greets
//! with the banner, answers the login as recorded (echoing our ActionID), then sends the
//! recorded blocks with their recorded spacing (sped up a hundred times) and hangs up.

use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::mpsc;

use super::*;
use crate::telephony::calls::CallChange;

/// Reads until a whole block, returning its fields.
async fn read_block(s: &mut TcpStream) -> Option<Block> {
    let mut framer = Framer::new(4096);
    framer.push(b"peer\r\n");
    let _ = framer.next_frame();
    let mut buf = [0u8; 1024];
    loop {
        if let Some(Ok(Frame::Block(b))) = framer.next_frame() {
            return Some(b);
        }
        let n = s.read(&mut buf).await.ok()?;
        if n == 0 {
            return None;
        }
        framer.push(&buf[..n]);
    }
}

/// Plays `name` to each connection in turn, a hundred times faster than recorded; sends
/// what it heard back on `heard`.
async fn peer(name: &'static str, heard: mpsc::UnboundedSender<Block>) -> String {
    let recording = crate::telephony::ami::replay::Recording::fixture(name).unwrap();
    crate::telephony::ami::replay::serve(recording, 100.0, heard)
        .await
        .unwrap()
}

fn config(address: String, secret: &str) -> AmiConfig {
    AmiConfig {
        address,
        username: "crm".into(),
        secret: secret.into(),
        extensions: vec!["101".into(), "102".into()],
        clock: std::sync::Arc::new(chrono::Utc::now),
    }
}

async fn state_until(client: &mut AmiClient, want: impl Fn(&AmiState) -> bool) -> AmiState {
    let found =
        tokio::time::timeout(Duration::from_secs(10), client.state.wait_for(|s| want(s))).await;
    found.expect("in time").expect("running").clone()
}

#[tokio::test]
async fn logs_in_tracks_a_call_and_comes_back_after_the_pbx_goes() {
    let (heard, mut logins) = mpsc::unbounded_channel();
    let address = peer("a", heard).await;
    let (changes, mut rx) = mpsc::unbounded_channel();
    let mut client = AmiClient::start(config(address, "s3cret"), changes);
    let login = logins.recv().await.unwrap();
    assert_eq!(
        (
            login.get("Action"),
            login.get("Username"),
            login.get("Secret")
        ),
        (Some("Login"), Some("crm"), Some("s3cret"))
    );
    state_until(&mut client, |s| matches!(s, AmiState::Connected { .. })).await;

    let mut seen = Vec::new();
    while let Ok(Some(c)) = tokio::time::timeout(Duration::from_secs(10), rx.recv()).await {
        let ended = matches!(c, CallChange::Ended(_));
        seen.push(c);
        if ended {
            break;
        }
    }
    let CallChange::Ended(call) = seen.last().unwrap() else {
        panic!("{seen:?}")
    };
    assert_eq!(
        (call.number.as_deref(), call.agent.as_deref()),
        (Some("+77011234567"), Some("101"))
    );
    assert_eq!(
        seen.iter()
            .filter(|c| matches!(c, CallChange::Ringing { .. }))
            .count(),
        2
    );

    // The recording ends with the PBX closing the connection: it is said, then it logs in again.
    state_until(&mut client, |s| matches!(s, AmiState::Down { .. })).await;
    let again = tokio::time::timeout(Duration::from_secs(5), async {
        loop {
            let b = logins.recv().await.unwrap();
            if b.get("Action") == Some("Login") {
                return b;
            }
        }
    })
    .await;
    assert!(again.is_ok(), "it logs in again");
}

#[tokio::test]
async fn a_wrong_secret_is_said_and_not_retried_at_once() {
    let (heard, mut logins) = mpsc::unbounded_channel();
    let address = peer("login-failed", heard).await;
    let (changes, _rx) = mpsc::unbounded_channel();
    let mut client = AmiClient::start(config(address, "wrong"), changes);
    let state = state_until(&mut client, |s| matches!(s, AmiState::LoginRefused { .. })).await;
    assert_eq!(
        state,
        AmiState::LoginRefused {
            message: "Authentication failed".into()
        }
    );
    logins.recv().await.unwrap();
    assert!(
        tokio::time::timeout(Duration::from_secs(2), logins.recv())
            .await
            .is_err(),
        "no second try within seconds"
    );
}

#[tokio::test]
async fn something_else_on_the_port_is_refused_and_a_closed_port_reported() {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap().to_string();
    tokio::spawn(async move {
        while let Ok((mut s, _)) = listener.accept().await {
            let _ = s.write_all(b"SSH-2.0-OpenSSH_9.2\r\n").await;
            tokio::time::sleep(Duration::from_secs(30)).await;
        }
    });
    let (changes, _rx) = mpsc::unbounded_channel();
    let mut client = AmiClient::start(config(address, "x"), changes);
    let state = state_until(&mut client, |s| matches!(s, AmiState::Down { .. })).await;
    assert!(
        matches!(&state, AmiState::Down { problem } if problem.contains("not an Asterisk")),
        "{state:?}"
    );

    let closed = TcpListener::bind("127.0.0.1:0")
        .await
        .unwrap()
        .local_addr()
        .unwrap()
        .to_string();
    let (changes, _rx) = mpsc::unbounded_channel();
    let mut client = AmiClient::start(config(closed, "x"), changes);
    let state = state_until(&mut client, |s| matches!(s, AmiState::Down { .. })).await;
    assert!(
        matches!(&state, AmiState::Down { problem } if problem.contains("cannot connect")),
        "{state:?}"
    );
    // While it is down an action is refused at once, never sent later.
    let sent = tokio::time::timeout(Duration::from_secs(2), client.send("Ping", &[])).await;
    assert!(matches!(sent, Ok(Err(_))), "{sent:?}");
}

#[tokio::test]
async fn an_action_gets_its_own_answer() {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap().to_string();
    tokio::spawn(async move {
        let (mut s, _) = listener.accept().await.unwrap();
        s.write_all(b"Asterisk Call Manager/11.0.0\r\n")
            .await
            .unwrap();
        let login = read_block(&mut s).await.unwrap();
        let id = login.action_id().unwrap().to_string();
        s.write_all(
            format!(
                "Response: Success\r\nActionID: {id}\r\nMessage: Authentication accepted\r\n\r\n"
            )
            .as_bytes(),
        )
        .await
        .unwrap();
        // The channels are asked for first; this PBX never answers that.
        let listing = read_block(&mut s).await.unwrap();
        assert_eq!(listing.get("Action"), Some("CoreShowChannels"));
        let originate = read_block(&mut s).await.unwrap();
        assert_eq!(originate.get("Exten"), Some("87011234567"));
        let id = originate.action_id().unwrap().to_string();
        // An event and another action's answer first: the right answer still finds its caller.
        s.write_all(b"Event: FullyBooted\r\nStatus: Fully Booted\r\n\r\nResponse: Error\r\nActionID: someone-else\r\n\r\n").await.unwrap();
        s.write_all(format!("Response: Success\r\nActionID: {id}\r\nMessage: Originate successfully queued\r\n\r\n").as_bytes()).await.unwrap();
        tokio::time::sleep(Duration::from_secs(30)).await;
    });
    let (changes, _rx) = mpsc::unbounded_channel();
    let mut client = AmiClient::start(config(address, "x"), changes);
    state_until(&mut client, |s| matches!(s, AmiState::Connected { .. })).await;
    let answer = client
        .send(
            "Originate",
            &[
                ("Channel", "PJSIP/101"),
                ("Exten", "87011234567"),
                ("Context", "internal"),
                ("Priority", "1"),
                ("Async", "true"),
            ],
        )
        .await
        .unwrap();
    assert_eq!(answer.get("Message"), Some("Originate successfully queued"));
    assert!(
        client
            .send("Originate", &[("Exten", "1\r\nAction: Command")])
            .await
            .is_err(),
        "a line break never reaches the PBX"
    );
}

/// Plays call a as `peer` says: the connection drops at the first block `cut` picks (counting
/// from the banner) and the PBX goes on unheard up to the first that `resume` picks (or to
/// the end). Returns every call change, until an end or a quiet spell, and what was heard.
async fn interrupted(
    cut: impl Fn(&str) -> bool,
    resume: impl Fn(&str) -> bool,
    reporting: bool,
) -> (Vec<CallChange>, Vec<Block>) {
    use crate::telephony::ami::replay::{serve_peer, Peer, Recording};
    let recording = Recording::fixture("a").unwrap();
    let text = |i: usize| String::from_utf8_lossy(&recording.blocks[i].0).into_owned();
    let n = recording.blocks.len();
    let cut = (1..n).find(|&i| cut(&text(i))).unwrap();
    let resume = (cut..n).find(|&i| resume(&text(i))).unwrap_or(n);
    let peer = Peer {
        reporting,
        drop: Some((cut, resume)),
        ..Peer::new(100.0)
    };
    let (heard, mut heard_rx) = mpsc::unbounded_channel();
    let address = serve_peer(recording, peer, heard).await.unwrap();
    let (changes, mut rx) = mpsc::unbounded_channel();
    let _client = AmiClient::start(config(address, "s3cret"), changes);
    let mut seen = Vec::new();
    while let Ok(Some(c)) = tokio::time::timeout(Duration::from_secs(4), rx.recv()).await {
        let ended = matches!(c, CallChange::Ended(_));
        seen.push(c);
        if ended {
            break;
        }
    }
    let mut actions = Vec::new();
    while let Ok(b) = heard_rx.try_recv() {
        actions.push(b);
    }
    (seen, actions)
}

fn actions(heard: &[Block]) -> Vec<&str> {
    heard
        .iter()
        .filter_map(|b| b.get("Action"))
        .filter(|a| *a != "Ping")
        .collect()
}

#[tokio::test]
async fn a_call_that_goes_on_while_the_pbx_is_away_is_followed_to_its_end() {
    // Dropped once they talk; back as they hang up (the caller's hangup request unheard).
    let (seen, heard) = interrupted(
        |b| b.contains("Variable: BRIDGEPEER"),
        |b| b.contains("Event: BridgeLeave"),
        false,
    )
    .await;
    let Some(CallChange::Ended(call)) = seen.last() else {
        panic!("{seen:?}")
    };
    assert_eq!(call.agent.as_deref(), Some("101"));
    assert!(call.talk_seconds().is_some());
    assert_eq!(
        seen.iter()
            .filter(|c| matches!(c, CallChange::Ended(_)))
            .count(),
        1
    );
    // The recordings' user may not CoreShowChannels: the list comes from Status.
    assert_eq!(
        actions(&heard),
        [
            "Login",
            "CoreShowChannels",
            "Status",
            "Login",
            "CoreShowChannels",
            "Status"
        ]
    );
}

#[tokio::test]
async fn a_call_that_ends_while_the_pbx_is_away_ends_when_it_is_back() {
    // Dropped while both phones ring; answered, talked and hung up unheard.
    let (seen, heard) = interrupted(|b| b.contains("Event: DialState"), |_| false, true).await;
    let kinds: Vec<&str> = seen.iter().map(CallChange::kind).collect();
    assert_eq!(kinds, ["started", "ringing", "ringing", "ended"]);
    let Some(CallChange::Ended(call)) = seen.last() else {
        unreachable!()
    };
    // Its end unheard: ended when the link was lost, how it went not known (not missed).
    assert!(call.unheard && !call.missed());
    assert!(call.ended_at.unwrap() - call.started_at < chrono::Duration::seconds(1));
    // With the reporting right the list comes from CoreShowChannels.
    assert_eq!(
        actions(&heard),
        ["Login", "CoreShowChannels", "Login", "CoreShowChannels"]
    );
}
