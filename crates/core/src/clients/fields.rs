//! Field readers shared by card forms: strict dates, e-mails, labelled values, lists.

use super::model::LabelledValue;
use crate::error::Problems;
use crate::text::parse_name;

pub use crate::text::{is_email, parse_iso_date};

pub(crate) fn optional_short(
    p: &mut Problems,
    field: &str,
    raw: &Option<String>,
    max: usize,
) -> Option<String> {
    let s = raw.as_deref().map(str::trim).filter(|s| !s.is_empty())?;
    p.take(parse_name(field, s, max))
}

pub(crate) fn short_label(p: &mut Problems, field: &str, label: &str) -> Option<String> {
    if label.trim().is_empty() {
        return Some(String::new());
    }
    p.take(parse_name(&format!("{field}.label"), label, 40))
}

pub(crate) fn labelled(
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
pub(crate) fn list<T, U>(
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
    use chrono::NaiveDate;

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
}
