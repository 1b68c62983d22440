//! Checking every line of an import: the card form rules, custom fields, guardians and the
//! minors rule, and duplicates against the cards on file and earlier lines.

use std::collections::HashMap;

use chrono::NaiveDate;
use uuid::Uuid;

use super::known::{guardians_of, on_file, Known};
use super::mapping::{self, Target};
use super::rows;
use super::sheet::Grid;
use super::*;
use crate::clients::links::is_minor;
use crate::clients::validate::{Form, ValidClient};
use crate::clients::{categories, custom, custom_values};
use crate::error::FieldError;
use crate::phone::Phone;
use crate::text::search_key;

const PREVIEW_LINES: usize = 10;

/// A guardian of a line, ready to link: a card on file (by phone) or one to create.
#[derive(Debug, Clone)]
pub struct ReadyGuardian {
    pub name: String,
    pub relation: crate::clients::GuardianRelation,
    pub phone: Phone,
    pub existing: Option<Uuid>,
}

#[derive(Debug)]
pub struct ReadyRow {
    pub line: u32,
    pub card: ValidClient,
    pub guardians: Vec<ReadyGuardian>,
    pub duplicate: bool,
}

pub struct Checked {
    pub result: ClientsImportResult,
    pub rows: Vec<ReadyRow>,
}

/// The column targets: the caller's mapping, or guesses from the header.
fn targets(
    args: &ClientsImportArgs,
    headers: &[String],
    width: usize,
    fields: &[custom::CustomField],
) -> Result<Vec<Option<Target>>, ApiError> {
    let Some(mapping) = &args.mapping else {
        let mut t = mapping::guess_all(headers, fields);
        t.resize(width, None);
        return Ok(t);
    };
    let mut t = vec![None; width.max(1)];
    let mut p = crate::error::Problems::default();
    for (i, m) in mapping.iter().enumerate() {
        let target = Target::parse(&m.target);
        let live_custom = |id: Uuid| fields.iter().any(|f| f.id == id && !f.archived);
        match target {
            None => p.add(
                format!("mapping.{i}.target"),
                "unknown_target",
                format!(
                    "one of {}, or custom:<field id>",
                    Target::all_wire().collect::<Vec<_>>().join(", ")
                ),
            ),
            Some(Target::Custom(id)) if !live_custom(id) => p.add(
                format!("mapping.{i}.target"),
                "not_found",
                "no such custom field",
            ),
            Some(target) => {
                let col = m.column as usize;
                if col >= 1000 {
                    p.add(
                        format!("mapping.{i}.column"),
                        "out_of_range",
                        "no such column",
                    );
                    continue;
                }
                if col >= t.len() {
                    t.resize(col + 1, None);
                }
                t[col] = Some(target);
            }
        }
    }
    p.finish()?;
    Ok(t)
}

pub(crate) async fn check(
    core: &Core,
    session: &Session,
    args: &ClientsImportArgs,
    grid: Grid,
) -> Result<Checked, ApiError> {
    let mut tx = core.db.read().await?;
    let local = crate::centre::local(&mut tx).await?;
    let today = local.today(core.now());
    let fields = custom::all(&mut tx).await?;
    let cats = categories::all(&mut tx).await?;
    let known = on_file(&mut tx).await?;
    tx.commit().await?;

    let header_at = mapping::header_line(&grid.lines, &fields);
    let headers: Vec<String> = header_at.map_or_else(Vec::new, |i| grid.lines[i].cells.clone());
    let width = grid.lines.iter().map(|l| l.cells.len()).max().unwrap_or(0);
    let targets = targets(args, &headers, width, &fields)?;
    if !targets
        .iter()
        .any(|t| matches!(t, Some(Target::Name | Target::LastName | Target::FirstName)))
    {
        return Err(ApiError::field(
            "mapping",
            "name_required",
            "no column holds the name: choose which column is the name",
        ));
    }
    let data = grid.lines[header_at.map_or(0, |i| i + 1)..]
        .iter()
        .filter(|l| l.cells.iter().any(|c| !c.trim().is_empty()) && !mapping::is_totals(&l.cells));
    let form = Form {
        prefix: "",
        phone_country: &local.phone_country,
        today,
        medical_allowed: false,
        phones_allowed: session.can(crate::roles::Permission::ClientsPhones),
    };
    let mut result = ClientsImportResult {
        format: grid.format.into(),
        encoding: grid.encoding.map(Into::into),
        delimiter: grid.delimiter.map(|d| d.to_string()),
        header_line: header_at.map(|i| grid.lines[i].line),
        columns: (0..width)
            .map(|i| ImportColumn {
                index: i as u32,
                header: headers.get(i).cloned().unwrap_or_default(),
                target: targets.get(i).copied().flatten().map(Target::wire),
            })
            .collect(),
        preview: vec![],
        total_rows: 0,
        valid_rows: 0,
        created: 0,
        guardians_created: 0,
        duplicates: vec![],
        errors: vec![],
        dry_run: args.dry_run,
        committed: false,
    };
    let col = |i: usize| column_name(&headers, i);
    let mut rows_out = Vec::new();
    let mut seen_phone: HashMap<(String, String), (u32, String)> = HashMap::new();
    let mut seen_email: HashMap<String, (u32, String)> = HashMap::new();
    let mut seen_cards: HashMap<String, u32> = HashMap::new();
    let mut seen_name: HashMap<(String, NaiveDate), (u32, String)> = HashMap::new();
    let total = data.clone().count() as u64;
    for (n, line) in data.enumerate() {
        if n % 1000 == 0 {
            core.jobs
                .set(args.job_id, session.user_id, "checking", n as u64, total);
        }
        result.total_rows += 1;
        if result.preview.len() < PREVIEW_LINES {
            result.preview.push(ImportPreviewLine {
                line: line.line,
                cells: line.cells.clone(),
            });
        }
        let r = rows::read(&line.cells, &targets, &cats, today);
        let mut errors: Vec<ImportError> = r
            .problems
            .iter()
            .map(|(c, code, m)| ImportError {
                line: line.line,
                column: col(*c),
                code: (*code).into(),
                message: m.clone(),
            })
            .collect();
        let report = |errors: &mut Vec<ImportError>, fe: FieldError| {
            let column = r.column_of(&fe.field).map(col).unwrap_or_default();
            errors.push(ImportError {
                line: line.line,
                column,
                code: fe.code,
                message: fe.message,
            });
        };
        let card = form.validate(&r.input);
        let values = custom_values::read(
            &fields,
            r.input.kind,
            r.input.custom.as_deref().unwrap_or(&[]),
            "",
        );
        for res in [card.as_ref().err(), values.as_ref().err()]
            .into_iter()
            .flatten()
        {
            if let ApiError::Validation { errors: list } = res {
                for fe in list {
                    report(&mut errors, fe.clone());
                }
            }
        }
        let guardians = guardians_of(
            &r,
            &local.phone_country,
            &known,
            &col,
            line.line,
            &mut errors,
        );
        if let Ok(card) = &card {
            if card.kind == crate::clients::ClientKind::Person
                && is_minor(card.birth_date, today)
                && guardians.is_empty()
                && errors.is_empty()
            {
                let c = r
                    .guardians
                    .first()
                    .map(|g| g.column)
                    .or_else(|| r.column_of("birth_date"));
                errors.push(ImportError {
                    line: line.line,
                    column: c.map(col).unwrap_or_default(),
                    code: "guardian_required".into(),
                    message:
                        "a child under 18 needs a guardian with a phone (write \"name, phone\")"
                            .into(),
                });
            }
        }
        if let Some(no) = card.as_ref().ok().and_then(|c| c.card_number.clone()) {
            let taken = known
                .card_numbers
                .get(&no)
                .cloned()
                .or_else(|| seen_cards.get(&no).map(|l| format!("line {l}")));
            match taken {
                Some(by) => errors.push(ImportError {
                    line: line.line,
                    column: r.column_of("card_number").map(col).unwrap_or_default(),
                    code: "taken".into(),
                    message: format!("card number {no} is already {by}'s"),
                }),
                // Only a line that will be written holds its card number.
                None if errors.is_empty() => {
                    seen_cards.insert(no, line.line);
                }
                None => {}
            }
        }
        if !errors.is_empty() {
            result.errors.extend(errors);
            continue;
        }
        let (Ok(mut card), Ok(values)) = (card, values) else {
            continue;
        };
        card.custom = values;
        let before = result.duplicates.len();
        let mut dup = |column: Option<usize>,
                       reason: &str,
                       on_file: Option<&Known>,
                       earlier: Option<&(u32, String)>| {
            let d = ImportDuplicate {
                line: line.line,
                column: column.map(col).unwrap_or_default(),
                reason: reason.into(),
                id: on_file.map(|k| k.0),
                name: on_file
                    .map(|k| k.1.clone())
                    .or_else(|| earlier.map(|e| e.1.clone()))
                    .unwrap_or_default(),
                earlier_line: earlier.map(|e| e.0),
            };
            result.duplicates.push(d);
        };
        // A shared number is a family, not a duplicate: the name must match too.
        let me = search_key(&card.name);
        for (i, (_, p)) in card.phones.iter().enumerate() {
            let f = known
                .phones
                .get(p.e164())
                .and_then(|v| v.iter().find(|k| search_key(&k.1) == me));
            let e = seen_phone.get(&(p.e164().to_string(), me.clone()));
            if f.is_some() || e.is_some() {
                dup(r.column_of(&format!("phones.{i}")), "phone", f, e);
            }
        }
        for (i, m) in card.emails.iter().enumerate() {
            let k = m.value.to_lowercase();
            let (f, e) = (known.emails.get(&k), seen_email.get(&k));
            if f.is_some() || e.is_some() {
                dup(r.column_of(&format!("emails.{i}")), "email", f, e);
            }
        }
        let name_key = card.birth_date.map(|b| (search_key(&card.name), b));
        if let Some(k) = &name_key {
            let (f, e) = (known.names.get(k), seen_name.get(k));
            if f.is_some() || e.is_some() {
                dup(r.column_of("name"), "name_birth_date", f, e);
            }
        }
        let duplicate = result.duplicates.len() > before;
        for (_, p) in &card.phones {
            seen_phone
                .entry((p.e164().to_string(), me.clone()))
                .or_insert((line.line, card.name.clone()));
        }
        for m in &card.emails {
            seen_email
                .entry(m.value.to_lowercase())
                .or_insert((line.line, card.name.clone()));
        }
        if let Some(k) = name_key {
            seen_name.entry(k).or_insert((line.line, card.name.clone()));
        }
        result.valid_rows += 1;
        rows_out.push(ReadyRow {
            line: line.line,
            card,
            guardians,
            duplicate,
        });
    }
    Ok(Checked {
        result,
        rows: rows_out,
    })
}
