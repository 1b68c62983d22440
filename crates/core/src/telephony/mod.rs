//! Telephony: the office PBX's calls as the centre sees them. `ami` speaks the Asterisk
//! Manager Interface (framing, actions); `calls` turns its events into calls — who rang, which
//! extensions rang, who answered, how long, missed or not; `webhook` takes the same from a
//! cloud PBX's signed requests.

pub mod ami;
pub mod broadcast;
pub mod callbacks;
pub mod calls;
pub mod demo_call;
pub mod dial;
pub mod live;
pub mod log;
pub mod popup;
pub mod report;
pub mod routing;
pub mod settings;
pub mod status;
pub mod webhook;
