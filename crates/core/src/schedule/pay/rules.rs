//! Pay rules: a new rule for an instructor and a service starts on a day and ends where the
//! next starts; rules are never changed, so a rate change never rewrites past pay. A rule may
//! start only after the last approved pay period, and may be deleted only while it has not.

use chrono::NaiveDate;
use uuid::Uuid;

use super::{PayRule, PayRulesCreateArgs, PayRulesDeleteArgs, PayRulesListArgs, Tier};
use crate::audit::{self, Change};
use crate::auth::{Session, UserRef};
use crate::db::Tx;
use crate::error::{ApiError, Problems};
use crate::money::amount::check_price;
use crate::schedule::Named;
use crate::text::date_field;
use crate::{exec_tx, on_tx, Core};

#[derive(sqlx::FromRow)]
struct Row {
    id: Uuid,
    staff_id: Uuid,
    staff_name: String,
    service_id: Option<Uuid>,
    service_name: Option<String>,
    effective_from: NaiveDate,
    per_class: i64,
    per_attendee: i64,
    tiers: String,
    percent_points: i32,
    empty_class: i64,
    substitute_per_class: Option<i64>,
    note: String,
    created_at: chrono::DateTime<chrono::Utc>,
    created_by: Option<Uuid>,
    created_name: Option<String>,
}

impl From<Row> for PayRule {
    fn from(r: Row) -> PayRule {
        PayRule {
            id: r.id,
            staff: Named {
                id: r.staff_id,
                name: r.staff_name,
            },
            service: Named::of(r.service_id, r.service_name),
            effective_from: r.effective_from,
            per_class: r.per_class,
            per_attendee: r.per_attendee,
            tiers: serde_json::from_str(&r.tiers).unwrap_or_default(),
            percent_points: u32::try_from(r.percent_points).unwrap_or(0),
            empty_class: r.empty_class,
            substitute_per_class: r.substitute_per_class,
            note: r.note,
            created_at: r.created_at,
            created_by: UserRef::from_row(r.created_by, r.created_name),
        }
    }
}

const SELECT: &str = "SELECT r.id, r.staff_id, s.name AS staff_name, r.service_id, i.name AS service_name, \
    r.effective_from, r.per_class, r.per_attendee, r.tiers, r.percent_points, r.empty_class, \
    r.substitute_per_class, r.note, r.created_at, r.created_by, u.display_name AS created_name FROM pay_rules r \
    JOIN staff s ON s.id = r.staff_id LEFT JOIN catalog_items i ON i.id = r.service_id \
    LEFT JOIN users u ON u.id = r.created_by";

/// Rules of one instructor, or all, by instructor, service and day.
pub(crate) async fn load(tx: &mut Tx, staff: Option<Uuid>) -> Result<Vec<PayRule>, ApiError> {
    let sql = format!(
        "{SELECT} WHERE ($1 IS NULL OR r.staff_id = $1) ORDER BY s.name, r.staff_id, r.service_key, r.effective_from"
    );
    let rows: Vec<Row> = on_tx!(tx, c => sqlx::query_as(&sql).bind(staff).fetch_all(c).await)?;
    Ok(rows.into_iter().map(PayRule::from).collect())
}

/// The rule in force for `staff` teaching `service` on `day`: the service's own, else the
/// instructor's rule for every service.
pub(crate) fn in_force(
    rules: &[PayRule],
    staff: Uuid,
    service: Uuid,
    day: NaiveDate,
) -> Option<&PayRule> {
    let latest = |own: bool| {
        rules
            .iter()
            .filter(|r| r.staff.id == staff && r.effective_from <= day)
            .filter(|r| match &r.service {
                Some(s) => own && s.id == service,
                None => !own,
            })
            .max_by_key(|r| r.effective_from)
    };
    latest(true).or_else(|| latest(false))
}

/// The last day of the last approved pay period.
pub(crate) async fn locked_until(tx: &mut Tx) -> Result<Option<NaiveDate>, ApiError> {
    Ok(
        on_tx!(tx, c => sqlx::query_scalar("SELECT MAX(ends_on) FROM pay_periods").fetch_one(c).await)?,
    )
}

/// Refuses a change to a class on `day` once that day's pay is approved.
pub(crate) async fn refuse_if_paid(tx: &mut Tx, day: NaiveDate) -> Result<(), ApiError> {
    match locked_until(tx).await? {
        Some(until) if day <= until => Err(ApiError::conflict(format!(
            "pay up to {until} is approved and locked; this class can no longer change"
        ))),
        _ => Ok(()),
    }
}

pub(crate) async fn pay_rules_list(
    core: &Core,
    _session: &Session,
    args: PayRulesListArgs,
) -> Result<Vec<PayRule>, ApiError> {
    let mut tx = core.db.read().await?;
    let rules = load(&mut tx, args.staff_id).await?;
    tx.commit().await?;
    Ok(rules)
}

fn check_tiers(p: &mut Problems, tiers: &[Tier]) {
    for (i, t) in tiers.iter().enumerate() {
        check_price(p, &format!("rule.tiers.{i}.amount"), t.amount);
        if t.min_attendees == 0 {
            p.add(
                format!("rule.tiers.{i}.min_attendees"),
                "out_of_range",
                "at least 1 attendee",
            );
        }
        if tiers[..i]
            .iter()
            .any(|o| o.min_attendees == t.min_attendees)
        {
            p.add(
                format!("rule.tiers.{i}.min_attendees"),
                "duplicate",
                "another tier starts at this number",
            );
        }
    }
}

fn change<'a>(
    op: &'a str,
    id: Uuid,
    before: Option<&'a PayRule>,
    after: Option<&'a PayRule>,
) -> Change<'a, PayRule> {
    Change {
        operation: op,
        entity: "pay_rule",
        entity_id: Some(id),
        before,
        after,
    }
}

pub(crate) async fn pay_rules_create(
    core: &Core,
    session: &Session,
    args: PayRulesCreateArgs,
) -> Result<PayRule, ApiError> {
    let r = &args.rule;
    let mut p = Problems::default();
    let from = date_field(&mut p, "rule.effective_from", &r.effective_from);
    check_price(&mut p, "rule.per_class", r.per_class);
    check_price(&mut p, "rule.per_attendee", r.per_attendee);
    check_price(&mut p, "rule.empty_class", r.empty_class);
    if let Some(x) = r.substitute_per_class {
        check_price(&mut p, "rule.substitute_per_class", x);
    }
    if r.percent_points > 10_000 {
        p.add("rule.percent_points", "out_of_range", "at most 100 %");
    }
    check_tiers(&mut p, &r.tiers);
    if r.note.chars().count() > 500 {
        p.add("rule.note", "too_long", "at most 500 characters");
    }
    p.finish()?;
    let from = from.unwrap_or_default();
    let now = core.now();
    let mut tx = core.db.write().await?;
    let mut p = Problems::default();
    let staff: Option<Uuid> = on_tx!(&mut tx, c => sqlx::query_scalar("SELECT id FROM staff WHERE id = $1")
        .bind(r.staff_id).fetch_optional(c).await)?;
    if staff.is_none() {
        p.add("rule.staff_id", "not_found", "no such member of staff");
    }
    if let Some(s) = r.service_id {
        let found: Option<Uuid> = on_tx!(&mut tx, c => sqlx::query_scalar(
            "SELECT id FROM catalog_items WHERE id = $1 AND kind = 'service'").bind(s).fetch_optional(c).await)?;
        if found.is_none() {
            p.add("rule.service_id", "not_found", "no such service");
        }
    }
    if let Some(until) = locked_until(&mut tx).await? {
        if from <= until {
            p.add(
                "rule.effective_from",
                "locked",
                format!("pay up to {until} is approved; a new rule starts after it"),
            );
        }
    }
    p.finish()?;
    let id = crate::new_id();
    let key = r.service_id.map(|s| s.to_string()).unwrap_or_default();
    exec_tx!(&mut tx, c => sqlx::query(
        "INSERT INTO pay_rules (id, staff_id, service_id, service_key, effective_from, per_class, per_attendee, tiers, \
         percent_points, empty_class, substitute_per_class, note, created_at, created_by) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)")
        .bind(id).bind(r.staff_id).bind(r.service_id).bind(&key).bind(from).bind(r.per_class).bind(r.per_attendee)
        .bind(serde_json::to_string(&r.tiers).unwrap_or_default()).bind(r.percent_points as i32).bind(r.empty_class)
        .bind(r.substitute_per_class).bind(r.note.trim()).bind(now).bind(session.user_id)
        .execute(c).await)
    .map_err(|e| crate::db::taken(e, "rule.effective_from", "this instructor has a rule for this service from that day"))?;
    let rule = load(&mut tx, Some(r.staff_id))
        .await?
        .into_iter()
        .find(|x| x.id == id)
        .ok_or_else(|| ApiError::not_found("pay rule"))?;
    audit::record(
        &mut tx,
        session,
        now,
        change("pay_rules_create", id, None, Some(&rule)),
    )
    .await?;
    tx.commit().await?;
    Ok(rule)
}

pub(crate) async fn pay_rules_delete(
    core: &Core,
    session: &Session,
    args: PayRulesDeleteArgs,
) -> Result<(), ApiError> {
    let now = core.now();
    let mut tx = core.db.write().await?;
    let rule = load(&mut tx, None)
        .await?
        .into_iter()
        .find(|x| x.id == args.id)
        .ok_or_else(|| ApiError::not_found("pay rule"))?;
    if locked_until(&mut tx)
        .await?
        .is_some_and(|u| rule.effective_from <= u)
    {
        return Err(ApiError::conflict(
            "this rule has paid an approved period; add a new rule from a later day instead",
        ));
    }
    exec_tx!(&mut tx, c => sqlx::query("DELETE FROM pay_rules WHERE id = $1").bind(args.id).execute(c).await)?;
    audit::record(
        &mut tx,
        session,
        now,
        change("pay_rules_delete", args.id, Some(&rule), None),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}
