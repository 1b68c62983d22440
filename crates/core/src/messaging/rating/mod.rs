//! Rating the employee after a call: when an answered incoming call from a card's number ends,
//! an SMS (the template in the settings, `{employee.name}` who answered) asks the number that
//! called to rate them from 1 to 5 — at most once a day per client, and only after a talk as
//! long as the settings say. Replies come back through the gateway (`inbound`) and are kept
//! with the call; `list` reports them by employee.

pub mod inbound;
pub mod list;

use chrono::{DateTime, Duration, Utc};
use std::collections::BTreeMap;
use uuid::Uuid;

use super::queue::{queue, Sender, Texts};
use super::settings::{load, SmsKind};
use super::templates::MessageChannel;
use crate::db::Tx;
use crate::error::ApiError;
use crate::{exec_tx, on_tx};

/// An answered incoming call that just ended.
pub(crate) struct Answered {
    pub call_id: Uuid,
    pub client_id: Uuid,
    /// Who answered.
    pub user_id: Uuid,
    /// The number that called (E.164).
    pub number: String,
    pub talk_seconds: i64,
}

/// Asks for a rating of `a`, in the caller's transaction, when the settings say so; whether
/// an SMS was queued.
pub(crate) async fn ask(tx: &mut Tx, a: &Answered, now: DateTime<Utc>) -> Result<bool, ApiError> {
    let (settings, _) = load(tx).await?;
    let Some(template) = settings.rating_template_id else {
        return Ok(false);
    };
    if settings.sms_kind == SmsKind::None || a.talk_seconds < i64::from(settings.rating_min_talk) {
        return Ok(false);
    }
    let asked: Option<Uuid> = on_tx!(tx, c => sqlx::query_scalar(
        "SELECT id FROM call_ratings WHERE client_id = $1 AND asked_at > $2 LIMIT 1")
        .bind(a.client_id).bind(now - Duration::days(1)).fetch_optional(c).await)?;
    if asked.is_some() {
        return Ok(false);
    }
    // A template archived since is no asking, not an error at the end of a call.
    let Ok(texts) =
        Texts::of_template(tx, "rating_template_id", template, MessageChannel::Sms).await
    else {
        return Ok(false);
    };
    let name: Option<String> = on_tx!(tx, c => sqlx::query_scalar(
        "SELECT display_name FROM users WHERE id = $1").bind(a.user_id).fetch_optional(c).await)?;
    let sender = Sender {
        to: Some(a.number.clone()),
        values: BTreeMap::from([("employee.name".to_string(), name.unwrap_or_default())]),
        ..Sender::default()
    };
    let today = crate::centre::local(tx).await?.today(now);
    let done = queue(
        tx,
        &[a.client_id],
        MessageChannel::Sms,
        &texts,
        &sender,
        today,
        now,
    )
    .await?;
    let Some((_, message)) = done.queued.first() else {
        return Ok(false);
    };
    exec_tx!(tx, c => sqlx::query(
        "INSERT INTO call_ratings (id, call_id, client_id, user_id, message_id, number, asked_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7)")
        .bind(crate::new_id()).bind(a.call_id).bind(a.client_id).bind(a.user_id).bind(*message)
        .bind(&a.number).bind(now).execute(c).await)?;
    Ok(true)
}

/// The score a reply gives: a digit from 1 to 5 at its start ("5", "4 thanks"; Lao and Khmer
/// digits too), or none ("great, 5").
pub fn score_of(reply: &str) -> Option<i32> {
    let mut chars = reply.trim_start().chars();
    let first = chars.next()?;
    // "10" or "10/10" is not a 1.
    if chars.next().is_some_and(|c| c.is_numeric()) {
        return None;
    }
    let n = match first {
        '0'..='9' => first as u32 - '0' as u32,
        '\u{0ED0}'..='\u{0ED9}' => first as u32 - 0x0ED0,
        '\u{17E0}'..='\u{17E9}' => first as u32 - 0x17E0,
        _ => return None,
    };
    (1..=5).contains(&n).then_some(n as i32)
}

#[cfg(test)]
mod tests {
    use super::score_of;

    #[test]
    fn a_reply_scores_by_its_first_digit() {
        assert_eq!(score_of(" 5"), Some(5));
        assert_eq!(score_of("4 thank you"), Some(4));
        assert_eq!(score_of("0"), None);
        assert_eq!(score_of("9"), None);
        assert_eq!(score_of("great, 5"), None);
        assert_eq!(score_of("10/10"), None);
        assert_eq!(score_of(""), None);
        assert_eq!(score_of("໕"), Some(5), "Lao");
        assert_eq!(score_of("៣ ល្អ"), Some(3), "Khmer");
    }
}
