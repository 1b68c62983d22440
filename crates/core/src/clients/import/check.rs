//! Checking every line of an import: the card form rules, custom fields, guardians and the
//! minors rule, and duplicates against the cards on file and earlier lines.

use std::collections::HashMap;

use chrono::NaiveDate;
use uuid::Uuid;

use super::mapping::{self, Target};
use super::rows::{self, RowForm};
use super::sheet::Grid;
use super::*;
use crate::clients::links::is_minor;
use crate::clients::validate::{Form, ValidClient};
use crate::clients::{categories, custom, custom_values};
use crate::db::Tx;
use crate::error::FieldError;
use crate::on_tx;
use crate::phone::Phone;
use crate::text::search_key;

const PREVIEW_LINES: usize = 10;

/// A guardian of a line, ready to link: a card on file (by phone) or one to create.
#[derive(Debug, Clone)]
pub struct ReadyGuardian {
    pub name: String,
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

type Known = (Uuid, String, Option<NaiveDate>);

/// What is on file, to find duplicates without a query per line.
#[derive(Default)]
struct OnFile {
    phones: HashMap<String, Known>,
    emails: HashMap<String, Known>,
    names: HashMap<(String, NaiveDate), Known>,
    card_numbers: HashMap<String, String>,
}

async fn on_file(tx: &mut Tx) -> Result<OnFile, ApiError> {
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
        "SELECT card_number, name FROM clients WHERE card_number IS NOT NULL").fetch_all(c).await)?;
    let mut f = OnFile {
        card_numbers: cards.into_iter().collect(),
        ..Default::default()
    };
    for (k, id, name, birth) in phones {
        f.phones.entry(k).or_insert((id, name, birth));
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
    let mut seen_phone: HashMap<String, (u32, String)> = HashMap::new();
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
                None => {
                    seen_cards.insert(no, line.line);
                }
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
        for (i, (_, p)) in card.phones.iter().enumerate() {
            let (f, e) = (known.phones.get(p.e164()), seen_phone.get(p.e164()));
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
                .entry(p.e164().to_string())
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

/// Reads a line's guardians; errors go to `errors`.
fn guardians_of(
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
        let existing = known.phones.get(phone.e164());
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
            name: existing.map_or_else(|| g.name.trim().to_string(), |k| k.1.clone()),
            phone,
            existing: existing.map(|k| k.0),
        });
    }
    out
}
