//! The demo centre's phones: extension 101 rings at the reception, 102 at the manager's desk
//! (no PBX is connected: a manager points the settings at the office Asterisk), and two weeks
//! of calls in the log — answered, missed with their call-backs, click-to-calls — from the
//! parents and clients on the cards and from numbers nobody knows yet.

use std::collections::{BTreeSet, HashMap};

use chrono::{Duration, NaiveDate};
use uuid::Uuid;

use super::Lcg;
use crate::db::Tx;
use crate::error::ApiError;
use crate::telephony::calls::{Direction, Side, TrackedCall};
use crate::{exec_tx, on_tx, Core};

/// A parent's second number, from abroad: the number the recorded Asterisk sessions call
/// from, so a replayed call rings with a known family.
pub const VISITING_PARENT_PHONE: &str = "+7 701 123 4567";

/// Numbers that are on no card.
const STRANGERS: &[&str] = &["+85620 5599 1234", "+85621 260 777", "+85520 611 402"];

/// Whose phone each extension is.
pub(crate) async fn extensions(tx: &mut Tx, staff: &HashMap<&str, Uuid>) -> Result<(), ApiError> {
    let list = serde_json::json!([
        { "extension": "101", "user_id": staff["reception"] },
        { "extension": "102", "user_id": staff["manager"] },
    ])
    .to_string();
    exec_tx!(tx, c => sqlx::query("UPDATE pbx_settings SET extensions = $1, version = version + 1 WHERE id = 1")
        .bind(&list).execute(c).await)?;
    Ok(())
}

/// Two weeks of calls up to yesterday, kept as the PBX connection keeps them.
pub(crate) async fn seed(core: &Core, staff: &HashMap<&str, Uuid>) -> Result<(), ApiError> {
    let mut tx = core.db.read().await?;
    let local = crate::centre::local(&mut tx).await?;
    let known: Vec<String> = on_tx!(&mut tx, c => sqlx::query_scalar(
        "SELECT number FROM client_phones ORDER BY number LIMIT 60").fetch_all(c).await)?;
    tx.commit().await?;
    let mut rng = Lcg(0xCA11_5EED);
    let today: NaiveDate = core.now().with_timezone(&local.time_zone).date_naive();
    let desks = [("101", staff["reception"]), ("102", staff["manager"])];
    let mut n = 0;
    for back in (1..=14).rev() {
        let day = today - Duration::days(back);
        let open = crate::centre::start_of_day(day, local.time_zone) + Duration::hours(9);
        for _ in 0..3 + rng.below(5) {
            n += 1;
            let started = open + Duration::minutes(rng.below(10 * 60) as i64);
            let number = if rng.below(5) == 0 || known.is_empty() {
                rng.pick(STRANGERS).to_string()
            } else {
                rng.pick(&known).clone()
            };
            let outgoing = rng.below(5) == 0;
            let (ext, user) = *rng.pick(&desks);
            let answered = outgoing || rng.below(4) != 0;
            let ring = 3 + rng.below(15) as i64;
            let talk = 20 + rng.below(400) as i64;
            let answered_at = answered.then(|| started + Duration::seconds(ring));
            let ended = answered_at.map_or(started + Duration::seconds(ring), |a| {
                a + Duration::seconds(talk)
            });
            let rang: BTreeSet<String> = if outgoing {
                BTreeSet::new()
            } else {
                desks.iter().map(|d| d.0.to_string()).collect()
            };
            let direction = if outgoing {
                Direction::Outgoing
            } else {
                Direction::Incoming
            };
            let call = TrackedCall {
                number: Some(number),
                name: None,
                did: (!outgoing).then(|| "+85621412345".to_string()),
                rang,
                agent: answered.then(|| ext.to_string()),
                answered_at,
                ended_at: Some(ended),
                hung_up_by: Some(if rng.below(2) == 0 {
                    Side::Centre
                } else {
                    Side::Outside
                }),
                ..TrackedCall::new(format!("demo.{n}"), direction, started)
            };
            crate::telephony::log::record(core, &call, answered.then_some(user)).await?;
        }
    }
    Ok(())
}
