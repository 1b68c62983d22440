//! The automatic timetable as a search problem, apart from the database.
//!
//! Each class to place takes a day, a start on the quarter hour and a room from its group's
//! *domain*: the places where the room holds the group, has what the service needs, is open
//! for the whole class and the instructor is available (the unary rules, settled before the
//! search). The search then removes clashes — room, instructor or member in two classes at
//! once — and improves the soft score ([`super::score`]) by simulated annealing: a class
//! moves to a random place of its domain; a worse timetable is accepted with a probability
//! that falls as the temperature cools; each round cools from hot to cold and starts from the
//! best timetable yet, and the search stops when a round finds nothing better, when the score
//! meets the lower bound (then the timetable is optimal) or when time is up.
//!
//! Why annealing rather than an exact solver: the hard rules are easy to satisfy in a real
//! centre and the work is in the soft score, where a local search reaches good timetables in
//! seconds while exact search spends its time proving optimality of a model too large to
//! prove. The lower bound states how far from optimal the answer can be.

use std::time::{Duration, Instant};

use rand::rngs::SmallRng;
use rand::{Rng, SeedableRng};
use uuid::Uuid;

pub use super::domain::domain;
use super::score::{self, Score};
use crate::schedule::hours::OpeningSpan;

/// Where and when a class is: weekday 1–7, minutes since midnight, room index.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Place {
    pub day: u8,
    pub start: u32,
    pub room: usize,
}

#[derive(Debug, Clone)]
pub struct Room {
    pub capacity: u32,
    pub equipment: Vec<String>,
    pub hours: Vec<OpeningSpan>,
}

#[derive(Debug, Clone)]
pub struct Group {
    pub size: u32,
    pub needs: Vec<String>,
    /// Index into the problem's instructors.
    pub instructor: Option<usize>,
    pub duration: u32,
    /// Classes a week to place.
    pub sessions: u32,
    /// Locked classes: kept where they are.
    pub fixed: Vec<Place>,
    /// Where its unlocked classes were, to keep them there if it can.
    pub previous: Vec<Place>,
    pub members: Vec<Uuid>,
}

#[derive(Debug, Clone, Default)]
pub struct Problem {
    pub rooms: Vec<Room>,
    /// Each instructor's weekly availability (empty: always).
    pub instructors: Vec<Vec<OpeningSpan>>,
    pub groups: Vec<Group>,
}

#[derive(Debug, Clone)]
pub struct Options {
    pub time: Duration,
    pub seed: u64,
    /// Moves tried in one round of cooling.
    pub round: u64,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            time: Duration::from_secs(10),
            seed: 1,
            round: 400_000,
        }
    }
}

/// Why a group's classes have nowhere to go.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unplaceable {
    NoRoomLargeEnough,
    NoRoomWithEquipment,
    NoCommonHours,
}

#[derive(Debug, Clone)]
pub struct Solution {
    /// Each group's classes: its fixed ones, then those placed.
    pub places: Vec<Vec<Place>>,
    /// Pairs of classes that still clash (0 for a usable timetable).
    pub hard: u32,
    pub score: Score,
    pub bound: Score,
    pub unplaceable: Vec<(usize, Unplaceable)>,
    pub moves: u64,
    pub elapsed: Duration,
    /// The score met the bound: no timetable is better.
    pub optimal: bool,
}

/// One class in the search.
struct Class {
    group: usize,
    free: bool,
}

struct State<'a> {
    p: &'a Problem,
    classes: Vec<Class>,
    at: Vec<Place>,
    /// Groups sharing a member.
    share: Vec<Vec<bool>>,
    /// Classes of each group, of each instructor.
    of_group: Vec<Vec<usize>>,
    of_instructor: Vec<Vec<usize>>,
}

impl State<'_> {
    fn clash(&self, a: usize, pa: Place, b: usize) -> bool {
        let pb = self.at[b];
        let (ga, gb) = (self.classes[a].group, self.classes[b].group);
        let (da, db) = (self.p.groups[ga].duration, self.p.groups[gb].duration);
        pa.day == pb.day
            && pa.start < pb.start + db
            && pb.start < pa.start + da
            && (pa.room == pb.room
                || ga == gb
                || self.share[ga][gb]
                || (self.p.groups[ga].instructor.is_some()
                    && self.p.groups[ga].instructor == self.p.groups[gb].instructor))
    }

    /// Classes `a` at `pa` would clash with.
    fn clashes(&self, a: usize, pa: Place) -> u32 {
        (0..self.at.len())
            .filter(|&b| b != a && self.clash(a, pa, b))
            .count() as u32
    }

    fn spread(&self, g: usize) -> u32 {
        score::spread(self.of_group[g].iter().map(|&c| self.at[c].day))
    }

    fn moved(&self, g: usize) -> u32 {
        let placed: Vec<Place> = self.of_group[g]
            .iter()
            .filter(|&&c| self.classes[c].free)
            .map(|&c| self.at[c])
            .collect();
        score::moved(&self.p.groups[g].previous, &placed)
    }

    fn idle(&self, instructor: Option<usize>, day: u8) -> u32 {
        let Some(i) = instructor else { return 0 };
        let mut day_classes: Vec<(u32, u32)> = self.of_instructor[i]
            .iter()
            .filter(|&&c| self.at[c].day == day)
            .map(|&c| {
                let start = self.at[c].start;
                (start, start + self.p.groups[self.classes[c].group].duration)
            })
            .collect();
        score::idle(&mut day_classes)
    }

    /// The soft cost that depends on class `c`'s place, given days `days` touched.
    fn local(&self, c: usize, days: &[u8]) -> u32 {
        let g = self.classes[c].group;
        let instructor = self.p.groups[g].instructor;
        self.spread(g) + self.moved(g) + days.iter().map(|&d| self.idle(instructor, d)).sum::<u32>()
    }

    fn score(&self) -> Score {
        let mut s = Score::default();
        for g in 0..self.p.groups.len() {
            s.spread += self.spread(g);
            s.moved += self.moved(g);
        }
        for i in 0..self.p.instructors.len() {
            s.idle += (1..=7).map(|d| self.idle(Some(i), d)).sum::<u32>();
        }
        s
    }

    fn hard(&self) -> u32 {
        (0..self.at.len())
            .map(|a| {
                (a + 1..self.at.len())
                    .filter(|&b| self.clash(a, self.at[a], b))
                    .count() as u32
            })
            .sum()
    }
}

/// A clash weighs more than any soft score can.
const HARD: i64 = 10_000;

pub fn solve(p: &Problem, o: &Options) -> Solution {
    let started = Instant::now();
    let mut rng = SmallRng::seed_from_u64(o.seed);
    let mut unplaceable = Vec::new();
    let domains: Vec<Vec<Place>> = p
        .groups
        .iter()
        .enumerate()
        .map(|(i, g)| match domain(p, g) {
            Ok(d) => d,
            Err(why) => {
                if g.sessions > 0 {
                    unplaceable.push((i, why));
                }
                Vec::new()
            }
        })
        .collect();
    let bound = score::lower_bound(&p.groups, &domains);
    let mut st = State {
        p,
        classes: Vec::new(),
        at: Vec::new(),
        share: share(p),
        of_group: vec![Vec::new(); p.groups.len()],
        of_instructor: vec![Vec::new(); p.instructors.len()],
    };
    for (gi, g) in p.groups.iter().enumerate() {
        let free = if domains[gi].is_empty() {
            0
        } else {
            g.sessions
        };
        let fixed = g.fixed.iter().map(|&f| (f, false));
        let placed = (0..free).map(|_| (domains[gi][0], true));
        for (place, free) in fixed.chain(placed) {
            let c = st.classes.len();
            st.classes.push(Class { group: gi, free });
            st.at.push(place);
            st.of_group[gi].push(c);
            if let Some(i) = g.instructor {
                st.of_instructor[i].push(c);
            }
        }
    }
    let free: Vec<usize> = (0..st.classes.len())
        .filter(|&c| st.classes[c].free)
        .collect();
    greedy_start(&mut st, &free, &domains, &mut rng);
    let mut cost = st.hard() as i64 * HARD + st.score().total() as i64;
    let mut best = (cost, st.at.clone());
    let mut moves = 0u64;
    let target = bound.total() as i64;
    let (hot, cold) = (8.0f64, 0.05f64);
    'rounds: while !free.is_empty() && best.0 > target {
        let round_best = best.0;
        for k in 0..o.round {
            if k % 1024 == 0 && started.elapsed() >= o.time {
                break 'rounds;
            }
            let t = hot * (cold / hot).powf(k as f64 / o.round as f64);
            let c = free[rng.gen_range(0..free.len())];
            let d = &domains[st.classes[c].group];
            let to = d[rng.gen_range(0..d.len())];
            let from = st.at[c];
            if to == from {
                continue;
            }
            moves += 1;
            let days: &[u8] = if from.day == to.day {
                &[from.day][..]
            } else {
                &[from.day, to.day][..]
            };
            let before = st.clashes(c, from) as i64 * HARD + st.local(c, days) as i64;
            st.at[c] = to;
            let after = st.clashes(c, to) as i64 * HARD + st.local(c, days) as i64;
            let delta = after - before;
            if delta <= 0 || rng.gen::<f64>() < (-(delta as f64) / t).exp() {
                cost += delta;
                if cost < best.0 {
                    best = (cost, st.at.clone());
                    if cost <= target {
                        break 'rounds;
                    }
                }
            } else {
                st.at[c] = from;
            }
        }
        st.at.clone_from(&best.1);
        cost = best.0;
        if best.0 == round_best && best.0 < HARD {
            break;
        }
    }
    st.at = best.1;
    let score = st.score();
    let hard = st.hard();
    let places = st
        .of_group
        .iter()
        .map(|cs| cs.iter().map(|&c| st.at[c]).collect())
        .collect();
    Solution {
        places,
        hard,
        score,
        bound,
        unplaceable,
        moves,
        elapsed: started.elapsed(),
        optimal: hard == 0 && score.total() == bound.total(),
    }
}

/// Which groups share a member.
fn share(p: &Problem) -> Vec<Vec<bool>> {
    let n = p.groups.len();
    (0..n)
        .map(|a| {
            (0..n)
                .map(|b| {
                    a != b
                        && p.groups[a]
                            .members
                            .iter()
                            .any(|m| p.groups[b].members.contains(m))
                })
                .collect()
        })
        .collect()
}

/// Places the free classes one by one, fewest choices first, each where it clashes least
/// among a sample of its domain (and, among equals, at its previous place when it has one).
fn greedy_start(st: &mut State, free: &[usize], domains: &[Vec<Place>], rng: &mut SmallRng) {
    let mut order = free.to_vec();
    order.sort_by_key(|&c| domains[st.classes[c].group].len());
    let mut placed: Vec<usize> = (0..st.classes.len())
        .filter(|&c| !st.classes[c].free)
        .collect();
    for c in order {
        let g = st.classes[c].group;
        let d = &domains[g];
        let previous = st.p.groups[g].previous.iter().filter(|p| d.contains(p));
        let sample = (0..64).map(|_| d[rng.gen_range(0..d.len())]);
        let mut best: Option<(u32, Place)> = None;
        for to in previous.copied().chain(sample) {
            let n = placed.iter().filter(|&&b| st.clash(c, to, b)).count() as u32;
            if best.is_none_or(|(m, _)| n < m) {
                best = Some((n, to));
            }
        }
        if let Some((_, to)) = best {
            st.at[c] = to;
        }
        placed.push(c);
    }
}
