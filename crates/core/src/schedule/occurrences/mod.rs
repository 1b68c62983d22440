//! Classes: derived from the groups' slots for the days asked, with their one-off changes
//! (cancelled, moved, another instructor) and state (held) laid over them.

use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use specta::Type;
use uuid::Uuid;

use super::groups::GroupKind;
use super::holidays::Holiday;
use super::Named;
use crate::money::flags::Flag;

mod derive;
mod update;
mod week;
pub(crate) use derive::{derive, one, Filter};
pub(crate) use update::{ensure_row, occurrence_update};
pub(crate) use week::schedule_week;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Type, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum OccurrenceStatus {
    Scheduled,
    Cancelled,
    /// Taught: visits were written off.
    Held,
}

impl OccurrenceStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            OccurrenceStatus::Scheduled => "scheduled",
            OccurrenceStatus::Cancelled => "cancelled",
            OccurrenceStatus::Held => "held",
        }
    }
    pub fn parse(s: &str) -> OccurrenceStatus {
        match s {
            "cancelled" => OccurrenceStatus::Cancelled,
            "held" => OccurrenceStatus::Held,
            _ => OccurrenceStatus::Scheduled,
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize, Type, JsonSchema)]
pub struct Occurrence {
    /// Its slot and the start its rule gives it: stays the same when it is moved.
    pub id: String,
    pub group: Named,
    pub kind: GroupKind,
    pub service: Named,
    pub colour: String,
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
    /// The start the timetable gives it (local time).
    pub original: NaiveDateTime,
    pub room: Option<Named>,
    pub instructor: Option<Named>,
    /// Taught by someone other than the group's instructor this once.
    pub substitute: bool,
    pub status: OccurrenceStatus,
    /// Moved from its usual time or room.
    pub moved: bool,
    /// Why it was cancelled or changed.
    pub reason: String,
    pub capacity: u32,
    /// Members on its day.
    pub booked: u32,
    /// Members whose money or pass is red-flagged (see the week's `flagged`).
    pub flagged: Vec<Uuid>,
    /// Of its stored changes (0: none yet); pass it to change it.
    pub version: i64,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, Type, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ScheduleWeekArgs {
    /// First day, `YYYY-MM-DD` (local).
    pub from: String,
    /// How many days (7 by default, at most 42).
    #[serde(default)]
    pub days: Option<u32>,
    #[serde(default)]
    pub room_id: Option<Uuid>,
    #[serde(default)]
    pub instructor_id: Option<Uuid>,
    #[serde(default)]
    pub group_id: Option<Uuid>,
}

/// A member flagged red, and why.
#[derive(Debug, Clone, Serialize, Deserialize, Type, JsonSchema)]
pub struct FlaggedClient {
    pub client: Named,
    pub flags: Vec<Flag>,
}

#[derive(Debug, Clone, Serialize, Deserialize, Type, JsonSchema)]
pub struct ScheduleWeek {
    pub from: NaiveDate,
    pub until: NaiveDate,
    pub time_zone: String,
    pub occurrences: Vec<Occurrence>,
    pub flagged: Vec<FlaggedClient>,
    pub holidays: Vec<Holiday>,
}

/// A one-off change to a class.
#[derive(Debug, Clone, Serialize, Deserialize, Type, JsonSchema)]
#[serde(tag = "action", rename_all = "snake_case", deny_unknown_fields)]
pub enum OccurrenceChange {
    Cancel {
        reason: String,
    },
    /// Back to scheduled after a cancel.
    Restore,
    /// Another start (local `YYYY-MM-DDTHH:MM`), length or room; checked against the rules.
    Move {
        start: String,
        #[serde(default)]
        duration_minutes: Option<u32>,
        #[serde(default)]
        room_id: Option<Uuid>,
        #[serde(default)]
        reason: String,
    },
    /// Another instructor this once (none: the group's again).
    Substitute {
        instructor_id: Option<Uuid>,
        #[serde(default)]
        reason: String,
    },
}

#[derive(Debug, Clone, Serialize, Deserialize, Type, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct OccurrenceUpdateArgs {
    pub id: String,
    /// The version read (0 for a class never changed).
    pub version: i64,
    pub change: OccurrenceChange,
}
