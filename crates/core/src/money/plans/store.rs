//! Reading and writing membership plans.

use chrono::{DateTime, Utc};
use uuid::Uuid;

use super::validate::{check, check_covers};
use super::{MembershipPlan, MembershipPlanCreateArgs, MembershipPlanInput};
use super::{MembershipPlanUpdateArgs, MembershipPlansListArgs, PlanStart, ServiceRef};
use super::{Validity, VisitCap};
use crate::audit::{self, Change};
use crate::auth::{Session, UserRef};
use crate::db::Tx;
use crate::error::ApiError;
use crate::money::amount::Tax;
use crate::text::search_key;
use crate::{exec_tx, on_tx, Core};

#[derive(sqlx::FromRow)]
struct Row {
    id: Uuid,
    name: String,
    visits: Option<i32>,
    validity_count: i32,
    validity_unit: String,
    starts: String,
    covers: String,
    cap_count: Option<i32>,
    cap_period: Option<String>,
    price: i64,
    tax_points: i32,
    tax_included: bool,
    freeze_days: i32,
    family: bool,
    active: bool,
    created_at: DateTime<Utc>,
    created_by: Option<Uuid>,
    created_name: Option<String>,
    updated_at: DateTime<Utc>,
    updated_by: Option<Uuid>,
    updated_name: Option<String>,
    version: i64,
}

const SELECT: &str = "SELECT p.id, p.name, p.visits, p.validity_count, p.validity_unit, p.starts, \
     p.covers, p.cap_count, p.cap_period, p.price, p.tax_points, p.tax_included, p.freeze_days, \
     p.family, p.active, p.created_at, p.created_by, cu.display_name AS created_name, p.updated_at, \
     p.updated_by, uu.display_name AS updated_name, p.version FROM membership_plans p \
     LEFT JOIN users cu ON cu.id = p.created_by LEFT JOIN users uu ON uu.id = p.updated_by";

/// The names of catalogue items, for the plans' covered services.
async fn service_names(tx: &mut Tx) -> Result<Vec<(Uuid, String)>, ApiError> {
    Ok(on_tx!(tx, c => sqlx::query_as(
        "SELECT id, name FROM catalog_items WHERE kind = 'service'").fetch_all(c).await)?)
}

fn plan(r: Row, names: &[(Uuid, String)]) -> MembershipPlan {
    let ids: Vec<Uuid> = serde_json::from_str(&r.covers).unwrap_or_default();
    let covers = ids
        .into_iter()
        .map(|id| ServiceRef {
            id,
            name: names
                .iter()
                .find(|(i, _)| *i == id)
                .map(|(_, n)| n.clone())
                .unwrap_or_default(),
        })
        .collect();
    MembershipPlan {
        id: r.id,
        name: r.name,
        visits: r.visits.and_then(|v| u32::try_from(v).ok()),
        validity: Validity::from_row(r.validity_count, &r.validity_unit),
        starts: if r.starts == "first_visit" {
            PlanStart::FirstVisit
        } else {
            PlanStart::Sale
        },
        covers,
        cap: VisitCap::from_row(r.cap_count, r.cap_period.as_deref()),
        price: r.price,
        tax: Tax {
            points: u32::try_from(r.tax_points).unwrap_or(0),
            included: r.tax_included,
        },
        freeze_days: u32::try_from(r.freeze_days).unwrap_or(0),
        family: r.family,
        active: r.active,
        created_at: r.created_at,
        created_by: UserRef::from_row(r.created_by, r.created_name),
        updated_at: r.updated_at,
        updated_by: UserRef::from_row(r.updated_by, r.updated_name),
        version: r.version,
    }
}

/// One plan, if there is one.
pub(crate) async fn plan_in(tx: &mut Tx, id: Uuid) -> Result<Option<MembershipPlan>, ApiError> {
    let sql = format!("{SELECT} WHERE p.id = $1");
    let row: Option<Row> = on_tx!(tx, c => sqlx::query_as(&sql).bind(id).fetch_optional(c).await)?;
    let Some(row) = row else { return Ok(None) };
    let names = service_names(tx).await?;
    Ok(Some(plan(row, &names)))
}

async fn one(tx: &mut Tx, id: Uuid) -> Result<MembershipPlan, ApiError> {
    plan_in(tx, id)
        .await?
        .ok_or_else(|| ApiError::not_found("membership plan"))
}

fn starts_str(s: PlanStart) -> &'static str {
    match s {
        PlanStart::Sale => "sale",
        PlanStart::FirstVisit => "first_visit",
    }
}

fn change<'a>(
    operation: &'a str,
    id: Uuid,
    before: Option<&'a MembershipPlan>,
    after: &'a MembershipPlan,
) -> Change<'a, MembershipPlan> {
    Change {
        operation,
        entity: "membership_plan",
        entity_id: Some(id),
        before,
        after: Some(after),
    }
}

pub(crate) async fn membership_plans_list(
    core: &Core,
    _session: &Session,
    args: MembershipPlansListArgs,
) -> Result<Vec<MembershipPlan>, ApiError> {
    let mut tx = core.db.read().await?;
    let sql = format!("{SELECT} ORDER BY p.search_name, p.id");
    let rows: Vec<Row> = on_tx!(&mut tx, c => sqlx::query_as(&sql).fetch_all(c).await)?;
    let names = service_names(&mut tx).await?;
    tx.commit().await?;
    Ok(rows
        .into_iter()
        .filter(|r| args.include_inactive || r.active)
        .map(|r| plan(r, &names))
        .collect())
}

/// Writes the plan's fields (insert when `id` is new). Returns the rows changed.
async fn write(
    tx: &mut Tx,
    sql: &str,
    name: &str,
    p: &MembershipPlanInput,
    tail: (Uuid, Option<i64>),
    session: &Session,
    now: DateTime<Utc>,
) -> Result<u64, ApiError> {
    let covers = serde_json::to_string(&p.covers).unwrap_or_else(|_| "[]".into());
    let (id, version) = tail;
    Ok(exec_tx!(tx, c => sqlx::query(sql)
        .bind(name).bind(search_key(name)).bind(p.visits.map(|v| v as i32))
        .bind(p.validity.count as i32).bind(p.validity.unit_str()).bind(starts_str(p.starts))
        .bind(&covers).bind(p.cap.map(|c| c.count as i32)).bind(p.cap.map(VisitCap::period_str))
        .bind(p.price).bind(p.tax.points as i32).bind(p.tax.included).bind(p.freeze_days as i32)
        .bind(p.family).bind(p.active).bind(now).bind(session.user_id).bind(id).bind(version)
        .execute(c).await)?)
}

pub(crate) async fn membership_plan_create(
    core: &Core,
    session: &Session,
    args: MembershipPlanCreateArgs,
) -> Result<MembershipPlan, ApiError> {
    let now = core.now();
    let mut tx = core.db.write().await?;
    let id = insert_plan(&mut tx, &args.plan, session, now).await?;
    let after = one(&mut tx, id).await?;
    let c = change("membership_plan_create", id, None, &after);
    audit::record(&mut tx, session, now, c).await?;
    tx.commit().await?;
    Ok(after)
}

/// Checks and writes a new plan (no audit row: the caller's).
pub(crate) async fn insert_plan(
    tx: &mut Tx,
    plan: &MembershipPlanInput,
    session: &Session,
    now: DateTime<Utc>,
) -> Result<Uuid, ApiError> {
    let name = check(plan)?;
    check_covers(tx, &plan.covers).await?;
    let id = crate::new_id();
    let sql = "INSERT INTO membership_plans (name, search_name, visits, validity_count, validity_unit, \
         starts, covers, cap_count, cap_period, price, tax_points, tax_included, freeze_days, family, \
         active, created_at, created_by, updated_at, updated_by, id, version) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $16, $17, $18, \
         COALESCE($19, 1))";
    write(tx, sql, &name, plan, (id, None), session, now).await?;
    Ok(id)
}

pub(crate) async fn membership_plan_update(
    core: &Core,
    session: &Session,
    args: MembershipPlanUpdateArgs,
) -> Result<MembershipPlan, ApiError> {
    let name = check(&args.plan)?;
    let now = core.now();
    let mut tx = core.db.write().await?;
    let before = one(&mut tx, args.id).await?;
    check_covers(&mut tx, &args.plan.covers).await?;
    let sql = "UPDATE membership_plans SET name = $1, search_name = $2, visits = $3, validity_count = $4, \
         validity_unit = $5, starts = $6, covers = $7, cap_count = $8, cap_period = $9, price = $10, \
         tax_points = $11, tax_included = $12, freeze_days = $13, family = $14, active = $15, \
         updated_at = $16, updated_by = $17, version = version + 1 WHERE id = $18 AND version = $19";
    let target = (args.id, Some(args.version));
    let n = write(&mut tx, sql, &name, &args.plan, target, session, now).await?;
    if n == 0 {
        return Err(ApiError::conflict(
            "someone else changed this plan meanwhile; reload it",
        ));
    }
    let after = one(&mut tx, args.id).await?;
    let c = change("membership_plan_update", args.id, Some(&before), &after);
    audit::record(&mut tx, session, now, c).await?;
    tx.commit().await?;
    Ok(after)
}
