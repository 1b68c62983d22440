//! `GET /api/events`: two connections, one writes and the other hears it; a dropped reader
//! resumes with `Last-Event-ID`; no token or an expired one gets no stream.

use std::time::Duration;

use futures_util::StreamExt;
use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::support::each_engine;
use crate::{serve, Running};

/// One Server-Sent Event as read off the wire.
#[derive(Debug, Clone, Default)]
pub struct Sse {
    pub event: String,
    pub id: Option<String>,
    pub data: String,
}

/// A reader of `/api/events`.
pub struct Reader {
    body: std::pin::Pin<Box<dyn futures_util::Stream<Item = reqwest::Result<bytes::Bytes>> + Send>>,
    buf: String,
}

impl Reader {
    pub async fn open(
        hub: &Running,
        query: &str,
        headers: &[(&str, &str)],
    ) -> Result<Reader, (StatusCode, Value)> {
        let mut req = hub.http.get(format!("{}/api/events{query}", hub.base));
        for (k, v) in headers {
            req = req.header(*k, *v);
        }
        let res = req.send().await.unwrap();
        if res.status() != StatusCode::OK {
            let s = res.status();
            return Err((s, res.json().await.unwrap_or(Value::Null)));
        }
        assert_eq!(res.headers()["content-type"], "text/event-stream");
        Ok(Reader {
            body: Box::pin(res.bytes_stream()),
            buf: String::new(),
        })
    }

    /// The next event (comments skipped), within 10 s.
    pub async fn next(&mut self) -> Sse {
        tokio::time::timeout(Duration::from_secs(10), async {
            loop {
                if let Some(end) = self.buf.find("\n\n") {
                    let block: String = self.buf.drain(..end + 2).collect();
                    let mut e = Sse {
                        event: "message".into(),
                        ..Default::default()
                    };
                    let mut data = Vec::new();
                    for line in block.lines() {
                        match line.split_once(':') {
                            Some(("event", v)) => e.event = v.trim_start().into(),
                            Some(("id", v)) => e.id = Some(v.trim_start().into()),
                            Some(("data", v)) => {
                                data.push(v.strip_prefix(' ').unwrap_or(v).to_string())
                            }
                            _ => {}
                        }
                    }
                    if data.is_empty() && e.id.is_none() && e.event == "message" {
                        continue; // a comment or a retry line
                    }
                    e.data = data.join("\n");
                    return e;
                }
                let chunk = self.body.next().await.expect("stream ended").unwrap();
                self.buf.push_str(&String::from_utf8_lossy(&chunk));
            }
        })
        .await
        .expect("no event within 10 s")
    }

    pub async fn change(&mut self) -> (String, Value) {
        let e = self.next().await;
        assert_eq!(e.event, "change", "{e:?}");
        (e.id.unwrap(), serde_json::from_str(&e.data).unwrap())
    }
}

#[tokio::test]
async fn one_connection_writes_the_other_hears_and_a_dropped_one_resumes() {
    each_engine(|t| async move {
        t.demo().await;
        let hub = serve(&t, None).await;
        let rec = hub.login("reception").await;
        let mgr = hub.login("manager").await;

        // The receptionist listens with a header, the manager as a browser does (query).
        let auth = format!("Bearer {rec}");
        let mut theirs = Reader::open(&hub, "", &[("authorization", &auth)]).await.unwrap();
        let ready = theirs.next().await;
        assert_eq!(ready.event, "ready");
        let mut mine = Reader::open(&hub, &format!("?token={mgr}"), &[]).await.unwrap();
        assert_eq!(mine.next().await.event, "ready");

        let (s, created) = hub
            .post("client_create", Some(&mgr), &json!({"client": {"name": "Wire Event", "birth_date": "1990-05-05"}}).to_string())
            .await;
        assert_eq!(s, StatusCode::OK, "{created}");
        let (id, e) = theirs.change().await;
        assert_eq!(e["entity_id"], created["id"]);
        assert_eq!(e["operation"], "client_create");
        assert_eq!(e["seq"].to_string(), id);
        assert_eq!(e["author"]["name"], "Anna Volkova");
        assert_eq!(mine.change().await.0, id);

        // The receptionist drops; two writes happen; she comes back with the last id.
        drop(theirs);
        let mut names = Vec::new();
        for n in 0..2 {
            let (s, c) = hub
                .post("client_create", Some(&mgr), &json!({"client": {"name": format!("Missed {n}"), "birth_date": "1990-05-05"}}).to_string())
                .await;
            assert_eq!(s, StatusCode::OK);
            names.push(c["id"].clone());
        }
        let mut back = Reader::open(&hub, &format!("?token={rec}"), &[("last-event-id", &id)]).await.unwrap();
        assert_eq!(back.next().await.event, "ready");
        for want in &names {
            assert_eq!(&back.change().await.1["entity_id"], want);
        }

        // Medical notes never named to a role without the permission.
        let (s, upd) = hub
            .post("client_update", Some(&mgr), &json!({"id": created["id"], "version": created["version"], "client": {"name": "Wire Event", "birth_date": "1990-05-05", "medical_notes": "asthma"}}).to_string())
            .await;
        assert_eq!(s, StatusCode::OK, "{upd}");
        let (_, e) = back.change().await;
        assert_eq!(e["fields"], json!([]));
        mine.change().await;
        mine.change().await;
        let (_, e) = mine.change().await;
        assert_eq!(e["fields"], json!(["medical_notes"]));

        // Signing out ends the stream with `signed_out`.
        let (s, _) = hub.post("logout", Some(&rec), "{}").await;
        assert_eq!(s, StatusCode::OK);
        assert_eq!(back.next().await.event, "signed_out");
    })
    .await;
}

#[tokio::test]
async fn no_token_or_an_expired_one_gets_no_stream() {
    each_engine(|t| async move {
        t.demo().await;
        let hub = serve(&t, None).await;
        let (s, v) = Reader::open(&hub, "", &[]).await.err().unwrap();
        assert_eq!(
            (s, v["code"].as_str()),
            (StatusCode::UNAUTHORIZED, Some("unauthenticated"))
        );
        let rec = hub.login("reception").await;
        t.advance(chrono::Duration::hours(17));
        let (s, v) = Reader::open(&hub, &format!("?token={rec}"), &[])
            .await
            .err()
            .unwrap();
        assert_eq!(s, StatusCode::UNAUTHORIZED);
        assert!(v["message"].as_str().unwrap().contains("expired"), "{v}");
    })
    .await;
}
