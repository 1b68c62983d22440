//! The schedule: rooms, services, groups, the timetable and attendance.

pub mod rooms;
