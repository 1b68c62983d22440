//! The calls report over a span of the centre's days: totals and missed rate, by day (or week,
//! or month), by hour of day, by employee, by the caller's country, and how long the talks
//! were. The database sums; two grouped passes over the span, never a row per call to the
//! app. Days and hours are the centre's: the sums come per quarter hour of UTC, which every
//! time zone's hours and days are made of, and are put on local days here.

use std::collections::BTreeMap;

use chrono::{DateTime, Datelike, NaiveDate, Timelike};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use specta::Type;
use uuid::Uuid;

use crate::auth::{Session, UserRef};
use crate::db::{for_ids, Tx};
use crate::error::{ApiError, Problems};
use crate::text::optional_date_field;
use crate::{on_tx, Core};

/// The longest span one report covers.
pub const MAX_DAYS: i64 = 366;
/// Talk-time bands, in seconds (the last band is everything longer).
pub const TALK_BANDS: [u32; 5] = [30, 60, 180, 600, 1800];

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, Type, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum ReportPeriod {
    #[default]
    Day,
    /// Weeks starting on Monday.
    Week,
    Month,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, Type, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CallsReportArgs {
    /// `YYYY-MM-DD`, the centre's days, both included; by default the last 30 days.
    #[serde(default)]
    pub from: Option<String>,
    #[serde(default)]
    pub to: Option<String>,
    #[serde(default)]
    pub period: ReportPeriod,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, Type, JsonSchema)]
pub struct CallTotals {
    pub calls: u32,
    pub incoming: u32,
    pub outgoing: u32,
    /// Incoming calls nobody answered.
    pub missed: u32,
    /// Calls picked up (incoming answered, outgoing that got through).
    pub answered: u32,
    pub talk_seconds: u64,
    pub ring_seconds: u64,
    /// Incoming calls whose end Hallpass did not hear before anyone answered (the PBX link
    /// was down): neither answered nor missed as far as is known.
    pub unknown: u32,
    /// Missed of the incoming calls whose outcome is known, in tenths of a percent (0–1000),
    /// rounded.
    pub missed_permille: u32,
}

#[derive(Debug, Clone, Serialize, Deserialize, Type, JsonSchema)]
pub struct PeriodRow {
    /// The first day of the period.
    pub start: NaiveDate,
    pub totals: CallTotals,
}

#[derive(Debug, Clone, Serialize, Deserialize, Type, JsonSchema)]
pub struct HourRow {
    /// 0–23, the centre's time.
    pub hour: u8,
    pub totals: CallTotals,
}

#[derive(Debug, Clone, Serialize, Deserialize, Type, JsonSchema)]
pub struct EmployeeRow {
    /// None: calls no employee answered or placed (missed ones among them).
    pub user: Option<UserRef>,
    pub totals: CallTotals,
}

#[derive(Debug, Clone, Serialize, Deserialize, Type, JsonSchema)]
pub struct CountryRow {
    /// ISO 3166 code; none when the number does not tell.
    pub country: Option<String>,
    pub totals: CallTotals,
}

#[derive(Debug, Clone, Serialize, Deserialize, Type, JsonSchema)]
pub struct TalkBand {
    /// Talks up to this many seconds (none: longer than the last band).
    pub up_to_seconds: Option<u32>,
    pub calls: u32,
}

#[derive(Debug, Clone, Serialize, Deserialize, Type, JsonSchema)]
pub struct CallsReport {
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub totals: CallTotals,
    pub by_period: Vec<PeriodRow>,
    pub by_hour: Vec<HourRow>,
    pub by_employee: Vec<EmployeeRow>,
    pub by_country: Vec<CountryRow>,
    pub talk_bands: Vec<TalkBand>,
}

impl CallTotals {
    fn add(&mut self, outgoing: bool, missed: bool, [n, answered, talk, ring, unknown]: [i64; 5]) {
        let n = u32::try_from(n).unwrap_or(0);
        self.unknown += u32::try_from(unknown).unwrap_or(0);
        self.answered += u32::try_from(answered).unwrap_or(0);
        self.calls += n;
        if outgoing {
            self.outgoing += n;
        } else {
            self.incoming += n;
        }
        if missed && !outgoing {
            self.missed += n;
        }
        self.talk_seconds += u64::try_from(talk).unwrap_or(0);
        self.ring_seconds += u64::try_from(ring).unwrap_or(0);
        let known = u64::from(self.incoming.saturating_sub(self.unknown));
        self.missed_permille = (u64::from(self.missed) * 1000 + known / 2)
            .checked_div(known)
            .map_or(0, |p| p as u32);
    }
}

/// One grouped row: the group's key, direction, missed, then count, answered, talk and ring
/// seconds, and those of unknown outcome.
type Sums<K> = (K, String, bool, i64, i64, i64, i64, i64);
/// Who answered, the caller's country and the talk band, then as [`Sums`].
type Split = (
    Option<Uuid>,
    Option<String>,
    i32,
    String,
    bool,
    i64,
    i64,
    i64,
    i64,
    i64,
);

const SUMS: &str = "direction, missed, COUNT(*), \
    CAST(SUM(CASE WHEN answered_at IS NULL THEN 0 ELSE 1 END) AS BIGINT), \
    CAST(SUM(talk_seconds) AS BIGINT), CAST(SUM(ring_seconds) AS BIGINT), \
    CAST(SUM(CASE WHEN unheard AND answered_at IS NULL AND direction = 'incoming' THEN 1 ELSE 0 END) AS BIGINT)";
/// Both passes read the span through `calls_report`, an index holding every column they use.
const SPAN: &str = "FROM calls WHERE started_at >= $1 AND started_at < $2";

pub(crate) async fn calls_report(
    core: &Core,
    session: &Session,
    args: CallsReportArgs,
) -> Result<CallsReport, ApiError> {
    let mut p = Problems::default();
    let from = optional_date_field(&mut p, "from", &args.from);
    let to = optional_date_field(&mut p, "to", &args.to);
    p.finish()?;
    let zone = session.local.time_zone;
    let to = to.unwrap_or_else(|| session.local_date(core.now()));
    let from = from.unwrap_or(to - chrono::Duration::days(29));
    if from > to {
        return Err(ApiError::field(
            "to",
            "before_from",
            "ends before it starts",
        ));
    }
    if (to - from).num_days() >= MAX_DAYS {
        return Err(ApiError::field(
            "to",
            "too_long",
            format!("at most {MAX_DAYS} days at once"),
        ));
    }
    let start = crate::centre::start_of_day(from, zone);
    let end = crate::centre::start_of_day(to + chrono::Duration::days(1), zone);
    let mut tx = core.db.read().await?;
    let quarter = match &tx.conn {
        crate::db::Conn::Postgres(_) => {
            "CAST(FLOOR(EXTRACT(EPOCH FROM started_at) / 900) AS BIGINT)"
        }
        _ => "CAST(unixepoch(started_at) / 900 AS BIGINT)",
    };
    // The quarter hours, then who, from where and how long: few groups each.
    let sql = format!("SELECT {quarter} AS q, {SUMS} {SPAN} GROUP BY q, direction, missed");
    let times: Vec<Sums<i64>> =
        on_tx!(&mut tx, c => sqlx::query_as(&sql).bind(start).bind(end).fetch_all(c).await)?;
    let band = TALK_BANDS
        .iter()
        .enumerate()
        .map(|(i, b)| format!("WHEN talk_seconds <= {b} THEN {i}"))
        .collect::<Vec<_>>()
        .join(" ");
    let sql = format!(
        "SELECT user_id, country, CASE WHEN answered_at IS NULL THEN -1 {band} ELSE {} END AS b, {SUMS} \
         {SPAN} GROUP BY user_id, country, b, direction, missed",
        TALK_BANDS.len()
    );
    let split: Vec<Split> =
        on_tx!(&mut tx, c => sqlx::query_as(&sql).bind(start).bind(end).fetch_all(c).await)?;
    let mut ids: Vec<Uuid> = split.iter().filter_map(|u| u.0).collect();
    ids.sort();
    ids.dedup();
    let names = user_names(&mut tx, &ids).await?;
    tx.commit().await?;

    let mut totals = CallTotals::default();
    let mut periods: BTreeMap<NaiveDate, CallTotals> = BTreeMap::new();
    let mut hours: BTreeMap<u8, CallTotals> = BTreeMap::new();
    for (q, dir, missed, n, answered, talk, ring, unknown) in &times {
        let sums = [*n, *answered, *talk, *ring, *unknown];
        let out = dir == "outgoing";
        let at = DateTime::from_timestamp(q * 900, 0).unwrap_or_default();
        let local = at.with_timezone(&zone);
        let day = local.date_naive();
        let start = match args.period {
            ReportPeriod::Day => day,
            ReportPeriod::Week => {
                day - chrono::Duration::days(i64::from(day.weekday().num_days_from_monday()))
            }
            ReportPeriod::Month => day.with_day(1).unwrap_or(day),
        };
        totals.add(out, *missed, sums);
        periods.entry(start).or_default().add(out, *missed, sums);
        hours
            .entry(local.hour() as u8)
            .or_default()
            .add(out, *missed, sums);
    }
    let mut by_employee: BTreeMap<Option<Uuid>, CallTotals> = BTreeMap::new();
    let mut by_country: BTreeMap<Option<String>, CallTotals> = BTreeMap::new();
    for (u, country, _, dir, missed, n, answered, talk, ring, unknown) in &split {
        let out = dir == "outgoing";
        let sums = [*n, *answered, *talk, *ring, *unknown];
        by_employee.entry(*u).or_default().add(out, *missed, sums);
        by_country
            .entry(country.clone())
            .or_default()
            .add(out, *missed, sums);
    }
    let mut talk_bands: Vec<TalkBand> = (0..=TALK_BANDS.len())
        .map(|i| TalkBand {
            up_to_seconds: TALK_BANDS.get(i).copied(),
            calls: 0,
        })
        .collect();
    for (_, _, b, _, _, n, _, _, _, _) in split {
        if let Some(band) = usize::try_from(b).ok().and_then(|b| talk_bands.get_mut(b)) {
            band.calls += u32::try_from(n).unwrap_or(0);
        }
    }
    let mut by_employee: Vec<EmployeeRow> = by_employee
        .into_iter()
        .map(|(id, totals)| EmployeeRow {
            user: id.map(|id| UserRef {
                id,
                name: names.get(&id).cloned().unwrap_or_default(),
            }),
            totals,
        })
        .collect();
    by_employee.sort_by_key(|e| std::cmp::Reverse(e.totals.calls));
    let mut by_country: Vec<CountryRow> = by_country
        .into_iter()
        .map(|(country, totals)| CountryRow { country, totals })
        .collect();
    by_country.sort_by_key(|c| std::cmp::Reverse(c.totals.calls));
    Ok(CallsReport {
        from,
        to,
        totals,
        by_period: periods
            .into_iter()
            .map(|(start, totals)| PeriodRow { start, totals })
            .collect(),
        by_hour: hours
            .into_iter()
            .map(|(hour, totals)| HourRow { hour, totals })
            .collect(),
        by_employee,
        by_country,
        talk_bands,
    })
}

async fn user_names(tx: &mut Tx, ids: &[Uuid]) -> Result<BTreeMap<Uuid, String>, ApiError> {
    let mut out = BTreeMap::new();
    for chunk in ids.chunks(500) {
        let rows: Vec<(Uuid, String)> = for_ids(
            tx,
            "SELECT id, display_name FROM users WHERE id IN ({ids})",
            chunk,
        )
        .await?;
        out.extend(rows);
    }
    Ok(out)
}
