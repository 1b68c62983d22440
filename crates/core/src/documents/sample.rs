//! Sample data of each kind, which a template must typeset before it is saved (and which the
//! editor's preview shows): the same shapes as real records ([`super::data`]).

use chrono::NaiveDate;

use super::data::{
    CategoryDoc, ContractDoc, ContractInvoiceDoc, Doc, InvoiceDoc, ItemDoc, LineDoc, PaymentDoc,
    PlanDoc, PriceListDoc, Style,
};
use super::words;
use super::DocumentKind;

/// Data as a record of `kind` could give it: `full` fills every optional part (a contract, a
/// note, an invoice behind a receipt), otherwise they are left out; a template must read
/// both.
pub(crate) fn sample(kind: DocumentKind, doc: &mut Doc, s: &Style, full: bool) {
    let day = NaiveDate::from_ymd_opt(2026, 11, 30).unwrap_or_default();
    let line = |description: &str, quantity: i64, price: i64, discount: i64| LineDoc {
        description: description.into(),
        quantity: words::number(s.lang, quantity),
        unit_price: s.money(price),
        discount: s.money(discount),
        tax: s.money(0),
        total: s.money(price * quantity - discount),
    };
    let invoice = || InvoiceDoc {
        number: "1024".into(),
        issued_on: s.date(day),
        client: "Anna Petrova".into(),
        payer: "Olga Petrova".into(),
        contract: full.then(|| "17".into()),
        lines: vec![
            line("Swimming — 10 visits", 1, 120_000_000, 12_000_000),
            line("Water bottle", 2, 1_500_000, 0),
        ],
        subtotal: s.money(123_000_000),
        discount: s.money(12_000_000),
        tax: s.money(0),
        tax_included: true,
        total: s.money(111_000_000),
        paid: s.money(55_500_000),
        due: s.money(55_500_000),
        cancelled: false,
        note: if full {
            "Paid by the parent".into()
        } else {
            String::new()
        },
    };
    match kind {
        DocumentKind::Invoice => doc.invoice = Some(invoice()),
        DocumentKind::Receipt => {
            doc.invoice = full.then(invoice);
            doc.payment = Some(PaymentDoc {
                date: s.date(day),
                time: "10:30".into(),
                amount: s.money(55_500_000),
                method: words::label(s.lang, "cash"),
                received_from: "Olga Petrova".into(),
                received_by: "Noy Sisavath".into(),
                refund: !full,
                from_credit: !full,
                reason: if full {
                    String::new()
                } else {
                    "Moving away".into()
                },
            });
        }
        DocumentKind::Contract => {
            doc.contract = Some(ContractDoc {
                number: "17".into(),
                client: "Anna Petrova".into(),
                payer: "Olga Petrova".into(),
                starts_on: s.date(day),
                ends_on: s.date(day + chrono::Duration::days(364)),
                note: if full {
                    "Group lessons twice a week".into()
                } else {
                    String::new()
                },
                cancelled: false,
                invoices: if full {
                    vec![ContractInvoiceDoc {
                        number: "1024".into(),
                        issued_on: s.date(day),
                        total: s.money(111_000_000),
                        paid: s.money(55_500_000),
                    }]
                } else {
                    vec![]
                },
            })
        }
        DocumentKind::PriceList => {
            doc.price_list = Some(PriceListDoc {
                categories: if full {
                    vec![CategoryDoc {
                        name: "Drinks".into(),
                        items: vec![ItemDoc {
                            name: "Water bottle".into(),
                            unit: "bottle".into(),
                            price: s.money(1_500_000),
                        }],
                    }]
                } else {
                    vec![]
                },
                plans: if full {
                    vec![PlanDoc {
                        name: "Swimming — 10 visits".into(),
                        visits: format!("10 {}", words::label(s.lang, "visits")),
                        validity: format!("3 {}", words::label(s.lang, "months")),
                        price: s.money(120_000_000),
                    }]
                } else {
                    vec![]
                },
            })
        }
    }
}
