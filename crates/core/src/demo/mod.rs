//! The demo centre: a believable kids' and sports club, so a newcomer sees a living system.
//! Seeded only into an empty database, in one transaction; running it twice changes nothing.

pub mod calls;
mod merged;
mod messages;
mod money;
mod records;
mod schedule;
mod staff;
mod tasks;

use chrono::{Datelike, Duration, NaiveDate};

use crate::audit::{self, Entry};
use crate::auth::{self, NewUser};
use crate::centre::{self, CentreInput};
use crate::clients::{
    self, ClientInput, ClientStatus, GuardianRelation, LabelledValue, PhoneInput,
};
use crate::error::ApiError;
use crate::phone::PhoneKind;
use crate::roles::Role;
use crate::{on_tx, Core};

/// The password of every demo login.
pub const DEMO_PASSWORD: &str = "hallpass-demo";

/// The demo logins (login, display name, role).
/// The demo centre's logo (a sun over water), as a data URL.
fn demo_logo() -> String {
    use base64::Engine;
    let svg = include_str!("logo.svg");
    format!(
        "data:image/svg+xml;base64,{}",
        base64::engine::general_purpose::STANDARD.encode(svg)
    )
}

pub const DEMO_STAFF: &[(&str, &str, Role)] = &[
    ("owner", "Vilayvanh Sisouk", Role::Owner),
    ("reception", "Noy Phommachanh", Role::Reception),
    ("instructor", "Somsack Keola", Role::Instructor),
    ("admin", "Bounmy Inthavong", Role::Admin),
    ("manager", "Anna Volkova", Role::Manager),
    ("accountant", "Chanthy Sok", Role::Accountant),
];

/// (name, capacity, equipment); open Monday to Friday 08:00–21:00 and Saturday 09:00–18:00.
const ROOMS: &[(&str, u32, &[&str])] = &[
    ("Studio A", 16, &["mirrors", "barre", "sound system"]),
    ("Studio B", 12, &["mirrors", "mats"]),
    ("Gym", 30, &["mats", "climbing wall"]),
    ("Art room", 10, &["easels", "sink"]),
    ("Music room", 6, &["piano"]),
];

const GIVEN: &[&str] = &[
    "Souksavanh",
    "Khamla",
    "Phonesavanh",
    "Manivone",
    "Bounmy",
    "Sengdao",
    "Vanh",
    "Noy",
    "Latsamy",
    "Keo",
    "Sophea",
    "Dara",
    "Chenda",
    "Rith",
    "Sreyleak",
    "Vanna",
    "Bopha",
    "Piseth",
    "Anna",
    "Maria",
    "Ivan",
    "Dmitry",
    "Sofia",
    "Artem",
    "Polina",
    "Mikhail",
    "Emma",
    "Liam",
    "Olivia",
    "Noah",
    "Mia",
    "Lucas",
    "Chloe",
    "Leo",
];

const FAMILY: &[&str] = &[
    "Phommachanh",
    "Sisouk",
    "Vongsa",
    "Keomany",
    "Inthavong",
    "Chanthavong",
    "Souvannavong",
    "Luangrath",
    "Sok",
    "Chan",
    "Kim",
    "Heng",
    "Meas",
    "Chea",
    "Ivanova",
    "Petrov",
    "Smirnova",
    "Kuznetsov",
    "Volkova",
    "Smith",
    "Martin",
    "Dubois",
    "Nguyen",
    "Tanaka",
];

const PARENTS_F: &[&str] = &["Khamphone", "Malee", "Sopheap", "Natalia", "Elena", "Sarah"];
const PARENTS_M: &[&str] = &["Bounthan", "Somphone", "Vichea", "Sergey", "Oleg", "David"];

const NOTES: &[&str] = &[
    "",
    "",
    "Prefers evening classes.",
    "Allergic to peanuts — tell the café.",
    "Brother also attends the swimming group.",
    "Asked about the summer camp.",
    "Came from a friend's recommendation.",
    "Pays at the desk, not by transfer.",
];

/// A small deterministic generator, so the demo centre is the same on every machine.
pub(crate) struct Lcg(u64);

impl Lcg {
    fn next(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        self.0 >> 33
    }
    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[(self.next() % items.len() as u64) as usize]
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

/// How many clients the demo centre has.
pub const DEMO_CLIENTS: usize = 200;

/// Seeds the demo centre if, and only if, the database is empty. Returns whether it did.
pub async fn seed(core: &Core) -> Result<bool, ApiError> {
    let now = core.now();
    let mut tx = core.db.write().await?;
    let users = auth::user_count(&mut tx).await?;
    let clients: i64 = on_tx!(&mut tx, c => sqlx::query_scalar("SELECT COUNT(*) FROM clients").fetch_one(c).await)?;
    if users > 0 || clients > 0 || centre::load(&mut tx).await?.is_some() {
        return Ok(false);
    }
    let centre_input = CentreInput {
        name: "Sunny Days Kids & Sports Club".into(),
        time_zone: "Asia/Vientiane".into(),
        currency: "LAK".into(),
        phone_country: "LA".into(),
        logo: Some(demo_logo()),
        details: "Ban Phonxay, Saysettha District, Vientiane\nTel. +856 21 412 345 · hello@sunnydays.la\nTax ID 123456789 · BCEL account 010-12-00-12345678-001".into(),
    };
    let saved = centre::save_new(&mut tx, &centre_input, now).await?;
    let mut staff = std::collections::HashMap::new();
    for (login, name, role) in DEMO_STAFF {
        let user = NewUser {
            login,
            display_name: name,
            role: *role,
            password: DEMO_PASSWORD,
        };
        staff.insert(*login, auth::insert_user(&mut tx, &user, now).await?);
    }
    self::staff::seed(&mut tx, &staff, now).await?;
    let today = now.date_naive();
    let mut rng = Lcg(0x4A11_9A55);
    let mut words = std::collections::HashSet::new();
    let (mut adults, mut kids) = (Vec::new(), Vec::new());
    for i in 0..DEMO_CLIENTS {
        let input = demo_client(&mut rng, i, today);
        let minor = clients::links::is_minor(
            input
                .birth_date
                .as_deref()
                .and_then(clients::fields::parse_iso_date),
            today,
        );
        let id = clients::insert_unaudited(&mut tx, &input, "LA", now, &mut words).await?;
        if minor {
            kids.push(id)
        } else {
            adults.push(id)
        }
        if minor {
            // A child comes with a parent who pays, reachable on the home phone.
            let family = input.name.rsplit(' ').next().unwrap_or("");
            let mother = rng.below(2) == 0;
            let parent = ClientInput {
                name: format!(
                    "{} {family}",
                    rng.pick(if mother { PARENTS_F } else { PARENTS_M })
                ),
                birth_date: input.birth_date.as_deref().and_then(|b| {
                    let y: i32 = b[..4].parse().ok()?;
                    Some(format!("{}{}", y - 26 - rng.below(10) as i32, &b[4..]))
                }),
                status: ClientStatus::Current,
                phones: input.phones[1..].to_vec(),
                ..Default::default()
            };
            let mut parent = parent;
            if kids.len() == 1 {
                // The first family's parent has a number from abroad too (see `calls`).
                parent.phones.push(PhoneInput {
                    kind: PhoneKind::Mobile,
                    number: calls::VISITING_PARENT_PHONE.into(),
                });
            }
            let pid = clients::insert_unaudited(&mut tx, &parent, "LA", now, &mut words).await?;
            let relation = if mother {
                GuardianRelation::Mother
            } else {
                GuardianRelation::Father
            };
            clients::links::add_guardian(&mut tx, id, pid, relation, true, 0).await?;
        }
    }
    let people = records::People {
        adults: &adults,
        kids: &kids,
        staff: &staff,
    };
    records::seed(&mut tx, now, &people, &mut words).await?;
    let local =
        centre::Local::from_settings(Some(saved.phone_country.clone()), Some(&saved.time_zone));
    merged::duplicate(&mut tx, staff["manager"], &local, now, &mut words).await?;
    // Passes: children's paid by a parent, grown-ups' by themselves.
    let mut buyers = Vec::new();
    for kid in kids.iter().take(30) {
        let parent: Option<uuid::Uuid> = on_tx!(&mut tx, c => sqlx::query_scalar(
            "SELECT guardian_id FROM client_guardians WHERE child_id = $1 LIMIT 1")
            .bind(kid).fetch_optional(c).await)?;
        buyers.push((*kid, parent));
    }
    buyers.extend(adults.iter().take(22).map(|a| (*a, None)));
    let desk = auth::Session::acting(
        staff["reception"],
        "reception",
        Role::Reception,
        local.clone(),
    );
    let manager = auth::Session::acting(staff["manager"], "manager", Role::Manager, local.clone());
    money::seed(&mut tx, &desk, &manager, &buyers, &mut rng, now).await?;
    let teacher = auth::Session::acting(
        staff["instructor"],
        "instructor",
        Role::Instructor,
        local.clone(),
    );
    schedule::rooms(&mut tx, ROOMS, &manager, now).await?;
    schedule::seed(&mut tx, &manager, &teacher, &kids, &adults, &mut rng, now).await?;
    calls::extensions(&mut tx, &staff).await?;
    audit::append(
        &mut tx,
        None,
        now,
        Entry {
            operation: "demo_seed",
            entity: "centre",
            entity_id: Some(saved.id),
            before: None,
            after: Some(format!(
                "{{\"clients\":{DEMO_CLIENTS},\"staff\":{},\"rooms\":{}}}",
                DEMO_STAFF.len(),
                ROOMS.len()
            )),
        },
    )
    .await?;
    tx.commit().await?;
    calls::seed(core, &staff).await?;
    messages::seed(core, &manager).await?;
    tasks::seed(core, &desk, &manager).await?;
    // The desks' extensions are in the PBX settings now.
    core.phone.refresh();
    Ok(true)
}

/// The `demo_seed` operation: the first-start screen's "explore the demo centre".
pub(crate) async fn demo_seed(
    core: &Core,
    _: crate::auth::NoArgs,
) -> Result<crate::auth::SetupStatus, ApiError> {
    if !seed(core).await? {
        return Err(ApiError::conflict(
            "this database already has data; the demo centre goes only into an empty one",
        ));
    }
    crate::auth::setup_status(core, crate::auth::NoArgs {}).await
}

/// One demo client; about a third are children, who come with a parent's phone too.
fn demo_client(rng: &mut Lcg, i: usize, today: NaiveDate) -> ClientInput {
    let given = rng.pick(GIVEN);
    let family = rng.pick(FAMILY);
    let minor = rng.below(3) == 0;
    let age_years = if minor {
        4 + rng.below(13)
    } else {
        18 + rng.below(50)
    } as i32;
    let birth = NaiveDate::from_ymd_opt(today.year() - age_years, 1, 1)
        .map(|d| d - Duration::days(rng.below(365) as i64 + 1));
    let mobile = format!(
        "020 5{:03} {:04}",
        (i * 7 + 101) % 1000,
        (i * 7919 + 1234) % 10_000
    );
    let mut phones = vec![PhoneInput {
        kind: PhoneKind::Mobile,
        number: mobile,
    }];
    if minor || rng.below(4) == 0 {
        phones.push(PhoneInput {
            kind: if minor {
                PhoneKind::Home
            } else {
                PhoneKind::Work
            },
            number: format!("021 {:06}", (i * 4513 + 210_000) % 1_000_000),
        });
    }
    let emails = if !minor && rng.below(2) == 0 {
        vec![LabelledValue {
            label: String::new(),
            value: format!(
                "{}.{}{}@example.la",
                given.to_lowercase(),
                family.to_lowercase(),
                i
            ),
        }]
    } else {
        vec![]
    };
    let status = match rng.below(10) {
        0..=5 => ClientStatus::Current,
        6..=8 => ClientStatus::Lead,
        _ => ClientStatus::Former,
    };
    ClientInput {
        name: format!("{given} {family}"),
        birth_date: birth.map(|d| d.format("%Y-%m-%d").to_string()),
        emails,
        notes: rng.pick(NOTES).to_string(),
        status,
        phones,
        ..Default::default()
    }
}
