//! Typesetting: a record's data through the centre's template to PDF, a template being
//! edited to SVG pages, and the check a template passes before it is saved.

use base64::Engine;
use chrono::NaiveDate;
use uuid::Uuid;

use super::data::{self, Doc, Style};
use super::sample;
use super::templates::template_in;
use super::{DocumentFile, DocumentKind, DocumentPreview, DocumentPreviewArgs, DocumentRenderArgs};
use super::{Lang, TemplateProblem};
use crate::auth::Session;
use crate::centre::Centre;
use crate::db::Tx;
use crate::error::{ApiError, FieldError};
use crate::money::catalog::{catalog_items_list, CatalogItemsListArgs};
use crate::money::contracts::{contract_get, contract_in, ContractGetArgs};
use crate::money::invoices;
use crate::money::payments::payment_in;
use crate::money::plans::{membership_plans_list, MembershipPlansListArgs};
use crate::Core;

/// One document ready to typeset.
#[cfg_attr(not(feature = "documents"), allow(dead_code))]
struct Prepared {
    kind: DocumentKind,
    source: String,
    data: Vec<u8>,
    logo: Option<(String, Vec<u8>)>,
    today: NaiveDate,
}

fn prepare(
    kind: DocumentKind,
    source: String,
    doc: &Doc,
    centre: &Centre,
    today: NaiveDate,
) -> Prepared {
    Prepared {
        kind,
        source,
        data: serde_json::to_vec(doc).unwrap_or_default(),
        logo: centre.logo.as_deref().and_then(data::logo_file),
        today,
    }
}

#[cfg(feature = "documents")]
mod engine {
    use hallpass_typeset::worker::{Output, Request, Response, WireProblem};

    use super::{Prepared, TemplateProblem};
    use crate::error::ApiError;

    type Typeset<T> = Result<Result<T, Vec<TemplateProblem>>, ApiError>;

    fn request(p: &Prepared, output: Output) -> Request {
        let job = hallpass_typeset::Job {
            name: p.kind.as_str(),
            source: &p.source,
            data: p.data.clone(),
            files: p.logo.iter().cloned().collect(),
            today: p.today,
        };
        Request::new(output, &job)
    }

    fn problems(list: Vec<WireProblem>) -> Vec<TemplateProblem> {
        list.into_iter()
            .map(|p| TemplateProblem {
                line: u32::try_from(p.line).unwrap_or(u32::MAX),
                column: u32::try_from(p.column).unwrap_or(u32::MAX),
                message: p.message,
                hints: p.hints,
            })
            .collect()
    }

    /// Typesets in the worker process when the program set one up, else here (off the async
    /// threads: it is CPU work). A worker stopped for time or memory is the template's
    /// problem, said in words.
    async fn run(
        p: Prepared,
        output: Output,
    ) -> Result<Result<Response, Vec<TemplateProblem>>, ApiError> {
        let request = request(&p, output);
        if super::super::worker::isolated() {
            return Ok(super::super::worker::call(&request)
                .await
                .map_err(|stopped| {
                    vec![TemplateProblem {
                        line: 0,
                        column: 0,
                        message: stopped,
                        hints: vec![],
                    }]
                }));
        }
        tokio::task::spawn_blocking(move || request.run())
            .await
            .map(Ok)
            .map_err(|e| ApiError::Internal {
                message: format!("typesetting stopped: {e}"),
            })
    }

    fn unexpected<T>() -> Typeset<T> {
        Err(ApiError::Internal {
            message: "the typesetting worker answered with the wrong kind of output".into(),
        })
    }

    pub async fn pdf(p: Prepared) -> Typeset<Vec<u8>> {
        match run(p, Output::Pdf).await? {
            Ok(Response::Pdf(b)) => Ok(Ok(Response::pdf_bytes(&b))),
            Ok(Response::Problems(list)) => Ok(Err(problems(list))),
            Ok(_) => unexpected(),
            Err(stopped) => Ok(Err(stopped)),
        }
    }

    pub async fn svg(p: Prepared) -> Typeset<Vec<String>> {
        match run(p, Output::Svg).await? {
            Ok(Response::Svg(pages)) => Ok(Ok(pages)),
            Ok(Response::Problems(list)) => Ok(Err(problems(list))),
            Ok(_) => unexpected(),
            Err(stopped) => Ok(Err(stopped)),
        }
    }

    pub async fn check(p: Prepared) -> Typeset<usize> {
        match run(p, Output::Check).await? {
            Ok(Response::Pages(n)) => Ok(Ok(n)),
            Ok(Response::Problems(list)) => Ok(Err(problems(list))),
            Ok(_) => unexpected(),
            Err(stopped) => Ok(Err(stopped)),
        }
    }
}

#[cfg(not(feature = "documents"))]
mod engine {
    use super::{Prepared, TemplateProblem};
    use crate::error::ApiError;

    fn absent<T>() -> Result<Result<T, Vec<TemplateProblem>>, ApiError> {
        Err(ApiError::Unavailable {
            reason: "no_documents".into(),
            message: "this build makes no documents; connect to the hub to print".into(),
        })
    }

    pub async fn pdf(_: Prepared) -> Result<Result<Vec<u8>, Vec<TemplateProblem>>, ApiError> {
        absent()
    }

    pub async fn svg(_: Prepared) -> Result<Result<Vec<String>, Vec<TemplateProblem>>, ApiError> {
        absent()
    }

    pub async fn check(_: Prepared) -> Result<Result<usize, Vec<TemplateProblem>>, ApiError> {
        absent()
    }
}

/// What keeps a template from being saved: it must typeset sample data of its kind with
/// every optional part there and with none of them.
pub(crate) async fn check_template(
    kind: DocumentKind,
    source: &str,
    centre: &Centre,
    today: NaiveDate,
) -> Result<Vec<TemplateProblem>, ApiError> {
    let style = Style::of(centre, Lang::En);
    let mut found: Vec<TemplateProblem> = Vec::new();
    for full in [true, false] {
        let mut doc = Doc::new(centre, &style, today);
        sample::sample(kind, &mut doc, &style, full);
        if let Err(problems) =
            engine::check(prepare(kind, source.to_string(), &doc, centre, today)).await?
        {
            for p in problems {
                if !found.contains(&p) {
                    found.push(p);
                }
            }
        }
    }
    Ok(found)
}

async fn centre(tx: &mut Tx) -> Result<Centre, ApiError> {
    crate::centre::load(tx)
        .await?
        .ok_or_else(|| ApiError::not_found("centre"))
}

/// The record's data and the file name it prints under.
async fn record(
    core: &Core,
    session: &Session,
    kind: DocumentKind,
    id: Option<Uuid>,
    doc: &mut Doc,
    style: &Style,
) -> Result<String, ApiError> {
    let today = session.local_date(core.now());
    let need_id = || id.ok_or_else(|| ApiError::field("id", "required", "which record to print"));
    match kind {
        DocumentKind::Invoice => {
            let mut tx = core.db.read().await?;
            let invoice = invoices::one(&mut tx, need_id()?).await?;
            let contract = match invoice.contract_id {
                Some(k) => contract_in(&mut tx, k, today).await?.map(|k| k.number),
                None => None,
            };
            tx.commit().await?;
            doc.invoice = Some(data::invoice(style, &invoice, contract));
            Ok(format!("invoice-{}.pdf", invoice.number))
        }
        DocumentKind::Receipt => {
            let mut tx = core.db.read().await?;
            let payment = payment_in(&mut tx, need_id()?)
                .await?
                .ok_or_else(|| ApiError::not_found("payment"))?;
            let payer = crate::money::party(&mut tx, payment.payer_id, "id").await?;
            let invoice = match payment.invoice_id {
                Some(i) => Some(invoices::one(&mut tx, i).await?),
                None => None,
            };
            tx.commit().await?;
            let zone = session.local.time_zone;
            doc.payment = Some(data::payment(style, &payment, &payer.name, zone));
            let name = match &invoice {
                Some(i) => format!("receipt-{}-{}.pdf", i.number, payment.day),
                None => format!("receipt-{}.pdf", payment.day),
            };
            doc.invoice = invoice.map(|i| data::invoice(style, &i, None));
            Ok(name)
        }
        DocumentKind::Contract => {
            let k = contract_get(core, session, ContractGetArgs { id: need_id()? }).await?;
            doc.contract = Some(data::contract(style, &k, &k.invoices));
            Ok(format!("contract-{}.pdf", k.number))
        }
        DocumentKind::PriceList => {
            let items = catalog_items_list(core, session, CatalogItemsListArgs::default()).await?;
            let plans =
                membership_plans_list(core, session, MembershipPlansListArgs::default()).await?;
            doc.price_list = Some(data::price_list(style, &items, &plans));
            Ok("price-list.pdf".into())
        }
    }
}

pub(crate) async fn document_render(
    core: &Core,
    session: &Session,
    args: DocumentRenderArgs,
) -> Result<DocumentFile, ApiError> {
    let today = session.local_date(core.now());
    let (centre, template) = {
        let mut tx = core.db.read().await?;
        let c = centre(&mut tx).await?;
        let t = template_in(&mut tx, args.kind).await?;
        tx.commit().await?;
        (c, t)
    };
    let style = Style::of(&centre, args.lang);
    let mut doc = Doc::new(&centre, &style, today);
    let file_name = record(core, session, args.kind, args.id, &mut doc, &style).await?;
    let prepared = prepare(args.kind, template.source, &doc, &centre, today);
    match engine::pdf(prepared).await? {
        Ok(pdf) => Ok(DocumentFile {
            file_name,
            media_type: "application/pdf".into(),
            content: base64::engine::general_purpose::STANDARD.encode(pdf),
        }),
        // A saved template typesets its samples; this record gave it something it did not
        // expect. Say where, so whoever edits templates can mend it.
        Err(problems) => Err(ApiError::Validation {
            errors: problems
                .into_iter()
                .take(5)
                .map(|p| FieldError {
                    field: "template".into(),
                    code: "template_error".into(),
                    message: format!(
                        "the {} template cannot print this record (line {}, column {}): {}",
                        args.kind.as_str(),
                        p.line,
                        p.column,
                        p.message
                    ),
                })
                .collect(),
        }),
    }
}

pub(crate) async fn document_template_preview(
    core: &Core,
    session: &Session,
    args: DocumentPreviewArgs,
) -> Result<DocumentPreview, ApiError> {
    if args.source.len() > super::templates::MAX_SOURCE_BYTES {
        return Err(ApiError::field("source", "too_long", "at most 200 KB"));
    }
    let today = session.local_date(core.now());
    let centre = {
        let mut tx = core.db.read().await?;
        let c = centre(&mut tx).await?;
        tx.commit().await?;
        c
    };
    let style = Style::of(&centre, args.lang);
    let mut doc = Doc::new(&centre, &style, today);
    // Real records only for those who may read money; the others preview sample data.
    let money = session.can(crate::roles::Permission::MoneyRead);
    if args.id.is_some() && !money {
        return Err(ApiError::Forbidden {
            permission: "money_read".into(),
            message: "previewing a real record needs money_read".into(),
        });
    }
    match args.id {
        Some(id) => {
            record(core, session, args.kind, Some(id), &mut doc, &style).await?;
        }
        None if args.kind == DocumentKind::PriceList && money => {
            record(core, session, args.kind, None, &mut doc, &style).await?;
        }
        None => sample::sample(args.kind, &mut doc, &style, true),
    }
    let prepared = prepare(args.kind, args.source, &doc, &centre, today);
    Ok(match engine::svg(prepared).await? {
        Ok(pages) => DocumentPreview {
            pages,
            problems: vec![],
        },
        Err(problems) => DocumentPreview {
            pages: vec![],
            problems,
        },
    })
}
