//! The schedule's hot paths on a large centre: 20 rooms open 08:00–22:00 every day with a
//! class every hour (1,960 classes a week, 280 groups of 12), over 100,000 clients and
//! 1,000,000 past visits, on SQLite and PostgreSQL:
//! - the week's grid with its red flags (`schedule_week`, all rooms) and one day of it;
//! - marking a class of 30 present (30 `attendance_mark`) and holding it (`class_hold`).
//!
//! Run: `./dev bench` (or `cargo bench -p hallpass-core --bench schedule`;
//! `HALLPASS_TEST_PG_URL` adds PostgreSQL; `HALLPASS_BENCH_KEEP=<dir>` keeps the SQLite file).

use std::time::Instant;

use chrono::{Duration as Days, NaiveDate, Utc};
use hallpass_core::api::*;
use hallpass_core::{Core, Db, DbUrl};
use uuid::Uuid;

#[path = "common/pg.rs"]
mod pg;
#[path = "common/seed.rs"]
mod seed;
#[path = "common/stats.rs"]
mod stats;
use stats::{ids, stats};

const ROOMS: usize = 20;
const FIRST_HOUR: u32 = 8;
const HOURS: u32 = 14;
const MEMBERS: usize = 12;
const VISITS: usize = 1_000_000;

fn span(weekday: u8) -> OpeningSpan {
    OpeningSpan {
        weekday,
        opens: "08:00".into(),
        closes: "22:00".into(),
    }
}

/// Rooms, groups on every weekday at every hour, and their members; returns the groups.
async fn timetable(
    core: &Core,
    tok: Option<&str>,
    clients: &[Uuid],
    year_ago: NaiveDate,
) -> Vec<Group> {
    let service = core
        .services_list(tok, ServicesListArgs::default())
        .await
        .unwrap()
        .into_iter()
        .find(|s| s.name == "Karate")
        .unwrap();
    let mut groups = Vec::new();
    for r in 0..ROOMS {
        let room = core
            .rooms_create(
                tok,
                RoomsCreateArgs {
                    room: RoomInput {
                        name: format!("Hall {r}"),
                        capacity: 40,
                        equipment: vec!["mats".into()],
                        opening_hours: (1..=7).map(span).collect(),
                        archived: false,
                    },
                },
            )
            .await
            .unwrap();
        for h in 0..HOURS {
            let start = format!("{:02}:00", FIRST_HOUR + h);
            let g = core
                .groups_create(
                    tok,
                    GroupsCreateArgs {
                        group: GroupInput {
                            name: format!("Hall {r} at {start}"),
                            kind: GroupKind::Group,
                            service_id: service.id,
                            instructor_id: None,
                            room_id: Some(room.id),
                            capacity: 30,
                            age_min: None,
                            age_max: None,
                            price_visits: 1,
                            duration_minutes: Some(60),
                            sessions_per_week: 7,
                            starts_on: year_ago.to_string(),
                            ends_on: None,
                            archived: false,
                            slots: (1..=7)
                                .map(|d| SlotInput {
                                    weekday: d,
                                    start: start.clone(),
                                    duration_minutes: None,
                                    every_weeks: 1,
                                    room_id: None,
                                    instructor_id: None,
                                    locked: false,
                                })
                                .collect(),
                        },
                    },
                )
                .await
                .unwrap();
            let n = groups.len();
            let members: Vec<Uuid> = (0..MEMBERS)
                .map(|k| clients[(n * MEMBERS + k) * 7 % clients.len()])
                .collect();
            let g = core
                .group_members_set(
                    tok,
                    GroupMembersSetArgs {
                        group_id: g.id,
                        version: g.version,
                        client_ids: members,
                        on: Some(year_ago.to_string()),
                    },
                )
                .await
                .unwrap()
                .group;
            groups.push(g);
        }
    }
    groups
}

/// A million past visits to those classes (one in fifty still to settle), and a pass for each
/// member in every state the flags know; multi-row inserts in one transaction.
async fn history(db: &Db, groups: &[Group], clients: &[Uuid], today: NaiveDate) {
    let now = Utc::now();
    let mut tx = db.write().await.unwrap();
    let slots: Vec<(Uuid, Uuid, String, u8)> = groups
        .iter()
        .flat_map(|g| {
            g.slots
                .iter()
                .map(move |s| (s.id, g.id, s.start.clone(), s.weekday))
        })
        .collect();
    let monday = today
        - Days::days(i64::from(
            chrono::Datelike::weekday(&today).num_days_from_monday(),
        ));
    let per_chunk = 400;
    let all: Vec<usize> = (0..VISITS).collect();
    for chunk in all.chunks(per_chunk) {
        let mut sql = String::from(
            "INSERT INTO attendance (id, slot_id, original, group_id, client_id, status, kind, visits, to_settle, day, marked_at, value) VALUES ",
        );
        for (k, _) in chunk.iter().enumerate() {
            let b = k * 9;
            let sep = if k > 0 { "," } else { "" };
            sql.push_str(&format!(
                "{sep}(${}, ${}, ${}, ${}, ${}, 'present', 'member', ${}, ${}, ${}, ${}, 1000000)",
                b + 1,
                b + 2,
                b + 3,
                b + 4,
                b + 5,
                b + 6,
                b + 7,
                b + 8,
                b + 9
            ));
        }
        hallpass_core::exec_tx!(&mut tx, c => {
            let mut q = sqlx::query(&sql);
            for &i in chunk {
                // Visit i: a slot, a week back (1–52), one of its members.
                let (slot, group, start, weekday) = &slots[i % slots.len()];
                let week = 1 + (i / slots.len()) % 52;
                let day = monday - Days::days(7 * week as i64) + Days::days(i64::from(*weekday) - 1);
                let member = clients[((i % slots.len()) / 7 * MEMBERS + (i / slots.len() / 52) % MEMBERS) * 7 % clients.len()];
                let settle = i % 50 == 0;
                q = q.bind(Uuid::now_v7()).bind(*slot).bind(format!("{day}T{start}")).bind(*group).bind(member)
                    .bind(if settle { 0 } else { 1 }).bind(settle).bind(day).bind(now);
            }
            q.execute(&mut *c).await
        })
        .unwrap();
    }
    // A pass per member: fine, running low, ending soon or expired.
    let members: Vec<Uuid> = (0..groups.len() * MEMBERS)
        .map(|k| clients[k * 7 % clients.len()])
        .collect();
    let plan = ids(db, "SELECT id FROM membership_plans ORDER BY name LIMIT 1").await[0];
    for chunk in members.chunks(500) {
        let mut sql = String::from("INSERT INTO memberships (id, client_id, plan_id, payer_id, name, visits_total, visits_left, starts_on, ends_on, validity_count, validity_unit, created_at, updated_at) VALUES ");
        for k in 0..chunk.len() {
            let b = k * 7;
            let sep = if k > 0 { "," } else { "" };
            sql.push_str(&format!(
                "{sep}(${}, ${}, ${}, ${}, '8 classes', 8, ${}, ${}, ${}, 30, 'days', ${}, ${})",
                b + 1,
                b + 2,
                b + 3,
                b + 2,
                b + 4,
                b + 5,
                b + 6,
                b + 7,
                b + 7
            ));
        }
        hallpass_core::exec_tx!(&mut tx, c => {
            let mut q = sqlx::query(&sql);
            for (k, m) in chunk.iter().enumerate() {
                let (left, start) = match k % 10 {
                    0 => (1, today - Days::days(20)),
                    1 => (5, today - Days::days(27)),
                    2 => (3, today - Days::days(45)),
                    _ => (6, today - Days::days(5)),
                };
                q = q.bind(Uuid::now_v7()).bind(*m).bind(plan).bind(left).bind(start).bind(start + Days::days(29)).bind(now);
            }
            q.execute(&mut *c).await
        })
        .unwrap();
    }
    tx.commit().await.unwrap();
    match db {
        Db::Sqlite(p) => drop(sqlx::query("ANALYZE").execute(p).await.unwrap()),
        Db::Postgres(p) => drop(sqlx::query("VACUUM (ANALYZE)").execute(p).await.unwrap()),
    }
}

async fn run(engine: &str, core: Core) {
    hallpass_core::demo::seed(&core).await.unwrap();
    seed::seed(&core.db).await;
    let login = |l: &str| LoginArgs {
        login: l.into(),
        password: hallpass_core::demo::DEMO_PASSWORD.into(),
        device: None,
    };
    let token = core.login(login("manager")).await.unwrap().token;
    let tok = Some(token.as_str());
    let clients = ids(&core.db, "SELECT id FROM clients ORDER BY created_at, id").await;
    let today = Utc::now().date_naive();
    let t = Instant::now();
    let groups = timetable(&core, tok, &clients, today - Days::days(365)).await;
    println!(
        "{engine:<8} {} groups in {ROOMS} rooms made in {:.1} s",
        groups.len(),
        t.elapsed().as_secs_f64()
    );
    let t = Instant::now();
    history(&core.db, &groups, &clients, today).await;
    println!(
        "{engine:<8} loaded {VISITS} past visits in {:.1} s",
        t.elapsed().as_secs_f64()
    );

    let monday = today
        - Days::days(i64::from(
            chrono::Datelike::weekday(&today).num_days_from_monday(),
        ));
    for (what, days) in [("week (all rooms)", 7u32), ("day (all rooms)", 1)] {
        let mut took = Vec::new();
        let mut shown = (0, 0);
        for _ in 0..20 {
            let t = Instant::now();
            let w = core
                .schedule_week(
                    tok,
                    ScheduleWeekArgs {
                        from: monday.to_string(),
                        days: Some(days),
                        ..Default::default()
                    },
                )
                .await
                .unwrap();
            took.push(t.elapsed());
            shown = (w.occurrences.len(), w.flagged.len());
        }
        let (median, p95) = stats(took);
        println!("{engine:<8} schedule_week, {what}: {} classes, {} members red-flagged: median {median:.1} ms, p95 {p95:.1} ms", shown.0, shown.1);
    }

    // Classes of 30 marked present one by one, then held (each member with a pass).
    let desk = core.login(login("instructor")).await.unwrap().token;
    let desk = Some(desk.as_str());
    let (mut marks, mut holds) = (Vec::new(), Vec::new());
    for (n, g) in groups.iter().take(10).enumerate() {
        let members: Vec<Uuid> = (0..30)
            .map(|k| clients[(50_000 + n * 30 + k) % clients.len()])
            .collect();
        core.group_members_set(
            tok,
            GroupMembersSetArgs {
                group_id: g.id,
                version: g.version,
                client_ids: members.clone(),
                on: None,
            },
        )
        .await
        .unwrap();
        let plan = core
            .membership_plans_list(tok, MembershipPlansListArgs::default())
            .await
            .unwrap()[0]
            .id;
        for m in &members {
            core.membership_sell(
                tok,
                MembershipSellArgs {
                    client_id: *m,
                    plan_id: plan,
                    payer_id: None,
                    start_date: None,
                    discount: None,
                    note: String::new(),
                },
            )
            .await
            .unwrap();
        }
        let day = core
            .schedule_week(
                tok,
                ScheduleWeekArgs {
                    from: today.to_string(),
                    days: Some(1),
                    group_id: Some(g.id),
                    ..Default::default()
                },
            )
            .await
            .unwrap();
        let occ = day.occurrences[0].id.clone();
        let t = Instant::now();
        for m in &members {
            core.attendance_mark(
                desk,
                AttendanceMarkArgs {
                    op_id: Uuid::now_v7(),
                    occurrence_id: occ.clone(),
                    client_id: *m,
                    status: AttendanceStatus::Present,
                    kind: None,
                },
            )
            .await
            .unwrap();
        }
        marks.push(t.elapsed());
        let t = Instant::now();
        let held = core
            .class_hold(
                desk,
                ClassHoldArgs {
                    op_id: Uuid::now_v7(),
                    occurrence_id: occ,
                },
            )
            .await
            .unwrap();
        holds.push(t.elapsed());
        assert_eq!(held.visits.iter().filter(|v| v.visits == 1).count(), 30);
    }
    let (median, p95) = stats(marks);
    println!("{engine:<8} marking 30 present (30 attendance_mark): median {median:.0} ms, p95 {p95:.0} ms (10 classes)");
    let (median, p95) = stats(holds);
    println!("{engine:<8} holding a class of 30 (class_hold): median {median:.0} ms, p95 {p95:.0} ms (10 classes)");
}

#[tokio::main]
async fn main() {
    let keep = std::env::var("HALLPASS_BENCH_KEEP").ok();
    let dir = tempfile::tempdir().unwrap();
    let path = match &keep {
        Some(k) => std::path::Path::new(k).join("schedule.db"),
        None => dir.path().join("bench.db"),
    };
    let core = Core::open(&DbUrl::Sqlite(path.to_string_lossy().into_owned()))
        .await
        .unwrap();
    let db = core.db.clone();
    run("sqlite", core).await;
    // Everything in the file itself, for the browser benchmark's copy of it.
    if let Db::Sqlite(p) = &db {
        sqlx::query("PRAGMA wal_checkpoint(TRUNCATE)")
            .execute(p)
            .await
            .unwrap();
    }
    if let Ok(url) = std::env::var("HALLPASS_TEST_PG_URL") {
        let schema = pg::schema(&url).await;
        run("postgres", Core::new(schema.db.clone())).await;
        schema.drop().await;
    } else {
        println!("postgres: HALLPASS_TEST_PG_URL not set, skipped");
    }
}
