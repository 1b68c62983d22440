//! Before a card is created: is this person already on file? Same phone, same e-mail, or
//! same name and birth date. The answer lists the cards and who manages them; nothing is
//! written until the caller confirms.

use chrono::NaiveDate;
use uuid::Uuid;

use super::validate::{LinkTarget, ValidClient};
use crate::db::Tx;
use crate::error::{ApiError, Similar};
use crate::on_tx;
use crate::phone::{Phone, PhoneKind};
use crate::text::search_key;

#[derive(sqlx::FromRow)]
struct Hit {
    id: Uuid,
    name: String,
    owner: Option<String>,
}

const HIT: &str = "SELECT DISTINCT c.id, c.name, m.display_name AS owner FROM clients c LEFT JOIN users m ON m.id = c.manager_id";

async fn hits(tx: &mut Tx, sql: &str, a: &str, b: Option<NaiveDate>) -> Result<Vec<Hit>, ApiError> {
    Ok(on_tx!(tx, c => {
        let q = sqlx::query_as::<_, Hit>(sql).bind(a);
        let q = match b { Some(d) => q.bind(d), None => q };
        q.fetch_all(c).await
    })?)
}

/// Cards that look like one person of a form. `prefix` names its fields.
async fn person(
    tx: &mut Tx,
    out: &mut Vec<Similar>,
    prefix: &str,
    name: &str,
    birth: Option<NaiveDate>,
    phones: &[(PhoneKind, Phone)],
    emails: &[&str],
) -> Result<(), ApiError> {
    let mut push = |field: String, reason: &str, found: Vec<Hit>| {
        for h in found {
            out.push(Similar {
                field: field.clone(),
                reason: reason.into(),
                id: h.id,
                name: h.name,
                owner: h.owner,
            });
        }
    };
    for (i, (_, phone)) in phones.iter().enumerate() {
        let sql = format!("{HIT} JOIN client_phones p ON p.client_id = c.id WHERE p.number = $1");
        push(
            format!("{prefix}phones.{i}.number"),
            "phone",
            hits(tx, &sql, phone.e164(), None).await?,
        );
    }
    for (i, email) in emails.iter().enumerate() {
        let sql = format!("{HIT} JOIN client_contacts e ON e.client_id = c.id WHERE e.channel = 'email' AND e.value_key = $1");
        push(
            format!("{prefix}emails.{i}.value"),
            "email",
            hits(tx, &sql, &email.to_lowercase(), None).await?,
        );
    }
    if let Some(b) = birth {
        let sql = format!("{HIT} WHERE c.search_name = $1 AND c.birth_date = $2");
        push(
            format!("{prefix}name"),
            "name_birth_date",
            hits(tx, &sql, &search_key(name), Some(b)).await?,
        );
    }
    Ok(())
}

/// Every existing card that looks like the card or a person the form would create.
pub(crate) async fn find(tx: &mut Tx, v: &ValidClient) -> Result<Vec<Similar>, ApiError> {
    let mut out = Vec::new();
    let emails: Vec<&str> = v.emails.iter().map(|e| e.value.as_str()).collect();
    person(
        tx,
        &mut out,
        "client.",
        &v.name,
        v.birth_date,
        &v.phones,
        &emails,
    )
    .await?;
    let links = v
        .guardians
        .iter()
        .map(|l| (&l.target, &l.field))
        .chain(v.contacts.iter().map(|l| (&l.target, &l.field)));
    for (target, field) in links {
        if let LinkTarget::New(p) = target {
            let emails: Vec<&str> = p.emails.iter().map(|e| e.value.as_str()).collect();
            person(
                tx,
                &mut out,
                &format!("{field}.new."),
                &p.name,
                p.birth_date,
                &p.phones,
                &emails,
            )
            .await?;
        }
    }
    Ok(out)
}

pub(crate) fn refuse(matches: Vec<Similar>) -> ApiError {
    let n = matches
        .iter()
        .map(|m| m.id)
        .collect::<std::collections::HashSet<_>>()
        .len();
    ApiError::Duplicate {
        message: format!("{n} existing card(s) look like this one; open one of them, or confirm to create a new card"),
        matches,
    }
}
