//! The schedule: rooms, services, instructors' hours, holidays, groups and their weekly slots,
//! the classes derived from them, attendance, the waitlist, the automatic timetable and
//! instructors' pay.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use specta::Type;
use uuid::Uuid;

pub mod hours;
pub mod rooms;
pub mod services;

/// A record as another names it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type, JsonSchema)]
pub struct Named {
    pub id: Uuid,
    pub name: String,
}

impl Named {
    pub(crate) fn of(id: Option<Uuid>, name: Option<String>) -> Option<Named> {
        Some(Named {
            id: id?,
            name: name.unwrap_or_default(),
        })
    }
}

pub mod attendance;
pub mod calendar;
pub mod conflicts;
pub(crate) mod context;
pub mod groups;
pub mod holidays;
pub mod instructors;
pub mod occurrences;
pub mod pay;
pub mod recurrence;
pub mod timetable;
pub mod waitlist;
