//! Reading a card form: every field parsed, every problem reported at its field at once.
//! What needs the database (does this category exist, is the guardian older) is checked in
//! the use case, inside the write transaction.

use chrono::NaiveDate;
use uuid::Uuid;

use super::fields::{is_email, labelled, list, optional_short, parse_iso_date, short_label};
use super::model::*;
pub use super::valid::{LinkTarget, ValidClient, ValidLink, ValidPerson};
use crate::error::{ApiError, Problems};
use crate::phone::{Phone, PhoneKind};
use crate::text::{fold, parse_name, parse_text};

pub const MAX_NAME: usize = 200;
pub const MAX_NOTES: usize = 10_000;
pub const MAX_PHONES: usize = 10;
const MAX_LIST: usize = 10;
const MAX_TAGS: usize = 30;
const MAX_TAG: usize = 40;
const MAX_SHORT: usize = 100;
const MAX_ADDRESS: usize = 500;
const MAX_DOCUMENTS: usize = 50;
const MAX_LINKS: usize = 10;

/// Field names are `prefix` + name (`client.` inside `client_update`).
#[derive(Clone, Copy)]
pub struct Form<'a> {
    pub prefix: &'a str,
    pub phone_country: &'a str,
    pub today: NaiveDate,
    /// The caller may read and write medical and physical notes.
    pub medical_allowed: bool,
    /// The caller may read and write phone numbers.
    pub phones_allowed: bool,
}

impl Form<'_> {
    fn f(&self, name: &str) -> String {
        format!("{}{name}", self.prefix)
    }

    pub fn validate(&self, input: &ClientInput) -> Result<ValidClient, ApiError> {
        let mut p = Problems::default();
        let name = p.take(parse_name(&self.f("name"), &input.name, MAX_NAME));
        let card_number = optional_short(&mut p, &self.f("card_number"), &input.card_number, 40);
        let tax_id = optional_short(&mut p, &self.f("tax_id"), &input.tax_id, 40);
        let birth_date = self.birth_date(&mut p, "birth_date", input.birth_date.as_deref());
        let company = input.kind == ClientKind::Company;
        if company && birth_date.is_some() {
            p.add(
                self.f("birth_date"),
                "not_for_company",
                "a company has no birth date",
            );
        }
        let phones = self.phones(&mut p, "phones", &input.phones);
        let emails = self.emails(&mut p, "emails", &input.emails);
        if !self.phones_allowed && !input.messengers.is_empty() {
            p.add(
                self.f("messengers"),
                "not_permitted",
                "your role may not see or change phone numbers or messenger handles",
            );
        }
        let messengers = list(
            &mut p,
            &self.f("messengers"),
            &input.messengers,
            MAX_LIST,
            |p, field, m| {
                let handle =
                    p.take(parse_name(&format!("{field}.handle"), &m.handle, MAX_SHORT))?;
                Some(Messenger { app: m.app, handle })
            },
        );
        let addresses = list(
            &mut p,
            &self.f("addresses"),
            &input.addresses,
            MAX_LIST,
            |p, field, a| labelled(p, field, a, MAX_ADDRESS),
        );
        let tags = self.tags(&mut p, &input.tags);
        let documents = list(
            &mut p,
            &self.f("documents"),
            &input.documents,
            MAX_DOCUMENTS,
            |p, field, d| {
                let title = p.take(parse_name(&format!("{field}.title"), &d.title, MAX_NAME))?;
                if let (Some(from), Some(until)) = (d.received_on, d.valid_until) {
                    if until < from {
                        p.add(
                            format!("{field}.valid_until"),
                            "before_received",
                            "valid until is before the date received",
                        );
                        return None;
                    }
                }
                Some(ClientDocument {
                    title,
                    received_on: d.received_on,
                    valid_until: d.valid_until,
                })
            },
        );
        let preferences = p.take(parse_text(
            &self.f("preferences"),
            &input.preferences,
            MAX_NOTES,
        ));
        let notes = p.take(parse_text(&self.f("notes"), &input.notes, MAX_NOTES));
        let physical_condition =
            self.medical(&mut p, "physical_condition", &input.physical_condition);
        let medical_notes = self.medical(&mut p, "medical_notes", &input.medical_notes);
        if company && !input.guardians.is_empty() {
            p.add(
                self.f("guardians"),
                "not_for_company",
                "a company has no guardians",
            );
        }
        if !company && !input.contacts.is_empty() {
            p.add(
                self.f("contacts"),
                "not_for_person",
                "only a company has contact persons",
            );
        }
        let guardians = list(
            &mut p,
            &self.f("guardians"),
            &input.guardians,
            MAX_LINKS,
            |p, field, g| {
                let target = self.target(p, &field, g.client_id, g.new.as_ref())?;
                Some(ValidLink {
                    target,
                    role: g.relation,
                    pays: g.pays,
                    field,
                })
            },
        );
        let contacts = list(
            &mut p,
            &self.f("contacts"),
            &input.contacts,
            MAX_LINKS,
            |p, field, c| {
                let role = p.take(parse_name(&format!("{field}.role"), &c.role, MAX_SHORT));
                let target = self.target(p, &field, c.client_id, c.new.as_ref());
                Some(ValidLink {
                    target: target?,
                    role: role?,
                    pays: false,
                    field,
                })
            },
        );
        p.finish()?;
        let (Some(name), Some(preferences), Some(notes)) = (name, preferences, notes) else {
            return Err(ApiError::bad_request("invalid client"));
        };
        Ok(ValidClient {
            kind: input.kind,
            name,
            card_number,
            birth_date,
            status: input.status,
            reliability: input.reliability,
            category_id: input.category_id,
            manager_id: input.manager_id,
            tags,
            photo_id: input.photo_id,
            phones,
            emails,
            messengers,
            addresses,
            tax_id,
            preferences,
            documents,
            notes,
            physical_condition,
            medical_notes,
            guardians,
            contacts,
            custom: vec![],
        })
    }

    /// A strict `YYYY-MM-DD` that is a real, past date after 1900.
    pub fn birth_date(&self, p: &mut Problems, name: &str, raw: Option<&str>) -> Option<NaiveDate> {
        let s = raw.map(str::trim).filter(|s| !s.is_empty())?;
        let field = self.f(name);
        match parse_iso_date(s) {
            None => p.add(field, "invalid_date", "not a real date (YYYY-MM-DD)"),
            Some(d) if d > self.today => {
                p.add(field, "in_future", "a birth date cannot be in the future")
            }
            Some(d) if d < NaiveDate::from_ymd_opt(1900, 1, 1).unwrap_or(d) => {
                p.add(field, "too_old", "before 1900")
            }
            Some(d) => return Some(d),
        }
        None
    }

    fn phones(
        &self,
        p: &mut Problems,
        name: &str,
        input: &[PhoneInput],
    ) -> Vec<(PhoneKind, Phone)> {
        let mut phones: Vec<(PhoneKind, Phone)> = Vec::new();
        if !self.phones_allowed && !input.is_empty() {
            p.add(
                self.f(name),
                "not_permitted",
                "your role may not see or change phone numbers",
            );
            return phones;
        }
        if input.len() > MAX_PHONES {
            p.add(
                self.f(name),
                "too_many",
                format!("at most {MAX_PHONES} phones"),
            );
        }
        for (i, ph) in input.iter().enumerate().take(MAX_PHONES) {
            let field = self.f(&format!("{name}.{i}.number"));
            if let Some(phone) = p.take(Phone::parse(&field, &ph.number, self.phone_country)) {
                if phones.iter().any(|(_, q)| q == &phone) {
                    p.add(field, "duplicate", "this number is already on the card");
                } else {
                    phones.push((ph.kind, phone));
                }
            }
        }
        phones
    }

    fn emails(&self, p: &mut Problems, name: &str, input: &[LabelledValue]) -> Vec<LabelledValue> {
        let mut seen = Vec::new();
        list(p, &self.f(name), input, MAX_LIST, |p, field, e| {
            let value = e.value.trim();
            if !is_email(value) {
                p.add(
                    format!("{field}.value"),
                    "invalid_email",
                    "not an e-mail address",
                );
                return None;
            }
            if seen.contains(&value.to_lowercase()) {
                p.add(
                    format!("{field}.value"),
                    "duplicate",
                    "this e-mail is already on the card",
                );
                return None;
            }
            seen.push(value.to_lowercase());
            let label = short_label(p, &field, &e.label)?;
            Some(LabelledValue {
                label,
                value: value.to_string(),
            })
        })
    }

    fn tags(&self, p: &mut Problems, input: &[String]) -> Vec<String> {
        if input.len() > MAX_TAGS {
            p.add(
                self.f("tags"),
                "too_many",
                format!("at most {MAX_TAGS} tags"),
            );
        }
        let mut tags: Vec<String> = Vec::new();
        for (i, t) in input.iter().enumerate().take(MAX_TAGS) {
            if let Some(tag) = p.take(parse_name(&self.f(&format!("tags.{i}")), t, MAX_TAG)) {
                if !tags.iter().any(|x| fold(x) == fold(&tag)) {
                    tags.push(tag);
                }
            }
        }
        tags
    }

    fn medical(&self, p: &mut Problems, name: &str, input: &Option<String>) -> Option<String> {
        let text = input.as_deref()?;
        if !self.medical_allowed {
            p.add(
                self.f(name),
                "not_permitted",
                "your role may not change medical or physical notes",
            );
            return None;
        }
        p.take(parse_text(&self.f(name), text, MAX_NOTES))
    }

    fn target(
        &self,
        p: &mut Problems,
        field: &str,
        id: Option<Uuid>,
        new: Option<&NewPersonInput>,
    ) -> Option<LinkTarget> {
        match (id, new) {
            (Some(id), None) => Some(LinkTarget::Existing(id)),
            (None, Some(n)) => {
                let sub = Form {
                    prefix: "",
                    ..*self
                };
                let prefix = format!("{field}.new.");
                let name = p.take(parse_name(&format!("{prefix}name"), &n.name, MAX_NAME));
                let bd = sub.birth_date(p, &format!("{prefix}birth_date"), n.birth_date.as_deref());
                let phones = sub.phones(p, &format!("{prefix}phones"), &n.phones);
                let emails = sub.emails(p, &format!("{prefix}emails"), &n.emails);
                Some(LinkTarget::New(Box::new(ValidPerson {
                    name: name?,
                    birth_date: bd,
                    phones,
                    emails,
                })))
            }
            _ => {
                p.add(
                    field.to_string(),
                    "choose_one",
                    "pick an existing card or fill in a new person",
                );
                None
            }
        }
    }
}

#[cfg(test)]
#[path = "validate_tests.rs"]
mod tests;
