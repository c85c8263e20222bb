//! The improvement plan as values: what a plan is made of and the rules that need no data.

mod account;
mod audit;
mod comparison;
mod cycle;
mod dashboard;
mod date;
mod error;
mod flags;
mod glossary;
mod governance;
mod history;
mod kpi;
mod link;
pub mod mail;
mod outline;
mod people;
mod plan;
mod rating;
pub mod reminders;
mod report;
mod reports;
mod sample;
mod scheme_edit;
mod search;
mod shift;
mod timeline;
mod voice;

pub use account::{
    ADDRESS_FAILURES, ADDRESS_WINDOW, Actor, ApiTokenInfo, Email, FAILURE_MEMORY, FIRST_LOCKOUT,
    Grant, LOCKOUT_FAILURES, LONGEST_LOCKOUT, LocalArea, LocalAreaId, MAX_PASSWORD_CHARS,
    MIN_PASSWORD_CHARS, Permission, Role, User, UserId, check_new_password, sign_in_wait,
};
pub use audit::{AuditEvent, ChainCheck, ChainedEntry, NewAuditEvent, chain_hash};
pub use comparison::{
    CompareColumn, LevelCount, NO_RECENT_UPDATE_WEEKS, PlanProgress, RatingTally, Track,
    recent_since, sort_progress,
};
pub use cycle::{
    ActionSnapshot, ChangedAction, ClosedCycle, CycleChanges, CycleId, DateMove, Movement,
    RatingMove, ReportingCycle,
};
pub use dashboard::{
    AreaCounts, BarSegment, ChartMonth, CompletionChart, Dashboard, RatingBar, Tick,
};
pub use date::{
    Due, PartialDate, parse_dated_entry, parse_deadline_cell, parse_period_label, parse_uk_due,
    uk_month_name,
};
pub use error::{Error, Result};
pub use flags::{ActionFlag, ActionState, DEFAULT_CYCLE_WEEKS, DUE_SOON_DAYS, FlagRules};
pub use glossary::{FoundTerm, KNOWN_TERMS, Segment, abbreviate, check_term, known_definition};
pub use governance::{
    AgreedAction, Board, Diagram, DiagramArrow, DiagramBox, DiagramLabel, Meeting, MeetingId,
    MeetingKind, ProgressMeasure, check_boards, diagram,
};
pub use history::{
    ActionRecord, DueChange, EvidenceFile, EvidenceId, EvidenceItem, HistoryEntry,
    MAX_EVIDENCE_BYTES, MilestoneId, NewDueChange, NewEvidence, StoredMilestone, StoredUpdate,
    UpdateId, evidence_content_type, safe_file_name,
};
pub use kpi::{
    Actual, Assessment, Benchmark, Comparator, DEFAULT_TOLERANCE_PERCENT, Direction, Expected, Kpi,
    KpiId, KpiStatus, Number, Period, PeriodType, Point, STANDARD_MEASURES, StandardMeasure,
    format_value,
};
pub use link::{ActionRef, LinkedAction, ObjectiveRef};
pub use mail::{Attachment, Mail, MailKind, MailPreferences, OutboxEntry, Topic, uk_instant};
pub use outline::{
    AreaId, ItemFields, ItemForm, ItemKind, MoveDirection, ObjectiveId, OutlineAction, OutlineArea,
    OutlineMilestone, OutlineObjective, OutlinePerson, PersonId, PlanOutline, next_free_ref,
};
pub use people::{OwnedAction, OwnerSummary};
pub use plan::{
    Action, ActionId, Area, GlossaryEntry, Milestone, Objective, PLAN_FORMAT, Person, PlanId,
    PlanKind, PlanStatus, PlanSummary, PlanTree, ProgressUpdate, Resource,
};
pub use rating::{Dimension, Level, RatingScheme};
pub use reminders::{
    Ask, DEFAULT_REMINDER_DAYS, OwnerStanding, OwnerTask, ReminderContext, ReminderSettings,
    ReminderStage,
};
pub use report::{OwnerName, RatingTag};
pub use reports::{
    ActionStatus, AreaMonitoring, AreaProgress, AreaStatus, AsAt, BoardSummary, DeadlineChange,
    DimensionCount, Done, DueChanges, Evidence, Exception, ExceptionCount, Exceptions, Flag,
    Highlight, KpiMovement, LevelTally, MeasureAt, MeetingSummary, MilestoneAt, Monitoring,
    NextStep, ObjectiveStatus, Position, Progress, PublicAction, PublicSummary, RatingAt, Reason,
    Report, ReportBody, ReportDay, ReportFormat, ReportHeader, ReportKind, ReportOptions,
    ResponseAt, SlippedDate, Tracker, build_report, build_report_with, expand_first_use,
    glossary_used, kpi_headline, kpi_movements, meeting_reported_to, meetings_between, monitoring,
    months_before, ratings_at, responses_at, responses_done_between, uk_date,
};
pub use sample::{Scale, generated_area_name, generated_plan, sample_plan};
pub use scheme_edit::{RatingsInUse, ratings_in_use};
pub use search::{
    ActionFilter, ActionHit, FilterOptions, FilterQuery, PageLink, Pagination, RatingFilter,
    encode_query_value,
};
pub use shift::{months_between, shift_date};
pub use timeline::{
    EntryState, Evaluation, EventKind, Schedule, Timeline, TimelineEntry, TimelineEvent,
    WorkingCalendar, WorkingDays, bank_holidays, easter_sunday,
};
pub use voice::{
    Quote, QuoteId, ResponseStatus, Sentiment, Speaker, VoiceSource, YouSaidWeDid, YouSaidWeDidId,
};
