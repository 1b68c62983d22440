//! What search finds a card by. Each card carries `search_doc`: its name, card number, phone
//! digits, e-mails and handles, folded (case and accents). SQLite mirrors it into an FTS5
//! trigram index by triggers; PostgreSQL indexes it with pg_trgm. Names also feed
//! `name_words`: every distinct word with each of its one-letter deletions, so a misspelt
//! name ("Ivanva") finds the real one ("Ivanova") with index lookups only.
//!
//! A document is at most [`MAX_DOC_BYTES`] long: the name, numbers, phones, e-mails and
//! handles come first and fit; only very long text of the centre's own fields is searched in
//! its first part. Bounded, the document fits a btree entry beside the name, so PostgreSQL
//! walks the list in name order from the index alone.

use std::collections::HashSet;

use uuid::Uuid;

use super::model::Client;
use super::validate::ValidClient;
use crate::db::Tx;
use crate::error::ApiError;
use crate::phone::digits_of;
use crate::text::{cut_to, fold};
use crate::{exec_tx, on_tx, Core};

/// Words shorter than this get no typo variants (too many near neighbours).
pub const MIN_TYPO_WORD: usize = 4;
const MAX_TYPO_WORD: usize = 24;

/// The parts of a card that text search matches.
pub struct DocParts<'a> {
    pub name: &'a str,
    pub card_number: Option<&'a str>,
    pub tax_id: Option<&'a str>,
    /// Card and tax numbers of cards merged into this one ([`former_numbers`]).
    pub former: Vec<String>,
    pub phone_digits: Vec<String>,
    pub emails: Vec<&'a str>,
    pub handles: Vec<&'a str>,
    /// Text of custom fields.
    pub extra: Vec<&'a str>,
}

impl<'a> From<&'a ValidClient> for DocParts<'a> {
    fn from(v: &'a ValidClient) -> Self {
        DocParts {
            name: &v.name,
            card_number: v.card_number.as_deref(),
            tax_id: v.tax_id.as_deref(),
            former: vec![],
            phone_digits: v.phones.iter().map(|(_, p)| p.digits()).collect(),
            emails: v.emails.iter().map(|e| e.value.as_str()).collect(),
            handles: v.messengers.iter().map(|m| m.handle.as_str()).collect(),
            extra: v
                .custom
                .iter()
                .filter(|c| c.searchable)
                .map(|c| c.value.as_str())
                .collect(),
        }
    }
}

impl<'a> From<&'a Client> for DocParts<'a> {
    fn from(c: &'a Client) -> Self {
        DocParts {
            name: &c.name,
            card_number: c.card_number.as_deref(),
            tax_id: c.tax_id.as_deref(),
            former: vec![],
            phone_digits: c.phones.iter().map(|p| digits_of(&p.number)).collect(),
            emails: c.emails.iter().map(|e| e.value.as_str()).collect(),
            handles: c.messengers.iter().map(|m| m.handle.as_str()).collect(),
            extra: vec![],
        }
    }
}

/// The longest search document, in bytes. Beside the name key (at most
/// [`crate::text::MAX_KEY_BYTES`]) the name index's entry stays under PostgreSQL's btree
/// limit of 2,704 bytes.
pub const MAX_DOC_BYTES: usize = 1600;

/// The folded search document; never empty (a card always has a name), never longer than
/// [`MAX_DOC_BYTES`]. A word cut at the end still matches only what the card holds (search
/// matches inside words).
pub fn document<'a>(parts: impl Into<DocParts<'a>>) -> String {
    let mut doc = full_document(parts.into());
    cut_to(&mut doc, MAX_DOC_BYTES);
    doc
}

/// The document of stored card `id` from `parts`, with the numbers of cards merged into it.
pub(crate) async fn stored_document(
    tx: &mut Tx,
    id: Uuid,
    mut parts: DocParts<'_>,
) -> Result<String, ApiError> {
    parts.former = former_numbers(tx, id).await?;
    Ok(document(parts))
}

fn full_document(p: DocParts<'_>) -> String {
    let mut doc = fold(p.name);
    let mut add = |s: &str| {
        if !s.is_empty() {
            doc.push_str(" | ");
            doc.push_str(&fold(s));
        }
    };
    p.card_number.into_iter().chain(p.tax_id).for_each(&mut add);
    p.former
        .iter()
        .filter(|n| Some(n.as_str()) != p.card_number && Some(n.as_str()) != p.tax_id)
        .for_each(|n| add(n));
    p.phone_digits.iter().for_each(|d| add(d));
    p.emails
        .iter()
        .chain(&p.handles)
        .chain(&p.extra)
        .for_each(|s| add(s));
    doc
}

/// The words of a name as search splits them (spaces and ASCII punctuation).
pub fn words(folded: &str) -> impl Iterator<Item = &str> {
    folded
        .split(|c: char| c.is_whitespace() || (c.is_ascii() && !c.is_ascii_alphanumeric()))
        .filter(|w| !w.is_empty())
}

/// The word and every string one deletion away from it.
pub fn variants(word: &str) -> Vec<String> {
    let chars: Vec<char> = word.chars().collect();
    let mut out = vec![word.to_string()];
    for i in 0..chars.len() {
        let v: String = chars
            .iter()
            .enumerate()
            .filter(|(j, _)| *j != i)
            .map(|(_, c)| c)
            .collect();
        if !out.contains(&v) {
            out.push(v);
        }
    }
    out
}

fn typo_word(w: &str) -> bool {
    let n = w.chars().count();
    (MIN_TYPO_WORD..=MAX_TYPO_WORD).contains(&n) && !w.chars().all(|c| c.is_ascii_digit())
}

/// Adds a name's words to `name_words`. `known` remembers words already added in this
/// transaction, so a bulk load writes each word once.
pub async fn add_name_words(
    tx: &mut Tx,
    name: &str,
    known: &mut HashSet<String>,
) -> Result<(), ApiError> {
    let folded = fold(name);
    for word in words(&folded).filter(|w| typo_word(w)) {
        if !known.insert(word.to_string()) {
            continue;
        }
        let vs = variants(word);
        let placeholders: Vec<String> =
            (0..vs.len()).map(|i| format!("(${}, $1)", i + 2)).collect();
        let sql = format!(
            "INSERT INTO name_words (variant, word) VALUES {} ON CONFLICT DO NOTHING",
            placeholders.join(", ")
        );
        exec_tx!(&mut *tx, c => {
            let mut q = sqlx::query(&sql).bind(word);
            for v in &vs {
                q = q.bind(v);
            }
            q.execute(c).await
        })?;
    }
    Ok(())
}

/// Known name words one edit (insertion, deletion, substitution, transposition) from `word`.
pub(crate) async fn near_words(tx: &mut Tx, word: &str) -> Result<Vec<String>, ApiError> {
    if !typo_word(word) {
        return Ok(vec![]);
    }
    let max_distance = if word.chars().count() >= 8 { 2 } else { 1 };
    let vs = variants(word);
    let placeholders: Vec<String> = (1..=vs.len()).map(|i| format!("${i}")).collect();
    let sql = format!(
        "SELECT DISTINCT word FROM name_words WHERE variant IN ({}) LIMIT 200",
        placeholders.join(", ")
    );
    let found: Vec<String> = on_tx!(tx, c => {
        let mut q = sqlx::query_scalar(&sql);
        for v in &vs {
            q = q.bind(v);
        }
        q.fetch_all(c).await
    })?;
    Ok(found
        .into_iter()
        .filter(|w| w != word && strsim::damerau_levenshtein(w, word) <= max_distance)
        .collect())
}

/// The card and tax numbers of cards merged into `id` (the document leaves out those it
/// holds as its own): the card is still found by them.
async fn former_numbers(tx: &mut Tx, id: Uuid) -> Result<Vec<String>, ApiError> {
    let rows: Vec<(Option<String>, Option<String>)> = on_tx!(tx, c => sqlx::query_as(
        "SELECT card_number, tax_id FROM client_merges WHERE kept_id = $1 \
         AND (card_number IS NOT NULL OR tax_id IS NOT NULL) ORDER BY merged_at, merged_id")
        .bind(id)
        .fetch_all(c)
        .await)?;
    Ok(rows
        .into_iter()
        .flat_map(|(card, tax)| card.into_iter().chain(tax))
        .collect())
}

/// Rebuilds one card's search document from what is stored.
pub(crate) async fn rebuild_doc(
    tx: &mut Tx,
    id: Uuid,
    defs: &[super::custom::CustomField],
) -> Result<(), ApiError> {
    let Some(card) = super::store::load(tx, id).await? else {
        return Ok(());
    };
    let values = super::custom_values::stored(tx, id, defs).await?;
    let mut parts = DocParts::from(&card);
    parts.extra = values
        .iter()
        .filter(|v| v.searchable)
        .map(|v| v.value.as_str())
        .collect();
    let doc = stored_document(tx, id, parts).await?;
    exec_tx!(tx, c => sqlx::query("UPDATE clients SET search_doc = $1 WHERE id = $2")
        .bind(doc).bind(id).execute(c).await)?;
    Ok(())
}

/// Indexes cards written before the index existed (their `search_doc` is empty). Runs at
/// start; a no-op once done.
pub async fn reindex_stale(core: &Core) -> Result<usize, ApiError> {
    let mut tx = core.db.write().await?;
    let ids: Vec<Uuid> = on_tx!(&mut tx, c => sqlx::query_scalar("SELECT id FROM clients WHERE search_doc = ''")
        .fetch_all(c).await)?;
    if ids.is_empty() {
        return Ok(0);
    }
    let defs = super::custom::all(&mut tx).await?;
    let mut known = HashSet::new();
    for id in &ids {
        let Some(card) = super::store::load(&mut tx, *id).await? else {
            continue;
        };
        for (i, p) in card.phones.iter().enumerate() {
            let digits = digits_of(&p.number);
            let rdigits: String = digits.chars().rev().collect();
            exec_tx!(&mut tx, c => sqlx::query("UPDATE client_phones SET rdigits = $1, raw = CASE WHEN raw = '' THEN number ELSE raw END WHERE client_id = $2 AND position = $3")
                .bind(rdigits).bind(id).bind(i as i32).execute(c).await)?;
        }
        rebuild_doc(&mut tx, *id, &defs).await?;
        add_name_words(&mut tx, &card.name, &mut known).await?;
    }
    tx.commit().await?;
    Ok(ids.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn documents_are_bounded_at_a_character() {
        let long = "ສົມພອນ ".repeat(200);
        let doc = document(DocParts {
            name: "Anna Sok",
            card_number: Some("A-17"),
            tax_id: None,
            former: vec![],
            phone_digits: vec!["8562055512345".into()],
            emails: vec!["anna@example.la"],
            handles: vec![],
            extra: vec![&long],
        });
        assert!(doc.len() <= MAX_DOC_BYTES && doc.len() > MAX_DOC_BYTES - 4);
        assert!(doc.starts_with("anna sok | a-17 | 8562055512345 | anna@example.la | ສົມພອນ"));
        let short = document(DocParts {
            name: "Anna",
            card_number: None,
            tax_id: None,
            former: vec!["b-9".into()],
            phone_digits: vec![],
            emails: vec![],
            handles: vec![],
            extra: vec![],
        });
        assert_eq!(short, "anna | b-9");
    }

    #[test]
    fn variants_are_one_deletion_away() {
        assert_eq!(variants("anna"), ["anna", "nna", "ana", "ann"]);
        // "Ivanva" and "Ivanova" share a variant: one letter dropped from the real name.
        let typo: HashSet<_> = variants("ivanva").into_iter().collect();
        assert!(variants("ivanova").iter().any(|v| typo.contains(v)));
    }

    #[test]
    fn words_split_on_spaces_and_punctuation_but_keep_lao_marks() {
        assert_eq!(
            words("chan anna-maria, 4242").collect::<Vec<_>>(),
            ["chan", "anna", "maria", "4242"]
        );
        assert_eq!(words("ສົມພອນ ວົງສາ").collect::<Vec<_>>(), ["ສົມພອນ", "ວົງສາ"]);
    }
}
