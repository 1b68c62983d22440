//! E-mail through the centre's mail server (`lettre`, TLS by rustls): one pooled connection
//! per batch, the message's `Message-ID` kept on every try.

use std::time::Duration;

use lettre::message::header::ContentType;
use lettre::message::Mailbox;
use lettre::transport::smtp::authentication::Credentials;
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};

use super::outbox::{Queued, Sent};
use super::settings::{MessageSettings, Secrets, SmtpSecurity};

pub struct Mailer {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    from: Result<Mailbox, String>,
}

impl Mailer {
    /// None when no mail server is set up.
    pub fn new(s: &MessageSettings, secrets: &Secrets) -> Option<Mailer> {
        if s.smtp_host.is_empty() {
            return None;
        }
        let builder = match s.smtp_security {
            SmtpSecurity::Tls => AsyncSmtpTransport::<Tokio1Executor>::relay(&s.smtp_host).ok()?,
            SmtpSecurity::Starttls => {
                AsyncSmtpTransport::<Tokio1Executor>::starttls_relay(&s.smtp_host).ok()?
            }
            SmtpSecurity::None => {
                AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(&s.smtp_host)
            }
        };
        let mut builder = builder
            .port(s.smtp_port)
            .timeout(Some(Duration::from_secs(20)));
        if !s.smtp_username.is_empty() {
            builder = builder.credentials(Credentials::new(
                s.smtp_username.clone(),
                secrets.smtp_password.clone(),
            ));
        }
        let from = s
            .email_from
            .parse::<Mailbox>()
            .map_err(|e| format!("the sender address: {e}"));
        Some(Mailer {
            transport: builder.build(),
            from,
        })
    }

    pub async fn send(&self, _s: &MessageSettings, m: &Queued) -> Sent {
        let from = match &self.from {
            Ok(f) => f.clone(),
            Err(e) => return Sent::Later(e.clone()),
        };
        let to = match m.address.parse::<Mailbox>() {
            Ok(t) => t,
            Err(e) => return Sent::Never(format!("the address {}: {e}", m.address)),
        };
        let email = Message::builder()
            .from(from)
            .to(to)
            .subject(m.subject.clone())
            .message_id(Some(m.message_ref.clone()))
            .header(ContentType::TEXT_PLAIN)
            .body(m.body.clone());
        let email = match email {
            Ok(e) => e,
            Err(e) => return Sent::Never(e.to_string()),
        };
        // A refusal may be the centre's own (a wrong password, a sender the server does not
        // take): tried again later, after 12 tries failed, rather than the queue thrown away.
        match self.transport.send(email).await {
            Ok(_) => Sent::Ok(None),
            Err(e) => Sent::Later(e.to_string()),
        }
    }
}
