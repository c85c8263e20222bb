//! The reporting cycle's chase run by the app: reminders to owners before the open cycle
//! closes, the editors' digest on the same schedule, and people's choices of what they
//! receive. `wsoa remind` runs a plan's reminders by hand; the scheduler in `wsoa serve`
//! runs them when due, once per plan, cycle and stage.

use std::collections::HashMap;

use time::Duration;

use super::App;
use super::account::{digest, random_hex};
use super::running::RunningPlan;
use crate::domain::reminders::{
    OwnerStanding, digest_mail, owner_reminder_mail, owner_tasks, stage_due,
};
use crate::domain::{
    Actor, Error, Mail, MailPreferences, NewAuditEvent, PlanSummary, ReminderContext,
    ReminderSettings, ReminderStage, Result, Role, Topic, User, WorkingCalendar, uk_date,
};
use crate::store::{MailAbout, ReminderRun, RunMessage, RunToWrite};

/// Plans whose reminders are written in one transaction.
const PLANS_PER_TRANSACTION: usize = 25;

fn outcome(
    plan: PlanSummary,
    stage: ReminderStage,
    cycle: (time::Date, time::Date),
    run: RunToWrite,
    written: bool,
) -> RemindOutcome {
    RemindOutcome {
        plan,
        stage,
        cycle,
        messages: run.messages.into_iter().map(|m| m.mail).collect(),
        written,
    }
}

/// What a reminder run wrote, or would write.
#[derive(Debug, Clone)]
pub struct RemindOutcome {
    /// The plan.
    pub plan: PlanSummary,
    /// Which stage.
    pub stage: ReminderStage,
    /// The open cycle's first and last days.
    pub cycle: (time::Date, time::Date),
    /// The messages.
    pub messages: Vec<Mail>,
    /// Whether they were written to the outbox (not on a dry run, nor when this stage
    /// had already run for the cycle).
    pub written: bool,
}

/// The reminders page's settings and history.
#[derive(Debug, Clone)]
pub struct RemindersView {
    /// The settings.
    pub settings: ReminderSettings,
    /// The open cycle's first and last days.
    pub cycle: (time::Date, time::Date),
    /// The day owners are reminded.
    pub remind_on: time::Date,
    /// Runs so far, newest first.
    pub runs: Vec<ReminderRun>,
}

impl App {
    /// The plan as the chase needs it: each action with its latest update only, which
    /// is all "updated this cycle" asks, and far less to read than its whole history.
    pub(super) async fn standing_plan(&self, actor: &Actor, key: &str) -> Result<RunningPlan> {
        let (summary, plan, cycle) = self.plan_as_it_stands(actor, key).await?;
        Ok(self.running(summary, plan, cycle))
    }

    /// The open cycle's first and last days. When neither a closed cycle nor a start
    /// date fixes it, it counts from when the plan began, as the cycles page does.
    pub(super) async fn open_cycle(
        &self,
        running: &RunningPlan,
    ) -> Result<(time::Date, time::Date)> {
        let closed = self.store.closed_cycles(running.summary.id).await?;
        let began = if closed.is_empty() && running.cycle.start.is_none() {
            let earliest = self.store.earliest_update(running.summary.id).await?;
            running.plan.began_given(earliest)
        } else {
            None
        };
        Ok(running
            .cycle
            .open_cycle(closed.last(), self.clock.today(), || began))
    }

    /// A plan's reminder settings, the day they fall due and the runs so far: whoever
    /// may edit the plan.
    pub async fn reminders(&self, actor: &Actor, key: &str) -> Result<RemindersView> {
        let running = self.standing_plan(actor, key).await?;
        self.check_may_edit_plan(actor, &running.summary)?;
        let settings = self.store.reminder_settings(running.summary.id).await?;
        let cycle = self.open_cycle(&running).await?;
        let calendar = WorkingCalendar::with_extra(&running.plan.timeline.extra_bank_holidays);
        Ok(RemindersView {
            settings,
            cycle,
            remind_on: crate::domain::reminders::working_days_before(
                &calendar,
                cycle.1,
                settings.days_before,
            ),
            runs: self.store.reminder_runs(running.summary.id).await?,
        })
    }

    /// Sets when a plan's owners are reminded: admins and editors of its area.
    #[tracing::instrument(skip_all, fields(plan = key, actor = actor.user_id().map(|u| u.0)))]
    pub async fn set_reminder_settings(
        &self,
        actor: &Actor,
        key: &str,
        settings: ReminderSettings,
    ) -> Result<()> {
        let summary = self.editable_plan(actor, key).await?;
        let audit = NewAuditEvent {
            local_area_id: Some(summary.local_area_id),
            ..NewAuditEvent::by(actor, "plan", "plan.reminders_set")
        };
        self.store
            .set_reminder_settings(summary.id, settings, &audit, self.now_seconds())
            .await
    }

    /// A plan's reminders for `stage`: one email per owner with something to do (and
    /// who has not opted out), listing only those actions, and the digest for each of
    /// the plan's editors. Written to the outbox unless `dry_run`; a scheduled stage is
    /// written once per cycle, a manual run whenever asked.
    #[tracing::instrument(skip_all, fields(plan = key, stage = stage.code(), dry_run))]
    pub async fn remind(
        &self,
        actor: &Actor,
        key: &str,
        stage: ReminderStage,
        dry_run: bool,
    ) -> Result<RemindOutcome> {
        let (summary, cycle, run) = self.prepare_reminders(actor, key, stage).await?;
        let written = !dry_run
            && self
                .store
                .write_reminder_run(&run, self.now_seconds())
                .await?;
        Ok(outcome(summary, stage, cycle, run, written))
    }

    /// [`App::remind`] for many plans at once, written in a few transactions (a
    /// commit costs more than the rows it writes, on PostgreSQL above all).
    pub async fn remind_many(
        &self,
        actor: &Actor,
        keys: &[String],
        stage: ReminderStage,
        dry_run: bool,
    ) -> Result<Vec<RemindOutcome>> {
        let mut outcomes = Vec::with_capacity(keys.len());
        for chunk in keys.chunks(PLANS_PER_TRANSACTION) {
            let mut prepared = Vec::with_capacity(chunk.len());
            for key in chunk {
                prepared.push(self.prepare_reminders(actor, key, stage).await?);
            }
            let runs: Vec<RunToWrite> = prepared.iter().map(|(_, _, run)| run.clone()).collect();
            let written = if dry_run {
                vec![false; runs.len()]
            } else {
                self.store
                    .write_reminder_runs(&runs, self.now_seconds())
                    .await?
            };
            for ((summary, cycle, run), written) in prepared.into_iter().zip(written) {
                outcomes.push(outcome(summary, stage, cycle, run, written));
            }
        }
        Ok(outcomes)
    }

    /// A plan's reminders for `stage`, ready to write: whoever may edit the plan.
    async fn prepare_reminders(
        &self,
        actor: &Actor,
        key: &str,
        stage: ReminderStage,
    ) -> Result<(PlanSummary, (time::Date, time::Date), RunToWrite)> {
        let running = self.standing_plan(actor, key).await?;
        self.check_may_edit_plan(actor, &running.summary)?;
        let cycle = self.open_cycle(&running).await?;
        let messages = self.reminder_messages(&running, cycle, stage).await?;
        let run = RunToWrite {
            plan: running.summary.id,
            cycle_from: cycle.0,
            stage,
            messages,
            by: NewAuditEvent {
                local_area_id: Some(running.summary.local_area_id),
                ..NewAuditEvent::by(actor, "plan", "reminders.sent")
            },
        };
        Ok((running.summary.clone(), cycle, run))
    }

    async fn reminder_messages(
        &self,
        running: &RunningPlan,
        cycle: (time::Date, time::Date),
        stage: ReminderStage,
    ) -> Result<Vec<RunMessage>> {
        let summary = &running.summary;
        let plan = &running.plan;
        let people = self.store.users_of_area(summary.local_area_id).await?;
        let ids: Vec<_> = people.iter().map(|u| u.id).collect();
        let preferences = self.store.mail_preferences(&ids).await?;
        let base = self.mail.base_url.clone();
        let context = ReminderContext {
            base_url: &base,
            plan_slug: &summary.slug,
            plan_title: &summary.title,
            closes_on: cycle.1,
            stage,
        };
        let role_in = |user: &User| {
            user.grants
                .iter()
                .find(|g| g.local_area.id == summary.local_area_id)
                .cloned()
        };
        let mut messages = Vec::new();
        let mut standings = Vec::new();
        for user in &people {
            let Some(grant) = role_in(user) else { continue };
            let Some(key) = grant
                .person_key
                .as_deref()
                .filter(|_| grant.role == Role::Owner)
            else {
                continue;
            };
            let tasks = owner_tasks(plan, key, cycle.0, &running.rules);
            let updated = plan.actions().any(|(_, _, a)| {
                plan.is_owned_by(a, key) && a.updates.iter().any(|u| u.date >= cycle.0)
            });
            standings.push(OwnerStanding {
                name: format!("{} ({key})", user.name),
                updated,
                tasks: tasks.clone(),
            });
            let wants = preferences
                .get(&user.id)
                .copied()
                .unwrap_or_default()
                .wants(Topic::Reminders);
            if tasks.is_empty() || !wants {
                continue;
            }
            let mail = owner_reminder_mail(&user.email, &user.name, &tasks, &context);
            messages.push(self.stoppable(mail, user, summary, Topic::Reminders)?);
        }
        let (overdue, slipped) = self.overdue_and_slipped(running, cycle.0).await?;
        for user in &people {
            let Some(grant) = role_in(user) else { continue };
            let wants = preferences
                .get(&user.id)
                .copied()
                .unwrap_or_else(MailPreferences::default)
                .wants(Topic::Digests);
            if !grant.role.edits_plans() || !wants {
                continue;
            }
            let mail = digest_mail(&user.email, &standings, &overdue, &slipped, &context);
            messages.push(self.stoppable(mail, user, summary, Topic::Digests)?);
        }
        Ok(messages)
    }

    /// A message with its opt-out link and header.
    fn stoppable(
        &self,
        mut mail: Mail,
        user: &User,
        summary: &PlanSummary,
        topic: Topic,
    ) -> Result<RunMessage> {
        let token = random_hex(32)?;
        let url = format!("{}/unsubscribe/{token}", self.mail.base_url);
        let footer = format!(
            "\nYou get this because you have a role in {}. To stop these emails, use this link (one click): {url}\nor choose what you receive on your account page: {}/account/mail\n",
            summary.local_area, self.mail.base_url
        );
        mail.text.push_str(&footer);
        mail.html = mail.html.replace(
            "</body>",
            &format!(
                "<p>You get this because you have a role in {}. <a href=\"{url}\">Stop these emails</a> or <a href=\"{}/account/mail\">choose what you receive</a>.</p>\n</body>",
                crate::domain::mail::escape(&summary.local_area),
                self.mail.base_url
            ),
        );
        mail.unsubscribe_url = Some(url);
        Ok(RunMessage {
            mail,
            about: MailAbout {
                user: Some(user.id),
                local_area: Some(summary.local_area_id),
                plan: Some(summary.id.0),
            },
            unsubscribe: Some((digest(&token), topic)),
        })
    }

    /// The plan's overdue actions, and those whose deadline moved later since the cycle
    /// began, as (ref, what) pairs for the digest.
    pub(super) async fn overdue_and_slipped(
        &self,
        running: &RunningPlan,
        cycle_from: time::Date,
    ) -> Result<(Vec<(String, String)>, Vec<(String, String)>)> {
        let plan = &running.plan;
        let changes = self.store.due_changes(running.summary.id).await?;
        let mut overdue = Vec::new();
        let mut slipped = Vec::new();
        for (_, _, action) in plan.actions() {
            let state = action.state(&plan.rating_scheme, &running.rules);
            if state.overdue
                && let Some(due) = action.due
            {
                overdue.push((action.label().to_owned(), format!("due {}", due.to_uk())));
            }
            let moved = action
                .id
                .and_then(|id| changes.get(&id))
                .into_iter()
                .flatten()
                .filter(|c| c.changed_on >= cycle_from)
                .rfind(|c| c.from.is_none_or(|from| c.to.last_day() > from.last_day()));
            if let Some(change) = moved {
                slipped.push((
                    action.label().to_owned(),
                    format!(
                        "{} → {} (changed {})",
                        change.from.map_or_else(
                            || "no date".to_owned(),
                            crate::domain::PartialDate::to_uk
                        ),
                        change.to.to_uk(),
                        uk_date(change.changed_on)
                    ),
                ));
            }
        }
        Ok((overdue, slipped))
    }

    /// The slugs of the latest version of every plan the actor may edit: those a
    /// reminder run covers.
    pub async fn latest_plans(&self, actor: &Actor) -> Result<Vec<String>> {
        let plans = self.store.plans().await?;
        let mut latest: HashMap<(String, String), u32> = HashMap::new();
        for plan in &plans {
            let version = latest
                .entry((plan.local_area.clone(), plan.title.clone()))
                .or_default();
            *version = (*version).max(plan.version);
        }
        Ok(plans
            .into_iter()
            .filter(|p| latest.get(&(p.local_area.clone(), p.title.clone())) == Some(&p.version))
            .filter(|p| self.may_edit_plan(actor, p))
            .map(|p| p.slug)
            .collect())
    }

    /// Runs every plan's reminders that are due today and have not run yet for its open
    /// cycle: the scheduler's job. Older versions of a plan are left alone. Returns the
    /// messages written.
    pub async fn run_due_reminders(&self) -> Result<usize> {
        let today = self.clock.today();
        let mut due = Vec::new();
        for slug in self.latest_plans(&Actor::System).await? {
            let summary = self.plan_summary(&Actor::System, &slug).await?;
            let settings = self.store.reminder_settings(summary.id).await?;
            // What can be known without reading the plan's tree first: at national scale
            // most plans are nowhere near their close, or were reminded already.
            let cycle = self.store.reporting_cycle(summary.id).await?;
            let closed = self.store.closed_cycles(summary.id).await?;
            if closed.last().is_some() || cycle.start.is_some() {
                let (from, closes_on) = cycle.open_cycle(closed.last(), today, || None);
                let margin = Duration::days(i64::from(settings.days_before) * 2 + 14);
                let far = today + margin < closes_on;
                let stale = today > closes_on + Duration::days(7);
                let last_stage = if settings.on_closing_day {
                    ReminderStage::ClosingDay
                } else {
                    ReminderStage::Reminder
                };
                if far
                    || stale
                    || self
                        .store
                        .reminder_ran(summary.id, from, last_stage)
                        .await?
                {
                    continue;
                }
            }
            let running = self.standing_plan(&Actor::System, &slug).await?;
            let cycle = self.open_cycle(&running).await?;
            let calendar = WorkingCalendar::with_extra(&running.plan.timeline.extra_bank_holidays);
            let Some(stage) = stage_due(settings, &calendar, cycle.1, today) else {
                continue;
            };
            // A cycle left open long after its end is not chased day after day.
            if today > cycle.1 + Duration::days(7)
                || self.store.reminder_ran(summary.id, cycle.0, stage).await?
            {
                continue;
            }
            due.push((slug, stage));
        }
        let mut written = 0;
        for stage in [ReminderStage::Reminder, ReminderStage::ClosingDay] {
            let keys: Vec<String> = due
                .iter()
                .filter(|(_, s)| *s == stage)
                .map(|(k, _)| k.clone())
                .collect();
            for outcome in self
                .remind_many(&Actor::System, &keys, stage, false)
                .await?
            {
                if outcome.written {
                    written += outcome.messages.len();
                }
            }
        }
        Ok(written)
    }

    /// The board pack for the cycle being closed: the exception report, linked and
    /// attached as a PDF, for the area's viewers (board members and scrutiny) who want
    /// it and every email address among the members of the plan's boards. The PDF is
    /// written as at today, since the last closed cycle: what the closed cycle's report
    /// will show.
    pub(super) async fn board_pack(
        &self,
        running: &RunningPlan,
        number: u32,
        period: (time::Date, time::Date),
    ) -> Result<Vec<RunMessage>> {
        let summary = &running.summary;
        let people = self.store.users_of_area(summary.local_area_id).await?;
        let ids: Vec<_> = people.iter().map(|u| u.id).collect();
        let preferences = self.store.mail_preferences(&ids).await?;
        let viewers: Vec<&User> = people
            .iter()
            .filter(|u| {
                u.grants
                    .iter()
                    .any(|g| g.local_area.id == summary.local_area_id && g.role == Role::Viewer)
            })
            .filter(|u| {
                preferences
                    .get(&u.id)
                    .copied()
                    .unwrap_or_default()
                    .wants(Topic::BoardPacks)
            })
            .collect();
        let mut members: Vec<String> = running
            .plan
            .boards
            .iter()
            .flat_map(|b| crate::domain::reminders::member_emails(&b.members))
            .filter(|email| !people.iter().any(|u| u.email == *email))
            .collect();
        members.sort();
        members.dedup();
        if viewers.is_empty() && members.is_empty() {
            return Ok(Vec::new());
        }
        let attachment = match self
            .export_report(
                &Actor::System,
                &summary.slug,
                super::ReportRequest {
                    kind: crate::domain::ReportKind::Exceptions,
                    as_at: None,
                    since: None,
                },
                crate::domain::ReportFormat::Pdf,
            )
            .await
        {
            Ok(file) => Some(crate::domain::Attachment {
                name: file.file_name,
                media_type: file.content_type.to_owned(),
                bytes: file.bytes,
            }),
            // Without PDF support (a build without the feature), the link still works.
            Err(err) => {
                tracing::warn!(error = %err, "the board pack goes without its PDF");
                None
            }
        };
        let link = format!(
            "{}/plans/{}/reports/exceptions.html?as_at=cycle:{number}",
            self.mail.base_url, summary.slug
        );
        let period = format!("{} to {}", uk_date(period.0), uk_date(period.1));
        let pack = |to: &str| {
            crate::domain::reminders::board_pack_mail(
                to,
                &summary.title,
                number,
                &period,
                &link,
                attachment.clone(),
            )
        };
        let mut messages = Vec::new();
        for viewer in viewers {
            messages.push(self.stoppable(
                pack(&viewer.email),
                viewer,
                summary,
                Topic::BoardPacks,
            )?);
        }
        for email in members {
            messages.push(RunMessage {
                mail: pack(&email),
                about: MailAbout {
                    user: None,
                    local_area: Some(summary.local_area_id),
                    plan: Some(summary.id.0),
                },
                unsubscribe: None,
            });
        }
        Ok(messages)
    }

    /// What the signed-in person receives.
    pub async fn mail_preferences(&self, actor: &Actor) -> Result<MailPreferences> {
        let user = actor.user().ok_or(Error::Unauthorized)?;
        Ok(self
            .store
            .mail_preferences(&[user.id])
            .await?
            .remove(&user.id)
            .unwrap_or_default())
    }

    /// Sets what the signed-in person receives.
    #[tracing::instrument(skip_all, fields(actor = actor.user_id().map(|u| u.0)))]
    pub async fn set_mail_preferences(
        &self,
        actor: &Actor,
        preferences: MailPreferences,
    ) -> Result<()> {
        let user = actor.user().ok_or(Error::Unauthorized)?;
        let audit = NewAuditEvent::by(actor, "user", "user.mail_preferences_set");
        self.store
            .set_mail_preferences(user.id, preferences, &audit, self.now_seconds())
            .await
    }

    /// Uses a one-click opt-out link; anyone holding the link may (it came in the
    /// person's own email). Returns what was stopped.
    #[tracing::instrument(skip_all)]
    pub async fn unsubscribe(&self, token: &str) -> Result<Topic> {
        let audit = NewAuditEvent::by(&Actor::Public, "user", "user.unsubscribed");
        self.store
            .unsubscribe(&digest(token), &audit, self.now_seconds())
            .await?
            .map(|(_, topic)| topic)
            .ok_or_else(|| Error::not_found("unsubscribe link"))
    }
}

/// Runs the due reminders every `every` until the process ends, the first time one
/// interval after it starts (a server restarted often does not check each time, and a
/// test can start one that never checks).
pub fn spawn_reminder_scheduler(
    app: App,
    every: std::time::Duration,
) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        loop {
            tokio::time::sleep(every).await;
            match app.run_due_reminders().await {
                Ok(0) => {}
                Ok(n) => tracing::info!(messages = n, "reminders written to the outbox"),
                Err(err) => tracing::error!(error = %err, "the reminder run failed"),
            }
        }
    })
}

/// Where one of an owner's actions stands this cycle, for their home page (in the
/// order their list shows them).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum MyActionStatus {
    /// Its deadline has passed and it is not complete.
    Overdue,
    /// Not complete, and no update since the cycle opened.
    NeedsUpdate,
    /// Updated since the cycle opened.
    Updated,
    /// Rated complete.
    Complete,
}

impl MyActionStatus {
    /// The words on its tag.
    pub fn label(self) -> &'static str {
        match self {
            Self::Overdue => "Overdue",
            Self::NeedsUpdate => "Needs an update",
            Self::Updated => "Updated",
            Self::Complete => "Complete",
        }
    }
}

/// One of an owner's actions.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MyAction {
    /// Stored id, for the link to its update form.
    pub action_id: i64,
    /// Its ref.
    pub reference: String,
    /// Its text.
    pub text: String,
    /// Where it stands.
    pub status: MyActionStatus,
    /// What else is asked of it (due soon, a milestone due).
    pub asks: Vec<String>,
}

/// An owner's actions in one plan, this cycle.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MyPlanActions {
    /// The plan.
    pub summary: PlanSummary,
    /// The day the open cycle closes.
    pub closes_on: time::Date,
    /// Their actions, those needing something first.
    pub actions: Vec<MyAction>,
}

impl App {
    /// The signed-in owner's actions in the latest version of each plan of their areas,
    /// with where each stands this cycle: their task list. Empty for anyone who owns no
    /// actions.
    pub async fn my_actions(&self, actor: &Actor) -> Result<Vec<MyPlanActions>> {
        let Some(user) = actor.user() else {
            return Ok(Vec::new());
        };
        let keys: Vec<(crate::domain::LocalAreaId, &str)> = user
            .grants
            .iter()
            .filter(|g| g.role == Role::Owner)
            .filter_map(|g| g.person_key.as_deref().map(|k| (g.local_area.id, k)))
            .collect();
        if keys.is_empty() {
            return Ok(Vec::new());
        }
        let mut latest: HashMap<(String, String), PlanSummary> = HashMap::new();
        for summary in self.plans(actor).await? {
            if !keys.iter().any(|(area, _)| *area == summary.local_area_id) {
                continue;
            }
            let slot = latest
                .entry((summary.local_area.clone(), summary.title.clone()))
                .or_insert_with(|| summary.clone());
            if summary.version > slot.version {
                *slot = summary;
            }
        }
        let mut plans: Vec<PlanSummary> = latest.into_values().collect();
        plans.sort_by(|a, b| a.title.cmp(&b.title));
        let mut out = Vec::new();
        for summary in plans {
            let running = self.running_plan(actor, &summary.slug).await?;
            let (from, closes_on) = self.open_cycle(&running).await?;
            let plan = &running.plan;
            let mut actions = Vec::new();
            for (_, key) in keys.iter().filter(|(a, _)| *a == summary.local_area_id) {
                let tasks = owner_tasks(plan, key, from, &running.rules);
                for (_, _, action) in plan.actions().filter(|(_, _, a)| plan.is_owned_by(a, key)) {
                    let Some(id) = action.id else { continue };
                    let state = action.state(&plan.rating_scheme, &running.rules);
                    let task = tasks.iter().find(|t| t.action_id == id.0);
                    let status = if state.complete {
                        MyActionStatus::Complete
                    } else if state.overdue {
                        MyActionStatus::Overdue
                    } else if state.last_update.is_none_or(|d| d < from) {
                        MyActionStatus::NeedsUpdate
                    } else {
                        MyActionStatus::Updated
                    };
                    let asks = task
                        .map(|t| {
                            t.asks
                                .iter()
                                .filter(|a| {
                                    !matches!(
                                        a,
                                        crate::domain::reminders::Ask::NoUpdateThisCycle
                                            | crate::domain::reminders::Ask::Overdue(_)
                                    )
                                })
                                .map(crate::domain::reminders::Ask::text)
                                .collect()
                        })
                        .unwrap_or_default();
                    if actions.iter().any(|a: &MyAction| a.action_id == id.0) {
                        continue;
                    }
                    actions.push(MyAction {
                        action_id: id.0,
                        reference: action.label().to_owned(),
                        text: action.text.clone(),
                        status,
                        asks,
                    });
                }
            }
            if actions.is_empty() {
                continue;
            }
            // Overdue first, then those needing an update, then the rest, in plan order.
            actions.sort_by_key(|a| a.status);
            out.push(MyPlanActions {
                summary,
                closes_on,
                actions,
            });
        }
        Ok(out)
    }
}
