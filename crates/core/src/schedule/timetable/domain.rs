//! The unary rules of the automatic timetable, settled before the search: where a group's
//! class may go at all — a room large enough, with what the service needs, open for the whole
//! class while the instructor is available.

use super::solver::{Group, Place, Problem, Unplaceable};
use crate::schedule::hours::within;
use crate::text::fold;

/// Every place a class of `g` may take, in day, time and room order; or why there is none.
pub fn domain(p: &Problem, g: &Group) -> Result<Vec<Place>, Unplaceable> {
    let big: Vec<usize> = (0..p.rooms.len())
        .filter(|&r| p.rooms[r].capacity >= g.size)
        .collect();
    if big.is_empty() {
        return Err(Unplaceable::NoRoomLargeEnough);
    }
    let fitted: Vec<usize> = big
        .into_iter()
        .filter(|&r| {
            g.needs
                .iter()
                .all(|n| p.rooms[r].equipment.iter().any(|e| fold(e) == fold(n)))
        })
        .collect();
    if fitted.is_empty() {
        return Err(Unplaceable::NoRoomWithEquipment);
    }
    let available = g.instructor.map(|i| &p.instructors[i][..]).unwrap_or(&[]);
    let mut out = Vec::new();
    for day in 1..=7u8 {
        for start in (0..24 * 60).step_by(15) {
            let end = start + g.duration;
            if end > 24 * 60 || !within(available, day, start, end) {
                continue;
            }
            for &room in &fitted {
                if within(&p.rooms[room].hours, day, start, end) {
                    out.push(Place { day, start, room });
                }
            }
        }
    }
    if out.is_empty() {
        return Err(Unplaceable::NoCommonHours);
    }
    Ok(out)
}
