//! The improvement plan as values: what a plan is made of and the rules that need no data.

mod account;
mod audit;
mod comparison;
mod date;
mod error;
mod glossary;
mod governance;
mod kpi;
mod link;
mod plan;
mod rating;
mod report;
mod reports;
mod sample;
mod timeline;
mod voice;

pub use account::{
    Actor, ApiTokenInfo, Email, Grant, LocalArea, LocalAreaId, MAX_PASSWORD_CHARS,
    MIN_PASSWORD_CHARS, Permission, Role, User, UserId, check_new_password,
};
pub use audit::{AuditEvent, NewAuditEvent};
pub use comparison::{LevelCount, PlanProgress};
pub use date::{Due, PartialDate, parse_uk_due, uk_month_name};
pub use error::{Error, Result};
pub use glossary::{FoundTerm, KNOWN_TERMS, Segment, abbreviate, check_term, known_definition};
pub use governance::{
    AgreedAction, Board, Diagram, DiagramArrow, DiagramBox, DiagramLabel, Meeting, MeetingId,
    MeetingKind, ProgressMeasure, check_boards, diagram,
};
pub use kpi::{
    Actual, Assessment, Benchmark, Comparator, DEFAULT_TOLERANCE_PERCENT, Direction, Expected, Kpi,
    KpiId, KpiStatus, Number, Period, PeriodType, Point, STANDARD_MEASURES, StandardMeasure,
    format_value,
};
pub use link::{ActionRef, LinkedAction, ObjectiveRef};
pub use plan::{
    Action, ActionId, Area, GlossaryEntry, Milestone, Objective, PLAN_FORMAT, Person, PlanId,
    PlanKind, PlanStatus, PlanSummary, PlanTree, ProgressUpdate, Resource,
};
pub use rating::{Dimension, Level, RatingScheme};
pub use report::{OwnerName, RatingTag};
pub use reports::{
    ActionStatus, AreaMonitoring, AreaProgress, AreaStatus, AsAt, BoardSummary, DEFAULT_CYCLE_DAYS,
    DimensionCount, Done, Evidence, Exception, ExceptionCount, Exceptions, Flag, Highlight,
    KpiMovement, LevelTally, MeasureAt, MeetingSummary, MilestoneAt, Monitoring, NextStep,
    ObjectiveStatus, Position, Progress, PublicAction, PublicSummary, RatingAt, Reason, Report,
    ReportBody, ReportFormat, ReportHeader, ReportKind, ReportOptions, ResponseAt, Tracker,
    build_report, expand_first_use, glossary_used, kpi_headline, kpi_movements,
    meeting_reported_to, meetings_between, monitoring, months_before, ratings_at, responses_at,
    responses_done_between, uk_date,
};
pub use sample::sample_plan;
pub use timeline::{
    EntryState, Evaluation, EventKind, Schedule, Timeline, TimelineEntry, TimelineEvent,
    WorkingCalendar, WorkingDays, bank_holidays, easter_sunday,
};
pub use voice::{
    Quote, QuoteId, ResponseStatus, Sentiment, Speaker, VoiceSource, YouSaidWeDid, YouSaidWeDidId,
};
