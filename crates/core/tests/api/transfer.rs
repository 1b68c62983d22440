//! Import from CSV and spreadsheets as accounting programs really write them, and export
//! that comes back the same when imported.

use hallpass_core::api::*;
use rust_xlsxwriter::{ExcelDateTime, Workbook};

use crate::helpers::import_args as args;
use crate::support::each_engine;

/// A client list as a Russian accounting program exports it: Windows-1251, `;`, a title
/// line, quotes inside quotes, a ragged line, bad lines and a totals line.
const LIST_1251: &str = "Список клиентов на 01.10.2026;;;;\r\n\
ФИО;Телефон;Дата рождения;Родитель;Примечание\r\n\
Иванова Анна Сергеевна;8 (701) 123-45-67;14.03.1988;;\"Любит \"\"утренние\"\" занятия\"\r\n\
Петров Миша;;01.02.2017;Петрова Ольга (мама), +7 701 555 44 33;\r\n\
Петрова Маша;;05.06.2019;Петрова Ольга, 8 701 555 44 33;младшая\r\n\
Сидоров Коля;;31.02.2016;;\r\n\
Ким Алексей;восемь семьсот один;1990-05-05;;\r\n\
Ли Дина;;10.10.2018\r\n\
;;;;\r\n\
Итого: 6;;;;\r\n";

#[tokio::test]
async fn a_windows_1251_csv_with_bad_lines_is_reported_line_by_line_and_written_whole_or_not_at_all(
) {
    each_engine(|t| async move {
        t.demo().await;
        let mgr = t.login("manager").await;
        let mgr = Some(mgr.as_str());
        // A centre in Kazakhstan: "8 701…" is a local mobile there.
        let owner = t.login("owner").await;
        let c = t.core.centre_get(Some(&owner), NoArgs {}).await.unwrap();
        let centre = CentreInput {
            name: c.name,
            time_zone: "Asia/Almaty".into(),
            currency: "KZT".into(),
            phone_country: "KZ".into(),
            logo: None,
            details: String::new(),
        };
        t.core
            .centre_update(
                Some(&owner),
                CentreUpdateArgs {
                    version: c.version,
                    centre,
                },
            )
            .await
            .unwrap();
        let (bytes, _, _) = encoding_rs::WINDOWS_1251.encode(LIST_1251);
        let before = t.state().await;

        let dry = t
            .core
            .clients_import(mgr, args("clients.csv", &bytes, true, false))
            .await
            .unwrap();
        assert_eq!(
            (
                dry.format.as_str(),
                dry.encoding.as_deref(),
                dry.delimiter.as_deref(),
                dry.header_line
            ),
            ("csv", Some("windows-1251"), Some(";"), Some(2))
        );
        let targets: Vec<_> = dry.columns.iter().map(|c| c.target.as_deref()).collect();
        assert_eq!(
            targets,
            [
                Some("name"),
                Some("phone"),
                Some("birth_date"),
                Some("guardian"),
                Some("notes")
            ]
        );
        assert_eq!(
            (dry.total_rows, dry.valid_rows, dry.created, dry.committed),
            (6, 3, 0, false)
        );
        let errors: Vec<(u32, &str, &str)> = dry
            .errors
            .iter()
            .map(|e| (e.line, e.column.as_str(), e.code.as_str()))
            .collect();
        assert_eq!(
            errors,
            [
                (6, "Дата рождения", "invalid_date"),
                (7, "Телефон", "invalid_phone"),
                (8, "Дата рождения", "guardian_required")
            ],
            "{:?}",
            dry.errors
        );
        assert_eq!(t.state().await, before, "a dry run writes nothing");

        // Bad lines refuse the whole file unless asked to skip them.
        let refused = t
            .core
            .clients_import(mgr, args("clients.csv", &bytes, false, false))
            .await
            .unwrap();
        assert!(!refused.committed && refused.created == 0 && refused.errors.len() == 3);
        assert_eq!(t.state().await, before);

        let done = t
            .core
            .clients_import(mgr, args("clients.csv", &bytes, false, true))
            .await
            .unwrap();
        assert!(done.committed);
        assert_eq!(
            (done.created, done.guardians_created),
            (3, 1),
            "the two children share one mother"
        );
        let find = |q: &str| {
            t.core.clients_search(
                mgr,
                ClientsSearchArgs {
                    query: q.into(),
                    ..Default::default()
                },
            )
        };
        let anna = find("Иванова Анна").await.unwrap().items;
        assert_eq!(anna.len(), 1);
        let anna = t
            .core
            .client_get(mgr, ClientGetArgs { id: anna[0].id })
            .await
            .unwrap();
        assert_eq!(anna.phones[0].number, "+77011234567");
        assert_eq!(anna.notes, "Любит \"утренние\" занятия");
        assert_eq!(anna.birth_date, "1988-03-14".parse().ok());
        let misha = find("Петров Миша").await.unwrap().items;
        let misha = t
            .core
            .client_get(mgr, ClientGetArgs { id: misha[0].id })
            .await
            .unwrap();
        assert_eq!(
            (
                misha.guardians[0].card.name.as_str(),
                misha.guardians[0].relation
            ),
            ("Петрова Ольга", GuardianRelation::Mother)
        );
        let mother = t
            .core
            .client_get(
                mgr,
                ClientGetArgs {
                    id: misha.guardians[0].card.id,
                },
            )
            .await
            .unwrap();
        assert_eq!(mother.wards.len(), 2);

        // The same file again: every good line is now a duplicate and is skipped.
        let again = t
            .core
            .clients_import(mgr, args("clients.csv", &bytes, false, true))
            .await
            .unwrap();
        assert_eq!(again.created, 0);
        let mut lines: Vec<u32> = again.duplicates.iter().map(|d| d.line).collect();
        lines.dedup();
        assert_eq!(lines, [3, 4, 5]);
        assert!(again.duplicates.iter().all(|d| d.id.is_some()));
    })
    .await;
}

fn workbook() -> Vec<u8> {
    let mut book = Workbook::new();
    let ws = book.add_worksheet();
    ws.merge_range(
        0,
        0,
        0,
        4,
        "Clients of the summer camp",
        &Default::default(),
    )
    .unwrap();
    for (c, h) in ["Name", "Phone", "Date of birth", "Parent", "Shoe size"]
        .iter()
        .enumerate()
    {
        ws.write_string(1, c as u16, *h).unwrap();
    }
    let date = rust_xlsxwriter::Format::new().set_num_format("dd.mm.yyyy");
    ws.write_string(2, 0, "Somchai Keo").unwrap();
    ws.write_number(2, 1, 2055512345.0).unwrap();
    ws.write_datetime_with_format(2, 2, ExcelDateTime::from_ymd(1992, 7, 1).unwrap(), &date)
        .unwrap();
    // Two siblings with one parent written once in a merged cell.
    ws.write_string(3, 0, "Noy Keo").unwrap();
    ws.write_datetime_with_format(3, 2, ExcelDateTime::from_ymd(2016, 1, 9).unwrap(), &date)
        .unwrap();
    ws.write_string(4, 0, "Dao Keo").unwrap();
    ws.write_string(4, 2, "09.01.2018").unwrap();
    ws.merge_range(3, 3, 4, 3, "Mali Keo, 020 5551 7777", &Default::default())
        .unwrap();
    ws.write_formula(3, 4, "=30+2").unwrap();
    ws.write_string(5, 0, "Total").unwrap();
    ws.write_formula(5, 4, "=COUNTA(A3:A5)").unwrap();
    book.save_to_buffer().unwrap()
}

#[tokio::test]
async fn a_spreadsheet_with_a_title_merged_cells_dates_and_formulas_imports() {
    each_engine(|t| async move {
        t.demo().await;
        let mgr = t.login("manager").await;
        let mgr = Some(mgr.as_str());
        let fields = t.core.custom_fields_list(mgr, NoArgs {}).await.unwrap();
        let shoe = fields
            .iter()
            .find(|f| f.label == "Shoe size")
            .unwrap()
            .clone();
        let r = t
            .core
            .clients_import(mgr, args("camp.xlsx", &workbook(), false, false))
            .await
            .unwrap();
        assert_eq!(r.format, "xlsx");
        assert!(r.errors.is_empty(), "{:?}", r.errors);
        assert_eq!(
            (r.header_line, r.total_rows, r.created, r.guardians_created),
            (Some(2), 3, 3, 1)
        );
        assert_eq!(
            r.columns[4].target.as_deref(),
            Some(format!("custom:{}", shoe.id).as_str())
        );
        let page = t
            .core
            .clients_search(
                mgr,
                ClientsSearchArgs {
                    query: "Keo".into(),
                    limit: Some(50),
                    ..Default::default()
                },
            )
            .await
            .unwrap();
        let noy = page.items.iter().find(|s| s.name == "Noy Keo").unwrap();
        let noy = t
            .core
            .client_get(mgr, ClientGetArgs { id: noy.id })
            .await
            .unwrap();
        assert_eq!(noy.birth_date, "2016-01-09".parse().ok());
        assert_eq!(noy.guardians[0].card.name, "Mali Keo");
        let dao = page.items.iter().find(|s| s.name == "Dao Keo").unwrap();
        let dao = t
            .core
            .client_get(mgr, ClientGetArgs { id: dao.id })
            .await
            .unwrap();
        assert_eq!(dao.guardians[0].card.id, noy.guardians[0].card.id);
        let somchai = page.items.iter().find(|s| s.name == "Somchai Keo").unwrap();
        assert_eq!(somchai.phone.as_deref(), Some("+8562055512345"));
    })
    .await;
}

#[tokio::test]
async fn files_that_are_not_lists_are_refused_clearly() {
    each_engine(|t| async move {
        t.demo().await;
        let mgr = t.login("manager").await;
        let mgr = Some(mgr.as_str());
        let code = |e: ApiError| match e {
            ApiError::Validation { errors } => (errors[0].field.clone(), errors[0].code.clone()),
            other => panic!("{other:?}"),
        };
        let pdf = b"%PDF-1.4\n\x00\x01\x02\x03binary\x00\x00\x00stream";
        let e = t
            .core
            .clients_import(mgr, args("list.csv", pdf, true, false))
            .await
            .unwrap_err();
        assert_eq!(code(e), ("content".into(), "unreadable".into()));
        let e = t
            .core
            .clients_import(
                mgr,
                args("list.xlsx", b"PK\x03\x04 broken zip", true, false),
            )
            .await
            .unwrap_err();
        assert_eq!(code(e), ("content".into(), "unreadable".into()));
        let e = t
            .core
            .clients_import(
                mgr,
                ClientsImportArgs {
                    content: "A".repeat(70 * 1024 * 1024),
                    ..args("huge.csv", b"", true, false)
                },
            )
            .await
            .unwrap_err();
        assert_eq!(code(e), ("content".into(), "too_large".into()));
        let e = t
            .core
            .clients_import(mgr, args("nohead.csv", b"1;2;3\n4;5;6\n", true, false))
            .await
            .unwrap_err();
        assert_eq!(code(e), ("mapping".into(), "name_required".into()));
        // The caller's mapping wins over guesses; unknown targets are named.
        let mut a = args(
            "nohead.csv",
            "Anna Lee;020 5555 9090\n".as_bytes(),
            true,
            false,
        );
        a.mapping = Some(vec![
            ColumnTarget {
                column: 0,
                target: "name".into(),
            },
            ColumnTarget {
                column: 1,
                target: "phone".into(),
            },
        ]);
        let r = t.core.clients_import(mgr, a.clone()).await.unwrap();
        assert_eq!((r.total_rows, r.valid_rows, r.header_line), (1, 1, None));
        a.mapping = Some(vec![ColumnTarget {
            column: 0,
            target: "surname".into(),
        }]);
        assert_eq!(
            code(t.core.clients_import(mgr, a).await.unwrap_err()),
            ("mapping.0.target".into(), "unknown_target".into())
        );
        assert!(matches!(
            t.core
                .clients_import(
                    Some(&t.login("reception").await),
                    args("x.csv", b"Name\nA", true, false)
                )
                .await,
            Err(ApiError::Forbidden { .. })
        ));
    })
    .await;
}
