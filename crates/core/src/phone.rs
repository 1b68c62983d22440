//! Phone numbers, parsed with libphonenumber's metadata (the `phonenumber` crate) against
//! the centre's default country and stored in E.164.

use phonenumber::{country, Mode};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use specta::Type;

use crate::error::FieldError;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Type, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum PhoneKind {
    Mobile,
    Home,
    Work,
    Other,
}

impl PhoneKind {
    pub fn as_str(self) -> &'static str {
        match self {
            PhoneKind::Mobile => "mobile",
            PhoneKind::Home => "home",
            PhoneKind::Work => "work",
            PhoneKind::Other => "other",
        }
    }

    pub fn parse(s: &str) -> PhoneKind {
        match s {
            "mobile" => PhoneKind::Mobile,
            "home" => PhoneKind::Home,
            "work" => PhoneKind::Work,
            _ => PhoneKind::Other,
        }
    }
}

/// A valid phone number in E.164 (`+8562055512345`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Phone(String);

impl Phone {
    pub fn parse(field: &str, raw: &str, default_country: &str) -> Result<Phone, FieldError> {
        let err = |code: &str, message: &str| FieldError {
            field: field.into(),
            code: code.into(),
            message: message.into(),
        };
        let raw = raw.trim();
        if raw.is_empty() {
            return Err(err("required", "required"));
        }
        if raw.chars().count() > 32 {
            return Err(err("invalid_phone", "not a phone number"));
        }
        let region = parse_country(default_country);
        let number = phonenumber::parse(region, raw)
            .map_err(|_| err("invalid_phone", "not a phone number"))?;
        if !phonenumber::is_valid(&number) {
            return Err(err("invalid_phone", "not a valid number for its country"));
        }
        Ok(Phone(number.format().mode(Mode::E164).to_string()))
    }

    pub fn e164(&self) -> &str {
        &self.0
    }

    /// The digits alone, which fragment search matches against.
    pub fn digits(&self) -> String {
        digits_of(&self.0)
    }
}

pub fn parse_country(code: &str) -> Option<country::Id> {
    code.trim().to_uppercase().parse::<country::Id>().ok()
}

pub fn digits_of(s: &str) -> String {
    s.chars().filter(char::is_ascii_digit).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn phones_parse_against_the_default_country() {
        assert_eq!(
            Phone::parse("p", "020 5551 2345", "LA").unwrap().e164(),
            "+8562055512345"
        );
        assert_eq!(
            Phone::parse("p", "+7 912 345-67-89", "LA").unwrap().e164(),
            "+79123456789"
        );
        assert_eq!(
            Phone::parse("p", "8 (912) 345-67-89", "RU").unwrap().e164(),
            "+79123456789"
        );
        assert_eq!(
            Phone::parse("p", "012 345 678", "KH").unwrap().e164(),
            "+85512345678"
        );
        assert_eq!(
            Phone::parse("p", "12", "LA").unwrap_err().code,
            "invalid_phone"
        );
        assert_eq!(
            Phone::parse("p", "call me", "LA").unwrap_err().code,
            "invalid_phone"
        );
        assert_eq!(Phone::parse("p", "", "LA").unwrap_err().code, "required");
        assert_eq!(
            Phone::parse("p", "+79123456789", "LA").unwrap().digits(),
            "79123456789"
        );
    }
}
