//! Governance and the timeline: record a meeting, add a board, record a submission,
//! evaluation or revisit, and define a glossary term.
//!
//! All are read as the plan is and changed by admins and editors of the plan's area,
//! each change with an audit entry in the same transaction.

use super::App;
use crate::domain::{
    Actor, Board, Error, GlossaryEntry, Meeting, MeetingId, MeetingKind, Result, TimelineEvent,
    check_boards, check_term,
};

impl App {
    /// Records a meeting; a board meeting names one of the plan's boards, and agreed
    /// actions and progress measures point into the plan. Admins and editors.
    #[tracing::instrument(skip_all, fields(plan = plan_key, actor = actor.user_id().map(|u| u.0)))]
    pub async fn record_meeting(
        &self,
        actor: &Actor,
        plan_key: &str,
        meeting: Meeting,
    ) -> Result<MeetingId> {
        let (summary, plan) = self.plan_to_edit(actor, plan_key).await?;
        meeting.validate()?;
        if meeting.date > self.clock.today() {
            return Err(Error::invalid(
                "date",
                "record a meeting once it has taken place",
            ));
        }
        if meeting.kind == MeetingKind::Board {
            match meeting.board.as_deref() {
                None => return Err(Error::invalid("board", "choose the board that met")),
                Some(name) if !plan.boards.iter().any(|b| b.name == name) => {
                    return Err(Error::invalid(
                        "board",
                        format!("the plan has no board called {name:?}"),
                    ));
                }
                Some(_) => {}
            }
        }
        for agreed in &meeting.actions_agreed {
            plan.check_action_links("actions_agreed", &agreed.actions)?;
        }
        let areas: Vec<u32> = meeting.progress_measures.iter().map(|m| m.area).collect();
        plan.check_area_links("progress_measures", &areas)?;
        let audit =
            Self::plan_audit_event(actor, &summary, "meeting", "meeting.recorded", &meeting)?;
        self.store
            .insert_meeting(summary.id, &meeting, &audit, self.clock.now())
            .await
    }

    /// Adds a board; it may report to one of the plan's boards. Admins and editors.
    #[tracing::instrument(skip_all, fields(plan = plan_key, actor = actor.user_id().map(|u| u.0)))]
    pub async fn add_board(&self, actor: &Actor, plan_key: &str, board: Board) -> Result<()> {
        let (summary, plan) = self.plan_to_edit(actor, plan_key).await?;
        let mut boards = plan.boards.clone();
        boards.push(board.clone());
        check_boards(&boards).map_err(|e| match e {
            Error::Invalid { message, .. } => Error::invalid("name", message),
            other => other,
        })?;
        plan.check_area_links("monitors_areas", &board.monitors_areas)?;
        plan.check_action_links("monitors", &board.monitors)?;
        let audit = Self::plan_audit_event(actor, &summary, "board", "board.added", &board)?;
        self.store
            .insert_board(summary.id, &board, &audit, self.clock.now())
            .await
    }

    /// Records a submission, evaluation, revisit or other event on the timeline. Admins
    /// and editors.
    #[tracing::instrument(skip_all, fields(plan = plan_key, actor = actor.user_id().map(|u| u.0)))]
    pub async fn record_timeline_event(
        &self,
        actor: &Actor,
        plan_key: &str,
        event: TimelineEvent,
    ) -> Result<()> {
        let (summary, _) = self.plan_to_edit(actor, plan_key).await?;
        event.validate()?;
        let audit = Self::plan_audit_event(
            actor,
            &summary,
            "timeline_event",
            "timeline.event_recorded",
            &event,
        )?;
        self.store
            .insert_timeline_event(summary.id, &event, &audit, self.clock.now())
            .await
    }

    /// Sets the definition of a glossary term, adding the term if the plan lacks it.
    /// Admins and editors.
    #[tracing::instrument(skip_all, fields(plan = plan_key, actor = actor.user_id().map(|u| u.0)))]
    pub async fn set_glossary_definition(
        &self,
        actor: &Actor,
        plan_key: &str,
        term: &str,
        definition: &str,
    ) -> Result<()> {
        let (summary, _) = self.plan_to_edit(actor, plan_key).await?;
        let term = check_term(term)?;
        let definition = definition.trim();
        if definition.is_empty() {
            return Err(Error::invalid(
                "definition",
                format!("enter what {term} stands for"),
            ));
        }
        if definition.chars().count() > 500 {
            return Err(Error::invalid(
                "definition",
                "a definition must be 500 characters or fewer",
            ));
        }
        let entry = GlossaryEntry {
            term,
            definition: definition.to_owned(),
        };
        let audit = Self::plan_audit_event(
            actor,
            &summary,
            "glossary_entry",
            "glossary.defined",
            &entry,
        )?;
        self.store
            .set_glossary_entry(summary.id, &entry, &audit, self.clock.now())
            .await
    }
}
