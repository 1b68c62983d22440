//! A campaign's run: who it writes to now and for what occasion (`once`; a pass and the day
//! it ends; a birthday's year), those written to before for it left out, the messages queued
//! in the owner's name in one transaction with the record of what went, an audit row and the
//! campaign's last run. The outbox looks for due campaigns as it looks for messages.

use std::collections::{BTreeMap, HashSet};

use chrono::{DateTime, Datelike, Duration, NaiveDate, Utc};
use uuid::Uuid;

use super::{one, time_of_day, CampaignAudience, CampaignKind, Stored};
use crate::audit::{self, Entry};
use crate::centre::Local;
use crate::db::Tx;
use crate::error::ApiError;
use crate::messaging::fill::marks;
use crate::messaging::queue::{queue, ready, Queuing, Sender, Texts};
use crate::messaging::send::MAX_RECIPIENTS;
use crate::{exec_tx, on_tx, Core};

/// Runs every campaign due now; how many ran.
pub async fn run_due(core: &Core) -> Result<u32, ApiError> {
    let now = core.now();
    let mut tx = core.db.read().await?;
    let local = crate::centre::local(&mut tx).await?;
    let ids: Vec<Uuid> = on_tx!(&mut tx, c => sqlx::query_scalar(
        "SELECT id FROM campaigns WHERE active AND NOT archived ORDER BY created_at").fetch_all(c).await)?;
    let mut due = Vec::new();
    for id in ids {
        if let Some(s) = one(&mut tx, id).await? {
            if is_due(&s, &local, now) {
                due.push(id);
            }
        }
    }
    tx.commit().await?;
    let mut ran = 0;
    for id in due {
        match run_one(core, id, &local, now).await {
            Ok(true) => ran += 1,
            Ok(false) => {}
            // A mistake in the campaign (a saved search gone, too many) is recorded on it.
            Err(ApiError::Validation { errors }) => {
                let code = match errors.first() {
                    Some(e) if e.field == "saved_filter_id" => "saved_filter_gone",
                    Some(e) if e.field == "template_id" => "template_unusable",
                    Some(e) if e.code == "too_many" => "too_many",
                    Some(e) if e.field == "owner" => "owner_cannot_send",
                    _ => "invalid",
                };
                failed(core, id, &local, now, code).await?;
            }
            // Anything else (the database away) is tried again on the next look.
            Err(e) => tracing::warn!(campaign = %id, error = %e, "a campaign could not run"),
        }
    }
    if ran > 0 {
        core.outbox.wake();
    }
    Ok(ran)
}

fn is_due(s: &Stored, local: &Local, now: DateTime<Utc>) -> bool {
    let c = &s.c.input;
    match c.kind {
        CampaignKind::Once => s.c.last_run_at.is_none() && s.c.send_at.is_some_and(|at| at <= now),
        _ => {
            let here = now.with_timezone(&local.time_zone);
            let today = here.date_naive();
            s.last_run_on.is_none_or(|d| d < today)
                && time_of_day(&c.send_time).is_some_and(|t| here.time() >= t)
        }
    }
}

/// A one-off's occasion: its time, so that moved to a new time it goes again.
fn once(s: &Stored) -> String {
    format!(
        "once:{}",
        s.c.send_at.map(|t| t.timestamp()).unwrap_or_default()
    )
}

/// Who `s` writes to now and for what occasion, before those written to already.
async fn occasions(
    tx: &mut Tx,
    s: &Stored,
    local: &Local,
    now: DateTime<Utc>,
) -> Result<Vec<(Uuid, String)>, ApiError> {
    let c = &s.c.input;
    let today = local.today(now);
    let audience = audience(tx, s, local, now).await?;
    let within = |id: &Uuid| audience.as_ref().is_none_or(|a| a.contains(id));
    Ok(match c.kind {
        CampaignKind::Once => match audience {
            // Its time is part of the occasion: moved to a new time, it goes again.
            Some(a) => a.into_iter().map(|id| (id, once(s))).collect(),
            None => {
                let all: Vec<Uuid> = on_tx!(tx, x => sqlx::query_scalar(
                    "SELECT id FROM clients WHERE status <> 'former' ORDER BY id").fetch_all(x).await)?;
                all.into_iter().map(|id| (id, once(s))).collect()
            }
        },
        CampaignKind::PassEnding => {
            let days = Duration::days(i64::from(c.days_before.unwrap_or(0)));
            // Days missed while the centre's computers were off are caught up, if still ahead.
            let last = today + days;
            let first = match s.last_run_on {
                Some(d) => (d + days + Duration::days(1)).max(today),
                None => last,
            };
            // Not those who renewed already (a pass of theirs goes on longer), nor former clients.
            let passes: Vec<(Uuid, Uuid, NaiveDate)> = on_tx!(tx, x => sqlx::query_as(
                "SELECT m.client_id, m.id, m.ends_on FROM memberships m JOIN clients c ON c.id = m.client_id \
                 WHERE m.cancelled_at IS NULL AND m.ends_on >= $1 AND m.ends_on <= $2 AND c.status <> 'former' \
                 AND NOT EXISTS (SELECT 1 FROM memberships n WHERE n.client_id = m.client_id AND n.id <> m.id \
                 AND n.cancelled_at IS NULL AND (n.ends_on IS NULL OR n.ends_on > m.ends_on)) \
                 ORDER BY m.ends_on, m.id")
                .bind(first).bind(last).fetch_all(x).await)?;
            passes
                .into_iter()
                .filter(|p| within(&p.0))
                .map(|(client, pass, ends)| (client, format!("pass:{pass}:{ends}")))
                .collect()
        }
        CampaignKind::Birthday => {
            let born: Vec<(Uuid, NaiveDate)> = on_tx!(tx, x => sqlx::query_as(
                "SELECT id, birth_date FROM clients WHERE birth_month = $1 AND birth_date IS NOT NULL \
                 AND status <> 'former' ORDER BY id").bind(today.month() as i32).fetch_all(x).await)?;
            // Born on 29 February: the 28th in other years.
            let leap = NaiveDate::from_ymd_opt(today.year(), 2, 29).is_some();
            let day = |d: NaiveDate| match (d.month(), d.day(), leap) {
                (2, 29, false) => 28,
                _ => d.day(),
            };
            born.into_iter()
                .filter(|(id, d)| day(*d) == today.day() && within(id))
                .map(|(id, _)| (id, format!("birthday:{}", today.year())))
                .collect()
        }
    })
}

/// The cards a campaign is limited to (none: everyone).
async fn audience(
    tx: &mut Tx,
    s: &Stored,
    local: &Local,
    now: DateTime<Utc>,
) -> Result<Option<HashSet<Uuid>>, ApiError> {
    let c = &s.c.input;
    let today = local.today(now);
    Ok(Some(match c.audience {
        CampaignAudience::All => return Ok(None),
        CampaignAudience::Clients => c.client_ids.iter().copied().collect(),
        CampaignAudience::Group => {
            let members: Vec<Uuid> = on_tx!(tx, x => sqlx::query_scalar(
                "SELECT client_id FROM group_members WHERE group_id = $1 AND joined_on <= $2 \
                 AND (left_on IS NULL OR left_on > $2)")
                .bind(c.group_id).bind(today).fetch_all(x).await)?;
            members.into_iter().collect()
        }
        CampaignAudience::SavedFilter => {
            let found = match c.saved_filter_id {
                Some(f) => crate::clients::saved_filters::one_of(tx, s.c.owner_id, f).await?,
                None => None,
            };
            let Some(f) = found else {
                return Err(ApiError::field(
                    "saved_filter_id",
                    "not_found",
                    "the saved search is gone",
                ));
            };
            let r = crate::clients::listing::resolve(
                tx,
                &f.search.query,
                f.search.filters,
                f.search.sort,
                local,
                now,
                false,
            )
            .await?;
            crate::clients::sql::all_ids(tx, &r)
                .await?
                .into_iter()
                .collect()
        }
    }))
}

/// Runs campaign `id` (checked due again inside the transaction); false when it was not.
async fn run_one(
    core: &Core,
    id: Uuid,
    local: &Local,
    now: DateTime<Utc>,
) -> Result<bool, ApiError> {
    let mut tx = core.db.write().await?;
    // Two hubs on one PostgreSQL database: the second waits, then finds it run.
    if let crate::db::Conn::Postgres(c) = &mut tx.conn {
        sqlx::query("SELECT id FROM campaigns WHERE id = $1 FOR UPDATE")
            .bind(id)
            .execute(&mut **c)
            .await?;
    }
    let Some(s) = one(&mut tx, id).await? else {
        return Ok(false);
    };
    if !s.c.input.active || s.c.input.archived || !is_due(&s, local, now) {
        return Ok(false);
    }
    if !ready(&mut tx, s.c.input.channel).await? {
        // Kept due: it goes once the channel is set up.
        drop(tx);
        note(core, id, "not_configured").await?;
        return Ok(false);
    }
    // Sent in its owner's name: only while the owner may still send.
    let owner: Option<(bool, Option<String>)> = on_tx!(&mut tx, x => sqlx::query_as(
        "SELECT u.active, r.permissions FROM users u LEFT JOIN roles r ON r.id = u.role_id WHERE u.id = $1")
        .bind(s.c.owner_id).fetch_optional(x).await)?;
    let allowed = owner
        .is_some_and(|(active, p)| active && p.is_some_and(|p| p.contains("\"messages_send\"")));
    if !allowed {
        return Err(ApiError::field(
            "owner",
            "owner_cannot_send",
            "its owner may no longer send messages",
        ));
    }
    let mut wanted = occasions(&mut tx, &s, local, now).await?;
    let ids: Vec<Uuid> = wanted
        .iter()
        .map(|w| w.0)
        .collect::<HashSet<_>>()
        .into_iter()
        .collect();
    let mut sent = HashSet::new();
    for chunk in ids.chunks(500) {
        let sql = format!(
            "SELECT client_id, occasion FROM campaign_sends WHERE campaign_id = $1 AND client_id IN ({})",
            marks(2, chunk.len())
        );
        let rows: Vec<(Uuid, String)> = on_tx!(&mut tx, x => {
            let mut q = sqlx::query_as(&sql).bind(id);
            for c in chunk { q = q.bind(*c); }
            q.fetch_all(x).await
        })?;
        sent.extend(rows);
    }
    wanted.retain(|w| !sent.contains(w));
    let mut by_client: BTreeMap<Uuid, Vec<String>> = BTreeMap::new();
    for (client, occasion) in wanted {
        by_client.entry(client).or_default().push(occasion);
    }
    if by_client.len() > MAX_RECIPIENTS {
        return Err(ApiError::field(
            "audience",
            "too_many",
            format!("at most {MAX_RECIPIENTS} at once"),
        ));
    }
    let clients: Vec<Uuid> = by_client.keys().copied().collect();
    let done = if clients.is_empty() {
        Queuing::default()
    } else {
        let texts = Texts::of_template(
            &mut tx,
            "template_id",
            s.c.input.template_id,
            s.c.input.channel,
        )
        .await?;
        let sender = Sender {
            user_id: Some(s.c.owner_id),
            campaign_id: Some(id),
            ..Sender::default()
        };
        queue(
            &mut tx,
            &clients,
            s.c.input.channel,
            &texts,
            &sender,
            local.today(now),
            now,
        )
        .await?
    };
    for (client, message) in &done.queued {
        for occasion in by_client.get(client).into_iter().flatten() {
            exec_tx!(&mut tx, x => sqlx::query(
                "INSERT INTO campaign_sends (campaign_id, client_id, occasion, message_id) VALUES ($1, $2, $3, $4)")
                .bind(id).bind(*client).bind(occasion).bind(*message).execute(x).await)?;
        }
    }
    let (queued, skipped) = (done.queued.len() as i32, done.skipped.len() as i32);
    mark(&mut tx, &s, local, now, queued, skipped, None).await?;
    tx.commit().await?;
    Ok(true)
}

/// Records a run of `s`: its day, counts and error; a one-off is done.
async fn mark(
    tx: &mut Tx,
    s: &Stored,
    local: &Local,
    now: DateTime<Utc>,
    queued: i32,
    skipped: i32,
    error: Option<&str>,
) -> Result<(), ApiError> {
    let id = s.c.id;
    let once = s.c.input.kind == CampaignKind::Once;
    exec_tx!(tx, x => sqlx::query(
        "UPDATE campaigns SET last_run_on = $1, last_run_at = $2, last_queued = $3, last_skipped = $4, \
         last_error = $5, active = CASE WHEN $6 THEN FALSE ELSE active END WHERE id = $7")
        .bind(local.today(now)).bind(now).bind(queued).bind(skipped).bind(error).bind(once).bind(id)
        .execute(x).await)?;
    let after = serde_json::json!({ "queued": queued, "skipped": skipped, "error": error });
    audit::append(
        tx,
        None,
        now,
        Entry {
            operation: "campaigns_run",
            entity: "campaign",
            entity_id: Some(id),
            before: None,
            after: Some(after.to_string()),
        },
    )
    .await
}

/// A run that failed (a saved search gone, too many): recorded, not tried again until its
/// next day (a one-off is done).
async fn failed(
    core: &Core,
    id: Uuid,
    local: &Local,
    now: DateTime<Utc>,
    error: &str,
) -> Result<(), ApiError> {
    let mut tx = core.db.write().await?;
    if let Some(s) = one(&mut tx, id).await? {
        mark(&mut tx, &s, local, now, 0, 0, Some(error)).await?;
    }
    tx.commit().await?;
    Ok(())
}

/// Says why a due campaign waits, without running it.
async fn note(core: &Core, id: Uuid, why: &str) -> Result<(), ApiError> {
    let mut tx = core.db.write().await?;
    exec_tx!(&mut tx, x => sqlx::query(
        "UPDATE campaigns SET last_error = $1 WHERE id = $2 AND (last_error IS NULL OR last_error <> $1)")
        .bind(why).bind(id).execute(x).await)?;
    tx.commit().await?;
    Ok(())
}
