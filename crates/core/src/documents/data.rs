//! What a template reads from `/data.json`: the centre, the labels in the document's language,
//! and the record printed — amounts and dates already written out in that language.
//!
//! The same shapes serve real records and the samples a template is checked against, so a
//! template that reads a field the data does not have is caught when it is saved.

use chrono::NaiveDate;
use serde::Serialize;

use super::words::{self, Lang};
use crate::centre::Centre;
use crate::money::catalog::CatalogItem;
use crate::money::contracts::Contract;
use crate::money::invoices::{Invoice, InvoiceStatus, InvoiceSummary};
use crate::money::payments::{Payment, PaymentKind};
use crate::money::plans::{MembershipPlan, PlanStart, ValidityUnit};

/// The centre's logo as a file a template can read (`/logo.png`…), from its data URL.
pub(crate) fn logo_file(data_url: &str) -> Option<(String, Vec<u8>)> {
    let mime = data_url.strip_prefix("data:")?.split(';').next()?;
    let ext = match mime {
        "image/png" => "png",
        "image/jpeg" => "jpg",
        "image/webp" => "webp",
        "image/svg+xml" => "svg",
        _ => return None,
    };
    let bytes = crate::files::decode_base64(data_url, 1024 * 1024, "logo").ok()?;
    Some((format!("/logo.{ext}"), bytes))
}

/// How amounts and dates are written.
pub(crate) struct Style {
    pub lang: Lang,
    pub currency: String,
    pub exponent: u16,
}

impl Style {
    pub fn of(centre: &Centre, lang: Lang) -> Style {
        Style {
            lang,
            currency: centre.currency.clone(),
            exponent: centre.currency_exponent,
        }
    }

    pub(super) fn money(&self, minor: i64) -> String {
        words::money(self.lang, minor, &self.currency, self.exponent)
    }

    pub(super) fn date(&self, day: NaiveDate) -> String {
        words::date(self.lang, day)
    }
}

#[derive(Debug, Serialize)]
pub(crate) struct Doc {
    pub lang: &'static str,
    pub labels: serde_json::Map<String, serde_json::Value>,
    pub centre: CentreDoc,
    pub today: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub invoice: Option<InvoiceDoc>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub payment: Option<PaymentDoc>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub contract: Option<ContractDoc>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub price_list: Option<PriceListDoc>,
}

impl Doc {
    pub fn new(centre: &Centre, style: &Style, today: NaiveDate) -> Doc {
        Doc {
            lang: style.lang.code(),
            labels: words::labels(style.lang),
            centre: CentreDoc {
                name: centre.name.clone(),
                details: centre.details.clone(),
                logo: centre
                    .logo
                    .as_deref()
                    .and_then(logo_file)
                    .map(|(path, _)| path),
            },
            today: style.date(today),
            invoice: None,
            payment: None,
            contract: None,
            price_list: None,
        }
    }
}

#[derive(Debug, Serialize)]
pub(crate) struct CentreDoc {
    pub name: String,
    /// Address, phones, tax number, bank account: lines separated by `\n`.
    pub details: String,
    /// The logo's path for `image(…)`, or none.
    pub logo: Option<String>,
}

#[derive(Debug, Serialize)]
pub(crate) struct LineDoc {
    pub description: String,
    pub quantity: String,
    pub unit_price: String,
    pub discount: String,
    pub tax: String,
    pub total: String,
}

#[derive(Debug, Serialize)]
pub(crate) struct InvoiceDoc {
    pub number: String,
    pub issued_on: String,
    pub client: String,
    pub payer: String,
    /// The contract's number, or none.
    pub contract: Option<String>,
    pub lines: Vec<LineDoc>,
    pub subtotal: String,
    pub discount: String,
    pub tax: String,
    /// Whether the tax is in the prices (else it was added on top).
    pub tax_included: bool,
    pub total: String,
    pub paid: String,
    pub due: String,
    pub cancelled: bool,
    pub note: String,
}

pub(crate) fn invoice(s: &Style, i: &Invoice, contract_number: Option<i64>) -> InvoiceDoc {
    InvoiceDoc {
        number: i.number.to_string(),
        issued_on: s.date(i.issued_on),
        client: i.client.name.clone(),
        payer: i.payer.name.clone(),
        contract: contract_number.map(|n| n.to_string()),
        lines: i
            .lines
            .iter()
            .map(|l| LineDoc {
                description: l.description.clone(),
                quantity: words::number(s.lang, i64::from(l.price.quantity)),
                unit_price: s.money(l.price.unit_price),
                discount: s.money(l.price.discount),
                tax: s.money(l.price.tax_amount),
                total: s.money(l.price.total),
            })
            .collect(),
        subtotal: s.money(i.subtotal),
        discount: s.money(i.discount),
        tax: s.money(i.tax),
        tax_included: i.lines.iter().all(|l| l.price.tax.included),
        total: s.money(i.total),
        paid: s.money(i.paid),
        due: s.money(i.due),
        cancelled: i.status == InvoiceStatus::Cancelled,
        note: i.note.clone(),
    }
}

#[derive(Debug, Serialize)]
pub(crate) struct PaymentDoc {
    pub date: String,
    pub time: String,
    pub amount: String,
    pub method: String,
    pub received_from: String,
    pub received_by: String,
    pub refund: bool,
    /// Money paid out of the payer's credit (a refund on no invoice).
    pub from_credit: bool,
    pub reason: String,
}

pub(crate) fn payment(s: &Style, p: &Payment, payer: &str, zone: chrono_tz::Tz) -> PaymentDoc {
    PaymentDoc {
        date: s.date(p.day),
        time: p.paid_at.with_timezone(&zone).format("%H:%M").to_string(),
        amount: s.money(p.amount.abs()),
        method: words::label(s.lang, p.method.as_str()),
        received_from: payer.to_string(),
        received_by: p
            .created_by
            .as_ref()
            .map(|u| u.name.clone())
            .unwrap_or_default(),
        refund: p.kind == PaymentKind::Refund,
        from_credit: p.kind == PaymentKind::Refund && p.invoice_id.is_none(),
        reason: p.reason.clone(),
    }
}

#[derive(Debug, Serialize)]
pub(crate) struct ContractDoc {
    pub number: String,
    pub client: String,
    pub payer: String,
    pub starts_on: String,
    pub ends_on: String,
    pub note: String,
    pub cancelled: bool,
    pub invoices: Vec<ContractInvoiceDoc>,
}

#[derive(Debug, Serialize)]
pub(crate) struct ContractInvoiceDoc {
    pub number: String,
    pub issued_on: String,
    pub total: String,
    pub paid: String,
}

pub(crate) fn contract(s: &Style, k: &Contract, invoices: &[InvoiceSummary]) -> ContractDoc {
    ContractDoc {
        number: k.number.to_string(),
        client: k.client.name.clone(),
        payer: k.payer.name.clone(),
        starts_on: s.date(k.starts_on),
        ends_on: s.date(k.ends_on),
        note: k.note.clone(),
        cancelled: k.state == crate::money::contracts::ContractState::Cancelled,
        invoices: invoices
            .iter()
            .map(|i| ContractInvoiceDoc {
                number: i.number.to_string(),
                issued_on: s.date(i.issued_on),
                total: s.money(i.total),
                paid: s.money(i.paid),
            })
            .collect(),
    }
}

#[derive(Debug, Serialize)]
pub(crate) struct PriceListDoc {
    pub categories: Vec<CategoryDoc>,
    pub plans: Vec<PlanDoc>,
}

#[derive(Debug, Serialize)]
pub(crate) struct CategoryDoc {
    pub name: String,
    pub items: Vec<ItemDoc>,
}

#[derive(Debug, Serialize)]
pub(crate) struct ItemDoc {
    pub name: String,
    pub unit: String,
    pub price: String,
}

#[derive(Debug, Serialize)]
pub(crate) struct PlanDoc {
    pub name: String,
    /// "10 visits" or "unlimited visits".
    pub visits: String,
    /// "3 months" or "30 days, from the first visit".
    pub validity: String,
    pub price: String,
}

pub(crate) fn price_list(
    s: &Style,
    items: &[CatalogItem],
    plans: &[MembershipPlan],
) -> PriceListDoc {
    let mut categories: Vec<CategoryDoc> = Vec::new();
    let mut last: Option<Option<uuid::Uuid>> = None;
    for item in items {
        if last != Some(item.category_id) {
            last = Some(item.category_id);
            categories.push(CategoryDoc {
                name: item.category_name.clone().unwrap_or_default(),
                items: Vec::new(),
            });
        }
        if let Some(category) = categories.last_mut() {
            category.items.push(ItemDoc {
                name: item.name.clone(),
                unit: item.unit.clone(),
                price: s.money(item.price),
            });
        }
    }
    let plans = plans
        .iter()
        .map(|p| {
            let visits = match p.visits {
                Some(n) => format!(
                    "{} {}",
                    words::number(s.lang, n.into()),
                    words::label(s.lang, "visits")
                ),
                None => words::label(s.lang, "unlimited"),
            };
            let unit = match p.validity.unit {
                ValidityUnit::Days => "days",
                ValidityUnit::Months => "months",
            };
            let mut validity = format!("{} {}", p.validity.count, words::label(s.lang, unit));
            if p.starts == PlanStart::FirstVisit {
                validity = format!("{validity}, {}", words::label(s.lang, "from_first_visit"));
            }
            PlanDoc {
                name: p.name.clone(),
                visits,
                validity,
                price: s.money(p.price),
            }
        })
        .collect();
    PriceListDoc { categories, plans }
}
