//! A staff record from a form: every field checked, every problem named at its field.

use chrono::NaiveDate;

use super::{StaffInput, StaffPhone, MAX_PHONES, MAX_SERVICES};
use crate::error::{ApiError, Problems};
use crate::phone::{Phone, PhoneKind};
use crate::text::{is_email, optional_date_field, parse_name};

pub(super) struct Valid {
    pub name: String,
    pub position: String,
    pub phones: Vec<StaffPhone>,
    pub email: Option<String>,
    pub hire_date: Option<NaiveDate>,
    pub leave_date: Option<NaiveDate>,
    pub services: Vec<String>,
    pub notes: String,
}

pub(super) fn validate(input: &StaffInput, country: &str) -> Result<Valid, ApiError> {
    let mut p = Problems::default();
    let name = p.take(parse_name("staff.name", &input.name, 200));
    let position = input
        .position
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    if position.chars().count() > 100 {
        p.add("staff.position", "too_long", "at most 100 characters");
    }
    let mut phones: Vec<StaffPhone> = Vec::new();
    if input.phones.len() > MAX_PHONES {
        p.add(
            "staff.phones",
            "too_many",
            format!("at most {MAX_PHONES} phones"),
        );
    }
    for (i, ph) in input.phones.iter().enumerate().take(MAX_PHONES) {
        let field = format!("staff.phones.{i}.number");
        if let Some(phone) = p.take(Phone::parse(&field, &ph.number, country)) {
            if phones.iter().any(|q| q.e164 == phone.e164()) {
                p.add(field, "duplicate", "this number is already here");
            } else {
                phones.push(StaffPhone {
                    kind: ph.kind.unwrap_or(PhoneKind::Mobile),
                    number: phone.raw().to_string(),
                    e164: phone.e164().to_string(),
                });
            }
        }
    }
    let email = input
        .email
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty());
    if let Some(e) = email {
        if !is_email(e) {
            p.add("staff.email", "invalid_email", "not an e-mail address");
        }
    }
    let hire_date = optional_date_field(&mut p, "staff.hire_date", &input.hire_date);
    let leave_date = optional_date_field(&mut p, "staff.leave_date", &input.leave_date);
    if let (Some(h), Some(l)) = (hire_date, leave_date) {
        if l < h {
            p.add(
                "staff.leave_date",
                "before_hire",
                "the leave date is before the hire date",
            );
        }
    }
    let mut services: Vec<String> = Vec::new();
    if input.services.len() > MAX_SERVICES {
        p.add(
            "staff.services",
            "too_many",
            format!("at most {MAX_SERVICES} services"),
        );
    }
    for (i, s) in input.services.iter().enumerate().take(MAX_SERVICES) {
        if let Some(s) = p.take(parse_name(&format!("staff.services.{i}"), s, 100)) {
            if !services
                .iter()
                .any(|x| x.to_lowercase() == s.to_lowercase())
            {
                services.push(s);
            }
        }
    }
    let notes = input.notes.trim().to_string();
    if notes.chars().count() > 5000 {
        p.add("staff.notes", "too_long", "at most 5,000 characters");
    }
    p.finish()?;
    Ok(Valid {
        name: name.unwrap_or_default(),
        position,
        phones,
        email: email.map(str::to_string),
        hire_date,
        leave_date,
        services,
        notes,
    })
}
