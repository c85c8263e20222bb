//! WSOA Tracker: a local area's SEND improvement plan — areas of weakness, objectives,
//! actions, milestones, progress and ratings — held in one place, served as pages and
//! driven from the command line, over one set of use cases.

/// Use cases: what the pages, the CLI and the importers may ask for.
pub mod app;
/// The command line.
pub mod cli;
/// Settings from flags and environment variables.
pub mod config;
/// Bytes in, plans out (and back): the plan JSON format and the document importers.
pub mod documents;
/// Types and rules of an improvement plan. No I/O, no HTTP, no SQL.
pub mod domain;
/// Persistence on SQLite or PostgreSQL. The only module that writes SQL.
pub mod store;
/// HTTP: server-rendered pages styled with the GOV.UK Design System.
pub mod web;
