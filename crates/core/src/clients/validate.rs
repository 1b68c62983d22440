//! Reading a card form: every field parsed, every problem reported at its field at once.
//! What needs the database (does this category exist, is the guardian older) is checked in
//! the use case, inside the write transaction.

use chrono::NaiveDate;
use uuid::Uuid;

use super::model::*;
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

/// A validated card, ready to write.
#[derive(Debug, Clone)]
pub struct ValidClient {
    pub kind: ClientKind,
    pub name: String,
    pub card_number: Option<String>,
    pub birth_date: Option<NaiveDate>,
    pub status: ClientStatus,
    pub reliability: Reliability,
    pub category_id: Option<Uuid>,
    pub manager_id: Option<Uuid>,
    pub tags: Vec<String>,
    pub photo_id: Option<Uuid>,
    pub phones: Vec<(PhoneKind, Phone)>,
    pub emails: Vec<LabelledValue>,
    pub messengers: Vec<Messenger>,
    pub addresses: Vec<LabelledValue>,
    pub tax_id: Option<String>,
    pub preferences: String,
    pub documents: Vec<ClientDocument>,
    pub notes: String,
    /// None: keep what is stored (the caller may not see it, or did not send it).
    pub physical_condition: Option<String>,
    pub medical_notes: Option<String>,
    pub guardians: Vec<ValidLink<GuardianRelation>>,
    pub contacts: Vec<ValidLink<String>>,
}

/// A person created from another card's form.
#[derive(Debug, Clone)]
pub struct ValidPerson {
    pub name: String,
    pub birth_date: Option<NaiveDate>,
    pub phones: Vec<(PhoneKind, Phone)>,
    pub emails: Vec<LabelledValue>,
}

#[derive(Debug, Clone)]
pub enum LinkTarget {
    Existing(Uuid),
    New(Box<ValidPerson>),
}

#[derive(Debug, Clone)]
pub struct ValidLink<R> {
    pub target: LinkTarget,
    pub role: R,
    pub pays: bool,
    /// Where this link sits in the form (`guardians.0`), for errors found later.
    pub field: String,
}

/// Field names are `prefix` + name (`client.` inside `client_update`).
#[derive(Clone, Copy)]
pub struct Form<'a> {
    pub prefix: &'a str,
    pub phone_country: &'a str,
    pub today: NaiveDate,
    /// The caller may read and write medical and physical notes.
    pub medical_allowed: bool,
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

/// `YYYY-MM-DD` and nothing else; 2010-13-01 and 2010-02-31 are not dates.
pub fn parse_iso_date(s: &str) -> Option<NaiveDate> {
    let b = s.as_bytes();
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return None;
    }
    NaiveDate::parse_from_str(s, "%Y-%m-%d").ok()
}

pub fn is_email(s: &str) -> bool {
    s.len() <= 254
        && s.parse::<email_address::EmailAddress>().is_ok()
        && s.rsplit('@').next().is_some_and(|d| d.contains('.'))
}

fn optional_short(
    p: &mut Problems,
    field: &str,
    raw: &Option<String>,
    max: usize,
) -> Option<String> {
    let s = raw.as_deref().map(str::trim).filter(|s| !s.is_empty())?;
    p.take(parse_name(field, s, max))
}

fn short_label(p: &mut Problems, field: &str, label: &str) -> Option<String> {
    if label.trim().is_empty() {
        return Some(String::new());
    }
    p.take(parse_name(&format!("{field}.label"), label, 40))
}

fn labelled(
    p: &mut Problems,
    field: String,
    v: &LabelledValue,
    max: usize,
) -> Option<LabelledValue> {
    let value = p.take(parse_name(&format!("{field}.value"), &v.value, max));
    let label = short_label(p, &field, &v.label);
    Some(LabelledValue {
        label: label?,
        value: value?,
    })
}

/// Validates each item of a list (at most `max`), naming items `field.N`.
fn list<T, U>(
    p: &mut Problems,
    field: &str,
    items: &[T],
    max: usize,
    mut each: impl FnMut(&mut Problems, String, &T) -> Option<U>,
) -> Vec<U> {
    if items.len() > max {
        p.add(field.to_string(), "too_many", format!("at most {max}"));
    }
    items
        .iter()
        .enumerate()
        .take(max)
        .filter_map(|(i, item)| each(p, format!("{field}.{i}"), item))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form() -> Form<'static> {
        Form {
            prefix: "",
            phone_country: "LA",
            today: NaiveDate::from_ymd_opt(2026, 11, 23).unwrap(),
            medical_allowed: false,
        }
    }

    fn codes(e: ApiError) -> Vec<(String, String)> {
        let ApiError::Validation { errors } = e else {
            panic!("{e:?}")
        };
        errors.into_iter().map(|e| (e.field, e.code)).collect()
    }

    #[test]
    fn dates_are_strict() {
        for bad in [
            "2010-13-01",
            "2010-02-31",
            "31.02.2010",
            "2010-1-1",
            "20100101",
            "2010-01-01T00:00",
        ] {
            assert_eq!(parse_iso_date(bad), None, "{bad}");
        }
        assert_eq!(
            parse_iso_date("2012-02-29"),
            NaiveDate::from_ymd_opt(2012, 2, 29)
        );
    }

    #[test]
    fn every_problem_is_reported_at_its_field() {
        let input = ClientInput {
            name: "".into(),
            birth_date: Some("2023-02-30".into()),
            emails: vec![LabelledValue {
                label: "".into(),
                value: "anna@".into(),
            }],
            phones: vec![PhoneInput {
                kind: PhoneKind::Mobile,
                number: "five five five".into(),
            }],
            tags: vec!["   ".into()],
            medical_notes: Some("asthma".into()),
            guardians: vec![GuardianInput {
                client_id: None,
                new: None,
                relation: GuardianRelation::Mother,
                pays: true,
            }],
            documents: vec![ClientDocument {
                title: "Consent".into(),
                received_on: NaiveDate::from_ymd_opt(2026, 5, 1),
                valid_until: NaiveDate::from_ymd_opt(2026, 4, 1),
            }],
            ..Default::default()
        };
        let fields: Vec<_> = codes(form().validate(&input).unwrap_err())
            .into_iter()
            .map(|(f, _)| f)
            .collect();
        assert_eq!(
            fields,
            [
                "name",
                "birth_date",
                "phones.0.number",
                "emails.0.value",
                "tags.0",
                "documents.0.valid_until",
                "medical_notes",
                "guardians.0"
            ]
        );
    }

    #[test]
    fn a_new_guardian_is_read_with_its_own_field_names() {
        let input = ClientInput {
            name: "Kid".into(),
            guardians: vec![GuardianInput {
                client_id: None,
                new: Some(NewPersonInput {
                    name: "Mum".into(),
                    phones: vec![PhoneInput {
                        kind: PhoneKind::Mobile,
                        number: "x".into(),
                    }],
                    ..Default::default()
                }),
                relation: GuardianRelation::Mother,
                pays: true,
            }],
            ..Default::default()
        };
        assert_eq!(
            codes(form().validate(&input).unwrap_err()),
            [(
                "guardians.0.new.phones.0.number".to_string(),
                "invalid_phone".to_string()
            )]
        );
        let ok = Form {
            prefix: "client.",
            ..form()
        };
        let mut input = input;
        input.guardians[0].new.as_mut().unwrap().phones[0].number = "020 5551 2345".into();
        let v = ok.validate(&input).unwrap();
        let LinkTarget::New(person) = &v.guardians[0].target else {
            panic!()
        };
        assert_eq!(person.phones[0].1.e164(), "+8562055512345");
        assert_eq!(v.guardians[0].field, "client.guardians.0");
    }

    #[test]
    fn tags_are_trimmed_and_unique_ignoring_case() {
        let input = ClientInput {
            name: "A".into(),
            tags: vec![" VIP ".into(), "vip".into(), "Swim  team".into()],
            ..Default::default()
        };
        assert_eq!(form().validate(&input).unwrap().tags, ["VIP", "Swim team"]);
    }
}
