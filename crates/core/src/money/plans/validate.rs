//! A membership plan from a form: every field checked, every problem named at its field.

use uuid::Uuid;

use super::{MembershipPlanInput, ValidityUnit};
use crate::db::Tx;
use crate::error::{ApiError, Problems};
use crate::money::amount::{check_price, check_tax};
use crate::on_tx;
use crate::text::parse_name;

const MAX_NAME: usize = 200;
pub(super) const MAX_VISITS: u32 = 10_000;
const MAX_DAYS: u32 = 3_660;
const MAX_MONTHS: u32 = 120;
const MAX_COVERS: usize = 200;

pub(super) fn check(input: &MembershipPlanInput) -> Result<String, ApiError> {
    let mut p = Problems::default();
    let name = p.take(parse_name("plan.name", &input.name, MAX_NAME));
    if let Some(v) = input.visits {
        if v == 0 || v > MAX_VISITS {
            let m = format!("from 1 to {MAX_VISITS} visits, or none for unlimited");
            p.add("plan.visits", "out_of_range", m);
        }
    }
    let (max, unit) = match input.validity.unit {
        ValidityUnit::Days => (MAX_DAYS, "days"),
        ValidityUnit::Months => (MAX_MONTHS, "months"),
    };
    if input.validity.count == 0 || input.validity.count > max {
        let m = format!("from 1 to {max} {unit}");
        p.add("plan.validity.count", "out_of_range", m);
    }
    if let Some(cap) = input.cap {
        if cap.count == 0 || cap.count > 1_000 {
            p.add("plan.cap.count", "out_of_range", "from 1 to 1000 visits");
        }
    }
    if input.covers.len() > MAX_COVERS {
        p.add(
            "plan.covers",
            "too_many",
            format!("at most {MAX_COVERS} services"),
        );
    }
    check_price(&mut p, "plan.price", input.price);
    check_tax(&mut p, "plan.tax.points", input.tax.points);
    if input.freeze_days > MAX_DAYS {
        p.add(
            "plan.freeze_days",
            "out_of_range",
            format!("at most {MAX_DAYS} days"),
        );
    }
    p.finish()?;
    Ok(name.unwrap_or_default())
}

/// Every covered id is a catalogue service, each named once.
pub(super) async fn check_covers(tx: &mut Tx, covers: &[Uuid]) -> Result<(), ApiError> {
    let mut p = Problems::default();
    for (i, id) in covers.iter().enumerate() {
        let field = format!("plan.covers.{i}");
        if covers[..i].contains(id) {
            p.add(field, "duplicate", "this service is already in the list");
            continue;
        }
        let kind: Option<String> = on_tx!(tx, c => sqlx::query_scalar(
            "SELECT kind FROM catalog_items WHERE id = $1").bind(id).fetch_optional(c).await)?;
        match kind.as_deref() {
            None => p.add(field, "not_found", "no such catalogue item"),
            Some("service") => {}
            Some(_) => p.add(field, "not_a_service", "a plan covers services, not goods"),
        }
    }
    p.finish()
}
