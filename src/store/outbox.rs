//! The outbox: mail written with the change that caused it, claimed and delivered later.

use time::{Duration, OffsetDateTime};

use super::{Pool, Store, in_write_transaction};
use crate::domain::{Attachment, Error, LocalAreaId, Mail, MailKind, OutboxEntry, Result, UserId};

/// Who and what a message is about, beside the message itself.
#[derive(Debug, Clone, Copy, Default)]
pub struct MailAbout {
    /// The account it goes to, when it goes to one.
    pub user: Option<UserId>,
    /// The local area it is about: its admins see it on their Outbox page.
    pub local_area: Option<LocalAreaId>,
    /// The plan it is about.
    pub plan: Option<i64>,
}

/// Writes a message to the outbox inside `$tx`, due at once.
macro_rules! insert_mail {
    ($tx:ident, $mail:expr, $about:expr, $now:expr) => {{
        let mail: &$crate::domain::Mail = $mail;
        let about: &$crate::store::outbox::MailAbout = $about;
        let now: ::time::OffsetDateTime = $now;
        let attachment = mail.attachment.as_ref();
        sqlx::query(
            "insert into outbox_message (kind, recipient, app_user_id, local_area_id, plan_id,
                subject, body_text, body_html, unsubscribe_url, secret, attachment_name,
                attachment_media_type, attachment, next_attempt_at, created_at, updated_at)
             values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $14, $14)",
        )
        .bind(mail.kind.code())
        .bind(&mail.to)
        .bind(about.user.map(|u| u.0))
        .bind(about.local_area.map(|a| a.0))
        .bind(about.plan)
        .bind(&mail.subject)
        .bind(&mail.text)
        .bind(&mail.html)
        .bind(&mail.unsubscribe_url)
        .bind(mail.kind.is_secret())
        .bind(attachment.map(|a| a.name.as_str()))
        .bind(attachment.map(|a| a.media_type.as_str()))
        .bind(attachment.map(|a| a.bytes.as_slice()))
        .bind(now)
        .execute(&mut *$tx)
        .await?;
    }};
}
pub(crate) use insert_mail;

/// A message claimed for delivery by this process.
#[derive(Debug, Clone)]
pub struct ClaimedMail {
    /// Stored id.
    pub id: i64,
    /// How many times delivery has been tried, this one included.
    pub attempts: i64,
    /// The message.
    pub mail: Mail,
}

#[derive(sqlx::FromRow)]
struct ClaimedRow {
    outbox_message_id: i64,
    attempts: i64,
    kind: String,
    recipient: String,
    subject: String,
    body_text: String,
    body_html: String,
    unsubscribe_url: Option<String>,
    attachment_name: Option<String>,
    attachment_media_type: Option<String>,
    attachment: Option<Vec<u8>>,
}

impl ClaimedRow {
    fn into_claimed(self) -> Result<ClaimedMail> {
        let attachment = match (self.attachment_name, self.attachment) {
            (Some(name), Some(bytes)) => Some(Attachment {
                name,
                media_type: self
                    .attachment_media_type
                    .unwrap_or_else(|| "application/octet-stream".to_owned()),
                bytes,
            }),
            _ => None,
        };
        Ok(ClaimedMail {
            id: self.outbox_message_id,
            attempts: self.attempts,
            mail: Mail {
                kind: MailKind::from_code(&self.kind)?,
                to: self.recipient,
                subject: self.subject,
                text: self.body_text,
                html: self.body_html,
                unsubscribe_url: self.unsubscribe_url,
                attachment,
            },
        })
    }
}

#[derive(sqlx::FromRow)]
struct EntryRow {
    outbox_message_id: i64,
    kind: String,
    recipient: String,
    subject: String,
    body_text: String,
    secret: bool,
    created_at: OffsetDateTime,
    sent_at: Option<OffsetDateTime>,
    delivered_to: Option<String>,
    attempts: i64,
    last_error: Option<String>,
    next_attempt_at: OffsetDateTime,
    attachment_name: Option<String>,
}

/// What a delivered secret message's body becomes.
const REMOVED: &str = "(Removed once delivered: this message held a single-use link.)";

const CLAIMED_COLUMNS: &str = "outbox_message_id, attempts, kind, recipient, subject, body_text,
    body_html, unsubscribe_url, attachment_name, attachment_media_type, attachment";

impl Store {
    /// Claims up to `limit` messages that are due and not claimed by anyone else, for
    /// `lease`, counting the attempt. PostgreSQL skips rows another instance has locked
    /// (`for update skip locked`), so two instances never claim one message; SQLite has
    /// one writer at a time, so its claim is a single update.
    pub async fn claim_mail(
        &self,
        now: OffsetDateTime,
        lease: Duration,
        limit: i64,
    ) -> Result<Vec<ClaimedMail>> {
        let until = now + lease;
        let rows: Vec<ClaimedRow> = match &self.pool {
            Pool::Sqlite(pool) => {
                let _writer = self.sqlite_writer.lock().await;
                sqlx::query_as(sqlx::AssertSqlSafe(format!(
                    "update outbox_message set claimed_until = $1, attempts = attempts + 1,
                        updated_at = $2
                     where outbox_message_id in (
                        select outbox_message_id from outbox_message
                        where sent_at is null and next_attempt_at <= $2
                          and (claimed_until is null or claimed_until <= $2)
                        order by outbox_message_id limit $3)
                     returning {CLAIMED_COLUMNS}"
                )))
                .bind(until)
                .bind(now)
                .bind(limit)
                .fetch_all(pool)
                .await?
            }
            Pool::Postgres(pool) => {
                sqlx::query_as(sqlx::AssertSqlSafe(format!(
                    "update outbox_message set claimed_until = $1, attempts = attempts + 1,
                        updated_at = $2
                     where outbox_message_id in (
                        select outbox_message_id from outbox_message
                        where sent_at is null and next_attempt_at <= $2
                          and (claimed_until is null or claimed_until <= $2)
                        order by outbox_message_id limit $3
                        for update skip locked)
                     returning {CLAIMED_COLUMNS}"
                )))
                .bind(until)
                .bind(now)
                .bind(limit)
                .fetch_all(pool)
                .await?
            }
        };
        let mut claimed = rows
            .into_iter()
            .map(ClaimedRow::into_claimed)
            .collect::<Result<Vec<_>>>()?;
        claimed.sort_by_key(|c| c.id);
        Ok(claimed)
    }

    /// Marks a claimed message delivered, with an audit entry saying to whom, and
    /// removes a secret message's body (its link has done its job).
    pub async fn mark_mail_sent(
        &self,
        id: i64,
        delivered_to: &str,
        now: OffsetDateTime,
    ) -> Result<()> {
        in_write_transaction!(self, |tx| {
            let row: Option<(String, String, Option<i64>, bool)> = sqlx::query_as(
                "update outbox_message set sent_at = $1, delivered_to = $2, claimed_until = null,
                    last_error = null, updated_at = $1
                 where outbox_message_id = $3
                 returning kind, recipient, local_area_id, secret",
            )
            .bind(now)
            .bind(delivered_to)
            .bind(id)
            .fetch_optional(&mut *tx)
            .await?;
            if let Some((kind, recipient, area, secret)) = row {
                if secret {
                    sqlx::query(
                        "update outbox_message set body_text = $1, body_html = $1
                         where outbox_message_id = $2",
                    )
                    .bind(REMOVED)
                    .bind(id)
                    .execute(&mut *tx)
                    .await?;
                }
                let event = crate::domain::NewAuditEvent {
                    entity: "mail",
                    entity_id: Some(id.to_string()),
                    local_area_id: area.map(LocalAreaId),
                    after: Some(serde_json::json!({
                        "kind": kind,
                        "to": recipient,
                        "delivered_to": delivered_to,
                    })),
                    ..crate::domain::NewAuditEvent::by(
                        &crate::domain::Actor::System,
                        "mail",
                        "mail.sent",
                    )
                };
                super::audit::insert_audit!(tx, &event, now);
            }
            Ok::<_, Error>(())
        })
    }

    /// Releases a claimed message after a failed attempt, to be tried again at `retry_at`.
    pub async fn mark_mail_failed(
        &self,
        id: i64,
        error: &str,
        retry_at: OffsetDateTime,
        now: OffsetDateTime,
    ) -> Result<()> {
        let error: String = error.chars().take(1000).collect();
        in_write_transaction!(self, |tx| {
            sqlx::query(
                "update outbox_message set claimed_until = null, last_error = $1,
                    next_attempt_at = $2, updated_at = $3
                 where outbox_message_id = $4 and sent_at is null",
            )
            .bind(&error)
            .bind(retry_at)
            .bind(now)
            .bind(id)
            .execute(&mut *tx)
            .await?;
        });
        Ok(())
    }

    /// How many messages wait to be delivered.
    pub async fn pending_mail(&self) -> Result<i64> {
        Ok(super::on_pool!(self, |pool| {
            sqlx::query_scalar("select count(*) from outbox_message where sent_at is null")
                .fetch_one(pool)
                .await
        })?)
    }

    /// The newest messages about these local areas (all messages for `None`), at most
    /// `limit`. Secret bodies are never returned.
    pub async fn outbox(
        &self,
        areas: Option<&[LocalAreaId]>,
        limit: i64,
    ) -> Result<Vec<OutboxEntry>> {
        let ids: Vec<i64> = areas.unwrap_or_default().iter().map(|a| a.0).collect();
        let all = areas.is_none();
        let sql = "select outbox_message_id, kind, recipient, subject, body_text, secret,
                created_at, sent_at, delivered_to, attempts, last_error, next_attempt_at,
                attachment_name
             from outbox_message
             where $1 or local_area_id in (select value from json_each($2))
             order by outbox_message_id desc limit $3";
        let ids_json = serde_json::to_string(&ids).map_err(|e| Error::Internal(e.into()))?;
        let rows: Vec<EntryRow> = match &self.pool {
            Pool::Sqlite(pool) => {
                sqlx::query_as(sql)
                    .bind(all)
                    .bind(&ids_json)
                    .bind(limit)
                    .fetch_all(pool)
                    .await?
            }
            Pool::Postgres(pool) => {
                sqlx::query_as(
                    "select outbox_message_id, kind, recipient, subject, body_text, secret,
                        created_at, sent_at, delivered_to, attempts,
                        last_error, next_attempt_at, attachment_name
                     from outbox_message
                     where $1 or local_area_id = any($2)
                     order by outbox_message_id desc limit $3",
                )
                .bind(all)
                .bind(&ids)
                .bind(limit)
                .fetch_all(pool)
                .await?
            }
        };
        rows.into_iter()
            .map(|row| {
                Ok(OutboxEntry {
                    id: row.outbox_message_id,
                    kind: MailKind::from_code(&row.kind)?,
                    recipient: row.recipient,
                    subject: row.subject,
                    body: (!row.secret).then_some(row.body_text),
                    created_at: row.created_at,
                    sent_at: row.sent_at,
                    delivered_to: row.delivered_to,
                    attempts: row.attempts,
                    last_error: row.last_error,
                    next_attempt_at: row.next_attempt_at,
                    attachment_name: row.attachment_name,
                })
            })
            .collect()
    }
}
