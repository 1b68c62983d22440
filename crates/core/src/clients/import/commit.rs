//! Writing a checked import in one transaction: guardians first (once per phone, or the
//! card already on file), then each card with its custom values and guardian links, and one
//! audit entry listing every card created.

use std::collections::{HashMap, HashSet};

use uuid::Uuid;

use super::check::Checked;
use super::*;
use crate::audit::{self, Entry};
use crate::clients::validate::{ValidClient, ValidPerson};
use crate::clients::{custom_values, index, links, store};
use crate::phone::PhoneKind;
use crate::text::search_key;

pub(crate) async fn write(
    core: &Core,
    session: &Session,
    args: &ClientsImportArgs,
    checked: &mut Checked,
) -> Result<(), ApiError> {
    let now = core.now();
    let who = Some(session.user_id);
    let total = checked.rows.len() as u64;
    let mut tx = core.db.write().await?;
    let mut words = HashSet::new();
    let mut made: HashMap<String, Uuid> = HashMap::new();
    let mut created: Vec<Uuid> = Vec::new();
    let mut guardians_created: Vec<Uuid> = Vec::new();
    // Cards first, so a guardian who has a line of their own is linked, not made twice.
    // (number, name key) → the card of a line, so a guardian written by name and number
    // finds their own line.
    let mut in_file: HashMap<(String, String), Uuid> = HashMap::new();
    let mut written: Vec<(usize, Uuid)> = Vec::new();
    for (n, row) in checked.rows.iter().enumerate() {
        if n % 500 == 0 {
            core.jobs
                .set(args.job_id, session.user_id, "writing", n as u64, total);
        }
        if row.duplicate && !args.allow_duplicates {
            continue;
        }
        let id = crate::new_id();
        store::insert(&mut tx, id, &row.card, who, now)
            .await
            .map_err(|e| at_line(e, row.line))?;
        index::add_name_words(&mut tx, &row.card.name, &mut words).await?;
        custom_values::write(&mut tx, id, &row.card.custom, true).await?;
        for (_, p) in &row.card.phones {
            in_file
                .entry((p.e164().to_string(), search_key(&row.card.name)))
                .or_insert(id);
        }
        written.push((n, id));
        created.push(id);
    }
    for (n, id) in written {
        let row = &checked.rows[n];
        let mut linked: Vec<Uuid> = Vec::new();
        for g in &row.guardians {
            let known = g
                .existing
                .or_else(|| {
                    let key = (g.phone.e164().to_string(), search_key(&g.name));
                    in_file.get(&key).copied().filter(|x| *x != id)
                })
                .or_else(|| made.get(g.phone.e164()).copied());
            let gid = match known {
                Some(gid) => gid,
                None => {
                    let person = ValidPerson {
                        name: g.name.clone(),
                        birth_date: None,
                        phones: vec![(PhoneKind::Mobile, g.phone.clone())],
                        emails: vec![],
                    };
                    let v = ValidClient::person(&person);
                    let gid = crate::new_id();
                    store::insert(&mut tx, gid, &v, who, now).await?;
                    index::add_name_words(&mut tx, &v.name, &mut words).await?;
                    made.insert(g.phone.e164().to_string(), gid);
                    guardians_created.push(gid);
                    gid
                }
            };
            if linked.contains(&gid) {
                continue;
            }
            let pos = linked.len() as i32;
            links::add_guardian(&mut tx, id, gid, g.relation, pos == 0, pos).await?;
            linked.push(gid);
        }
    }
    let after = serde_json::json!({
        "file_name": args.file_name,
        "created": created,
        "guardians_created": guardians_created,
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
    checked.result.created = created.len() as u32;
    checked.result.guardians_created = guardians_created.len() as u32;
    checked.result.committed = true;
    Ok(())
}

/// A write refused by the database (a card number taken meanwhile) names its line.
fn at_line(e: ApiError, line: u32) -> ApiError {
    match e {
        ApiError::Validation { mut errors } => {
            for f in &mut errors {
                f.field = format!("line {line}: {}", f.field);
            }
            ApiError::Validation { errors }
        }
        other => other,
    }
}
