//! Writing contracts: create, change, renew, cancel.

use chrono::{DateTime, Duration, NaiveDate, Utc};
use uuid::Uuid;

use super::{contract_in, Contract, ContractCancelArgs, ContractCreateArgs, ContractInput};
use super::{ContractRenewArgs, ContractState, ContractUpdateArgs};
use crate::audit::{self, Change};
use crate::auth::Session;
use crate::db::Tx;
use crate::error::{ApiError, Problems};
use crate::money::{next_number, party};
use crate::text::{date_field, parse_name, parse_text};
use crate::{exec_tx, Core};

const MAX_NOTE: usize = 2_000;
/// The longest contract: ten years.
const MAX_DAYS: i64 = 3_660;

struct Valid {
    starts: NaiveDate,
    ends: NaiveDate,
    note: String,
}

fn check_dates(p: &mut Problems, starts: Option<NaiveDate>, ends: Option<NaiveDate>) {
    if let (Some(s), Some(e)) = (starts, ends) {
        if e < s {
            p.add(
                "contract.ends_on",
                "before_start",
                "it ends before it starts",
            );
        } else if (e - s).num_days() > MAX_DAYS {
            p.add(
                "contract.ends_on",
                "too_long",
                "a contract runs at most ten years",
            );
        }
    }
}

fn check(input: &ContractInput) -> Result<Valid, ApiError> {
    let mut p = Problems::default();
    let starts = date_field(&mut p, "contract.starts_on", &input.starts_on);
    let ends = date_field(&mut p, "contract.ends_on", &input.ends_on);
    check_dates(&mut p, starts, ends);
    let note = p.take(parse_text("contract.note", &input.note, MAX_NOTE));
    p.finish()?;
    Ok(Valid {
        starts: starts.unwrap_or_default(),
        ends: ends.unwrap_or_default(),
        note: note.unwrap_or_default(),
    })
}

fn today(core: &Core, session: &Session) -> (DateTime<Utc>, NaiveDate) {
    let now = core.now();
    (now, session.local_date(now))
}

async fn record(
    tx: &mut Tx,
    session: &Session,
    now: DateTime<Utc>,
    operation: &str,
    before: Option<&Contract>,
    after: &Contract,
) -> Result<(), ApiError> {
    let c = Change {
        operation,
        entity: "contract",
        entity_id: Some(after.id),
        before,
        after: Some(after),
    };
    audit::record(tx, session, now, c).await
}

/// Writes a new contract with the next number.
async fn insert(
    tx: &mut Tx,
    client: Uuid,
    payer: Uuid,
    v: &Valid,
    renews: Option<Uuid>,
    session: &Session,
    now: DateTime<Utc>,
) -> Result<Uuid, ApiError> {
    let number = next_number(tx, "contract").await?;
    let id = crate::new_id();
    exec_tx!(tx, c => sqlx::query(
        "INSERT INTO contracts (id, number, client_id, payer_id, starts_on, ends_on, renewed_from, note, \
         created_at, created_by, updated_at, updated_by, version) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $9, $10, 1)")
        .bind(id).bind(number).bind(client).bind(payer).bind(v.starts).bind(v.ends).bind(renews)
        .bind(&v.note).bind(now).bind(session.user_id).execute(c).await)?;
    Ok(id)
}

/// A contract made by core itself (the demo centre), with no audit row.
pub(crate) async fn insert_contract(
    tx: &mut Tx,
    (client, payer): (Uuid, Uuid),
    (starts, ends): (NaiveDate, NaiveDate),
    note: &str,
    session: &Session,
    now: DateTime<Utc>,
) -> Result<Uuid, ApiError> {
    let v = Valid {
        starts,
        ends,
        note: note.to_string(),
    };
    insert(tx, client, payer, &v, None, session, now).await
}

async fn one(tx: &mut Tx, id: Uuid, today: NaiveDate) -> Result<Contract, ApiError> {
    contract_in(tx, id, today)
        .await?
        .ok_or_else(|| ApiError::not_found("contract"))
}

/// The contract at the version the caller read; its version moves on first, which holds the
/// row until the transaction ends (a second renewal waits, then finds it renewed).
async fn current(
    tx: &mut Tx,
    id: Uuid,
    version: i64,
    today: NaiveDate,
) -> Result<Contract, ApiError> {
    let n = exec_tx!(tx, c => sqlx::query(
        "UPDATE contracts SET version = version + 1 WHERE id = $1 AND version = $2")
        .bind(id).bind(version).execute(c).await)?;
    let mut k = one(tx, id, today).await?;
    if n == 0 {
        return Err(ApiError::conflict(
            "someone else changed this contract meanwhile; reload it",
        ));
    }
    if k.state == ContractState::Cancelled {
        return Err(ApiError::field(
            "id",
            "cancelled",
            "this contract is cancelled",
        ));
    }
    k.version = version;
    Ok(k)
}

pub(crate) async fn contract_create(
    core: &Core,
    session: &Session,
    args: ContractCreateArgs,
) -> Result<Contract, ApiError> {
    let v = check(&args.contract)?;
    let (now, today) = today(core, session);
    let mut tx = core.db.write().await?;
    let client = party(&mut tx, args.contract.client_id, "contract.client_id").await?;
    let payer = match args.contract.payer_id {
        Some(id) => party(&mut tx, id, "contract.payer_id").await?.id,
        None => client.id,
    };
    let id = insert(&mut tx, client.id, payer, &v, None, session, now).await?;
    let after = one(&mut tx, id, today).await?;
    record(&mut tx, session, now, "contract_create", None, &after).await?;
    tx.commit().await?;
    Ok(after)
}

pub(crate) async fn contract_update(
    core: &Core,
    session: &Session,
    args: ContractUpdateArgs,
) -> Result<Contract, ApiError> {
    let v = check(&args.contract)?;
    let (now, today) = today(core, session);
    let mut tx = core.db.write().await?;
    let before = current(&mut tx, args.id, args.version, today).await?;
    let client = party(&mut tx, args.contract.client_id, "contract.client_id").await?;
    let payer = match args.contract.payer_id {
        Some(id) => party(&mut tx, id, "contract.payer_id").await?.id,
        None => client.id,
    };
    exec_tx!(&mut tx, c => sqlx::query(
        "UPDATE contracts SET client_id = $1, payer_id = $2, starts_on = $3, ends_on = $4, note = $5, \
         updated_at = $6, updated_by = $7 WHERE id = $8")
        .bind(client.id).bind(payer).bind(v.starts).bind(v.ends).bind(&v.note).bind(now)
        .bind(session.user_id).bind(args.id).execute(c).await)?;
    let after = one(&mut tx, args.id, today).await?;
    record(
        &mut tx,
        session,
        now,
        "contract_update",
        Some(&before),
        &after,
    )
    .await?;
    tx.commit().await?;
    Ok(after)
}

/// A new contract for the same parties from the day after the old one ends.
pub(crate) async fn contract_renew(
    core: &Core,
    session: &Session,
    args: ContractRenewArgs,
) -> Result<Contract, ApiError> {
    let (now, today) = today(core, session);
    let mut p = Problems::default();
    let ends = date_field(&mut p, "ends_on", &args.ends_on);
    p.finish()?;
    let mut tx = core.db.write().await?;
    let old = current(&mut tx, args.id, args.version, today).await?;
    if old.renewed_by.is_some() {
        return Err(ApiError::field(
            "id",
            "renewed",
            "this contract is renewed already",
        ));
    }
    let starts = old.ends_on + Duration::days(1);
    let mut p = Problems::default();
    check_dates(&mut p, Some(starts), ends);
    p.finish()
        .map_err(|e| e.renamed("contract.ends_on", "ends_on"))?;
    let v = Valid {
        starts,
        ends: ends.unwrap_or(starts),
        note: old.note.clone(),
    };
    let id = insert(
        &mut tx,
        old.client.id,
        old.payer.id,
        &v,
        Some(old.id),
        session,
        now,
    )
    .await?;
    let after = one(&mut tx, id, today).await?;
    record(&mut tx, session, now, "contract_renew", None, &after).await?;
    tx.commit().await?;
    Ok(after)
}

pub(crate) async fn contract_cancel(
    core: &Core,
    session: &Session,
    args: ContractCancelArgs,
) -> Result<Contract, ApiError> {
    let (now, today) = today(core, session);
    let mut p = Problems::default();
    let reason = p.take(parse_name("reason", &args.reason, 500));
    p.finish()?;
    let mut tx = core.db.write().await?;
    let before = current(&mut tx, args.id, args.version, today).await?;
    let note = match before.note.as_str() {
        "" => format!("Cancelled: {}", reason.unwrap_or_default()),
        n => format!("{n}\nCancelled: {}", reason.unwrap_or_default()),
    };
    exec_tx!(&mut tx, c => sqlx::query(
        "UPDATE contracts SET cancelled_at = $1, note = $2, updated_at = $1, updated_by = $3 WHERE id = $4")
        .bind(now).bind(&note).bind(session.user_id).bind(args.id).execute(c).await)?;
    let after = one(&mut tx, args.id, today).await?;
    record(
        &mut tx,
        session,
        now,
        "contract_cancel",
        Some(&before),
        &after,
    )
    .await?;
    tx.commit().await?;
    Ok(after)
}
