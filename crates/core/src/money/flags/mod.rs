//! Red flags: one health signal per client and membership, each with its reason — visits
//! nearly gone, ending soon, unpaid, frozen, expired without a new pass, plus the client's own
//! (a medical note, a child without a guardian) and their debt. [`compute::flags_for`] works
//! them out for many clients in one query; the thresholds are the centre's settings.

use chrono::NaiveDate;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use specta::Type;
use uuid::Uuid;

mod compute;
mod settings;
pub(crate) use compute::flags_get;
pub use compute::{flags_for, Reader};
pub(crate) use settings::{flag_settings_get, flag_settings_save, load as load_settings};

/// Most clients one `flags_get` call asks about.
pub const MAX_IDS: usize = 1_000;

/// Why a client or a pass is flagged. Amounts are left out for readers who may not see
/// money; the medical note only shows to readers who may see medical notes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type, JsonSchema)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Flag {
    /// Visits left at or under the threshold (0: used up).
    VisitsLow {
        membership_id: Uuid,
        membership: String,
        visits_left: u32,
    },
    /// Ends within the threshold's days.
    EndsSoon {
        membership_id: Uuid,
        membership: String,
        ends_on: NaiveDate,
        days_left: i64,
    },
    /// Its invoice is not fully paid.
    Unpaid {
        membership_id: Uuid,
        membership: String,
        due: Option<i64>,
    },
    Frozen {
        membership_id: Uuid,
        membership: String,
        until: NaiveDate,
    },
    /// Ended lately and no other pass took its place.
    Expired {
        membership_id: Uuid,
        membership: String,
        ended_on: NaiveDate,
    },
    /// Owes money as a payer (all unpaid invoices).
    Debt { amount: Option<i64> },
    /// Came to classes with no pass to pay for them: visits owed at the desk.
    ToSettle { classes: u32 },
    /// The card has a medical note or a physical condition.
    MedicalNote,
    /// A child with no guardian on the card.
    NoGuardian,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type, JsonSchema)]
pub struct ClientFlags {
    pub client_id: Uuid,
    pub flags: Vec<Flag>,
}

#[derive(Debug, Clone, Serialize, Deserialize, Type, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct FlagsGetArgs {
    /// At most 1,000 cards; only flagged ones come back.
    pub client_ids: Vec<Uuid>,
}

/// The thresholds of the flags.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Type, JsonSchema)]
pub struct FlagSettings {
    /// Flag a pass with this many visits left or fewer.
    pub visits_low: u32,
    /// Flag a pass ending within this many days.
    pub ends_within_days: u32,
    /// Flag a pass that ended this many days ago or less, if no other replaced it.
    pub expired_within_days: u32,
    pub version: i64,
}

#[derive(Debug, Clone, Serialize, Deserialize, Type, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct FlagSettingsSaveArgs {
    pub visits_low: u32,
    pub ends_within_days: u32,
    pub expired_within_days: u32,
    /// The version read; a stale one is a conflict.
    pub version: i64,
}
