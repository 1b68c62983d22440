//! Change events: every write, as the other windows and devices hear of it.
//!
//! The audit log is the change log: its sequence number is the event's id, so a reader that
//! lost its connection asks for what came after the last id it saw and misses nothing
//! ([`feed`]). An event says what changed (entity, id, operation, fields), who changed it and
//! where from — never the values: a window that wants them reads the record through an
//! operation, which applies the reader's permissions. Events themselves obey them too: a role
//! hears only of records it may read, and of fields it may see ([`visible`]).

use chrono::{DateTime, Utc};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use specta::Type;
use uuid::Uuid;

use crate::auth::{Session, UserRef};
use crate::roles::Permission;

mod feed;
mod log;
pub use feed::{ChangeStream, Feed, StreamItem};
pub use log::head as feed_head;

/// Where a write came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Type, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Source {
    /// A person at a screen.
    Window,
    /// A file import.
    Import,
    /// A device's queued work arriving (a tablet's outbox).
    Sync,
    /// The hub's own jobs (backups, reminders).
    Background,
}

impl Source {
    pub fn as_str(self) -> &'static str {
        match self {
            Source::Window => "window",
            Source::Import => "import",
            Source::Sync => "sync",
            Source::Background => "background",
        }
    }

    pub fn parse(s: &str) -> Source {
        match s {
            "import" => Source::Import,
            "sync" => Source::Sync,
            "background" => Source::Background,
            _ => Source::Window,
        }
    }
}

/// One committed write.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type, JsonSchema)]
pub struct ChangeEvent {
    /// The change log's sequence number: the SSE `id:`, and what `Last-Event-ID` resumes from.
    pub seq: i64,
    pub at: DateTime<Utc>,
    /// `client`, `client_category`, `user`, `role`, `staff`, `centre`…
    pub entity: String,
    /// The record; none when the write touched many (an import).
    pub entity_id: Option<Uuid>,
    /// The operation that wrote it (`client_update`…).
    pub operation: String,
    /// Who wrote it; none for the hub's own jobs.
    pub author: Option<UserRef>,
    pub source: Source,
    /// The record's fields that changed, of those the reader may see (empty when the record
    /// was created or removed).
    pub fields: Vec<String>,
}

/// The live feed as the app's webview receives it (the hub sends the same as SSE events of
/// these names).
#[derive(Debug, Clone, Serialize, Deserialize, Type, JsonSchema)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum LiveEvent {
    /// The stream is open; `seq` is where a reconnect resumes from.
    Ready {
        seq: i64,
    },
    Change {
        event: ChangeEvent,
    },
    /// Too much was missed to replay: reload what is shown.
    Reset {
        seq: i64,
    },
    /// The app lost its hub's stream; it reconnects by itself and says `ready` again.
    Lost {
        message: String,
    },
    /// The session ended; the stream is over.
    SignedOut {
        error: crate::error::ApiError,
    },
    /// A call for this reader (its extension rings; answered; ended).
    Call {
        event: crate::telephony::live::CallEvent,
    },
}

impl LiveEvent {
    /// A stream's item as the webview receives it (a heartbeat is none).
    pub fn from_item(item: StreamItem) -> Option<LiveEvent> {
        match item {
            StreamItem::Event(event) => Some(LiveEvent::Change { event }),
            StreamItem::Heartbeat => None,
            StreamItem::Reset(seq) => Some(LiveEvent::Reset { seq }),
            StreamItem::SignedOut(error) => Some(LiveEvent::SignedOut { error }),
            StreamItem::Call(event) => Some(LiveEvent::Call { event: *event }),
        }
    }
}

/// The permission a reader needs to hear of changes to `entity`; none for changes that are
/// never published (sign-ins, exports).
pub fn permission_for(entity: &str, operation: &str) -> Option<Permission> {
    if matches!(
        operation,
        "login" | "login_failed" | "logout" | "clients_export"
    ) {
        return None;
    }
    Some(match entity {
        "client" | "client_timeline" | "client_category" | "custom_field" | "age_band"
        | "card_layout" | "file" | "saved_filter" | "task" => Permission::ClientsRead,
        "centre" => Permission::CentreRead,
        "staff" => Permission::StaffRead,
        "audit_review" => Permission::AuditRead,
        "room" | "service" | "holiday" | "group" | "waitlist" | "occurrence" | "attendance" => {
            Permission::ScheduleRead
        }
        "pay_rule" | "pay_period" => Permission::PayRead,
        "call" | "callback" => Permission::CallsRead,
        "pbx_settings" => Permission::TelephonyConfigure,
        "message" | "message_template" | "campaign" | "voice_broadcast" => Permission::MessagesSend,
        "message_settings" => Permission::MessagingConfigure,
        "catalog_category" | "catalog_item" | "membership_plan" | "membership" | "invoice"
        | "payment" | "flag_settings" | "cash_move" | "cash_day" | "contract"
        | "document_template" => Permission::MoneyRead,
        // Users, roles, sessions, backups and anything new: those who manage users.
        _ => Permission::UsersManage,
    })
}

/// Fields of `entity` that only roles with a further permission see.
pub fn guarded_fields(entity: &str) -> &'static [(&'static str, Permission)] {
    match entity {
        "client" => &[
            ("medical_notes", Permission::ClientsMedical),
            ("physical_condition", Permission::ClientsMedical),
            ("phones", Permission::ClientsPhones),
            ("messengers", Permission::ClientsPhones),
        ],
        _ => &[],
    }
}

/// A stored record (an audit row's before or after) as `session` may read it: without its
/// guarded fields and, for a reader who may not see phones, without the phone of any card
/// it links to (a child's guardians, a company's contacts).
pub fn redact(
    session: &Session,
    entity: &str,
    record: &mut serde_json::Map<String, serde_json::Value>,
) {
    record.retain(|k, _| field_visible(session, entity, k));
    if entity == "client" && !session.can(Permission::ClientsPhones) {
        for v in record.values_mut() {
            strip_key(v, "phone");
        }
    }
}

fn strip_key(v: &mut serde_json::Value, key: &str) {
    match v {
        serde_json::Value::Object(m) => {
            m.remove(key);
            m.values_mut().for_each(|x| strip_key(x, key));
        }
        serde_json::Value::Array(a) => a.iter_mut().for_each(|x| strip_key(x, key)),
        _ => {}
    }
}

/// Whether `session` may see field `field` of `entity`.
pub fn field_visible(session: &Session, entity: &str, field: &str) -> bool {
    guarded_fields(entity)
        .iter()
        .all(|(name, p)| *name != field || session.can(*p))
}

/// The event as `session` may receive it, or none when it may not hear of it at all.
pub fn visible(event: &ChangeEvent, session: &Session) -> Option<ChangeEvent> {
    let permission = permission_for(&event.entity, &event.operation)?;
    if !session.can(permission) {
        return None;
    }
    // A saved search is its owner's alone.
    if event.entity == "saved_filter"
        && event.author.as_ref().map(|a| a.id) != Some(session.user_id)
    {
        return None;
    }
    let mut event = event.clone();
    event
        .fields
        .retain(|f| field_visible(session, &event.entity, f));
    Some(event)
}

/// The top-level fields whose values differ between two JSON snapshots of a record.
pub fn changed_fields(before: Option<&str>, after: Option<&str>) -> Vec<String> {
    let parse = |s: Option<&str>| {
        s.and_then(|s| serde_json::from_str::<serde_json::Value>(s).ok())
            .and_then(|v| match v {
                serde_json::Value::Object(m) => Some(m),
                _ => None,
            })
    };
    let (Some(b), Some(a)) = (parse(before), parse(after)) else {
        return Vec::new();
    };
    let mut fields: Vec<String> = a
        .iter()
        .filter(|(k, v)| b.get(*k) != Some(*v))
        .map(|(k, _)| k.clone())
        .chain(b.keys().filter(|k| !a.contains_key(*k)).cloned())
        .filter(|k| !matches!(k.as_str(), "version" | "updated_at"))
        .collect();
    fields.sort();
    fields
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn changed_fields_compare_top_level_values() {
        let b = r#"{"name":"A","phones":[1],"version":1,"gone":true}"#;
        let a = r#"{"name":"B","phones":[1],"version":2,"new":1}"#;
        assert_eq!(
            changed_fields(Some(b), Some(a)),
            vec!["gone", "name", "new"]
        );
        assert!(changed_fields(None, Some(a)).is_empty());
        assert!(changed_fields(Some("[]"), Some(a)).is_empty());
    }

    #[test]
    fn sign_ins_and_exports_are_never_published() {
        assert_eq!(permission_for("session", "login"), None);
        assert_eq!(permission_for("client", "clients_export"), None);
        assert_eq!(
            permission_for("client", "client_update"),
            Some(Permission::ClientsRead)
        );
        assert_eq!(
            permission_for("backup", "backup_now"),
            Some(Permission::UsersManage)
        );
    }
}
