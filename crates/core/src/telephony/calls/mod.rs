//! Calls as the centre sees them, built from the PBX's events.

mod tracker;

pub use tracker::{endpoint, CallChange, Direction, Heard, Side, TrackedCall, Tracker};
