//! Hallpass documents typeset with typst: a template (typst markup) and its data (JSON, read
//! by the template with `json("/data.json")`) become a PDF, or SVG pages for a preview.
//!
//! Everything comes from memory: the template, the data, the centre's logo and the fonts
//! shipped in the app (Noto Sans for Latin and Cyrillic, Noto Sans Lao, Noto Sans Khmer). No
//! file system, no packages, no network. A template that does not compile comes back as
//! [`Problem`]s with their line and column.

use std::sync::LazyLock;

use chrono::{Datelike, NaiveDate};
use typst::diag::{FileError, FileResult, Severity, SourceDiagnostic};
use typst::foundations::{Bytes, Datetime, Duration};
use typst::syntax::{FileId, RootedPath, Source, VirtualPath, VirtualRoot};
use typst::text::{Font, FontBook};
use typst::utils::LazyHash;
use typst::{Library, LibraryExt, World, WorldExt};
use typst_layout::PagedDocument;

/// The fonts shipped in the app, in the order a template's default font list names them.
const FONTS: [&[u8]; 6] = [
    include_bytes!("../fonts/NotoSans-Regular.ttf"),
    include_bytes!("../fonts/NotoSans-Bold.ttf"),
    include_bytes!("../fonts/NotoSansLao-Regular.ttf"),
    include_bytes!("../fonts/NotoSansLao-Bold.ttf"),
    include_bytes!("../fonts/NotoSansKhmer-Regular.ttf"),
    include_bytes!("../fonts/NotoSansKhmer-Bold.ttf"),
];

/// The font families of the shipped fonts, for a template's `#set text(font: …)`.
pub const FONT_FAMILIES: [&str; 3] = ["Noto Sans", "Noto Sans Lao", "Noto Sans Khmer"];

/// Where a template finds its data.
pub const DATA_PATH: &str = "/data.json";

/// Kept between compilations: at most this many compilations old (a warm render reuses the
/// layout of what did not change).
const CACHE_AGE: usize = 8;

struct Shared {
    library: LazyHash<Library>,
    book: LazyHash<FontBook>,
    fonts: Vec<Font>,
}

static SHARED: LazyLock<Shared> = LazyLock::new(|| {
    let fonts: Vec<Font> = FONTS
        .iter()
        .flat_map(|data| Font::iter(Bytes::new(*data)))
        .collect();
    Shared {
        library: LazyHash::new(Library::default()),
        book: LazyHash::new(FontBook::from_fonts(&fonts)),
        fonts,
    }
});

/// One document to typeset.
#[derive(Debug, Clone)]
pub struct Job<'a> {
    /// Names the template's virtual file (`/<name>.typ`): one fixed path per template, so
    /// edits and previews do not use up typst's file ids.
    pub name: &'a str,
    /// The template's typst markup.
    pub source: &'a str,
    /// The JSON the template reads from [`DATA_PATH`].
    pub data: Vec<u8>,
    /// Other files the template may read (the centre's logo), by absolute virtual path.
    pub files: Vec<(String, Vec<u8>)>,
    /// What `datetime.today()` gives (the centre's date).
    pub today: NaiveDate,
}

/// A reason a template cannot be typeset, placed in the template's text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// 1-based; 0 when typst could not place it in the template.
    pub line: usize,
    /// 1-based, in characters.
    pub column: usize,
    pub message: String,
    pub hints: Vec<String>,
}

impl std::fmt::Display for Problem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}:{}: {}", self.line, self.column, self.message)
    }
}

/// Typesets a job to PDF bytes.
pub fn pdf(job: &Job) -> Result<Vec<u8>, Vec<Problem>> {
    let world = JobWorld::new(job);
    let result = compile(&world).and_then(|doc| {
        let options = typst_pdf::PdfOptions::default();
        typst_pdf::pdf(&doc, &options).map_err(|errors| world.problems(&errors))
    });
    comemo::evict(CACHE_AGE);
    result
}

/// Typesets a job to one SVG image per page (the template editor's preview).
pub fn svg(job: &Job) -> Result<Vec<String>, Vec<Problem>> {
    let world = JobWorld::new(job);
    let result = compile(&world).map(|doc| {
        let options = typst_svg::SvgOptions::default();
        doc.pages()
            .iter()
            .map(|page| typst_svg::svg(page, &options))
            .collect()
    });
    comemo::evict(CACHE_AGE);
    result
}

/// Checks that a job compiles and lays out, without exporting it.
pub fn check(job: &Job) -> Result<usize, Vec<Problem>> {
    let world = JobWorld::new(job);
    let result = compile(&world).map(|doc| doc.pages().len());
    comemo::evict(CACHE_AGE);
    result
}

fn compile(world: &JobWorld) -> Result<PagedDocument, Vec<Problem>> {
    typst::compile::<PagedDocument>(world)
        .output
        .map_err(|errors| world.problems(&errors))
}

struct JobWorld<'a> {
    main: Source,
    data: Bytes,
    data_id: FileId,
    files: Vec<(FileId, Bytes)>,
    today: NaiveDate,
    job: &'a Job<'a>,
}

fn file_id(path: &str) -> Option<FileId> {
    let vpath = VirtualPath::new(path).ok()?;
    Some(RootedPath::new(VirtualRoot::Project, vpath).intern())
}

impl<'a> JobWorld<'a> {
    fn new(job: &'a Job<'a>) -> Self {
        let main_id = file_id(&format!("/{}.typ", job.name))
            .or_else(|| file_id("/template.typ"))
            .expect("a plain file name is a virtual path");
        let data_id = file_id(DATA_PATH).expect("a plain file name is a virtual path");
        JobWorld {
            main: Source::new(main_id, job.source.to_string()),
            data: Bytes::new(job.data.clone()),
            data_id,
            files: job
                .files
                .iter()
                .filter_map(|(path, bytes)| Some((file_id(path)?, Bytes::new(bytes.clone()))))
                .collect(),
            today: job.today,
            job,
        }
    }

    /// Errors (warnings left out) placed in the template's text, in its order.
    fn problems(&self, diagnostics: &[SourceDiagnostic]) -> Vec<Problem> {
        let mut problems: Vec<Problem> = diagnostics
            .iter()
            .filter(|d| d.severity == Severity::Error)
            .map(|d| {
                let (line, column) = self.place(d);
                Problem {
                    line,
                    column,
                    message: d.message.to_string(),
                    hints: d.hints.iter().map(|h| h.v.to_string()).collect(),
                }
            })
            .collect();
        problems.sort_by_key(|p| (p.line == 0, p.line, p.column));
        problems
    }

    /// Line and column (1-based) of a diagnostic in the template; when it points elsewhere
    /// (into typst's own library), the first place of its trace that is in the template.
    fn place(&self, d: &SourceDiagnostic) -> (usize, usize) {
        let spans = std::iter::once(d.span).chain(d.trace.iter().rev().map(|t| t.span.into()));
        for span in spans {
            if span.id() != Some(self.main.id()) {
                continue;
            }
            if let Some(range) = self.range(span) {
                let lines = self.main.lines();
                if let Some((line, column)) = lines.byte_to_line_column(range.start) {
                    return (line + 1, column + 1);
                }
            }
        }
        (0, 0)
    }
}

impl World for JobWorld<'_> {
    fn library(&self) -> &LazyHash<Library> {
        &SHARED.library
    }

    fn book(&self) -> &LazyHash<FontBook> {
        &SHARED.book
    }

    fn main(&self) -> FileId {
        self.main.id()
    }

    fn source(&self, id: FileId) -> FileResult<Source> {
        if id == self.main.id() {
            Ok(self.main.clone())
        } else {
            Err(not_found(id))
        }
    }

    fn file(&self, id: FileId) -> FileResult<Bytes> {
        if id == self.data_id {
            return Ok(self.data.clone());
        }
        if id == self.main.id() {
            return Ok(Bytes::from_string(self.job.source.to_string()));
        }
        self.files
            .iter()
            .find(|(file, _)| *file == id)
            .map(|(_, bytes)| bytes.clone())
            .ok_or_else(|| not_found(id))
    }

    fn font(&self, index: usize) -> Option<Font> {
        SHARED.fonts.get(index).cloned()
    }

    fn today(&self, _offset: Option<Duration>) -> Option<Datetime> {
        Datetime::from_ymd(
            self.today.year(),
            self.today.month() as u8,
            self.today.day() as u8,
        )
    }
}

fn not_found(id: FileId) -> FileError {
    FileError::NotFound(id.get().vpath().get_with_slash().into())
}

pub mod worker;

#[cfg(test)]
mod tests;
