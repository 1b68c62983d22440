//! Messages queued and sent per second: the demo's clients with an e-mail written to 30 times
//! from a template (each sending checks, fills and queues in one transaction), then the outbox
//! drained into a real local SMTP server (Debian's aiosmtpd), on SQLite and PostgreSQL.
//! Run: `./dev bench` (or `cargo bench -p hallpass-core --bench messages`;
//! `HALLPASS_TEST_PG_URL` adds PostgreSQL).

use std::process::Command;
use std::time::Instant;

use hallpass_core::api::*;
use hallpass_core::messaging::outbox::drain;
use hallpass_core::messaging::sms_http;
use hallpass_core::{Core, DbUrl};

#[path = "common/pg.rs"]
mod pg;
#[path = "common/stats.rs"]
#[allow(dead_code)]
mod stats;
use stats::ids;

const ROUNDS: usize = 30;

async fn run(engine: &str, core: Core, port: u16, maildir: &std::path::Path) {
    assert!(hallpass_core::demo::seed(&core).await.unwrap());
    let token = core
        .login(LoginArgs {
            login: "manager".into(),
            password: hallpass_core::demo::DEMO_PASSWORD.into(),
            device: None,
        })
        .await
        .unwrap()
        .token;
    let t = Some(token.as_str());
    let s = core.message_settings_get(t, NoArgs {}).await.unwrap();
    core.message_settings_update(
        t,
        MessageSettingsUpdateArgs {
            version: s.version,
            settings: MessageSettingsInput {
                email_from: "desk@sunnydays.la".into(),
                smtp_host: "127.0.0.1".into(),
                smtp_port: port,
                smtp_security: SmtpSecurity::None,
                smtp_username: String::new(),
                smtp_password: None,
                sms_kind: SmsKind::None,
                sms_sender: String::new(),
                http_url: String::new(),
                http_method: String::new(),
                http_headers: Vec::new(),
                http_body: String::new(),
                http_secret: None,
                smpp_address: String::new(),
                smpp_system_id: String::new(),
                smpp_password: None,
                rating_template_id: None,
                rating_min_talk: 20,
            },
        },
    )
    .await
    .unwrap();
    let template = core
        .message_templates_save(
            t,
            MessageTemplateSaveArgs {
                id: None,
                version: None,
                template: MessageTemplateInput {
                    name: "Bench".into(),
                    channel: MessageChannel::Email,
                    texts: vec![TemplateText {
                        language: "en".into(),
                        subject: "News from {centre.name}".into(),
                        body: "Hello {client.first_name}, you owe {debt}.".into(),
                    }],
                    archived: false,
                },
            },
        )
        .await
        .unwrap();
    let clients = ids(
        &core.db,
        "SELECT DISTINCT client_id FROM client_contacts WHERE channel = 'email'",
    )
    .await;
    let started = Instant::now();
    let mut queued = 0;
    for _ in 0..ROUNDS {
        let r = core
            .message_send(
                t,
                MessageSendArgs {
                    channel: MessageChannel::Email,
                    client_ids: clients.clone(),
                    group_id: None,
                    saved_filter_id: None,
                    template_id: Some(template.id),
                    subject: String::new(),
                    body: String::new(),
                },
            )
            .await
            .unwrap();
        queued += r.queued;
    }
    let queuing = started.elapsed().as_secs_f64();
    let http = sms_http::client();
    let started = Instant::now();
    while drain(&core, &http).await.unwrap() {}
    let sending = started.elapsed().as_secs_f64();
    let delivered = std::fs::read_dir(maildir.join("new")).map_or(0, |d| d.count());
    println!(
        "{engine}: {queued} e-mails queued in {queuing:.2} s ({:.0}/s); sent to the local SMTP server in {sending:.2} s ({:.0}/s); {delivered} in its mailbox",
        f64::from(queued) / queuing,
        f64::from(queued) / sending,
    );
}

#[tokio::main]
async fn main() {
    for engine in ["sqlite", "postgres"] {
        let dir = tempfile::tempdir().unwrap();
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let maildir = dir.path().join("mail");
        let mut smtp = Command::new("/usr/bin/python3")
            .args(["-m", "aiosmtpd", "-n", "-l", &format!("127.0.0.1:{port}")])
            .args(["-c", "aiosmtpd.handlers.Mailbox"])
            .arg(&maildir)
            .spawn()
            .expect("python3-aiosmtpd");
        for _ in 0..100 {
            if tokio::net::TcpStream::connect(("127.0.0.1", port))
                .await
                .is_ok()
            {
                break;
            }
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        }
        if engine == "sqlite" {
            let path = dir.path().join("messages.db");
            let core = Core::open(&DbUrl::Sqlite(path.to_string_lossy().into_owned()))
                .await
                .unwrap();
            run(engine, core, port, &maildir).await;
        } else if let Ok(url) = std::env::var("HALLPASS_TEST_PG_URL") {
            let schema = pg::schema(&url).await;
            run(engine, Core::new(schema.db.clone()), port, &maildir).await;
            schema.drop().await;
        } else {
            println!("postgres: HALLPASS_TEST_PG_URL not set, skipped");
        }
        let _ = smtp.kill();
        let _ = smtp.wait();
    }
}
