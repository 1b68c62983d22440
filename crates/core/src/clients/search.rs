//! The client list: text search, filters, sorting and paging.
//!
//! Text is split into tokens; a card matches when its folded `search_doc` contains every
//! token. On SQLite the FTS5 trigram index answers tokens of 3+ characters; when it holds
//! fewer than [`FTS_FEW_HITS`] matches the hits are fetched and sorted, otherwise the list is
//! walked in sort order (many hits: the first page fills at once). PostgreSQL's planner makes
//! the same choice with pg_trgm. When nothing matches, name tokens are widened to known
//! words one typo away and the search runs once more (`fuzzy` in the result).

use chrono::{DateTime, Duration, NaiveDate, Utc};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use specta::Type;
use uuid::Uuid;

use super::custom_values::{CustomFilter, FieldFilter};
use super::model::*;
use super::{index, sql};
use crate::db::Tx;
use crate::error::ApiError;
use crate::phone::digits_of;
use crate::text::fold;

pub const MAX_PAGE: u32 = 200;
const DEFAULT_PAGE: u32 = 50;
const MAX_QUERY: usize = 200;
/// Below this many FTS hits, fetching and sorting the hits beats walking the list.
pub const FEW_HITS: usize = 1500;
/// The same for SQLite's FTS index, lower: collecting a common word's hits reads long lists
/// of the index, while the walk in name order reads the search document from the name index
/// alone.
pub const FTS_FEW_HITS: usize = 500;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, Type, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum ClientSort {
    #[default]
    Name,
    NameDesc,
    Newest,
    Oldest,
    BirthDate,
    LastContact,
}

impl ClientSort {
    pub fn order_by(self) -> &'static str {
        match self {
            ClientSort::Name => "c.search_name, c.id",
            ClientSort::NameDesc => "c.search_name DESC, c.id DESC",
            ClientSort::Newest => "c.created_at DESC, c.id DESC",
            ClientSort::Oldest => "c.created_at, c.id",
            ClientSort::BirthDate => "c.birth_date IS NULL, c.birth_date, c.id",
            ClientSort::LastContact => "c.last_contact_at IS NULL, c.last_contact_at, c.id",
        }
    }
}

/// Filters of the client list; every one given must hold.
#[derive(Debug, Clone, Default, Serialize, Deserialize, Type, JsonSchema)]
pub struct ClientFilters {
    /// Any of these statuses (empty: all).
    #[serde(default)]
    pub status: Vec<ClientStatus>,
    #[serde(default)]
    pub kind: Option<ClientKind>,
    #[serde(default)]
    pub reliability: Vec<Reliability>,
    #[serde(default)]
    pub category_id: Option<Uuid>,
    #[serde(default)]
    pub manager_id: Option<Uuid>,
    #[serde(default)]
    pub tag: Option<String>,
    /// An age band of the centre (by birth date, today).
    #[serde(default)]
    pub age_band_id: Option<Uuid>,
    #[serde(default)]
    pub has_guardian: Option<bool>,
    #[serde(default)]
    pub birthday_this_month: bool,
    /// No contact recorded for this many days (or ever).
    #[serde(default)]
    pub not_contacted_days: Option<u32>,
    /// Custom field conditions, all of which must hold.
    #[serde(default)]
    pub custom: Vec<CustomFilter>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, Type, JsonSchema)]
pub struct ClientsSearchArgs {
    /// Name (any word order, typos forgiven), phone fragment, e-mail, card number.
    #[serde(default)]
    pub query: String,
    #[serde(default)]
    pub filters: ClientFilters,
    #[serde(default)]
    pub sort: ClientSort,
    #[serde(default)]
    pub offset: u32,
    /// Page size, 1–200; 50 when absent.
    #[serde(default)]
    pub limit: Option<u32>,
}

#[derive(Debug, Clone, Serialize, Deserialize, Type, JsonSchema)]
pub struct ClientsPage {
    pub items: Vec<ClientSummary>,
    pub offset: u32,
    pub has_more: bool,
    /// The names matched only after forgiving a typo.
    pub fuzzy: bool,
}

/// A search text read into tokens: each group is alternatives, every group must match.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TextQuery {
    pub groups: Vec<Vec<String>>,
}

impl TextQuery {
    /// Phone-like text (digits and phone punctuation, 3+ digits) is one digits token without
    /// the national trunk zero; anything else is folded words, in any order.
    pub fn parse(query: &str) -> TextQuery {
        let q = query.trim();
        let phone_like = !q.is_empty()
            && q.chars()
                .all(|c| c.is_ascii_digit() || " +-()./".contains(c));
        let digits = digits_of(q);
        if phone_like && digits.len() >= 3 {
            let d = digits.trim_start_matches('0');
            let d = if d.is_empty() { "0" } else { d };
            return TextQuery {
                groups: vec![vec![d.to_string()]],
            };
        }
        let folded = fold(q);
        let mut groups: Vec<Vec<String>> = Vec::new();
        for w in folded.split_whitespace() {
            if !groups.iter().any(|g| g[0] == w) {
                groups.push(vec![w.to_string()]);
            }
        }
        TextQuery { groups }
    }

    pub fn is_empty(&self) -> bool {
        self.groups.is_empty()
    }
}

/// Everything a list query needs, resolved against today and the centre's age bands.
pub struct Resolved {
    pub text: TextQuery,
    pub filters: ClientFilters,
    pub sort: ClientSort,
    pub today: NaiveDate,
    pub now: DateTime<Utc>,
    /// Birth dates of the age band filter: (after, on or before).
    pub birth_range: Option<(Option<NaiveDate>, Option<NaiveDate>)>,
    pub custom: Vec<FieldFilter>,
    /// The reader may not see phones: digits in the text must match a card or tax number,
    /// never only a phone (no finding out whose number it is by searching).
    pub phones_hidden: bool,
}

pub fn check_page(args: &ClientsSearchArgs) -> Result<u32, ApiError> {
    let limit = args.limit.unwrap_or(DEFAULT_PAGE);
    if limit == 0 || limit > MAX_PAGE {
        return Err(ApiError::field(
            "limit",
            "out_of_range",
            format!("1 to {MAX_PAGE}"),
        ));
    }
    if args.query.chars().count() > MAX_QUERY {
        return Err(ApiError::field(
            "query",
            "too_long",
            format!("at most {MAX_QUERY} characters"),
        ));
    }
    Ok(limit)
}

/// One page, widening misspelt names when the exact search finds nothing.
pub(crate) async fn page(
    tx: &mut Tx,
    r: &mut Resolved,
    limit: u32,
    offset: u32,
) -> Result<ClientsPage, ApiError> {
    let mut items = sql::list(tx, r, limit + 1, offset).await?;
    let mut fuzzy = false;
    if items.is_empty() && offset == 0 && widen(tx, &mut r.text).await? {
        items = sql::list(tx, r, limit + 1, offset).await?;
        fuzzy = !items.is_empty();
    }
    let has_more = items.len() > limit as usize;
    items.truncate(limit as usize);
    Ok(ClientsPage {
        items,
        offset,
        has_more,
        fuzzy,
    })
}

/// Adds to each word token the known name words one typo away; true if any were found.
pub(crate) async fn widen(tx: &mut Tx, text: &mut TextQuery) -> Result<bool, ApiError> {
    let mut any = false;
    for g in &mut text.groups {
        if g[0].chars().any(|c| c.is_ascii_digit()) || g[0].chars().count() < index::MIN_TYPO_WORD {
            continue;
        }
        let near = index::near_words(tx, &g[0]).await?;
        any |= !near.is_empty();
        g.extend(near);
    }
    Ok(any)
}

/// Birth dates of people whose age today is in `[min_years, max_years)`.
pub fn birth_range(
    today: NaiveDate,
    min_years: i32,
    max_years: Option<i32>,
) -> (Option<NaiveDate>, Option<NaiveDate>) {
    let years_ago = |y: i32| today.checked_sub_months(chrono::Months::new(12 * y.max(0) as u32));
    // Age >= min: born on or before today - min years. Age < max: born after today - max years.
    (max_years.and_then(years_ago), years_ago(min_years))
}

impl Resolved {
    pub fn contacted_before(&self) -> Option<DateTime<Utc>> {
        self.filters
            .not_contacted_days
            .map(|d| self.now - Duration::days(i64::from(d)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_is_read_as_phone_digits_or_words() {
        let g = |q: &str| TextQuery::parse(q).groups;
        assert!(g("  ").is_empty());
        assert_eq!(g("2055"), [["2055"]]);
        assert_eq!(g("020 55"), [["2055"]]);
        assert_eq!(g("+7 912"), [["7912"]]);
        assert_eq!(g("Chan  ANNA"), [["chan"], ["anna"]]);
        assert_eq!(g("Пётр"), [["петр"]]);
        assert_eq!(g("anna anna"), [["anna"]]);
        assert_eq!(g("50%_off"), [["50%_off"]]);
    }

    #[test]
    fn age_bands_become_birth_date_ranges() {
        let today = NaiveDate::from_ymd_opt(2026, 11, 23).unwrap();
        let (after, until) = birth_range(today, 6, Some(10));
        // 6 today: born 2020-11-23 at the latest; still 9: born after 2016-11-23.
        assert_eq!(after, NaiveDate::from_ymd_opt(2016, 11, 23));
        assert_eq!(until, NaiveDate::from_ymd_opt(2020, 11, 23));
        assert_eq!(birth_range(today, 18, None).0, None);
    }
}
