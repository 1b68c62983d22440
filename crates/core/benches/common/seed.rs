//! 100,000 generated clients for the search benchmark, loaded fast (multi-row inserts in one
//! transaction) with the derived columns core writes: search document, phone keys, name words.

use chrono::{Datelike, NaiveDate, Utc};
use hallpass_core::clients::index::{document, DocParts};
use hallpass_core::Db;

pub const CLIENTS: usize = 100_000;

const GIVEN: [&str; 10] = [
    "Anna",
    "Souksavanh",
    "Dara",
    "Ivan",
    "Manivone",
    "Sophea",
    "Liam",
    "Khamla",
    "Maria",
    "Noy",
];
const FAMILY: [&str; 8] = [
    "Keomany",
    "Sok",
    "Petrov",
    "Vongsa",
    "Smith",
    "Chan",
    "Ivanova",
    "Inthavong",
];

/// Loads the clients fast (multi-row inserts in one transaction) with the derived columns
/// core writes: search document, phone keys, name words.
pub async fn seed(db: &Db) {
    let now = Utc::now();
    let mut tx = db.write().await.unwrap();
    let mut ids = Vec::with_capacity(CLIENTS);
    for chunk in (0..CLIENTS).collect::<Vec<_>>().chunks(400) {
        let mut c_sql = String::from("INSERT INTO clients (id, name, search_name, search_doc, status, birth_date, birth_month, created_at, updated_at, version) VALUES ");
        let mut p_sql = String::from("INSERT INTO client_phones (id, client_id, position, kind, number, digits, raw, rdigits) VALUES ");
        let mut rows = Vec::new();
        for (k, i) in chunk.iter().enumerate() {
            let name = format!("{} {} {}", GIVEN[i % 10], FAMILY[(i / 10) % 8], i);
            let number = format!("+85620{:08}", (i * 7_919 + 5_550_000) % 100_000_000);
            let email = (i % 5 == 0).then(|| {
                format!("{}.{}{}@example.la", GIVEN[i % 10], FAMILY[(i / 10) % 8], i).to_lowercase()
            });
            let digits = number.trim_start_matches('+').to_string();
            let doc = document(DocParts {
                name: &name,
                card_number: None,
                tax_id: None,
                former: vec![],
                phone_digits: vec![digits.clone()],
                emails: email.iter().map(String::as_str).collect(),
                handles: vec![],
                extra: vec![],
            });
            let birth = NaiveDate::from_ymd_opt(
                1960 + (i % 60) as i32,
                1 + (i % 12) as u32,
                1 + (i % 28) as u32,
            )
            .unwrap();
            let status = ["current", "lead", "former"][i % 3];
            let id = uuid::Uuid::now_v7();
            ids.push(id);
            rows.push((id, name, doc, status, birth, number, digits, email));
            let sep = if k > 0 { "," } else { "" };
            let b = k * 8;
            c_sql.push_str(&format!(
                "{sep}(${}, ${}, ${}, ${}, ${}, ${}, ${}, ${}, ${}, 1)",
                b + 1,
                b + 2,
                b + 3,
                b + 4,
                b + 5,
                b + 6,
                b + 7,
                b + 8,
                b + 8
            ));
            let b = k * 6;
            p_sql.push_str(&format!(
                "{sep}(${}, ${}, 0, 'mobile', ${}, ${}, ${}, ${})",
                b + 1,
                b + 2,
                b + 3,
                b + 4,
                b + 5,
                b + 6
            ));
        }
        hallpass_core::exec_tx!(&mut tx, c => {
            let mut q = sqlx::query(&c_sql);
            for (id, name, doc, status, birth, ..) in &rows {
                q = q.bind(*id).bind(name.clone()).bind(hallpass_core::text::search_key(name)).bind(doc.clone())
                    .bind(*status).bind(*birth).bind(birth.month() as i32).bind(now);
            }
            q.execute(&mut *c).await
        })
        .unwrap();
        hallpass_core::exec_tx!(&mut tx, c => {
            let mut q = sqlx::query(&p_sql);
            for (id, _, _, _, _, number, digits, _) in &rows {
                q = q.bind(uuid::Uuid::now_v7()).bind(*id).bind(number.clone()).bind(digits.clone())
                    .bind(number.clone()).bind(digits.chars().rev().collect::<String>());
            }
            q.execute(&mut *c).await
        })
        .unwrap();
        for (id, .., email) in &rows {
            if let Some(e) = email {
                hallpass_core::exec_tx!(&mut tx, c => sqlx::query("INSERT INTO client_contacts (client_id, channel, position, label, value, value_key) VALUES ($1, 'email', 0, '', $2, $2)")
                    .bind(*id).bind(e.clone()).execute(&mut *c).await).unwrap();
            }
        }
    }
    let mut known = std::collections::HashSet::new();
    for (i, id) in ids.iter().enumerate() {
        if i % 100 == 0 {
            hallpass_core::exec_tx!(&mut tx, c => sqlx::query("INSERT INTO client_tags (client_id, tag) VALUES ($1, 'vip')").bind(*id).execute(&mut *c).await).unwrap();
        }
        if i % 3 == 1 {
            hallpass_core::exec_tx!(&mut tx, c => sqlx::query("INSERT INTO client_guardians (child_id, guardian_id, relation, pays, position) VALUES ($1, $2, 'mother', TRUE, 0)")
                .bind(*id).bind(ids[i - 1]).execute(&mut *c).await).unwrap();
        }
        if i < 80 {
            let name = format!("{} {}", GIVEN[i % 10], FAMILY[(i / 10) % 8]);
            hallpass_core::clients::index::add_name_words(&mut tx, &name, &mut known)
                .await
                .unwrap();
        }
    }
    tx.commit().await.unwrap();
    match db {
        Db::Sqlite(p) => drop(sqlx::query("ANALYZE").execute(p).await.unwrap()),
        // As after an import (or autovacuum): statistics fresh, rows all-visible.
        Db::Postgres(p) => drop(sqlx::query("VACUUM (ANALYZE)").execute(p).await.unwrap()),
    }
}
