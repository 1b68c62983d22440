//! The demo centre's client records beyond the cards: age bands, categories with discounts,
//! custom fields and their values, companies with contact persons, responsible managers,
//! photos, timeline entries and saved filters.

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, Datelike, Duration, NaiveDate, Utc};
use uuid::Uuid;

use crate::clients::custom::{AppliesTo, CustomField, CustomFieldKind};
use crate::clients::discount::{DiscountRule, PurchaseStep};
use crate::clients::{custom_values, index, ClientInput, ClientKind, LabelledValue, PhoneInput};
use crate::db::Tx;
use crate::error::ApiError;
use crate::files::{self, FilePurpose};
use crate::phone::PhoneKind;
use crate::text::fold;
use crate::{exec_tx, new_id};

pub struct People<'a> {
    pub adults: &'a [Uuid],
    pub kids: &'a [Uuid],
    pub staff: &'a HashMap<&'static str, Uuid>,
}

const BANDS: &[(&str, i32, Option<i32>)] = &[
    ("Tots (0–5)", 0, Some(6)),
    ("Kids (6–11)", 6, Some(12)),
    ("Teens (12–17)", 12, Some(18)),
    ("Adults", 18, None),
];

const COMPANIES: &[(&str, &str, &[&str])] = &[
    (
        "Mekong Logistics Co., Ltd.",
        "LA-0104-2231",
        &["director", "accountant"],
    ),
    (
        "Vientiane International School",
        "LA-0201-7788",
        &["director", "sports teacher"],
    ),
    ("Green Leaf Café", "LA-0307-1002", &["owner"]),
];

const SCHOOLS: &[&str] = &[
    "Vientiane International School",
    "Sengdara Primary",
    "Lycée Hoffet",
    "Panyathip School",
];

fn field(
    label: &str,
    kind: CustomFieldKind,
    applies: AppliesTo,
    choices: &[&str],
    decimals: i32,
) -> CustomField {
    CustomField {
        id: new_id(),
        applies_to: applies,
        label: label.into(),
        kind,
        choices: choices.iter().map(|c| c.to_string()).collect(),
        decimals,
        required: false,
        searchable: true,
        position: 0,
        archived: false,
        updated_at: DateTime::<Utc>::MIN_UTC,
        version: 1,
    }
}

/// A 96×96 avatar: a soft two-colour gradient, different for each `n`.
fn avatar(n: u32) -> Vec<u8> {
    let hues = [
        (244, 162, 97),
        (42, 157, 143),
        (233, 196, 106),
        (38, 70, 83),
        (231, 111, 81),
        (131, 56, 236),
    ];
    let (r, g, b) = hues[n as usize % hues.len()];
    let img = image::RgbImage::from_fn(96, 96, |x, y| {
        let d = ((x as i32 - 48).pow(2) + (y as i32 - 40).pow(2)) as f32;
        let head =
            d < 18.0 * 18.0 || (y > 62 && (x as i32 - 48).unsigned_abs() < 34 - (96 - y) / 3);
        let k = if head { 255 } else { 200 + (y * 55 / 96) as u8 };
        image::Rgb([r.min(k), g.min(k), b.min(k)])
    });
    let mut out = std::io::Cursor::new(Vec::new());
    img.write_to(&mut out, image::ImageFormat::Png)
        .unwrap_or_default();
    out.into_inner()
}

async fn insert_field(
    tx: &mut Tx,
    f: &CustomField,
    position: i32,
    now: DateTime<Utc>,
) -> Result<(), ApiError> {
    let choices = serde_json::to_string(&f.choices).unwrap_or_else(|_| "[]".into());
    exec_tx!(tx, c => sqlx::query(
        "INSERT INTO custom_fields (id, applies_to, label, label_key, kind, choices, decimals, required, searchable, \
         position, archived, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, FALSE, TRUE, $8, FALSE, $9, $9)")
        .bind(f.id).bind(f.applies_to.as_str()).bind(&f.label).bind(fold(&f.label)).bind(f.kind.as_str())
        .bind(choices).bind(f.decimals).bind(position).bind(now).execute(c).await)?;
    Ok(())
}

async fn set_values(
    tx: &mut Tx,
    client: Uuid,
    values: &[(&CustomField, String)],
    defs: &[CustomField],
) -> Result<(), ApiError> {
    let checked: Vec<_> = values
        .iter()
        .filter_map(|(f, v)| custom_values::parse(f, v).ok().flatten())
        .collect();
    custom_values::write(tx, client, &checked, None).await?;
    index::rebuild_doc(tx, client, defs).await
}

async fn timeline(
    tx: &mut Tx,
    client: Uuid,
    (kind, channel): (&str, Option<&str>),
    at: DateTime<Utc>,
    title: &str,
    body: &str,
    by: Uuid,
) -> Result<Uuid, ApiError> {
    let id = new_id();
    exec_tx!(tx, c => sqlx::query(
        "INSERT INTO client_timeline (id, client_id, kind, channel, at, title, body, created_at, created_by, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $5, $8, $5)")
        .bind(id).bind(client).bind(kind).bind(channel).bind(at).bind(title).bind(body).bind(by).execute(c).await)?;
    if kind == "contact" {
        exec_tx!(tx, c => sqlx::query(
            "UPDATE clients SET last_contact_at = $1 WHERE id = $2 AND (last_contact_at IS NULL OR last_contact_at < $1)")
            .bind(at).bind(client).execute(c).await)?;
    }
    Ok(id)
}

pub async fn seed(
    tx: &mut Tx,
    now: DateTime<Utc>,
    p: &People<'_>,
    words: &mut HashSet<String>,
) -> Result<(), ApiError> {
    let today = now.date_naive();
    for (i, (name, min, max)) in BANDS.iter().enumerate() {
        exec_tx!(&mut *tx, c => sqlx::query("INSERT INTO age_bands (id, name, min_years, max_years, position) VALUES ($1, $2, $3, $4, $5)")
            .bind(new_id()).bind(*name).bind(*min).bind(*max).bind(i as i32).execute(c).await)?;
    }
    let summer = |m: u32, d: u32| NaiveDate::from_ymd_opt(today.year(), m, d).unwrap_or(today);
    let categories = [
        ("Pensioner", DiscountRule::Percent { points: 1_500 }),
        (
            "Family",
            DiscountRule::ByPurchases {
                steps: vec![
                    PurchaseStep {
                        min_purchases: 3,
                        points: 500,
                    },
                    PurchaseStep {
                        min_purchases: 10,
                        points: 1_000,
                    },
                ],
            },
        ),
        ("Gold card", DiscountRule::Percent { points: 2_000 }),
        (
            "Summer promo",
            DiscountRule::Period {
                points: 1_000,
                from: summer(6, 1),
                until: summer(8, 31),
            },
        ),
    ];
    let mut cat_ids = Vec::new();
    for (i, (name, rule)) in categories.iter().enumerate() {
        let id = new_id();
        exec_tx!(&mut *tx, c => sqlx::query(
            "INSERT INTO client_categories (id, name, name_key, rule, position, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $6)")
            .bind(id).bind(*name).bind(fold(name)).bind(serde_json::to_string(rule).unwrap_or_default()).bind(i as i32 + 1).bind(now)
            .execute(c).await)?;
        cat_ids.push(id);
    }
    let defs = vec![
        field("School", CustomFieldKind::Text, AppliesTo::Person, &[], 0),
        field(
            "Swimming level",
            CustomFieldKind::Choice,
            AppliesTo::Person,
            &["Beginner", "Intermediate", "Advanced"],
            0,
        ),
        field(
            "Photo consent",
            CustomFieldKind::YesNo,
            AppliesTo::Person,
            &[],
            0,
        ),
        field(
            "Shoe size",
            CustomFieldKind::Number,
            AppliesTo::Person,
            &[],
            1,
        ),
        field(
            "Contract signed",
            CustomFieldKind::Date,
            AppliesTo::Company,
            &[],
            0,
        ),
    ];
    for (i, f) in defs.iter().enumerate() {
        insert_field(tx, f, i as i32 + 1, now).await?;
    }
    let manager = p.staff.get("manager").copied();
    let instructor = p.staff.get("instructor").copied().unwrap_or_default();
    let reception = p.staff.get("reception").copied().unwrap_or_default();
    for (i, id) in p.adults.iter().enumerate() {
        let cat = (i % 5 == 0).then(|| cat_ids[i / 5 % cat_ids.len()]);
        let mgr = if i % 3 == 0 { manager } else { None };
        exec_tx!(&mut *tx, c => sqlx::query("UPDATE clients SET category_id = $1, manager_id = $2 WHERE id = $3")
            .bind(cat).bind(mgr).bind(id).execute(c).await)?;
    }
    for (i, id) in p.kids.iter().enumerate() {
        let values = [
            (&defs[0], SCHOOLS[i % SCHOOLS.len()].to_string()),
            (&defs[1], defs[1].choices[i % 3].clone()),
            (&defs[2], if i % 4 == 0 { "no" } else { "yes" }.to_string()),
            (&defs[3], format!("{}.{}", 26 + i % 12, (i % 2) * 5)),
        ];
        set_values(tx, *id, &values, &defs).await?;
    }
    // Companies with their contact persons (adult cards of the demo).
    for (n, (name, tax, roles)) in COMPANIES.iter().enumerate() {
        let input = ClientInput {
            kind: ClientKind::Company,
            name: name.to_string(),
            tax_id: Some(tax.to_string()),
            status: crate::clients::ClientStatus::Current,
            phones: vec![PhoneInput {
                kind: PhoneKind::Work,
                number: format!("021 41{:04}", 1200 + n * 37),
            }],
            emails: vec![LabelledValue {
                label: "office".into(),
                value: format!("office{n}@example.la"),
            }],
            addresses: vec![LabelledValue {
                label: String::new(),
                value: format!("{} Lane Xang Avenue, Vientiane", 10 + n * 7),
            }],
            manager_id: manager,
            ..Default::default()
        };
        let id = crate::clients::insert_unaudited(tx, &input, "LA", now, words).await?;
        let signed = (today - Duration::days(90 + n as i64 * 200)).to_string();
        set_values(tx, id, &[(&defs[4], signed)], &defs).await?;
        for (k, role) in roles.iter().enumerate() {
            let person = p.adults[(n * 7 + k * 3 + 1) % p.adults.len()];
            exec_tx!(&mut *tx, c => sqlx::query("INSERT INTO company_contacts (company_id, person_id, role, position) VALUES ($1, $2, $3, $4)")
                .bind(id).bind(person).bind(*role).bind(k as i32).execute(c).await)?;
        }
    }
    // Photos for the first cards, stored once each.
    for (n, id) in p.adults.iter().chain(p.kids).take(8).enumerate() {
        let bytes = avatar(n as u32);
        let prepared = files::prepare(&bytes, FilePurpose::Photo)?;
        let f = files::store(
            tx,
            &bytes,
            &prepared,
            &format!("photo-{n}.png"),
            Some(reception),
            now,
        )
        .await?;
        exec_tx!(&mut *tx, c => sqlx::query("UPDATE clients SET photo_id = $1 WHERE id = $2").bind(f.id).bind(id).execute(c).await)?;
    }
    // Timeline: observations, achievements, an award with its certificate, calls.
    let cert = b"%PDF-1.4\n% Sunny Days certificate\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n";
    let prepared = files::prepare(cert, FilePurpose::Attachment)?;
    let cert = files::store(
        tx,
        cert,
        &prepared,
        "certificate.pdf",
        Some(instructor),
        now,
    )
    .await?;
    for (i, kid) in p.kids.iter().take(30).enumerate() {
        let days = |d: i64| now - Duration::days(d) - Duration::hours(i as i64 % 9);
        timeline(
            tx,
            *kid,
            ("observation", None),
            days(20 + i as i64),
            "",
            "Listens well; needs help with breathing in freestyle.",
            instructor,
        )
        .await?;
        if i % 3 == 0 {
            timeline(
                tx,
                *kid,
                ("achievement", None),
                days(10 + i as i64),
                "25 m without a float",
                "",
                instructor,
            )
            .await?;
        }
        if i % 5 == 0 {
            let e = timeline(
                tx,
                *kid,
                ("award", None),
                days(5 + i as i64),
                "Yellow badge",
                "End-of-term swimming test passed.",
                instructor,
            )
            .await?;
            exec_tx!(&mut *tx, c => sqlx::query("INSERT INTO client_timeline_files (entry_id, file_id, name, position) VALUES ($1, $2, $3, 0)")
                .bind(e).bind(cert.id).bind("certificate.pdf").execute(c).await)?;
        }
        if i % 7 == 3 {
            timeline(
                tx,
                *kid,
                ("penalty", None),
                days(3 + i as i64),
                "Late three times",
                "Parents informed at pick-up.",
                reception,
            )
            .await?;
        }
    }
    for (i, adult) in p.adults.iter().take(60).enumerate() {
        let channel = ["call", "visit", "message"][i % 3];
        let at = now - Duration::days((i as i64 * 3) % 75) - Duration::minutes(i as i64 * 17);
        timeline(
            tx,
            *adult,
            ("contact", Some(channel)),
            at,
            "",
            "Asked about the timetable and prices.",
            reception,
        )
        .await?;
    }
    // Saved filters for the front desk.
    let filters = [
        (
            "Birthdays this month",
            serde_json::json!({ "filters": { "birthday_this_month": true } }),
        ),
        (
            "Not contacted for 30 days",
            serde_json::json!({ "filters": { "status": ["current"], "not_contacted_days": 30 } }),
        ),
    ];
    for (i, (name, search)) in filters.iter().enumerate() {
        exec_tx!(&mut *tx, c => sqlx::query(
            "INSERT INTO saved_filters (id, user_id, name, name_key, search, position, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $7)")
            .bind(new_id()).bind(reception).bind(*name).bind(fold(name)).bind(search.to_string()).bind(i as i32).bind(now)
            .execute(c).await)?;
    }
    Ok(())
}
