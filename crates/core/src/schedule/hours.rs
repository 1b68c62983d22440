//! Weekly spans of local time: a room's opening hours, an instructor's availability. Times
//! are `HH:MM` in the centre's zone; a weekday may have several spans (a lunch break), and a
//! weekday with none is closed.

use chrono::{NaiveTime, Timelike};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use specta::Type;

use crate::error::Problems;

/// One span on one weekday: from `opens` to `closes` (`HH:MM`, local time).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct OpeningSpan {
    /// 1 Monday … 7 Sunday.
    pub weekday: u8,
    pub opens: String,
    pub closes: String,
}

/// A time of day as `HH:MM`, or a problem at `field`.
pub(crate) fn time(p: &mut Problems, field: &str, raw: &str) -> Option<NaiveTime> {
    match NaiveTime::parse_from_str(raw.trim(), "%H:%M") {
        Ok(t) => Some(t),
        Err(_) => {
            p.add(field, "invalid_time", "a time of day as HH:MM, e.g. 08:30");
            None
        }
    }
}

/// Minutes since midnight of `HH:MM` (none for anything else).
pub fn minutes(raw: &str) -> Option<u32> {
    NaiveTime::parse_from_str(raw.trim(), "%H:%M")
        .ok()
        .map(|t| t.hour() * 60 + t.minute())
}

/// Checks spans (weekday 1–7, real times, closing after opening, no overlap on a weekday)
/// and returns them sorted by weekday and time, written as `HH:MM`. Problems are reported
/// at `{prefix}.{i}.{field}`.
pub(crate) fn check_spans(
    p: &mut Problems,
    prefix: &str,
    input: &[OpeningSpan],
) -> Vec<OpeningSpan> {
    let mut spans: Vec<(u8, NaiveTime, NaiveTime, usize)> = Vec::new();
    for (i, s) in input.iter().enumerate() {
        let field = |f: &str| format!("{prefix}.{i}.{f}");
        if !(1..=7).contains(&s.weekday) {
            p.add(field("weekday"), "out_of_range", "1 (Monday) to 7 (Sunday)");
        }
        let opens = time(p, &field("opens"), &s.opens);
        let closes = time(p, &field("closes"), &s.closes);
        if let (Some(o), Some(c)) = (opens, closes) {
            if c <= o {
                p.add(field("closes"), "before_start", "it closes before it opens");
            } else {
                spans.push((s.weekday, o, c, i));
            }
        }
    }
    spans.sort();
    for pair in spans.windows(2) {
        let ((day_a, _, close_a, _), (day_b, open_b, _, i)) = (pair[0], pair[1]);
        if day_a == day_b && open_b < close_a {
            p.add(
                format!("{prefix}.{i}.opens"),
                "overlap",
                "it overlaps another span of the same day",
            );
        }
    }
    spans
        .iter()
        .map(|(weekday, o, c, _)| OpeningSpan {
            weekday: *weekday,
            opens: o.format("%H:%M").to_string(),
            closes: c.format("%H:%M").to_string(),
        })
        .collect()
}

/// Whether `[start, end)` minutes of `weekday` lie inside one span. No spans at all means
/// "not set": always inside.
pub fn within(spans: &[OpeningSpan], weekday: u8, start: u32, end: u32) -> bool {
    spans.is_empty()
        || spans.iter().any(|s| {
            s.weekday == weekday
                && minutes(&s.opens).is_some_and(|o| o <= start)
                && minutes(&s.closes).is_some_and(|c| end <= c)
        })
}
