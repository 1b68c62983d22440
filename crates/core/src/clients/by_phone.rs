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
use crate::{Core, Db};

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
struct Found {
    #[sqlx(flatten)]
    summary: sql::SummaryRow,
    guardian_id: Option<Uuid>,
    relation: Option<String>,
}

pub(crate) async fn clients_by_phone(
    core: &Core,
    session: &Session,
    args: ClientsByPhoneArgs,
) -> Result<ClientsByPhone, ApiError> {
    let country = &session.local.phone_country;
    let Some(key) = suffix_key(&args.phone, country) else {
        return Err(ApiError::field(
            "phone",
            "invalid_phone",
            "too short to be a phone number",
        ));
    };
    let matches = matches(&core.db, key).await?;
    let number = Phone::parse("phone", &args.phone, country)
        .ok()
        .map(|p| p.e164().to_string());
    Ok(ClientsByPhone { number, matches })
}

/// Every card whose number ends with the reversed digits `key` ([`suffix_key`]), then the
/// children of those who are guardians: the lookup itself, without the caller's session
/// (the benchmark times it alone; a PBX connector has no session).
pub async fn matches(db: &Db, key: String) -> Result<Vec<PhoneMatch>, ApiError> {
    let upper = format!("{key}:");
    // One statement outside a transaction (a consistent snapshot of its own): the cards
    // carrying the number, then the children of those who are guardians (a child with the
    // number of their own is listed once, as a holder).
    let q = format!(
        "WITH hit AS (SELECT client_id FROM client_phones WHERE rdigits >= $1 AND rdigits < $2) \
         SELECT {cols}, NULL AS guardian_id, NULL AS relation, 0 AS part, c.search_name AS sort_name \
           FROM clients c WHERE c.id IN (SELECT client_id FROM hit) \
         UNION ALL \
         SELECT {cols}, g.guardian_id, g.relation, 1 AS part, c.search_name AS sort_name \
           FROM client_guardians g JOIN clients c ON c.id = g.child_id \
          WHERE g.guardian_id IN (SELECT client_id FROM hit) AND g.child_id NOT IN (SELECT client_id FROM hit) \
         ORDER BY part, sort_name, id, guardian_id",
        cols = sql::SUMMARY_COLUMNS
    );
    let rows =
        crate::fetch_built_once!(db, Found, &q, [sql::Arg::Text(key), sql::Arg::Text(upper)])?;
    let mut matches: Vec<PhoneMatch> = Vec::with_capacity(rows.len());
    for r in rows {
        let client: ClientSummary = r.summary.into();
        // A child of two guardians on the same number is listed once.
        if matches.iter().any(|m| m.client.id == client.id) {
            continue;
        }
        matches.push(PhoneMatch {
            client,
            guardian_id: r.guardian_id,
            relation: r.relation.as_deref().map(GuardianRelation::parse),
        });
    }
    Ok(matches)
}
