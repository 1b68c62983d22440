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
    let again = tokio::time::timeout(Duration::from_secs(5), logins.recv())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(again.get("Action"), Some("Login"));
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
