//! The automatic timetable: from groups with their classes a week and length, rooms,
//! instructors' hours and opening hours, a week without clashes that spreads each group's
//! classes over the week, keeps instructors' days compact and returns groups to their
//! times. The admin reviews the proposal, locks classes and runs it again, then applies it;
//! applying checks every class with the same rules as a slot typed by hand.

use chrono::NaiveDate;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use specta::Type;
use uuid::Uuid;

use super::groups::SlotInput;
use super::Named;

mod apply;
mod domain;
pub mod generate;
mod propose;
pub mod score;
pub mod solver;
pub(crate) use apply::timetable_apply;
pub(crate) use propose::timetable_propose;
pub use score::Score;

#[derive(Debug, Clone, Default, Serialize, Deserialize, Type, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct TimetableProposeArgs {
    /// The first day of the new timetable (`YYYY-MM-DD`); by default next Monday.
    #[serde(default)]
    pub from: Option<String>,
    /// How long to search, 1 to 60 seconds (10 by default); it stops sooner when it cannot
    /// do better.
    #[serde(default)]
    pub seconds: Option<u32>,
    /// Another seed gives another timetable of the same quality.
    #[serde(default)]
    pub seed: Option<u32>,
}

/// A class of the proposed week.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type, JsonSchema)]
pub struct ProposedSlot {
    /// 1 Monday … 7 Sunday.
    pub weekday: u8,
    /// `HH:MM`, local time.
    pub start: String,
    pub duration_minutes: u32,
    pub every_weeks: u8,
    pub room: Option<Named>,
    pub instructor: Option<Named>,
    /// Locked: kept where it was.
    pub locked: bool,
    /// At a weekday, time or room it did not have before.
    pub changed: bool,
}

#[derive(Debug, Clone, Serialize, Deserialize, Type, JsonSchema)]
pub struct ProposedGroup {
    pub group: Named,
    /// The group's version read (to apply with).
    pub version: i64,
    pub colour: String,
    pub slots: Vec<ProposedSlot>,
}

/// A group whose classes have nowhere to go, and why.
#[derive(Debug, Clone, Serialize, Deserialize, Type, JsonSchema)]
pub struct Unplaced {
    pub group: Named,
    /// `no_room_large_enough`, `no_room_with_equipment` or `no_common_hours`.
    pub reason: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, Type, JsonSchema)]
pub struct TimetableProposal {
    pub from: NaiveDate,
    pub groups: Vec<ProposedGroup>,
    pub unplaced: Vec<Unplaced>,
    /// Pairs of classes that still clash; a proposal with any cannot be applied.
    pub hard_conflicts: u32,
    /// Lower is better: spread over the week, instructors' idle time, classes moved.
    pub score: Score,
    /// No timetable can score below this.
    pub lower_bound: Score,
    /// The score meets the bound.
    pub optimal: bool,
    pub elapsed_ms: u32,
    pub moves: u32,
}

#[derive(Debug, Clone, Serialize, Deserialize, Type, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct TimetableGroupInput {
    pub id: Uuid,
    /// The version read.
    pub version: i64,
    pub slots: Vec<SlotInput>,
}

#[derive(Debug, Clone, Serialize, Deserialize, Type, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct TimetableApplyArgs {
    /// The first day of the new timetable (`YYYY-MM-DD`, today or later): earlier classes
    /// keep their times.
    pub from: String,
    /// The groups whose slots change; every other group keeps its own.
    pub groups: Vec<TimetableGroupInput>,
}
