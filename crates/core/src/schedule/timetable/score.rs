//! What makes one clash-free timetable better than another, and how good any timetable could
//! possibly be (a lower bound found by relaxing the problem one group or one session at a
//! time, so the gap between a timetable's score and the bound says how far from the best it
//! can be).
//!
//! - **Spread**: two classes of one group on the same day cost [`SAME_DAY`], on neighbouring
//!   days (Sunday and Monday are neighbours) [`NEXT_DAY`].
//! - **Compact days**: every quarter of an hour an instructor waits between two classes on
//!   one day costs [`IDLE_QUARTER`].
//! - **Stable times**: a returning group's class that leaves its old weekday and time costs
//!   [`MOVED`]; one that keeps its time but changes room costs [`NEW_ROOM`].

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use specta::Type;

use super::solver::{Group, Place};

pub const SAME_DAY: u32 = 20;
pub const NEXT_DAY: u32 = 4;
pub const IDLE_QUARTER: u32 = 1;
pub const MOVED: u32 = 10;
pub const NEW_ROOM: u32 = 2;

/// A timetable's soft score in its three parts; lower is better.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, Type, JsonSchema)]
pub struct Score {
    pub spread: u32,
    pub idle: u32,
    pub moved: u32,
}

impl Score {
    pub fn total(&self) -> u32 {
        self.spread + self.idle + self.moved
    }
}

/// Days apart around the week: 0 to 3.
fn apart(a: u8, b: u8) -> u8 {
    let d = a.abs_diff(b);
    d.min(7 - d)
}

/// The spread cost of a group's classes on `days`.
pub fn spread<I: Iterator<Item = u8> + Clone>(days: I) -> u32 {
    let mut cost = 0;
    for (i, a) in days.clone().enumerate() {
        for b in days.clone().skip(i + 1) {
            cost += match apart(a, b) {
                0 => SAME_DAY,
                1 => NEXT_DAY,
                _ => 0,
            };
        }
    }
    cost
}

/// Idle quarters between `classes` (start, end) of one instructor on one day.
pub fn idle(classes: &mut [(u32, u32)]) -> u32 {
    classes.sort_unstable();
    let mut cost = 0;
    let mut last_end: Option<u32> = None;
    for &(start, end) in classes.iter() {
        if let Some(e) = last_end {
            cost += start.saturating_sub(e) / 15 * IDLE_QUARTER;
        }
        last_end = Some(last_end.map_or(end, |e| e.max(end)));
    }
    cost
}

/// How far a group's free classes at `placed` are from its previous slots: a previous slot
/// kept (same weekday, time and room) costs nothing, kept in another room [`NEW_ROOM`], and
/// every other previous slot that could have been kept (up to the number of classes)
/// [`MOVED`].
pub fn moved(previous: &[Place], placed: &[Place]) -> u32 {
    if previous.is_empty() || placed.is_empty() {
        return 0;
    }
    let mut used = vec![false; placed.len()];
    let mut exact = 0;
    let mut timed = 0;
    let mut rest = Vec::new();
    for p in previous {
        match (0..placed.len()).find(|&i| !used[i] && placed[i] == *p) {
            Some(i) => {
                used[i] = true;
                exact += 1;
            }
            None => rest.push(p),
        }
    }
    for p in rest {
        if let Some(i) = (0..placed.len())
            .find(|&i| !used[i] && placed[i].day == p.day && placed[i].start == p.start)
        {
            used[i] = true;
            timed += 1;
        }
    }
    let keepable = previous.len().min(placed.len()) as u32;
    (keepable - exact - timed) * MOVED + timed * NEW_ROOM
}

/// A lower bound on the score of any timetable without clashes: each part relaxed on its
/// own. Spread: the best choice of days for each group alone, among the days its classes
/// could be on. Idle time: none. Moves: a previous slot the group can no longer have (its
/// time or room is out of reach now) must move.
pub fn lower_bound(groups: &[Group], domains: &[Vec<Place>]) -> Score {
    let mut bound = Score::default();
    for (g, domain) in groups.iter().zip(domains) {
        if g.sessions == 0 || domain.is_empty() {
            continue;
        }
        let mut days: Vec<u8> = domain.iter().map(|p| p.day).collect();
        days.dedup();
        days.sort_unstable();
        days.dedup();
        let fixed: Vec<u8> = g.fixed.iter().map(|p| p.day).collect();
        let mut best = u32::MAX;
        let mut chosen = Vec::with_capacity(g.sessions as usize);
        best_days(
            &days,
            0,
            g.sessions as usize,
            &fixed,
            &mut chosen,
            &mut best,
        );
        bound.spread += best;
        let keepable = g.previous.len().min(g.sessions as usize);
        let lost = g
            .previous
            .iter()
            .filter(|p| !domain.contains(p))
            .filter(|p| !domain.iter().any(|d| d.day == p.day && d.start == p.start))
            .count()
            .min(keepable);
        let other_room = g
            .previous
            .iter()
            .filter(|p| !domain.contains(p))
            .filter(|p| domain.iter().any(|d| d.day == p.day && d.start == p.start))
            .count()
            .min(keepable - lost);
        bound.moved += lost as u32 * MOVED + other_room as u32 * NEW_ROOM;
    }
    bound
}

/// Tries every multiset of `left` days from `days[from..]` with the `fixed` days.
fn best_days(
    days: &[u8],
    from: usize,
    left: usize,
    fixed: &[u8],
    chosen: &mut Vec<u8>,
    best: &mut u32,
) {
    if left == 0 {
        let cost = spread(fixed.iter().chain(chosen.iter()).copied());
        *best = (*best).min(cost);
        return;
    }
    for i in from..days.len() {
        chosen.push(days[i]);
        best_days(days, i, left - 1, fixed, chosen, best);
        chosen.pop();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(day: u8, start: u32, room: usize) -> Place {
        Place { day, start, room }
    }

    #[test]
    fn spread_counts_same_and_neighbouring_days_round_the_week() {
        assert_eq!(spread([1u8, 3, 5].into_iter()), 0);
        assert_eq!(spread([1u8, 2].into_iter()), NEXT_DAY);
        assert_eq!(spread([7u8, 1].into_iter()), NEXT_DAY);
        assert_eq!(spread([4u8, 4].into_iter()), SAME_DAY);
    }

    #[test]
    fn idle_counts_quarters_between_classes() {
        assert_eq!(idle(&mut [(600, 660), (540, 600)]), 0);
        assert_eq!(idle(&mut [(540, 600), (690, 750)]), 6);
        assert_eq!(idle(&mut [(540, 700), (600, 660), (700, 760)]), 0);
    }

    #[test]
    fn moved_matches_slots_kept_then_times_kept() {
        let prev = [at(1, 600, 0), at(3, 600, 0)];
        assert_eq!(moved(&prev, &[at(3, 600, 0), at(1, 600, 0)]), 0);
        assert_eq!(
            moved(&prev, &[at(1, 600, 1), at(5, 600, 0)]),
            NEW_ROOM + MOVED
        );
        assert_eq!(moved(&prev, &[at(2, 600, 0)]), MOVED);
    }
}
