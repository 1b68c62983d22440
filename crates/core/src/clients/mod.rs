//! Clients: people and companies, their contacts, families and company contact persons,
//! search, duplicates, and lookup by phone.
//!
//! - `model`: the card as the API speaks it; `validate`: reading a form;
//! - `store`: a card's rows; `links`: guardians and contact persons; `index`: what search
//!   matches; `search` and `sql`: the list; `duplicates`; `by_phone`;
//! - `cards`: the use cases behind `client_get`, `client_create`, `client_update`,
//!   `clients_search`.

#[macro_use]
pub mod model;
pub mod age_bands;
pub mod built;
pub(crate) mod bulk;
pub mod by_phone;
pub(crate) mod cards;
pub mod categories;
pub mod custom;
pub mod custom_values;
pub mod discount;
pub mod duplicates;
pub mod export;
pub mod fields;
pub mod import;
pub mod index;
pub mod layout;
pub mod links;
pub(crate) mod listing;
pub(crate) mod managers;
pub mod merge;
pub mod order;
pub mod saved_filters;
pub mod search;
pub mod sql;
pub mod store;
pub mod timeline;
pub mod valid;
pub mod validate;

use std::collections::HashSet;

use chrono::{DateTime, Utc};
use uuid::Uuid;

pub use age_bands::{AgeBand, AgeBandInput, AgeBandsSaveArgs};
pub use by_phone::{ClientsByPhone, ClientsByPhoneArgs, PhoneMatch};
pub use categories::{
    ClientCategory, ClientCategoryCreateArgs, ClientCategoryInput, ClientCategoryUpdateArgs,
};
pub use custom::{
    AppliesTo, CustomField, CustomFieldCreateArgs, CustomFieldInput, CustomFieldKind,
    CustomFieldUpdateArgs,
};
pub use custom_values::CustomFilter;
pub use discount::{Discount, DiscountRule, PurchaseStep};
pub use export::{ClientsExportArgs, ExportFile, ExportFormat};
pub use import::{
    ClientsImportArgs, ClientsImportResult, ColumnTarget, ImportColumn, ImportDuplicate,
    ImportError, ImportPreviewLine,
};
pub use layout::{CardLayout, CardLayoutSaveArgs, GroupPreset, LayoutGroup};
pub use listing::ClientsCount;
pub use merge::ClientsMergeArgs;
pub use model::*;
pub use order::IdOrderArgs;
pub use saved_filters::{SavedFilter, SavedFilterDeleteArgs, SavedFilterSaveArgs};
pub use search::{ClientFilters, ClientSort, ClientsPage, ClientsSearchArgs, TextQuery};
pub use timeline::{
    AttachedFile, ContactChannel, TimelineAddArgs, TimelineDeleteArgs, TimelineEntry,
    TimelineEntryInput, TimelineEvent, TimelineFile, TimelineKind, TimelineListArgs, TimelinePage,
    TimelineUpdateArgs,
};

use crate::db::Tx;
use crate::error::ApiError;

/// For the demo seed and bulk loads: validate and insert one card inside the caller's
/// transaction, with no audit entry of its own (the caller writes one for the batch).
/// Links are not written.
pub(crate) async fn insert_unaudited(
    tx: &mut Tx,
    input: &ClientInput,
    phone_country: &str,
    now: DateTime<Utc>,
    known_words: &mut HashSet<String>,
) -> Result<Uuid, ApiError> {
    let form = validate::Form {
        prefix: "",
        phone_country,
        today: now.date_naive(),
        medical_allowed: true,
        phones_allowed: true,
    };
    let v = form.validate(input)?;
    let id = crate::new_id();
    store::insert(tx, id, &v, None, now).await?;
    index::add_name_words(tx, &v.name, known_words).await?;
    Ok(id)
}
