//! What the timetable's rules are checked against: rooms, instructors' hours, services'
//! needs, and every group's weekly slots and members, read once.

use std::collections::HashMap;

use chrono::NaiveDate;
use uuid::Uuid;

use super::conflicts::{Placed, RoomRule};
use super::groups::{load_groups, Group};
use super::hours::{minutes, OpeningSpan};
use super::instructors::{self, Instructor};
use super::rooms::Room;
use super::services::{self, Service};
use crate::db::Tx;
use crate::error::ApiError;
use crate::on_tx;

pub(crate) struct Context {
    pub rooms: Vec<Room>,
    pub instructors: Vec<Instructor>,
    pub services: Vec<Service>,
    pub groups: Vec<Group>,
    /// Current members of each group.
    pub members: HashMap<Uuid, Vec<Uuid>>,
}

impl Context {
    pub async fn load(tx: &mut Tx, today: NaiveDate) -> Result<Context, ApiError> {
        let rooms = super::rooms::load(tx).await?;
        let instructors = instructors::load(tx, today, None).await?;
        let services = services::load(tx, None).await?;
        let groups = load_groups(tx, today, None).await?;
        let rows: Vec<(Uuid, Uuid)> = on_tx!(tx, c => sqlx::query_as(
            "SELECT group_id, client_id FROM group_members WHERE left_on IS NULL OR left_on > $1")
            .bind(today).fetch_all(c).await)?;
        let mut members: HashMap<Uuid, Vec<Uuid>> = HashMap::new();
        for (g, c) in rows {
            members.entry(g).or_default().push(c);
        }
        Ok(Context {
            rooms,
            instructors,
            services,
            groups,
            members,
        })
    }

    pub fn room_rules(&self) -> Vec<RoomRule<'_>> {
        self.rooms
            .iter()
            .map(|r| RoomRule {
                id: r.id,
                capacity: r.capacity,
                equipment: &r.equipment,
                hours: &r.opening_hours,
            })
            .collect()
    }

    pub fn availability(&self, id: Uuid) -> Option<Vec<OpeningSpan>> {
        self.instructors
            .iter()
            .find(|i| i.id == id)
            .map(|i| i.availability.clone())
    }

    pub fn needs(&self, service: Uuid) -> &[String] {
        self.services
            .iter()
            .find(|s| s.id == service)
            .map_or(&[], |s| &s.equipment)
    }

    pub fn members_of(&self, group: Uuid) -> &[Uuid] {
        self.members.get(&group).map_or(&[], Vec::as_slice)
    }

    /// Every live group's weekly slots (valid on `on` or later), except `skip`'s.
    pub fn weekly(&self, skip: Option<Uuid>) -> Vec<Placed<'_>> {
        let mut out = Vec::new();
        for g in self
            .groups
            .iter()
            .filter(|g| !g.archived && Some(g.id) != skip)
        {
            for s in &g.slots {
                let start = minutes(&s.start).unwrap_or(0);
                out.push(Placed {
                    group: g.id,
                    label: &g.name,
                    day: u32::from(s.weekday),
                    weekday: s.weekday,
                    start,
                    end: start + s.duration_minutes,
                    room: s.room.as_ref().map(|r| r.id),
                    instructor: s
                        .instructor
                        .as_ref()
                        .or(g.instructor.as_ref())
                        .map(|i| i.id),
                    members: self.members_of(g.id),
                    size: g.capacity,
                    needs: self.needs(g.service.id),
                });
            }
        }
        out
    }
}
