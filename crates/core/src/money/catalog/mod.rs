//! The catalogue: services and goods in categories, each with its price, tax rate and unit,
//! and the price list made from it.

use chrono::{DateTime, Utc};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use specta::Type;
use uuid::Uuid;

use super::amount::Tax;
use crate::auth::UserRef;

mod categories;
mod items;
pub(crate) use categories::{
    catalog_categories_list, catalog_category_create, catalog_category_update, insert_category,
};
pub(crate) use items::{
    catalog_item_create, catalog_item_update, catalog_items_list, insert_item, item_in,
};

#[derive(Debug, Clone, Serialize, Deserialize, Type, JsonSchema)]
pub struct CatalogCategory {
    pub id: Uuid,
    pub name: String,
    pub position: i32,
    /// Archived categories keep their items but are not offered for new ones.
    pub archived: bool,
    pub version: i64,
}

#[derive(Debug, Clone, Serialize, Deserialize, Type, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CatalogCategoryInput {
    pub name: String,
    #[serde(default)]
    pub archived: bool,
}

#[derive(Debug, Clone, Serialize, Deserialize, Type, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CatalogCategoryCreateArgs {
    pub category: CatalogCategoryInput,
}

#[derive(Debug, Clone, Serialize, Deserialize, Type, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CatalogCategoryUpdateArgs {
    pub id: Uuid,
    pub version: i64,
    pub category: CatalogCategoryInput,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Type, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum ItemKind {
    /// A class, a lesson, a rental of time: what memberships cover.
    Service,
    /// Something handed over: a drink, a T-shirt, a locker key.
    Good,
}

impl ItemKind {
    pub fn as_str(self) -> &'static str {
        match self {
            ItemKind::Service => "service",
            ItemKind::Good => "good",
        }
    }
    pub fn parse(s: &str) -> ItemKind {
        if s == "good" {
            ItemKind::Good
        } else {
            ItemKind::Service
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize, Type, JsonSchema)]
pub struct CatalogItem {
    pub id: Uuid,
    pub kind: ItemKind,
    pub name: String,
    pub category_id: Option<Uuid>,
    pub category_name: Option<String>,
    /// Minor units of the centre's currency.
    pub price: i64,
    pub tax: Tax,
    /// "hour", "bottle", "lesson"… (free text).
    pub unit: String,
    /// Inactive items stay on old invoices but are not sold any more.
    pub active: bool,
    pub created_at: DateTime<Utc>,
    pub created_by: Option<UserRef>,
    pub updated_at: DateTime<Utc>,
    pub updated_by: Option<UserRef>,
    pub version: i64,
}

#[derive(Debug, Clone, Serialize, Deserialize, Type, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CatalogItemInput {
    pub kind: ItemKind,
    pub name: String,
    #[serde(default)]
    pub category_id: Option<Uuid>,
    pub price: i64,
    #[serde(default)]
    pub tax: Tax,
    #[serde(default)]
    pub unit: String,
    #[serde(default = "yes")]
    pub active: bool,
}

pub(crate) fn yes() -> bool {
    true
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, Type, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CatalogItemsListArgs {
    /// Words of the name.
    #[serde(default)]
    pub query: String,
    #[serde(default)]
    pub kind: Option<ItemKind>,
    /// Also items no longer sold.
    #[serde(default)]
    pub include_inactive: bool,
}

#[derive(Debug, Clone, Serialize, Deserialize, Type, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CatalogItemCreateArgs {
    pub item: CatalogItemInput,
}

#[derive(Debug, Clone, Serialize, Deserialize, Type, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CatalogItemUpdateArgs {
    pub id: Uuid,
    /// The version read; a stale one is a conflict.
    pub version: i64,
    pub item: CatalogItemInput,
}
