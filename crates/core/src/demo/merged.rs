//! A client registered twice, once with her old club card: the manager merged the cards.

use crate::auth;
use crate::centre;
use crate::clients::{self, ClientInput, ClientStatus, PhoneInput};
use crate::error::ApiError;
use crate::phone::PhoneKind;
use crate::roles::Role;

/// A client registered twice, once with her old club card: the manager merged the cards, so
/// her card shows the merge on its timeline and the old card's number still finds her.
pub(super) async fn duplicate(
    tx: &mut crate::db::Tx,
    manager: uuid::Uuid,
    local: &centre::Local,
    now: chrono::DateTime<chrono::Utc>,
    words: &mut std::collections::HashSet<String>,
) -> Result<(), ApiError> {
    let card = |number: &str, phone: &str| ClientInput {
        name: "Malee Sisavath".into(),
        card_number: Some(number.into()),
        birth_date: Some("1991-04-12".into()),
        status: ClientStatus::Current,
        phones: vec![PhoneInput {
            kind: PhoneKind::Mobile,
            number: phone.into(),
        }],
        ..Default::default()
    };
    let country = &local.phone_country;
    let keep =
        clients::insert_unaudited(tx, &card("SD-2041", "020 5550 2041"), country, now, words)
            .await?;
    let old =
        clients::insert_unaudited(tx, &card("OLD-0417", "020 5550 0417"), country, now, words)
            .await?;
    let manager = auth::Session::acting(manager, "manager", Role::Manager, local.clone());
    clients::merge::merge_cards(tx, &manager, keep, old, now).await
}
