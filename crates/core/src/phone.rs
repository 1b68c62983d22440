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

/// A phone number in E.164 (`+8562055512345`), with the input it was read from. Two phones
/// are the same number when their E.164 forms are equal, however they were written.
#[derive(Debug, Clone)]
pub struct Phone {
    e164: String,
    raw: String,
}

impl PartialEq for Phone {
    fn eq(&self, other: &Phone) -> bool {
        self.e164 == other.e164
    }
}
impl Eq for Phone {}

/// The shortest national number we take (Lao and Khmer landlines have 6–8 digits).
const MIN_NATIONAL_DIGITS: usize = 5;
/// E.164 allows at most 15 digits with the country code.
const MAX_E164_DIGITS: usize = 15;

impl Phone {
    /// Reads a number as people write it ("8 (701) 123-45-67", "+7 701 1234567",
    /// "020 5551 2345"), numbers without a country code in `default_country`'s plan.
    ///
    /// libphonenumber's metadata lags behind real numbering plans (new Lao mobile ranges), so
    /// a number it merely calls invalid is kept when its length is sane; words, letters and
    /// numbers too short or too long for E.164 are refused.
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
        if raw.chars().count() > 32
            || raw
                .chars()
                .any(|c| !(c.is_ascii_digit() || " +-()./".contains(c)))
        {
            return Err(err(
                "invalid_phone",
                "not a phone number (digits, spaces, + - ( ) only)",
            ));
        }
        let region = parse_country(default_country);
        let mut number = phonenumber::parse(region, raw)
            .map_err(|_| err("invalid_phone", "not a phone number"))?;
        if !phonenumber::is_valid(&number) && !raw.starts_with('+') {
            // The parser takes leading digits equal to the country code for the code itself
            // ("7011234567" in Kazakhstan as +7 011…); read it as a national number instead.
            if let Some(national) = national_reading(raw, default_country) {
                number = national;
            }
        }
        let e164 = number.format().mode(Mode::E164).to_string();
        let national = number.national().value().to_string();
        let digits = digits_of(&e164);
        if national.len() < MIN_NATIONAL_DIGITS || digits.len() > MAX_E164_DIGITS {
            return Err(err(
                "invalid_phone",
                "too short or too long for a phone number",
            ));
        }
        Ok(Phone {
            e164,
            raw: raw.to_string(),
        })
    }

    pub fn e164(&self) -> &str {
        &self.e164
    }

    pub fn raw(&self) -> &str {
        &self.raw
    }

    /// The digits alone, which fragment search matches against.
    /// A number as it was stored (kept unchanged when a reader who may not see it saves the
    /// card).
    pub(crate) fn stored(e164: &str, raw: &str) -> Phone {
        Phone {
            e164: e164.into(),
            raw: raw.into(),
        }
    }

    pub fn digits(&self) -> String {
        digits_of(&self.e164)
    }

    /// The country the number belongs to (ISO 3166 code), when its plan tells.
    pub fn country(&self) -> Option<String> {
        let n = phonenumber::parse(None, &self.e164).ok()?;
        n.country().id().map(|id| id.as_ref().to_string())
    }

    /// The digits as dialled inside its own country (`+77011234567` → `87011234567`).
    pub fn national_digits(&self) -> String {
        phonenumber::parse(None, &self.e164)
            .map(|n| digits_of(&n.format().mode(Mode::National).to_string()))
            .unwrap_or_else(|_| self.digits())
    }

    /// The digits reversed: the suffix key (`rdigits`) an incoming number is looked up by.
    pub fn rdigits(&self) -> String {
        self.digits().chars().rev().collect()
    }
}

/// The reversed-digits prefix that finds every stored number ending like `raw`: the national
/// significant number when `raw` parses, else its digits without trunk zeros. None when too
/// short to mean one number.
pub fn suffix_key(raw: &str, default_country: &str) -> Option<String> {
    let national = phonenumber::parse(parse_country(default_country), raw.trim())
        .ok()
        .map(|n| n.national().value().to_string())
        .unwrap_or_else(|| digits_of(raw).trim_start_matches('0').to_string());
    (national.len() >= MIN_NATIONAL_DIGITS).then(|| national.chars().rev().collect())
}

/// `raw` as a national number of `country`, when that reading is a valid number.
fn national_reading(raw: &str, country: &str) -> Option<phonenumber::PhoneNumber> {
    let code = phonenumber::metadata::DATABASE
        .by_id(country.trim().to_uppercase().as_str())?
        .country_code();
    let n = phonenumber::parse(None, format!("+{code}{}", digits_of(raw))).ok()?;
    phonenumber::is_valid(&n).then_some(n)
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
        // One number, three spellings.
        for s in ["8 (701) 123-45-67", "+7 701 1234567", "7011234567"] {
            assert_eq!(
                Phone::parse("p", s, "KZ").unwrap().e164(),
                "+77011234567",
                "{s}"
            );
        }
        // A Lao mobile range newer than the metadata is kept; over-long numbers are not.
        assert_eq!(
            Phone::parse("p", "020 4812 3456", "LA").unwrap().e164(),
            "+8562048123456"
        );
        assert_eq!(
            Phone::parse("p", "+856 20 5551 2345 6789 12", "LA")
                .unwrap_err()
                .code,
            "invalid_phone"
        );
        assert_eq!(
            Phone::parse("p", "five five five", "LA").unwrap_err().code,
            "invalid_phone"
        );
        let p = Phone::parse("p", " 020 5551 2345", "LA").unwrap();
        assert_eq!(
            (p.raw(), p.rdigits().as_str()),
            ("020 5551 2345", "5432155502658")
        );
        assert_eq!(
            suffix_key("+856 20 5551 2345", "LA").as_deref(),
            Some("5432155502")
        );
        assert_eq!(
            suffix_key("02055512345", "LA").as_deref(),
            Some("5432155502")
        );
        assert_eq!(suffix_key("123", "LA"), None);
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
