//! One line of a file as a card form: cells split and read the way people write them
//! (dates as dd.mm.yyyy or spreadsheet serials, several phones in a cell, a guardian as
//! "name, phone"), each value remembering the column it came from for error reports.

use chrono::{Datelike, Duration, NaiveDate};

use super::mapping::Target;
use crate::clients::categories::ClientCategory;
use crate::clients::custom_values::CustomValue;
use crate::clients::model::*;
use crate::phone::PhoneKind;
use crate::text::fold;

/// A guardian written in the file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GuardianCell {
    pub name: String,
    pub phone: String,
    pub column: usize,
}

/// A line read into a form, with the column of each form field.
#[derive(Debug, Clone, Default)]
pub struct RowForm {
    pub input: ClientInput,
    pub guardians: Vec<GuardianCell>,
    /// (field path prefix, column) — `phones.1` → the column of the second phone.
    pub origins: Vec<(String, usize)>,
    /// Problems found while reading cells: (column, code, message).
    pub problems: Vec<(usize, &'static str, String)>,
}

impl RowForm {
    /// The column a form field path came from.
    pub fn column_of(&self, field: &str) -> Option<usize> {
        self.origins
            .iter()
            .filter(|(p, _)| field == p || field.starts_with(&format!("{p}.")))
            .max_by_key(|(p, _)| p.len())
            .map(|(_, c)| *c)
    }
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

fn split_list(cell: &str) -> impl Iterator<Item = &str> {
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
            GuardianCell {
                name,
                phone,
                column,
            }
        })
        .collect()
}

fn status_of(s: &str) -> Option<ClientStatus> {
    let k = fold(s);
    Some(match k.as_str() {
        "lead" | "potential" | "лид" | "потенциальный" | "новый" | "интерес" => {
            ClientStatus::Lead
        }
        "current" | "active" | "текущий" | "активный" | "действующий" | "клиент" => {
            ClientStatus::Current
        }
        "former" | "inactive" | "бывший" | "архив" | "неактивный" => {
            ClientStatus::Former
        }
        _ => return None,
    })
}

fn kind_of(s: &str) -> ClientKind {
    let k = fold(s);
    if [
        "company",
        "organisation",
        "organization",
        "компания",
        "организация",
        "юр. лицо",
        "юрлицо",
        "юридическое лицо",
    ]
    .contains(&k.as_str())
    {
        ClientKind::Company
    } else {
        ClientKind::Person
    }
}

/// Reads one line with `columns` (the target of each column).
pub fn read(
    cells: &[String],
    columns: &[Option<Target>],
    categories: &[ClientCategory],
    today: NaiveDate,
) -> RowForm {
    let mut r = RowForm {
        input: ClientInput {
            status: ClientStatus::Current,
            custom: Some(vec![]),
            ..Default::default()
        },
        ..Default::default()
    };
    let mut name_parts: [Option<&str>; 3] = [None; 3];
    let mut guardian_name: Option<(&str, usize)> = None;
    let mut guardian_phone: Option<(&str, usize)> = None;
    for (col, target) in columns.iter().enumerate() {
        let Some(target) = target else { continue };
        let cell = unescape(cells.get(col).map_or("", |c| c.trim()));
        if cell.is_empty() {
            continue;
        }
        let i = &mut r.input;
        match target {
            Target::Name => {
                i.name = cell.to_string();
                r.origins.push(("name".into(), col));
            }
            Target::LastName | Target::FirstName | Target::MiddleName => {
                let slot = match target {
                    Target::LastName => 0,
                    Target::FirstName => 1,
                    _ => 2,
                };
                name_parts[slot] = Some(cell);
                r.origins.push(("name".into(), col));
            }
            Target::Kind => i.kind = kind_of(cell),
            Target::Phone => {
                for p in split_list(cell) {
                    r.origins.push((format!("phones.{}", i.phones.len()), col));
                    i.phones.push(PhoneInput {
                        kind: PhoneKind::Mobile,
                        number: p.to_string(),
                    });
                }
            }
            Target::Email => {
                for e in cell.split([',', ';', ' ', '\n']).filter(|e| !e.is_empty()) {
                    r.origins.push((format!("emails.{}", i.emails.len()), col));
                    i.emails.push(LabelledValue {
                        label: String::new(),
                        value: e.to_string(),
                    });
                }
            }
            Target::BirthDate => match parse_date(cell, today) {
                Some(d) => {
                    i.birth_date = Some(d.to_string());
                    r.origins.push(("birth_date".into(), col));
                }
                None => r
                    .problems
                    .push((col, "invalid_date", format!("not a real date: {cell}"))),
            },
            Target::Guardian => r.guardians.extend(parse_guardians(cell, col)),
            Target::GuardianName => guardian_name = Some((cell, col)),
            Target::GuardianPhone => guardian_phone = Some((cell, col)),
            Target::CardNumber => {
                i.card_number = Some(cell.to_string());
                r.origins.push(("card_number".into(), col));
            }
            Target::Status => match status_of(cell) {
                Some(s) => i.status = s,
                None => r.problems.push((
                    col,
                    "invalid_status",
                    format!("unknown status: {cell} (lead, current or former)"),
                )),
            },
            Target::Tags => i.tags.extend(split_list(cell).map(str::to_string)),
            Target::Category => {
                let k = fold(cell);
                match categories
                    .iter()
                    .find(|c| fold(&c.name) == k && !c.archived)
                {
                    Some(c) => i.category_id = Some(c.id),
                    None => r.problems.push((
                        col,
                        "unknown_category",
                        format!("no category named {cell}"),
                    )),
                }
            }
            Target::Address => {
                r.origins
                    .push((format!("addresses.{}", i.addresses.len()), col));
                i.addresses.push(LabelledValue {
                    label: String::new(),
                    value: cell.to_string(),
                });
            }
            Target::TaxId => {
                i.tax_id = Some(cell.to_string());
                r.origins.push(("tax_id".into(), col));
            }
            Target::Notes => {
                if !i.notes.is_empty() {
                    i.notes.push('\n');
                }
                i.notes.push_str(cell);
                r.origins.push(("notes".into(), col));
            }
            Target::Custom(id) => {
                r.origins.push((format!("custom.{id}"), col));
                if let Some(list) = i.custom.as_mut() {
                    list.push(CustomValue {
                        field_id: *id,
                        value: cell.to_string(),
                    });
                }
            }
            Target::Ignore => {}
        }
    }
    if r.input.name.is_empty() {
        let parts: Vec<&str> = name_parts.iter().flatten().copied().collect();
        r.input.name = parts.join(" ");
    }
    if guardian_name.is_some() || guardian_phone.is_some() {
        let col = guardian_name.or(guardian_phone).map_or(0, |(_, c)| c);
        r.guardians.push(GuardianCell {
            name: guardian_name.map_or("", |(n, _)| n).to_string(),
            phone: guardian_phone.map_or("", |(p, _)| p).to_string(),
            column: guardian_phone.map_or(col, |(_, c)| c),
        });
    }
    r
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
