//! The ratings callers gave after their calls, by employee and the latest replies, over the
//! centre's days.

use chrono::{DateTime, Utc};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use specta::Type;
use uuid::Uuid;

use crate::auth::Session;
use crate::error::{ApiError, Problems};
use crate::text::optional_date_field;
use crate::{on_tx, Core};

#[derive(Debug, Clone, Serialize, Deserialize, Type, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CallRatingsArgs {
    /// `YYYY-MM-DD`, the centre's days, both included; by default the last 30 days.
    #[serde(default)]
    pub from: Option<String>,
    #[serde(default)]
    pub to: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, Type, JsonSchema)]
pub struct EmployeeRating {
    pub user_id: Uuid,
    pub name: String,
    /// Callers asked, and those who gave a score.
    pub asked: u32,
    pub rated: u32,
    /// The average score times 100 (e.g. 450 is 4.5); none without scores.
    pub average_x100: Option<u32>,
}

#[derive(Debug, Clone, Serialize, Deserialize, Type, JsonSchema)]
pub struct RatingReply {
    pub call_id: Uuid,
    pub client_id: Uuid,
    pub client_name: String,
    pub user_name: String,
    pub score: Option<i32>,
    pub reply: String,
    pub replied_at: DateTime<Utc>,
}

#[derive(Debug, Clone, Serialize, Deserialize, Type, JsonSchema)]
pub struct CallRatings {
    pub from: String,
    pub to: String,
    pub employees: Vec<EmployeeRating>,
    /// The latest 50 replies.
    pub replies: Vec<RatingReply>,
}

pub(crate) async fn call_ratings_list(
    core: &Core,
    session: &Session,
    args: CallRatingsArgs,
) -> Result<CallRatings, ApiError> {
    let mut p = Problems::default();
    let from = optional_date_field(&mut p, "from", &args.from);
    let to = optional_date_field(&mut p, "to", &args.to);
    p.finish()?;
    let to = to.unwrap_or_else(|| session.local_date(core.now()));
    let from = from.unwrap_or(to - chrono::Duration::days(29));
    if from > to {
        return Err(ApiError::field(
            "to",
            "before_from",
            "ends before it starts",
        ));
    }
    let zone = session.local.time_zone;
    let start = crate::centre::start_of_day(from, zone);
    let end = crate::centre::start_of_day(to + chrono::Duration::days(1), zone);
    let mut tx = core.db.read().await?;
    type Row = (Uuid, String, i64, i64, Option<i64>);
    let rows: Vec<Row> = on_tx!(&mut tx, c => sqlx::query_as(
        "SELECT r.user_id, u.display_name, COUNT(*), COUNT(r.score), CAST(SUM(r.score) AS BIGINT) \
         FROM call_ratings r JOIN users u ON u.id = r.user_id \
         WHERE r.asked_at >= $1 AND r.asked_at < $2 GROUP BY r.user_id, u.display_name ORDER BY u.display_name")
        .bind(start).bind(end).fetch_all(c).await)?;
    type Reply = (
        Uuid,
        Uuid,
        String,
        String,
        Option<i32>,
        String,
        DateTime<Utc>,
    );
    let replies: Vec<Reply> = on_tx!(&mut tx, c => sqlx::query_as(
        "SELECT r.call_id, r.client_id, c.name, u.display_name, r.score, r.reply, r.replied_at \
         FROM call_ratings r JOIN users u ON u.id = r.user_id JOIN clients c ON c.id = r.client_id \
         WHERE r.asked_at >= $1 AND r.asked_at < $2 AND r.replied_at IS NOT NULL \
         ORDER BY r.replied_at DESC LIMIT 50")
        .bind(start).bind(end).fetch_all(c).await)?;
    tx.commit().await?;
    Ok(CallRatings {
        from: from.to_string(),
        to: to.to_string(),
        employees: rows
            .into_iter()
            .map(|r| EmployeeRating {
                user_id: r.0,
                name: r.1,
                asked: u32::try_from(r.2).unwrap_or(0),
                rated: u32::try_from(r.3).unwrap_or(0),
                average_x100: (r.3 > 0)
                    .then(|| {
                        r.4.map(|s| u32::try_from((s * 100 + r.3 / 2) / r.3).unwrap_or(0))
                    })
                    .flatten(),
            })
            .collect(),
        replies: replies
            .into_iter()
            .map(|r| RatingReply {
                call_id: r.0,
                client_id: r.1,
                client_name: r.2,
                user_name: r.3,
                score: r.4,
                reply: r.5,
                replied_at: r.6,
            })
            .collect(),
    })
}
