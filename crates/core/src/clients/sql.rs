//! The list query, built from a [`Resolved`] search. The only dialect difference in client
//! search lives here: SQLite's FTS5 `MATCH` beside PostgreSQL's trigram-indexed `LIKE`.

use chrono::{DateTime, Datelike, NaiveDate, Utc};
use uuid::Uuid;

use super::custom_values::FieldFilter;
use super::model::*;
use super::search::{Resolved, FEW_HITS, FTS_FEW_HITS};
use crate::db::Tx;
use crate::error::ApiError;
use crate::on_tx;

pub use super::built::{Arg, Built, IntoArg};

pub const SUMMARY_COLUMNS: &str = "c.id, c.kind, c.name, c.card_number, c.birth_date, c.status, c.reliability, \
    c.category_id, c.manager_id, \
    (SELECT p.number FROM client_phones p WHERE p.client_id = c.id ORDER BY p.position LIMIT 1) AS phone, \
    (SELECT e.value FROM client_contacts e WHERE e.client_id = c.id AND e.channel = 'email' ORDER BY e.position LIMIT 1) AS email, \
    c.last_contact_at, c.created_at";

#[derive(sqlx::FromRow)]
pub struct SummaryRow {
    id: Uuid,
    kind: String,
    name: String,
    card_number: Option<String>,
    birth_date: Option<NaiveDate>,
    status: String,
    reliability: String,
    category_id: Option<Uuid>,
    manager_id: Option<Uuid>,
    phone: Option<String>,
    email: Option<String>,
    last_contact_at: Option<DateTime<Utc>>,
    created_at: DateTime<Utc>,
}

impl From<SummaryRow> for ClientSummary {
    fn from(r: SummaryRow) -> Self {
        ClientSummary {
            id: r.id,
            kind: ClientKind::parse(&r.kind),
            name: r.name,
            card_number: r.card_number,
            birth_date: r.birth_date,
            status: ClientStatus::parse(&r.status),
            reliability: Reliability::parse(&r.reliability),
            category_id: r.category_id,
            manager_id: r.manager_id,
            phone: r.phone,
            email: r.email,
            last_contact_at: r.last_contact_at,
            created_at: r.created_at,
        }
    }
}

fn like_pattern(token: &str) -> String {
    let escaped = token
        .replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_");
    format!("%{escaped}%")
}

fn fts_phrase(token: &str) -> String {
    format!("\"{}\"", token.replace('"', "\"\""))
}

/// The tag filter, if any.
fn tag_of(r: &Resolved) -> Option<&str> {
    r.filters
        .tag
        .as_deref()
        .map(str::trim)
        .filter(|t| !t.is_empty())
}

/// `c.id IN (…)` over `ids`, or nothing at all.
fn id_list(b: &mut Built, ids: &[Uuid]) -> String {
    if ids.is_empty() {
        return "FALSE".into();
    }
    let list: Vec<String> = ids.iter().map(|id| b.arg(Arg::Id(*id))).collect();
    format!("c.id IN ({})", list.join(", "))
}

/// Filters shared by every plan.
fn filters(b: &mut Built, r: &Resolved, tag_done: bool) {
    if r.phones_hidden {
        // Digits must be found in a card or tax number, not only in a phone.
        for g in &r.text.groups {
            for t in g.iter().filter(|t| t.bytes().all(|c| c.is_ascii_digit())) {
                let p = b.arg(Arg::Text(format!("%{t}%")));
                b.filter(format!(
                    "(COALESCE(c.card_number, '') LIKE {p} OR COALESCE(c.tax_id, '') LIKE {p})"
                ));
            }
        }
    }
    let f = &r.filters;
    if !f.status.is_empty() {
        let list: Vec<String> = f
            .status
            .iter()
            .map(|s| b.arg(Arg::Text(s.as_str().into())))
            .collect();
        b.filter(format!("c.status IN ({})", list.join(", ")));
    }
    if !f.reliability.is_empty() {
        let list: Vec<String> = f
            .reliability
            .iter()
            .map(|s| b.arg(Arg::Text(s.as_str().into())))
            .collect();
        b.filter(format!("c.reliability IN ({})", list.join(", ")));
    }
    if let Some(k) = f.kind {
        let p = b.arg(Arg::Text(k.as_str().into()));
        b.filter(format!("c.kind = {p}"));
    }
    if let Some(id) = f.category_id {
        let p = b.arg(Arg::Id(id));
        b.filter(format!("c.category_id = {p}"));
    }
    if let Some(id) = f.manager_id {
        let p = b.arg(Arg::Id(id));
        b.filter(format!("c.manager_id = {p}"));
    }
    if let Some(tag) = tag_of(r).filter(|_| !tag_done) {
        let p = b.arg(Arg::Text(tag.into()));
        b.filter(format!(
            "EXISTS (SELECT 1 FROM client_tags t WHERE t.client_id = c.id AND t.tag = {p})"
        ));
    }
    if let Some((after, until)) = r.birth_range {
        b.filter("c.birth_date IS NOT NULL".into());
        if let Some(a) = after {
            let p = b.arg(Arg::Date(a));
            b.filter(format!("c.birth_date > {p}"));
        }
        if let Some(u) = until {
            let p = b.arg(Arg::Date(u));
            b.filter(format!("c.birth_date <= {p}"));
        }
    }
    match f.has_guardian {
        Some(true) => {
            b.filter("EXISTS (SELECT 1 FROM client_guardians g WHERE g.child_id = c.id)".into())
        }
        Some(false) => {
            b.filter("NOT EXISTS (SELECT 1 FROM client_guardians g WHERE g.child_id = c.id)".into())
        }
        None => {}
    }
    if f.birthday_this_month {
        let p = b.arg(Arg::Int(i64::from(r.today.month())));
        b.filter(format!("c.birth_month = {p}"));
    }
    for cf in &r.custom {
        let has = |b: &mut Built, id: Uuid, cond: String| {
            let p = b.arg(Arg::Id(id));
            format!(
                "EXISTS (SELECT 1 FROM client_field_values v WHERE v.client_id = c.id AND v.field_id = {p} AND {cond})"
            )
        };
        let clause = match cf {
            FieldFilter::Equals(id, key) => {
                let k = b.arg(Arg::Text(key.clone()));
                has(b, *id, format!("v.value_key = {k}"))
            }
            FieldFilter::Contains(id, text) => {
                let k = b.arg(Arg::Text(like_pattern(text)));
                has(b, *id, format!("v.value_key LIKE {k} ESCAPE '\\'"))
            }
            FieldFilter::Range(id, min, max) => {
                let mut cond = vec!["v.value_num IS NOT NULL".to_string()];
                if let Some(m) = min {
                    cond.push(format!("v.value_num >= {}", b.arg(Arg::Int(*m))));
                }
                if let Some(m) = max {
                    cond.push(format!("v.value_num <= {}", b.arg(Arg::Int(*m))));
                }
                has(b, *id, cond.join(" AND "))
            }
        };
        b.filter(clause);
    }
    if let Some(before) = r.contacted_before() {
        let p = b.arg(Arg::Time(before));
        b.filter(format!(
            "(c.last_contact_at IS NULL OR c.last_contact_at < {p})"
        ));
    }
}

/// Each token group as `search_doc LIKE` alternatives (PostgreSQL's plan, and SQLite's when
/// the list is walked in order or a token is too short for trigrams).
fn like_groups<'a>(b: &mut Built, groups: impl Iterator<Item = &'a Vec<String>>) {
    for g in groups {
        let alts: Vec<String> = g
            .iter()
            .map(|t| {
                format!(
                    "c.search_doc LIKE {} ESCAPE '\\'",
                    b.arg(Arg::Text(like_pattern(t)))
                )
            })
            .collect();
        b.filter(format!("({})", alts.join(" OR ")));
    }
}

/// The page of summaries `r` asks for.
pub(crate) async fn list(
    tx: &mut Tx,
    r: &Resolved,
    limit: u32,
    offset: u32,
) -> Result<Vec<ClientSummary>, ApiError> {
    let (sql, args) = plan(tx, r, limit, offset).await?;
    let rows = crate::fetch_built!(tx, SummaryRow, &sql, &args)?;
    Ok(rows.into_iter().map(Into::into).collect())
}

/// The SQL and arguments of a page: on SQLite, few FTS hits are fetched and sorted, many are
/// found by walking the list in order. Public for the benchmark, which runs it raw.
pub async fn plan(
    tx: &mut Tx,
    r: &Resolved,
    limit: u32,
    offset: u32,
) -> Result<(String, Vec<Arg>), ApiError> {
    let (from, b) = matching(tx, r).await?;
    // Written into the statement, not bound: a plan PostgreSQL keeps for a prepared
    // statement then still knows how few rows are wanted (with a bound limit it planned for
    // a tenth of the table and sorted it all).
    let (l, o) = (limit, offset);
    let order = r.sort.order_by();
    let sql = if tx.is_postgres() {
        // The page's ids first, from the indexes alone (a filter on a column an index
        // carries is tested without reading the card), then the page's cards.
        format!(
            "SELECT {SUMMARY_COLUMNS} FROM (SELECT c.id FROM {from}{} ORDER BY {order} LIMIT {l} OFFSET {o}) k \
             JOIN clients c ON c.id = k.id ORDER BY {order}",
            b.where_sql()
        )
    } else {
        format!(
            "SELECT {SUMMARY_COLUMNS} FROM {from}{} ORDER BY {order} LIMIT {l} OFFSET {o}",
            b.where_sql()
        )
    };
    Ok((sql, b.args))
}

/// Every matching card's id, in the list's order (for exports).
pub(crate) async fn all_ids(tx: &mut Tx, r: &Resolved) -> Result<Vec<Uuid>, ApiError> {
    let (from, b) = matching(tx, r).await?;
    let sql = format!(
        "SELECT c.id FROM {from}{} ORDER BY {}",
        b.where_sql(),
        r.sort.order_by()
    );
    let rows: Vec<(Uuid,)> = crate::fetch_built!(tx, (Uuid,), &sql, &b.args)?;
    Ok(rows.into_iter().map(|(id,)| id).collect())
}

/// How many cards match.
pub(crate) async fn count(tx: &mut Tx, r: &Resolved) -> Result<i64, ApiError> {
    let (from, b) = matching(tx, r).await?;
    let sql = format!("SELECT COUNT(*) FROM {from}{}", b.where_sql());
    let rows: Vec<(i64,)> = crate::fetch_built!(tx, (i64,), &sql, &b.args)?;
    Ok(rows.first().map_or(0, |r| r.0))
}

/// The FROM clause and conditions of the cards `r` matches.
async fn matching(tx: &mut Tx, r: &Resolved) -> Result<(String, Built), ApiError> {
    let mut b = Built::default();
    let mut from = "clients c".to_string();
    let sqlite = !tx.is_postgres();
    let trigram = |g: &Vec<String>| g.iter().all(|t| t.chars().count() >= 3);
    let (fts, rest): (Vec<&Vec<String>>, Vec<&Vec<String>>) =
        r.text.groups.iter().partition(|g| sqlite && trigram(g));
    if !fts.is_empty() {
        let expr = fts
            .iter()
            .map(|g| {
                format!(
                    "({})",
                    g.iter()
                        .map(|t| fts_phrase(t))
                        .collect::<Vec<_>>()
                        .join(" OR ")
                )
            })
            .collect::<Vec<_>>()
            .join(" AND ");
        // Few hits are joined as a JSON list of rowids and sorted; many are left to a walk of
        // the list in order, which fills a page at once.
        let hits = fts_rowids(tx, &expr).await?;
        if hits.len() <= FTS_FEW_HITS {
            let p = b.arg(Arg::Text(
                serde_json::to_string(&hits).unwrap_or_else(|_| "[]".into()),
            ));
            from = format!("(SELECT value AS seq FROM json_each({p})) s CROSS JOIN clients c");
            b.filter("c.seq = s.seq".into());
        } else {
            like_groups(&mut b, fts.into_iter());
        }
    }
    // PostgreSQL guesses the share of cards holding a digits fragment badly and may walk
    // the whole list in order for a handful of hits (a 4-digit phone fragment took 50 ms):
    // with such a fragment the hits are fetched first, and sorted when there are few.
    let digits = |g: &Vec<String>| {
        g.iter()
            .all(|t| t.len() >= 4 && t.bytes().all(|c| c.is_ascii_digit()))
    };
    if !sqlite && rest.iter().any(|g| digits(g)) {
        let mut probe = Built::default();
        like_groups(&mut probe, rest.iter().copied());
        let sql = format!(
            "SELECT c.id FROM clients c{} LIMIT {}",
            probe.where_sql(),
            FEW_HITS + 1
        );
        let hits: Vec<Uuid> = crate::fetch_built!(tx, (Uuid,), &sql, &probe.args)?
            .into_iter()
            .map(|(id,)| id)
            .collect();
        if hits.len() <= FEW_HITS {
            let clause = id_list(&mut b, &hits);
            b.filter(clause);
            let tag_done = pg_tag(tx, &mut b, r).await?;
            filters(&mut b, r, tag_done);
            return Ok((from, b));
        }
    }
    like_groups(&mut b, rest.into_iter());
    let tag_done = !sqlite && pg_tag(tx, &mut b, r).await?;
    filters(&mut b, r, tag_done);
    Ok((from, b))
}

/// PostgreSQL: the cards with the tag, fetched first and listed when few. Walking the list
/// in order with a probe of the tags per card took 3–6 ms for a tag on 1 % of cards (and
/// more the further down the alphabet they sit). True when the filter is applied here.
async fn pg_tag(tx: &mut Tx, b: &mut Built, r: &Resolved) -> Result<bool, ApiError> {
    let Some(tag) = tag_of(r) else {
        return Ok(false);
    };
    let sql = format!(
        "SELECT client_id FROM client_tags WHERE tag = $1 LIMIT {}",
        FEW_HITS + 1
    );
    let ids: Vec<Uuid> = on_tx!(tx, c => sqlx::query_scalar(&sql).bind(tag).fetch_all(c).await)?;
    if ids.len() > FEW_HITS {
        return Ok(false);
    }
    let clause = id_list(b, &ids);
    b.filter(clause);
    Ok(true)
}

/// The cards the FTS index matches, no more than one past [`FTS_FEW_HITS`].
async fn fts_rowids(tx: &mut Tx, expr: &str) -> Result<Vec<i64>, ApiError> {
    let sql = format!(
        "SELECT rowid FROM client_search WHERE client_search MATCH $1 LIMIT {}",
        FTS_FEW_HITS + 1
    );
    Ok(on_tx!(tx, c => sqlx::query_scalar(&sql).bind(expr).fetch_all(c).await)?)
}
