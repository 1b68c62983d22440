//! Message templates: text with fields in braces — `Hello {client.first_name}, your pass
//! {membership.name} has {membership.visits_left} visits left` — filled from the database for
//! each client. A template is checked when it is saved: an unknown field, an unclosed brace or
//! an empty one is an error naming the field and where it is, so a campaign never goes out
//! with a hole in it. `{{` and `}}` write a brace.

use std::collections::BTreeMap;

use crate::error::FieldError;

/// Every field a template may use, and what it holds.
pub const FIELDS: &[(&str, &str)] = &[
    ("client.name", "the client's full name"),
    ("client.first_name", "the first word of the client's name"),
    ("client.card_number", "the client's card number"),
    ("client.birth_date", "the client's birthday"),
    ("membership.name", "the client's pass ending first"),
    ("membership.visits_left", "visits left on that pass"),
    ("membership.ends_on", "the day that pass ends"),
    ("class.name", "the group of the client's next class"),
    ("class.starts_at", "when the client's next class starts"),
    ("debt", "what the client owes, with the currency"),
    ("centre.name", "the centre's name"),
    (
        "employee.name",
        "who answered the call (in the SMS asking for a rating)",
    ),
];

#[derive(Debug, Clone, PartialEq, Eq)]
enum Part {
    Text(String),
    Field(String),
}

/// A template read and checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Template {
    parts: Vec<Part>,
}

impl Template {
    /// Reads `text` with the fields of [`FIELDS`]; `field` names the form field errors are
    /// reported at.
    pub fn parse(field: &str, text: &str) -> Result<Template, FieldError> {
        let known: Vec<&str> = FIELDS.iter().map(|(f, _)| *f).collect();
        Template::parse_in(field, text, &known)
    }

    /// Reads `text`, whose fields must be among `known`.
    pub fn parse_in(field: &str, text: &str, known: &[&str]) -> Result<Template, FieldError> {
        let err = |code: &str, message: String| FieldError {
            field: field.into(),
            code: code.into(),
            message,
        };
        let mut parts = Vec::new();
        let mut text_buf = String::new();
        let mut chars = text.char_indices().peekable();
        while let Some((at, c)) = chars.next() {
            match c {
                '{' if chars.peek().map(|p| p.1) == Some('{') => {
                    chars.next();
                    text_buf.push('{');
                }
                '}' if chars.peek().map(|p| p.1) == Some('}') => {
                    chars.next();
                    text_buf.push('}');
                }
                '}' => {
                    return Err(err(
                        "unopened_brace",
                        format!(
                            "a closing brace with no field before it (character {})",
                            at + 1
                        ),
                    ))
                }
                '{' => {
                    let mut name = String::new();
                    let mut closed = false;
                    for (_, n) in chars.by_ref() {
                        if n == '}' {
                            closed = true;
                            break;
                        }
                        name.push(n);
                    }
                    let name = name.trim().to_string();
                    if !closed {
                        return Err(err(
                            "unclosed_brace",
                            format!("the field opened at character {} is not closed", at + 1),
                        ));
                    }
                    if name.is_empty() {
                        return Err(err(
                            "empty_field",
                            format!("an empty field at character {}", at + 1),
                        ));
                    }
                    if !known.contains(&name.as_str()) {
                        return Err(err("unknown_field", format!("unknown field {{{name}}}")));
                    }
                    if !text_buf.is_empty() {
                        parts.push(Part::Text(std::mem::take(&mut text_buf)));
                    }
                    parts.push(Part::Field(name));
                }
                c => text_buf.push(c),
            }
        }
        if !text_buf.is_empty() {
            parts.push(Part::Text(text_buf));
        }
        Ok(Template { parts })
    }

    /// Reads a gateway's request (a URL, a JSON or form body): `{name}` of letters, digits,
    /// `.` and `_` is a field of `known` (another name is an error); every other brace is
    /// text, so a JSON body needs no escaping.
    pub fn parse_request(field: &str, text: &str, known: &[&str]) -> Result<Template, FieldError> {
        let mut parts = Vec::new();
        let mut buf = String::new();
        let mut rest = text;
        while let Some(open) = rest.find('{') {
            buf.push_str(&rest[..open]);
            let after = &rest[open + 1..];
            let name_len = after
                .find(|c: char| !(c.is_ascii_alphanumeric() || c == '.' || c == '_'))
                .unwrap_or(after.len());
            if name_len > 0 && after[name_len..].starts_with('}') {
                let name = &after[..name_len];
                if !known.contains(&name) {
                    return Err(FieldError {
                        field: field.into(),
                        code: "unknown_field".into(),
                        message: format!("unknown field {{{name}}}"),
                    });
                }
                if !buf.is_empty() {
                    parts.push(Part::Text(std::mem::take(&mut buf)));
                }
                parts.push(Part::Field(name.to_string()));
                rest = &after[name_len + 1..];
            } else {
                buf.push('{');
                rest = after;
            }
        }
        buf.push_str(rest);
        if !buf.is_empty() {
            parts.push(Part::Text(buf));
        }
        Ok(Template { parts })
    }

    /// The fields it uses, each once, in order.
    pub fn fields(&self) -> Vec<&str> {
        let mut out: Vec<&str> = Vec::new();
        for p in &self.parts {
            if let Part::Field(f) = p {
                if !out.contains(&f.as_str()) {
                    out.push(f);
                }
            }
        }
        out
    }

    /// The text with every field filled from `values`; a field with no value (a client with
    /// no pass) is reported, not left blank.
    pub fn render(&self, values: &BTreeMap<String, String>) -> Result<String, String> {
        let mut out = String::new();
        for p in &self.parts {
            match p {
                Part::Text(t) => out.push_str(t),
                Part::Field(f) => match values.get(f) {
                    Some(v) => out.push_str(v),
                    None => return Err(f.clone()),
                },
            }
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_are_filled_and_braces_escaped() {
        let t = Template::parse(
            "body",
            "Hi {client.first_name}! {{not a field}} {membership.visits_left} left.",
        )
        .unwrap();
        assert_eq!(t.fields(), ["client.first_name", "membership.visits_left"]);
        let values = BTreeMap::from([
            ("client.first_name".to_string(), "Noy".to_string()),
            ("membership.visits_left".to_string(), "3".to_string()),
        ]);
        assert_eq!(t.render(&values).unwrap(), "Hi Noy! {not a field} 3 left.");
        let missing = BTreeMap::from([("client.first_name".to_string(), "Noy".to_string())]);
        assert_eq!(t.render(&missing).unwrap_err(), "membership.visits_left");
    }

    #[test]
    fn mistakes_name_the_field_and_place() {
        let e = |s: &str| Template::parse("body", s).unwrap_err();
        let unknown = e("Dear {client.nickname}");
        assert_eq!(
            (unknown.field.as_str(), unknown.code.as_str()),
            ("body", "unknown_field")
        );
        assert!(unknown.message.contains("client.nickname"));
        assert_eq!(e("Dear {client.name").code, "unclosed_brace");
        assert_eq!(e("Dear {}").code, "empty_field");
        assert_eq!(e("Dear client}").code, "unopened_brace");
        assert!(Template::parse("body", "ສະບາຍດີ {client.name} ✓").is_ok());
    }

    #[test]
    fn the_ui_offers_exactly_these_fields() {
        let ui = std::fs::read_to_string(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../ui/src/messaging/fields.ts"
        ))
        .unwrap();
        for (f, _) in FIELDS {
            assert!(ui.contains(&format!("'{f}'")), "{f} is offered in the UI");
        }
        let listed = ui
            .split("export const FIELDS")
            .nth(1)
            .and_then(|s| s.split("] as const").next())
            .unwrap_or_default()
            .matches('\'')
            .count()
            / 2;
        assert_eq!(
            listed,
            FIELDS.len(),
            "the UI offers no field the core does not know"
        );
    }

    #[test]
    fn a_gateway_request_keeps_its_own_braces() {
        let known = ["to", "text"];
        let t = Template::parse_request("body", r#"{"to":"{to}","msg":{"text":"{text}"}}"#, &known)
            .unwrap();
        let values = BTreeMap::from([
            ("to".to_string(), "+856".to_string()),
            ("text".to_string(), "hi".to_string()),
        ]);
        assert_eq!(
            t.render(&values).unwrap(),
            r#"{"to":"+856","msg":{"text":"hi"}}"#
        );
        let e = Template::parse_request("body", "{phone}", &known).unwrap_err();
        assert_eq!(e.code, "unknown_field");
    }
}
