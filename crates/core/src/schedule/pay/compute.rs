//! Pay lines of held classes: who taught (the class's instructor, a substitute marked so),
//! how many came, what their visits were worth, the rule in force that day and what it pays.
//! Classes in an approved period come back as approved.

use std::collections::HashMap;

use chrono::{DateTime, Duration, NaiveDate, Utc};
use chrono_tz::Tz;
use uuid::Uuid;

use super::rules::{in_force, load};
use super::{class_pay, PayLine};
use crate::db::Tx;
use crate::error::ApiError;
use crate::on_tx;
use crate::schedule::recurrence::{occurrence_id, parse_original_key, to_utc};
use crate::schedule::Named;

#[derive(sqlx::FromRow)]
struct Held {
    slot_id: Uuid,
    original: String,
    starts_at: DateTime<Utc>,
    instructor_id: Uuid,
    substitute: bool,
    group_id: Uuid,
    group_name: String,
    service_id: Uuid,
    service_name: String,
    attendees: i64,
    value: Option<i64>,
    locked: Option<String>,
}

/// Each instructor's lines for the classes held from `from` to `to` (local days), one
/// instructor's if `staff` is given.
pub(crate) async fn lines(
    tx: &mut Tx,
    tz: Tz,
    staff: Option<Uuid>,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<HashMap<Uuid, Vec<PayLine>>, ApiError> {
    let start = to_utc(tz, from.and_hms_opt(0, 0, 0).unwrap_or_default());
    let end = to_utc(
        tz,
        (to + Duration::days(1))
            .and_hms_opt(0, 0, 0)
            .unwrap_or_default(),
    );
    let held: Vec<Held> = on_tx!(tx, c => sqlx::query_as(
        "SELECT o.slot_id, o.original, o.starts_at, o.instructor_id, o.substitute, o.group_id, g.name AS group_name, \
         g.service_id, i.name AS service_name, \
         (SELECT COUNT(*) FROM attendance a WHERE a.slot_id = o.slot_id AND a.original = o.original \
           AND a.status IN ('present','late')) AS attendees, \
         (SELECT CAST(SUM(a.value) AS BIGINT) FROM attendance a WHERE a.slot_id = o.slot_id AND a.original = o.original) AS value, \
         (SELECT l.line FROM pay_lines l WHERE l.slot_id = o.slot_id AND l.original = o.original) AS locked \
         FROM occurrences o JOIN class_groups g ON g.id = o.group_id JOIN catalog_items i ON i.id = g.service_id \
         WHERE o.status = 'held' AND o.instructor_id IS NOT NULL AND o.starts_at >= $1 AND o.starts_at < $2 \
         AND ($3 IS NULL OR o.instructor_id = $3) ORDER BY o.starts_at, o.slot_id")
        .bind(start).bind(end).bind(staff).fetch_all(c).await)?;
    let rules = load(tx, staff).await?;
    let mut out: HashMap<Uuid, Vec<PayLine>> = HashMap::new();
    for h in held {
        if let Some(line) = h
            .locked
            .as_deref()
            .and_then(|l| serde_json::from_str::<PayLine>(l).ok())
        {
            out.entry(h.instructor_id).or_default().push(line);
            continue;
        }
        let day = h.starts_at.with_timezone(&tz).date_naive();
        let attendees = u32::try_from(h.attendees).unwrap_or(0);
        let value = h.value.unwrap_or(0);
        let rule = in_force(&rules, h.instructor_id, h.service_id, day);
        let original = parse_original_key(&h.original).unwrap_or_default();
        out.entry(h.instructor_id).or_default().push(PayLine {
            occurrence_id: occurrence_id(h.slot_id, original),
            starts_at: h.starts_at,
            day,
            group: Named {
                id: h.group_id,
                name: h.group_name,
            },
            service: Named {
                id: h.service_id,
                name: h.service_name,
            },
            attendees,
            value,
            substitute: h.substitute,
            rule_id: rule.map(|r| r.id),
            rule_from: rule.map(|r| r.effective_from),
            amount: rule.map_or(0, |r| class_pay(r, attendees, value, h.substitute)),
            locked: false,
        });
    }
    Ok(out)
}
