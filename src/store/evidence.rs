//! KPIs, voice, governance, the timeline and the glossary: written with the plan in
//! `insert_plan`'s transaction, read with it in a fixed number of queries, and added to
//! one at a time.
//!
//! The writes are macros rather than functions because the same statements must run on
//! a SQLite and a PostgreSQL transaction; a macro is compiled once per backend, as
//! `on_pool!` is.

use std::collections::HashMap;

use time::{Date, OffsetDateTime};

use super::audit::insert_audit;
use super::{Store, from_json, in_write_transaction, on_pool};
use crate::domain::{
    Actual, Board, Direction, Error, Evaluation, EventKind, GlossaryEntry, Kpi, KpiId, Meeting,
    MeetingId, MeetingKind, NewAuditEvent, Number, Period, PeriodType, PlanId, Quote, QuoteId,
    ResponseStatus, Result, Sentiment, Speaker, Timeline, TimelineEvent, VoiceSource, YouSaidWeDid,
    YouSaidWeDidId,
};

/// An audit entry naming the row just written.
fn with_id(audit: &NewAuditEvent, id: i64) -> NewAuditEvent {
    NewAuditEvent {
        entity_id: Some(id.to_string()),
        ..audit.clone()
    }
}

/// What `plan_tree` adds to the tree.
#[derive(Debug, Default)]
pub(super) struct Evidence {
    pub kpis: Vec<Kpi>,
    pub kpi_tolerance: Option<Number>,
    pub voice: Vec<Quote>,
    pub you_said_we_did: Vec<YouSaidWeDid>,
    pub boards: Vec<Board>,
    pub meetings: Vec<Meeting>,
    pub timeline: Timeline,
}

/// Inserts one KPI and its actuals; evaluates to the new `kpi_id`.
macro_rules! insert_kpi {
    ($tx:ident, $plan_id:expr, $kpi:expr, $now:expr) => {{
        let kpi: &$crate::domain::Kpi = $kpi;
        let kpi_id: i64 = sqlx::query_scalar(
            "insert into kpi (plan_id, position, key, name, unit, direction, period_type, source, owner,
                objectives, baseline, trajectory, benchmarks, created_at, updated_at)
             values ($1, (select coalesce(max(position), -1) + 1 from kpi where plan_id = $1),
                $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $13)
             returning kpi_id",
        )
        .bind($plan_id)
        .bind(&kpi.key)
        .bind(&kpi.name)
        .bind(&kpi.unit)
        .bind(kpi.direction.code())
        .bind(kpi.period_type.code())
        .bind(&kpi.source)
        .bind(&kpi.owner)
        .bind($crate::store::to_json(&kpi.objectives)?)
        .bind(kpi.baseline.as_ref().map($crate::store::to_json).transpose()?)
        .bind($crate::store::to_json(&kpi.trajectory)?)
        .bind($crate::store::to_json(&kpi.benchmarks)?)
        .bind($now)
        .fetch_one(&mut *$tx)
        .await?;
        for actual in &kpi.actuals {
            $crate::store::evidence::insert_actual!($tx, kpi_id, actual, $now);
        }
        kpi_id
    }};
}
pub(super) use insert_kpi;

/// Inserts one actual of a KPI.
macro_rules! insert_actual {
    ($tx:ident, $kpi_id:expr, $actual:expr, $now:expr) => {{
        let actual: &$crate::domain::Actual = $actual;
        sqlx::query(
            "insert into kpi_actual (kpi_id, period, period_end, value, entered_by, entered_on, note,
                created_at, updated_at)
             values ($1, $2, $3, $4, $5, $6, $7, $8, $8)",
        )
        .bind($kpi_id)
        .bind(actual.period.to_string())
        .bind(actual.period.end())
        .bind(actual.value.get())
        .bind(&actual.entered_by)
        .bind(actual.entered_on)
        .bind(&actual.note)
        .bind($now)
        .execute(&mut *$tx)
        .await?;
    }};
}
pub(super) use insert_actual;

/// Inserts one quote at the end of the plan's list; evaluates to its id.
macro_rules! insert_quote {
    ($tx:ident, $plan_id:expr, $quote:expr, $now:expr) => {{
        let quote: &$crate::domain::Quote = $quote;
        let id: i64 = sqlx::query_scalar(
            "insert into quote (plan_id, position, text, speaker, year_group, age, source, quote_date,
                sentiment, areas, actions, consent, created_at, updated_at)
             values ($1, (select coalesce(max(position), -1) + 1 from quote where plan_id = $1),
                $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $12)
             returning quote_id",
        )
        .bind($plan_id)
        .bind(&quote.text)
        .bind(quote.speaker.code())
        .bind(quote.year_group.map(i64::from))
        .bind(quote.age.map(i64::from))
        .bind(quote.source.code())
        .bind(quote.date)
        .bind(quote.sentiment.code())
        .bind($crate::store::to_json(&quote.areas)?)
        .bind($crate::store::to_json(&quote.actions)?)
        .bind(quote.consent)
        .bind($now)
        .fetch_one(&mut *$tx)
        .await?;
        id
    }};
}
pub(super) use insert_quote;

/// Inserts one "you said, we did" entry at the end of the list; evaluates to its id.
macro_rules! insert_you_said_we_did {
    ($tx:ident, $plan_id:expr, $entry:expr, $now:expr) => {{
        let entry: &$crate::domain::YouSaidWeDid = $entry;
        let id: i64 = sqlx::query_scalar(
            "insert into you_said_we_did (plan_id, position, you_said, we_did, status, reason, actions,
                entry_date, created_at, updated_at)
             values ($1, (select coalesce(max(position), -1) + 1 from you_said_we_did where plan_id = $1),
                $2, $3, $4, $5, $6, $7, $8, $8)
             returning you_said_we_did_id",
        )
        .bind($plan_id)
        .bind(&entry.you_said)
        .bind(&entry.we_did)
        .bind(entry.status.code())
        .bind(&entry.reason)
        .bind($crate::store::to_json(&entry.actions)?)
        .bind(entry.date)
        .bind($now)
        .fetch_one(&mut *$tx)
        .await?;
        id
    }};
}
pub(super) use insert_you_said_we_did;

/// Inserts one board at the end of the list.
macro_rules! insert_board {
    ($tx:ident, $plan_id:expr, $board:expr, $now:expr) => {{
        let board: &$crate::domain::Board = $board;
        sqlx::query(
            "insert into board (plan_id, position, name, chair, members, reports_to, cadence, purpose,
                monitors_areas, monitors, created_at, updated_at)
             values ($1, (select coalesce(max(position), -1) + 1 from board where plan_id = $1),
                $2, $3, $4, $5, $6, $7, $8, $9, $10, $10)",
        )
        .bind($plan_id)
        .bind(&board.name)
        .bind(&board.chair)
        .bind($crate::store::to_json(&board.members)?)
        .bind(&board.reports_to)
        .bind(&board.cadence)
        .bind(&board.purpose)
        .bind($crate::store::to_json(&board.monitors_areas)?)
        .bind($crate::store::to_json(&board.monitors)?)
        .bind($now)
        .execute(&mut *$tx)
        .await?;
    }};
}
pub(super) use insert_board;

/// Inserts one meeting; evaluates to its id.
macro_rules! insert_meeting {
    ($tx:ident, $plan_id:expr, $meeting:expr, $now:expr) => {{
        let meeting: &$crate::domain::Meeting = $meeting;
        let id: i64 = sqlx::query_scalar(
            "insert into meeting (plan_id, meeting_date, kind, board, purpose, attendees, notes, decisions,
                actions_agreed, progress_measures, created_at, updated_at)
             values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $11)
             returning meeting_id",
        )
        .bind($plan_id)
        .bind(meeting.date)
        .bind(meeting.kind.code())
        .bind(&meeting.board)
        .bind(&meeting.purpose)
        .bind($crate::store::to_json(&meeting.attendees)?)
        .bind(&meeting.notes)
        .bind($crate::store::to_json(&meeting.decisions)?)
        .bind($crate::store::to_json(&meeting.actions_agreed)?)
        .bind($crate::store::to_json(&meeting.progress_measures)?)
        .bind($now)
        .fetch_one(&mut *$tx)
        .await?;
        id
    }};
}
pub(super) use insert_meeting;

/// Inserts one timeline event.
macro_rules! insert_timeline_event {
    ($tx:ident, $plan_id:expr, $event:expr, $now:expr) => {{
        let event: &$crate::domain::TimelineEvent = $event;
        sqlx::query(
            "insert into timeline_event (plan_id, event_date, kind, outcome, note, created_at, updated_at)
             values ($1, $2, $3, $4, $5, $6, $6)",
        )
        .bind($plan_id)
        .bind(event.date)
        .bind(event.kind.code())
        .bind(event.outcome.map(|o| o.code()))
        .bind(&event.note)
        .bind($now)
        .execute(&mut *$tx)
        .await?;
    }};
}
pub(super) use insert_timeline_event;

/// Writes everything of a new plan beyond its tree, inside the caller's transaction.
macro_rules! write_evidence {
    ($tx:ident, $plan_id:expr, $plan:expr, $now:expr) => {{
        let plan: &$crate::domain::PlanTree = $plan;
        let plan_id: i64 = $plan_id;
        if plan.kpi_tolerance.is_some()
            || plan.timeline.working_days.is_some()
            || !plan.timeline.extra_bank_holidays.is_empty()
        {
            sqlx::query(
                "insert into plan_setting (plan_id, kpi_tolerance, working_days, extra_bank_holidays,
                    created_at, updated_at)
                 values ($1, $2, $3, $4, $5, $5)",
            )
            .bind(plan_id)
            .bind(plan.kpi_tolerance.map($crate::domain::Number::get))
            .bind(plan.timeline.working_days.as_ref().map($crate::store::to_json).transpose()?)
            .bind($crate::store::to_json(&plan.timeline.extra_bank_holidays)?)
            .bind($now)
            .execute(&mut *$tx)
            .await?;
        }
        for kpi in &plan.kpis {
            $crate::store::evidence::insert_kpi!($tx, plan_id, kpi, $now);
        }
        for quote in &plan.voice {
            $crate::store::evidence::insert_quote!($tx, plan_id, quote, $now);
        }
        for entry in &plan.you_said_we_did {
            $crate::store::evidence::insert_you_said_we_did!($tx, plan_id, entry, $now);
        }
        for board in &plan.boards {
            $crate::store::evidence::insert_board!($tx, plan_id, board, $now);
        }
        for meeting in &plan.meetings {
            $crate::store::evidence::insert_meeting!($tx, plan_id, meeting, $now);
        }
        for event in &plan.timeline.events {
            $crate::store::evidence::insert_timeline_event!($tx, plan_id, event, $now);
        }
    }};
}
pub(super) use write_evidence;

#[derive(sqlx::FromRow)]
struct SettingRow {
    kpi_tolerance: Option<f64>,
    working_days: Option<String>,
    extra_bank_holidays: String,
}

#[derive(sqlx::FromRow)]
struct KpiRow {
    kpi_id: i64,
    key: String,
    name: String,
    unit: String,
    direction: String,
    period_type: String,
    source: Option<String>,
    owner: Option<String>,
    objectives: String,
    baseline: Option<String>,
    trajectory: String,
    benchmarks: String,
}

#[derive(sqlx::FromRow)]
struct ActualRow {
    kpi_id: i64,
    period: String,
    value: f64,
    entered_by: Option<String>,
    entered_on: Option<Date>,
    note: Option<String>,
}

#[derive(sqlx::FromRow)]
struct QuoteRow {
    quote_id: i64,
    text: String,
    speaker: String,
    year_group: Option<i64>,
    age: Option<i64>,
    source: String,
    quote_date: Option<Date>,
    sentiment: String,
    areas: String,
    actions: String,
    consent: bool,
}

#[derive(sqlx::FromRow)]
struct YouSaidWeDidRow {
    you_said_we_did_id: i64,
    you_said: String,
    we_did: String,
    status: String,
    reason: Option<String>,
    actions: String,
    entry_date: Option<Date>,
}

#[derive(sqlx::FromRow)]
struct BoardRow {
    name: String,
    chair: Option<String>,
    members: String,
    reports_to: Option<String>,
    cadence: Option<String>,
    purpose: Option<String>,
    monitors_areas: String,
    monitors: String,
}

#[derive(sqlx::FromRow)]
struct MeetingRow {
    meeting_id: i64,
    meeting_date: Date,
    kind: String,
    board: Option<String>,
    purpose: String,
    attendees: String,
    notes: Option<String>,
    decisions: String,
    actions_agreed: String,
    progress_measures: String,
}

#[derive(sqlx::FromRow)]
struct EventRow {
    event_date: Date,
    kind: String,
    outcome: Option<String>,
    note: Option<String>,
}

/// A stored code the domain does not know is a bug in the store, not the user's input.
fn stored<T>(what: &str, parsed: Result<T>) -> Result<T> {
    parsed.map_err(|e| Error::Internal(anyhow::anyhow!("stored {what}: {e}")))
}

fn small(what: &str, raw: Option<i64>) -> Result<Option<u8>> {
    raw.map(|n| u8::try_from(n).map_err(|e| Error::Internal(anyhow::anyhow!("stored {what}: {e}"))))
        .transpose()
}

impl Store {
    /// Everything beyond the tree, in eight queries whatever the plan's size.
    #[expect(
        clippy::too_many_lines,
        reason = "eight flat queries, then one pass turning rows into values"
    )]
    pub(super) async fn evidence(&self, plan_id: i64) -> Result<Evidence> {
        let setting: Option<SettingRow> = on_pool!(self, |pool| {
            sqlx::query_as(
                "select kpi_tolerance, working_days, extra_bank_holidays from plan_setting where plan_id = $1",
            )
            .bind(plan_id)
            .fetch_optional(pool)
            .await
        })?;
        let kpis: Vec<KpiRow> = on_pool!(self, |pool| {
            sqlx::query_as(
                "select kpi_id, key, name, unit, direction, period_type, source, owner, objectives,
                    baseline, trajectory, benchmarks
                 from kpi where plan_id = $1 order by position",
            )
            .bind(plan_id)
            .fetch_all(pool)
            .await
        })?;
        let actuals: Vec<ActualRow> = on_pool!(self, |pool| {
            sqlx::query_as(
                "select a.kpi_id, a.period, a.value, a.entered_by, a.entered_on, a.note
                 from kpi_actual a join kpi k on k.kpi_id = a.kpi_id
                 where k.plan_id = $1 order by a.kpi_id, a.period_end, a.kpi_actual_id",
            )
            .bind(plan_id)
            .fetch_all(pool)
            .await
        })?;
        let quotes: Vec<QuoteRow> = on_pool!(self, |pool| {
            sqlx::query_as(
                "select quote_id, text, speaker, year_group, age, source, quote_date, sentiment, areas,
                    actions, consent
                 from quote where plan_id = $1 order by position",
            )
            .bind(plan_id)
            .fetch_all(pool)
            .await
        })?;
        let entries: Vec<YouSaidWeDidRow> = on_pool!(self, |pool| {
            sqlx::query_as(
                "select you_said_we_did_id, you_said, we_did, status, reason, actions, entry_date
                 from you_said_we_did where plan_id = $1 order by position",
            )
            .bind(plan_id)
            .fetch_all(pool)
            .await
        })?;
        let boards: Vec<BoardRow> = on_pool!(self, |pool| {
            sqlx::query_as(
                "select name, chair, members, reports_to, cadence, purpose, monitors_areas, monitors
                 from board where plan_id = $1 order by position",
            )
            .bind(plan_id)
            .fetch_all(pool)
            .await
        })?;
        let meetings: Vec<MeetingRow> = on_pool!(self, |pool| {
            sqlx::query_as(
                "select meeting_id, meeting_date, kind, board, purpose, attendees, notes, decisions,
                    actions_agreed, progress_measures
                 from meeting where plan_id = $1 order by meeting_date, meeting_id",
            )
            .bind(plan_id)
            .fetch_all(pool)
            .await
        })?;
        let events: Vec<EventRow> = on_pool!(self, |pool| {
            sqlx::query_as(
                "select event_date, kind, outcome, note
                 from timeline_event where plan_id = $1 order by event_date, timeline_event_id",
            )
            .bind(plan_id)
            .fetch_all(pool)
            .await
        })?;

        let mut evidence = Evidence::default();
        if let Some(setting) = setting {
            evidence.kpi_tolerance = setting
                .kpi_tolerance
                .map(|t| stored("kpi_tolerance", Number::new(t)))
                .transpose()?;
            evidence.timeline.working_days = setting
                .working_days
                .map(|raw| from_json("working_days", &raw))
                .transpose()?;
            evidence.timeline.extra_bank_holidays =
                from_json("extra_bank_holidays", &setting.extra_bank_holidays)?;
        }
        for row in kpis {
            let kpi = Kpi {
                id: Some(KpiId(row.kpi_id)),
                key: row.key,
                name: row.name,
                unit: row.unit,
                direction: stored("direction", Direction::from_code(&row.direction))?,
                period_type: stored("period_type", PeriodType::from_code(&row.period_type))?,
                source: row.source,
                owner: row.owner,
                objectives: from_json("objectives", &row.objectives)?,
                baseline: row
                    .baseline
                    .map(|raw| from_json("baseline", &raw))
                    .transpose()?,
                trajectory: from_json("trajectory", &row.trajectory)?,
                actuals: Vec::new(),
                benchmarks: from_json("benchmarks", &row.benchmarks)?,
            };
            evidence.kpis.push(kpi);
        }
        // Actuals come sorted by KPI id, KPIs by position: look each KPI up.
        let at: HashMap<i64, usize> = evidence
            .kpis
            .iter()
            .enumerate()
            .filter_map(|(i, k)| Some((k.id?.0, i)))
            .collect();
        for row in actuals {
            let Some(&i) = at.get(&row.kpi_id) else {
                continue;
            };
            evidence.kpis[i].actuals.push(Actual {
                period: stored("period", Period::parse(&row.period))?,
                value: stored("value", Number::new(row.value))?,
                entered_by: row.entered_by,
                entered_on: row.entered_on,
                note: row.note,
            });
        }
        for row in quotes {
            evidence.voice.push(Quote {
                id: Some(QuoteId(row.quote_id)),
                text: row.text,
                speaker: stored("speaker", Speaker::from_code(&row.speaker))?,
                year_group: small("year_group", row.year_group)?,
                age: small("age", row.age)?,
                source: stored("source", VoiceSource::from_code(&row.source))?,
                date: row.quote_date,
                sentiment: stored("sentiment", Sentiment::from_code(&row.sentiment))?,
                areas: from_json("areas", &row.areas)?,
                actions: from_json("actions", &row.actions)?,
                consent: row.consent,
            });
        }
        for row in entries {
            evidence.you_said_we_did.push(YouSaidWeDid {
                id: Some(YouSaidWeDidId(row.you_said_we_did_id)),
                you_said: row.you_said,
                we_did: row.we_did,
                status: stored("status", ResponseStatus::from_code(&row.status))?,
                reason: row.reason,
                actions: from_json("actions", &row.actions)?,
                date: row.entry_date,
            });
        }
        for row in boards {
            evidence.boards.push(Board {
                name: row.name,
                chair: row.chair,
                members: from_json("members", &row.members)?,
                reports_to: row.reports_to,
                cadence: row.cadence,
                purpose: row.purpose,
                monitors_areas: from_json("monitors_areas", &row.monitors_areas)?,
                monitors: from_json("monitors", &row.monitors)?,
            });
        }
        for row in meetings {
            evidence.meetings.push(Meeting {
                id: Some(MeetingId(row.meeting_id)),
                date: row.meeting_date,
                kind: stored("kind", MeetingKind::from_code(&row.kind))?,
                board: row.board,
                purpose: row.purpose,
                attendees: from_json("attendees", &row.attendees)?,
                notes: row.notes,
                decisions: from_json("decisions", &row.decisions)?,
                actions_agreed: from_json("actions_agreed", &row.actions_agreed)?,
                progress_measures: from_json("progress_measures", &row.progress_measures)?,
            });
        }
        for row in events {
            evidence.timeline.events.push(TimelineEvent {
                date: row.event_date,
                kind: stored("kind", EventKind::from_code(&row.kind))?,
                outcome: row
                    .outcome
                    .map(|o| stored("outcome", Evaluation::from_code(&o)))
                    .transpose()?,
                note: row.note,
            });
        }
        Ok(evidence)
    }

    /// Adds a KPI to a plan, with its audit entry.
    pub async fn insert_kpi(
        &self,
        plan: PlanId,
        kpi: &Kpi,
        audit: &NewAuditEvent,
        now: OffsetDateTime,
    ) -> Result<KpiId> {
        let id = in_write_transaction!(self, |tx| {
            let id = insert_kpi!(tx, plan.0, kpi, now);
            insert_audit!(tx, &with_id(audit, id), now);
            id
        });
        Ok(KpiId(id))
    }

    /// Adds actuals to a KPI, with one audit entry: all of them or, if one fails, none.
    pub async fn insert_actuals(
        &self,
        kpi: KpiId,
        actuals: &[Actual],
        audit: &NewAuditEvent,
        now: OffsetDateTime,
    ) -> Result<()> {
        in_write_transaction!(self, |tx| {
            for actual in actuals {
                insert_actual!(tx, kpi.0, actual, now);
            }
            insert_audit!(tx, &with_id(audit, kpi.0), now);
        });
        Ok(())
    }

    /// Adds actuals to several KPIs in one transaction with one audit entry: all of them
    /// or none.
    pub async fn insert_actuals_of(
        &self,
        rows: &[(KpiId, Actual)],
        audit: &NewAuditEvent,
        now: OffsetDateTime,
    ) -> Result<()> {
        in_write_transaction!(self, |tx| {
            for (kpi, actual) in rows {
                insert_actual!(tx, kpi.0, actual, now);
            }
            insert_audit!(tx, audit, now);
        });
        Ok(())
    }

    /// Adds a quote at the end of the plan's list, with its audit entry.
    pub async fn insert_quote(
        &self,
        plan: PlanId,
        quote: &Quote,
        audit: &NewAuditEvent,
        now: OffsetDateTime,
    ) -> Result<QuoteId> {
        let id = in_write_transaction!(self, |tx| {
            let id = insert_quote!(tx, plan.0, quote, now);
            insert_audit!(tx, &with_id(audit, id), now);
            id
        });
        Ok(QuoteId(id))
    }

    /// Adds a "you said, we did" entry at the end of the plan's list, with its audit
    /// entry.
    pub async fn insert_you_said_we_did(
        &self,
        plan: PlanId,
        entry: &YouSaidWeDid,
        audit: &NewAuditEvent,
        now: OffsetDateTime,
    ) -> Result<YouSaidWeDidId> {
        let id = in_write_transaction!(self, |tx| {
            let id = insert_you_said_we_did!(tx, plan.0, entry, now);
            insert_audit!(tx, &with_id(audit, id), now);
            id
        });
        Ok(YouSaidWeDidId(id))
    }

    /// Records a meeting, with its audit entry.
    pub async fn insert_meeting(
        &self,
        plan: PlanId,
        meeting: &Meeting,
        audit: &NewAuditEvent,
        now: OffsetDateTime,
    ) -> Result<MeetingId> {
        let id = in_write_transaction!(self, |tx| {
            let id = insert_meeting!(tx, plan.0, meeting, now);
            insert_audit!(tx, &with_id(audit, id), now);
            id
        });
        Ok(MeetingId(id))
    }

    /// Adds a board at the end of the plan's list, with its audit entry.
    pub async fn insert_board(
        &self,
        plan: PlanId,
        board: &Board,
        audit: &NewAuditEvent,
        now: OffsetDateTime,
    ) -> Result<()> {
        in_write_transaction!(self, |tx| {
            insert_board!(tx, plan.0, board, now);
            insert_audit!(tx, audit, now);
        });
        Ok(())
    }

    /// Records a timeline event, with its audit entry.
    pub async fn insert_timeline_event(
        &self,
        plan: PlanId,
        event: &TimelineEvent,
        audit: &NewAuditEvent,
        now: OffsetDateTime,
    ) -> Result<()> {
        in_write_transaction!(self, |tx| {
            insert_timeline_event!(tx, plan.0, event, now);
            insert_audit!(tx, audit, now);
        });
        Ok(())
    }

    /// Sets a glossary term's definition: changes the entry if the plan has it, else adds
    /// it at the end. The audit entry records the definition before and after.
    pub async fn set_glossary_entry(
        &self,
        plan: PlanId,
        entry: &GlossaryEntry,
        audit: &NewAuditEvent,
        now: OffsetDateTime,
    ) -> Result<()> {
        in_write_transaction!(self, |tx| {
            let before: Option<String> = sqlx::query_scalar(
                "select definition from glossary_entry where plan_id = $1 and term = $2",
            )
            .bind(plan.0)
            .bind(&entry.term)
            .fetch_optional(&mut *tx)
            .await?;
            if before.is_some() {
                sqlx::query(
                    "update glossary_entry set definition = $1, updated_at = $2 where plan_id = $3 and term = $4",
                )
                .bind(&entry.definition)
                .bind(now)
                .bind(plan.0)
                .bind(&entry.term)
                .execute(&mut *tx)
                .await?;
            } else {
                sqlx::query(
                    "insert into glossary_entry (plan_id, position, term, definition, created_at, updated_at)
                     values ($1, (select coalesce(max(position), -1) + 1 from glossary_entry where plan_id = $1),
                        $2, $3, $4, $4)",
                )
                .bind(plan.0)
                .bind(&entry.term)
                .bind(&entry.definition)
                .bind(now)
                .execute(&mut *tx)
                .await?;
            }
            let event = NewAuditEvent {
                entity_id: Some(entry.term.clone()),
                before: before.map(|definition| {
                    serde_json::json!({ "term": entry.term, "definition": definition })
                }),
                ..audit.clone()
            };
            insert_audit!(tx, &event, now);
        });
        Ok(())
    }
}
