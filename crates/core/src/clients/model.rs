//! The client card as the API speaks it: what a card is, and what a form sends.

use chrono::{DateTime, NaiveDate, Utc};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use specta::Type;
use uuid::Uuid;

pub use super::custom_values::CustomValue;
use crate::phone::PhoneKind;

macro_rules! string_enum {
    ($(#[$m:meta])* $name:ident { $( $(#[$vm:meta])* $v:ident = $s:literal ),+ $(,)? } default $d:ident) => {
        $(#[$m])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Type, JsonSchema)]
        #[serde(rename_all = "snake_case")]
        pub enum $name { $( $(#[$vm])* $v, )+ }
        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$v),+];
            pub fn as_str(self) -> &'static str { match self { $($name::$v => $s),+ } }
            /// Reads the stored form; anything unknown is the default.
            pub fn parse(s: &str) -> $name { match s { $($s => $name::$v,)+ _ => $name::$d } }
        }
        impl Default for $name { fn default() -> Self { $name::$d } }
    };
}

string_enum!(
    /// A person, or a company (legal entity) with contact persons.
    ClientKind { Person = "person", Company = "company" } default Person
);
string_enum!(
    ClientStatus {
        /// Has asked, has not bought yet.
        Lead = "lead",
        /// Has a membership or buys regularly.
        Current = "current",
        /// Used to come.
        Former = "former",
    } default Lead
);
string_enum!(
    /// How far the centre trusts this client or counterparty (payments, returns).
    Reliability { Reliable = "reliable", Normal = "normal", Doubtful = "doubtful", Unreliable = "unreliable" } default Normal
);
string_enum!(
    MessengerApp {
        Telegram = "telegram", Whatsapp = "whatsapp", Line = "line", Viber = "viber",
        Facebook = "facebook", Instagram = "instagram", Wechat = "wechat", Other = "other",
    } default Other
);
string_enum!(
    GuardianRelation { Mother = "mother", Father = "father", Grandparent = "grandparent", Guardian = "guardian", Other = "other" } default Guardian
);

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type, JsonSchema)]
pub struct ClientPhone {
    pub kind: PhoneKind,
    /// E.164, e.g. `+8562055512345`.
    pub number: String,
    /// As it was typed or imported.
    pub raw: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type, JsonSchema)]
pub struct LabelledValue {
    /// `work`, `personal`, `home`… (free text, may be empty).
    #[serde(default)]
    pub label: String,
    pub value: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type, JsonSchema)]
pub struct Messenger {
    pub app: MessengerApp,
    /// The handle, number or profile link.
    pub handle: String,
}

/// A document received from the client, or a permit (medical certificate, parent's consent…).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type, JsonSchema)]
pub struct ClientDocument {
    pub title: String,
    #[serde(default)]
    pub received_on: Option<NaiveDate>,
    #[serde(default)]
    pub valid_until: Option<NaiveDate>,
}

/// Another card, named, as links show it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type, JsonSchema)]
pub struct CardRef {
    pub id: Uuid,
    pub name: String,
    pub birth_date: Option<NaiveDate>,
    /// The first phone, E.164.
    pub phone: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type, JsonSchema)]
pub struct GuardianLink {
    /// The guardian (on a child's card) or the child (in `wards`).
    pub card: CardRef,
    pub relation: GuardianRelation,
    /// This guardian pays for the child.
    pub pays: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type, JsonSchema)]
pub struct ContactLink {
    /// The contact person (on a company's card) or the company (in `companies`).
    pub card: CardRef,
    /// Director, accountant, lawyer…
    pub role: String,
}

pub use crate::auth::UserRef;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type, JsonSchema)]
pub struct Client {
    pub id: Uuid,
    pub kind: ClientKind,
    pub name: String,
    pub card_number: Option<String>,
    pub birth_date: Option<NaiveDate>,
    /// The centre's age band this birth date falls in today.
    pub age_category: Option<String>,
    pub status: ClientStatus,
    pub reliability: Reliability,
    pub category_id: Option<Uuid>,
    pub manager: Option<UserRef>,
    pub tags: Vec<String>,
    pub photo_id: Option<Uuid>,
    pub phones: Vec<ClientPhone>,
    pub emails: Vec<LabelledValue>,
    pub messengers: Vec<Messenger>,
    pub addresses: Vec<LabelledValue>,
    /// A company's taxpayer or registration number.
    pub tax_id: Option<String>,
    pub preferences: String,
    pub documents: Vec<ClientDocument>,
    pub notes: String,
    /// Only for roles with the `clients_medical` permission; left out for everyone else.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub physical_condition: Option<String>,
    /// Only for roles with the `clients_medical` permission; left out for everyone else.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub medical_notes: Option<String>,
    pub guardians: Vec<GuardianLink>,
    /// The children this card is guardian of.
    pub wards: Vec<GuardianLink>,
    /// A company's contact persons.
    pub contacts: Vec<ContactLink>,
    /// The companies this person is a contact of.
    pub companies: Vec<ContactLink>,
    /// Values of custom fields (archived fields' values included).
    pub custom: Vec<CustomValue>,
    pub last_contact_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    pub created_by: Option<UserRef>,
    pub updated_at: DateTime<Utc>,
    pub updated_by: Option<UserRef>,
    pub version: i64,
}

#[derive(Debug, Clone, Serialize, Deserialize, Type, JsonSchema)]
pub struct PhoneInput {
    #[serde(default = "default_kind")]
    pub kind: PhoneKind,
    pub number: String,
}

fn default_kind() -> PhoneKind {
    PhoneKind::Mobile
}

/// A guardian for a child's card: an existing card (`client_id`), or a new person created
/// in the same transaction (`new`).
#[derive(Debug, Clone, Serialize, Deserialize, Type, JsonSchema)]
pub struct GuardianInput {
    #[serde(default)]
    pub client_id: Option<Uuid>,
    #[serde(default)]
    pub new: Option<NewPersonInput>,
    #[serde(default)]
    pub relation: GuardianRelation,
    #[serde(default)]
    pub pays: bool,
}

/// A company's contact person: an existing person card or a new one.
#[derive(Debug, Clone, Serialize, Deserialize, Type, JsonSchema)]
pub struct ContactPersonInput {
    #[serde(default)]
    pub client_id: Option<Uuid>,
    #[serde(default)]
    pub new: Option<NewPersonInput>,
    pub role: String,
}

/// The few fields of a person created from another card's form (a parent, a director).
#[derive(Debug, Clone, Default, Serialize, Deserialize, Type, JsonSchema)]
pub struct NewPersonInput {
    pub name: String,
    #[serde(default)]
    pub birth_date: Option<String>,
    #[serde(default)]
    pub phones: Vec<PhoneInput>,
    #[serde(default)]
    pub emails: Vec<LabelledValue>,
}

/// What a form sends. Dates and phones are strings here so that a bad one is reported at
/// its field rather than as an unreadable request.
#[derive(Debug, Clone, Default, Serialize, Deserialize, Type, JsonSchema)]
pub struct ClientInput {
    #[serde(default)]
    pub kind: ClientKind,
    pub name: String,
    #[serde(default)]
    pub card_number: Option<String>,
    /// `YYYY-MM-DD`, or null.
    #[serde(default)]
    pub birth_date: Option<String>,
    #[serde(default)]
    pub status: ClientStatus,
    #[serde(default)]
    pub reliability: Reliability,
    #[serde(default)]
    pub category_id: Option<Uuid>,
    #[serde(default)]
    pub manager_id: Option<Uuid>,
    #[serde(default)]
    pub tags: Vec<String>,
    #[serde(default)]
    pub photo_id: Option<Uuid>,
    #[serde(default)]
    pub phones: Vec<PhoneInput>,
    #[serde(default)]
    pub emails: Vec<LabelledValue>,
    #[serde(default)]
    pub messengers: Vec<Messenger>,
    #[serde(default)]
    pub addresses: Vec<LabelledValue>,
    #[serde(default)]
    pub tax_id: Option<String>,
    #[serde(default)]
    pub preferences: String,
    #[serde(default)]
    pub documents: Vec<ClientDocument>,
    #[serde(default)]
    pub notes: String,
    /// Sent only by roles with `clients_medical`; absent (null) leaves the stored text as is.
    #[serde(default)]
    pub physical_condition: Option<String>,
    /// Sent only by roles with `clients_medical`; absent (null) leaves the stored text as is.
    #[serde(default)]
    pub medical_notes: Option<String>,
    /// A minor's guardians (required under 18): replaces the card's list.
    #[serde(default)]
    pub guardians: Vec<GuardianInput>,
    /// A company's contact persons: replaces the card's list.
    #[serde(default)]
    pub contacts: Vec<ContactPersonInput>,
    /// Custom field values: replaces the values of live fields; null keeps them as stored.
    #[serde(default)]
    pub custom: Option<Vec<CustomValue>>,
}

#[derive(Debug, Clone, Serialize, Deserialize, Type, JsonSchema)]
pub struct ClientCreateArgs {
    pub client: ClientInput,
    /// Create it even though cards with the same phone, e-mail or name and birth date exist.
    #[serde(default)]
    pub allow_duplicate: bool,
}

#[derive(Debug, Clone, Serialize, Deserialize, Type, JsonSchema)]
pub struct ClientGetArgs {
    pub id: Uuid,
}

#[derive(Debug, Clone, Serialize, Deserialize, Type, JsonSchema)]
pub struct ClientUpdateArgs {
    pub id: Uuid,
    /// The version the caller read; a stale one is a conflict, never a silent overwrite.
    pub version: i64,
    pub client: ClientInput,
}

/// One row of the client list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type, JsonSchema)]
pub struct ClientSummary {
    pub id: Uuid,
    pub kind: ClientKind,
    pub name: String,
    pub card_number: Option<String>,
    pub birth_date: Option<NaiveDate>,
    pub status: ClientStatus,
    pub reliability: Reliability,
    pub category_id: Option<Uuid>,
    pub manager_id: Option<Uuid>,
    /// The first phone, E.164.
    pub phone: Option<String>,
    /// The first e-mail.
    pub email: Option<String>,
    pub last_contact_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
}

impl From<ClientInput> for ClientCreateArgs {
    fn from(client: ClientInput) -> Self {
        ClientCreateArgs {
            client,
            allow_duplicate: false,
        }
    }
}
