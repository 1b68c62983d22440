//! Links between cards: a child's guardians (who pays for whom) and a company's contact
//! persons. New linked people are created in the caller's transaction. The rules: anyone
//! under 18 has at least one guardian with a phone; a guardian is a person older than the
//! child; a contact person is a person.

use std::collections::HashSet;

use chrono::{DateTime, Datelike, NaiveDate, Utc};
use uuid::Uuid;

use super::model::*;
use super::store;
use super::validate::{LinkTarget, ValidClient, ValidLink, ValidPerson};
use crate::audit::{self, Entry};
use crate::auth::Session;
use crate::db::Tx;
use crate::error::{ApiError, Problems};
use crate::{exec_tx, on_tx};

pub const ADULT_YEARS: i32 = 18;

/// Full years between `birth` and `today`.
pub fn age_on(birth: NaiveDate, today: NaiveDate) -> i32 {
    let mut years = today.year() - birth.year();
    if (today.month(), today.day()) < (birth.month(), birth.day()) {
        years -= 1;
    }
    years
}

pub fn is_minor(birth: Option<NaiveDate>, today: NaiveDate) -> bool {
    birth.is_some_and(|b| age_on(b, today) < ADULT_YEARS)
}

#[derive(sqlx::FromRow)]
struct LinkedCard {
    id: Uuid,
    kind: String,
    name: String,
    birth_date: Option<NaiveDate>,
    phone: Option<String>,
}

async fn card(tx: &mut Tx, id: Uuid) -> Result<Option<LinkedCard>, ApiError> {
    Ok(on_tx!(tx, c => sqlx::query_as::<_, LinkedCard>(
        "SELECT c.id, c.kind, c.name, c.birth_date, \
         (SELECT p.number FROM client_phones p WHERE p.client_id = c.id ORDER BY p.position LIMIT 1) AS phone \
         FROM clients c WHERE c.id = $1")
        .bind(id).fetch_optional(c).await)?)
}

/// Who is acting, for the cards a form creates on the way.
pub struct Actor<'a> {
    pub session: &'a Session,
    pub now: DateTime<Utc>,
    pub today: NaiveDate,
}

/// Creates a person from another card's form, audited as its own `client_create`.
async fn create_person(
    tx: &mut Tx,
    p: &ValidPerson,
    who: &Actor<'_>,
    known: &mut HashSet<String>,
) -> Result<Uuid, ApiError> {
    let v = ValidClient::person(p);
    let id = crate::new_id();
    store::insert(tx, id, &v, Some(who.session.user_id), who.now).await?;
    super::index::add_name_words(tx, &v.name, known).await?;
    let after = store::load(tx, id).await?;
    audit::append(
        tx,
        Some(who.session),
        who.now,
        Entry {
            operation: "client_create",
            entity: "client",
            entity_id: Some(id),
            before: None,
            after: audit::snapshot(&after),
        },
    )
    .await?;
    Ok(id)
}

/// Resolves every link of `v` to a card (creating new people), checks the rules, and
/// replaces the card's guardians and contact persons.
pub(crate) async fn write(
    tx: &mut Tx,
    id: Uuid,
    v: &ValidClient,
    who: &Actor<'_>,
    prefix: &str,
) -> Result<(), ApiError> {
    let mut known = HashSet::new();
    let mut p = Problems::default();
    let mut guardians = Vec::new();
    let mut with_phone = 0;
    for link in &v.guardians {
        let Some(g) = resolve(tx, id, link, &mut p, who, &mut known).await? else {
            continue;
        };
        if let (Some(child), Some(adult)) = (v.birth_date, g.birth_date) {
            if adult >= child {
                p.add(
                    link.field.clone(),
                    "guardian_not_older",
                    format!("{} is not older than the child", g.name),
                );
                continue;
            }
        }
        if guardians
            .iter()
            .any(|(x, _): &(Uuid, &ValidLink<GuardianRelation>)| *x == g.id)
        {
            p.add(
                link.field.clone(),
                "duplicate",
                "this guardian is already listed",
            );
            continue;
        }
        with_phone += usize::from(g.phone.is_some());
        guardians.push((g.id, link));
    }
    if v.kind == ClientKind::Person
        && is_minor(v.birth_date, who.today)
        && with_phone == 0
        && p.is_empty()
    {
        p.add(
            format!("{prefix}guardians"),
            "guardian_required",
            "a child under 18 needs a guardian with a phone",
        );
    }
    let mut contacts = Vec::new();
    for link in &v.contacts {
        let Some(person) = resolve(tx, id, link, &mut p, who, &mut known).await? else {
            continue;
        };
        if !contacts
            .iter()
            .any(|(x, _): &(Uuid, &ValidLink<String>)| *x == person.id)
        {
            contacts.push((person.id, link));
        }
    }
    p.finish()?;
    exec_tx!(&mut *tx, c => sqlx::query("DELETE FROM client_guardians WHERE child_id = $1").bind(id).execute(c).await)?;
    for (i, (gid, link)) in guardians.iter().enumerate() {
        add_guardian(tx, id, *gid, link.role, link.pays, i as i32).await?;
    }
    exec_tx!(&mut *tx, c => sqlx::query("DELETE FROM company_contacts WHERE company_id = $1").bind(id).execute(c).await)?;
    for (i, (pid, link)) in contacts.iter().enumerate() {
        exec_tx!(&mut *tx, c => sqlx::query(
            "INSERT INTO company_contacts (company_id, person_id, role, position) VALUES ($1, $2, $3, $4)")
            .bind(id).bind(pid).bind(&link.role).bind(i as i32).execute(c).await)?;
    }
    Ok(())
}

/// Links a guardian to a child (for bulk loads that checked the rules themselves).
pub(crate) async fn add_guardian(
    tx: &mut Tx,
    child: Uuid,
    guardian: Uuid,
    relation: GuardianRelation,
    pays: bool,
    position: i32,
) -> Result<(), ApiError> {
    exec_tx!(tx, c => sqlx::query(
        "INSERT INTO client_guardians (child_id, guardian_id, relation, pays, position) VALUES ($1, $2, $3, $4, $5)")
        .bind(child).bind(guardian).bind(relation.as_str()).bind(pays).bind(position).execute(c).await)?;
    Ok(())
}

/// The card a link points at: an existing person (checked) or a new one (created).
async fn resolve<R>(
    tx: &mut Tx,
    owner: Uuid,
    link: &ValidLink<R>,
    p: &mut Problems,
    who: &Actor<'_>,
    known: &mut HashSet<String>,
) -> Result<Option<LinkedCard>, ApiError> {
    let id = match &link.target {
        LinkTarget::Existing(id) if *id == owner => {
            p.add(
                link.field.clone(),
                "self",
                "a card cannot be linked to itself",
            );
            return Ok(None);
        }
        LinkTarget::Existing(id) => *id,
        LinkTarget::New(person) => create_person(tx, person, who, known).await?,
    };
    match card(tx, id).await? {
        None => {
            p.add(
                format!("{}.client_id", link.field),
                "not_found",
                "no such card",
            );
            Ok(None)
        }
        Some(c) if c.kind != ClientKind::Person.as_str() => {
            p.add(
                format!("{}.client_id", link.field),
                "not_a_person",
                format!("{} is a company", c.name),
            );
            Ok(None)
        }
        Some(c) => Ok(Some(c)),
    }
}

#[derive(sqlx::FromRow)]
struct LinkRow {
    id: Uuid,
    name: String,
    birth_date: Option<NaiveDate>,
    phone: Option<String>,
    role: String,
    pays: bool,
}

const LINK_CARD: &str = "c.id, c.name, c.birth_date, \
    (SELECT p.number FROM client_phones p WHERE p.client_id = c.id ORDER BY p.position LIMIT 1) AS phone";

async fn rows(tx: &mut Tx, sql: &str, id: Uuid) -> Result<Vec<LinkRow>, ApiError> {
    Ok(on_tx!(tx, c => sqlx::query_as::<_, LinkRow>(sql).bind(id).fetch_all(c).await)?)
}

fn card_ref(r: &LinkRow) -> CardRef {
    CardRef {
        id: r.id,
        name: r.name.clone(),
        birth_date: r.birth_date,
        phone: r.phone.clone(),
    }
}

/// Fills a loaded card's guardians, wards, contacts and companies.
pub(crate) async fn load(tx: &mut Tx, client: &mut Client) -> Result<(), ApiError> {
    let g = |r: &LinkRow| GuardianLink {
        card: card_ref(r),
        relation: GuardianRelation::parse(&r.role),
        pays: r.pays,
    };
    let k = |r: &LinkRow| ContactLink {
        card: card_ref(r),
        role: r.role.clone(),
    };
    let sql = format!("SELECT {LINK_CARD}, l.relation AS role, l.pays FROM client_guardians l JOIN clients c ON c.id = l.guardian_id WHERE l.child_id = $1 ORDER BY l.position");
    client.guardians = rows(tx, &sql, client.id).await?.iter().map(g).collect();
    let sql = format!("SELECT {LINK_CARD}, l.relation AS role, l.pays FROM client_guardians l JOIN clients c ON c.id = l.child_id WHERE l.guardian_id = $1 ORDER BY c.search_name");
    client.wards = rows(tx, &sql, client.id).await?.iter().map(g).collect();
    let sql = format!("SELECT {LINK_CARD}, l.role, FALSE AS pays FROM company_contacts l JOIN clients c ON c.id = l.person_id WHERE l.company_id = $1 ORDER BY l.position");
    client.contacts = rows(tx, &sql, client.id).await?.iter().map(k).collect();
    let sql = format!("SELECT {LINK_CARD}, l.role, FALSE AS pays FROM company_contacts l JOIN clients c ON c.id = l.company_id WHERE l.person_id = $1 ORDER BY c.search_name");
    client.companies = rows(tx, &sql, client.id).await?.iter().map(k).collect();
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ages_count_whole_years() {
        let d = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).unwrap();
        assert_eq!(age_on(d(2008, 11, 24), d(2026, 11, 23)), 17);
        assert_eq!(age_on(d(2008, 11, 23), d(2026, 11, 23)), 18);
        assert_eq!(age_on(d(2012, 2, 29), d(2026, 2, 28)), 13);
        assert!(is_minor(Some(d(2017, 1, 1)), d(2026, 11, 23)));
        assert!(!is_minor(None, d(2026, 11, 23)));
    }
}
