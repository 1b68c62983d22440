//! The schedule: rooms, services, instructors, groups and their slots, classes derived from
//! them (across a daylight-saving change), one-off changes, attendance and holding classes.

pub mod attendance;
mod classes;
mod pay;
mod rooms;
mod timetable;
mod waitlist;

use hallpass_core::api::*;
use uuid::Uuid;

use crate::support::TestCore;

pub fn span(weekday: u8, opens: &str, closes: &str) -> OpeningSpan {
    OpeningSpan {
        weekday,
        opens: opens.into(),
        closes: closes.into(),
    }
}

/// A room, a service needing its equipment, an instructor free on weekdays, made by `token`.
pub struct Setup {
    pub room: Room,
    pub small: Room,
    pub service: Service,
    pub instructor: Uuid,
    pub other_instructor: Uuid,
}

pub async fn setup(t: &TestCore, token: Option<&str>) -> Setup {
    let room = |name: &str, capacity: u32| RoomInput {
        name: name.into(),
        capacity,
        equipment: vec!["Mirrors".into()],
        opening_hours: (1..=7).map(|d| span(d, "08:00", "21:00")).collect(),
        archived: false,
    };
    let hall = t
        .core
        .rooms_create(
            token,
            RoomsCreateArgs {
                room: room("Test Hall", 12),
            },
        )
        .await
        .unwrap();
    let small = t
        .core
        .rooms_create(
            token,
            RoomsCreateArgs {
                room: room("Test Box", 4),
            },
        )
        .await
        .unwrap();
    let service = t
        .core
        .services_create(
            token,
            ServicesCreateArgs {
                item: CatalogItemInput {
                    kind: ItemKind::Good,
                    name: "Test Ballet".into(),
                    category_id: None,
                    price: 5_000_000,
                    tax: Tax::default(),
                    unit: String::new(),
                    active: true,
                },
                settings: ServiceSettingsInput {
                    colour: "#8A3B12".into(),
                    duration_minutes: 60,
                    equipment: vec!["mirrors".into()],
                },
            },
        )
        .await
        .unwrap();
    let mut ids = Vec::new();
    for name in ["Test Teacher", "Second Teacher"] {
        let s = t
            .core
            .staff_create(
                token,
                StaffCreateArgs {
                    staff: StaffInput {
                        name: name.into(),
                        ..Default::default()
                    },
                },
            )
            .await
            .unwrap();
        let i = t
            .core
            .instructor_update(
                token,
                InstructorUpdateArgs {
                    id: s.id,
                    version: s.version,
                    teaches: vec![service.id],
                    availability: (1..=6).map(|d| span(d, "09:00", "20:00")).collect(),
                },
            )
            .await
            .unwrap();
        ids.push(i.id);
    }
    Setup {
        room: hall,
        small,
        service,
        instructor: ids[0],
        other_instructor: ids[1],
    }
}

pub fn slot(weekday: u8, start: &str) -> SlotInput {
    SlotInput {
        weekday,
        start: start.into(),
        duration_minutes: None,
        every_weeks: 1,
        room_id: None,
        instructor_id: None,
        locked: false,
    }
}

pub fn group(s: &Setup, name: &str, slots: Vec<SlotInput>) -> GroupInput {
    GroupInput {
        name: name.into(),
        kind: GroupKind::Group,
        service_id: s.service.id,
        instructor_id: Some(s.instructor),
        room_id: Some(s.room.id),
        capacity: 10,
        age_min: None,
        age_max: None,
        price_visits: 1,
        duration_minutes: None,
        sessions_per_week: slots.len() as u32,
        starts_on: "2026-11-01".into(),
        ends_on: None,
        archived: false,
        slots,
    }
}
