//! The improvement plan as values: what a plan is made of and the rules that need no data.

mod account;
mod audit;
mod comparison;
mod cycle;
mod dashboard;
mod date;
mod error;
mod flags;
mod history;
mod outline;
mod people;
mod plan;
mod rating;
mod report;
mod reports;
mod sample;
mod scheme_edit;
mod search;
mod shift;

pub use account::{
    Actor, ApiTokenInfo, Email, Grant, LocalArea, LocalAreaId, MAX_PASSWORD_CHARS,
    MIN_PASSWORD_CHARS, Permission, Role, User, UserId, check_new_password,
};
pub use audit::{AuditEvent, NewAuditEvent};
pub use comparison::{LevelCount, PlanProgress};
pub use cycle::{
    ActionSnapshot, ChangedAction, ClosedCycle, CycleChanges, CycleId, DateMove, Movement,
    RatingMove, ReportingCycle,
};
pub use dashboard::{
    AreaCounts, BarSegment, ChartMonth, CompletionChart, Dashboard, RatingBar, Tick,
};
pub use date::{Due, PartialDate, parse_uk_due, uk_month_name};
pub use error::{Error, Result};
pub use flags::{ActionFlag, ActionState, DEFAULT_CYCLE_WEEKS, DUE_SOON_DAYS, FlagRules};
pub use history::{
    ActionRecord, DueChange, EvidenceFile, EvidenceId, EvidenceItem, MAX_EVIDENCE_BYTES,
    MilestoneId, NewDueChange, NewEvidence, StoredMilestone, StoredUpdate, TimelineEntry, UpdateId,
    evidence_content_type, safe_file_name,
};
pub use outline::{
    AreaId, Direction, ItemFields, ItemForm, ItemKind, ObjectiveId, OutlineAction, OutlineArea,
    OutlineMilestone, OutlineObjective, OutlinePerson, PersonId, PlanOutline, next_free_ref,
};
pub use people::{OwnedAction, OwnerSummary};
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
pub use scheme_edit::{RatingsInUse, ratings_in_use};
pub use search::{
    ActionFilter, ActionHit, FilterOptions, FilterQuery, PageLink, Pagination, RatingFilter,
    encode_query_value,
};
pub use shift::{months_between, shift_date};
