//! A recorded call for a centre with no PBX yet (the demo, a first look): the session recorded
//! from a real Asterisk (`tests/fixtures/ami/ami-a`: a caller rings extensions 101 and 102, 101
//! answers) played into the call model at its recorded pace, so the desks see the popup, the
//! answer and the log as they will with their own PBX.

use std::time::Duration;

use super::ami::{Frame, Framer};
use super::calls::Tracker;
use super::settings::PbxKind;
use crate::auth::{NoArgs, Session};
use crate::error::ApiError;
use crate::Core;

const RECORDED: &[u8] = include_bytes!("../../../../tests/fixtures/ami/ami-a.txt");
const TIMES: &str = include_str!("../../../../tests/fixtures/ami/ami-a.timestamps.tsv");

pub(crate) async fn pbx_demo_call(
    core: &Core,
    _session: &Session,
    _args: NoArgs,
) -> Result<(), ApiError> {
    let Some(settings) = core.phone.settings() else {
        return Err(ApiError::Unavailable {
            reason: "pbx".into(),
            message: "the hub's telephony is not running".into(),
        });
    };
    if settings.kind != PbxKind::None {
        return Err(ApiError::conflict(
            "a PBX is set up: its own calls come in, not recorded ones",
        ));
    }
    let times: Vec<f64> = TIMES
        .lines()
        .filter(|l| !l.starts_with('#') && !l.is_empty())
        .filter_map(|l| l.split('\t').nth(3)?.parse().ok())
        .collect();
    let extensions = settings.extensions.iter().map(|e| e.extension.clone());
    let mut tracker = Tracker::new(extensions);
    let core = core.clone();
    tokio::spawn(async move {
        let mut framer = Framer::new(64 * 1024);
        framer.push(RECORDED);
        let mut last = times.first().copied().unwrap_or_default();
        for at in times {
            let Some(Ok(frame)) = framer.next_frame() else {
                break;
            };
            tokio::time::sleep(Duration::from_secs_f64((at - last).max(0.0))).await;
            last = at;
            if let Frame::Block(b) = frame {
                for change in tracker.feed(&b, core.now()) {
                    core.phone.inject(change);
                }
            }
        }
    });
    Ok(())
}
