//! Campaigns: a template sent once at a set time, or every day at the centre's time of day to
//! the clients it concerns that day (a pass that ends in N days, a birthday) — to everyone,
//! some cards, a class group or what one of its owner's saved searches finds. `campaign_run`
//! sends them; each client is written to once per occasion.

use chrono::{DateTime, NaiveDate, NaiveTime, Utc};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use specta::Type;
use uuid::Uuid;

use super::templates::MessageChannel;
use crate::db::Tx;
use crate::error::ApiError;
use crate::on_tx;

mod run;
mod save;

pub use run::run_due;
pub(crate) use save::{campaigns_list, campaigns_save};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Type, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum CampaignKind {
    /// Once, on `send_on` at `send_time`.
    Once,
    /// Every day, to those whose pass ends in `days_before` days.
    PassEnding,
    /// Every day, to those whose birthday it is.
    Birthday,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Type, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum CampaignAudience {
    /// Every card not a former client.
    All,
    Clients,
    Group,
    SavedFilter,
}

impl CampaignKind {
    pub fn as_str(self) -> &'static str {
        match self {
            CampaignKind::Once => "once",
            CampaignKind::PassEnding => "pass_ending",
            CampaignKind::Birthday => "birthday",
        }
    }
    fn parse(s: &str) -> CampaignKind {
        match s {
            "pass_ending" => CampaignKind::PassEnding,
            "birthday" => CampaignKind::Birthday,
            _ => CampaignKind::Once,
        }
    }
}

impl CampaignAudience {
    pub fn as_str(self) -> &'static str {
        match self {
            CampaignAudience::All => "all",
            CampaignAudience::Clients => "clients",
            CampaignAudience::Group => "group",
            CampaignAudience::SavedFilter => "saved_filter",
        }
    }
    fn parse(s: &str) -> CampaignAudience {
        match s {
            "clients" => CampaignAudience::Clients,
            "group" => CampaignAudience::Group,
            "saved_filter" => CampaignAudience::SavedFilter,
            _ => CampaignAudience::All,
        }
    }
}

fn ten() -> String {
    "10:00".into()
}
fn yes() -> bool {
    true
}

#[derive(Debug, Clone, Serialize, Deserialize, Type, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CampaignInput {
    pub name: String,
    pub channel: MessageChannel,
    pub template_id: Uuid,
    pub kind: CampaignKind,
    /// `once`: the centre's day it goes, `YYYY-MM-DD` (a time past: at once).
    #[serde(default)]
    pub send_on: Option<String>,
    /// `pass_ending`: how many days before the pass ends (0–60).
    #[serde(default)]
    pub days_before: Option<i32>,
    /// The centre's time of day it goes, `HH:MM`.
    #[serde(default = "ten")]
    pub send_time: String,
    pub audience: CampaignAudience,
    #[serde(default)]
    pub client_ids: Vec<Uuid>,
    #[serde(default)]
    pub group_id: Option<Uuid>,
    /// One of the owner's saved searches of the client list.
    #[serde(default)]
    pub saved_filter_id: Option<Uuid>,
    /// Paused when false.
    #[serde(default = "yes")]
    pub active: bool,
    #[serde(default)]
    pub archived: bool,
}

#[derive(Debug, Clone, Serialize, Deserialize, Type, JsonSchema)]
pub struct Campaign {
    pub id: Uuid,
    #[serde(flatten)]
    pub input: CampaignInput,
    pub owner_id: Uuid,
    pub owner_name: String,
    /// A one-off's time.
    pub send_at: Option<DateTime<Utc>>,
    /// When it goes next (none: done, paused or archived).
    pub next_run_at: Option<DateTime<Utc>>,
    pub last_run_at: Option<DateTime<Utc>>,
    pub last_queued: i32,
    pub last_skipped: i32,
    /// Why the last run sent nothing: `not_configured` (no mail server or SMS gateway: it
    /// waits), `saved_filter_gone`, `too_many`.
    pub last_error: Option<String>,
    /// Messages it has sent in all.
    pub sent_total: i64,
    pub updated_at: DateTime<Utc>,
    pub version: i64,
}

#[derive(Debug, Clone, Serialize, Deserialize, Type, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CampaignSaveArgs {
    /// None: a new campaign. Whoever saves a campaign owns it.
    #[serde(default)]
    pub id: Option<Uuid>,
    /// The version read (for an existing campaign).
    #[serde(default)]
    pub version: Option<i64>,
    pub campaign: CampaignInput,
}

/// A campaign as stored, with what its runs need.
#[derive(Debug, Clone)]
pub(crate) struct Stored {
    pub c: Campaign,
    pub last_run_on: Option<NaiveDate>,
}

type Row = (
    Uuid,
    String,
    String,
    Uuid,
    String,
    Option<NaiveDate>,
    Option<i32>,
    String,
    String,
    String,
    Option<Uuid>,
    Option<Uuid>,
    Uuid,
    bool,
    bool,
);
type Tail = (
    Option<NaiveDate>,
    Option<DateTime<Utc>>,
    i32,
    i32,
    Option<String>,
    DateTime<Utc>,
    i64,
    String,
    i64,
    Option<DateTime<Utc>>,
);

const SELECT: &str = "SELECT c.id, c.name, c.channel, c.template_id, c.kind, c.send_on, c.days_before, c.send_time, \
    c.audience, c.client_ids, c.group_id, c.saved_filter_id, c.owner_id, c.active, c.archived FROM campaigns c";
const SELECT_TAIL: &str = "SELECT c.last_run_on, c.last_run_at, c.last_queued, c.last_skipped, c.last_error, \
    c.updated_at, c.version, u.display_name, (SELECT COUNT(*) FROM campaign_sends s WHERE s.campaign_id = c.id), c.send_at \
    FROM campaigns c JOIN users u ON u.id = c.owner_id";

/// The centre's time `HH:MM`.
pub(crate) fn time_of_day(s: &str) -> Option<NaiveTime> {
    (s.len() == 5)
        .then(|| NaiveTime::parse_from_str(s, "%H:%M").ok())
        .flatten()
}

pub(crate) async fn one(tx: &mut Tx, id: Uuid) -> Result<Option<Stored>, ApiError> {
    let row: Option<Row> = on_tx!(tx, c => sqlx::query_as(&format!("{SELECT} WHERE c.id = $1"))
        .bind(id).fetch_optional(c).await)?;
    let Some(r) = row else { return Ok(None) };
    let t: Tail = on_tx!(tx, c => sqlx::query_as(&format!("{SELECT_TAIL} WHERE c.id = $1"))
        .bind(id).fetch_one(c).await)?;
    let input = CampaignInput {
        name: r.1,
        channel: MessageChannel::parse(&r.2),
        template_id: r.3,
        kind: CampaignKind::parse(&r.4),
        send_on: r.5.map(|d| d.to_string()),
        days_before: r.6,
        send_time: r.7,
        audience: CampaignAudience::parse(&r.8),
        client_ids: serde_json::from_str(&r.9).unwrap_or_default(),
        group_id: r.10,
        saved_filter_id: r.11,
        active: r.13,
        archived: r.14,
    };
    Ok(Some(Stored {
        c: Campaign {
            id: r.0,
            input,
            owner_id: r.12,
            owner_name: t.7,
            send_at: t.9,
            next_run_at: None,
            last_run_at: t.1,
            last_queued: t.2,
            last_skipped: t.3,
            last_error: t.4,
            sent_total: t.8,
            updated_at: t.5,
            version: t.6,
        },
        last_run_on: t.0,
    }))
}

/// When `s` goes next, in the centre's zone `zone`.
pub(crate) fn next_run(
    s: &Stored,
    zone: chrono_tz::Tz,
    now: DateTime<Utc>,
) -> Option<DateTime<Utc>> {
    use chrono::TimeZone;
    let c = &s.c.input;
    if !c.active || c.archived {
        return None;
    }
    if c.kind == CampaignKind::Once {
        return s.c.last_run_at.is_none().then_some(s.c.send_at).flatten();
    }
    let at = time_of_day(&c.send_time)?;
    let today = now.with_timezone(&zone).date_naive();
    let day = if s.last_run_on.is_some_and(|d| d >= today) {
        today.succ_opt()?
    } else {
        today
    };
    let local = zone.from_local_datetime(&day.and_time(at)).earliest()?;
    Some(local.with_timezone(&Utc).max(now))
}
