//! The chase's storage: a plan's reminder settings, each run (once per plan, cycle and
//! stage), people's mail preferences and their one-click opt-out links.

use std::collections::HashMap;

use serde_json::json;
use time::{Date, OffsetDateTime};

use super::audit::insert_audit;
use super::outbox::MailAbout;
use super::{Store, in_write_transaction, on_pool};
use crate::domain::{
    Error, Mail, MailPreferences, NewAuditEvent, PlanId, ReminderSettings, ReminderStage, Result,
    Topic, UserId,
};

/// Writes a person's preferences inside `$tx`.
macro_rules! upsert_preferences {
    ($tx:ident, $user:expr, $preferences:expr, $now:expr) => {{
        let preferences: MailPreferences = $preferences;
        sqlx::query(
            "insert into mail_preference (app_user_id, reminders, digests, board_packs, created_at, updated_at)
             values ($1, $2, $3, $4, $5, $5)
             on conflict (app_user_id) do update set reminders = excluded.reminders,
                digests = excluded.digests, board_packs = excluded.board_packs,
                updated_at = excluded.updated_at",
        )
        .bind($user.0)
        .bind(preferences.reminders)
        .bind(preferences.digests)
        .bind(preferences.board_packs)
        .bind($now)
        .execute(&mut *$tx)
        .await?;
    }};
}

/// Writes a message and its opt-out link inside `$tx`.
macro_rules! insert_run_message {
    ($tx:ident, $message:expr, $now:expr) => {{
        let message: &$crate::store::RunMessage = $message;
        $crate::store::outbox::insert_mail!($tx, &message.mail, &message.about, $now);
        if let (Some((token, topic)), Some(user)) = (&message.unsubscribe, message.about.user) {
            sqlx::query(
                "insert into unsubscribe_link (token_hash, app_user_id, topic, created_at, updated_at)
                 values ($1, $2, $3, $4, $4)",
            )
            .bind(token)
            .bind(user.0)
            .bind(topic.code())
            .bind($now)
            .execute(&mut *$tx)
            .await?;
        }
    }};
}
pub(crate) use insert_run_message;

/// Messages (or opt-out links) a multi-row insert writes: 16 values each, well under
/// PostgreSQL's 65,535 bind parameters.
const MESSAGES_PER_INSERT: usize = 500;

/// A message of a run, with who it is about and its opt-out link.
#[derive(Debug, Clone)]
pub struct RunMessage {
    /// The message.
    pub mail: Mail,
    /// Who and what it is about.
    pub about: MailAbout,
    /// The opt-out link's token hash, and what it stops.
    pub unsubscribe: Option<(String, Topic)>,
}

/// A plan's run to write: its messages, the cycle and stage it is for, its audit entry.
#[derive(Debug, Clone)]
pub struct RunToWrite {
    /// The plan.
    pub plan: PlanId,
    /// The first day of the cycle it is about.
    pub cycle_from: Date,
    /// Which stage.
    pub stage: ReminderStage,
    /// The messages.
    pub messages: Vec<RunMessage>,
    /// Who ran it.
    pub by: NewAuditEvent,
}

/// A run as the cycles page lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReminderRun {
    /// The first day of the cycle it was about.
    pub cycle_from: Date,
    /// Which stage.
    pub stage: String,
    /// Messages written.
    pub messages: i64,
    /// When.
    pub created_at: OffsetDateTime,
}

impl Store {
    /// A plan's reminder settings, or the defaults.
    pub async fn reminder_settings(&self, plan: PlanId) -> Result<ReminderSettings> {
        let row: Option<(i64, bool)> = on_pool!(self, |pool| {
            sqlx::query_as(
                "select days_before, on_closing_day from plan_reminder where plan_id = $1",
            )
            .bind(plan.0)
            .fetch_optional(pool)
            .await
        })?;
        Ok(
            row.map_or_else(ReminderSettings::default, |(days, on_close)| {
                ReminderSettings {
                    days_before: u32::try_from(days)
                        .unwrap_or(crate::domain::DEFAULT_REMINDER_DAYS),
                    on_closing_day: on_close,
                }
            }),
        )
    }

    /// Sets a plan's reminder settings, with its audit entry.
    pub async fn set_reminder_settings(
        &self,
        plan: PlanId,
        settings: ReminderSettings,
        by: &NewAuditEvent,
        now: OffsetDateTime,
    ) -> Result<()> {
        in_write_transaction!(self, |tx| {
            sqlx::query(
                "insert into plan_reminder (plan_id, days_before, on_closing_day, created_at, updated_at)
                 values ($1, $2, $3, $4, $4)
                 on conflict (plan_id) do update set days_before = excluded.days_before,
                    on_closing_day = excluded.on_closing_day, updated_at = excluded.updated_at",
            )
            .bind(plan.0)
            .bind(i64::from(settings.days_before))
            .bind(settings.on_closing_day)
            .bind(now)
            .execute(&mut *tx)
            .await?;
            let event = NewAuditEvent {
                plan_id: Some(plan),
                after: Some(json!({
                    "days_before": settings.days_before,
                    "on_closing_day": settings.on_closing_day,
                })),
                ..by.clone()
            };
            insert_audit!(tx, &event, now);
        });
        Ok(())
    }

    /// Writes a run's messages, once per plan, cycle and stage (a manual run every
    /// time): `false`, writing nothing, when that run was already made.
    pub async fn write_reminder_run(&self, run: &RunToWrite, now: OffsetDateTime) -> Result<bool> {
        Ok(self
            .write_reminder_runs(std::slice::from_ref(run), now)
            .await?
            .first()
            .copied()
            .unwrap_or(false))
    }

    /// Writes several plans' runs in one transaction (one commit, which is what a
    /// national run waits on), each once as [`Store::write_reminder_run`] does: whether
    /// each was written.
    pub async fn write_reminder_runs(
        &self,
        runs: &[RunToWrite],
        now: OffsetDateTime,
    ) -> Result<Vec<bool>> {
        in_write_transaction!(self, |tx| {
            let mut written = Vec::with_capacity(runs.len());
            for run in runs {
                let count = i64::try_from(run.messages.len()).unwrap_or(i64::MAX);
                let made: Option<i64> = sqlx::query_scalar(
                    "insert into reminder_run (plan_id, cycle_from, stage, messages, created_at, updated_at)
                     values ($1, $2, $3, $4, $5, $5)
                     on conflict (plan_id, cycle_from, stage) where stage <> 'manual' do nothing
                     returning reminder_run_id",
                )
                .bind(run.plan.0)
                .bind(run.cycle_from)
                .bind(run.stage.code())
                .bind(count)
                .bind(now)
                .fetch_optional(&mut *tx)
                .await?;
                written.push(made.is_some());
                if made.is_none() {
                    continue;
                }
                let event = NewAuditEvent {
                    plan_id: Some(run.plan),
                    after: Some(json!({
                        "stage": run.stage.code(),
                        "cycle_from": run.cycle_from.to_string(),
                        "messages": count,
                    })),
                    ..run.by.clone()
                };
                insert_audit!(tx, &event, now);
            }
            // The messages in multi-row inserts: one statement per few hundred rows
            // rather than two a message, which is what a national run waits on.
            let messages: Vec<&RunMessage> = runs
                .iter()
                .zip(&written)
                .filter(|(_, made)| **made)
                .flat_map(|(run, _)| &run.messages)
                .collect();
            for chunk in messages.chunks(MESSAGES_PER_INSERT) {
                let mut insert = sqlx::QueryBuilder::new(
                    "insert into outbox_message (kind, recipient, app_user_id, local_area_id, plan_id,
                        subject, body_text, body_html, unsubscribe_url, secret, attachment_name,
                        attachment_media_type, attachment, next_attempt_at, created_at, updated_at) ",
                );
                insert.push_values(chunk, |mut row, message| {
                    let mail = &message.mail;
                    let attachment = mail.attachment.as_ref();
                    row.push_bind(mail.kind.code())
                        .push_bind(mail.to.as_str())
                        .push_bind(message.about.user.map(|u| u.0))
                        .push_bind(message.about.local_area.map(|a| a.0))
                        .push_bind(message.about.plan)
                        .push_bind(mail.subject.as_str())
                        .push_bind(mail.text.as_str())
                        .push_bind(mail.html.as_str())
                        .push_bind(mail.unsubscribe_url.as_deref())
                        .push_bind(mail.kind.is_secret())
                        .push_bind(attachment.map(|a| a.name.as_str()))
                        .push_bind(attachment.map(|a| a.media_type.as_str()))
                        .push_bind(attachment.map(|a| a.bytes.as_slice()))
                        .push_bind(now)
                        .push_bind(now)
                        .push_bind(now);
                });
                insert.build().execute(&mut *tx).await?;
            }
            let links: Vec<(&str, i64, &'static str)> = messages
                .iter()
                .filter_map(|m| match (&m.unsubscribe, m.about.user) {
                    (Some((token, topic)), Some(user)) => {
                        Some((token.as_str(), user.0, topic.code()))
                    }
                    _ => None,
                })
                .collect();
            for chunk in links.chunks(MESSAGES_PER_INSERT) {
                let mut insert = sqlx::QueryBuilder::new(
                    "insert into unsubscribe_link (token_hash, app_user_id, topic, created_at, updated_at) ",
                );
                insert.push_values(chunk, |mut row, (token, user, topic)| {
                    row.push_bind(*token)
                        .push_bind(*user)
                        .push_bind(*topic)
                        .push_bind(now)
                        .push_bind(now);
                });
                insert.build().execute(&mut *tx).await?;
            }
            Ok::<_, Error>(written)
        })
    }

    /// The day of a plan's earliest progress update, if it has any: what "when the plan
    /// began" needs from its history, without reading the history.
    pub async fn earliest_update(&self, plan: PlanId) -> Result<Option<Date>> {
        Ok(on_pool!(self, |pool| {
            sqlx::query_scalar(
                "select min(u.update_date) from progress_update u
                 join action a on a.action_id = u.action_id where a.plan_id = $1",
            )
            .bind(plan.0)
            .fetch_one(pool)
            .await
        })?)
    }

    /// Whether a plan's stage has run for the cycle starting on `cycle_from`.
    pub async fn reminder_ran(
        &self,
        plan: PlanId,
        cycle_from: Date,
        stage: ReminderStage,
    ) -> Result<bool> {
        let found: Option<i64> = on_pool!(self, |pool| {
            sqlx::query_scalar(
                "select reminder_run_id from reminder_run
                 where plan_id = $1 and cycle_from = $2 and stage = $3",
            )
            .bind(plan.0)
            .bind(cycle_from)
            .bind(stage.code())
            .fetch_optional(pool)
            .await
        })?;
        Ok(found.is_some())
    }

    /// A plan's reminder runs, newest first.
    pub async fn reminder_runs(&self, plan: PlanId) -> Result<Vec<ReminderRun>> {
        let rows: Vec<(Date, String, i64, OffsetDateTime)> = on_pool!(self, |pool| {
            sqlx::query_as(
                "select cycle_from, stage, messages, created_at from reminder_run
                 where plan_id = $1 order by reminder_run_id desc limit 20",
            )
            .bind(plan.0)
            .fetch_all(pool)
            .await
        })?;
        Ok(rows
            .into_iter()
            .map(|(cycle_from, stage, messages, created_at)| ReminderRun {
                cycle_from,
                stage,
                messages,
                created_at,
            })
            .collect())
    }

    /// The preferences of these accounts; those without a row want everything.
    pub async fn mail_preferences(
        &self,
        users: &[UserId],
    ) -> Result<HashMap<UserId, MailPreferences>> {
        let rows: Vec<(i64, bool, bool, bool)> = on_pool!(self, |pool| {
            sqlx::query_as(
                "select app_user_id, reminders, digests, board_packs from mail_preference",
            )
            .fetch_all(pool)
            .await
        })?;
        let mut found: HashMap<UserId, MailPreferences> = rows
            .into_iter()
            .map(|(id, reminders, digests, board_packs)| {
                (
                    UserId(id),
                    MailPreferences {
                        reminders,
                        digests,
                        board_packs,
                    },
                )
            })
            .collect();
        Ok(users
            .iter()
            .map(|u| (*u, found.remove(u).unwrap_or_default()))
            .collect())
    }

    /// Sets a person's preferences, with its audit entry.
    pub async fn set_mail_preferences(
        &self,
        user: UserId,
        preferences: MailPreferences,
        by: &NewAuditEvent,
        now: OffsetDateTime,
    ) -> Result<()> {
        in_write_transaction!(self, |tx| {
            upsert_preferences!(tx, user, preferences, now);
            let event = NewAuditEvent {
                entity_id: Some(user.0.to_string()),
                after: Some(json!(preferences)),
                ..by.clone()
            };
            insert_audit!(tx, &event, now);
        });
        Ok(())
    }

    /// Uses a one-click opt-out link: the topic is turned off for its account. The link
    /// keeps working (mail clients may send it twice); `None` when it is unknown.
    pub async fn unsubscribe(
        &self,
        token_hash: &str,
        by: &NewAuditEvent,
        now: OffsetDateTime,
    ) -> Result<Option<(UserId, Topic)>> {
        in_write_transaction!(self, |tx| {
            let found: Option<(i64, String)> = sqlx::query_as(
                "select app_user_id, topic from unsubscribe_link where token_hash = $1",
            )
            .bind(token_hash)
            .fetch_optional(&mut *tx)
            .await?;
            let Some((user, topic)) = found else {
                return Ok(None);
            };
            let user = UserId(user);
            let topic = Topic::from_code(&topic)?;
            let current: Option<(bool, bool, bool)> = sqlx::query_as(
                "select reminders, digests, board_packs from mail_preference where app_user_id = $1",
            )
            .bind(user.0)
            .fetch_optional(&mut *tx)
            .await?;
            let preferences = current
                .map_or_else(
                    MailPreferences::default,
                    |(reminders, digests, board_packs)| MailPreferences {
                        reminders,
                        digests,
                        board_packs,
                    },
                )
                .with(topic, false);
            upsert_preferences!(tx, user, preferences, now);
            let event = NewAuditEvent {
                entity_id: Some(user.0.to_string()),
                after: Some(json!({ "unsubscribed": topic.code() })),
                ..by.clone()
            };
            insert_audit!(tx, &event, now);
            Ok::<_, Error>(Some((user, topic)))
        })
    }
}
