//! The automatic timetable on generated centres of 40 groups, 8 rooms and 12 instructors (and
//! two denser ones): time to the answer, clashes left (must be 0) and the soft score against
//! the lower bound, for several seeds.
//! Run: `./dev bench` (or `cargo bench -p hallpass-core --bench timetable`).

use std::time::Duration;

use hallpass_core::schedule::timetable::generate::centre;
use hallpass_core::schedule::timetable::solver::{solve, Options};

fn main() {
    println!("timetable: groups rooms instructors seed | classes | time | clashes | score (spread/idle/moved) | bound | optimal");
    for (groups, rooms, instructors) in [(40, 8, 12), (80, 8, 12), (60, 4, 12)] {
        for seed in 1..=5u64 {
            let p = centre(seed, groups, rooms, instructors);
            let classes: u32 = p.groups.iter().map(|g| g.sessions).sum();
            let s = solve(
                &p,
                &Options {
                    time: Duration::from_secs(10),
                    seed,
                    ..Options::default()
                },
            );
            println!(
                "timetable: {groups} {rooms} {instructors} {seed} | {classes} | {:.2} s | {} | {} ({}/{}/{}) | {} | {}",
                s.elapsed.as_secs_f64(),
                s.hard,
                s.score.total(),
                s.score.spread,
                s.score.idle,
                s.score.moved,
                s.bound.total(),
                s.optimal
            );
        }
    }
}
