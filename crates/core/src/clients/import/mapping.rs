//! Which column is what: the header line is found below any title lines, and each header
//! is guessed from Russian and English names (and the centre's custom field labels).

use uuid::Uuid;

use super::sheet::Line;
use crate::clients::custom::CustomField;
use crate::text::fold;

/// What a column fills. Custom fields are `custom:<field id>`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Target {
    Name,
    LastName,
    FirstName,
    MiddleName,
    Kind,
    Phone,
    Email,
    BirthDate,
    Guardian,
    GuardianName,
    GuardianPhone,
    CardNumber,
    Status,
    Tags,
    Category,
    Address,
    TaxId,
    Notes,
    Custom(Uuid),
    Ignore,
}

/// Every built-in target with its wire name and the headers it is guessed from (folded).
const NAMES: &[(Target, &str, &[&str])] = &[
    (
        Target::Name,
        "name",
        &[
            "name",
            "full name",
            "client",
            "фио",
            "ф.и.о.",
            "ф.и.о",
            "клиент",
            "имя клиента",
            "ученик",
            "контрагент",
            "наименование",
        ],
    ),
    (
        Target::LastName,
        "last_name",
        &["last name", "surname", "family name", "фамилия"],
    ),
    (
        Target::FirstName,
        "first_name",
        &["first name", "given name", "имя"],
    ),
    (
        Target::MiddleName,
        "middle_name",
        &["middle name", "patronymic", "отчество"],
    ),
    (Target::Kind, "kind", &["kind", "type", "тип", "вид"]),
    (
        Target::Phone,
        "phone",
        &[
            "phone",
            "phones",
            "mobile",
            "tel",
            "telephone",
            "телефон",
            "телефоны",
            "тел",
            "тел.",
            "моб",
            "мобильный",
            "сотовый",
            "номер телефона",
        ],
    ),
    (
        Target::Email,
        "email",
        &[
            "email",
            "e-mail",
            "emails",
            "mail",
            "почта",
            "эл. почта",
            "электронная почта",
            "e-mail адрес",
        ],
    ),
    (
        Target::BirthDate,
        "birth_date",
        &[
            "birth date",
            "date of birth",
            "birthday",
            "dob",
            "born",
            "дата рождения",
            "д.р.",
            "др",
            "день рождения",
            "дата рожд.",
        ],
    ),
    (
        Target::Guardian,
        "guardian",
        &[
            "guardian",
            "guardians",
            "parent",
            "parents",
            "родитель",
            "родители",
            "законный представитель",
            "представитель",
            "опекун",
        ],
    ),
    (
        Target::GuardianName,
        "guardian_name",
        &[
            "guardian name",
            "parent name",
            "фио родителя",
            "имя родителя",
        ],
    ),
    (
        Target::GuardianPhone,
        "guardian_phone",
        &[
            "guardian phone",
            "parent phone",
            "parent's phone",
            "телефон родителя",
            "тел. родителя",
        ],
    ),
    (
        Target::CardNumber,
        "card_number",
        &[
            "card number",
            "card",
            "card no",
            "номер карты",
            "карта",
            "№ карты",
            "номер договора",
        ],
    ),
    (Target::Status, "status", &["status", "статус"]),
    (
        Target::Tags,
        "tags",
        &["tags", "tag", "labels", "теги", "метки"],
    ),
    (Target::Category, "category", &["category", "категория"]),
    (Target::Address, "address", &["address", "адрес"]),
    (
        Target::TaxId,
        "tax_id",
        &["tax id", "tin", "vat", "инн", "бин", "иин"],
    ),
    (
        Target::Notes,
        "notes",
        &[
            "notes",
            "note",
            "comment",
            "comments",
            "remarks",
            "примечание",
            "примечания",
            "комментарий",
            "комментарии",
            "заметки",
        ],
    ),
    (Target::Ignore, "ignore", &[]),
];

impl Target {
    pub fn wire(self) -> String {
        match self {
            Target::Custom(id) => format!("custom:{id}"),
            t => NAMES
                .iter()
                .find(|(x, _, _)| *x == t)
                .map_or("ignore", |(_, w, _)| w)
                .to_string(),
        }
    }

    pub fn parse(s: &str) -> Option<Target> {
        if let Some(id) = s.strip_prefix("custom:") {
            return id.parse().ok().map(Target::Custom);
        }
        NAMES.iter().find(|(_, w, _)| *w == s).map(|(t, _, _)| *t)
    }

    /// Every wire name of a built-in target.
    pub fn all_wire() -> impl Iterator<Item = &'static str> {
        NAMES.iter().map(|(_, w, _)| *w)
    }

    /// Several columns may carry this (phones split over "mobile" and "home").
    pub fn repeats(self) -> bool {
        matches!(
            self,
            Target::Phone | Target::Email | Target::Tags | Target::Notes | Target::Ignore
        )
    }
}

fn header_key(s: &str) -> String {
    let f = fold(s);
    f.trim_matches(|c: char| c == ':' || c == '*' || c.is_whitespace())
        .to_string()
}

/// The guess for one header.
pub fn guess(header: &str, fields: &[CustomField]) -> Option<Target> {
    let key = header_key(header);
    if key.is_empty() {
        return None;
    }
    if let Some((t, _, _)) = NAMES.iter().find(|(_, _, hs)| hs.contains(&key.as_str())) {
        return Some(*t);
    }
    if let Some(f) = fields.iter().find(|f| !f.archived && fold(&f.label) == key) {
        return Some(Target::Custom(f.id));
    }
    // Phone kinds and the like: "Телефон (моб.)", "Mobile phone".
    let contains = |words: &[&str]| words.iter().any(|w| key.contains(w));
    if contains(&[
        "родител",
        "parent",
        "guardian",
        "представител",
        "мама",
        "папа",
        "mother",
        "father",
    ]) {
        return Some(if contains(&["тел", "phone"]) {
            Target::GuardianPhone
        } else {
            Target::Guardian
        });
    }
    if contains(&["телефон", "phone", "mobile", "моб"]) {
        return Some(Target::Phone);
    }
    if contains(&["mail", "почт"]) {
        return Some(Target::Email);
    }
    if contains(&["рожд", "birth"]) {
        return Some(Target::BirthDate);
    }
    None
}

/// The header line: the first of the top 20 lines in which at least two cells are known
/// headers (a title above it is skipped). None when the file has no header.
pub fn header_line(lines: &[Line], fields: &[CustomField]) -> Option<usize> {
    lines.iter().take(20).position(|l| {
        let known = l
            .cells
            .iter()
            .filter(|c| guess(c, fields).is_some())
            .count();
        known >= 2
    })
}

/// Guesses for every column of the header line; repeated single targets are ignored after
/// their first column.
pub fn guess_all(headers: &[String], fields: &[CustomField]) -> Vec<Option<Target>> {
    let mut seen = std::collections::HashSet::new();
    headers
        .iter()
        .map(|h| {
            let t = guess(h, fields)?;
            (t.repeats() || seen.insert(t)).then_some(t)
        })
        .collect()
}

/// A totals line below the data: "Итого: 250", "Total", "Всего".
pub fn is_totals(cells: &[String]) -> bool {
    let first = cells.iter().find(|c| !c.trim().is_empty());
    first.is_some_and(|c| {
        let k = fold(c);
        ["итого", "всего", "total", "totals", "sum", "сумма"]
            .iter()
            .any(|w| k.starts_with(w))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line(cells: &[&str]) -> Line {
        Line {
            line: 1,
            cells: cells.iter().map(|c| c.to_string()).collect(),
        }
    }

    #[test]
    fn russian_and_english_headers_are_guessed() {
        let h: Vec<String> = [
            "ФИО",
            "Телефон (моб.)",
            "Дата рождения",
            "Родитель",
            "E-mail",
            "Примечание",
            "Что-то",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        let g = guess_all(&h, &[]);
        assert_eq!(
            g,
            [
                Some(Target::Name),
                Some(Target::Phone),
                Some(Target::BirthDate),
                Some(Target::Guardian),
                Some(Target::Email),
                Some(Target::Notes),
                None
            ]
        );
        assert_eq!(guess("Parent phone", &[]), Some(Target::GuardianPhone));
        assert_eq!(guess("Last name:", &[]), Some(Target::LastName));
        assert_eq!(
            Target::parse(&Target::BirthDate.wire()),
            Some(Target::BirthDate)
        );
    }

    #[test]
    fn a_title_above_the_header_is_skipped_and_totals_are_seen() {
        let lines = vec![
            line(&["Список клиентов на 01.10.2026", "", ""]),
            line(&["", "", ""]),
            line(&["№", "ФИО", "Телефон"]),
            line(&["1", "Иванова Анна", "87011234567"]),
        ];
        assert_eq!(header_line(&lines, &[]), Some(2));
        assert!(is_totals(&["".into(), "Итого: 250".into()]));
        assert!(!is_totals(&["Анна".into()]));
    }
}
