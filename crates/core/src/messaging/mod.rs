//! Messaging: e-mail and SMS to clients, from templates filled from the database. `template`
//! reads and fills a text; `templates` keeps the centre's; `settings` says how messages leave
//! (mail server, SMS gateway); `send` checks and queues; `outbox` sends what is queued through
//! `smtp` or `sms_http`.

pub mod audience;
pub mod campaigns;
pub mod fill;
pub mod list;
pub mod outbox;
pub mod preferences;
pub mod queue;
pub mod rating;
pub mod send;
pub mod settings;
pub mod smpp;
pub mod sms_http;
pub mod smtp;
pub mod template;
pub mod templates;
