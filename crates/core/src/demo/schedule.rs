//! The demo centre's timetable: services with colours and lengths, instructors with their
//! hours, groups with members on weekly slots (two classes of one instructor every day, so
//! the tablet always has some and the desk a clash to show), three weeks of past classes
//! marked and held — visits written off, a few owed, make-ups earned — and the instructors'
//! pay rules.

use chrono::{DateTime, Datelike, Duration, NaiveDate, Utc};
use uuid::Uuid;

use super::money::KIP;
use super::Lcg;
use crate::auth::Session;
use crate::db::Tx;
use crate::error::ApiError;
use crate::schedule::attendance::hold::hold;
use crate::schedule::attendance::mark::mark_in;
use crate::schedule::attendance::writeoff::choose;
use crate::schedule::attendance::{AttendanceMarkArgs, AttendanceStatus};
use crate::schedule::context::Context;
use crate::schedule::groups::{insert_group, members::join, GroupInput, GroupKind, SlotInput};
use crate::schedule::hours::OpeningSpan;
use crate::schedule::occurrences::{derive, Filter, OccurrenceStatus};
use crate::{exec_tx, on_tx};

/// (service, colour, minutes, equipment needed)
const SERVICES: &[(&str, &str, i32, &[&str])] = &[
    ("Ballet", "#8c2f4b", 60, &["mirrors"]),
    ("Swimming", "#1f5f99", 45, &[]),
    ("Karate", "#8a3b12", 60, &["mats"]),
    ("Art studio", "#2e6b30", 90, &["easels"]),
    ("Piano lesson", "#6b3a8c", 45, &["piano"]),
];

/// (name, service, room, capacity, slots (weekday, HH:MM), members: which list and range)
type Plan = (
    &'static str,
    &'static str,
    &'static str,
    u32,
    &'static [(u8, &'static str)],
    bool,
    (usize, usize),
);
const GROUPS: &[Plan] = &[
    (
        "Karate kids",
        "Karate",
        "Gym",
        14,
        &[(1, "17:00"), (3, "17:00"), (5, "17:00"), (7, "11:30")],
        true,
        (0, 10),
    ),
    (
        "Ballet juniors",
        "Ballet",
        "Studio A",
        12,
        &[(1, "16:00"), (3, "16:00"), (5, "16:00")],
        true,
        (10, 18),
    ),
    (
        "Ballet seniors",
        "Ballet",
        "Studio A",
        12,
        &[(2, "18:00"), (4, "18:00"), (6, "12:00")],
        true,
        (18, 26),
    ),
    (
        "Art club",
        "Art studio",
        "Art room",
        10,
        &[(2, "15:00"), (4, "15:00"), (6, "10:00")],
        true,
        (26, 34),
    ),
    (
        "Family karate",
        "Karate",
        "Gym",
        12,
        &[(7, "10:00")],
        false,
        (0, 6),
    ),
];

async fn service(tx: &mut Tx, name: &str) -> Result<Uuid, ApiError> {
    let id: Uuid = on_tx!(tx, c => sqlx::query_scalar("SELECT id FROM catalog_items WHERE name = $1")
        .bind(name).fetch_one(c).await)?;
    Ok(id)
}

fn span(weekday: u8, opens: &str, closes: &str) -> OpeningSpan {
    OpeningSpan {
        weekday,
        opens: opens.into(),
        closes: closes.into(),
    }
}

/// Rooms open Monday to Friday 08:00–21:00 and Saturday 09:00–18:00.
pub(super) async fn rooms(
    tx: &mut Tx,
    list: &[(&str, u32, &[&str])],
    manager: &Session,
    now: DateTime<Utc>,
) -> Result<(), ApiError> {
    for (name, capacity, equipment) in list {
        let mut opening_hours: Vec<_> = (1..=5).map(|d| span(d, "08:00", "21:00")).collect();
        opening_hours.push(span(6, "09:00", "18:00"));
        let room = crate::schedule::rooms::RoomInput {
            name: name.to_string(),
            capacity: *capacity,
            equipment: equipment.iter().map(|e| e.to_string()).collect(),
            opening_hours,
            archived: false,
        };
        crate::schedule::rooms::insert_room(tx, &room, manager, now).await?;
    }
    Ok(())
}

pub(super) async fn seed(
    tx: &mut Tx,
    manager: &Session,
    teacher: &Session,
    kids: &[Uuid],
    adults: &[Uuid],
    rng: &mut Lcg,
    now: DateTime<Utc>,
) -> Result<(), ApiError> {
    let today = manager.local_date(now);
    for (name, colour, minutes, equipment) in SERVICES {
        exec_tx!(tx, c => sqlx::query(
            "INSERT INTO service_settings (item_id, colour, duration_minutes, equipment, updated_at, updated_by, version) \
             SELECT id, $2, $3, $4, $5, $6, 1 FROM catalog_items WHERE name = $1 AND kind = 'service'")
            .bind(name).bind(colour).bind(minutes).bind(serde_json::to_string(equipment).unwrap_or_default())
            .bind(now).bind(manager.user_id).execute(c).await)?;
    }
    // The gym opens on Sunday mornings for families.
    let gym_hours: String = on_tx!(tx, c => sqlx::query_scalar("SELECT opening_hours FROM rooms WHERE name = 'Gym'").fetch_one(c).await)?;
    let mut hours: Vec<OpeningSpan> = serde_json::from_str(&gym_hours).unwrap_or_default();
    hours.push(span(7, "09:00", "14:00"));
    exec_tx!(tx, c => sqlx::query("UPDATE rooms SET opening_hours = $1 WHERE name = 'Gym'")
        .bind(serde_json::to_string(&hours).unwrap_or_default()).execute(c).await)?;
    let mut teaches = Vec::new();
    for s in ["Ballet", "Karate", "Art studio"] {
        teaches.push(service(tx, s).await?);
    }
    let mut week: Vec<OpeningSpan> = (1..=6).map(|d| span(d, "09:00", "20:00")).collect();
    week.push(span(7, "09:00", "13:00"));
    exec_tx!(tx, c => sqlx::query("UPDATE staff SET teaches = $1, availability = $2 WHERE user_id = $3")
        .bind(serde_json::to_string(&teaches).unwrap_or_default()).bind(serde_json::to_string(&week).unwrap_or_default())
        .bind(teacher.user_id).execute(c).await)?;
    let swim = vec![
        service(tx, "Swimming").await?,
        service(tx, "Piano lesson").await?,
    ];
    exec_tx!(tx, c => sqlx::query("UPDATE staff SET teaches = $1, availability = $2 WHERE name = 'Khamphet Vongsa'")
        .bind(serde_json::to_string(&swim).unwrap_or_default())
        .bind(serde_json::to_string(&(1..=5).map(|d| span(d, "14:00", "20:00")).collect::<Vec<_>>()).unwrap_or_default())
        .execute(c).await)?;
    let instructor: Uuid = on_tx!(tx, c => sqlx::query_scalar("SELECT id FROM staff WHERE user_id = $1")
        .bind(teacher.user_id).fetch_one(c).await)?;

    let starts = today - Duration::days(21);
    let mut groups = Vec::new();
    for (name, svc, room, capacity, slots, children, (from, to)) in GROUPS {
        let ctx = Context::load(tx, today).await?;
        let room_id = ctx.rooms.iter().find(|r| r.name == *room).map(|r| r.id);
        let input = GroupInput {
            name: name.to_string(),
            kind: GroupKind::Group,
            service_id: service(tx, svc).await?,
            instructor_id: Some(instructor),
            room_id,
            capacity: *capacity,
            age_min: children.then_some(5),
            age_max: children.then_some(14),
            price_visits: 1,
            duration_minutes: None,
            sessions_per_week: slots.len() as u32,
            starts_on: starts.to_string(),
            ends_on: None,
            archived: false,
            slots: slots
                .iter()
                .map(|(weekday, start)| SlotInput {
                    weekday: *weekday,
                    start: start.to_string(),
                    duration_minutes: None,
                    every_weeks: 1,
                    room_id: None,
                    instructor_id: None,
                    locked: false,
                })
                .collect(),
        };
        let id = insert_group(tx, &ctx, &input, manager, now).await?;
        let people = if *children { kids } else { adults };
        for client in people.iter().take(*to).skip(*from) {
            join(tx, id, *client, starts, manager, now).await?;
        }
        groups.push(id);
    }
    // Three weeks of classes up to yesterday: marked by the instructor and held. Today's are
    // left for the desk and the tablets, whatever the hour the demo was made.
    let tz = manager.local.time_zone;
    let past = derive(tx, tz, starts, today, &Filter::default()).await?;
    for o in past.iter().filter(|o| {
        o.ends_at < now
            && manager.local_date(o.starts_at) < today
            && o.status == OccurrenceStatus::Scheduled
    }) {
        let members: Vec<Uuid> = on_tx!(tx, c => sqlx::query_scalar(
            "SELECT client_id FROM group_members WHERE group_id = $1 ORDER BY client_id").bind(o.group.id).fetch_all(c).await)?;
        let day = manager.local_date(o.starts_at);
        for client in members {
            // Most children without a pass to pay stay home; one in eight comes anyway and
            // owes the class at the desk.
            let paid = choose(tx, client, o.service.id, day, 1).await?.is_some();
            let status = match rng.next() % 20 {
                _ if !paid && !rng.next().is_multiple_of(8) => AttendanceStatus::Absent,
                0 => AttendanceStatus::Absent,
                1 => AttendanceStatus::Excused,
                2 => AttendanceStatus::Late,
                _ => AttendanceStatus::Present,
            };
            let args = AttendanceMarkArgs {
                op_id: crate::new_id(),
                occurrence_id: o.id.clone(),
                client_id: client,
                status,
                kind: None,
            };
            mark_in(tx, teacher, o, &args, o.starts_at).await?;
        }
        hold(tx, teacher, o, o.ends_at).await?;
    }
    holidays(tx, today, manager, now).await?;
    pay_rules(tx, instructor, starts, today, now).await
}

/// The coming public holidays of Laos the centre closes on (Women's Day, the three days of
/// Lao New Year), each on its next date more than a month away.
async fn holidays(
    tx: &mut Tx,
    today: NaiveDate,
    manager: &Session,
    now: DateTime<Utc>,
) -> Result<(), ApiError> {
    const DAYS: [(u32, u32, &str); 4] = [
        (3, 8, "International Women's Day"),
        (4, 14, "Lao New Year"),
        (4, 15, "Lao New Year"),
        (4, 16, "Lao New Year"),
    ];
    for (month, day, name) in DAYS {
        let next = (0..2)
            .filter_map(|y| NaiveDate::from_ymd_opt(today.year() + y, month, day))
            .find(|d| *d > today + Duration::days(31));
        let Some(day) = next else { continue };
        exec_tx!(tx, c => sqlx::query("INSERT INTO holidays (day, name, created_at, created_by) VALUES ($1, $2, $3, $4)")
            .bind(day).bind(name).bind(now).bind(manager.user_id).execute(c).await)?;
    }
    Ok(())
}

/// A pay rule: staff, service, from, per class, per attendee, tiers, percent points, empty
/// class, substitute (kip).
type Rule = (
    Uuid,
    Option<Uuid>,
    NaiveDate,
    i64,
    i64,
    &'static str,
    i32,
    i64,
    Option<i64>,
);

/// Somsack's pay: a general rule from before the first class, Karate's own, raised a week
/// ago (earlier classes keep the old rate); Khamphet's general rule.
async fn pay_rules(
    tx: &mut Tx,
    somsack: Uuid,
    starts: NaiveDate,
    today: NaiveDate,
    now: DateTime<Utc>,
) -> Result<(), ApiError> {
    let karate = service(tx, "Karate").await?;
    let khamphet: Uuid = on_tx!(tx, c => sqlx::query_scalar("SELECT id FROM staff WHERE name = 'Khamphet Vongsa'")
        .fetch_one(c).await)?;
    let tiers = r#"[{"min_attendees":8,"amount":2000000}]"#;
    let rules: [Rule; 4] = [
        (
            somsack,
            None,
            starts - Duration::days(7),
            60_000,
            5_000,
            tiers,
            0,
            30_000,
            Some(50_000),
        ),
        (
            somsack,
            Some(karate),
            starts - Duration::days(7),
            50_000,
            0,
            "[]",
            1_000,
            30_000,
            None,
        ),
        (
            somsack,
            Some(karate),
            today - Duration::days(7),
            70_000,
            0,
            "[]",
            1_000,
            30_000,
            None,
        ),
        (
            khamphet,
            None,
            starts - Duration::days(7),
            80_000,
            0,
            "[]",
            0,
            40_000,
            Some(60_000),
        ),
    ];
    for (staff, svc, from, per_class, per_attendee, tiers, percent, empty, sub) in rules {
        exec_tx!(tx, c => sqlx::query(
            "INSERT INTO pay_rules (id, staff_id, service_id, service_key, effective_from, per_class, per_attendee, tiers, \
             percent_points, empty_class, substitute_per_class, note, created_at, created_by) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, '', $12, NULL)")
            .bind(crate::new_id()).bind(staff).bind(svc).bind(svc.map(|s| s.to_string()).unwrap_or_default())
            .bind(from).bind(per_class * KIP).bind(per_attendee * KIP).bind(tiers).bind(percent)
            .bind(empty * KIP).bind(sub.map(|x| x * KIP)).bind(now)
            .execute(c).await)?;
    }
    Ok(())
}
