//! The grid's data: the classes of a week (or a few), each with how many members it has on
//! its day and which of them are red-flagged — owing money, or a pass that is unpaid,
//! expired, frozen, running out or used up.

use std::collections::{HashMap, HashSet};

use chrono::{Duration, NaiveDate};
use uuid::Uuid;

use super::{derive, Filter, FlaggedClient, ScheduleWeek, ScheduleWeekArgs};
use crate::auth::Session;
use crate::db::Tx;
use crate::error::{ApiError, Problems};
use crate::money::flags::{flags_for, ClientFlags, Flag, Reader, MAX_IDS};
use crate::schedule::Named;
use crate::text::date_field;
use crate::{on_tx, Core};

/// The flags that make a class red: money owed and a pass in trouble (not the card's own
/// medical note or missing guardian).
pub(crate) fn red_flags(flags: Vec<Flag>) -> Vec<Flag> {
    flags
        .into_iter()
        .filter(|f| !matches!(f, Flag::MedicalNote | Flag::NoGuardian))
        .collect()
}

/// Red flags of `ids`, in chunks the flags query takes.
pub(crate) async fn flagged(
    tx: &mut Tx,
    ids: &[Uuid],
    today: NaiveDate,
    reader: Reader,
) -> Result<Vec<ClientFlags>, ApiError> {
    let mut out = Vec::new();
    for chunk in ids.chunks(MAX_IDS) {
        for mut f in flags_for(tx, Some(chunk), today, reader).await? {
            f.flags = red_flags(f.flags);
            if !f.flags.is_empty() {
                out.push(f);
            }
        }
    }
    Ok(out)
}

pub(crate) async fn schedule_week(
    core: &Core,
    session: &Session,
    args: ScheduleWeekArgs,
) -> Result<ScheduleWeek, ApiError> {
    let mut p = Problems::default();
    let from = date_field(&mut p, "from", &args.from);
    let days = args.days.unwrap_or(7);
    if !(1..=42).contains(&days) {
        p.add("days", "out_of_range", "from 1 to 42 days");
    }
    p.finish()?;
    let from = from.unwrap_or_default();
    let until = from + Duration::days(i64::from(days) - 1);
    let tz = session.local.time_zone;
    let today = session.local_date(core.now());
    let mut tx = core.db.read().await?;
    let f = Filter {
        room: args.room_id,
        instructor: args.instructor_id,
        group: args.group_id,
        slot: None,
    };
    let mut occurrences = derive(&mut tx, tz, from, until, &f).await?;
    // Members of these groups over the span, with their days.
    let groups: HashSet<Uuid> = occurrences.iter().map(|o| o.group.id).collect();
    let rows: Vec<(Uuid, Uuid, String, NaiveDate, Option<NaiveDate>)> = if groups.is_empty() {
        Vec::new()
    } else {
        on_tx!(&mut tx, c => sqlx::query_as(
            "SELECT m.group_id, m.client_id, c.name, m.joined_on, m.left_on FROM group_members m \
             JOIN clients c ON c.id = m.client_id WHERE m.joined_on <= $2 AND (m.left_on IS NULL OR m.left_on > $1)")
            .bind(from).bind(until).fetch_all(c).await)?
    };
    let mut members: HashMap<Uuid, Vec<(Uuid, NaiveDate, Option<NaiveDate>)>> = HashMap::new();
    let mut names: HashMap<Uuid, String> = HashMap::new();
    for (g, c, name, joined, left) in rows.into_iter().filter(|r| groups.contains(&r.0)) {
        members.entry(g).or_default().push((c, joined, left));
        names.insert(c, name);
    }
    let ids: Vec<Uuid> = names.keys().copied().collect();
    let flags = flagged(&mut tx, &ids, today, Reader::of(session)).await?;
    let red: HashSet<Uuid> = flags.iter().map(|f| f.client_id).collect();
    let holidays = crate::schedule::holidays::between(&mut tx, from, until).await?;
    tx.commit().await?;
    for o in &mut occurrences {
        let day = o.original.date();
        let on_day = members
            .get(&o.group.id)
            .into_iter()
            .flatten()
            .filter(|(_, joined, left)| *joined <= day && left.is_none_or(|l| l > day));
        let mut n = 0;
        for (c, _, _) in on_day {
            n += 1;
            if red.contains(c) {
                o.flagged.push(*c);
            }
        }
        o.booked = n;
    }
    let flagged = flags
        .into_iter()
        .map(|f| FlaggedClient {
            client: Named {
                id: f.client_id,
                name: names.get(&f.client_id).cloned().unwrap_or_default(),
            },
            flags: f.flags,
        })
        .collect();
    Ok(ScheduleWeek {
        from,
        until,
        time_zone: tz.name().to_string(),
        occurrences,
        flagged,
        holidays,
    })
}
