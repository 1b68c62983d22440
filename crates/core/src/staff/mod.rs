//! Staff records: every employee, with or without a login — name, position, phones, e-mail,
//! hire and leave dates, the services they teach (names for now; the schedule links them),
//! notes. Instructors are staff.

use chrono::{DateTime, NaiveDate, Utc};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use specta::Type;
use uuid::Uuid;

use crate::auth::UserRef;
use crate::phone::PhoneKind;

mod records;
mod validate;
pub(crate) use records::{insert_input, staff_create, staff_get, staff_list, staff_update};

pub const MAX_PHONES: usize = 5;
pub const MAX_SERVICES: usize = 50;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type, JsonSchema)]
pub struct StaffPhone {
    pub kind: PhoneKind,
    /// As typed, e.g. "020 5555 1234".
    pub number: String,
    /// International form, e.g. "+8562055551234".
    pub e164: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type, JsonSchema)]
pub struct Staff {
    pub id: Uuid,
    pub name: String,
    pub position: String,
    pub phones: Vec<StaffPhone>,
    pub email: Option<String>,
    pub hire_date: Option<NaiveDate>,
    pub leave_date: Option<NaiveDate>,
    /// Still working here (no leave date, or one still to come).
    pub current: bool,
    /// What they teach or do (service names until the schedule links services).
    pub services: Vec<String>,
    pub notes: String,
    /// Their login, if they have one.
    pub user: Option<UserRef>,
    pub created_at: DateTime<Utc>,
    pub created_by: Option<UserRef>,
    pub updated_at: DateTime<Utc>,
    pub updated_by: Option<UserRef>,
    pub version: i64,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, Type, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct StaffPhoneInput {
    #[serde(default)]
    pub kind: Option<PhoneKind>,
    pub number: String,
}

/// A staff record as a form sends it. Dates are `YYYY-MM-DD` text, so a half-typed one is an
/// error at its field, never a silent blank.
#[derive(Debug, Clone, Default, Serialize, Deserialize, Type, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct StaffInput {
    pub name: String,
    #[serde(default)]
    pub position: String,
    #[serde(default)]
    pub phones: Vec<StaffPhoneInput>,
    #[serde(default)]
    pub email: Option<String>,
    #[serde(default)]
    pub hire_date: Option<String>,
    #[serde(default)]
    pub leave_date: Option<String>,
    #[serde(default)]
    pub services: Vec<String>,
    #[serde(default)]
    pub notes: String,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, Type, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct StaffListArgs {
    /// Name, position, phone digits or service.
    #[serde(default)]
    pub query: String,
    /// Also those who have left.
    #[serde(default)]
    pub include_former: bool,
}

#[derive(Debug, Clone, Serialize, Deserialize, Type, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct StaffGetArgs {
    pub id: Uuid,
}

#[derive(Debug, Clone, Serialize, Deserialize, Type, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct StaffCreateArgs {
    pub staff: StaffInput,
}

#[derive(Debug, Clone, Serialize, Deserialize, Type, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct StaffUpdateArgs {
    pub id: Uuid,
    /// The version read; a stale one is a conflict.
    pub version: i64,
    pub staff: StaffInput,
}
