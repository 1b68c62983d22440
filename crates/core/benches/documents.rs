//! Printing: a one-page invoice made into a PDF through `document_render` on the demo centre
//! (SQLite): the first render of the process (fonts and typst's library loaded), then warm —
//! the same invoice again, and a different invoice each time (new data, same template) — and
//! a Lao receipt; then the same through the typesetting worker process.
//! Run: `./dev bench` (or `cargo bench -p hallpass-core --bench documents`).

use std::time::{Duration, Instant};

use hallpass_core::api::*;
use hallpass_core::{Core, DbUrl};

fn report(what: &str, mut times: Vec<Duration>) {
    times.sort();
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    let median = times[times.len() / 2];
    let p95 = times[(times.len() * 95 / 100).min(times.len() - 1)];
    println!(
        "{what}: median {:.1} ms, p95 {:.1} ms, fastest {:.1} ms ({} renders)",
        ms(median),
        ms(p95),
        ms(times[0]),
        times.len()
    );
}

#[tokio::main]
async fn main() {
    // The second half runs through the typesetting worker: this program, started again.
    hallpass_core::documents::serve_worker_if_asked();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("bench.db");
    let core = Core::open(&DbUrl::Sqlite(path.to_string_lossy().into_owned()))
        .await
        .unwrap();
    hallpass_core::demo::seed(&core).await.unwrap();
    let token = core
        .login(LoginArgs {
            login: "reception".into(),
            password: hallpass_core::demo::DEMO_PASSWORD.into(),
            device: None,
        })
        .await
        .unwrap()
        .token;
    let tok = Some(token.as_str());
    let invoices = core
        .invoices_list(
            tok,
            InvoicesListArgs {
                limit: Some(60),
                ..Default::default()
            },
        )
        .await
        .unwrap()
        .invoices;
    let render = |kind, id, lang| DocumentRenderArgs {
        kind,
        id: Some(id),
        lang,
    };

    let t = Instant::now();
    let first = core
        .document_render(tok, render(DocumentKind::Invoice, invoices[0].id, Lang::En))
        .await
        .unwrap();
    println!(
        "first invoice PDF of the process: {:.1} ms ({} KB)",
        t.elapsed().as_secs_f64() * 1000.0,
        first.content.len() * 3 / 4 / 1024
    );

    let mut same = Vec::new();
    for _ in 0..40 {
        let t = Instant::now();
        core.document_render(tok, render(DocumentKind::Invoice, invoices[0].id, Lang::En))
            .await
            .unwrap();
        same.push(t.elapsed());
    }
    report("warm, the same invoice", same);

    let mut other = Vec::new();
    for inv in invoices.iter().skip(1) {
        let t = Instant::now();
        core.document_render(tok, render(DocumentKind::Invoice, inv.id, Lang::En))
            .await
            .unwrap();
        other.push(t.elapsed());
    }
    report("warm, a different invoice each time", other);

    let paid = core
        .invoice_get(
            tok,
            InvoiceGetArgs {
                id: invoices.iter().find(|i| i.paid > 0).unwrap().id,
            },
        )
        .await
        .unwrap();
    let payment = paid.payments[0].id;
    let mut lao = Vec::new();
    for _ in 0..20 {
        let t = Instant::now();
        core.document_render(tok, render(DocumentKind::Receipt, payment, Lang::Lo))
            .await
            .unwrap();
        lao.push(t.elapsed());
    }
    report("warm, a receipt in Lao", lao);

    // Through the worker process, as the hub and the app do it.
    hallpass_core::documents::isolate_documents();
    let t = Instant::now();
    core.document_render(tok, render(DocumentKind::Invoice, invoices[0].id, Lang::En))
        .await
        .unwrap();
    println!(
        "worker: first invoice PDF (the worker starts): {:.1} ms",
        t.elapsed().as_secs_f64() * 1000.0
    );
    let mut worker = Vec::new();
    for inv in invoices.iter().skip(1) {
        let t = Instant::now();
        core.document_render(tok, render(DocumentKind::Invoice, inv.id, Lang::En))
            .await
            .unwrap();
        worker.push(t.elapsed());
    }
    report("worker: warm, a different invoice each time", worker);
}
