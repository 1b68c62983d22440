//! One line of a file as a card form: cells split and read the way people write them
//! (dates as dd.mm.yyyy or spreadsheet serials, several phones in a cell, a guardian as
//! "name, phone"), each value remembering the column it came from for error reports.

use chrono::NaiveDate;

use super::cells::{parse_date, parse_guardians, relation_of, split_list, unescape, GuardianCell};
use super::mapping::Target;
use crate::clients::categories::ClientCategory;
use crate::clients::custom_values::CustomValue;
use crate::clients::model::*;
use crate::phone::PhoneKind;
use crate::text::fold;

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
        let (name, relation) = relation_of(guardian_name.map_or("", |(n, _)| n));
        r.guardians.push(GuardianCell {
            name,
            relation,
            phone: guardian_phone.map_or("", |(p, _)| p).to_string(),
            column: guardian_phone.map_or(col, |(_, c)| c),
        });
    }
    r
}
