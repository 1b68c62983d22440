//! Writing many validated cards at once (imports): the same rows `store::insert` writes, in
//! multi-row INSERTs of a few hundred cards each, so 50,000 cards take seconds, not minutes.

use chrono::{DateTime, Datelike, Utc};
use uuid::Uuid;

use super::sql::Arg;
use super::validate::ValidClient;
use super::{index, GuardianRelation};
use crate::db::Tx;
use crate::error::ApiError;
use crate::exec_built;
use crate::text::{fold, search_key};

/// Cards per statement: 24 values each stays under SQLite's and PostgreSQL's bind limits.
const CHUNK: usize = 400;

/// A table's multi-row INSERT collecting its values.
struct Rows {
    head: String,
    width: usize,
    args: Vec<Arg>,
}

impl Rows {
    fn new(table: &str, columns: &[&str]) -> Rows {
        Rows {
            head: format!("INSERT INTO {table} ({}) VALUES ", columns.join(", ")),
            width: columns.len(),
            args: Vec::new(),
        }
    }

    fn push(&mut self, row: Vec<Arg>) {
        debug_assert_eq!(row.len(), self.width);
        self.args.extend(row);
    }

    async fn flush(&mut self, tx: &mut Tx) -> Result<(), ApiError> {
        if self.args.is_empty() {
            return Ok(());
        }
        let rows = self.args.len() / self.width;
        // SQLite looks a numbered parameter up by scanning all names (quadratic over a
        // statement of thousands); plain `?` binds by position at no cost.
        let plain = !tx.is_postgres();
        let mut sql = self.head.clone();
        for r in 0..rows {
            if r > 0 {
                sql.push_str(", ");
            }
            sql.push('(');
            for c in 0..self.width {
                if c > 0 {
                    sql.push_str(", ");
                }
                if plain {
                    sql.push('?');
                } else {
                    sql.push_str(&format!("${}", r * self.width + c + 1));
                }
            }
            sql.push(')');
        }
        // Moved into the statement, not copied.
        let args = std::mem::take(&mut self.args);
        exec_built!(&mut *tx, &sql, args).map_err(|e| {
            if crate::db::unique_violation(&e) {
                // The check ran before the write: a card number was taken in between.
                ApiError::conflict(
                    "a card number in the list was given to another card meanwhile; check the file again",
                )
            } else {
                e.into()
            }
        })?;
        Ok(())
    }
}

/// A card of the batch.
pub struct NewCard<'a> {
    pub id: Uuid,
    pub card: &'a ValidClient,
}

/// A guardian link: child, guardian, relation, pays, position.
pub type Link = (Uuid, Uuid, GuardianRelation, bool, i32);

/// Links children to guardians; every card named must exist.
pub async fn link(tx: &mut Tx, links: &[Link]) -> Result<(), ApiError> {
    let mut rows = Rows::new(
        "client_guardians",
        &["child_id", "guardian_id", "relation", "pays", "position"],
    );
    for (child, guardian, relation, pays, pos) in links {
        rows.push(vec![
            Arg::Id(*child),
            Arg::Id(*guardian),
            Arg::Text(relation.as_str().into()),
            Arg::Bool(*pays),
            Arg::Int(i64::from(*pos)),
        ]);
    }
    flush_sliced(tx, &mut rows).await
}

/// Inserts the cards with their phones, e-mails, messengers, addresses, tags and custom
/// values (links between cards: [`link`], once all are in).
pub async fn insert(
    tx: &mut Tx,
    cards: &[NewCard<'_>],
    who: Option<Uuid>,
    now: DateTime<Utc>,
    words: &mut std::collections::HashSet<String>,
) -> Result<(), ApiError> {
    for chunk in cards.chunks(CHUNK) {
        let mut clients = Rows::new(
            "clients",
            &[
                "id",
                "kind",
                "name",
                "search_name",
                "search_doc",
                "card_number",
                "birth_date",
                "status",
                "reliability",
                "category_id",
                "manager_id",
                "photo_id",
                "tax_id",
                "physical_condition",
                "medical_notes",
                "preferences",
                "documents",
                "notes",
                "created_at",
                "created_by",
                "updated_at",
                "updated_by",
                "birth_month",
                "version",
            ],
        );
        let mut phones = Rows::new(
            "client_phones",
            &[
                "id",
                "client_id",
                "position",
                "kind",
                "number",
                "digits",
                "raw",
                "rdigits",
            ],
        );
        let mut contacts = Rows::new(
            "client_contacts",
            &[
                "client_id",
                "channel",
                "position",
                "label",
                "value",
                "value_key",
            ],
        );
        let mut tags = Rows::new("client_tags", &["client_id", "tag"]);
        let mut values = Rows::new(
            "client_field_values",
            &["client_id", "field_id", "value", "value_key", "value_num"],
        );
        for n in chunk {
            let v = n.card;
            let text = |s: &str| Arg::Text(s.to_string());
            clients.push(vec![
                Arg::Id(n.id),
                text(v.kind.as_str()),
                text(&v.name),
                Arg::Text(search_key(&v.name)),
                Arg::Text(index::document(v)),
                Arg::OptText(v.card_number.clone()),
                Arg::OptDate(v.birth_date),
                text(v.status.as_str()),
                text(v.reliability.as_str()),
                Arg::OptId(v.category_id),
                Arg::OptId(v.manager_id),
                Arg::OptId(v.photo_id),
                Arg::OptText(v.tax_id.clone()),
                text(v.physical_condition.as_deref().unwrap_or("")),
                text(v.medical_notes.as_deref().unwrap_or("")),
                text(&v.preferences),
                Arg::Text(serde_json::to_string(&v.documents).unwrap_or_else(|_| "[]".into())),
                text(&v.notes),
                Arg::Time(now),
                Arg::OptId(who),
                Arg::Time(now),
                Arg::OptId(who),
                Arg::OptInt(v.birth_date.map(|d| i64::from(d.month()))),
                Arg::Int(1),
            ]);
            for (i, (kind, p)) in v.phones.iter().enumerate() {
                phones.push(vec![
                    Arg::Id(crate::new_id()),
                    Arg::Id(n.id),
                    Arg::Int(i as i64),
                    text(kind.as_str()),
                    text(p.e164()),
                    Arg::Text(p.digits()),
                    text(p.raw()),
                    Arg::Text(p.rdigits()),
                ]);
            }
            let mut contact = |channel: &str, i: usize, label: &str, value: &str, key: String| {
                contacts.push(vec![
                    Arg::Id(n.id),
                    text(channel),
                    Arg::Int(i as i64),
                    text(label),
                    text(value),
                    Arg::Text(key),
                ]);
            };
            for (i, e) in v.emails.iter().enumerate() {
                contact("email", i, &e.label, &e.value, e.value.to_lowercase());
            }
            for (i, m) in v.messengers.iter().enumerate() {
                contact("messenger", i, m.app.as_str(), &m.handle, fold(&m.handle));
            }
            for (i, a) in v.addresses.iter().enumerate() {
                contact("address", i, &a.label, &a.value, fold(&a.value));
            }
            for t in &v.tags {
                tags.push(vec![Arg::Id(n.id), text(t)]);
            }
            for f in &v.custom {
                values.push(vec![
                    Arg::Id(n.id),
                    Arg::Id(f.field_id),
                    text(&f.value),
                    text(&f.key),
                    Arg::OptInt(f.num),
                ]);
            }
            index::add_name_words(tx, &v.name, words).await?;
        }
        clients.flush(tx).await?;
        // Statements over the chunk's children, in slices that respect the bind limits.
        for rows in [&mut phones, &mut contacts, &mut tags, &mut values] {
            flush_sliced(tx, rows).await?;
        }
    }
    Ok(())
}

/// Flushes `rows` in statements of at most [`CHUNK`] rows.
async fn flush_sliced(tx: &mut Tx, rows: &mut Rows) -> Result<(), ApiError> {
    let mut all = std::mem::take(&mut rows.args).into_iter();
    loop {
        rows.args = all.by_ref().take(rows.width * CHUNK).collect();
        if rows.args.is_empty() {
            return Ok(());
        }
        rows.flush(tx).await?;
    }
}
