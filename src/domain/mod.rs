//! The improvement plan as values: what a plan is made of and the rules that need no data.

mod account;
mod audit;
mod comparison;
mod date;
mod error;
mod plan;
mod rating;
mod report;
mod reports;
mod sample;

pub use account::{
    Actor, ApiTokenInfo, Email, Grant, LocalArea, LocalAreaId, MAX_PASSWORD_CHARS,
    MIN_PASSWORD_CHARS, Permission, Role, User, UserId, check_new_password,
};
pub use audit::{AuditEvent, NewAuditEvent};
pub use comparison::{LevelCount, PlanProgress};
pub use date::{Due, PartialDate, parse_uk_due, uk_month_name};
pub use error::{Error, Result};
pub use plan::{
    Action, ActionId, Area, GlossaryEntry, Milestone, Objective, PLAN_FORMAT, Person, PlanId,
    PlanKind, PlanStatus, PlanSummary, PlanTree, ProgressUpdate, Resource,
};
pub use rating::{Dimension, Level, RatingScheme};
pub use report::{OwnerName, RatingTag};
pub use reports::{
    ActionStatus, AreaProgress, AreaStatus, AsAt, DEFAULT_CYCLE_DAYS, DimensionCount, Done,
    Evidence, Exception, ExceptionCount, Exceptions, Flag, Highlight, LevelTally, MeetingSummary,
    MilestoneAt, NextStep, ObjectiveStatus, Position, Progress, PublicAction, PublicSummary,
    RatingAt, Reason, Report, ReportBody, ReportFormat, ReportHeader, ReportKind, ReportOptions,
    Tracker, build_report, expand_first_use, glossary_used, months_before, ratings_at, uk_date,
};
pub use sample::sample_plan;
