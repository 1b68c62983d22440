//! Storage and API tests: every one runs on SQLite and on PostgreSQL.

mod support;

mod audit;
mod auth;
mod backups;
mod bad_input;
mod changes;
mod clients;
mod custom_fields;
mod custom_values;
mod demo;
mod documents;
mod export;
mod families;
mod files;
mod helpers;
mod layout;
mod merge;
mod merged_numbers;
mod money;
mod permissions;
mod phones;
mod roles;
mod saved_filters;
mod schedule;
mod sessions;
mod settings;
mod staff;
mod storage;
mod telephony;
mod telephony_live;
mod timeline;
mod transfer;
mod users;
mod wire;
