//! Invitations (to a new account, or a pending role for an existing one) and password
//! resets: single-use links stored as hashes, each written with its email in one
//! transaction.

use serde_json::json;
use time::OffsetDateTime;

use super::account::{revoke_tokens, upsert_grant};
use super::audit::insert_audit;
use super::outbox::{MailAbout, insert_mail};
use super::{Store, in_write_transaction, on_pool};
use crate::domain::{Error, LocalAreaId, Mail, NewAuditEvent, Result, Role, UserId};

/// An invitation to write.
#[derive(Debug, Clone)]
pub struct NewInvitation {
    /// SHA-256 of the link's token.
    pub token_hash: String,
    /// Who is invited (lower case).
    pub email: String,
    /// Their name as the inviter typed it.
    pub name: String,
    /// Where…
    pub local_area: LocalAreaId,
    /// …as what.
    pub role: Role,
    /// For owners: how the area's plans name them.
    pub person_key: Option<String>,
    /// Who invited them.
    pub invited_by: Option<UserId>,
    /// When the link stops working.
    pub expires_at: OffsetDateTime,
}

/// An invitation as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Invitation {
    /// Stored id.
    pub id: i64,
    /// Who is invited.
    pub email: String,
    /// Their name as the inviter typed it.
    pub name: String,
    /// Where.
    pub local_area: LocalAreaId,
    /// The area's name.
    pub local_area_name: String,
    /// As what.
    pub role: Role,
    /// For owners.
    pub person_key: Option<String>,
    /// Who invited them, by name.
    pub invited_by: Option<String>,
    /// When it was sent.
    pub created_at: OffsetDateTime,
    /// When the link stops working.
    pub expires_at: OffsetDateTime,
}

#[derive(sqlx::FromRow)]
struct InvitationRow {
    invitation_id: i64,
    email: String,
    name: String,
    local_area_id: i64,
    local_area_name: String,
    role: String,
    person_key: Option<String>,
    invited_by_name: Option<String>,
    created_at: OffsetDateTime,
    expires_at: OffsetDateTime,
}

impl InvitationRow {
    fn into_invitation(self) -> Result<Invitation> {
        Ok(Invitation {
            id: self.invitation_id,
            email: self.email,
            name: self.name,
            local_area: LocalAreaId(self.local_area_id),
            local_area_name: self.local_area_name,
            role: Role::from_code(&self.role)?,
            person_key: self.person_key,
            invited_by: self.invited_by_name,
            created_at: self.created_at,
            expires_at: self.expires_at,
        })
    }
}

/// Open invitations: not accepted, withdrawn or expired.
const OPEN_INVITATIONS: &str = "select i.invitation_id, i.email, i.name, i.local_area_id,
        a.name as local_area_name, i.role, i.person_key, u.name as invited_by_name,
        i.created_at, i.expires_at
     from invitation i
     join local_area a on a.local_area_id = i.local_area_id
     left join app_user u on u.app_user_id = i.invited_by
     where i.accepted_at is null and i.withdrawn_at is null and i.expires_at > $1";

impl Store {
    /// Writes an invitation and its email, replacing (withdrawing) any open invitation
    /// of the same address to the same area, with its audit entry.
    pub async fn insert_invitation(
        &self,
        new: &NewInvitation,
        mail: &Mail,
        by: &NewAuditEvent,
        now: OffsetDateTime,
    ) -> Result<i64> {
        in_write_transaction!(self, |tx| {
            sqlx::query(
                "update invitation set withdrawn_at = $1, updated_at = $1
                 where email = $2 and local_area_id = $3
                   and accepted_at is null and withdrawn_at is null",
            )
            .bind(now)
            .bind(&new.email)
            .bind(new.local_area.0)
            .execute(&mut *tx)
            .await?;
            let id: i64 = sqlx::query_scalar(
                "insert into invitation (token_hash, email, name, local_area_id, role, person_key,
                    invited_by, expires_at, created_at, updated_at)
                 values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9) returning invitation_id",
            )
            .bind(&new.token_hash)
            .bind(&new.email)
            .bind(&new.name)
            .bind(new.local_area.0)
            .bind(new.role.code())
            .bind(&new.person_key)
            .bind(new.invited_by.map(|u| u.0))
            .bind(new.expires_at)
            .bind(now)
            .fetch_one(&mut *tx)
            .await?;
            let about = MailAbout {
                user: None,
                local_area: Some(new.local_area),
                plan: None,
            };
            insert_mail!(tx, mail, &about, now);
            let event = NewAuditEvent {
                entity: "invitation",
                entity_id: Some(id.to_string()),
                local_area_id: Some(new.local_area),
                after: Some(json!({
                    "email": new.email,
                    "role": new.role.code(),
                    "person_key": new.person_key,
                    "expires_at": new.expires_at.to_string(),
                })),
                ..by.clone()
            };
            insert_audit!(tx, &event, now);
            Ok::<_, Error>(id)
        })
    }

    /// The open invitation a link's token names.
    pub async fn invitation_by_token(
        &self,
        token_hash: &str,
        now: OffsetDateTime,
    ) -> Result<Option<Invitation>> {
        let sql = format!("{OPEN_INVITATIONS} and i.token_hash = $2");
        let row: Option<InvitationRow> = on_pool!(self, |pool| {
            sqlx::query_as(sqlx::AssertSqlSafe(sql.clone()))
                .bind(now)
                .bind(token_hash)
                .fetch_optional(pool)
                .await
        })?;
        row.map(InvitationRow::into_invitation).transpose()
    }

    /// The open invitations of an address (the roles offered to an account).
    pub async fn invitations_for_email(
        &self,
        email: &str,
        now: OffsetDateTime,
    ) -> Result<Vec<Invitation>> {
        let sql = format!("{OPEN_INVITATIONS} and i.email = $2 order by i.invitation_id");
        let rows: Vec<InvitationRow> = on_pool!(self, |pool| {
            sqlx::query_as(sqlx::AssertSqlSafe(sql.clone()))
                .bind(now)
                .bind(email)
                .fetch_all(pool)
                .await
        })?;
        rows.into_iter()
            .map(InvitationRow::into_invitation)
            .collect()
    }

    /// The open invitations to an area, newest first.
    pub async fn invitations_of_area(
        &self,
        area: LocalAreaId,
        now: OffsetDateTime,
    ) -> Result<Vec<Invitation>> {
        let sql =
            format!("{OPEN_INVITATIONS} and i.local_area_id = $2 order by i.invitation_id desc");
        let rows: Vec<InvitationRow> = on_pool!(self, |pool| {
            sqlx::query_as(sqlx::AssertSqlSafe(sql.clone()))
                .bind(now)
                .bind(area.0)
                .fetch_all(pool)
                .await
        })?;
        rows.into_iter()
            .map(InvitationRow::into_invitation)
            .collect()
    }

    /// Closes an open invitation: accepted (granting its role to `account`, creating the
    /// account first when `new_account` gives its name and password hash), declined or
    /// withdrawn. The invitation is taken with a conditional update, so a link used twice
    /// at once works once. `None` when it was no longer open; else the account given
    /// the role, if it was accepted.
    #[expect(
        clippy::too_many_lines,
        reason = "one transaction, written once for both backends by the macro"
    )]
    pub async fn close_invitation(
        &self,
        id: i64,
        outcome: InvitationOutcome<'_>,
        by: &NewAuditEvent,
        now: OffsetDateTime,
    ) -> Result<Option<Option<UserId>>> {
        let column = match outcome {
            InvitationOutcome::Accepted { .. } => "accepted_at",
            InvitationOutcome::Declined | InvitationOutcome::Withdrawn => "withdrawn_at",
        };
        let sql = sqlx::AssertSqlSafe(format!(
            "update invitation set {column} = $1, updated_at = $1
             where invitation_id = $2 and accepted_at is null and withdrawn_at is null
               and expires_at > $1
             returning email, local_area_id, role, person_key"
        ));
        in_write_transaction!(self, |tx| {
            let taken: Option<(String, i64, String, Option<String>)> = sqlx::query_as(sql)
                .bind(now)
                .bind(id)
                .fetch_optional(&mut *tx)
                .await?;
            let Some((email, area, role, person_key)) = taken else {
                return Ok(None);
            };
            let area = LocalAreaId(area);
            let (event, user) = match outcome {
                InvitationOutcome::Accepted {
                    account,
                    new_account,
                } => {
                    let user = match (account, new_account) {
                        (Some(user), _) => user,
                        (None, Some((name, hash))) => {
                            let taken: Option<i64> = sqlx::query_scalar(
                                "select app_user_id from app_user where email = $1",
                            )
                            .bind(&email)
                            .fetch_optional(&mut *tx)
                            .await?;
                            if taken.is_some() {
                                return Err(Error::Conflict(
                                    "An account with this email address now exists: sign in to accept the invitation".to_owned(),
                                ));
                            }
                            let id: i64 = sqlx::query_scalar(
                                "insert into app_user (email, name, password_hash, created_at, updated_at)
                                 values ($1, $2, $3, $4, $4) returning app_user_id",
                            )
                            .bind(&email)
                            .bind(name)
                            .bind(hash)
                            .bind(now)
                            .fetch_one(&mut *tx)
                            .await?;
                            let created = NewAuditEvent {
                                entity: "user",
                                entity_id: Some(id.to_string()),
                                event: "user.created",
                                local_area_id: Some(area),
                                actor_user_id: Some(UserId(id)),
                                actor: email.clone(),
                                after: Some(json!({ "email": email, "name": name })),
                                ..by.clone()
                            };
                            insert_audit!(tx, &created, now);
                            UserId(id)
                        }
                        (None, None) => {
                            return Err(Error::Internal(anyhow::anyhow!(
                                "an invitation was accepted by nobody"
                            )));
                        }
                    };
                    upsert_grant!(tx, user.0, area.0, &role, &person_key, now);
                    let granted = NewAuditEvent {
                        entity: "user",
                        entity_id: Some(user.0.to_string()),
                        event: "user.role_granted",
                        local_area_id: Some(area),
                        actor_user_id: Some(user),
                        actor: by.actor.clone(),
                        after: Some(json!({
                            "email": email,
                            "role": role,
                            "person_key": person_key,
                            "invitation": id,
                        })),
                        ..by.clone()
                    };
                    insert_audit!(tx, &granted, now);
                    ("invitation.accepted", Some(user))
                }
                InvitationOutcome::Declined => ("invitation.declined", None),
                InvitationOutcome::Withdrawn => ("invitation.withdrawn", None),
            };
            let closed = NewAuditEvent {
                entity: "invitation",
                entity_id: Some(id.to_string()),
                event,
                local_area_id: Some(area),
                after: Some(json!({ "email": email, "role": role })),
                ..by.clone()
            };
            insert_audit!(tx, &closed, now);
            Ok::<_, Error>(Some(user))
        })
    }

    /// Writes a password reset link and its email. At most `limit` links a user in the
    /// last hour are written; `false` when the limit is reached (the caller answers the
    /// same either way).
    pub async fn insert_password_reset(
        &self,
        user: UserId,
        token_hash: &str,
        expires_at: OffsetDateTime,
        mail: &Mail,
        limit: i64,
        now: OffsetDateTime,
    ) -> Result<bool> {
        in_write_transaction!(self, |tx| {
            let recent: i64 = sqlx::query_scalar(
                "select count(*) from password_reset where app_user_id = $1 and created_at > $2",
            )
            .bind(user.0)
            .bind(now - time::Duration::hours(1))
            .fetch_one(&mut *tx)
            .await?;
            if recent >= limit {
                return Ok(false);
            }
            sqlx::query(
                "insert into password_reset (token_hash, app_user_id, expires_at, created_at, updated_at)
                 values ($1, $2, $3, $4, $4)",
            )
            .bind(token_hash)
            .bind(user.0)
            .bind(expires_at)
            .bind(now)
            .execute(&mut *tx)
            .await?;
            let about = MailAbout {
                user: Some(user),
                local_area: None,
                plan: None,
            };
            insert_mail!(tx, mail, &about, now);
            let event = NewAuditEvent {
                entity: "user",
                entity_id: Some(user.0.to_string()),
                event: "user.password_reset_requested",
                actor_user_id: None,
                actor: "public".to_owned(),
                ..NewAuditEvent::by(
                    &crate::domain::Actor::Public,
                    "user",
                    "user.password_reset_requested",
                )
            };
            insert_audit!(tx, &event, now);
            Ok::<_, Error>(true)
        })
    }

    /// Whether a reset link is open (unused and unexpired), and for whom.
    pub async fn password_reset_user(
        &self,
        token_hash: &str,
        now: OffsetDateTime,
    ) -> Result<Option<UserId>> {
        let user: Option<i64> = on_pool!(self, |pool| {
            sqlx::query_scalar(
                "select app_user_id from password_reset
                 where token_hash = $1 and used_at is null and expires_at > $2",
            )
            .bind(token_hash)
            .bind(now)
            .fetch_optional(pool)
            .await
        })?;
        Ok(user.map(UserId))
    }

    /// Uses a reset link: sets the password, ends every session of the account and
    /// every other open link, in one transaction. `None` when the link was not open.
    pub async fn use_password_reset(
        &self,
        token_hash: &str,
        password_hash: &str,
        now: OffsetDateTime,
    ) -> Result<Option<UserId>> {
        in_write_transaction!(self, |tx| {
            let user: Option<i64> = sqlx::query_scalar(
                "update password_reset set used_at = $1, updated_at = $1
                 where token_hash = $2 and used_at is null and expires_at > $1
                 returning app_user_id",
            )
            .bind(now)
            .bind(token_hash)
            .fetch_optional(&mut *tx)
            .await?;
            let Some(user) = user else {
                return Ok(None);
            };
            sqlx::query(
                "update password_reset set used_at = $1, updated_at = $1
                 where app_user_id = $2 and used_at is null",
            )
            .bind(now)
            .bind(user)
            .execute(&mut *tx)
            .await?;
            sqlx::query(
                "update app_user set password_hash = $1, updated_at = $2 where app_user_id = $3",
            )
            .bind(password_hash)
            .bind(now)
            .bind(user)
            .execute(&mut *tx)
            .await?;
            sqlx::query("delete from session where app_user_id = $1")
                .bind(user)
                .execute(&mut *tx)
                .await?;
            revoke_tokens!(tx, user, now);
            sqlx::query("delete from login_failure where email = (select email from app_user where app_user_id = $1)")
                .bind(user)
                .execute(&mut *tx)
                .await?;
            let event = NewAuditEvent {
                entity: "user",
                entity_id: Some(user.to_string()),
                event: "user.password_reset",
                actor_user_id: Some(UserId(user)),
                actor: "password reset link".to_owned(),
                ..NewAuditEvent::by(&crate::domain::Actor::Public, "user", "user.password_reset")
            };
            insert_audit!(tx, &event, now);
            Ok::<_, Error>(Some(UserId(user)))
        })
    }
}

/// How an invitation ends.
#[derive(Debug, Clone, Copy)]
pub enum InvitationOutcome<'a> {
    /// Accepted by an existing account, or by a new one made from a name and a
    /// password hash.
    Accepted {
        /// The signed-in account accepting a pending role.
        account: Option<UserId>,
        /// The name and password hash of the account to create (no password for one
        /// that signs in through an identity provider).
        new_account: Option<(&'a str, Option<&'a str>)>,
    },
    /// Declined by the invitee.
    Declined,
    /// Withdrawn by an admin.
    Withdrawn,
}
