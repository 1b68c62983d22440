//! Writing an export sheet as XLSX, CSV or printable HTML.
//!
//! A cell that begins with `=`, `+`, `-` or `@` could run as a formula when a spreadsheet
//! opens the file. In CSV it gets a leading apostrophe (import takes it off again); in XLSX
//! it is written as text with Excel's quote prefix, so it shows as typed and stays text
//! even when edited.

use rust_xlsxwriter::{ExcelDateTime, Format, Workbook};

use super::load::{Cell, Sheet};
use crate::error::ApiError;

pub const XLSX_MIME: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

/// Whether a spreadsheet would read this text as a formula.
pub fn risky(s: &str) -> bool {
    s.starts_with(['=', '+', '-', '@', '\t', '\r'])
}

/// The text as a CSV cell that never runs.
pub fn escape(s: &str) -> String {
    if risky(s) {
        format!("'{s}")
    } else {
        s.to_string()
    }
}

fn text(c: &Cell) -> String {
    match c {
        Cell::Text(s) => s.clone(),
        Cell::Date(d) => d.to_string(),
    }
}

fn failed(e: impl std::fmt::Display) -> ApiError {
    tracing::error!(error = %e, "writing an export failed");
    ApiError::Internal {
        message: "the export file could not be written".into(),
    }
}

pub fn csv(sheet: &Sheet) -> Result<Vec<u8>, ApiError> {
    let mut out = b"\xef\xbb\xbf".to_vec();
    {
        let mut w = csv::WriterBuilder::new().from_writer(&mut out);
        w.write_record(sheet.headers.iter().map(|h| escape(h)))
            .map_err(failed)?;
        for row in &sheet.rows {
            w.write_record(row.iter().map(|c| escape(&text(c))))
                .map_err(failed)?;
        }
        w.flush().map_err(failed)?;
    }
    Ok(out)
}

pub fn xlsx(sheet: &Sheet) -> Result<Vec<u8>, ApiError> {
    let mut book = Workbook::new();
    let ws = book.add_worksheet();
    ws.set_name("Clients").map_err(failed)?;
    let bold = Format::new().set_bold();
    let quoted = Format::new().set_quote_prefix();
    let date = Format::new().set_num_format("yyyy-mm-dd");
    let wrap = Format::new().set_text_wrap();
    for (c, h) in sheet.headers.iter().enumerate() {
        ws.write_string_with_format(0, c as u16, h, &bold)
            .map_err(failed)?;
    }
    let mut widths: Vec<usize> = sheet.headers.iter().map(|h| h.chars().count()).collect();
    for (r, row) in sheet.rows.iter().enumerate() {
        let r = r as u32 + 1;
        for (c, cell) in row.iter().enumerate() {
            let col = c as u16;
            match cell {
                Cell::Text(s) if s.is_empty() => {}
                Cell::Text(s) if risky(s) => {
                    ws.write_string_with_format(r, col, s, &quoted)
                        .map_err(failed)?;
                }
                Cell::Text(s) if s.contains('\n') => {
                    ws.write_string_with_format(r, col, s, &wrap)
                        .map_err(failed)?;
                }
                Cell::Text(s) => {
                    ws.write_string(r, col, s).map_err(failed)?;
                }
                Cell::Date(d) => {
                    use chrono::Datelike;
                    let x =
                        ExcelDateTime::from_ymd(d.year() as u16, d.month() as u8, d.day() as u8)
                            .map_err(failed)?;
                    ws.write_datetime_with_format(r, col, &x, &date)
                        .map_err(failed)?;
                }
            }
            if let Some(w) = widths.get_mut(c) {
                *w = (*w).max(text(cell).chars().count().min(50));
            }
        }
    }
    for (c, w) in widths.iter().enumerate() {
        ws.set_column_width(c as u16, (*w as f64 + 2.0).max(8.0))
            .map_err(failed)?;
    }
    ws.set_freeze_panes(1, 1).map_err(failed)?;
    let last_col = sheet.headers.len().saturating_sub(1) as u16;
    ws.autofilter(0, 0, sheet.rows.len() as u32, last_col)
        .map_err(failed)?;
    book.save_to_buffer().map_err(failed)
}

fn html_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for ch in s.chars() {
        match ch {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            '\n' => out.push_str("<br>"),
            c => out.push(c),
        }
    }
    out
}

/// A list that reads on screen and prints on A4 (header repeated on every page).
pub fn html(sheet: &Sheet, title: &str, day: &str) -> Vec<u8> {
    let used: Vec<usize> = (0..sheet.headers.len())
        .filter(|c| {
            sheet
                .rows
                .iter()
                .any(|r| r.get(*c).is_some_and(|x| !text(x).is_empty()))
        })
        .collect();
    let mut s = String::with_capacity(256 + sheet.rows.len() * 200);
    s.push_str("<!doctype html>\n<html><head><meta charset=\"utf-8\">");
    s.push_str(&format!("<title>{}</title>", html_escape(title)));
    s.push_str(
        "<style>body{font:12px/1.4 system-ui,sans-serif;color:#111;margin:16px}\
         h1{font-size:16px;margin:0 0 4px}p{margin:0 0 12px;color:#444}\
         table{border-collapse:collapse;width:100%}th,td{border:1px solid #999;padding:3px 6px;text-align:left;vertical-align:top}\
         th{background:#eee}tr{break-inside:avoid}thead{display:table-header-group}\
         @page{size:A4 landscape;margin:12mm}@media print{body{margin:0}}</style></head><body>",
    );
    s.push_str(&format!(
        "<h1>{}</h1><p>{} · {}</p><table><thead><tr><th>#</th>",
        html_escape(title),
        html_escape(day),
        sheet.rows.len()
    ));
    for c in &used {
        s.push_str(&format!("<th>{}</th>", html_escape(&sheet.headers[*c])));
    }
    s.push_str("</tr></thead><tbody>\n");
    for (i, row) in sheet.rows.iter().enumerate() {
        s.push_str(&format!("<tr><td>{}</td>", i + 1));
        for c in &used {
            let v = row.get(*c).map(text).unwrap_or_default();
            s.push_str(&format!("<td>{}</td>", html_escape(&v)));
        }
        s.push_str("</tr>\n");
    }
    s.push_str("</tbody></table></body></html>\n");
    s.into_bytes()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formulas_never_run() {
        assert_eq!(escape("=HYPERLINK(\"x\")"), "'=HYPERLINK(\"x\")");
        assert_eq!(escape("+8562055512345"), "'+8562055512345");
        assert_eq!(escape("-5"), "'-5");
        assert_eq!(escape("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(escape("Anna"), "Anna");
        let sheet = Sheet {
            headers: vec!["Name".into()],
            rows: vec![vec![Cell::Text("<b>=1+1</b>".into())]],
        };
        let h = String::from_utf8(html(&sheet, "T", "2026-11-24")).unwrap();
        assert!(h.contains("&lt;b&gt;=1+1&lt;/b&gt;"));
        let c = String::from_utf8(csv(&sheet).unwrap()).unwrap();
        assert!(c.contains("<b>=1+1</b>"));
    }
}
