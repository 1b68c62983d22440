//! Reading an uploaded file into a grid of text cells, whatever it is: CSV in any common
//! delimiter and in UTF-8, UTF-16 or a legacy code page (Windows-1251…), or a workbook
//! (XLSX, XLS, ODS) whose dates become `YYYY-MM-DD` and whose merged cells repeat their value.

use std::io::Cursor;

use calamine::{Data, Range, Reader, Sheets};

/// One record of the file: its line (as a spreadsheet or text editor numbers it) and cells.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Line {
    pub line: u32,
    pub cells: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Grid {
    /// `csv`, `xlsx`, `xls`, `ods`.
    pub format: &'static str,
    pub encoding: Option<&'static str>,
    pub delimiter: Option<char>,
    pub lines: Vec<Line>,
}

/// Why a file could not be read at all.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unreadable(pub String);

pub fn read(bytes: &[u8]) -> Result<Grid, Unreadable> {
    let zip = bytes.starts_with(b"PK\x03\x04");
    let ole = bytes.starts_with(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1");
    let grid = if zip || ole {
        workbook(bytes)?
    } else {
        text(bytes)?
    };
    if grid.lines.len() > MAX_LINES {
        return Err(Unreadable(format!(
            "the file has {} lines; at most {MAX_LINES} can be imported at once",
            grid.lines.len()
        )));
    }
    Ok(grid)
}

/// A workbook may unpack to at most this much (a 50 MB sheet of text unpacks to about 10×).
const MAX_UNPACKED: u64 = 600 * 1024 * 1024;
/// The most lines a list may have.
pub const MAX_LINES: usize = 200_000;

/// Refuses a zip whose entries claim to unpack to more than [`MAX_UNPACKED`] (a zip bomb)
/// before anything is decompressed.
fn check_unpacked(bytes: &[u8], max: u64) -> Result<(), Unreadable> {
    let Ok(mut zip) = zip::ZipArchive::new(Cursor::new(bytes)) else {
        return Ok(()); // not a zip after all: calamine reports it
    };
    let mut total: u64 = 0;
    for i in 0..zip.len() {
        if let Ok(f) = zip.by_index_raw(i) {
            total = total.saturating_add(f.size());
        }
    }
    if total > max {
        return Err(Unreadable(format!(
            "the spreadsheet unpacks to {} MB, more than the {} MB a client list can take",
            total / (1024 * 1024),
            max / (1024 * 1024)
        )));
    }
    Ok(())
}

fn workbook(bytes: &[u8]) -> Result<Grid, Unreadable> {
    if bytes.starts_with(b"PK\x03\x04") {
        check_unpacked(bytes, MAX_UNPACKED)?;
    }
    let mut book = calamine::open_workbook_auto_from_rs(Cursor::new(bytes)).map_err(|_| {
        Unreadable("the file is not a spreadsheet we can read (XLSX, XLS, ODS or CSV)".into())
    })?;
    let format = match &book {
        Sheets::Xls(_) => "xls",
        Sheets::Xlsx(_) => "xlsx",
        Sheets::Xlsb(_) => "xlsb",
        Sheets::Ods(_) => "ods",
    };
    let names = book.sheet_names();
    // The first sheet with data.
    for name in names {
        let range = book
            .worksheet_range(&name)
            .map_err(|e| Unreadable(format!("the sheet {name:?} cannot be read: {e}")))?;
        if range.is_empty() {
            continue;
        }
        let merged = match &mut book {
            Sheets::Xlsx(x) => x.merge_cells_by_sheet_name(&name).unwrap_or_default(),
            Sheets::Xls(x) => x.merge_cells_by_sheet_name(&name).unwrap_or_default(),
            _ => vec![],
        };
        return Ok(Grid {
            format,
            encoding: None,
            delimiter: None,
            lines: cells_of(&range, &merged),
        });
    }
    Ok(Grid {
        format,
        encoding: None,
        delimiter: None,
        lines: vec![],
    })
}

fn cells_of(range: &Range<Data>, merged: &[calamine::Dimensions]) -> Vec<Line> {
    let (top, left) = range.start().unwrap_or((0, 0));
    let mut lines: Vec<Line> = range
        .rows()
        .enumerate()
        .map(|(i, row)| Line {
            line: top + i as u32 + 1,
            cells: std::iter::repeat_n(String::new(), left as usize)
                .chain(row.iter().map(cell_text))
                .collect(),
        })
        .collect();
    // A merged region shows its top-left value in every cell it covers.
    for m in merged {
        let (r0, c0) = (m.start.0 as usize, m.start.1 as usize);
        let Some(value) = lines
            .get(r0.wrapping_sub(top as usize))
            .and_then(|l| l.cells.get(c0))
            .cloned()
        else {
            continue;
        };
        for r in m.start.0..=m.end.0 {
            let Some(line) = lines.get_mut((r as usize).wrapping_sub(top as usize)) else {
                continue;
            };
            for c in m.start.1..=m.end.1 {
                if let Some(cell) = line.cells.get_mut(c as usize) {
                    if cell.is_empty() {
                        cell.clone_from(&value);
                    }
                }
            }
        }
    }
    lines
}

fn cell_text(d: &Data) -> String {
    match d {
        Data::Empty | Data::Error(_) => String::new(),
        Data::String(s) => s.trim().to_string(),
        Data::Int(i) => i.to_string(),
        // Phones and card numbers typed as numbers: whole numbers without ".0".
        Data::Float(f) if f.fract() == 0.0 && f.abs() < 1e15 => format!("{}", *f as i64),
        Data::Float(f) => f.to_string(),
        Data::Bool(b) => if *b { "yes" } else { "no" }.to_string(),
        Data::DateTime(dt) => match dt.as_datetime() {
            Some(t) if t.time() == chrono::NaiveTime::MIN => t.date().to_string(),
            Some(t) => t.format("%Y-%m-%d %H:%M").to_string(),
            None => dt.as_f64().to_string(),
        },
        Data::DateTimeIso(s) => s.split('T').next().unwrap_or(s).to_string(),
        Data::DurationIso(s) => s.clone(),
    }
}

/// Decodes text: a BOM wins; then UTF-16 without a BOM (NULs in every other byte); then
/// UTF-8 if it is valid; otherwise the legacy code page the whole file looks like.
pub fn decode(bytes: &[u8]) -> (String, &'static str) {
    if let Some((enc, bom)) = encoding_rs::Encoding::for_bom(bytes) {
        let (text, _) = enc.decode_without_bom_handling(&bytes[bom..]);
        return (text.into_owned(), enc.name());
    }
    let sample = &bytes[..bytes.len().min(4096)];
    let zeros_even = sample.iter().step_by(2).filter(|b| **b == 0).count();
    let zeros_odd = sample
        .iter()
        .skip(1)
        .step_by(2)
        .filter(|b| **b == 0)
        .count();
    let half = sample.len() / 2;
    if half > 0 && zeros_odd * 3 > half {
        let (t, _) = encoding_rs::UTF_16LE.decode_without_bom_handling(bytes);
        return (t.into_owned(), "UTF-16LE");
    }
    if half > 0 && zeros_even * 3 > half {
        let (t, _) = encoding_rs::UTF_16BE.decode_without_bom_handling(bytes);
        return (t.into_owned(), "UTF-16BE");
    }
    if let Ok(s) = std::str::from_utf8(bytes) {
        return (s.to_string(), "UTF-8");
    }
    let mut det = chardetng::EncodingDetector::new(chardetng::Iso2022JpDetection::Deny);
    det.feed(bytes, true);
    let enc = det.guess(None, chardetng::Utf8Detection::Allow);
    let (t, _) = enc.decode_without_bom_handling(bytes);
    (t.into_owned(), enc.name())
}

/// The delimiter that splits the first lines most consistently into several columns.
pub fn delimiter(text: &str) -> char {
    let lines: Vec<&str> = text
        .lines()
        .filter(|l| !l.trim().is_empty())
        .take(50)
        .collect();
    let mut best = (',', 0usize);
    for d in [',', ';', '\t', '|'] {
        let counts: Vec<usize> = lines.iter().map(|l| fields_in(l, d)).collect();
        let Some(&mode) = mode(&counts) else { continue };
        if mode < 2 {
            continue;
        }
        let agreeing = counts.iter().filter(|c| **c == mode).count();
        let score = agreeing * 100 + mode;
        if score > best.1 {
            best = (d, score);
        }
    }
    best.0
}

/// Fields in one line, quotes respected.
fn fields_in(line: &str, d: char) -> usize {
    let mut n = 1;
    let mut quoted = false;
    for c in line.chars() {
        if c == '"' {
            quoted = !quoted;
        } else if c == d && !quoted {
            n += 1;
        }
    }
    n
}

fn mode(v: &[usize]) -> Option<&usize> {
    let mut counts = std::collections::HashMap::new();
    for x in v {
        *counts.entry(x).or_insert(0) += 1;
    }
    counts
        .into_iter()
        .max_by_key(|(x, n)| (*n, **x))
        .map(|(x, _)| x)
}

fn text(bytes: &[u8]) -> Result<Grid, Unreadable> {
    let (text, encoding) = decode(bytes);
    // One line ending, so every record's line number is the one an editor shows.
    let text = text.replace("\r\n", "\n").replace('\r', "\n");
    if !looks_like_text(&text) {
        return Err(Unreadable(
            "the file is not a spreadsheet we can read (XLSX, XLS, ODS or CSV)".into(),
        ));
    }
    let d = delimiter(&text);
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(d as u8)
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes());
    let mut lines = Vec::new();
    let mut record = csv::StringRecord::new();
    loop {
        match reader.read_record(&mut record) {
            Ok(false) => break,
            Ok(true) => lines.push(Line {
                line: record.position().map_or(0, |p| p.line() as u32),
                cells: record.iter().map(|c| c.trim().to_string()).collect(),
            }),
            Err(e) => {
                let line = e.position().map_or(0, |p| p.line());
                return Err(Unreadable(format!("line {line}: {e}")));
            }
        }
    }
    Ok(Grid {
        format: "csv",
        encoding: Some(encoding),
        delimiter: Some(d),
        lines,
    })
}

/// Text has next to no control characters or undecodable bytes; binary files do.
fn looks_like_text(text: &str) -> bool {
    let mut n = 0usize;
    let mut bad = 0usize;
    for c in text.chars().take(100_000) {
        n += 1;
        if c == '\u{fffd}' || (c.is_control() && !matches!(c, '\t' | '\n' | '\r' | '\u{c}')) {
            bad += 1;
        }
    }
    n > 0 && bad * 200 <= n
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn delimiters_and_quotes() {
        let g = read(
            "Имя;Телефон\n\"Иванова; Анна\";8 701 123 45 67\n\"Say \"\"hi\"\"\";1\n".as_bytes(),
        )
        .unwrap();
        assert_eq!(g.delimiter, Some(';'));
        assert_eq!(g.lines[1].cells, ["Иванова; Анна", "8 701 123 45 67"]);
        assert_eq!(g.lines[2].cells, ["Say \"hi\"", "1"]);
        assert_eq!(g.lines[2].line, 3);
        let g = read(b"T;;\r\nA;B\r\n1;2\r\n").unwrap();
        let l: Vec<u32> = g.lines.iter().map(|l| l.line).collect();
        assert_eq!(l, [1, 2, 3]);
        let g = read(b"a\tb\tc\n1\t2\t3\n").unwrap();
        assert_eq!(g.delimiter, Some('\t'));
    }

    #[test]
    fn encodings_are_detected_on_the_whole_file() {
        let text = "ФИО;Телефон;Дата рождения\nИванова Анна Сергеевна;87011234567;01.02.2015\n";
        let (cp1251, _, _) = encoding_rs::WINDOWS_1251.encode(text);
        let g = read(&cp1251).unwrap();
        assert_eq!(g.encoding, Some("windows-1251"));
        assert_eq!(g.lines[1].cells[0], "Иванова Анна Сергеевна");
        let mut utf16: Vec<u8> = vec![0xff, 0xfe];
        utf16.extend(text.encode_utf16().flat_map(|u| u.to_le_bytes()));
        let g = read(&utf16).unwrap();
        assert_eq!(g.encoding, Some("UTF-16LE"));
        assert_eq!(g.lines[1].cells[1], "87011234567");
        let no_bom: Vec<u8> = text.encode_utf16().flat_map(|u| u.to_le_bytes()).collect();
        assert_eq!(read(&no_bom).unwrap().lines[0].cells[0], "ФИО");
    }

    #[test]
    fn a_zip_that_unpacks_to_gigabytes_is_refused_unread() {
        use std::io::Write;
        let mut out = Cursor::new(Vec::new());
        {
            let mut z = zip::ZipWriter::new(&mut out);
            let opts = zip::write::SimpleFileOptions::default()
                .compression_method(zip::CompressionMethod::Deflated)
                .large_file(true);
            z.start_file("xl/worksheets/sheet1.xml", opts).unwrap();
            let zeros = vec![0u8; 1 << 20];
            for _ in 0..3 {
                z.write_all(&zeros).unwrap();
            }
            z.finish().unwrap();
        }
        let bytes = out.into_inner();
        assert!(bytes.len() < 64 << 10, "{}", bytes.len());
        // The same check with a 2 MB ceiling: 3 MB of zeros packed into a few KB.
        let e = check_unpacked(&bytes, 2 << 20).unwrap_err();
        assert!(e.0.contains("unpacks to 3 MB"), "{}", e.0);
        assert!(check_unpacked(&bytes, 4 << 20).is_ok());
    }

    #[test]
    fn binary_junk_is_not_a_spreadsheet() {
        assert!(read(&[0x7f, 0x45, 0x4c, 0x46, 0, 0, 1, 2, 0, 0, 0, 9]).is_err());
        assert!(read(b"PK\x03\x04 not really a zip").is_err());
    }
}
