//! Classes derived from their slots' rules. A slot's rule (RFC 5545, e.g.
//! `FREQ=WEEKLY;BYDAY=MO`) runs from a local start time in the centre's zone, so a class at
//! 17:00 stays at 17:00 across a daylight-saving change. Nothing is generated ahead: the
//! classes of a span of days are worked out when asked for.

use chrono::{Datelike, Duration, NaiveDate, NaiveDateTime, NaiveTime, TimeZone, Utc};
use chrono_tz::Tz;
use rrule::{Frequency, NWeekday, RRule, Unvalidated};

/// How a class's identity is written: its slot and the start its rule gives it (local
/// time), which it keeps when it is moved.
pub fn occurrence_id(slot: uuid::Uuid, original: NaiveDateTime) -> String {
    format!("{slot}_{}", original.format("%Y%m%dT%H%M"))
}

/// The slot and local start of an occurrence id, or none if it is not one.
pub fn parse_occurrence_id(id: &str) -> Option<(uuid::Uuid, NaiveDateTime)> {
    let (slot, when) = id.split_once('_')?;
    let slot = uuid::Uuid::parse_str(slot).ok()?;
    let when = NaiveDateTime::parse_from_str(when, "%Y%m%dT%H%M").ok()?;
    Some((slot, when))
}

/// The key stored with a class's changes: `YYYY-MM-DDTHH:MM`, local.
pub fn original_key(original: NaiveDateTime) -> String {
    original.format("%Y-%m-%dT%H:%M").to_string()
}

pub fn parse_original_key(s: &str) -> Option<NaiveDateTime> {
    NaiveDateTime::parse_from_str(s, "%Y-%m-%dT%H:%M").ok()
}

/// A weekly rule: every `every_weeks` weeks on `weekday` (1 Monday … 7 Sunday).
pub fn weekly_rule(weekday: u8, every_weeks: u8) -> String {
    const DAYS: [&str; 7] = ["MO", "TU", "WE", "TH", "FR", "SA", "SU"];
    let day = DAYS[usize::from(weekday.clamp(1, 7) - 1)];
    if every_weeks > 1 {
        format!("FREQ=WEEKLY;INTERVAL={every_weeks};BYDAY={day}")
    } else {
        format!("FREQ=WEEKLY;BYDAY={day}")
    }
}

/// The weekday (1–7) and interval of a weekly rule with one day, as [`weekly_rule`] writes it.
pub fn weekly_parts(rule: &str) -> Option<(u8, u8)> {
    let r: RRule<Unvalidated> = rule.parse().ok()?;
    if r.get_freq() != Frequency::Weekly {
        return None;
    }
    let [NWeekday::Every(day)] = r.get_by_weekday() else {
        return None;
    };
    Some((
        day.number_from_monday() as u8,
        u8::try_from(r.get_interval()).unwrap_or(1),
    ))
}

/// Whether the rule text is one this module expands.
pub fn valid_rule(rule: &str) -> bool {
    rule.parse::<RRule<Unvalidated>>()
        .is_ok_and(|r| r.get_until().is_none() && !r.get_by_weekday().is_empty())
}

/// The instant a local time means in `tz`: the earlier one when clocks go back, the first
/// valid minute after a gap when they go forward.
pub fn to_utc(tz: Tz, local: NaiveDateTime) -> chrono::DateTime<Utc> {
    let mut t = local;
    for _ in 0..4 {
        if let Some(dt) = tz.from_local_datetime(&t).earliest() {
            return dt.with_timezone(&Utc);
        }
        t += Duration::minutes(30);
    }
    Utc.from_utc_datetime(&local)
}

/// One slot's rule and span, as stored.
#[derive(Debug, Clone)]
pub struct SlotRule<'a> {
    pub rule: &'a str,
    pub start: NaiveTime,
    pub valid_from: NaiveDate,
    pub valid_until: Option<NaiveDate>,
}

/// The local starts of a slot's classes on the days `from..=until`.
pub fn starts(
    slot: &SlotRule<'_>,
    tz: Tz,
    from: NaiveDate,
    until: NaiveDate,
) -> Vec<NaiveDateTime> {
    let until = slot.valid_until.map_or(until, |u| u.min(until));
    if until < from || until < slot.valid_from {
        return Vec::new();
    }
    let Ok(rule) = slot.rule.parse::<RRule<Unvalidated>>() else {
        return Vec::new();
    };
    let days: Vec<u32> = rule
        .get_by_weekday()
        .iter()
        .map(|d| match d {
            NWeekday::Every(w) | NWeekday::Nth(_, w) => w.num_days_from_monday(),
        })
        .collect();
    // The rule starts on its first matching day from the slot's first day.
    let Some(mut anchor) = (0..7)
        .map(|i| slot.valid_from + Duration::days(i))
        .find(|d| days.is_empty() || days.contains(&d.weekday().num_days_from_monday()))
    else {
        return Vec::new();
    };
    // A plain weekly rule repeats every `interval` weeks: start it at the last repeat before
    // the span instead of walking from a start years back.
    if rule.get_freq() == Frequency::Weekly && rule.get_count().is_none() {
        let step = i64::from(rule.get_interval().max(1)) * 7;
        let behind = (from - anchor).num_days() - 7;
        if behind > step {
            anchor += Duration::days(behind / step * step);
        }
    }
    let zone = rrule::Tz::Tz(tz);
    let local = |d: NaiveDate, t: NaiveTime| zone.from_local_datetime(&d.and_time(t)).earliest();
    let (Some(dt_start), Some(after), Some(before)) = (
        local(anchor, slot.start).or_else(|| local(anchor, slot.start + Duration::hours(1))),
        local(from.max(slot.valid_from), NaiveTime::MIN),
        local(
            until,
            NaiveTime::from_hms_opt(23, 59, 59).unwrap_or(NaiveTime::MIN),
        ),
    ) else {
        return Vec::new();
    };
    let Ok(set) = rule.build(dt_start) else {
        return Vec::new();
    };
    set.after(after)
        .before(before)
        .all(1000)
        .dates
        .into_iter()
        .map(|d| d.naive_local())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn a_weekly_class_keeps_its_local_time_across_daylight_saving() {
        let tz: Tz = "Europe/Berlin".parse().unwrap();
        let rule = weekly_rule(6, 1);
        let slot = SlotRule {
            rule: &rule,
            start: NaiveTime::from_hms_opt(17, 0, 0).unwrap(),
            valid_from: d(2026, 3, 1),
            valid_until: None,
        };
        let s = starts(&slot, tz, d(2026, 3, 21), d(2026, 4, 4));
        assert_eq!(s.len(), 3);
        assert!(s
            .iter()
            .all(|t| t.time() == NaiveTime::from_hms_opt(17, 0, 0).unwrap()));
        // 28 March is before the change (UTC+1), 4 April after (UTC+2).
        assert_eq!(to_utc(tz, s[0]).format("%H:%M").to_string(), "16:00");
        assert_eq!(to_utc(tz, s[2]).format("%H:%M").to_string(), "15:00");
    }

    #[test]
    fn fortnightly_classes_keep_their_rhythm_far_from_the_start() {
        let tz: Tz = "Asia/Vientiane".parse().unwrap();
        let rule = weekly_rule(1, 2);
        let slot = SlotRule {
            rule: &rule,
            start: NaiveTime::from_hms_opt(9, 0, 0).unwrap(),
            valid_from: d(2024, 1, 1),
            valid_until: Some(d(2027, 1, 1)),
        };
        // 2024-01-01 is a Monday; every other Monday from it.
        let s = starts(&slot, tz, d(2026, 11, 1), d(2026, 11, 30));
        for t in &s {
            assert_eq!((t.date() - d(2024, 1, 1)).num_days() % 14, 0, "{t}");
        }
        assert_eq!(s.len(), 3);
        assert_eq!(weekly_parts(&rule), Some((1, 2)));
    }

    #[test]
    fn ids_round_trip() {
        let slot = uuid::Uuid::now_v7();
        let t = d(2026, 12, 1).and_hms_opt(17, 30, 0).unwrap();
        assert_eq!(
            parse_occurrence_id(&occurrence_id(slot, t)),
            Some((slot, t))
        );
        assert_eq!(parse_original_key(&original_key(t)), Some(t));
        assert!(parse_occurrence_id("nonsense").is_none());
    }
}
