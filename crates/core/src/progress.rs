//! Progress of long operations (an import of 50,000 rows), so the screen that started one
//! can show how far it got: the caller names the job with an id of its own and polls it.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use specta::Type;
use uuid::Uuid;

/// Finished jobs are forgotten after this long.
const KEEP: Duration = Duration::from_secs(600);

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type, JsonSchema)]
pub struct JobProgress {
    /// `reading`, `checking`, `writing`, `done`, `failed`.
    pub phase: String,
    pub done: u64,
    pub total: u64,
}

#[derive(Debug, Clone, Serialize, Deserialize, Type, JsonSchema)]
pub struct JobProgressArgs {
    pub job_id: Uuid,
}

#[derive(Default)]
pub struct Jobs(Mutex<HashMap<Uuid, (Instant, Uuid, JobProgress)>>);

impl Jobs {
    /// Records a job's progress; `owner` is the user who started it (only they may read it).
    pub fn set(&self, job: Option<Uuid>, owner: Uuid, phase: &str, done: u64, total: u64) {
        let Some(job) = job else { return };
        let Ok(mut map) = self.0.lock() else { return };
        let now = Instant::now();
        map.retain(|_, (at, _, p)| {
            !(matches!(p.phase.as_str(), "done" | "failed") && now.duration_since(*at) > KEEP)
        });
        map.insert(
            job,
            (
                now,
                owner,
                JobProgress {
                    phase: phase.to_string(),
                    done,
                    total,
                },
            ),
        );
    }

    pub fn get(&self, job: Uuid, owner: Uuid) -> Option<JobProgress> {
        let map = self.0.lock().ok()?;
        map.get(&job)
            .filter(|(_, o, _)| *o == owner)
            .map(|(_, _, p)| p.clone())
    }
}
