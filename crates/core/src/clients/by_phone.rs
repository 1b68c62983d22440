//! Who is calling? Every card carrying a number, and the children it is guardian of. A
//! phone is never a unique key: several matches come back as several.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use specta::Type;
use uuid::Uuid;

use super::model::{ClientSummary, GuardianRelation};
use super::sql;
use crate::auth::Session;
use crate::error::ApiError;
use crate::phone::{suffix_key, Phone};
use crate::Core;

#[derive(Debug, Clone, Serialize, Deserialize, Type, JsonSchema)]
pub struct ClientsByPhoneArgs {
    /// The number as the PBX or a person gives it: `+85620…`, `020…`, `8 (701) …`.
    pub phone: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, Type, JsonSchema)]
pub struct PhoneMatch {
    pub client: ClientSummary,
    /// Set when the card matched as a child of a guardian carrying the number.
    pub guardian_id: Option<Uuid>,
    pub relation: Option<GuardianRelation>,
}

#[derive(Debug, Clone, Serialize, Deserialize, Type, JsonSchema)]
pub struct ClientsByPhone {
    /// The number in E.164 when it could be read as one.
    pub number: Option<String>,
    /// Cards carrying the number first, then the children of those who are guardians.
    pub matches: Vec<PhoneMatch>,
}

#[derive(sqlx::FromRow)]
struct Ward {
    child_id: Uuid,
    guardian_id: Uuid,
    relation: String,
}

pub(crate) async fn clients_by_phone(
    core: &Core,
    _: &Session,
    args: ClientsByPhoneArgs,
) -> Result<ClientsByPhone, ApiError> {
    let mut tx = core.db.read().await?;
    let country = crate::centre::phone_country(&mut tx).await?;
    let Some(key) = suffix_key(&args.phone, &country) else {
        return Err(ApiError::field(
            "phone",
            "invalid_phone",
            "too short to be a phone number",
        ));
    };
    let upper = format!("{key}:");
    // The cards carrying the number, in one statement with their summaries.
    let found = sql::summaries_where(
        &mut tx,
        "c.id IN (SELECT client_id FROM client_phones WHERE rdigits >= $1 AND rdigits < $2)",
        vec![sql::Arg::Text(key), sql::Arg::Text(upper)],
    )
    .await?;
    let ids: Vec<Uuid> = found.iter().map(|c| c.id).collect();
    let mut matches: Vec<PhoneMatch> = found
        .into_iter()
        .map(|client| PhoneMatch {
            client,
            guardian_id: None,
            relation: None,
        })
        .collect();
    if !ids.is_empty() {
        let mut b = sql::Built::default();
        let list: Vec<String> = ids.iter().map(|id| b.arg(sql::Arg::Id(*id))).collect();
        let q = format!("SELECT child_id, guardian_id, relation FROM client_guardians WHERE guardian_id IN ({})", list.join(", "));
        let wards = crate::fetch_built!(&mut tx, Ward, &q, &b.args)?;
        let children: Vec<Uuid> = wards
            .iter()
            .map(|w| w.child_id)
            .filter(|c| !ids.contains(c))
            .collect();
        for client in sql::summaries(&mut tx, &children).await? {
            let w = wards.iter().find(|w| w.child_id == client.id);
            matches.push(PhoneMatch {
                guardian_id: w.map(|w| w.guardian_id),
                relation: w.map(|w| GuardianRelation::parse(&w.relation)),
                client,
            });
        }
    }
    tx.commit().await?;
    let number = Phone::parse("phone", &args.phone, &country)
        .ok()
        .map(|p| p.e164().to_string());
    Ok(ClientsByPhone { number, matches })
}
