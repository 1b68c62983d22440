//! The Asterisk Manager Interface on the wire: a banner line, then blocks of `Key: Value`
//! lines each ended by an empty line (CRLF), responses to our actions (by `ActionID`)
//! interleaved with events.

mod action;
mod client;
mod config;
mod frame;
pub mod replay;
mod resync;

pub use action::{action, ActionError};
pub use client::{AmiClient, AmiConfig, AmiState};
pub use frame::{Block, Frame, FrameError, Framer};
