//! The schedule: rooms (more to come: services, groups, the timetable, attendance).

mod rooms;
