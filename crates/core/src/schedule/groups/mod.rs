//! Groups: a service taught by an instructor in a room to members, on weekly slots — or one
//! client's individual lessons (a group of one). Members join and leave on a day; a full
//! group takes newcomers on its waitlist.

use chrono::{DateTime, NaiveDate, Utc};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use specta::Type;
use uuid::Uuid;

use super::Named;
use crate::auth::UserRef;

pub(crate) mod members;
pub(crate) mod slots;
pub(crate) mod store;
mod write;
pub(crate) use members::{group_members_list, group_members_set};
pub(crate) use slots::replace_slots;
pub(crate) use store::{group_in, groups_get, groups_list, load_groups, SlotRow};
pub(crate) use write::{check_slot, groups_create, groups_update, insert_group, Defaults, NewSlot};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Type, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum GroupKind {
    Group,
    /// One client's lessons.
    Individual,
}

impl GroupKind {
    pub fn as_str(self) -> &'static str {
        match self {
            GroupKind::Group => "group",
            GroupKind::Individual => "individual",
        }
    }
    pub fn parse(s: &str) -> GroupKind {
        if s == "individual" {
            GroupKind::Individual
        } else {
            GroupKind::Group
        }
    }
}

/// When a group meets: every `every_weeks` weeks on a weekday at a local time.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type, JsonSchema)]
pub struct Slot {
    pub id: Uuid,
    /// 1 Monday … 7 Sunday.
    pub weekday: u8,
    /// `HH:MM`, the centre's local time.
    pub start: String,
    pub duration_minutes: u32,
    pub every_weeks: u8,
    /// The rule as stored (RFC 5545).
    pub rule: String,
    pub room: Option<Named>,
    /// None: the group's instructor.
    pub instructor: Option<Named>,
    /// Kept when the automatic timetable runs again.
    pub locked: bool,
    pub valid_from: NaiveDate,
    pub valid_until: Option<NaiveDate>,
}

#[derive(Debug, Clone, Serialize, Deserialize, Type, JsonSchema)]
pub struct Group {
    pub id: Uuid,
    pub name: String,
    pub kind: GroupKind,
    pub service: Named,
    pub colour: String,
    pub instructor: Option<Named>,
    pub room: Option<Named>,
    pub capacity: u32,
    /// Ages in whole years, either end open.
    pub age_min: Option<u32>,
    pub age_max: Option<u32>,
    /// Visits one class takes from a pass.
    pub price_visits: u32,
    pub duration_minutes: u32,
    /// For the automatic timetable.
    pub sessions_per_week: u32,
    pub starts_on: NaiveDate,
    pub ends_on: Option<NaiveDate>,
    /// The slots in effect today or later.
    pub slots: Vec<Slot>,
    pub members: u32,
    pub waiting: u32,
    pub archived: bool,
    pub created_at: DateTime<Utc>,
    pub created_by: Option<UserRef>,
    pub updated_at: DateTime<Utc>,
    pub updated_by: Option<UserRef>,
    pub version: i64,
}

/// A slot as a form sends it.
#[derive(Debug, Clone, Serialize, Deserialize, Type, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SlotInput {
    pub weekday: u8,
    /// `HH:MM`.
    pub start: String,
    /// By default the group's length.
    #[serde(default)]
    pub duration_minutes: Option<u32>,
    #[serde(default = "one")]
    pub every_weeks: u8,
    /// By default the group's room.
    #[serde(default)]
    pub room_id: Option<Uuid>,
    /// By default the group's instructor.
    #[serde(default)]
    pub instructor_id: Option<Uuid>,
    #[serde(default)]
    pub locked: bool,
}

fn one() -> u8 {
    1
}

#[derive(Debug, Clone, Serialize, Deserialize, Type, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct GroupInput {
    pub name: String,
    #[serde(default = "group_kind")]
    pub kind: GroupKind,
    pub service_id: Uuid,
    #[serde(default)]
    pub instructor_id: Option<Uuid>,
    #[serde(default)]
    pub room_id: Option<Uuid>,
    pub capacity: u32,
    #[serde(default)]
    pub age_min: Option<u32>,
    #[serde(default)]
    pub age_max: Option<u32>,
    #[serde(default = "one_u32")]
    pub price_visits: u32,
    /// By default the service's length.
    #[serde(default)]
    pub duration_minutes: Option<u32>,
    #[serde(default = "one_u32")]
    pub sessions_per_week: u32,
    /// `YYYY-MM-DD`.
    pub starts_on: String,
    #[serde(default)]
    pub ends_on: Option<String>,
    #[serde(default)]
    pub archived: bool,
    #[serde(default)]
    pub slots: Vec<SlotInput>,
}

fn group_kind() -> GroupKind {
    GroupKind::Group
}
fn one_u32() -> u32 {
    1
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, Type, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct GroupsListArgs {
    #[serde(default)]
    pub include_archived: bool,
    #[serde(default)]
    pub instructor_id: Option<Uuid>,
}

#[derive(Debug, Clone, Serialize, Deserialize, Type, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct GroupGetArgs {
    pub id: Uuid,
}

#[derive(Debug, Clone, Serialize, Deserialize, Type, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct GroupsCreateArgs {
    pub group: GroupInput,
}

#[derive(Debug, Clone, Serialize, Deserialize, Type, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct GroupsUpdateArgs {
    pub id: Uuid,
    pub version: i64,
    pub group: GroupInput,
    /// From which day changed slots apply (`YYYY-MM-DD`; by default today): classes before
    /// it keep their old time, room and instructor.
    #[serde(default)]
    pub slots_from: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, Type, JsonSchema)]
pub struct GroupMember {
    pub client: Named,
    pub joined_on: NaiveDate,
    pub left_on: Option<NaiveDate>,
}

#[derive(Debug, Clone, Serialize, Deserialize, Type, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct GroupMembersListArgs {
    pub group_id: Uuid,
    /// Also those who left.
    #[serde(default)]
    pub include_former: bool,
}

#[derive(Debug, Clone, Serialize, Deserialize, Type, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct GroupMembersSetArgs {
    pub group_id: Uuid,
    /// The group's version read.
    pub version: i64,
    /// Everyone who should be a member from `on`; others leave that day.
    pub client_ids: Vec<Uuid>,
    /// `YYYY-MM-DD`; by default today.
    #[serde(default)]
    pub on: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, Type, JsonSchema)]
pub struct GroupMembersResult {
    pub group: Group,
    pub members: Vec<GroupMember>,
    /// Clients the group had no room for: put on its waitlist instead.
    pub waitlisted: Vec<Named>,
}
