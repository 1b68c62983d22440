//! Messaging end to end: templates checked at every field; e-mail queued and delivered to a real
//! SMTP server (Debian's aiosmtpd) with the client's values and language; a mail server that is
//! away keeps the message queued and it goes once, later; SMS through an HTTP gateway (a local
//! sink) with the text escaped for its JSON; opted-out clients and cards without an address
//! are listed, not sent; every message on the client's timeline.

use std::path::{Path, PathBuf};
use std::process::{Child, Command};
use std::sync::{Arc, Mutex};

use hallpass_core::api::*;
use hallpass_core::messaging::outbox::drain;
use hallpass_core::messaging::sms_http;

use crate::support::{each_engine, TestCore};

/// A real SMTP server writing what it gets into a Maildir; stopped when dropped.
pub struct SmtpServer {
    child: Child,
    pub port: u16,
    pub dir: tempfile::TempDir,
}

impl Drop for SmtpServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

impl SmtpServer {
    // The child is killed and waited for when the server is dropped.
    #[allow(clippy::zombie_processes)]
    pub async fn start() -> SmtpServer {
        let dir = tempfile::tempdir().unwrap();
        let port = free_port();
        let child = Command::new("/usr/bin/python3")
            .args(["-m", "aiosmtpd", "-n", "-l", &format!("127.0.0.1:{port}")])
            .args(["-c", "aiosmtpd.handlers.Mailbox"])
            .arg(dir.path().join("mail"))
            .spawn()
            .expect("python3-aiosmtpd (Debian's) runs");
        for _ in 0..100 {
            if tokio::net::TcpStream::connect(("127.0.0.1", port))
                .await
                .is_ok()
            {
                return SmtpServer { child, port, dir };
            }
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        }
        panic!("aiosmtpd did not start");
    }

    /// The messages delivered so far, raw.
    pub fn mail(&self) -> Vec<String> {
        let new: PathBuf = self.dir.path().join("mail/new");
        read_dir(&new)
    }
}

fn read_dir(dir: &Path) -> Vec<String> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    entries
        .filter_map(|e| std::fs::read_to_string(e.ok()?.path()).ok())
        .collect()
}

/// What the gateway was sent: its `Authorization` header and its body.
pub type Got = Arc<Mutex<Vec<(String, String)>>>;

/// A local SMS gateway: answers `{"id": "sms-N"}` and keeps every request.
pub async fn gateway() -> (String, Got) {
    let got: Got = Arc::default();
    let kept = got.clone();
    let app = axum::Router::new().route(
        "/send",
        axum::routing::post(move |headers: axum::http::HeaderMap, body: String| {
            let kept = kept.clone();
            async move {
                let auth = headers
                    .get("authorization")
                    .and_then(|v| v.to_str().ok())
                    .unwrap_or_default()
                    .to_string();
                let mut k = kept.lock().unwrap();
                k.push((auth, body));
                axum::Json(serde_json::json!({ "id": format!("sms-{}", k.len()) }))
            }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/send", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    (url, got)
}

pub fn settings(smtp_port: u16, sms_url: &str) -> MessageSettingsInput {
    MessageSettingsInput {
        email_from: "Sunny Days <desk@sunnydays.la>".into(),
        smtp_host: "127.0.0.1".into(),
        smtp_port,
        smtp_security: SmtpSecurity::None,
        smtp_username: String::new(),
        smtp_password: None,
        sms_kind: SmsKind::Http,
        sms_sender: "SunnyDays".into(),
        http_url: sms_url.into(),
        http_method: "POST".into(),
        http_headers: vec![
            Header {
                name: "Content-Type".into(),
                value: "application/json".into(),
            },
            Header {
                name: "Authorization".into(),
                value: "Bearer {secret}".into(),
            },
        ],
        http_body: r#"{"to":"{to}","text":"{text}","from":"{sender}"}"#.into(),
        http_secret: Some("gw-key-123".into()),
        smpp_address: String::new(),
        smpp_system_id: String::new(),
        smpp_password: None,
        rating_template_id: None,
        rating_min_talk: 20,
    }
}

pub async fn configure(t: &TestCore, token: &str, s: MessageSettingsInput) -> MessageSettings {
    let version = t
        .core
        .message_settings_get(Some(token), NoArgs {})
        .await
        .unwrap()
        .version;
    t.core
        .message_settings_update(
            Some(token),
            MessageSettingsUpdateArgs {
                version,
                settings: s,
            },
        )
        .await
        .unwrap()
}

pub async fn status_of(t: &TestCore, token: &str, client: uuid::Uuid) -> Vec<Message> {
    t.core
        .messages_list(
            Some(token),
            MessagesListArgs {
                client_id: Some(client),
            },
        )
        .await
        .unwrap()
}

#[tokio::test]
async fn templates_are_checked_and_mail_goes_once_even_after_the_server_was_away() {
    each_engine(|t| async move {
        t.demo().await;
        let manager = t.login("manager").await;
        let mgr = Some(manager.as_str());
        let smtp = SmtpServer::start().await;
        let (sms_url, _) = gateway().await;

        // Settings: every mistake at its field; then the local servers.
        let mut bad = settings(smtp.port, "ftp://gateway");
        bad.http_body = "{text} {price}".into();
        bad.email_from = "desk".into();
        let version = t.core.message_settings_get(mgr, NoArgs {}).await.unwrap().version;
        let Err(ApiError::Validation { errors }) = t
            .core
            .message_settings_update(mgr, MessageSettingsUpdateArgs { version, settings: bad })
            .await
        else {
            panic!("refused")
        };
        let fields: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
        for f in ["settings.email_from", "settings.http_url", "settings.http_body"] {
            assert!(fields.contains(&f), "{f} in {fields:?}");
        }
        // A mail server that is not there yet.
        let closed = free_port();
        configure(&t, &manager, settings(closed, &sms_url)).await;

        // A template with an unknown field is refused at its text.
        let template = |body: &str| MessageTemplateSaveArgs {
            id: None,
            version: None,
            template: MessageTemplateInput {
                name: "Pass reminder".into(),
                channel: MessageChannel::Email,
                texts: vec![
                    TemplateText {
                        language: "en".into(),
                        subject: "Your pass at {centre.name}".into(),
                        body: body.into(),
                    },
                    TemplateText {
                        language: "ru".into(),
                        subject: "Ваш абонемент".into(),
                        body: "Здравствуйте, {client.first_name}! Долг: {debt}.".into(),
                    },
                ],
                archived: false,
            },
        };
        let refused = t
            .core
            .message_templates_save(mgr, template("Hi {client.nickname}"))
            .await;
        assert!(
            matches!(&refused, Err(ApiError::Validation { errors })
                if errors[0].field == "template.texts.0.body" && errors[0].code == "unknown_field"),
            "{refused:?}"
        );
        let saved = t
            .core
            .message_templates_save(mgr, template("Hello {client.first_name}! You owe {debt}."))
            .await
            .unwrap();

        // Two grown-ups with e-mail (one reads Russian), one who opted out, one without.
        let with_email: Vec<uuid::Uuid> = sqlx_ids(
            &t,
            "SELECT client_id FROM client_contacts WHERE channel = 'email' ORDER BY client_id LIMIT 3",
        )
        .await;
        let without: Vec<uuid::Uuid> = sqlx_ids(
            &t,
            "SELECT id FROM clients WHERE id NOT IN (SELECT client_id FROM client_contacts WHERE channel = 'email') ORDER BY id LIMIT 1",
        )
        .await;
        let (en, ru, out) = (with_email[0], with_email[1], with_email[2]);
        t.exec(&format!(
            "UPDATE clients SET language = 'ru' WHERE id = {}",
            literal(&t, ru)
        ))
        .await;
        t.core
            .message_optout_set(
                mgr,
                MessageOptoutArgs {
                    client_id: out,
                    channel: MessageChannel::Email,
                    opted_out: true,
                },
            )
            .await
            .unwrap();
        let reception = t.login("reception").await;
        let sent = t
            .core
            .message_send(
                Some(&reception),
                MessageSendArgs {
                    channel: MessageChannel::Email,
                    client_ids: vec![en, ru, out, without[0]],
                    group_id: None,
                    saved_filter_id: None,
                    template_id: Some(saved.id),
                    subject: String::new(),
                    body: String::new(),
                },
            )
            .await
            .unwrap();
        assert_eq!(sent.queued, 2);
        let reasons: Vec<SkipReason> = sent.skipped.iter().map(|s| s.reason).collect();
        assert_eq!(reasons, [SkipReason::OptedOut, SkipReason::NoAddress]);

        // The server is away: nothing is lost, the message waits with the reason.
        let http = sms_http::client();
        drain(&t.core, &http).await.unwrap();
        let waiting = status_of(&t, &manager, en).await;
        assert_eq!(waiting[0].status, MessageStatus::Queued);
        assert!(waiting[0].last_error.is_some());
        assert_eq!(waiting[0].attempts, 1);

        // The server is back; a minute later the messages go, each once.
        configure(&t, &manager, settings(smtp.port, &sms_url)).await;
        drain(&t.core, &http).await.unwrap();
        assert_eq!(smtp.mail().len(), 0, "not before its time");
        t.advance(chrono::Duration::minutes(2));
        drain(&t.core, &http).await.unwrap();
        drain(&t.core, &http).await.unwrap();
        let mail = smtp.mail();
        assert_eq!(mail.len(), 2, "{mail:?}");
        assert!(mail.iter().any(|m| m.contains("Hello ") && m.contains("You owe")));
        assert!(
            mail.iter()
                .any(|m| m.to_lowercase().contains("subject: =?utf-8?")),
            "the Russian subject, encoded"
        );
        assert!(mail.iter().all(|m| m.contains("Message-ID: <")));
        assert_eq!(status_of(&t, &manager, en).await[0].status, MessageStatus::Sent);

        // On the client's timeline.
        let timeline = t
            .core
            .client_timeline_list(
                mgr,
                TimelineListArgs {
                    client_id: en,
                    kinds: Vec::new(),
                    before: None,
                    limit: None,
                },
            )
            .await
            .unwrap();
        assert!(timeline
            .items
            .iter()
            .any(|e| matches!(&e.event, Some(TimelineEvent::Message { channel, .. }) if channel == "email")));

        // An instructor sends nothing.
        let instructor = t.login("instructor").await;
        let refused = t
            .core
            .message_send(
                Some(&instructor),
                MessageSendArgs {
                    channel: MessageChannel::Sms,
                    client_ids: vec![en],
                    group_id: None,
                    saved_filter_id: None,
                    template_id: None,
                    subject: String::new(),
                    body: "Hi".into(),
                },
            )
            .await;
        assert!(matches!(refused, Err(ApiError::Forbidden { .. })));
    })
    .await;
}

pub async fn sqlx_ids(t: &TestCore, sql: &str) -> Vec<uuid::Uuid> {
    match &t.core.db {
        hallpass_core::Db::Sqlite(p) => sqlx::query_scalar(sql).fetch_all(p).await.unwrap(),
        hallpass_core::Db::Postgres(p) => sqlx::query_scalar(sql).fetch_all(p).await.unwrap(),
    }
}

/// `id` as an SQL literal of the engine.
pub fn literal(t: &TestCore, id: uuid::Uuid) -> String {
    match &t.core.db {
        hallpass_core::Db::Sqlite(_) => format!("X'{}'", id.simple()),
        hallpass_core::Db::Postgres(_) => format!("'{id}'"),
    }
}
