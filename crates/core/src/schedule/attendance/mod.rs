//! Attendance: who came to a class, and holding it — which writes off a visit (or the
//! group's price in visits) from each present member's pass, in one transaction.

use chrono::{DateTime, NaiveDate, Utc};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use specta::Type;
use uuid::Uuid;

use super::occurrences::Occurrence;
use super::Named;
use crate::auth::UserRef;
use crate::money::flags::Flag;
use crate::money::memberships::MembershipState;

pub(crate) mod hold;
pub(crate) mod mark;
pub(crate) mod oplog;
mod sheet;
pub(crate) mod writeoff;
pub(crate) use hold::{class_hold, class_hold_undo};
pub(crate) use mark::attendance_mark;
pub(crate) use sheet::occurrence_get;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Type, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum AttendanceStatus {
    Present,
    Late,
    Absent,
    Excused,
}

impl AttendanceStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            AttendanceStatus::Present => "present",
            AttendanceStatus::Late => "late",
            AttendanceStatus::Absent => "absent",
            AttendanceStatus::Excused => "excused",
        }
    }
    pub fn parse(s: &str) -> AttendanceStatus {
        match s {
            "late" => AttendanceStatus::Late,
            "absent" => AttendanceStatus::Absent,
            "excused" => AttendanceStatus::Excused,
            _ => AttendanceStatus::Present,
        }
    }
    /// Came to the class (a visit is written off).
    pub fn came(self) -> bool {
        matches!(self, AttendanceStatus::Present | AttendanceStatus::Late)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Type, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum VisitKind {
    /// A member of the group.
    Member,
    /// Came without being a member (pays with a pass like a member).
    WalkIn,
    /// A first, free try.
    Trial,
    /// Makes up an excused absence: no visit is written off.
    Makeup,
}

impl VisitKind {
    pub fn as_str(self) -> &'static str {
        match self {
            VisitKind::Member => "member",
            VisitKind::WalkIn => "walk_in",
            VisitKind::Trial => "trial",
            VisitKind::Makeup => "makeup",
        }
    }
    pub fn parse(s: &str) -> VisitKind {
        match s {
            "walk_in" => VisitKind::WalkIn,
            "trial" => VisitKind::Trial,
            "makeup" => VisitKind::Makeup,
            _ => VisitKind::Member,
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize, Type, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct AttendanceMarkArgs {
    /// The caller's own id for this mark: sent twice, it is applied once.
    pub op_id: Uuid,
    pub occurrence_id: String,
    pub client_id: Uuid,
    pub status: AttendanceStatus,
    /// How they came (a member by default; a walk-in, trial or make-up for others).
    #[serde(default)]
    pub kind: Option<VisitKind>,
}

#[derive(Debug, Clone, Serialize, Deserialize, Type, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ClassHoldArgs {
    pub op_id: Uuid,
    pub occurrence_id: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, Type, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct OccurrenceGetArgs {
    pub id: String,
}

/// A pass as the sheet shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type, JsonSchema)]
pub struct PassInfo {
    pub id: Uuid,
    pub name: String,
    pub state: MembershipState,
    pub visits_left: Option<u32>,
    pub ends_on: Option<NaiveDate>,
}

/// One line of the attendance sheet.
#[derive(Debug, Clone, Serialize, Deserialize, Type, JsonSchema)]
pub struct SheetLine {
    pub client: Named,
    pub kind: VisitKind,
    /// None: not marked yet.
    pub status: Option<AttendanceStatus>,
    /// The pass a held class took its visits from (or would take them from now).
    pub pass: Option<PassInfo>,
    /// Visits written off (0 until held).
    pub visits: u32,
    /// Came with no valid pass: the visit is owed at the desk.
    pub to_settle: bool,
    /// Has an unspent make-up visit.
    pub makeups: u32,
    pub flags: Vec<Flag>,
    pub marked_at: Option<DateTime<Utc>>,
    pub marked_by: Option<UserRef>,
}

#[derive(Debug, Clone, Serialize, Deserialize, Type, JsonSchema)]
pub struct OccurrenceDetail {
    pub occurrence: Occurrence,
    pub lines: Vec<SheetLine>,
    pub held_at: Option<DateTime<Utc>>,
    pub held_by: Option<UserRef>,
    /// Until the end of its day a hold may be undone.
    pub can_undo: bool,
}

/// What a mark did (answered again, unchanged, when it is sent again).
#[derive(Debug, Clone, Serialize, Deserialize, Type, JsonSchema)]
pub struct MarkResult {
    pub occurrence_id: String,
    pub client: Named,
    pub status: AttendanceStatus,
    pub kind: VisitKind,
    pub marked_at: DateTime<Utc>,
}

/// One present client's visit as a hold wrote it off.
#[derive(Debug, Clone, Serialize, Deserialize, Type, JsonSchema)]
pub struct WriteOff {
    pub client: Named,
    pub kind: VisitKind,
    /// The pass it came from, with what is left after.
    pub pass: Option<PassInfo>,
    pub visits: u32,
    pub to_settle: bool,
    pub makeup_used: bool,
}

#[derive(Debug, Clone, Serialize, Deserialize, Type, JsonSchema)]
pub struct HoldResult {
    pub occurrence_id: String,
    pub held: bool,
    pub at: DateTime<Utc>,
    pub visits: Vec<WriteOff>,
    /// Excused absences that earned a make-up visit.
    pub makeups_earned: u32,
}
