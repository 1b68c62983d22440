//! The values a template's fields take for each client, read for many clients at once: the
//! card, the pass ending first, the debt, the centre; where to write (the first e-mail or
//! phone), whether the client opted out, and the client's language.

use std::collections::{BTreeMap, HashMap, HashSet};

use chrono::NaiveDate;
use uuid::Uuid;

use super::templates::MessageChannel;
use crate::db::Tx;
use crate::error::ApiError;
use crate::money::invoices::PAID_SQL;
use crate::on_tx;

/// One recipient as the sender sees it.
#[derive(Debug, Clone)]
pub struct Recipient {
    pub client_id: Uuid,
    pub name: String,
    pub language: String,
    /// The first e-mail or phone (E.164); none when the card has none.
    pub address: Option<String>,
    pub opted_out: bool,
    pub values: BTreeMap<String, String>,
}

pub(crate) fn marks(from: usize, n: usize) -> String {
    (from..from + n)
        .map(|i| format!("${i}"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The recipients among `ids` (unknown ids are left out), in the order given.
pub(crate) async fn recipients(
    tx: &mut Tx,
    ids: &[Uuid],
    channel: MessageChannel,
    today: NaiveDate,
    now: chrono::DateTime<chrono::Utc>,
    with_classes: bool,
) -> Result<Vec<Recipient>, ApiError> {
    let centre: Option<(String, String)> = on_tx!(tx, c => sqlx::query_as(
        "SELECT name, currency FROM centre LIMIT 1").fetch_optional(c).await)?;
    let (centre_name, currency) = centre.unwrap_or_default();
    // The timetable is read only for texts that name a class.
    let classes = match with_classes {
        true => next_classes(tx, today, now).await?,
        false => HashMap::new(),
    };
    let mut out = Vec::with_capacity(ids.len());
    for chunk in ids.chunks(500) {
        let m = marks(1, chunk.len());
        type Card = (Uuid, String, Option<String>, Option<NaiveDate>, String);
        let cards: Vec<Card> = on_tx!(tx, c => {
            let sql = format!("SELECT id, name, card_number, birth_date, language FROM clients WHERE id IN ({m})");
            let mut q = sqlx::query_as(&sql);
            for id in chunk { q = q.bind(*id); }
            q.fetch_all(c).await
        })?;
        let addresses: Vec<(Uuid, String)> = on_tx!(tx, c => {
            let sql = match channel {
                MessageChannel::Email => format!("SELECT client_id, value FROM client_contacts WHERE channel = 'email' \
                                           AND client_id IN ({m}) ORDER BY position DESC"),
                MessageChannel::Sms => format!("SELECT client_id, number FROM client_phones WHERE client_id IN ({m}) \
                                         ORDER BY position DESC"),
            };
            let mut q = sqlx::query_as(&sql);
            for id in chunk { q = q.bind(*id); }
            q.fetch_all(c).await
        })?;
        // Later rows are earlier positions: the first one wins.
        let addresses: HashMap<Uuid, String> = addresses.into_iter().collect();
        let out_of: HashSet<Uuid> = on_tx!(tx, c => {
            let sql = format!("SELECT client_id FROM message_optouts WHERE channel = ${} AND client_id IN ({m})",
                chunk.len() + 1);
            let mut q = sqlx::query_scalar(&sql);
            for id in chunk { q = q.bind(*id); }
            q.bind(channel.as_str()).fetch_all(c).await
        })?
        .into_iter()
        .collect();
        type Pass = (Uuid, String, Option<i32>, Option<NaiveDate>);
        let passes: Vec<Pass> = on_tx!(tx, c => {
            let sql = format!("SELECT client_id, name, visits_left, ends_on FROM memberships \
                WHERE client_id IN ({m}) AND cancelled_at IS NULL AND (ends_on IS NULL OR ends_on >= ${}) \
                ORDER BY CASE WHEN ends_on IS NULL THEN 1 ELSE 0 END, ends_on, created_at", chunk.len() + 1);
            let mut q = sqlx::query_as(&sql);
            for id in chunk { q = q.bind(*id); }
            q.bind(today).fetch_all(c).await
        })?;
        // The pass ending first (an open-ended one last), the first row per client.
        let mut first: HashMap<Uuid, Pass> = HashMap::new();
        for p in passes {
            first.entry(p.0).or_insert(p);
        }
        let passes = first;
        let debts: Vec<(Uuid, i64)> = on_tx!(tx, c => {
            let sql = format!("SELECT i.payer_id, CAST(SUM(i.total - {PAID_SQL}) AS BIGINT) FROM invoices i \
                WHERE i.status = 'issued' AND i.payer_id IN ({m}) GROUP BY i.payer_id");
            let mut q = sqlx::query_as(&sql);
            for id in chunk { q = q.bind(*id); }
            q.fetch_all(c).await
        })?;
        let debts: HashMap<Uuid, i64> = debts.into_iter().collect();
        let groups: Vec<(Uuid, Uuid)> = on_tx!(tx, c => {
            let sql = format!("SELECT client_id, group_id FROM group_members WHERE client_id IN ({m}) \
                AND joined_on <= ${n} AND (left_on IS NULL OR left_on > ${n})", n = chunk.len() + 1);
            let mut q = sqlx::query_as(&sql);
            for id in chunk { q = q.bind(*id); }
            q.bind(today).fetch_all(c).await
        })?;
        let cards: HashMap<Uuid, Card> = cards.into_iter().map(|c| (c.0, c)).collect();
        for id in chunk {
            let Some(card) = cards.get(id) else { continue };
            let mut values = BTreeMap::new();
            let mut put = |k: &str, v: String| {
                values.insert(k.to_string(), v);
            };
            put("client.name", card.1.clone());
            put(
                "client.first_name",
                card.1
                    .split_whitespace()
                    .next()
                    .unwrap_or_default()
                    .to_string(),
            );
            if let Some(n) = &card.2 {
                put("client.card_number", n.clone());
            }
            if let Some(b) = card.3 {
                put("client.birth_date", b.format("%d.%m.%Y").to_string());
            }
            if let Some(p) = passes.get(id) {
                put("membership.name", p.1.clone());
                if let Some(v) = p.2 {
                    put("membership.visits_left", v.to_string());
                }
                if let Some(d) = p.3 {
                    put("membership.ends_on", d.format("%d.%m.%Y").to_string());
                }
            }
            let debt = debts.get(id).copied().unwrap_or(0).max(0);
            put("debt", crate::money::amount::plain(debt, &currency));
            put("centre.name", centre_name.clone());
            // The first class ahead in any of the client's groups.
            let next = groups
                .iter()
                .filter(|g| g.0 == *id)
                .filter_map(|g| classes.get(&g.1))
                .min_by_key(|c| c.1);
            if let Some((group, _, local)) = next {
                put("class.name", group.clone());
                put(
                    "class.starts_at",
                    local.format("%d.%m.%Y %H:%M").to_string(),
                );
            }
            out.push(Recipient {
                client_id: *id,
                name: card.1.clone(),
                language: card.4.clone(),
                address: addresses.get(id).cloned(),
                opted_out: out_of.contains(id),
                values,
            });
        }
    }
    Ok(out)
}

/// The next class of each group in the two weeks from `today`: its name, start and local start.
async fn next_classes(
    tx: &mut Tx,
    today: NaiveDate,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<HashMap<Uuid, (String, chrono::DateTime<chrono::Utc>, chrono::NaiveDateTime)>, ApiError>
{
    let local = crate::centre::local(tx).await?;
    let classes = crate::schedule::occurrences::derive(
        tx,
        local.time_zone,
        today,
        today + chrono::Duration::days(14),
        &crate::schedule::occurrences::Filter::default(),
    )
    .await?;
    let mut next = HashMap::new();
    for c in classes {
        if c.starts_at < now
            || c.status == crate::schedule::occurrences::OccurrenceStatus::Cancelled
        {
            continue;
        }
        let at = c.starts_at.with_timezone(&local.time_zone).naive_local();
        next.entry(c.group.id)
            .or_insert((c.group.name, c.starts_at, at));
    }
    Ok(next)
}
