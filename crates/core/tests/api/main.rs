//! Storage and API tests: every one runs on SQLite and on PostgreSQL.

mod support;

mod auth;
mod bad_input;
mod clients;
mod demo;
mod families;
mod permissions;
mod storage;
mod wire;
