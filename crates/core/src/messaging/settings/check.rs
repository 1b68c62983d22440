//! The message settings' checks: every mistake at its field.

use super::{MessageSettingsInput, SmsKind, GATEWAY_FIELDS};
use crate::error::Problems;
use crate::messaging::template::Template;
use crate::text::is_email;

fn host_port(s: &str) -> bool {
    s.rsplit_once(':').is_some_and(|(h, p)| {
        !h.is_empty() && !h.contains(char::is_whitespace) && matches!(p.parse::<u16>(), Ok(1..))
    })
}

/// Every mistake of `i`, each at its field.
pub(super) fn check(i: &MessageSettingsInput, p: &mut Problems) {
    let f = |k: &str| format!("settings.{k}");
    let email = !i.smtp_host.trim().is_empty();
    if email {
        if !is_email(i.email_from.trim()) {
            p.add(
                f("email_from"),
                "invalid_email",
                "the address messages come from",
            );
        }
        if i.smtp_host.contains(char::is_whitespace) || i.smtp_host.len() > 253 {
            p.add(f("smtp_host"), "invalid", "a host name or address");
        }
        if i.smtp_port == 0 {
            p.add(f("smtp_port"), "invalid", "a port, e.g. 587");
        }
    }
    for (k, v) in [
        ("smtp_password", &i.smtp_password),
        ("smpp_password", &i.smpp_password),
    ] {
        if v.as_deref()
            .is_some_and(|s| s.contains(['\r', '\n']) || s.chars().count() > 200)
        {
            p.add(f(k), "invalid", "one line of at most 200 characters");
        }
    }
    let sender = i.sms_sender.trim();
    if sender.chars().count() > 16
        || !sender
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '+' || c == ' ')
    {
        p.add(
            f("sms_sender"),
            "invalid",
            "letters and digits (11 letters or a number)",
        );
    }
    match i.sms_kind {
        SmsKind::Http => {
            let url = i.http_url.trim();
            if !(url.starts_with("http://") || url.starts_with("https://"))
                || url.contains(char::is_whitespace)
            {
                p.add(f("http_url"), "invalid", "an http:// or https:// address");
            } else if let Err(e) = Template::parse_request(&f("http_url"), url, GATEWAY_FIELDS) {
                p.add(e.field, &e.code, e.message);
            }
            if !matches!(i.http_method.as_str(), "GET" | "POST") {
                p.add(f("http_method"), "invalid", "GET or POST");
            }
            if let Err(e) = Template::parse_request(&f("http_body"), &i.http_body, GATEWAY_FIELDS) {
                p.add(e.field, &e.code, e.message);
            }
            for (n, h) in i.http_headers.iter().enumerate() {
                let name_ok = !h.name.is_empty()
                    && h.name
                        .chars()
                        .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
                if !name_ok {
                    p.add(
                        f(&format!("http_headers.{n}.name")),
                        "invalid",
                        "letters, digits and -",
                    );
                }
                if h.value.contains(['\r', '\n']) || h.value.contains("{text}") {
                    p.add(
                        f(&format!("http_headers.{n}.value")),
                        "invalid",
                        "one line, without {text}",
                    );
                } else if let Err(e) = Template::parse_request(
                    &f(&format!("http_headers.{n}.value")),
                    &h.value,
                    GATEWAY_FIELDS,
                ) {
                    p.add(e.field, &e.code, e.message);
                }
            }
        }
        SmsKind::Smpp => {
            if !host_port(i.smpp_address.trim()) {
                p.add(
                    f("smpp_address"),
                    "invalid",
                    "host and port, e.g. smpp.example.com:2775",
                );
            }
            if i.smpp_password
                .as_deref()
                .is_some_and(|p| p.chars().count() > 8 || !p.is_ascii())
            {
                p.add(
                    f("smpp_password"),
                    "invalid",
                    "SMPP passwords are 8 letters or digits at most",
                );
            }
            let id = i.smpp_system_id.trim();
            if id.is_empty() || id.len() > 15 {
                p.add(
                    f("smpp_system_id"),
                    "invalid",
                    "the system id the provider gave (15 at most)",
                );
            }
        }
        SmsKind::None => {}
    }
    if i.rating_min_talk > 3600 {
        p.add(
            f("rating_min_talk"),
            "out_of_range",
            "seconds, an hour at most",
        );
    }
}
