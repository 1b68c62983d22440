//! The flags' thresholds, one row per centre.

use super::{FlagSettings, FlagSettingsSaveArgs};
use crate::audit::{self, Change};
use crate::auth::{NoArgs, Session};
use crate::db::Tx;
use crate::error::{ApiError, Problems};
use crate::{exec_tx, on_tx, Core};

pub(crate) async fn load(tx: &mut Tx) -> Result<FlagSettings, ApiError> {
    let (v, e, x, version): (i32, i32, i32, i64) = on_tx!(tx, c => sqlx::query_as(
        "SELECT visits_low, ends_within_days, expired_within_days, version FROM money_settings WHERE id = 1")
        .fetch_one(c).await)?;
    let u = |n: i32| u32::try_from(n).unwrap_or(0);
    Ok(FlagSettings {
        visits_low: u(v),
        ends_within_days: u(e),
        expired_within_days: u(x),
        version,
    })
}

pub(crate) async fn flag_settings_get(
    core: &Core,
    _session: &Session,
    _args: NoArgs,
) -> Result<FlagSettings, ApiError> {
    let mut tx = core.db.read().await?;
    let s = load(&mut tx).await?;
    tx.commit().await?;
    Ok(s)
}

pub(crate) async fn flag_settings_save(
    core: &Core,
    session: &Session,
    args: FlagSettingsSaveArgs,
) -> Result<FlagSettings, ApiError> {
    let mut p = Problems::default();
    if args.visits_low > 100 {
        p.add("visits_low", "out_of_range", "at most 100 visits");
    }
    for (field, v) in [
        ("ends_within_days", args.ends_within_days),
        ("expired_within_days", args.expired_within_days),
    ] {
        if v > 365 {
            p.add(field, "out_of_range", "at most 365 days");
        }
    }
    p.finish()?;
    let now = core.now();
    let mut tx = core.db.write().await?;
    let before = load(&mut tx).await?;
    let n = exec_tx!(&mut tx, c => sqlx::query(
        "UPDATE money_settings SET visits_low = $1, ends_within_days = $2, expired_within_days = $3, \
         version = version + 1 WHERE id = 1 AND version = $4")
        .bind(args.visits_low as i32).bind(args.ends_within_days as i32)
        .bind(args.expired_within_days as i32).bind(args.version).execute(c).await)?;
    if n == 0 {
        return Err(ApiError::conflict(
            "someone else changed these settings meanwhile; reload them",
        ));
    }
    let after = load(&mut tx).await?;
    let c = Change {
        operation: "flag_settings_save",
        entity: "flag_settings",
        entity_id: None,
        before: Some(&before),
        after: Some(&after),
    };
    audit::record(&mut tx, session, now, c).await?;
    tx.commit().await?;
    Ok(after)
}
