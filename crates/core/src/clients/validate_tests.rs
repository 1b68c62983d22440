//! Tests of form reading (`validate.rs`).

use super::*;

fn form() -> Form<'static> {
    Form {
        prefix: "",
        phone_country: "LA",
        today: NaiveDate::from_ymd_opt(2026, 11, 23).unwrap(),
        medical_allowed: false,
        phones_allowed: true,
    }
}

fn codes(e: ApiError) -> Vec<(String, String)> {
    let ApiError::Validation { errors } = e else {
        panic!("{e:?}")
    };
    errors.into_iter().map(|e| (e.field, e.code)).collect()
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
