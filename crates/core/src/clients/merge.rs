//! Merging two cards of the same client. Everything of the merged card moves to the kept
//! one: phones, e-mails, messengers, addresses and tags it lacks, guardians and wards,
//! company links, custom values, timeline, files, and every reference later domains hold
//! ([`LATER_REFERENCES`]). Gaps on the kept card are filled from the merged one; notes are
//! joined. The audit log keeps both cards as they were; the merged id keeps pointing at the
//! kept card (`client_merges`).

use chrono::{DateTime, Utc};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use specta::Type;
use uuid::Uuid;

use super::model::*;
use super::{custom, index, timeline};
use crate::audit::{self, Entry};
use crate::auth::Session;
use crate::db::Tx;
use crate::error::ApiError;
use crate::{exec_tx, on_tx, Core};

#[derive(Debug, Clone, Serialize, Deserialize, Type, JsonSchema)]
pub struct ClientsMergeArgs {
    /// The card that stays.
    pub keep_id: Uuid,
    /// The card merged into it and then removed.
    pub merge_id: Uuid,
}

/// Tables of later domains whose column refers to a client: the merge points them at the
/// kept card. Each domain that adds such a column adds its line here (a test checks that
/// every foreign key to `clients` is either here or moved above).
pub const LATER_REFERENCES: &[(&str, &str)] = &[
    ("invoices", "client_id"),
    ("invoices", "payer_id"),
    ("payments", "payer_id"),
    ("memberships", "client_id"),
    ("memberships", "payer_id"),
    ("contracts", "client_id"),
    ("contracts", "payer_id"),
    ("group_members", "client_id"),
    ("waitlist", "client_id"),
    ("attendance", "client_id"),
    ("makeups", "client_id"),
    ("callbacks", "client_id"),
    ("messages", "client_id"),
    ("message_optouts", "client_id"),
    ("campaign_sends", "client_id"),
    ("call_ratings", "client_id"),
    ("messages_in", "client_id"),
    ("voice_broadcast_calls", "client_id"),
    ("tasks", "client_id"),
];

/// Run before [`LATER_REFERENCES`]: rows of the merged card that would repeat the kept
/// card's where only one may be (both in one group, both waiting for it, both at one class).
pub const LATER_DUPLICATES: &[&str] = &[
    "DELETE FROM group_members WHERE client_id = $2 AND group_id IN \
     (SELECT group_id FROM group_members WHERE client_id = $1)",
    "UPDATE waitlist SET status = 'removed' WHERE client_id = $2 AND status IN ('waiting','offered') \
     AND group_id IN (SELECT group_id FROM waitlist WHERE client_id = $1 AND status IN ('waiting','offered'))",
    "UPDATE makeups SET used_by = NULL WHERE used_by IN (SELECT a.id FROM attendance a WHERE a.client_id = $2 \
     AND EXISTS (SELECT 1 FROM attendance k WHERE k.client_id = $1 AND k.slot_id = a.slot_id AND k.original = a.original))",
    "DELETE FROM makeups WHERE earned_by IN (SELECT a.id FROM attendance a WHERE a.client_id = $2 \
     AND EXISTS (SELECT 1 FROM attendance k WHERE k.client_id = $1 AND k.slot_id = a.slot_id AND k.original = a.original))",
    "DELETE FROM attendance WHERE client_id = $2 AND EXISTS (SELECT 1 FROM attendance k \
     WHERE k.client_id = $1 AND k.slot_id = attendance.slot_id AND k.original = attendance.original)",
    "DELETE FROM message_optouts WHERE client_id = $2 AND channel IN \
     (SELECT channel FROM message_optouts WHERE client_id = $1)",
    "DELETE FROM campaign_sends WHERE client_id = $2 AND EXISTS (SELECT 1 FROM campaign_sends k \
     WHERE k.client_id = $1 AND k.campaign_id = campaign_sends.campaign_id AND k.occasion = campaign_sends.occasion)",
    "DELETE FROM voice_broadcast_calls WHERE client_id = $2 AND broadcast_id IN \
     (SELECT broadcast_id FROM voice_broadcast_calls WHERE client_id = $1)",
];

/// Foreign keys to `clients` the merge moves by itself, row by row.
pub const MOVED_HERE: &[(&str, &str)] = &[
    ("client_phones", "client_id"),
    ("client_contacts", "client_id"),
    ("client_tags", "client_id"),
    ("client_guardians", "child_id"),
    ("client_guardians", "guardian_id"),
    ("company_contacts", "company_id"),
    ("company_contacts", "person_id"),
    ("client_field_values", "client_id"),
    ("client_timeline", "client_id"),
    ("client_merges", "kept_id"),
];

async fn run(tx: &mut Tx, sql: &str, keep: Uuid, merge: Uuid) -> Result<u64, ApiError> {
    Ok(exec_tx!(&mut *tx, c => sqlx::query(sql).bind(keep).bind(merge).execute(c).await)?)
}

async fn next_position(tx: &mut Tx, sql: &str, keep: Uuid) -> Result<i32, ApiError> {
    let n: Option<i32> =
        on_tx!(&mut *tx, c => sqlx::query_scalar(sql).bind(keep).fetch_one(c).await)?;
    Ok(n.map_or(0, |n| n + 1))
}

/// Moves the rows below the card: what the kept card already has stays once.
async fn move_rows(tx: &mut Tx, keep: Uuid, merge: Uuid) -> Result<(), ApiError> {
    let off = next_position(
        tx,
        "SELECT MAX(position) FROM client_phones WHERE client_id = $1",
        keep,
    )
    .await?;
    let sql = format!(
        "UPDATE client_phones SET client_id = $1, position = position + {off} WHERE client_id = $2 \
         AND number NOT IN (SELECT number FROM client_phones WHERE client_id = $1)"
    );
    run(tx, &sql, keep, merge).await?;
    let off = next_position(
        tx,
        "SELECT MAX(position) FROM client_contacts WHERE client_id = $1",
        keep,
    )
    .await?;
    let sql = format!(
        "UPDATE client_contacts SET client_id = $1, position = position + {off} WHERE client_id = $2 \
         AND NOT EXISTS (SELECT 1 FROM client_contacts k WHERE k.client_id = $1 \
         AND k.channel = client_contacts.channel AND k.value_key = client_contacts.value_key)"
    );
    run(tx, &sql, keep, merge).await?;
    let statements = [
        "INSERT INTO client_tags (client_id, tag) SELECT $1, tag FROM client_tags WHERE client_id = $2 \
         ON CONFLICT DO NOTHING",
        // The merged card's guardians become the kept card's (not itself, not twice).
        "UPDATE client_guardians SET child_id = $1 WHERE child_id = $2 AND guardian_id <> $1 \
         AND guardian_id NOT IN (SELECT guardian_id FROM client_guardians WHERE child_id = $1)",
        "UPDATE client_guardians SET guardian_id = $1 WHERE guardian_id = $2 AND child_id <> $1 \
         AND child_id NOT IN (SELECT child_id FROM client_guardians WHERE guardian_id = $1)",
        "UPDATE company_contacts SET company_id = $1 WHERE company_id = $2 AND person_id <> $1 \
         AND person_id NOT IN (SELECT person_id FROM company_contacts WHERE company_id = $1)",
        "UPDATE company_contacts SET person_id = $1 WHERE person_id = $2 AND company_id <> $1 \
         AND company_id NOT IN (SELECT company_id FROM company_contacts WHERE person_id = $1)",
        "INSERT INTO client_field_values (client_id, field_id, value, value_key, value_num) \
         SELECT $1, field_id, value, value_key, value_num FROM client_field_values WHERE client_id = $2 \
         ON CONFLICT DO NOTHING",
        "UPDATE client_timeline SET client_id = $1 WHERE client_id = $2",
        "UPDATE client_merges SET kept_id = $1 WHERE kept_id = $2",
    ];
    for sql in statements {
        run(tx, sql, keep, merge).await?;
    }
    for sql in LATER_DUPLICATES {
        run(tx, sql, keep, merge).await?;
    }
    for (table, column) in LATER_REFERENCES {
        let sql = format!("UPDATE {table} SET {column} = $1 WHERE {column} = $2");
        run(tx, &sql, keep, merge).await?;
    }
    // The call log lists the cards a call matched (a JSON list of ids).
    let (k, m) = (keep.to_string(), merge.to_string());
    exec_tx!(&mut *tx, c => sqlx::query(
        "UPDATE calls SET client_ids = replace(client_ids, $2, $1) WHERE client_ids LIKE $3")
        .bind(&k).bind(&m).bind(format!("%{m}%")).execute(c).await)?;
    Ok(())
}

fn joined(a: &str, b: &str) -> String {
    match (a.trim().is_empty(), b.trim().is_empty()) {
        (_, true) => a.to_string(),
        (true, false) => b.to_string(),
        _ if a.contains(b.trim()) => a.to_string(),
        _ => format!("{}\n\n{}", a.trim_end(), b.trim()),
    }
}

/// The kept card's own columns with its gaps filled from the merged card.
async fn fill_gaps(
    tx: &mut Tx,
    k: &Client,
    m: &Client,
    raw: &(String, String),
    who: Uuid,
    now: DateTime<Utc>,
) -> Result<(), ApiError> {
    let card_number = k.card_number.clone().or_else(|| m.card_number.clone());
    if k.card_number.is_none() && m.card_number.is_some() {
        exec_tx!(&mut *tx, c => sqlx::query("UPDATE clients SET card_number = NULL WHERE id = $1")
            .bind(m.id).execute(c).await)?;
    }
    let mut documents = k.documents.clone();
    for d in &m.documents {
        if !documents.contains(d) {
            documents.push(d.clone());
        }
    }
    let last_contact = k.last_contact_at.max(m.last_contact_at);
    let birth = k.birth_date.or(m.birth_date);
    exec_tx!(&mut *tx, c => sqlx::query(
        "UPDATE clients SET card_number = $1, birth_date = $2, birth_month = $3, category_id = $4, manager_id = $5, \
         photo_id = $6, tax_id = $7, preferences = $8, notes = $9, physical_condition = $10, medical_notes = $11, \
         documents = $12, last_contact_at = $13, created_at = $14, updated_at = $15, updated_by = $16, \
         version = version + 1 WHERE id = $17")
        .bind(card_number)
        .bind(birth)
        .bind(birth.map(|d| chrono::Datelike::month(&d) as i32))
        .bind(k.category_id.or(m.category_id))
        .bind(k.manager.as_ref().or(m.manager.as_ref()).map(|u| u.id))
        .bind(k.photo_id.or(m.photo_id))
        .bind(k.tax_id.clone().or_else(|| m.tax_id.clone()))
        .bind(joined(&k.preferences, &m.preferences))
        .bind(joined(&k.notes, &m.notes))
        .bind(&raw.0)
        .bind(&raw.1)
        .bind(serde_json::to_string(&documents).unwrap_or_else(|_| "[]".into()))
        .bind(last_contact)
        .bind(k.created_at.min(m.created_at))
        .bind(now)
        .bind(who)
        .bind(k.id)
        .execute(c).await)?;
    Ok(())
}

/// A card with everything it links to (medical notes included), as the audit log keeps it.
async fn full(tx: &mut Tx, id: Uuid, field: &str) -> Result<Client, ApiError> {
    super::cards::whole(tx, id)
        .await?
        .ok_or_else(|| ApiError::field(field, "not_found", "no such client"))
}

pub(crate) async fn clients_merge(
    core: &Core,
    session: &Session,
    args: ClientsMergeArgs,
) -> Result<Client, ApiError> {
    let now = core.now();
    let mut tx = core.db.write().await?;
    merge_cards(&mut tx, session, args.keep_id, args.merge_id, now).await?;
    let today = crate::centre::local(&mut tx).await?.today(now);
    let card = super::cards::read(&mut tx, session, args.keep_id, today).await?;
    tx.commit().await?;
    Ok(card)
}

/// Merges `merge_id` into `keep_id` inside `tx`: the use case's work, also used by the demo
/// centre to show a merged duplicate.
pub(crate) async fn merge_cards(
    tx: &mut Tx,
    session: &Session,
    keep_id: Uuid,
    merge_id: Uuid,
    now: DateTime<Utc>,
) -> Result<(), ApiError> {
    if keep_id == merge_id {
        return Err(ApiError::field(
            "merge_id",
            "same_card",
            "choose two different cards",
        ));
    }
    // Both rows locked before they are read (PostgreSQL), so an edit committed meanwhile is
    // not overwritten by a stale copy; SQLite's write transaction holds the lock already.
    exec_tx!(&mut *tx, c => sqlx::query("UPDATE clients SET version = version WHERE id IN ($1, $2)")
        .bind(keep_id).bind(merge_id).execute(c).await)?;
    let keep = full(&mut *tx, keep_id, "keep_id").await?;
    let merge = full(&mut *tx, merge_id, "merge_id").await?;
    if keep.kind != merge.kind {
        return Err(ApiError::field(
            "merge_id",
            "kind_mismatch",
            "a person and a company cannot be merged",
        ));
    }
    let (k, m) = (keep.id, merge.id);
    let medical = (
        joined(
            keep.physical_condition.as_deref().unwrap_or(""),
            merge.physical_condition.as_deref().unwrap_or(""),
        ),
        joined(
            keep.medical_notes.as_deref().unwrap_or(""),
            merge.medical_notes.as_deref().unwrap_or(""),
        ),
    );
    fill_gaps(&mut *tx, &keep, &merge, &medical, session.user_id, now).await?;
    move_rows(&mut *tx, k, m).await?;
    exec_tx!(&mut *tx, c => sqlx::query("DELETE FROM clients WHERE id = $1").bind(m).execute(c).await)?;
    // The merged card's numbers, when the kept card had its own: still found, and shown on
    // the kept card's timeline.
    let other = |kept: &Option<String>, merged: &Option<String>| match (kept, merged) {
        (Some(a), Some(b)) if a != b => Some(b.clone()),
        _ => None,
    };
    let card_number = other(&keep.card_number, &merge.card_number);
    let tax_id = other(&keep.tax_id, &merge.tax_id);
    // The merged card's number stays reserved for the kept card even when the kept card took
    // it over (it had none): a later change of number does not free it for someone else.
    exec_tx!(&mut *tx, c => sqlx::query(
        "INSERT INTO client_merges (merged_id, kept_id, merged_at, merged_by, card_number, tax_id) \
         VALUES ($1, $2, $3, $4, $5, $6)")
        .bind(m).bind(k).bind(now).bind(session.user_id).bind(&merge.card_number).bind(&tax_id)
        .execute(c).await)?;
    let defs = custom::all(&mut *tx).await?;
    index::rebuild_doc(&mut *tx, k, &defs).await?;
    let event = timeline::TimelineEvent::Merged {
        name: merge.name.clone(),
        card_number,
        tax_id,
    };
    timeline::add_event(&mut *tx, k, &event, Some(session.user_id), now).await?;
    let after = full(&mut *tx, k, "keep_id").await?;
    for (id, before, after) in [(m, &merge, None), (k, &keep, Some(&after))] {
        audit::append(
            &mut *tx,
            Some(session),
            now,
            Entry {
                operation: "clients_merge",
                entity: "client",
                entity_id: Some(id),
                before: audit::snapshot(before),
                after: after.and_then(audit::snapshot),
            },
        )
        .await?;
    }
    Ok(())
}

/// The card a merged id now lives on, if it was merged.
pub(crate) async fn kept_for(tx: &mut Tx, id: Uuid) -> Result<Option<Uuid>, ApiError> {
    Ok(
        on_tx!(tx, c => sqlx::query_scalar("SELECT kept_id FROM client_merges WHERE merged_id = $1")
        .bind(id).fetch_optional(c).await)?,
    )
}
