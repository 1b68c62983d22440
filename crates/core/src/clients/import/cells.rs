//! Reading single cells as people write them: dates, guardians ("name, phone"), lists,
//! and our own export's formula escaping.

use chrono::{Datelike, Duration, NaiveDate};

use crate::clients::model::GuardianRelation;
use crate::text::fold;

/// A guardian written in the file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GuardianCell {
    pub name: String,
    pub phone: String,
    pub relation: GuardianRelation,
    pub column: usize,
}

/// "Анна Петрова (мама)" → ("Анна Петрова", mother).
pub fn relation_of(name: &str) -> (String, GuardianRelation) {
    let n = name.trim();
    if let Some(open) = n.rfind('(') {
        if n.ends_with(')') {
            let word = fold(&n[open + 1..n.len() - 1]);
            let r = match word.trim() {
                "mother" | "mom" | "mum" | "мама" | "мать" => {
                    Some(GuardianRelation::Mother)
                }
                "father" | "dad" | "папа" | "отец" => Some(GuardianRelation::Father),
                "grandparent" | "grandmother" | "grandfather" | "бабушка" | "дедушка" => {
                    Some(GuardianRelation::Grandparent)
                }
                "guardian" | "опекун" => Some(GuardianRelation::Guardian),
                "other" | "другое" => Some(GuardianRelation::Other),
                _ => None,
            };
            if let Some(r) = r {
                return (n[..open].trim().to_string(), r);
            }
        }
    }
    (n.to_string(), GuardianRelation::Guardian)
}

/// Undoes the formula escaping of our own exports ("'=…" back to "=…").
pub fn unescape(cell: &str) -> &str {
    match cell.strip_prefix('\'') {
        Some(rest) if rest.starts_with(['=', '+', '-', '@']) => rest,
        _ => cell,
    }
}

/// Dates as people and programs write them: 31.12.2015, 31/12/2015, 2015-12-31, 31.12.15,
/// or a spreadsheet serial number (days since 1899-12-30).
pub fn parse_date(s: &str, today: NaiveDate) -> Option<NaiveDate> {
    let s = s.trim();
    let s = s.split([' ', 'T']).next().unwrap_or(s);
    if let Some(d) = crate::clients::fields::parse_iso_date(s) {
        return Some(d);
    }
    if s.len() == 5 && s.chars().all(|c| c.is_ascii_digit()) {
        let n: i64 = s.parse().ok()?;
        if (10_000..=80_000).contains(&n) {
            return NaiveDate::from_ymd_opt(1899, 12, 30)?.checked_add_signed(Duration::days(n));
        }
        return None;
    }
    let parts: Vec<&str> = s.split(['.', '/', '-']).collect();
    let [d, m, y] = parts.as_slice() else {
        return None;
    };
    let all_digits = |x: &str| !x.is_empty() && x.chars().all(|c| c.is_ascii_digit());
    if !(all_digits(d) && all_digits(m) && all_digits(y)) || d.len() > 2 || m.len() > 2 {
        return None;
    }
    let mut year: i32 = y.parse().ok()?;
    match y.len() {
        4 => {}
        2 => {
            let pivot = today.year() % 100;
            year += if year <= pivot { 2000 } else { 1900 };
        }
        _ => return None,
    }
    NaiveDate::from_ymd_opt(year, m.parse().ok()?, d.parse().ok()?)
}

pub fn split_list(cell: &str) -> impl Iterator<Item = &str> {
    cell.split([',', ';', '\n'])
        .map(str::trim)
        .filter(|s| !s.is_empty())
}

/// "Иванова Мария, +7 701 123 45 67", "Maria Ivanova 020 5555 1234", "+7 701…; Петров…".
pub fn parse_guardians(cell: &str, column: usize) -> Vec<GuardianCell> {
    cell.split([';', '\n'])
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(|one| {
            // The phone is the longest run of phone characters with at least 5 digits.
            let is_phone_char = |c: char| c.is_ascii_digit() || " +-()".contains(c);
            let mut best: Option<(usize, usize)> = None;
            let chars: Vec<(usize, char)> = one.char_indices().collect();
            let mut i = 0;
            while i < chars.len() {
                if chars[i].1.is_ascii_digit() || chars[i].1 == '+' || chars[i].1 == '(' {
                    let start = chars[i].0;
                    let mut j = i;
                    while j < chars.len() && is_phone_char(chars[j].1) {
                        j += 1;
                    }
                    let end = chars.get(j).map_or(one.len(), |c| c.0);
                    let digits = one[start..end].chars().filter(char::is_ascii_digit).count();
                    if digits >= 5 && best.is_none_or(|(s, e)| end - start > e - s) {
                        best = Some((start, end));
                    }
                    i = j.max(i + 1);
                } else {
                    i += 1;
                }
            }
            let (name, phone) = match best {
                Some((s, e)) => (
                    format!("{} {}", &one[..s], &one[e..]),
                    one[s..e].trim().to_string(),
                ),
                None => (one.to_string(), String::new()),
            };
            let name = name
                .split_whitespace()
                .collect::<Vec<_>>()
                .join(" ")
                .trim_matches(|c: char| c == ',' || c == ':' || c == '-' || c.is_whitespace())
                .to_string();
            let (name, relation) = relation_of(&name);
            GuardianCell {
                name,
                phone,
                relation,
                column,
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Option<NaiveDate> {
        s.parse().ok()
    }

    #[test]
    fn dates_as_people_write_them() {
        let today = NaiveDate::from_ymd_opt(2026, 11, 24).unwrap();
        assert_eq!(parse_date("01.02.2015", today), d("2015-02-01"));
        assert_eq!(parse_date("1/2/2015", today), d("2015-02-01"));
        assert_eq!(parse_date("2015-02-01", today), d("2015-02-01"));
        assert_eq!(parse_date("01.02.15", today), d("2015-02-01"));
        assert_eq!(parse_date("01.02.85", today), d("1985-02-01"));
        assert_eq!(parse_date("42036", today), d("2015-02-01"));
        assert_eq!(parse_date("2015-02-01 00:00", today), d("2015-02-01"));
        for bad in [
            "31.02.2010",
            "2010-13-01",
            "32.01.2010",
            "yesterday",
            "1.2",
            "123456",
        ] {
            assert_eq!(parse_date(bad, today), None, "{bad}");
        }
    }

    #[test]
    fn a_guardian_in_one_cell() {
        let g = parse_guardians("Иванова Мария, +7 701 123 45 67", 3);
        assert_eq!(
            (g[0].name.as_str(), g[0].phone.as_str()),
            ("Иванова Мария", "+7 701 123 45 67")
        );
        let g = parse_guardians("8 (701) 123-45-67 Petrov Ivan; Anna 020 5555 1234", 0);
        assert_eq!(
            (g[0].name.as_str(), g[0].phone.as_str()),
            ("Petrov Ivan", "8 (701) 123-45-67")
        );
        assert_eq!(
            (g[1].name.as_str(), g[1].phone.as_str()),
            ("Anna", "020 5555 1234")
        );
        let g = parse_guardians("Anna Petrova (mother), +8562055512345", 0);
        assert_eq!(
            (g[0].name.as_str(), g[0].relation),
            ("Anna Petrova", GuardianRelation::Mother)
        );
        let g = parse_guardians("Мама", 0);
        assert_eq!((g[0].name.as_str(), g[0].phone.as_str()), ("Мама", ""));
    }

    #[test]
    fn our_formula_escaping_is_undone() {
        assert_eq!(unescape("'+8562055512345"), "+8562055512345");
        assert_eq!(unescape("'=SUM(A1)"), "=SUM(A1)");
        assert_eq!(unescape("'quoted'"), "'quoted'");
    }
}
