//! Writing a checked import in one transaction: every card in bulk (guardians written as
//! "name, phone" become cards once per number, unless they are on file or have a line of
//! their own), then the guardian links, and one audit entry listing every card created.

use std::collections::{HashMap, HashSet};

use uuid::Uuid;

use super::check::Checked;
use super::*;
use crate::audit::{self, Entry};
use crate::clients::bulk::{self, Link, NewCard};
use crate::clients::validate::{ValidClient, ValidPerson};
use crate::phone::PhoneKind;
use crate::text::search_key;

pub(crate) async fn write(
    core: &Core,
    session: &Session,
    args: &ClientsImportArgs,
    checked: &mut Checked,
) -> Result<(), ApiError> {
    let now = core.now();
    let rows: Vec<_> = checked
        .rows
        .iter()
        .filter(|r| !r.duplicate || args.allow_duplicates)
        .map(|r| (crate::new_id(), r))
        .collect();
    // (number, name key) → the card of a line, so a guardian written by name and number
    // finds their own line.
    let mut in_file: HashMap<(String, String), Uuid> = HashMap::new();
    for (id, row) in &rows {
        for (_, p) in &row.card.phones {
            in_file
                .entry((p.e164().to_string(), search_key(&row.card.name)))
                .or_insert(*id);
        }
    }
    // New guardians, once per (number, name): siblings share a parent; a grandmother on the
    // mother's number is her own card.
    let mut made: HashMap<(String, String), Uuid> = HashMap::new();
    let mut new_people: Vec<(Uuid, ValidClient)> = Vec::new();
    let mut links: Vec<Link> = Vec::new();
    for (id, row) in &rows {
        let mut linked: Vec<Uuid> = Vec::new();
        for g in &row.guardians {
            let key = (g.phone.e164().to_string(), search_key(&g.name));
            let known = g
                .existing
                .or_else(|| in_file.get(&key).copied().filter(|x| x != id))
                .or_else(|| made.get(&key).copied());
            let gid = known.unwrap_or_else(|| {
                let person = ValidPerson {
                    name: g.name.clone(),
                    birth_date: None,
                    phones: vec![(PhoneKind::Mobile, g.phone.clone())],
                    emails: vec![],
                };
                let gid = crate::new_id();
                new_people.push((gid, ValidClient::person(&person)));
                made.insert(key.clone(), gid);
                gid
            });
            if !linked.contains(&gid) {
                links.push((*id, gid, g.relation, linked.is_empty(), linked.len() as i32));
                linked.push(gid);
            }
        }
    }
    let cards: Vec<NewCard> = new_people
        .iter()
        .map(|(id, card)| NewCard { id: *id, card })
        .chain(rows.iter().map(|(id, row)| NewCard {
            id: *id,
            card: &row.card,
        }))
        .collect();
    let total = cards.len() as u64;
    let mut tx = core.db.write().await?;
    tx.set_source(crate::changes::Source::Import);
    let mut words = HashSet::new();
    for (n, part) in cards.chunks(2_000).enumerate() {
        core.jobs.set(
            args.job_id,
            session.user_id,
            "writing",
            (n * 2_000) as u64,
            total,
        );
        bulk::insert(&mut tx, part, Some(session.user_id), now, &mut words).await?;
    }
    bulk::link(&mut tx, &links).await?;
    let created: Vec<Uuid> = rows.iter().map(|(id, _)| *id).collect();
    let guardians: Vec<Uuid> = new_people.iter().map(|(id, _)| *id).collect();
    let after = serde_json::json!({
        "file_name": args.file_name,
        "created": created,
        "guardians_created": guardians,
    });
    audit::append(
        &mut tx,
        Some(session),
        now,
        Entry {
            operation: "clients_import",
            entity: "client",
            entity_id: None,
            before: None,
            after: Some(after.to_string()),
        },
    )
    .await?;
    tx.commit().await?;
    if let Err(e) = core.db.refresh_statistics().await {
        tracing::warn!(error = %e, "refreshing planner statistics after an import failed");
    }
    checked.result.created = created.len() as u32;
    checked.result.guardians_created = guardians.len() as u32;
    checked.result.committed = true;
    Ok(())
}
