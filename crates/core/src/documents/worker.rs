//! The typesetting worker from the parent's side: one child process, kept warm, sent one
//! document at a time; a document that takes longer than the time limit, or a worker that
//! dies (its memory is capped), ends that worker — the next document starts a new one.
//!
//! The hub and the app turn this on at start ([`isolate_typesetting`]) and start as the
//! worker when asked (`hallpass_typeset::worker::serve_if_asked`). Without it (tests,
//! benchmarks) documents are typeset in-process.

use std::path::PathBuf;
use std::process::Stdio;
use std::sync::OnceLock;
use std::time::Duration;

use hallpass_typeset::worker::{Request, Response, WORKER_ARG};
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::process::{Child, ChildStdin, ChildStdout, Command};
use tokio::sync::Mutex;

/// How long one document may take (`HALLPASS_TYPESET_TIMEOUT_SECS` changes it).
const DEFAULT_LIMIT_SECS: u64 = 20;

static PROGRAM: OnceLock<PathBuf> = OnceLock::new();
static WORKER: Mutex<Option<Worker>> = Mutex::const_new(None);

struct Worker {
    child: Child,
    stdin: ChildStdin,
    stdout: BufReader<ChildStdout>,
}

/// Typesets in a worker process started from this program from now on.
pub fn isolate_typesetting() {
    if let Ok(exe) = std::env::current_exe() {
        let _ = PROGRAM.set(exe);
    }
}

pub(crate) fn isolated() -> bool {
    PROGRAM.get().is_some()
}

fn limit() -> Duration {
    let secs = std::env::var("HALLPASS_TYPESET_TIMEOUT_SECS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(DEFAULT_LIMIT_SECS);
    Duration::from_secs(secs.max(1))
}

fn spawn() -> Result<Worker, String> {
    let exe = PROGRAM.get().ok_or("no worker program")?;
    let mut child = Command::new(exe)
        .arg(WORKER_ARG)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .kill_on_drop(true)
        .spawn()
        .map_err(|e| format!("the typesetting worker did not start: {e}"))?;
    let stdin = child.stdin.take().ok_or("no worker stdin")?;
    let stdout = child.stdout.take().ok_or("no worker stdout")?;
    Ok(Worker {
        child,
        stdin,
        stdout: BufReader::new(stdout),
    })
}

async fn exchange(w: &mut Worker, line: &str) -> std::io::Result<String> {
    w.stdin.write_all(line.as_bytes()).await?;
    w.stdin.write_all(b"\n").await?;
    w.stdin.flush().await?;
    let mut answer = String::new();
    if w.stdout.read_line(&mut answer).await? == 0 {
        return Err(std::io::ErrorKind::UnexpectedEof.into());
    }
    Ok(answer)
}

/// Sends one document to the worker. `Err` says why it was stopped (too long, too much
/// memory), in words for whoever wrote the template.
pub(crate) async fn call(request: &Request) -> Result<Response, String> {
    let line = serde_json::to_string(request).map_err(|e| e.to_string())?;
    let limit = limit();
    let mut slot = WORKER.lock().await;
    if slot.is_none() {
        *slot = Some(spawn()?);
    }
    let Some(worker) = slot.as_mut() else {
        return Err("no typesetting worker".into());
    };
    let outcome = tokio::time::timeout(limit, exchange(worker, &line)).await;
    let stopped = match outcome {
        Ok(Ok(answer)) => match serde_json::from_str::<Response>(&answer) {
            Ok(response) => return Ok(response),
            Err(e) => format!("the typesetting worker answered nonsense: {e}"),
        },
        Ok(Err(_)) => "the template used more memory than a document may (the typesetting stopped)"
            .to_string(),
        Err(_) => format!(
            "the template took longer than {} s to typeset (a loop that does not end?)",
            limit.as_secs()
        ),
    };
    if let Some(mut dead) = slot.take() {
        let _ = dead.child.start_kill();
        let _ = dead.child.wait().await;
    }
    Err(stopped)
}
