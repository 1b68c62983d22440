//! The centre's own settings: name, time zone, currency, default phone country, logo.

use chrono::{DateTime, Utc};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use specta::Type;
use uuid::Uuid;

use crate::audit::{self, Entry};
use crate::auth::{NoArgs, Session};
use crate::db::Tx;
use crate::error::{ApiError, Problems};
use crate::{exec_tx, on_tx, Core};

const MAX_LOGO_BYTES: usize = 512 * 1024;
const MAX_DETAILS: usize = 1_000;
const STALE_SETTINGS: &str = "the settings were changed by someone else; reload and try again";

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type, JsonSchema, sqlx::FromRow)]
pub struct Centre {
    pub id: Uuid,
    pub name: String,
    /// IANA zone, e.g. `Asia/Vientiane`; times are stored in UTC and shown in this zone.
    pub time_zone: String,
    /// ISO 4217 code; money is kept in this currency's minor units.
    pub currency: String,
    /// Decimals of the currency's minor unit (ISO 4217): amounts are `minor / 10^exponent`.
    #[sqlx(skip)]
    pub currency_exponent: u16,
    /// ISO 3166 alpha-2 country for phone numbers written without a country code.
    pub phone_country: String,
    /// A `data:image/…;base64,` URL, shown on the main screen and printed on documents.
    pub logo: Option<String>,
    /// Printed on documents under the centre's name: address, phones, tax number, bank account.
    pub details: String,
    pub version: i64,
    pub updated_at: DateTime<Utc>,
}

#[derive(Debug, Clone, Serialize, Deserialize, Type, JsonSchema)]
pub struct CentreInput {
    pub name: String,
    pub time_zone: String,
    pub currency: String,
    pub phone_country: String,
    #[serde(default)]
    pub logo: Option<String>,
    #[serde(default)]
    pub details: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, Type, JsonSchema)]
pub struct CentreUpdateArgs {
    /// The version the caller read; a stale one is a conflict.
    pub version: i64,
    #[serde(flatten)]
    pub centre: CentreInput,
}

/// Checks the input; `prefix` goes before field names (`centre.` inside setup).
pub(crate) fn validate(
    input: &CentreInput,
    problems: &mut Problems,
    prefix: &str,
) -> Option<CentreInput> {
    let f = |name: &str| format!("{prefix}{name}");
    let name = problems.take(crate::text::parse_name(&f("name"), &input.name, 200));
    let tz = input.time_zone.trim();
    if tz.parse::<chrono_tz::Tz>().is_err() {
        problems.add(
            f("time_zone"),
            "invalid_time_zone",
            "not a known time zone (e.g. Asia/Vientiane)",
        );
    }
    let currency = input.currency.trim().to_uppercase();
    // A real ISO 4217 currency ("kip" is a name, not the code LAK).
    if iso_currency::Currency::from_code(&currency).is_none() {
        problems.add(
            f("currency"),
            "invalid_currency",
            "a three-letter ISO 4217 code, e.g. LAK",
        );
    }
    let country = input.phone_country.trim().to_uppercase();
    if crate::phone::parse_country(&country).is_none() {
        problems.add(
            f("phone_country"),
            "invalid_country",
            "a two-letter country code, e.g. LA",
        );
    }
    let logo = input
        .logo
        .as_deref()
        .map(str::trim)
        .filter(|l| !l.is_empty());
    if let Some(logo) = logo {
        let ok_kind = [
            "data:image/png;base64,",
            "data:image/jpeg;base64,",
            "data:image/webp;base64,",
            "data:image/svg+xml;base64,",
        ]
        .iter()
        .any(|p| logo.starts_with(p));
        if !ok_kind {
            problems.add(f("logo"), "invalid_image", "a PNG, JPEG, WebP or SVG image");
        } else if logo.len() > MAX_LOGO_BYTES * 4 / 3 + 64 {
            problems.add(f("logo"), "too_large", "at most 512 KiB");
        } else {
            // The bytes must be the image the data URL says (a text file named .png is not).
            let declared = logo
                .trim_start_matches("data:")
                .split(';')
                .next()
                .unwrap_or("");
            let real = crate::files::decode_base64(logo, MAX_LOGO_BYTES, &f("logo"))
                .ok()
                .and_then(|b| crate::files::sniff(&b).map(str::to_string));
            if real.as_deref() != Some(declared) {
                problems.add(
                    f("logo"),
                    "invalid_image",
                    "the file is not a PNG, JPEG, WebP or SVG image",
                );
            }
        }
    }
    let details = problems.take(crate::text::parse_text(
        &f("details"),
        &input.details,
        MAX_DETAILS,
    ));
    Some(CentreInput {
        details: details?,
        name: name?,
        time_zone: tz.to_string(),
        currency,
        phone_country: country,
        logo: logo.map(str::to_string),
    })
}

pub(crate) async fn load(tx: &mut Tx) -> Result<Option<Centre>, ApiError> {
    let centre: Option<Centre> = on_tx!(tx, c => sqlx::query_as::<_, Centre>(
        "SELECT id, name, time_zone, currency, phone_country, logo, details, version, updated_at FROM centre LIMIT 1")
        .fetch_optional(c)
        .await)?;
    Ok(centre.map(|c| Centre {
        currency_exponent: crate::money::amount::exponent(&c.currency),
        ..c
    }))
}

/// What use cases need of the centre: how to read phone numbers and what day it is there.
/// Read with the caller's session ([`crate::auth::Session::local`]), so a read needs no query
/// of its own for it; writes read it again inside their transaction.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Local {
    pub phone_country: String,
    pub time_zone: chrono_tz::Tz,
}

/// The instant a day begins in `zone` (the first moment that exists, on a day whose midnight a
/// daylight-saving change skips).
pub fn start_of_day(day: chrono::NaiveDate, zone: chrono_tz::Tz) -> chrono::DateTime<chrono::Utc> {
    use chrono::TimeZone;
    let mut t = day.and_hms_opt(0, 0, 0).unwrap_or_default();
    for _ in 0..=24 {
        if let Some(at) = zone.from_local_datetime(&t).earliest() {
            return at.with_timezone(&chrono::Utc);
        }
        t += chrono::Duration::hours(1);
    }
    chrono::Utc.from_utc_datetime(&t)
}

impl Local {
    /// From the stored settings; Laos and UTC before the centre is set up.
    pub(crate) fn from_settings(phone_country: Option<String>, time_zone: Option<&str>) -> Local {
        Local {
            phone_country: phone_country.unwrap_or_else(|| "LA".into()),
            time_zone: time_zone
                .and_then(|z| z.parse().ok())
                .unwrap_or(chrono_tz::UTC),
        }
    }

    /// Today's date in the centre's zone (ages, birthdays, "this month").
    pub fn today(&self, now: DateTime<Utc>) -> chrono::NaiveDate {
        now.with_timezone(&self.time_zone).date_naive()
    }
}

pub(crate) async fn local(tx: &mut Tx) -> Result<Local, ApiError> {
    let centre = load(tx).await?;
    Ok(Local::from_settings(
        centre.as_ref().map(|c| c.phone_country.clone()),
        centre.as_ref().map(|c| c.time_zone.as_str()),
    ))
}

pub(crate) async fn save_new(
    tx: &mut Tx,
    input: &CentreInput,
    now: DateTime<Utc>,
) -> Result<Centre, ApiError> {
    let centre = Centre {
        currency_exponent: crate::money::amount::exponent(&input.currency),
        id: crate::new_id(),
        name: input.name.clone(),
        time_zone: input.time_zone.clone(),
        currency: input.currency.clone(),
        phone_country: input.phone_country.clone(),
        logo: input.logo.clone(),
        details: input.details.clone(),
        version: 1,
        updated_at: now,
    };
    exec_tx!(tx, c => sqlx::query(
        "INSERT INTO centre (id, name, time_zone, currency, phone_country, logo, details, version, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $9, $7, $8)")
        .bind(centre.id)
        .bind(&centre.name)
        .bind(&centre.time_zone)
        .bind(&centre.currency)
        .bind(&centre.phone_country)
        .bind(&centre.logo)
        .bind(centre.version)
        .bind(centre.updated_at)
        .bind(&centre.details)
        .execute(c)
        .await)
    .map_err(|e| {
        if crate::db::unique_violation(&e) {
            ApiError::conflict("this centre is already set up")
        } else {
            e.into()
        }
    })?;
    Ok(centre)
}

pub(crate) async fn centre_get(core: &Core, _: &Session, _: NoArgs) -> Result<Centre, ApiError> {
    let mut tx = core.db.read().await?;
    load(&mut tx)
        .await?
        .ok_or_else(|| ApiError::not_found("centre"))
}

pub(crate) async fn centre_update(
    core: &Core,
    session: &Session,
    args: CentreUpdateArgs,
) -> Result<Centre, ApiError> {
    let mut problems = Problems::default();
    let input = validate(&args.centre, &mut problems, "");
    problems.finish()?;
    let input = input.ok_or_else(|| ApiError::bad_request("invalid centre"))?;
    let now = core.now();

    let mut tx = core.db.write().await?;
    let before = load(&mut tx)
        .await?
        .ok_or_else(|| ApiError::not_found("centre"))?;
    if before.version != args.version {
        return Err(ApiError::conflict(STALE_SETTINGS));
    }
    let after = Centre {
        currency_exponent: crate::money::amount::exponent(&input.currency),
        id: before.id,
        name: input.name,
        time_zone: input.time_zone,
        currency: input.currency,
        phone_country: input.phone_country,
        logo: input.logo,
        details: input.details,
        version: before.version + 1,
        updated_at: now,
    };
    let updated = exec_tx!(&mut tx, c => sqlx::query(
        "UPDATE centre SET name = $1, time_zone = $2, currency = $3, phone_country = $4, logo = $5, \
         details = $10, version = $6, updated_at = $7 WHERE id = $8 AND version = $9")
        .bind(&after.name)
        .bind(&after.time_zone)
        .bind(&after.currency)
        .bind(&after.phone_country)
        .bind(&after.logo)
        .bind(after.version)
        .bind(after.updated_at)
        .bind(after.id)
        .bind(before.version)
        .bind(&after.details)
        .execute(c)
        .await)?;
    if updated != 1 {
        return Err(ApiError::conflict(STALE_SETTINGS));
    }
    audit::append(
        &mut tx,
        Some(session),
        now,
        Entry {
            operation: "centre_update",
            entity: "centre",
            entity_id: Some(after.id),
            before: audit::snapshot(&before),
            after: audit::snapshot(&after),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(after)
}
