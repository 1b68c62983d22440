//! Changing a sold pass: freezing it for a period within the plan's allowance (the end moves
//! by as many days), unfreezing early, extending it, handing it to another client — each
//! with a reason, each audited with the pass before and after.

use chrono::{DateTime, Duration, NaiveDate, Utc};
use uuid::Uuid;

use super::{membership_in, Membership, MembershipExtendArgs, MembershipFreezeArgs};
use super::{MembershipState, MembershipTransferArgs, MembershipUnfreezeArgs};
use crate::audit::{self, Change};
use crate::auth::Session;
use crate::db::Tx;
use crate::error::{ApiError, Problems};
use crate::money::party;
use crate::text::{date_field, parse_name};
use crate::{exec_tx, Core};

const MAX_REASON: usize = 500;
/// How far back a freeze may start (a child was ill since Monday).
const FREEZE_BACK_DAYS: i64 = 7;

fn today(core: &Core, session: &Session) -> (DateTime<Utc>, NaiveDate) {
    let now = core.now();
    (now, session.local_date(now))
}

/// The pass as it is, at the version the caller read. Its version moves on first, in the
/// transaction: that holds the row (another desk changing it waits, then finds it stale).
async fn current(
    tx: &mut Tx,
    id: Uuid,
    version: i64,
    today: NaiveDate,
) -> Result<Membership, ApiError> {
    let n = exec_tx!(tx, c => sqlx::query(
        "UPDATE memberships SET version = version + 1 WHERE id = $1 AND version = $2")
        .bind(id).bind(version).execute(c).await)?;
    let mut m = membership_in(tx, id, today)
        .await?
        .ok_or_else(|| ApiError::not_found("membership"))?;
    if n == 0 {
        return Err(ApiError::conflict(
            "someone else changed this pass meanwhile; reload it",
        ));
    }
    m.version = version;
    if m.state == MembershipState::Cancelled {
        return Err(ApiError::field("id", "cancelled", "this pass is cancelled"));
    }
    Ok(m)
}

/// The pass in the audit log, with the reason given for the change.
#[derive(serde::Serialize)]
struct Audited<'a> {
    #[serde(flatten)]
    membership: &'a Membership,
    #[serde(skip_serializing_if = "Option::is_none")]
    reason: Option<&'a str>,
}

/// Stamps the change and records it with its reason (the version moved in [`current`]).
async fn finish(
    tx: &mut Tx,
    session: &Session,
    (now, today): (DateTime<Utc>, NaiveDate),
    (operation, reason): (&str, Option<&str>),
    before: &Membership,
) -> Result<Membership, ApiError> {
    exec_tx!(tx, c => sqlx::query(
        "UPDATE memberships SET updated_at = $1, updated_by = $2 WHERE id = $3")
        .bind(now).bind(session.user_id).bind(before.id).execute(c).await)?;
    let after = membership_in(tx, before.id, today)
        .await?
        .ok_or_else(|| ApiError::not_found("membership"))?;
    let (b, a) = (
        Audited {
            membership: before,
            reason: None,
        },
        Audited {
            membership: &after,
            reason,
        },
    );
    let c = Change {
        operation,
        entity: "membership",
        entity_id: Some(before.id),
        before: Some(&b),
        after: Some(&a),
    };
    audit::record(tx, session, now, c).await?;
    Ok(after)
}

async fn move_end(tx: &mut Tx, m: &Membership, days: i64) -> Result<(), ApiError> {
    let ends = m.ends_on.map(|e| e + Duration::days(days));
    exec_tx!(tx, c => sqlx::query("UPDATE memberships SET ends_on = $1 WHERE id = $2")
        .bind(ends).bind(m.id).execute(c).await)?;
    Ok(())
}

pub(crate) async fn membership_freeze(
    core: &Core,
    session: &Session,
    args: MembershipFreezeArgs,
) -> Result<Membership, ApiError> {
    let (now, today) = today(core, session);
    let mut p = Problems::default();
    let from = date_field(&mut p, "from", &args.from);
    let until = date_field(&mut p, "until", &args.until);
    let reason = p.take(parse_name("reason", &args.reason, MAX_REASON));
    if let (Some(f), Some(u)) = (from, until) {
        if u < f {
            p.add(
                "until",
                "before_start",
                "the last day comes before the first",
            );
        }
        if f < today - Duration::days(FREEZE_BACK_DAYS) {
            p.add("from", "too_early", "a freeze starts at most a week back");
        }
    }
    p.finish()?;
    let (from, until) = (from.unwrap_or(today), until.unwrap_or(today));
    let days = (until - from).num_days() + 1;
    let mut tx = core.db.write().await?;
    let m = current(&mut tx, args.id, args.version, today).await?;
    let left = i64::from(m.freeze_days) - i64::from(m.freeze_days_used);
    let Some(ends) = m.ends_on else {
        return Err(ApiError::field(
            "id",
            "not_started",
            "this pass starts at the first visit: nothing to freeze yet",
        ));
    };
    if m.starts_on.is_some_and(|s| from < s) {
        return Err(ApiError::field(
            "from",
            "before_start",
            "the pass starts later",
        ));
    }
    if from > ends {
        return Err(ApiError::field(
            "from",
            "after_end",
            format!("the pass ends on {ends}"),
        ));
    }
    if days > left {
        return Err(ApiError::field(
            "until",
            "beyond_allowance",
            format!("{left} days of freezing are left on this pass"),
        ));
    }
    if m.freezes.iter().any(|f| f.from <= until && from <= f.until) {
        return Err(ApiError::field(
            "from",
            "overlaps",
            "this pass is already frozen then",
        ));
    }
    exec_tx!(&mut tx, c => sqlx::query(
        "INSERT INTO membership_freezes (id, membership_id, from_on, until_on, reason, created_at, created_by) \
         VALUES ($1, $2, $3, $4, $5, $6, $7)")
        .bind(crate::new_id()).bind(m.id).bind(from).bind(until).bind(reason.as_deref().unwrap_or_default())
        .bind(now).bind(session.user_id).execute(c).await)?;
    move_end(&mut tx, &m, days).await?;
    let after = finish(
        &mut tx,
        session,
        (now, today),
        ("membership_freeze", reason.as_deref()),
        &m,
    )
    .await?;
    tx.commit().await?;
    Ok(after)
}

/// Ends the freeze running today (from tomorrow the pass is usable) or removes one still to
/// come; the end moves back by the days not frozen.
pub(crate) async fn membership_unfreeze(
    core: &Core,
    session: &Session,
    args: MembershipUnfreezeArgs,
) -> Result<Membership, ApiError> {
    let (now, today) = today(core, session);
    let mut tx = core.db.write().await?;
    let m = current(&mut tx, args.id, args.version, today).await?;
    let Some(f) = m.freezes.iter().find(|f| f.until >= today) else {
        return Err(ApiError::field(
            "id",
            "not_frozen",
            "this pass has no freeze now or to come",
        ));
    };
    let given_back = if f.from >= today {
        exec_tx!(&mut tx, c => sqlx::query("DELETE FROM membership_freezes WHERE id = $1")
            .bind(f.id).execute(c).await)?;
        (f.until - f.from).num_days() + 1
    } else {
        exec_tx!(&mut tx, c => sqlx::query("UPDATE membership_freezes SET until_on = $1 WHERE id = $2")
            .bind(today - Duration::days(1)).bind(f.id).execute(c).await)?;
        (f.until - today).num_days() + 1
    };
    move_end(&mut tx, &m, -given_back).await?;
    let after = finish(
        &mut tx,
        session,
        (now, today),
        ("membership_unfreeze", None),
        &m,
    )
    .await?;
    tx.commit().await?;
    Ok(after)
}

pub(crate) async fn membership_extend(
    core: &Core,
    session: &Session,
    args: MembershipExtendArgs,
) -> Result<Membership, ApiError> {
    let (now, today) = today(core, session);
    let mut p = Problems::default();
    let reason = p.take(parse_name("reason", &args.reason, MAX_REASON));
    if args.days > 366 {
        p.add("days", "out_of_range", "at most 366 days");
    }
    if args.visits > 1_000 {
        p.add("visits", "out_of_range", "at most 1000 visits");
    }
    if args.days == 0 && args.visits == 0 {
        p.add("days", "required", "add days, visits or both");
    }
    p.finish()?;
    let mut tx = core.db.write().await?;
    let m = current(&mut tx, args.id, args.version, today).await?;
    if args.visits > 0 && m.visits_total.is_none() {
        return Err(ApiError::field(
            "visits",
            "unlimited",
            "this pass has unlimited visits",
        ));
    }
    if args.days > 0 && m.ends_on.is_none() {
        return Err(ApiError::field(
            "days",
            "not_started",
            "this pass starts at the first visit",
        ));
    }
    move_end(&mut tx, &m, i64::from(args.days)).await?;
    let v = args.visits as i32;
    exec_tx!(&mut tx, c => sqlx::query(
        "UPDATE memberships SET visits_left = visits_left + $1, visits_total = visits_total + $1 \
         WHERE id = $2 AND visits_total IS NOT NULL")
        .bind(v).bind(m.id).execute(c).await)?;
    let after = finish(
        &mut tx,
        session,
        (now, today),
        ("membership_extend", reason.as_deref()),
        &m,
    )
    .await?;
    tx.commit().await?;
    Ok(after)
}

pub(crate) async fn membership_transfer(
    core: &Core,
    session: &Session,
    args: MembershipTransferArgs,
) -> Result<Membership, ApiError> {
    let (now, today) = today(core, session);
    let mut p = Problems::default();
    let reason = p.take(parse_name("reason", &args.reason, MAX_REASON));
    p.finish()?;
    let mut tx = core.db.write().await?;
    let m = current(&mut tx, args.id, args.version, today).await?;
    let to = party(&mut tx, args.to_client_id, "to_client_id").await?;
    if to.id == m.client.id {
        return Err(ApiError::field(
            "to_client_id",
            "same",
            "this client holds it already",
        ));
    }
    if matches!(m.state, MembershipState::Expired | MembershipState::UsedUp) {
        return Err(ApiError::field(
            "id",
            "not_usable",
            "an expired or used-up pass is not handed on",
        ));
    }
    exec_tx!(&mut tx, c => sqlx::query("UPDATE memberships SET client_id = $1 WHERE id = $2")
        .bind(to.id).bind(m.id).execute(c).await)?;
    let after = finish(
        &mut tx,
        session,
        (now, today),
        ("membership_transfer", reason.as_deref()),
        &m,
    )
    .await?;
    tx.commit().await?;
    Ok(after)
}
