//! The registry's own checks.

use super::*;

#[test]
fn bad_arguments_name_their_field() {
    let e = parse_args::<ClientGetArgs>(br#"{"id": "nope"}"#).unwrap_err();
    let ApiError::Validation { errors } = e else {
        panic!("{e:?}")
    };
    assert_eq!(errors[0].field, "id");
    let e = parse_args::<ClientGetArgs>(b"{}").unwrap_err();
    let ApiError::Validation { errors } = e else {
        panic!("{e:?}")
    };
    assert_eq!(
        (errors[0].field.as_str(), errors[0].code.as_str()),
        ("id", "required")
    );
    let e = parse_args::<ClientUpdateArgs>(br#"{"id":"018f0000-0000-7000-8000-000000000000","version":1,"client":{"name":"A","phones":[{"number":5}]}}"#).unwrap_err();
    let ApiError::Validation { errors } = e else {
        panic!("{e:?}")
    };
    assert_eq!(errors[0].field, "client.phones.0.number");
    assert!(matches!(
        parse_args::<ClientGetArgs>(b"{\"id\": "),
        Err(ApiError::BadRequest { .. })
    ));
    assert!(parse_args::<NoArgs>(b"").is_ok());
}

#[test]
fn names_are_noun_verb_snake_case_and_unique() {
    let mut seen = std::collections::HashSet::new();
    for op in OPERATIONS {
        assert!(seen.insert(op.name), "{} twice", op.name);
        assert!(
            op.name.chars().all(|c| c.is_ascii_lowercase() || c == '_'),
            "{}",
            op.name
        );
    }
}

#[test]
fn openapi_lists_every_operation() {
    let doc = openapi("test");
    assert_eq!(doc["openapi"], "3.1.0");
    for op in OPERATIONS {
        let path = &doc["paths"][format!("/api/{}", op.name)]["post"];
        assert_eq!(path["operationId"], op.name);
    }
    assert!(doc["components"]["schemas"]["ApiError"].is_object());
    assert!(doc["components"]["schemas"]["Client"].is_object());
    assert_eq!(doc["paths"]["/api/events"]["get"]["operationId"], "events");
    assert!(doc["components"]["schemas"]["ChangeEvent"].is_object());
}
