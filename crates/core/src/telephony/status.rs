//! How the PBX link is doing, for the settings screen and the desk's phone indicator.

use chrono::{DateTime, Utc};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use specta::Type;

use super::ami::AmiState;
use super::settings::PbxKind;
use crate::auth::{NoArgs, Session};
use crate::error::ApiError;
use crate::Core;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Type, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum PbxLink {
    /// No PBX is set up.
    Off,
    Connecting,
    Connected,
    /// The PBX refused the manager user or secret.
    LoginRefused,
    /// The PBX cannot be reached, or the connection ended; it is tried again.
    Down,
    /// A cloud PBX: the hub waits for its signed events.
    Listening,
    /// The hub's telephony is not running (a device that is not the hub).
    NotRunning,
}

#[derive(Debug, Clone, Serialize, Deserialize, Type, JsonSchema)]
pub struct PbxStatus {
    pub kind: PbxKind,
    pub link: PbxLink,
    /// Since when it is connected.
    pub since: Option<DateTime<Utc>>,
    /// What went wrong, as the PBX or the network said it.
    pub problem: Option<String>,
    /// When the last call event arrived.
    pub last_event_at: Option<DateTime<Utc>>,
    pub calls_in_progress: u32,
    /// The caller's own extension (for click-to-call), if any.
    pub my_extension: Option<String>,
}

pub(crate) async fn pbx_status(
    core: &Core,
    session: &Session,
    _args: NoArgs,
) -> Result<PbxStatus, ApiError> {
    let (state, last_event_at, live) = core.phone.state();
    let Some(settings) = core.phone.settings() else {
        return Ok(PbxStatus {
            kind: PbxKind::None,
            link: PbxLink::NotRunning,
            since: None,
            problem: None,
            last_event_at,
            calls_in_progress: 0,
            my_extension: None,
        });
    };
    let (link, since, problem) = match (settings.kind, state) {
        (PbxKind::None, _) => (PbxLink::Off, None, None),
        (PbxKind::Webhook, _) => (PbxLink::Listening, None, None),
        (PbxKind::Asterisk, None | Some(AmiState::Connecting)) => (PbxLink::Connecting, None, None),
        (PbxKind::Asterisk, Some(AmiState::Connected { since })) => {
            (PbxLink::Connected, Some(since), None)
        }
        (PbxKind::Asterisk, Some(AmiState::LoginRefused { message })) => {
            (PbxLink::LoginRefused, None, Some(message))
        }
        (PbxKind::Asterisk, Some(AmiState::Down { problem })) => {
            (PbxLink::Down, None, Some(problem))
        }
    };
    // What the PBX or the network said is for those who set it up (it may name machines of
    // the LAN); the others hear only how the link is.
    let problem = problem.filter(|_| session.can(crate::roles::Permission::TelephonyConfigure));
    let my_extension = settings
        .extensions
        .iter()
        .find(|e| e.user.id == session.user_id)
        .map(|e| e.extension.clone());
    Ok(PbxStatus {
        kind: settings.kind,
        link,
        since,
        problem,
        last_event_at,
        calls_in_progress: u32::try_from(live).unwrap_or(u32::MAX),
        my_extension,
    })
}
