//! Plain-text fields: names, notes. Any script is welcome (Lao, Khmer, Arabic, emoji);
//! control characters and absurd lengths are not.

use unicode_normalization::UnicodeNormalization;

use crate::error::FieldError;

/// `YYYY-MM-DD` and nothing else; 2010-13-01 and 2010-02-31 are not dates.
pub fn parse_iso_date(s: &str) -> Option<chrono::NaiveDate> {
    let b = s.as_bytes();
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return None;
    }
    chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d").ok()
}

/// A required `YYYY-MM-DD` field; anything else (a blank, a half-typed date) is a problem
/// at `field`.
pub fn date_field(
    p: &mut crate::error::Problems,
    field: &str,
    raw: &str,
) -> Option<chrono::NaiveDate> {
    let d = parse_iso_date(raw.trim());
    if d.is_none() {
        p.add(field, "invalid_date", "not a real date (YYYY-MM-DD)");
    }
    d
}

/// An optional `YYYY-MM-DD` field: blank is none, a half-typed date a problem at `field`.
pub fn optional_date_field(
    p: &mut crate::error::Problems,
    field: &str,
    raw: &Option<String>,
) -> Option<chrono::NaiveDate> {
    let s = raw.as_deref().map(str::trim).filter(|s| !s.is_empty())?;
    date_field(p, field, s)
}

pub fn is_email(s: &str) -> bool {
    s.len() <= 254
        && s.parse::<email_address::EmailAddress>().is_ok()
        && s.rsplit('@').next().is_some_and(|d| d.contains('.'))
}

fn err(field: &str, code: &str, message: String) -> FieldError {
    FieldError {
        field: field.into(),
        code: code.into(),
        message,
    }
}

/// A required one-line name: trimmed, NFC-normalised, inner runs of spaces collapsed,
/// 1..=max characters, no control characters.
pub fn parse_name(field: &str, raw: &str, max: usize) -> Result<String, FieldError> {
    let normal: String = raw.nfc().collect();
    let name = normal.split_whitespace().collect::<Vec<_>>().join(" ");
    if name.is_empty() {
        return Err(err(field, "required", "required".into()));
    }
    if name.chars().count() > max {
        return Err(err(field, "too_long", format!("at most {max} characters")));
    }
    if name.chars().any(|c| c.is_control()) {
        return Err(err(
            field,
            "invalid_characters",
            "control characters are not allowed".into(),
        ));
    }
    Ok(name)
}

/// Optional multi-line text: NFC, trimmed, at most `max` characters, no control
/// characters but newlines and tabs.
pub fn parse_text(field: &str, raw: &str, max: usize) -> Result<String, FieldError> {
    let text: String = raw.trim().nfc().collect();
    if text.chars().count() > max {
        return Err(err(field, "too_long", format!("at most {max} characters")));
    }
    if text
        .chars()
        .any(|c| c.is_control() && c != '\n' && c != '\t' && c != '\r')
    {
        return Err(err(
            field,
            "invalid_characters",
            "control characters are not allowed".into(),
        ));
    }
    Ok(text)
}

/// The longest name key, in bytes: it sorts the list, and PostgreSQL's btree entries that
/// carry it (with the search document beside it) must stay under 2,704 bytes, whatever
/// compatibility forms a name unfolds into.
pub const MAX_KEY_BYTES: usize = 800;

/// The form of a name that search compares with and sorts by: [`fold`]ed, at most
/// [`MAX_KEY_BYTES`] long.
pub fn search_key(s: &str) -> String {
    let mut key = fold(s);
    cut_to(&mut key, MAX_KEY_BYTES);
    key
}

/// Shortens `s` to at most `max` bytes, at a character boundary.
pub fn cut_to(s: &mut String, max: usize) {
    if s.len() > max {
        let cut = (0..=max)
            .rev()
            .find(|&i| s.is_char_boundary(i))
            .unwrap_or(0);
        s.truncate(cut);
    }
}

/// Case- and accent-insensitive form for matching: lower case; accents dropped from Latin,
/// Greek and Cyrillic letters (é = e, ё = е, й = и); compatibility forms unified (Lao ຳ and
/// ໍາ, full-width digits); zero-width joiners and spaces (common in Lao and Khmer) removed.
/// Lao and Khmer vowel signs and tone marks are letters of their words and are kept.
pub fn fold(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut base_is_european = false;
    for c in s.nfkd() {
        if matches!(
            c,
            '\u{200B}'..='\u{200D}' | '\u{2060}' | '\u{FEFF}' | '\u{00AD}'
        ) {
            continue;
        }
        if unicode_normalization::char::is_combining_mark(c) {
            if !base_is_european {
                out.push(c);
            }
            continue;
        }
        base_is_european = (c as u32) < 0x0530;
        match c {
            'ß' => out.push_str("ss"),
            'ı' => out.push('i'),
            'ł' | 'Ł' => out.push('l'),
            'đ' | 'Đ' => out.push('d'),
            'ø' | 'Ø' => out.push('o'),
            'æ' | 'Æ' => out.push_str("ae"),
            'œ' | 'Œ' => out.push_str("oe"),
            _ => out.extend(c.to_lowercase()),
        }
    }
    out.nfc().collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn name_keys_are_bounded_whatever_a_name_unfolds_into() {
        // U+FDFA unfolds into 18 characters: 200 of them would be a 6 kB key.
        let key = search_key(&"\u{FDFA}".repeat(200));
        assert!(key.len() <= MAX_KEY_BYTES && key.len() > MAX_KEY_BYTES - 4);
        assert_eq!(search_key("Анна Ёлкина"), "анна елкина");
    }

    #[test]
    fn names_accept_every_script_and_reject_junk() {
        assert_eq!(
            parse_name("name", "  Anna   Petrova ", 200).unwrap(),
            "Anna Petrova"
        );
        assert_eq!(parse_name("name", "ສົມພອນ ວົງສາ", 200).unwrap(), "ສົມພອນ ວົງສາ");
        assert_eq!(parse_name("name", "សុខ ចាន់", 200).unwrap(), "សុខ ចាន់");
        assert_eq!(parse_name("name", "محمد علي", 200).unwrap(), "محمد علي");
        assert_eq!(parse_name("name", "Kid 🦖", 200).unwrap(), "Kid 🦖");
        assert_eq!(
            parse_name("name", "Robert'); DROP TABLE clients;--", 200).unwrap(),
            "Robert'); DROP TABLE clients;--"
        );
        assert_eq!(parse_name("name", "   ", 200).unwrap_err().code, "required");
        assert_eq!(
            parse_name("name", &"a".repeat(10_000), 200)
                .unwrap_err()
                .code,
            "too_long"
        );
        assert_eq!(
            parse_name("name", "a\u{0}b", 200).unwrap_err().code,
            "invalid_characters"
        );
    }

    #[test]
    fn text_keeps_newlines() {
        assert_eq!(parse_text("notes", " a\nb ", 100).unwrap(), "a\nb");
        assert!(parse_text("notes", &"x".repeat(101), 100).is_err());
    }

    #[test]
    fn search_key_folds_case() {
        assert_eq!(search_key("АННА Anna"), "анна anna");
    }

    #[test]
    fn fold_ignores_case_and_accents_in_every_script() {
        assert_eq!(fold("Пётр Семёнович"), fold("петр семенович"));
        assert_eq!(fold("ЁЖИК"), "ежик");
        assert_eq!(fold("Zoë Müller-Łukasz"), "zoe muller-lukasz");
        assert_eq!(fold("Straße"), "strasse");
        // Kazakh letters have no decomposition: they stay themselves, case folded.
        assert_eq!(fold("ҚАЗАҚ Әлем"), "қазақ әлем");
        // Lao: vowel signs and tone marks stay; ຳ and ໍ + າ are one; zero-width spaces go.
        assert_eq!(fold("ສົມພອນ"), "ສົມພອນ");
        assert_eq!(fold("ຄຳ"), fold("ຄໍາ"));
        assert_eq!(fold("ສົມ\u{200B}ພອນ"), fold("ສົມພອນ"));
        // Khmer keeps its signs.
        assert_eq!(fold("សុខ"), "សុខ");
        assert_eq!(fold("ＡＢＣ１２"), "abc12");
    }
}
