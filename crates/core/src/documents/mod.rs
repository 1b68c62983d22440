//! Printed documents: an invoice for payment, a receipt, a contract and the price list, made
//! as PDF from typst templates the centre may edit.
//!
//! Each kind has a built-in template (`defaults/*.typ`); a centre's own, once saved, replaces
//! it. A template reads its data from `/data.json` ([`data`]): the centre's name, details
//! and logo, the labels in the document's language ([`words`]), and the record. A template
//! is saved only when it typesets against sample data with and without the optional parts;
//! otherwise the errors come back with their line and column and the previous one stays.
//!
//! Typesetting needs the `documents` feature (typst, about 35 MB of the binary); a build
//! without it — a tablet's — answers that documents are made by the hub.

use chrono::{DateTime, Utc};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use specta::Type;
use uuid::Uuid;

use crate::auth::UserRef;

mod data;
mod render;
mod sample;
mod templates;
pub mod words;
#[cfg(feature = "documents")]
mod worker;

pub(crate) use render::{document_render, document_template_preview};
pub(crate) use templates::{
    document_template_reset, document_template_save, document_templates_list,
};
pub use words::Lang;
#[cfg(feature = "documents")]
pub use worker::isolate_typesetting;

/// Starts this program as the typesetting worker when it was asked to (call first in `main`).
pub fn serve_worker_if_asked() {
    #[cfg(feature = "documents")]
    hallpass_typeset::worker::serve_if_asked();
}

/// Typesets in a worker process from now on, where the build makes documents.
pub fn isolate_documents() {
    #[cfg(feature = "documents")]
    isolate_typesetting();
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Type, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum DocumentKind {
    /// An invoice for payment (`id`: the invoice).
    Invoice,
    /// A receipt for a payment or refund (`id`: the payment).
    Receipt,
    /// A contract (`id`: the contract).
    Contract,
    /// The price list: the catalogue and the plans on sale (no `id`).
    PriceList,
}

impl DocumentKind {
    pub const ALL: [DocumentKind; 4] = [
        DocumentKind::Invoice,
        DocumentKind::Receipt,
        DocumentKind::Contract,
        DocumentKind::PriceList,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            DocumentKind::Invoice => "invoice",
            DocumentKind::Receipt => "receipt",
            DocumentKind::Contract => "contract",
            DocumentKind::PriceList => "price_list",
        }
    }

    /// The built-in template.
    pub fn default_source(self) -> &'static str {
        match self {
            DocumentKind::Invoice => include_str!("defaults/invoice.typ"),
            DocumentKind::Receipt => include_str!("defaults/receipt.typ"),
            DocumentKind::Contract => include_str!("defaults/contract.typ"),
            DocumentKind::PriceList => include_str!("defaults/price_list.typ"),
        }
    }
}

/// One kind's template as the centre uses it now.
#[derive(Debug, Clone, Serialize, Deserialize, Type, JsonSchema)]
pub struct DocumentTemplate {
    pub kind: DocumentKind,
    /// Typst markup.
    pub source: String,
    /// The built-in one (never saved, or reset).
    pub is_default: bool,
    /// 0 for the built-in one; pass it back to save.
    pub version: i64,
    pub updated_at: Option<DateTime<Utc>>,
    pub updated_by: Option<UserRef>,
}

#[derive(Debug, Clone, Serialize, Deserialize, Type, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct DocumentTemplateSaveArgs {
    pub kind: DocumentKind,
    pub source: String,
    /// The version read (0 for the built-in one); a stale one is a conflict.
    pub version: i64,
}

#[derive(Debug, Clone, Serialize, Deserialize, Type, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct DocumentTemplateResetArgs {
    pub kind: DocumentKind,
    pub version: i64,
}

/// A place in a template typst could not get past.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type, JsonSchema)]
pub struct TemplateProblem {
    /// 1-based; 0 when it is not in one place of the template.
    pub line: u32,
    /// 1-based, in characters.
    pub column: u32,
    /// Typst's message (English).
    pub message: String,
    pub hints: Vec<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, Type, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct DocumentPreviewArgs {
    pub kind: DocumentKind,
    /// The template being edited.
    pub source: String,
    /// A real record to show (else sample data).
    #[serde(default)]
    pub id: Option<Uuid>,
    #[serde(default)]
    pub lang: Lang,
}

/// The preview of a template being edited: its pages as SVG, or why it cannot be typeset.
#[derive(Debug, Clone, Serialize, Deserialize, Type, JsonSchema)]
pub struct DocumentPreview {
    pub pages: Vec<String>,
    pub problems: Vec<TemplateProblem>,
}

#[derive(Debug, Clone, Serialize, Deserialize, Type, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct DocumentRenderArgs {
    pub kind: DocumentKind,
    /// The invoice, payment or contract (none for the price list).
    #[serde(default)]
    pub id: Option<Uuid>,
    /// The language of the document's own words (the app's language).
    #[serde(default)]
    pub lang: Lang,
}

/// A PDF file.
#[derive(Debug, Clone, Serialize, Deserialize, Type, JsonSchema)]
pub struct DocumentFile {
    /// `invoice-1024.pdf`, `receipt-1024-2026-11-30.pdf`, `contract-17.pdf`, `price-list.pdf`.
    pub file_name: String,
    /// `application/pdf`.
    pub media_type: String,
    /// Base64.
    pub content: String,
}
