//! One integration-test binary: every file here is a module of it.
#![expect(clippy::unwrap_used, reason = "a failing test should panic")]

mod api;
mod audit;
mod auth;
mod authz;
mod backup;
mod cli;
mod demo;
mod evidence;
mod evidence_pages;
mod generate;
mod helpers;
mod homes;
mod import_corpus;
mod import_formats;
mod import_pages;
mod import_pdf;
mod import_robustness;
mod import_text;
mod layering;
mod mail;
mod migrations;
mod observability;
mod pages;
mod plan_json;
mod reliability;
mod reminders;
mod report_cycles;
mod reports;
mod running;
mod running_pages;
mod scale_out;
mod sso;
mod store;
mod tenancy;
mod two_factor;
