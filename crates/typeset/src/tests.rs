use super::*;

fn job<'a>(source: &'a str, data: &str) -> Job<'a> {
    Job {
        name: "test",
        source,
        data: data.as_bytes().to_vec(),
        files: vec![],
        today: NaiveDate::from_ymd_opt(2026, 11, 30).unwrap(),
    }
}

#[test]
fn reads_its_data_and_makes_a_pdf() {
    let source =
        "#let d = json(\"/data.json\")\nInvoice for #d.client, #datetime.today().display()";
    let bytes = pdf(&job(source, r#"{"client": "Анна Петрова"}"#)).unwrap();
    assert!(bytes.starts_with(b"%PDF-"));
}

#[test]
fn syntax_errors_come_back_with_line_and_column_all_at_once() {
    let source = "= Title\n#let x = (1, 2\n\nText #\"unclosed";
    let problems = check(&job(source, "{}")).unwrap_err();
    assert!(problems.len() >= 2, "{problems:?}");
    assert!(problems.iter().all(|p| p.line >= 2), "{problems:?}");
    assert_eq!(problems[0].line, 2, "{problems:?}");
}

#[test]
fn an_unknown_field_is_placed_where_the_template_reads_it() {
    let source = "#let d = json(\"/data.json\")\nHello\n  #d.clinet";
    let problems = check(&job(source, r#"{"client": "x"}"#)).unwrap_err();
    assert_eq!(problems.len(), 1, "{problems:?}");
    assert_eq!(
        (problems[0].line, problems[0].column),
        (3, 6),
        "{problems:?}"
    );
    assert!(problems[0].message.contains("clinet"), "{problems:?}");
}

#[test]
fn a_missing_file_is_an_error_not_a_panic() {
    let problems = check(&job("#image(\"/logo.png\")", "{}")).unwrap_err();
    assert_eq!(problems[0].line, 1);
    assert!(problems[0].message.contains("not found"), "{problems:?}");
}

#[test]
fn shapes_lao_and_khmer_with_the_shipped_fonts_and_breaks_unspaced_lines() {
    // A long Lao line and a long Khmer line without spaces: each must wrap on a narrow page.
    let lao = "ສະບາຍດີຍິນດີຕ້ອນຮັບສູ່ສູນກິລາຂອງພວກເຮົາ".repeat(6);
    let khmer = "សួស្តីសូមស្វាគមន៍មកកាន់មជ្ឈមណ្ឌលរបស់យើង".repeat(6);
    let source = format!(
        "#set page(width: 8cm, height: auto, margin: 5mm)\n#set text(font: (\"Noto Sans\", \"Noto Sans Lao\", \"Noto Sans Khmer\"))\n{lao}\n\n{khmer}"
    );
    let pages = svg(&job(&source, "{}")).unwrap();
    assert_eq!(pages.len(), 1);
    let doc_height = |svg: &str| -> f64 {
        let at = svg.find("height=\"").unwrap() + 8;
        svg[at..]
            .split('"')
            .next()
            .unwrap()
            .trim_end_matches("pt")
            .parse()
            .unwrap()
    };
    // Two paragraphs of one line each would be about 60pt high with the margins; wrapped,
    // they are several times that.
    assert!(doc_height(&pages[0]) > 120.0, "lines did not wrap");
    let fonts: Vec<String> = SHARED
        .fonts
        .iter()
        .map(|f| f.info().family.clone())
        .collect();
    for family in FONT_FAMILIES {
        assert!(
            fonts.iter().any(|f| f == family),
            "{family} not shipped: {fonts:?}"
        );
    }
}

#[test]
fn reads_other_files_it_is_given() {
    let png = {
        // A 1×1 PNG.
        let b64 = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==";
        use base64::Engine;
        base64::engine::general_purpose::STANDARD
            .decode(b64)
            .unwrap()
    };
    let mut j = job("#image(\"/logo.png\", width: 1cm)", "{}");
    j.files.push(("/logo.png".into(), png));
    assert!(pdf(&j).is_ok());
}

#[test]
fn a_worker_request_carries_the_job_and_answers_each_output() {
    use crate::worker::{Output, Request, Response};
    let source = "#let d = json(\"/data.json\")\n#d.name";
    let j = job(source, r#"{"name": "Vilay"}"#);
    let line = serde_json::to_string(&Request::new(Output::Pdf, &j)).unwrap();
    let request: Request = serde_json::from_str(&line).unwrap();
    match request.run() {
        Response::Pdf(b) => assert!(Response::pdf_bytes(&b).starts_with(b"%PDF-")),
        other => panic!("{other:?}"),
    }
    assert!(matches!(
        Request::new(Output::Check, &j).run(),
        Response::Pages(1)
    ));
    let broken = job("#d.name", "{}");
    assert!(
        matches!(Request::new(Output::Svg, &broken).run(), Response::Problems(p) if p[0].line == 1)
    );
}
