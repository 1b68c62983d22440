//! Loading the cards of an export in bulk: a few queries per 500 cards, not one per card.

use std::collections::{BTreeMap, HashMap};

use chrono::NaiveDate;
use uuid::Uuid;

use crate::clients::custom::{self, CustomField};
use crate::clients::{categories, ClientKind, ClientStatus, GuardianRelation};
use crate::db::{for_ids, Tx};
use crate::error::ApiError;

const CHUNK: usize = 500;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Cell {
    Text(String),
    Date(NaiveDate),
}

/// The export as a table.
#[derive(Debug, Clone, Default)]
pub struct Sheet {
    pub headers: Vec<String>,
    pub rows: Vec<Vec<Cell>>,
}

/// The built-in columns: key (for labels) and English header, which import recognises.
const COLUMNS: &[(&str, &str)] = &[
    ("name", "Name"),
    ("kind", "Kind"),
    ("status", "Status"),
    ("phone", "Phone"),
    ("email", "Email"),
    ("birth_date", "Birth date"),
    ("card_number", "Card number"),
    ("category", "Category"),
    ("tags", "Tags"),
    ("guardian", "Guardian"),
    ("address", "Address"),
    ("tax_id", "Tax ID"),
    ("notes", "Notes"),
    ("manager", "Manager"),
];

#[derive(sqlx::FromRow)]
struct CardRow {
    id: Uuid,
    kind: String,
    name: String,
    status: String,
    birth_date: Option<NaiveDate>,
    card_number: Option<String>,
    category_id: Option<Uuid>,
    tax_id: Option<String>,
    notes: String,
    manager: Option<String>,
}

/// (client id, text) pairs of one query over a chunk, grouped by client in query order.
async fn grouped(
    tx: &mut Tx,
    sql: &str,
    ids: &[Uuid],
) -> Result<HashMap<Uuid, Vec<String>>, ApiError> {
    let rows: Vec<(Uuid, String)> = for_ids(tx, sql, ids).await?;
    let mut out: HashMap<Uuid, Vec<String>> = HashMap::new();
    for (id, v) in rows {
        out.entry(id).or_default().push(v);
    }
    Ok(out)
}

pub async fn sheet(
    tx: &mut Tx,
    ids: &[Uuid],
    labels: &BTreeMap<String, String>,
    show_phones: bool,
) -> Result<Sheet, ApiError> {
    let fields: Vec<CustomField> = custom::all(tx)
        .await?
        .into_iter()
        .filter(|f| !f.archived)
        .collect();
    let cats: HashMap<Uuid, String> = categories::all(tx)
        .await?
        .into_iter()
        .map(|c| (c.id, c.name))
        .collect();
    let mut headers: Vec<String> = COLUMNS
        .iter()
        .map(|(k, en)| labels.get(*k).cloned().unwrap_or_else(|| en.to_string()))
        .collect();
    headers.extend(fields.iter().map(|f| f.label.clone()));
    let mut rows = Vec::with_capacity(ids.len());
    for chunk in ids.chunks(CHUNK) {
        let cards: Vec<CardRow> = for_ids(
            tx,
            "SELECT c.id, c.kind, c.name, c.status, c.birth_date, c.card_number, c.category_id, c.tax_id, c.notes, \
             m.display_name AS manager FROM clients c LEFT JOIN users m ON m.id = c.manager_id WHERE c.id IN ({ids})",
            chunk,
        )
        .await?;
        let mut cards: HashMap<Uuid, CardRow> = cards.into_iter().map(|c| (c.id, c)).collect();
        let phones = grouped(tx, "SELECT client_id, number FROM client_phones WHERE client_id IN ({ids}) ORDER BY client_id, position", chunk).await?;
        let emails = grouped(tx, "SELECT client_id, value FROM client_contacts WHERE channel = 'email' AND client_id IN ({ids}) ORDER BY client_id, position", chunk).await?;
        let addresses = grouped(tx, "SELECT client_id, value FROM client_contacts WHERE channel = 'address' AND client_id IN ({ids}) ORDER BY client_id, position", chunk).await?;
        let tags = grouped(tx, "SELECT client_id, tag FROM client_tags WHERE client_id IN ({ids}) ORDER BY client_id, tag", chunk).await?;
        let guardians = grouped(
            tx,
            "SELECT g.child_id, g.relation || '|' || p.name || '|' || COALESCE((SELECT n.number FROM client_phones n \
             WHERE n.client_id = p.id ORDER BY n.position LIMIT 1), '') FROM client_guardians g \
             JOIN clients p ON p.id = g.guardian_id WHERE g.child_id IN ({ids}) ORDER BY g.child_id, g.position",
            chunk,
        )
        .await?;
        let found: Vec<(Uuid, Uuid, String)> = for_ids(
            tx,
            "SELECT client_id, field_id, value FROM client_field_values WHERE client_id IN ({ids})",
            chunk,
        )
        .await?;
        let mut values: HashMap<(Uuid, Uuid), String> = HashMap::new();
        for (client, field, v) in found {
            values.insert((client, field), v);
        }
        for id in chunk {
            let Some(c) = cards.remove(id) else { continue };
            let list = |m: &HashMap<Uuid, Vec<String>>, sep: &str| {
                m.get(id).map(|v| v.join(sep)).unwrap_or_default()
            };
            let guardian = guardians
                .get(id)
                .map(|gs| {
                    gs.iter()
                        .map(|g| guardian_cell(g, show_phones))
                        .collect::<Vec<_>>()
                        .join("; ")
                })
                .unwrap_or_default();
            let status = ClientStatus::parse(&c.status).as_str();
            let mut row = vec![
                Cell::Text(c.name),
                Cell::Text(ClientKind::parse(&c.kind).as_str().into()),
                Cell::Text(status.into()),
                Cell::Text(list(&phones, ", ")),
                Cell::Text(list(&emails, ", ")),
                c.birth_date.map_or(Cell::Text(String::new()), Cell::Date),
                Cell::Text(c.card_number.unwrap_or_default()),
                Cell::Text(
                    c.category_id
                        .and_then(|k| cats.get(&k).cloned())
                        .unwrap_or_default(),
                ),
                Cell::Text(list(&tags, ", ")),
                Cell::Text(guardian),
                Cell::Text(list(&addresses, "\n")),
                Cell::Text(c.tax_id.unwrap_or_default()),
                Cell::Text(c.notes),
                Cell::Text(c.manager.unwrap_or_default()),
            ];
            for f in &fields {
                let v = values.remove(&(*id, f.id)).unwrap_or_default();
                row.push(Cell::Text(v));
            }
            rows.push(row);
        }
    }
    // A reader who may not see phones gets no phone column at all.
    if !show_phones {
        let at = COLUMNS.iter().position(|(k, _)| *k == "phone").unwrap_or(3);
        headers.remove(at);
        rows.iter_mut().for_each(|r| {
            r.remove(at);
        });
    }
    Ok(Sheet { headers, rows })
}

/// "Name (mother), +8562055512345" — the relation is left out for a plain guardian.
fn guardian_cell(g: &str, phones: bool) -> String {
    let mut parts = g.splitn(3, '|');
    let relation = GuardianRelation::parse(parts.next().unwrap_or(""));
    let name = parts.next().unwrap_or("");
    let phone = parts.next().filter(|_| phones).unwrap_or("");
    let who = match relation {
        GuardianRelation::Guardian => name.to_string(),
        r => format!("{name} ({})", r.as_str()),
    };
    if phone.is_empty() {
        who
    } else {
        format!("{who}, {phone}")
    }
}
