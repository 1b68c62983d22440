//! The hard rules of a timetable, one definition for every place that places a class: the
//! automatic timetable, a group's slots typed by hand, a class dragged on the grid. A room,
//! an instructor or a member is in one class at a time; a class fits its room; a room is open
//! and an instructor available for the whole class; the room has what the service needs.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use specta::Type;
use uuid::Uuid;

use super::hours::{within, OpeningSpan};
use crate::error::Problems;
use crate::text::fold;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Type, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum ConflictKind {
    RoomBusy,
    InstructorBusy,
    MemberBusy,
    RoomClosed,
    InstructorUnavailable,
    OverCapacity,
    MissingEquipment,
    Holiday,
}

impl ConflictKind {
    pub fn as_str(self) -> &'static str {
        match self {
            ConflictKind::RoomBusy => "room_busy",
            ConflictKind::InstructorBusy => "instructor_busy",
            ConflictKind::MemberBusy => "member_busy",
            ConflictKind::RoomClosed => "room_closed",
            ConflictKind::InstructorUnavailable => "instructor_unavailable",
            ConflictKind::OverCapacity => "over_capacity",
            ConflictKind::MissingEquipment => "missing_equipment",
            ConflictKind::Holiday => "holiday",
        }
    }

    fn message(self, other: &str) -> String {
        match self {
            ConflictKind::RoomBusy => format!("the room is taken by {other} then"),
            ConflictKind::InstructorBusy => format!("the instructor teaches {other} then"),
            ConflictKind::MemberBusy => format!("a member is in {other} then"),
            ConflictKind::RoomClosed => "the room is closed then".into(),
            ConflictKind::InstructorUnavailable => "the instructor is not available then".into(),
            ConflictKind::OverCapacity => "the group is larger than the room holds".into(),
            ConflictKind::MissingEquipment => format!("the room lacks {other}"),
            ConflictKind::Holiday => format!("the centre is closed that day ({other})"),
        }
    }
}

/// A clash found, with the other class (or what is missing) named.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type, JsonSchema)]
pub struct Conflict {
    pub kind: ConflictKind,
    pub other: String,
}

/// A room as the rules need it.
#[derive(Debug, Clone)]
pub struct RoomRule<'a> {
    pub id: Uuid,
    pub capacity: u32,
    pub equipment: &'a [String],
    pub hours: &'a [OpeningSpan],
}

/// A class placed in the week: a day (1–7, or any number naming one date), minutes since
/// midnight, where, who.
#[derive(Debug, Clone)]
pub struct Placed<'a> {
    /// What it is a part of (a group): classes of one group never clash with each other's
    /// members or instructor by being the same group twice in a week.
    pub group: Uuid,
    pub label: &'a str,
    pub day: u32,
    pub weekday: u8,
    pub start: u32,
    pub end: u32,
    pub room: Option<Uuid>,
    pub instructor: Option<Uuid>,
    pub members: &'a [Uuid],
    pub size: u32,
    pub needs: &'a [String],
}

fn overlaps(a: &Placed, b: &Placed) -> bool {
    a.day == b.day && a.start < b.end && b.start < a.end
}

/// Every hard rule `c` breaks against `others` (which may include `c` itself: skipped by
/// identity of group, day and start).
pub fn check(
    c: &Placed,
    others: &[Placed],
    rooms: &[RoomRule],
    availability: impl Fn(Uuid) -> Option<Vec<OpeningSpan>>,
) -> Vec<Conflict> {
    let mut out = Vec::new();
    let mut push = |kind, other: &str| {
        if !out.iter().any(|x: &Conflict| x.kind == kind) {
            out.push(Conflict {
                kind,
                other: other.to_string(),
            });
        }
    };
    for o in others.iter().filter(|o| overlaps(c, o)) {
        if o.group == c.group && o.start == c.start {
            continue;
        }
        if c.room.is_some() && o.room == c.room {
            push(ConflictKind::RoomBusy, o.label);
        }
        if c.instructor.is_some() && o.instructor == c.instructor {
            push(ConflictKind::InstructorBusy, o.label);
        }
        if o.group != c.group && c.members.iter().any(|m| o.members.contains(m)) {
            push(ConflictKind::MemberBusy, o.label);
        }
    }
    if let Some(room) = c.room.and_then(|id| rooms.iter().find(|r| r.id == id)) {
        if c.size > room.capacity {
            push(ConflictKind::OverCapacity, "");
        }
        if !within(room.hours, c.weekday, c.start, c.end) {
            push(ConflictKind::RoomClosed, "");
        }
        if let Some(missing) = c
            .needs
            .iter()
            .find(|n| !room.equipment.iter().any(|e| fold(e) == fold(n)))
        {
            push(ConflictKind::MissingEquipment, missing);
        }
    }
    if let Some(spans) = c.instructor.and_then(&availability) {
        if !within(&spans, c.weekday, c.start, c.end) {
            push(ConflictKind::InstructorUnavailable, "");
        }
    }
    out
}

/// Conflicts as problems at `field`, each with its own code.
pub fn report(p: &mut Problems, field: &str, conflicts: &[Conflict]) {
    for c in conflicts {
        p.add(field, c.kind.as_str(), c.kind.message(&c.other));
    }
}
