//! Messaging: e-mail and SMS to clients, from templates filled from the database.
//! `template` reads and fills the templates.

pub mod template;
