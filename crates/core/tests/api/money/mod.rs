//! Memberships and money: the catalogue, plans, sales, payments, credit, refunds, and what
//! happens when desks work on the same money at once.

mod after_sale;
mod cash;
mod catalog;
mod concurrency;
mod contracts;
mod flags;
mod passes;
mod sales;

use hallpass_core::api::*;
use uuid::Uuid;

use crate::support::TestCore;

/// A 10-visit pass valid 30 days from the sale, 1,000,000.00 (minor units), VAT 10 % included.
pub fn ten_visits(covers: Vec<Uuid>) -> MembershipPlanInput {
    MembershipPlanInput {
        name: "10 visits".into(),
        visits: Some(10),
        validity: Validity {
            count: 30,
            unit: ValidityUnit::Days,
        },
        starts: PlanStart::Sale,
        covers,
        cap: None,
        price: 100_000_000,
        tax: Tax {
            points: 1_000,
            included: true,
        },
        freeze_days: 14,
        family: false,
        active: true,
    }
}

pub async fn plan(t: &TestCore, token: Option<&str>, input: MembershipPlanInput) -> MembershipPlan {
    t.core
        .membership_plan_create(token, MembershipPlanCreateArgs { plan: input })
        .await
        .unwrap()
}

pub async fn item(
    t: &TestCore,
    token: Option<&str>,
    kind: ItemKind,
    name: &str,
    price: i64,
) -> CatalogItem {
    let item = CatalogItemInput {
        kind,
        name: name.into(),
        category_id: None,
        price,
        tax: Tax::default(),
        unit: String::new(),
        active: true,
    };
    t.core
        .catalog_item_create(token, CatalogItemCreateArgs { item })
        .await
        .unwrap()
}

/// A new adult card, optionally in a category.
pub async fn client(t: &TestCore, token: Option<&str>, name: &str, category: Option<Uuid>) -> Uuid {
    let mut input = crate::helpers::adult(name);
    input.category_id = category;
    t.core
        .client_create(
            token,
            ClientCreateArgs {
                client: input,
                allow_duplicate: true,
            },
        )
        .await
        .unwrap()
        .id
}

pub fn sell(client_id: Uuid, plan_id: Uuid) -> MembershipSellArgs {
    MembershipSellArgs {
        client_id,
        plan_id,
        payer_id: None,
        start_date: None,
        discount: None,
        note: String::new(),
    }
}

pub fn pay(invoice_id: Uuid, amount: i64, method: PaymentMethod) -> PaymentAddArgs {
    PaymentAddArgs {
        invoice_id,
        amount,
        method,
    }
}
