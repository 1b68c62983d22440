//! A card as validated, ready to write: what `validate` produces and `store`, `links`,
//! `bulk` and `index` consume.

use chrono::NaiveDate;
use uuid::Uuid;

use super::custom_values::FieldValue;
use super::model::*;
use crate::phone::{Phone, PhoneKind};

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
    /// Custom field values, checked against the fields by `custom_values::read` (the form
    /// alone cannot: fields live in the database).
    pub custom: Vec<FieldValue>,
}

impl ValidClient {
    /// A bare person card (a guardian or contact person created from another card's form).
    pub fn person(p: &ValidPerson) -> ValidClient {
        ValidClient {
            kind: ClientKind::Person,
            name: p.name.clone(),
            card_number: None,
            birth_date: p.birth_date,
            status: ClientStatus::Lead,
            reliability: Reliability::Normal,
            category_id: None,
            manager_id: None,
            tags: vec![],
            photo_id: None,
            phones: p.phones.clone(),
            emails: p.emails.clone(),
            messengers: vec![],
            addresses: vec![],
            tax_id: None,
            preferences: String::new(),
            documents: vec![],
            notes: String::new(),
            physical_condition: None,
            medical_notes: None,
            guardians: vec![],
            contacts: vec![],
            custom: vec![],
        }
    }
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
