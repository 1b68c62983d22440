//! The demo centre's staff: everyone with a login has a staff record, and two instructors
//! have none (one of them left in the summer).

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use uuid::Uuid;

use crate::db::Tx;
use crate::error::ApiError;
use crate::staff::{insert_input, StaffInput, StaffPhoneInput};

/// (login or none, name, position, phone, hired, left, services)
type Member = (
    Option<&'static str>,
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    Option<&'static str>,
    &'static [&'static str],
);

const STAFF: &[Member] = &[
    (
        Some("owner"),
        "Vilayvanh Sisouk",
        "Director",
        "020 5551 0001",
        "2019-03-01",
        None,
        &[],
    ),
    (
        Some("admin"),
        "Bounmy Inthavong",
        "Administrator",
        "020 5551 0002",
        "2020-01-15",
        None,
        &[],
    ),
    (
        Some("manager"),
        "Anna Volkova",
        "Client manager",
        "020 5551 0003",
        "2021-06-01",
        None,
        &[],
    ),
    (
        Some("reception"),
        "Noy Phommachanh",
        "Receptionist",
        "020 5551 0004",
        "2022-08-20",
        None,
        &[],
    ),
    (
        Some("instructor"),
        "Somsack Keola",
        "Instructor",
        "020 5551 0005",
        "2021-09-01",
        None,
        &["Football", "Gymnastics"],
    ),
    (
        Some("accountant"),
        "Chanthy Sok",
        "Accountant",
        "020 5551 0006",
        "2023-02-01",
        None,
        &[],
    ),
    (
        None,
        "Khamphet Vongsa",
        "Swimming coach",
        "020 5551 0007",
        "2024-05-10",
        None,
        &["Swimming"],
    ),
    (
        None,
        "Sreyleak Chan",
        "Art teacher",
        "020 5551 0008",
        "2022-01-10",
        Some("2026-06-30"),
        &["Painting", "Clay"],
    ),
];

pub(super) async fn seed(
    tx: &mut Tx,
    logins: &HashMap<&str, Uuid>,
    now: DateTime<Utc>,
) -> Result<(), ApiError> {
    for (login, name, position, phone, hired, left, services) in STAFF {
        let input = StaffInput {
            name: (*name).into(),
            position: (*position).into(),
            phones: vec![StaffPhoneInput {
                kind: None,
                number: (*phone).into(),
            }],
            email: None,
            hire_date: Some((*hired).into()),
            leave_date: left.map(str::to_string),
            services: services.iter().map(|s| s.to_string()).collect(),
            notes: String::new(),
        };
        let user = login.and_then(|l| logins.get(l).copied());
        insert_input(tx, &input, "LA", user, now).await?;
    }
    Ok(())
}
