//! Generated centres for the timetable's tests and benchmark: rooms of several sizes, some
//! with equipment, open six long days and a short Sunday; instructors who work five days or
//! part time (weekday evenings and Saturday mornings); groups of one to three classes a week whose members overlap the way
//! children in two activities do.

use rand::rngs::SmallRng;
use rand::{Rng, SeedableRng};
use uuid::Uuid;

use super::solver::{Group, Problem, Room};
use crate::schedule::hours::OpeningSpan;

fn span(weekday: u8, opens: &str, closes: &str) -> OpeningSpan {
    OpeningSpan {
        weekday,
        opens: opens.into(),
        closes: closes.into(),
    }
}

const EQUIPMENT: [&str; 3] = ["mats", "barre", "easels"];

/// A centre of `groups` groups, `rooms` rooms and `instructors` instructors, the same for the
/// same `seed`.
pub fn centre(seed: u64, groups: usize, rooms: usize, instructors: usize) -> Problem {
    let mut rng = SmallRng::seed_from_u64(seed);
    let capacities = [30, 20, 15, 12, 25, 10, 40, 18];
    let rooms: Vec<Room> = (0..rooms)
        .map(|r| Room {
            capacity: capacities[r % capacities.len()],
            equipment: if r < EQUIPMENT.len() {
                vec![EQUIPMENT[r].to_string()]
            } else {
                Vec::new()
            },
            hours: (1..=6)
                .map(|d| span(d, "08:00", "21:00"))
                .chain([span(7, "09:00", "15:00")])
                .collect(),
        })
        .collect();
    // Two in three instructors coach part time: weekday evenings and Saturday mornings.
    let instructors: Vec<Vec<OpeningSpan>> = (0..instructors)
        .map(|i| {
            let off = rng.gen_range(1..=7u8);
            if i % 3 == 0 {
                (1..=7u8)
                    .filter(|&d| d != off && d != (off % 7) + 1)
                    .map(|d| span(d, "09:00", "21:00"))
                    .collect()
            } else {
                (1..=5u8)
                    .filter(|&d| d != off)
                    .map(|d| span(d, "15:00", "21:00"))
                    .chain([span(6, "09:00", "15:00")])
                    .collect()
            }
        })
        .collect();
    let largest = rooms.iter().map(|r| r.capacity).max().unwrap_or(0);
    let pool: Vec<Uuid> = (0..(groups * 10).max(1))
        .map(|n| Uuid::from_u128(n as u128 + 1))
        .collect();
    let groups: Vec<Group> = (0..groups)
        .map(|g| {
            let size = rng.gen_range(6..=16u32).min(largest);
            let needs = if rng.gen_bool(0.3) && !rooms.is_empty() {
                vec![EQUIPMENT[rng.gen_range(0..EQUIPMENT.len().min(rooms.len()))].to_string()]
            } else {
                Vec::new()
            };
            let mut members = Vec::new();
            while members.len() < size as usize {
                let m = pool[rng.gen_range(0..pool.len())];
                if !members.contains(&m) {
                    members.push(m);
                }
            }
            Group {
                size,
                needs,
                instructor: (!instructors.is_empty()).then(|| g % instructors.len()),
                duration: [45, 60, 60, 90][rng.gen_range(0..4)],
                sessions: [1, 2, 2, 3, 3][rng.gen_range(0..5)],
                fixed: Vec::new(),
                previous: Vec::new(),
                members,
            }
        })
        .collect();
    Problem {
        rooms,
        instructors,
        groups,
    }
}
