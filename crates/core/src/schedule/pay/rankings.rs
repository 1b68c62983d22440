//! Instructors ranked over a span: clients who joined and who left their groups, classes
//! held, attendees and what the visits at their classes were worth.

use std::collections::HashMap;

use uuid::Uuid;

use super::compute::lines;
use super::periods::dates;
use super::{InstructorRank, InstructorRankings, InstructorRankingsArgs};
use crate::auth::Session;
use crate::error::{ApiError, Problems};
use crate::schedule::Named;
use crate::{on_tx, Core};

pub(crate) async fn instructor_rankings(
    core: &Core,
    session: &Session,
    args: InstructorRankingsArgs,
) -> Result<InstructorRankings, ApiError> {
    let mut p = Problems::default();
    let (from, to) = dates(&mut p, &args.from, &args.to);
    p.finish()?;
    let mut tx = core.db.read().await?;
    let joined: Vec<(Uuid, i64)> = on_tx!(&mut tx, c => sqlx::query_as(
        "SELECT g.instructor_id, COUNT(*) FROM group_members m JOIN class_groups g ON g.id = m.group_id \
         WHERE g.instructor_id IS NOT NULL AND m.joined_on >= $1 AND m.joined_on <= $2 GROUP BY g.instructor_id")
        .bind(from).bind(to).fetch_all(c).await)?;
    let left: Vec<(Uuid, i64)> = on_tx!(&mut tx, c => sqlx::query_as(
        "SELECT g.instructor_id, COUNT(*) FROM group_members m JOIN class_groups g ON g.id = m.group_id \
         WHERE g.instructor_id IS NOT NULL AND m.left_on >= $1 AND m.left_on <= $2 GROUP BY g.instructor_id")
        .bind(from).bind(to).fetch_all(c).await)?;
    let held = lines(&mut tx, session.local.time_zone, None, from, to).await?;
    let teaching: Vec<(Uuid, String)> = on_tx!(&mut tx, c => sqlx::query_as(
        "SELECT id, name FROM staff WHERE teaches <> '[]' OR id IN (SELECT instructor_id FROM class_groups) ORDER BY name")
        .fetch_all(c).await)?;
    tx.commit().await?;
    let mut ranks: HashMap<Uuid, InstructorRank> = HashMap::new();
    for (id, name) in teaching {
        ranks.insert(
            id,
            InstructorRank {
                instructor: Named { id, name },
                enrolments: 0,
                refusals: 0,
                classes: 0,
                attendees: 0,
                revenue: 0,
            },
        );
    }
    let count = |n: i64| u32::try_from(n).unwrap_or(0);
    for (id, n) in joined {
        if let Some(r) = ranks.get_mut(&id) {
            r.enrolments = count(n);
        }
    }
    for (id, n) in left {
        if let Some(r) = ranks.get_mut(&id) {
            r.refusals = count(n);
        }
    }
    for (id, list) in held {
        if let Some(r) = ranks.get_mut(&id) {
            r.classes = list.len() as u32;
            r.attendees = list.iter().map(|l| l.attendees).sum();
            r.revenue = list.iter().map(|l| l.value).sum();
        }
    }
    let mut instructors: Vec<InstructorRank> = ranks.into_values().collect();
    instructors.sort_by(|a, b| {
        b.revenue
            .cmp(&a.revenue)
            .then(b.classes.cmp(&a.classes))
            .then(a.instructor.name.cmp(&b.instructor.name))
    });
    Ok(InstructorRankings {
        from,
        to,
        instructors,
    })
}
