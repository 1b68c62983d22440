//! Listing and saving campaigns: every mistake at its field (the template, when it goes, whom
//! to), optimistic versions, an audit row; a one-off moved to a new time goes again.

use chrono::{NaiveDate, TimeZone};
use uuid::Uuid;

use super::{
    next_run, one, time_of_day, Campaign, CampaignAudience, CampaignInput, CampaignKind,
    CampaignSaveArgs,
};
use crate::audit::{self, Change};
use crate::auth::{NoArgs, Session};
use crate::db::Tx;
use crate::error::{ApiError, Problems};
use crate::messaging::send::MAX_RECIPIENTS;
use crate::text::{optional_date_field, parse_name};
use crate::{exec_tx, on_tx, Core};

/// The most days before a pass ends a reminder may go.
pub const MAX_DAYS_BEFORE: i32 = 60;

pub(crate) async fn campaigns_list(
    core: &Core,
    session: &Session,
    _args: NoArgs,
) -> Result<Vec<Campaign>, ApiError> {
    let now = core.now();
    let mut tx = core.db.read().await?;
    let ids: Vec<Uuid> = on_tx!(&mut tx, c => sqlx::query_scalar(
        "SELECT id FROM campaigns ORDER BY archived, name, id").fetch_all(c).await)?;
    let mut out = Vec::with_capacity(ids.len());
    for id in ids {
        if let Some(mut s) = one(&mut tx, id).await? {
            s.c.next_run_at = next_run(&s, session.local.time_zone, now);
            out.push(s.c);
        }
    }
    tx.commit().await?;
    Ok(out)
}

/// Every mistake of `c` (its owner `owner`), each at its field; the name.
async fn check(
    tx: &mut Tx,
    c: &CampaignInput,
    owner: Uuid,
    p: &mut Problems,
) -> Result<Option<String>, ApiError> {
    let name = p.take(parse_name("campaign.name", &c.name, 120));
    let t = crate::messaging::templates::one(tx, c.template_id).await?;
    match t {
        None => p.add("campaign.template_id", "not_found", "no such template"),
        Some(t) if t.archived || t.channel != c.channel => p.add(
            "campaign.template_id",
            "invalid",
            "an archived template, or one for the other channel",
        ),
        Some(_) => {}
    }
    match c.kind {
        CampaignKind::Once if c.send_on.as_deref().unwrap_or_default().trim().is_empty() => {
            p.add("campaign.send_on", "required", "the day it goes")
        }
        CampaignKind::Once => {
            optional_date_field(p, "campaign.send_on", &c.send_on);
        }
        CampaignKind::PassEnding
            if !c
                .days_before
                .is_some_and(|d| (0..=MAX_DAYS_BEFORE).contains(&d)) =>
        {
            p.add(
                "campaign.days_before",
                "out_of_range",
                format!("a number of days from 0 to {MAX_DAYS_BEFORE}"),
            )
        }
        _ => {}
    }
    if time_of_day(&c.send_time).is_none() {
        p.add("campaign.send_time", "invalid", "a time of day as HH:MM");
    }
    match c.audience {
        CampaignAudience::Clients if c.client_ids.is_empty() => {
            p.add("campaign.client_ids", "required", "whom to write to")
        }
        CampaignAudience::Clients if c.client_ids.len() > MAX_RECIPIENTS => p.add(
            "campaign.client_ids",
            "too_many",
            format!("at most {MAX_RECIPIENTS}"),
        ),
        CampaignAudience::Group => {
            let known: Option<Uuid> = match c.group_id {
                None => None,
                Some(g) => {
                    on_tx!(tx, x => sqlx::query_scalar("SELECT id FROM class_groups WHERE id = $1")
                    .bind(g).fetch_optional(x).await)?
                }
            };
            if known.is_none() {
                p.add("campaign.group_id", "not_found", "no such group");
            }
        }
        CampaignAudience::SavedFilter => {
            let known = match c.saved_filter_id {
                None => None,
                Some(f) => crate::clients::saved_filters::one_of(tx, owner, f).await?,
            };
            if known.is_none() {
                p.add(
                    "campaign.saved_filter_id",
                    "not_found",
                    "no such saved search of the campaign's owner",
                );
            }
        }
        _ => {}
    }
    Ok(name)
}

pub(crate) async fn campaigns_save(
    core: &Core,
    session: &Session,
    args: CampaignSaveArgs,
) -> Result<Campaign, ApiError> {
    let c = args.campaign;
    let now = core.now();
    let mut tx = core.db.write().await?;
    let before = match args.id {
        Some(id) => Some(
            one(&mut tx, id)
                .await?
                .ok_or_else(|| ApiError::not_found("campaign"))?,
        ),
        None => None,
    };
    // Whoever saves it owns it: it is sent in their name, from their saved search.
    let owner = session.user_id;
    let mut p = Problems::default();
    let name = check(&mut tx, &c, owner, &mut p).await?;
    p.finish()?;
    let name = name.unwrap_or_default();
    let keep = |a: CampaignAudience| c.audience == a;
    let client_ids = if keep(CampaignAudience::Clients) {
        serde_json::to_string(&c.client_ids).unwrap_or_default()
    } else {
        "[]".into()
    };
    let group = keep(CampaignAudience::Group)
        .then_some(c.group_id)
        .flatten();
    let filter = keep(CampaignAudience::SavedFilter)
        .then_some(c.saved_filter_id)
        .flatten();
    // A one-off's day and time, in the centre's zone.
    let send_on = (c.kind == CampaignKind::Once)
        .then(|| {
            c.send_on
                .as_deref()
                .and_then(|d| d.trim().parse::<NaiveDate>().ok())
        })
        .flatten();
    let send_at = send_on.and_then(|d| {
        let at = d.and_time(time_of_day(&c.send_time)?);
        let local = session
            .local
            .time_zone
            .from_local_datetime(&at)
            .earliest()?;
        Some(local.with_timezone(&chrono::Utc))
    });
    let days = (c.kind == CampaignKind::PassEnding)
        .then_some(c.days_before)
        .flatten();
    let id = match &before {
        Some(b) => {
            // A one-off moved to a new time goes again at it.
            let rerun = c.kind == CampaignKind::Once && b.c.send_at != send_at;
            let done = exec_tx!(&mut tx, x => sqlx::query(
                "UPDATE campaigns SET name = $1, channel = $2, template_id = $3, kind = $4, send_at = $5, send_on = $18, \
                 days_before = $6, send_time = $7, audience = $8, client_ids = $9, group_id = $10, \
                 saved_filter_id = $11, archived = $13, updated_at = $14, version = version + 1, \
                 last_run_at = CASE WHEN $15 THEN NULL ELSE last_run_at END, \
                 active = CASE WHEN $15 AND last_run_at IS NOT NULL THEN TRUE ELSE $12 END, owner_id = $19 \
                 WHERE id = $16 AND version = $17")
                .bind(&name).bind(c.channel.as_str()).bind(c.template_id).bind(c.kind.as_str()).bind(send_at)
                .bind(days).bind(&c.send_time).bind(c.audience.as_str()).bind(&client_ids).bind(group)
                .bind(filter).bind(c.active).bind(c.archived).bind(now).bind(rerun).bind(b.c.id)
                .bind(args.version.unwrap_or(-1)).bind(send_on).bind(owner).execute(x).await)?;
            if done != 1 {
                return Err(ApiError::conflict("the campaign was changed meanwhile"));
            }
            b.c.id
        }
        None => {
            let id = crate::new_id();
            exec_tx!(&mut tx, x => sqlx::query(
                "INSERT INTO campaigns (id, name, channel, template_id, kind, send_at, days_before, send_time, \
                 audience, client_ids, group_id, saved_filter_id, owner_id, active, archived, created_at, updated_at, send_on) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $16, $17)")
                .bind(id).bind(&name).bind(c.channel.as_str()).bind(c.template_id).bind(c.kind.as_str())
                .bind(send_at).bind(days).bind(&c.send_time).bind(c.audience.as_str()).bind(&client_ids)
                .bind(group).bind(filter).bind(owner).bind(c.active).bind(c.archived).bind(now)
                .bind(send_on).execute(x).await)?;
            id
        }
    };
    let mut after = one(&mut tx, id)
        .await?
        .ok_or_else(|| ApiError::not_found("campaign"))?;
    after.c.next_run_at = next_run(&after, session.local.time_zone, now);
    audit::record(
        &mut tx,
        session,
        now,
        Change {
            operation: "campaigns_save",
            entity: "campaign",
            entity_id: Some(id),
            before: before.as_ref().map(|b| &b.c),
            after: Some(&after.c),
        },
    )
    .await?;
    tx.commit().await?;
    core.outbox.wake();
    Ok(after.c)
}
