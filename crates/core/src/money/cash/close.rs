//! Cash put in or taken out of the drawer, and closing the day.

use super::journal::{closed_on, day_arg, journal_in};
use super::{ensure_open, CashDayClose, CashDayCloseArgs, CashJournal, CashMoveArgs, CashMoveKind};
use crate::audit::{self, Change};
use crate::auth::Session;
use crate::error::{ApiError, Problems};
use crate::money::amount::{check_amount, MAX_AMOUNT};
use crate::text::{parse_name, parse_text};
use crate::{exec_tx, Core};

const MAX_REASON: usize = 500;

pub(crate) async fn cash_move(
    core: &Core,
    session: &Session,
    args: CashMoveArgs,
) -> Result<CashJournal, ApiError> {
    let mut p = Problems::default();
    check_amount(&mut p, "amount", args.amount);
    let reason = p.take(parse_name("reason", &args.reason, MAX_REASON));
    p.finish()?;
    let now = core.now();
    let day = session.local_date(now);
    let mut tx = core.db.write().await?;
    ensure_open(&mut tx, day).await?;
    let before = journal_in(&mut tx, day).await?;
    if args.kind == CashMoveKind::Out && args.amount > before.expected_cash {
        return Err(ApiError::field(
            "amount",
            "more_than_drawer",
            format!("the drawer should hold {}", before.expected_cash),
        ));
    }
    let kind = match args.kind {
        CashMoveKind::In => "in",
        CashMoveKind::Out => "out",
    };
    let id = crate::new_id();
    exec_tx!(&mut tx, c => sqlx::query(
        "INSERT INTO cash_moves (id, kind, amount, reason, day, at, created_by) VALUES ($1, $2, $3, $4, $5, $6, $7)")
        .bind(id).bind(kind).bind(args.amount).bind(reason.unwrap_or_default()).bind(day).bind(now)
        .bind(session.user_id).execute(c).await)?;
    let after = journal_in(&mut tx, day).await?;
    let entry = after.entries.iter().find(|e| e.id == id);
    let c = Change {
        operation: "cash_move",
        entity: "cash_move",
        entity_id: Some(id),
        before: None,
        after: entry,
    };
    audit::record(&mut tx, session, now, c).await?;
    tx.commit().await?;
    Ok(after)
}

pub(crate) async fn cash_day_close(
    core: &Core,
    session: &Session,
    args: CashDayCloseArgs,
) -> Result<CashDayClose, ApiError> {
    let now = core.now();
    let today = session.local_date(now);
    let day = day_arg(&args.day, today)?;
    let mut p = Problems::default();
    if args.counted < 0 {
        p.add(
            "counted",
            "negative",
            "the drawer cannot hold less than nothing",
        );
    } else if args.counted > MAX_AMOUNT {
        p.add("counted", "too_large", "this amount is too large");
    }
    let note = p.take(parse_text("note", &args.note, MAX_REASON));
    p.finish()?;
    let mut tx = core.db.write().await?;
    ensure_open(&mut tx, day).await?;
    let journal = journal_in(&mut tx, day).await?;
    let expected = journal.expected_cash;
    exec_tx!(&mut tx, c => sqlx::query(
        "INSERT INTO cash_days (day, expected, counted, difference, note, closed_at, closed_by) \
         VALUES ($1, $2, $3, $4, $5, $6, $7)")
        .bind(day).bind(expected).bind(args.counted).bind(args.counted - expected)
        .bind(note.unwrap_or_default()).bind(now).bind(session.user_id).execute(c).await)?;
    let closed = closed_on(&mut tx, day)
        .await?
        .ok_or_else(|| ApiError::not_found("cash day"))?;
    let c = Change {
        operation: "cash_day_close",
        entity: "cash_day",
        entity_id: None,
        before: None,
        after: Some(&closed),
    };
    audit::record(&mut tx, session, now, c).await?;
    tx.commit().await?;
    Ok(closed)
}
