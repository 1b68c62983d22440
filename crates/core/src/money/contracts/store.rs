//! Reading contracts.

use chrono::{DateTime, NaiveDate, Utc};
use uuid::Uuid;

use super::{state_on, Contract, ContractGetArgs, ContractState, ContractsListArgs};
use crate::auth::{Session, UserRef};
use crate::db::Tx;
use crate::error::ApiError;
use crate::money::invoices::{invoices_list, InvoicesListArgs};
use crate::money::{party, Party};
use crate::{on_tx, Core};

#[derive(sqlx::FromRow)]
struct Row {
    id: Uuid,
    number: i64,
    client_id: Uuid,
    client_name: String,
    payer_id: Uuid,
    payer_name: String,
    starts_on: NaiveDate,
    ends_on: NaiveDate,
    cancelled_at: Option<DateTime<Utc>>,
    renewed_from: Option<Uuid>,
    renewed_by: Option<Uuid>,
    note: String,
    created_at: DateTime<Utc>,
    created_by: Option<Uuid>,
    created_name: Option<String>,
    updated_at: DateTime<Utc>,
    updated_by: Option<Uuid>,
    updated_name: Option<String>,
    version: i64,
}

fn select(filter: &str) -> String {
    format!(
        "SELECT k.id, k.number, k.client_id, c.name AS client_name, k.payer_id, pc.name AS payer_name, \
         k.starts_on, k.ends_on, k.cancelled_at, k.renewed_from, \
         (SELECT r.id FROM contracts r WHERE r.renewed_from = k.id AND r.cancelled_at IS NULL LIMIT 1) AS renewed_by, \
         k.note, k.created_at, k.created_by, cu.display_name AS created_name, k.updated_at, k.updated_by, \
         uu.display_name AS updated_name, k.version \
         FROM contracts k JOIN clients c ON c.id = k.client_id JOIN clients pc ON pc.id = k.payer_id \
         LEFT JOIN users cu ON cu.id = k.created_by LEFT JOIN users uu ON uu.id = k.updated_by \
         WHERE {filter}"
    )
}

fn contract(r: Row, today: NaiveDate) -> Contract {
    Contract {
        id: r.id,
        number: r.number,
        client: Party {
            id: r.client_id,
            name: r.client_name,
        },
        payer: Party {
            id: r.payer_id,
            name: r.payer_name,
        },
        starts_on: r.starts_on,
        ends_on: r.ends_on,
        state: state_on(today, r.cancelled_at.is_some(), r.starts_on, r.ends_on),
        days_left: (r.ends_on - today).num_days(),
        renewed_from: r.renewed_from,
        renewed_by: r.renewed_by,
        note: r.note,
        invoices: Vec::new(),
        created_at: r.created_at,
        created_by: UserRef::from_row(r.created_by, r.created_name),
        updated_at: r.updated_at,
        updated_by: UserRef::from_row(r.updated_by, r.updated_name),
        version: r.version,
    }
}

pub(crate) async fn contract_in(
    tx: &mut Tx,
    id: Uuid,
    today: NaiveDate,
) -> Result<Option<Contract>, ApiError> {
    let sql = select("k.id = $1");
    let row: Option<Row> = on_tx!(tx, c => sqlx::query_as(&sql).bind(id).fetch_optional(c).await)?;
    Ok(row.map(|r| contract(r, today)))
}

pub(crate) async fn contract_get(
    core: &Core,
    session: &Session,
    args: ContractGetArgs,
) -> Result<Contract, ApiError> {
    let today = session.local_date(core.now());
    let mut tx = core.db.read().await?;
    let mut k = contract_in(&mut tx, args.id, today)
        .await?
        .ok_or_else(|| ApiError::not_found("contract"))?;
    tx.commit().await?;
    let list = InvoicesListArgs {
        contract_id: Some(k.id),
        limit: Some(500),
        ..Default::default()
    };
    k.invoices = invoices_list(core, session, list).await?.invoices;
    Ok(k)
}

pub(crate) async fn contracts_list(
    core: &Core,
    session: &Session,
    args: ContractsListArgs,
) -> Result<Vec<Contract>, ApiError> {
    let today = session.local_date(core.now());
    let mut tx = core.db.read().await?;
    let rows: Vec<Row> = match args.client_id {
        Some(id) => {
            party(&mut tx, id, "client_id").await?;
            let sql = format!(
                "{} ORDER BY k.number DESC",
                select("(k.client_id = $1 OR k.payer_id = $1)")
            );
            on_tx!(&mut tx, c => sqlx::query_as(&sql).bind(id).fetch_all(c).await)?
        }
        None => {
            let sql = format!(
                "{} ORDER BY k.ends_on, k.number",
                select("k.cancelled_at IS NULL AND k.ends_on >= $1")
            );
            on_tx!(&mut tx, c => sqlx::query_as(&sql).bind(today).fetch_all(c).await)?
        }
    };
    tx.commit().await?;
    Ok(rows
        .into_iter()
        .map(|r| contract(r, today))
        .filter(|k| match args.ending_within_days {
            Some(days) => {
                k.state == ContractState::Active
                    && k.renewed_by.is_none()
                    && k.days_left <= i64::from(days)
            }
            None => true,
        })
        .collect())
}
