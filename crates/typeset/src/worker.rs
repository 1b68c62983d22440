//! Typesetting in a child process of our own, so that a template that loops for ever or asks
//! for all the memory (typst bounds `while` loops, not `for` over a huge `range`) is stopped —
//! killed after a time limit, or refused memory by the system — and the hub or the app goes
//! on. The child is the same program started with [`WORKER_ARG`]; it stays up between
//! documents (warm) and reads one request per line on stdin, answering one line on stdout.
//! [`serve_if_asked`] at the top of `main` turns a program into the worker when asked.

use std::io::{BufRead, Write};

use base64::Engine;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::{Job, Problem};

/// The argument that starts a program as the typesetting worker.
pub const WORKER_ARG: &str = "--typeset-worker";

/// Memory the worker may take (address space), far above what a document needs.
#[cfg(unix)]
const MAX_MEMORY: u64 = 2 * 1024 * 1024 * 1024;

#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum Output {
    Pdf,
    Svg,
    Check,
}

/// One document, as sent to the worker.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Request {
    pub output: Output,
    pub name: String,
    pub source: String,
    /// Base64.
    pub data: String,
    /// Path and base64 content.
    pub files: Vec<(String, String)>,
    pub today: NaiveDate,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct WireProblem {
    pub line: usize,
    pub column: usize,
    pub message: String,
    pub hints: Vec<String>,
}

/// The worker's answer: the PDF (base64), the SVG pages, or the page count; or the problems.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Response {
    Pdf(String),
    Svg(Vec<String>),
    Pages(usize),
    Problems(Vec<WireProblem>),
}

fn b64() -> base64::engine::GeneralPurpose {
    base64::engine::general_purpose::STANDARD
}

impl Request {
    pub fn new(output: Output, job: &Job) -> Request {
        Request {
            output,
            name: job.name.to_string(),
            source: job.source.to_string(),
            data: b64().encode(&job.data),
            files: job
                .files
                .iter()
                .map(|(p, b)| (p.clone(), b64().encode(b)))
                .collect(),
            today: job.today,
        }
    }

    /// Typesets here, in this process.
    pub fn run(&self) -> Response {
        let decode = |s: &str| b64().decode(s).unwrap_or_default();
        let job = Job {
            name: &self.name,
            source: &self.source,
            data: decode(&self.data),
            files: self
                .files
                .iter()
                .map(|(p, b)| (p.clone(), decode(b)))
                .collect(),
            today: self.today,
        };
        let problems = |list: Vec<Problem>| {
            Response::Problems(
                list.into_iter()
                    .map(|p| WireProblem {
                        line: p.line,
                        column: p.column,
                        message: p.message,
                        hints: p.hints,
                    })
                    .collect(),
            )
        };
        match self.output {
            Output::Pdf => {
                crate::pdf(&job).map_or_else(problems, |b| Response::Pdf(b64().encode(b)))
            }
            Output::Svg => crate::svg(&job).map_or_else(problems, Response::Svg),
            Output::Check => crate::check(&job).map_or_else(problems, Response::Pages),
        }
    }
}

impl Response {
    /// The PDF's bytes of a `Pdf` answer.
    pub fn pdf_bytes(s: &str) -> Vec<u8> {
        b64().decode(s).unwrap_or_default()
    }
}

/// Caps the worker's memory (Unix); elsewhere only the parent's time limit applies.
fn limit_memory() {
    #[cfg(unix)]
    {
        let limit = libc::rlimit {
            rlim_cur: MAX_MEMORY as libc::rlim_t,
            rlim_max: MAX_MEMORY as libc::rlim_t,
        };
        // SAFETY: setrlimit only reads the struct passed; failing leaves the limit unset.
        unsafe {
            libc::setrlimit(libc::RLIMIT_AS, &limit);
        }
    }
}

/// Becomes the typesetting worker when the program was started with [`WORKER_ARG`]: answers
/// requests until stdin closes, then exits. Otherwise returns at once.
pub fn serve_if_asked() {
    if std::env::args().nth(1).as_deref() != Some(WORKER_ARG) {
        return;
    }
    limit_memory();
    let stdin = std::io::stdin();
    let mut out = std::io::stdout().lock();
    for line in stdin.lock().lines() {
        let Ok(line) = line else { break };
        let response = match serde_json::from_str::<Request>(&line) {
            Ok(request) => request.run(),
            Err(e) => Response::Problems(vec![WireProblem {
                line: 0,
                column: 0,
                message: format!("not a request: {e}"),
                hints: vec![],
            }]),
        };
        let Ok(text) = serde_json::to_string(&response) else {
            break;
        };
        if writeln!(out, "{text}").and_then(|_| out.flush()).is_err() {
            break;
        }
    }
    std::process::exit(0);
}
