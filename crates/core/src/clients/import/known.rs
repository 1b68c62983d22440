//! What is already on file, read once per import so no line needs a query: numbers, e-mails,
//! names with birth dates and card numbers; and a line's guardians resolved against it.

use std::collections::HashMap;

use chrono::NaiveDate;
use uuid::Uuid;

use super::check::ReadyGuardian;
use super::rows::RowForm;
use super::ImportError;
use crate::db::Tx;
use crate::error::ApiError;
use crate::on_tx;
use crate::phone::Phone;
use crate::text::search_key;

pub type Known = (Uuid, String, Option<NaiveDate>);

/// What is on file, to find duplicates without a query per line.
#[derive(Default)]
pub struct OnFile {
    /// Every card carrying a number (a family often shares one).
    pub phones: HashMap<String, Vec<Known>>,
    pub emails: HashMap<String, Known>,
    pub names: HashMap<(String, NaiveDate), Known>,
    pub card_numbers: HashMap<String, String>,
}

pub async fn on_file(tx: &mut Tx) -> Result<OnFile, ApiError> {
    type Row = (String, Uuid, String, Option<NaiveDate>);
    let phones: Vec<Row> = on_tx!(&mut *tx, c => sqlx::query_as(
        "SELECT p.number, c.id, c.name, c.birth_date FROM client_phones p JOIN clients c ON c.id = p.client_id \
         WHERE c.kind = 'person' ORDER BY c.created_at").fetch_all(c).await)?;
    let emails: Vec<Row> = on_tx!(&mut *tx, c => sqlx::query_as(
        "SELECT k.value_key, c.id, c.name, c.birth_date FROM client_contacts k JOIN clients c ON c.id = k.client_id \
         WHERE k.channel = 'email' ORDER BY c.created_at").fetch_all(c).await)?;
    let names: Vec<Row> = on_tx!(&mut *tx, c => sqlx::query_as(
        "SELECT search_name, id, name, birth_date FROM clients WHERE birth_date IS NOT NULL").fetch_all(c).await)?;
    let cards: Vec<(String, String)> = on_tx!(&mut *tx, c => sqlx::query_as(
        "SELECT card_number, name FROM clients WHERE card_number IS NOT NULL \
         UNION ALL SELECT m.card_number, c.name FROM client_merges m JOIN clients c ON c.id = m.kept_id \
         WHERE m.card_number IS NOT NULL").fetch_all(c).await)?;
    let mut f = OnFile {
        card_numbers: cards.into_iter().collect(),
        ..Default::default()
    };
    for (k, id, name, birth) in phones {
        f.phones.entry(k).or_default().push((id, name, birth));
    }
    for (k, id, name, birth) in emails {
        f.emails.entry(k).or_insert((id, name, birth));
    }
    for (k, id, name, birth) in names {
        if let Some(b) = birth {
            f.names.entry((k, b)).or_insert((id, name, birth));
        }
    }
    Ok(f)
}

/// Reads a line's guardians; errors go to `errors`.
pub fn guardians_of(
    r: &RowForm,
    country: &str,
    known: &OnFile,
    col: &impl Fn(usize) -> String,
    line: u32,
    errors: &mut Vec<ImportError>,
) -> Vec<ReadyGuardian> {
    let mut out = Vec::new();
    for g in &r.guardians {
        let err = |code: &str, message: String| ImportError {
            line,
            column: col(g.column),
            code: code.into(),
            message,
        };
        if g.phone.is_empty() {
            errors.push(err(
                "guardian_phone_required",
                format!(
                    "write the guardian's phone after the name: \"{}, phone\"",
                    g.name
                ),
            ));
            continue;
        }
        let phone = match Phone::parse("guardian", &g.phone, country) {
            Ok(p) => p,
            Err(e) => {
                errors.push(err(&e.code, format!("guardian's phone: {}", e.message)));
                continue;
            }
        };
        // The guardian on file: the card with this number and the name written, or the only
        // card with the number.
        let cards = known
            .phones
            .get(phone.e164())
            .map_or(&[][..], |v| v.as_slice());
        let named = search_key(g.name.trim());
        let existing = cards
            .iter()
            .find(|k| search_key(&k.1) == named)
            .or(if cards.len() == 1 {
                cards.first()
            } else {
                None
            });
        if g.name.trim().is_empty() && existing.is_none() {
            errors.push(err(
                "guardian_name_required",
                "write the guardian's name before the phone".into(),
            ));
            continue;
        }
        if let (Some((_, name, Some(born))), Some(child)) = (
            existing,
            r.input
                .birth_date
                .as_deref()
                .and_then(|d| d.parse::<NaiveDate>().ok()),
        ) {
            if *born >= child {
                errors.push(err(
                    "guardian_not_older",
                    format!("{name} (on file with this phone) is not older than the child"),
                ));
                continue;
            }
        }
        out.push(ReadyGuardian {
            relation: g.relation,
            name: existing.map_or_else(|| g.name.trim().to_string(), |k| k.1.clone()),
            phone,
            existing: existing.map(|k| k.0),
        });
    }
    out
}
