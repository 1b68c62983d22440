//! Storage and API tests: every one runs on SQLite and on PostgreSQL.

mod support;

mod auth;
mod bad_input;
mod clients;
mod demo;
mod families;
mod merge;
mod permissions;
mod records;
mod settings;
mod storage;
mod transfer;
mod wire;
