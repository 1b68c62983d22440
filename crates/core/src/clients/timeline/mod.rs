//! The card's timeline: observations (instructors write them), achievements, awards and
//! penalties with attached files, notes, and every contact with the client. A contact moves
//! the card's "last contact" forward. Later domains add their own entries to the same list.

use chrono::{DateTime, Utc};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use specta::Type;
use uuid::Uuid;

use super::model::UserRef;

mod entries;
mod visits;
pub(crate) use entries::{
    add_event, client_timeline_add, client_timeline_delete, client_timeline_list,
    client_timeline_update,
};
pub(crate) use visits::{add_visit_event, remove_visit_events};

string_enum!(
    TimelineKind {
        Observation = "observation", Achievement = "achievement", Award = "award",
        Penalty = "penalty", Contact = "contact", Note = "note",
    } default Note
);
string_enum!(
    /// How a contact happened.
    ContactChannel { Call = "call", Visit = "visit", Message = "message", Email = "email", Meeting = "meeting" } default Call
);

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type, JsonSchema)]
pub struct TimelineFile {
    pub file_id: Uuid,
    pub name: String,
    pub mime: String,
    pub size: i64,
}

#[derive(Debug, Clone, Serialize, Deserialize, Type, JsonSchema)]
pub struct TimelineEntry {
    pub id: Uuid,
    pub client_id: Uuid,
    pub kind: TimelineKind,
    pub channel: Option<ContactChannel>,
    /// When it happened.
    pub at: DateTime<Utc>,
    pub title: String,
    pub body: String,
    pub files: Vec<TimelineFile>,
    /// Written by Hallpass itself: the app words it in the reader's language (title and
    /// body are then empty).
    pub event: Option<TimelineEvent>,
    pub created_at: DateTime<Utc>,
    pub created_by: Option<UserRef>,
    pub updated_at: DateTime<Utc>,
    pub version: i64,
}

/// What Hallpass itself put on a card's timeline.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type, JsonSchema)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum TimelineEvent {
    /// Another card was merged into this one. Its card number and tax number are kept here
    /// when this card already had its own.
    Merged {
        name: String,
        card_number: Option<String>,
        tax_id: Option<String>,
    },
    /// A class attended, written when the class was held.
    Visit {
        group: String,
        service: String,
        starts_at: DateTime<Utc>,
        late: bool,
        /// Visits written off, and from which pass.
        visits: u32,
        pass: Option<String>,
        /// No valid pass: the visit is owed.
        to_settle: bool,
        trial: bool,
        makeup: bool,
    },
    /// A call with the client, kept when it ended.
    Call {
        call_id: Uuid,
        /// `incoming` or `outgoing`.
        direction: String,
        missed: bool,
        talk_seconds: u32,
        /// Who answered or called.
        user: Option<String>,
        /// Its end was not heard (the link to the PBX was lost): how it went is not known.
        #[serde(default)]
        unheard: bool,
    },
    /// A message sent to the client (its text as sent; how it went is in the outbox).
    Message {
        message_id: Uuid,
        /// `email` or `sms`.
        channel: String,
        subject: String,
        body: String,
    },
    /// A task for the client was done, with what came of it.
    Task {
        task_id: Uuid,
        title: String,
        outcome: String,
    },
    /// An SMS the client sent the centre (a reply; with its score when it rated a call). The
    /// number is not here: not every reader of the card may see its phones.
    Reply {
        message_id: Uuid,
        body: String,
        score: Option<i32>,
    },
}

#[derive(Debug, Clone, Serialize, Deserialize, Type, JsonSchema)]
pub struct TimelineEntryInput {
    pub kind: TimelineKind,
    /// For contacts: how (call when absent).
    #[serde(default)]
    pub channel: Option<ContactChannel>,
    /// When it happened; now when absent. Not in the future.
    #[serde(default)]
    pub at: Option<DateTime<Utc>>,
    #[serde(default)]
    pub title: String,
    #[serde(default)]
    pub body: String,
    /// Files uploaded with `file_upload` (purpose `attachment`), with the name to show.
    #[serde(default)]
    pub files: Vec<AttachedFile>,
}

/// A stored file attached to an entry under a name (the name `file_upload` returned).
#[derive(Debug, Clone, Serialize, Deserialize, Type, JsonSchema)]
pub struct AttachedFile {
    pub file_id: Uuid,
    pub name: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, Type, JsonSchema)]
pub struct TimelineListArgs {
    pub client_id: Uuid,
    /// Only these kinds (empty: all).
    #[serde(default)]
    pub kinds: Vec<TimelineKind>,
    /// Entries before this one (the last of the previous page).
    #[serde(default)]
    pub before: Option<Uuid>,
    #[serde(default)]
    pub limit: Option<u32>,
}

#[derive(Debug, Clone, Serialize, Deserialize, Type, JsonSchema)]
pub struct TimelinePage {
    pub items: Vec<TimelineEntry>,
    pub has_more: bool,
}

#[derive(Debug, Clone, Serialize, Deserialize, Type, JsonSchema)]
pub struct TimelineAddArgs {
    pub client_id: Uuid,
    pub entry: TimelineEntryInput,
}

#[derive(Debug, Clone, Serialize, Deserialize, Type, JsonSchema)]
pub struct TimelineUpdateArgs {
    pub id: Uuid,
    pub version: i64,
    pub entry: TimelineEntryInput,
}

#[derive(Debug, Clone, Serialize, Deserialize, Type, JsonSchema)]
pub struct TimelineDeleteArgs {
    pub id: Uuid,
    pub version: i64,
}
