//! Accounts, roles, sessions, API tokens and failed sign-ins. Every change to an account
//! or a token writes its audit entry in the same transaction.

use serde_json::json;
use time::OffsetDateTime;

use super::audit::insert_audit;
use super::{Store, in_write_transaction, on_pool};
use crate::domain::{
    ApiTokenInfo, Error, Grant, LocalArea, LocalAreaId, NewAuditEvent, Result, Role, User, UserId,
};

#[derive(sqlx::FromRow)]
struct LocalAreaRow {
    local_area_id: i64,
    slug: String,
    name: String,
}

impl From<LocalAreaRow> for LocalArea {
    fn from(row: LocalAreaRow) -> Self {
        Self {
            id: LocalAreaId(row.local_area_id),
            slug: row.slug,
            name: row.name,
        }
    }
}

/// Revokes every live API token of an account (its id) inside `$tx`: what disabling it,
/// and changing or resetting its password, all do.
macro_rules! revoke_tokens {
    ($tx:ident, $user:expr, $now:expr) => {{
        sqlx::query(
            "update api_token set revoked_at = $1, updated_at = $1
             where app_user_id = $2 and revoked_at is null",
        )
        .bind($now)
        .bind($user)
        .execute(&mut *$tx)
        .await?;
    }};
}
pub(crate) use revoke_tokens;

/// Gives an account (its id) a role in an area inside `$tx`, replacing its role there:
/// one role per person per area.
macro_rules! upsert_grant {
    ($tx:ident, $user:expr, $area:expr, $role:expr, $person_key:expr, $now:expr) => {{
        sqlx::query(
            "insert into role_grant (app_user_id, local_area_id, role, person_key, created_at, updated_at)
             values ($1, $2, $3, $4, $5, $5)
             on conflict (app_user_id, local_area_id)
             do update set role = excluded.role, person_key = excluded.person_key,
                updated_at = excluded.updated_at",
        )
        .bind($user)
        .bind($area)
        .bind($role)
        .bind($person_key)
        .bind($now)
        .execute(&mut *$tx)
        .await?;
    }};
}
pub(crate) use upsert_grant;

#[derive(sqlx::FromRow)]
struct UserRow {
    app_user_id: i64,
    email: String,
    name: String,
}

#[derive(sqlx::FromRow)]
struct GrantRow {
    app_user_id: i64,
    local_area_id: i64,
    slug: String,
    name: String,
    role: String,
    person_key: Option<String>,
}

impl GrantRow {
    fn into_grant(self) -> Result<Grant> {
        Ok(Grant {
            local_area: LocalArea {
                id: LocalAreaId(self.local_area_id),
                slug: self.slug,
                name: self.name,
            },
            role: Role::from_code(&self.role)
                .map_err(|e| Error::Internal(anyhow::anyhow!("stored role: {e}")))?,
            person_key: self.person_key,
        })
    }
}

#[derive(sqlx::FromRow)]
struct TokenRow {
    api_token_id: i64,
    name: String,
    prefix: String,
    created_at: OffsetDateTime,
    revoked_at: Option<OffsetDateTime>,
    expires_at: Option<OffsetDateTime>,
}

/// An account as the sign-in check needs it.
#[derive(Debug, Clone)]
pub struct Credentials {
    /// Whose.
    pub user: UserId,
    /// The argon2id PHC string, if the account has a password.
    pub password_hash: Option<String>,
    /// Disabled: it may not sign in, and is sent no sign-in links.
    pub disabled: bool,
}

/// A role to grant when creating or updating an account.
#[derive(Debug, Clone)]
pub struct NewGrant {
    /// Where.
    pub local_area: LocalAreaId,
    /// What.
    pub role: Role,
    /// For owners: how the plans name this person.
    pub person_key: Option<String>,
}

const GRANTS: &str = "select g.app_user_id, g.local_area_id, l.slug, l.name, g.role, g.person_key
     from role_grant g join local_area l on l.local_area_id = g.local_area_id";

impl Store {
    /// Every local area, by name.
    pub async fn local_areas(&self) -> Result<Vec<LocalArea>> {
        let rows: Vec<LocalAreaRow> = on_pool!(self, |pool| {
            sqlx::query_as("select local_area_id, slug, name from local_area order by name")
                .fetch_all(pool)
                .await
        })?;
        Ok(rows.into_iter().map(LocalArea::from).collect())
    }

    /// A local area by its slug or its exact name.
    pub async fn local_area(&self, key: &str) -> Result<LocalArea> {
        let row: Option<LocalAreaRow> = on_pool!(self, |pool| {
            sqlx::query_as(
                "select local_area_id, slug, name from local_area where slug = $1 or name = $1",
            )
            .bind(key)
            .fetch_optional(pool)
            .await
        })?;
        row.map(LocalArea::from)
            .ok_or_else(|| Error::not_found(format!("local area {key:?}")))
    }

    /// The local area with this name, created if it is new.
    pub async fn ensure_local_area(
        &self,
        name: &str,
        slug: &str,
        now: OffsetDateTime,
    ) -> Result<LocalArea> {
        on_pool!(self, |pool| {
            sqlx::query(
                "insert into local_area (name, slug, created_at, updated_at) values ($1, $2, $3, $3)
                 on conflict (name) do nothing",
            )
            .bind(name)
            .bind(slug)
            .bind(now)
            .execute(pool)
            .await
            .map(|_| ())
        })?;
        self.local_area(name).await
    }

    /// The account with this email, for checking a password.
    pub async fn credentials(&self, email: &str) -> Result<Option<Credentials>> {
        let row: Option<(i64, Option<String>, Option<OffsetDateTime>)> = on_pool!(self, |pool| {
            sqlx::query_as(
                "select app_user_id, password_hash, disabled_at from app_user where email = $1",
            )
            .bind(email)
            .fetch_optional(pool)
            .await
        })?;
        Ok(row.map(|(id, password_hash, disabled_at)| Credentials {
            user: UserId(id),
            password_hash,
            disabled: disabled_at.is_some(),
        }))
    }

    /// A person with all their roles.
    pub async fn user(&self, id: UserId) -> Result<User> {
        let row: Option<UserRow> = on_pool!(self, |pool| {
            sqlx::query_as("select app_user_id, email, name from app_user where app_user_id = $1")
                .bind(id.0)
                .fetch_optional(pool)
                .await
        })?;
        let row = row.ok_or_else(|| Error::not_found("account"))?;
        self.with_grants(row).await
    }

    /// The person whose session this is, with all their roles, if it has neither
    /// expired nor gone unused since `idle_since`, and the account is not disabled: two
    /// queries, as every signed-in request asks. The session's last use is written at
    /// most once a minute, so reading pages does not queue on the database's writer.
    pub async fn session_account(
        &self,
        session_id: &str,
        now: OffsetDateTime,
        idle_since: OffsetDateTime,
    ) -> Result<Option<User>> {
        let row: Option<(i64, String, String, Option<OffsetDateTime>)> = on_pool!(self, |pool| {
            sqlx::query_as(
                "select u.app_user_id, u.email, u.name, s.last_seen_at from session s
                 join app_user u on u.app_user_id = s.app_user_id
                 where s.session_id = $1 and s.expires_at > $2
                   and coalesce(s.last_seen_at, s.created_at) > $3 and u.disabled_at is null",
            )
            .bind(session_id)
            .bind(now)
            .bind(idle_since)
            .fetch_optional(pool)
            .await
        })?;
        let Some((app_user_id, email, name, last_seen)) = row else {
            return Ok(None);
        };
        if last_seen.is_none_or(|seen| seen < now - time::Duration::minutes(1)) {
            on_pool!(self, |pool| {
                sqlx::query("update session set last_seen_at = $1 where session_id = $2")
                    .bind(now)
                    .bind(session_id)
                    .execute(pool)
                    .await
                    .map(|_| ())
            })?;
        }
        Ok(Some(
            self.with_grants(UserRow {
                app_user_id,
                email,
                name,
            })
            .await?,
        ))
    }

    /// A person's sessions that are still open, newest first: when each began and was
    /// last used, and whether it is `current`.
    pub async fn sessions_of(
        &self,
        user: UserId,
        now: OffsetDateTime,
        idle_since: OffsetDateTime,
    ) -> Result<Vec<(String, OffsetDateTime, Option<OffsetDateTime>)>> {
        Ok(on_pool!(self, |pool| {
            sqlx::query_as(
                "select session_id, created_at, last_seen_at from session
                 where app_user_id = $1 and expires_at > $2
                   and coalesce(last_seen_at, created_at) > $3
                 order by created_at desc",
            )
            .bind(user.0)
            .bind(now)
            .bind(idle_since)
            .fetch_all(pool)
            .await
        })?)
    }

    /// Ends every session of a person but `keep`, with its audit entry.
    pub async fn end_sessions(
        &self,
        user: UserId,
        keep: Option<&str>,
        by: &NewAuditEvent,
        now: OffsetDateTime,
    ) -> Result<u64> {
        in_write_transaction!(self, |tx| {
            let ended =
                sqlx::query("delete from session where app_user_id = $1 and session_id <> $2")
                    .bind(user.0)
                    .bind(keep.unwrap_or(""))
                    .execute(&mut *tx)
                    .await?
                    .rows_affected();
            let event = NewAuditEvent {
                entity: "user",
                entity_id: Some(user.0.to_string()),
                event: "user.signed_out_everywhere",
                after: Some(json!({ "sessions_ended": ended })),
                ..by.clone()
            };
            insert_audit!(tx, &event, now);
            Ok::<_, Error>(ended)
        })
    }

    /// Removes a person's role in an area, with its audit entry; `false` when they had
    /// none there.
    pub async fn remove_role(
        &self,
        user: UserId,
        area: LocalAreaId,
        by: &NewAuditEvent,
        now: OffsetDateTime,
    ) -> Result<bool> {
        in_write_transaction!(self, |tx| {
            let removed: Option<(String, Option<String>)> = sqlx::query_as(
                "delete from role_grant where app_user_id = $1 and local_area_id = $2
                 returning role, person_key",
            )
            .bind(user.0)
            .bind(area.0)
            .fetch_optional(&mut *tx)
            .await?;
            let Some((role, person_key)) = removed else {
                return Ok(false);
            };
            let event = NewAuditEvent {
                entity: "user",
                entity_id: Some(user.0.to_string()),
                event: "user.role_removed",
                local_area_id: Some(area),
                before: Some(json!({ "role": role, "person_key": person_key })),
                ..by.clone()
            };
            insert_audit!(tx, &event, now);
            Ok::<_, Error>(true)
        })
    }

    /// Disables an account (ending its sessions and revoking its tokens at once) or
    /// enables it again, with its audit entry.
    pub async fn set_disabled(
        &self,
        user: UserId,
        disabled: bool,
        by: &NewAuditEvent,
        now: OffsetDateTime,
    ) -> Result<()> {
        in_write_transaction!(self, |tx| {
            sqlx::query(
                "update app_user set disabled_at = $1, updated_at = $2 where app_user_id = $3",
            )
            .bind(disabled.then_some(now))
            .bind(now)
            .bind(user.0)
            .execute(&mut *tx)
            .await?;
            if disabled {
                sqlx::query("delete from session where app_user_id = $1")
                    .bind(user.0)
                    .execute(&mut *tx)
                    .await?;
                revoke_tokens!(tx, user.0, now);
            }
            let event = NewAuditEvent {
                entity: "user",
                entity_id: Some(user.0.to_string()),
                event: if disabled {
                    "user.disabled"
                } else {
                    "user.enabled"
                },
                ..by.clone()
            };
            insert_audit!(tx, &event, now);
        });
        Ok(())
    }

    /// An account row with its roles.
    async fn with_grants(&self, row: UserRow) -> Result<User> {
        let grants: Vec<GrantRow> = on_pool!(self, |pool| {
            sqlx::query_as(sqlx::AssertSqlSafe(format!(
                "{GRANTS} where g.app_user_id = $1 order by l.name"
            )))
            .bind(row.app_user_id)
            .fetch_all(pool)
            .await
        })?;
        Ok(User {
            id: UserId(row.app_user_id),
            email: row.email,
            name: row.name,
            grants: grants
                .into_iter()
                .map(GrantRow::into_grant)
                .collect::<Result<_>>()?,
        })
    }

    /// Everyone with a role in an area, with that role only, by email.
    /// For each account with a role in an area: whether it is disabled, and whether it
    /// has a role in another area too.
    pub async fn account_states_of_area(
        &self,
        area: LocalAreaId,
    ) -> Result<Vec<(UserId, bool, bool)>> {
        let rows: Vec<(i64, bool, bool)> = on_pool!(self, |pool| {
            sqlx::query_as(
                "select u.app_user_id, u.disabled_at is not null,
                    exists (select 1 from role_grant o
                            where o.app_user_id = u.app_user_id and o.local_area_id <> $1)
                 from app_user u
                 join role_grant g on g.app_user_id = u.app_user_id
                 where g.local_area_id = $1",
            )
            .bind(area.0)
            .fetch_all(pool)
            .await
        })?;
        Ok(rows
            .into_iter()
            .map(|(id, disabled, elsewhere)| (UserId(id), disabled, elsewhere))
            .collect())
    }

    pub async fn users_of_area(&self, area: LocalAreaId) -> Result<Vec<User>> {
        let users: Vec<UserRow> = on_pool!(self, |pool| {
            sqlx::query_as(
                "select u.app_user_id, u.email, u.name from app_user u
                 join role_grant g on g.app_user_id = u.app_user_id
                 where g.local_area_id = $1 order by u.email",
            )
            .bind(area.0)
            .fetch_all(pool)
            .await
        })?;
        let grants: Vec<GrantRow> = on_pool!(self, |pool| {
            sqlx::query_as(sqlx::AssertSqlSafe(format!(
                "{GRANTS} where g.local_area_id = $1"
            )))
            .bind(area.0)
            .fetch_all(pool)
            .await
        })?;
        let mut grants: Vec<(i64, Grant)> = grants
            .into_iter()
            .map(|g| Ok((g.app_user_id, g.into_grant()?)))
            .collect::<Result<_>>()?;
        Ok(users
            .into_iter()
            .map(|u| User {
                id: UserId(u.app_user_id),
                email: u.email,
                name: u.name,
                grants: {
                    let mine: Vec<Grant> = grants
                        .iter()
                        .filter(|(id, _)| *id == u.app_user_id)
                        .map(|(_, g)| g.clone())
                        .collect();
                    grants.retain(|(id, _)| *id != u.app_user_id);
                    mine
                },
            })
            .collect())
    }

    /// Creates the account if the email is new, sets its password if one is given, and
    /// grants the role (replacing the account's role in that area). One transaction, with
    /// an audit entry for each change.
    pub async fn save_user(
        &self,
        email: &str,
        name: &str,
        password_hash: Option<&str>,
        grant: &NewGrant,
        by: &NewAuditEvent,
        now: OffsetDateTime,
    ) -> Result<UserId> {
        in_write_transaction!(self, |tx| {
            let existing: Option<i64> =
                sqlx::query_scalar("select app_user_id from app_user where email = $1")
                    .bind(email)
                    .fetch_optional(&mut *tx)
                    .await?;
            let id = if let Some(id) = existing {
                if let Some(hash) = password_hash {
                    sqlx::query(
                        "update app_user set password_hash = $1, updated_at = $2 where app_user_id = $3",
                    )
                    .bind(hash)
                    .bind(now)
                    .bind(id)
                    .execute(&mut *tx)
                    .await?;
                    let event = NewAuditEvent {
                        entity: "user",
                        entity_id: Some(id.to_string()),
                        event: "user.password_changed",
                        local_area_id: Some(grant.local_area),
                        after: Some(json!({ "email": email })),
                        ..by.clone()
                    };
                    insert_audit!(tx, &event, now);
                }
                id
            } else {
                let id: i64 = sqlx::query_scalar(
                    "insert into app_user (email, name, password_hash, created_at, updated_at)
                     values ($1, $2, $3, $4, $4) returning app_user_id",
                )
                .bind(email)
                .bind(name)
                .bind(password_hash)
                .bind(now)
                .fetch_one(&mut *tx)
                .await?;
                let event = NewAuditEvent {
                    entity: "user",
                    entity_id: Some(id.to_string()),
                    event: "user.created",
                    local_area_id: Some(grant.local_area),
                    after: Some(json!({ "email": email, "name": name })),
                    ..by.clone()
                };
                insert_audit!(tx, &event, now);
                id
            };
            let before: Option<(String, Option<String>)> = sqlx::query_as(
                "select role, person_key from role_grant where app_user_id = $1 and local_area_id = $2",
            )
            .bind(id)
            .bind(grant.local_area.0)
            .fetch_optional(&mut *tx)
            .await?;
            upsert_grant!(
                tx,
                id,
                grant.local_area.0,
                grant.role.code(),
                &grant.person_key,
                now
            );
            let after = Some((grant.role.code().to_owned(), grant.person_key.clone()));
            if before != after {
                let event = NewAuditEvent {
                    entity: "user",
                    entity_id: Some(id.to_string()),
                    event: "user.role_granted",
                    local_area_id: Some(grant.local_area),
                    before: before.map(|(role, key)| json!({ "role": role, "person_key": key })),
                    after: Some(json!({
                        "email": email,
                        "role": grant.role.code(),
                        "person_key": grant.person_key,
                    })),
                    ..by.clone()
                };
                insert_audit!(tx, &event, now);
            }
            Ok::<_, Error>(UserId(id))
        })
    }

    /// Replaces a password and ends every other session of the account, in one
    /// transaction with its audit entry.
    pub async fn change_password(
        &self,
        user: UserId,
        password_hash: &str,
        keep_session: Option<&str>,
        by: &NewAuditEvent,
        now: OffsetDateTime,
    ) -> Result<()> {
        in_write_transaction!(self, |tx| {
            sqlx::query(
                "update app_user set password_hash = $1, updated_at = $2 where app_user_id = $3",
            )
            .bind(password_hash)
            .bind(now)
            .bind(user.0)
            .execute(&mut *tx)
            .await?;
            sqlx::query("delete from session where app_user_id = $1 and session_id <> $2")
                .bind(user.0)
                .bind(keep_session.unwrap_or(""))
                .execute(&mut *tx)
                .await?;
            // A changed password may mean a stolen one: tokens made with it stop too.
            revoke_tokens!(tx, user.0, now);
            let event = NewAuditEvent {
                entity: "user",
                entity_id: Some(user.0.to_string()),
                event: "user.password_changed",
                ..by.clone()
            };
            insert_audit!(tx, &event, now);
        });
        Ok(())
    }

    /// Starts a session; `session_id` is the hash of the cookie's value.
    pub async fn insert_session(
        &self,
        session_id: &str,
        user: UserId,
        expires_at: OffsetDateTime,
        now: OffsetDateTime,
    ) -> Result<()> {
        in_write_transaction!(self, |tx| {
            // Expired sessions are swept here rather than by a timer: sign-ins are rare
            // enough to be cheap and frequent enough to keep the table small.
            sqlx::query("delete from session where expires_at <= $1")
                .bind(now)
                .execute(&mut *tx)
                .await?;
            sqlx::query(
                "insert into session (session_id, app_user_id, expires_at, created_at, updated_at)
                 values ($1, $2, $3, $4, $4)",
            )
            .bind(session_id)
            .bind(user.0)
            .bind(expires_at)
            .bind(now)
            .execute(&mut *tx)
            .await?;
        });
        Ok(())
    }

    /// Ends a session.
    pub async fn delete_session(&self, session_id: &str) -> Result<()> {
        on_pool!(self, |pool| {
            sqlx::query("delete from session where session_id = $1")
                .bind(session_id)
                .execute(pool)
                .await
                .map(|_| ())
        })?;
        Ok(())
    }

    /// Records a failed sign-in, and forgets those older than a day.
    pub async fn insert_login_failure(
        &self,
        email: &str,
        ip: Option<&str>,
        now: OffsetDateTime,
    ) -> Result<()> {
        in_write_transaction!(self, |tx| {
            sqlx::query("delete from login_failure where attempted_at < $1")
                .bind(now - time::Duration::days(1))
                .execute(&mut *tx)
                .await?;
            sqlx::query(
                "insert into login_failure (email, ip, attempted_at, created_at, updated_at)
                 values ($1, $2, $3, $3, $3)",
            )
            .bind(email)
            .bind(ip)
            .bind(now)
            .execute(&mut *tx)
            .await?;
        });
        Ok(())
    }

    /// Decides, atomically, whether a sign-in may go ahead, and if it may, records it as
    /// a failure until [`Store::clear_login_failures`] says it succeeded. Attempts for one
    /// email queue here (SQLite's single writer; a transaction-scoped advisory lock on
    /// PostgreSQL), so 30 guesses sent at once see each other's failures and at most the
    /// few the lockout allows are checked. `wait` gets the email's failures since
    /// `since` and the address's failures since `address_since`, and returns how long the
    /// attempt must wait, if at all.
    pub async fn begin_login_attempt(
        &self,
        email: &str,
        ip: Option<&str>,
        (since, address_since): (OffsetDateTime, OffsetDateTime),
        now: OffsetDateTime,
        wait: impl Fn(&[OffsetDateTime], i64) -> Option<time::Duration>,
    ) -> Result<Option<time::Duration>> {
        let is_postgres = matches!(self.pool, super::Pool::Postgres(_));
        in_write_transaction!(self, |tx| {
            if is_postgres {
                sqlx::query("select pg_advisory_xact_lock(hashtextextended($1, 0))")
                    .bind(format!("login:{email}"))
                    .execute(&mut *tx)
                    .await?;
            }
            let failures: Vec<OffsetDateTime> = sqlx::query_scalar(
                "select attempted_at from login_failure where email = $1 and attempted_at > $2",
            )
            .bind(email)
            .bind(since)
            .fetch_all(&mut *tx)
            .await?;
            let by_ip: i64 =
                match ip {
                    Some(ip) => sqlx::query_scalar(
                        "select count(*) from login_failure where ip = $1 and attempted_at > $2",
                    )
                    .bind(ip)
                    .bind(address_since)
                    .fetch_one(&mut *tx)
                    .await?,
                    None => 0,
                };
            if let Some(wait) = wait(&failures, by_ip) {
                return Ok(Some(wait));
            }
            sqlx::query("delete from login_failure where attempted_at < $1")
                .bind(now - time::Duration::days(1))
                .execute(&mut *tx)
                .await?;
            sqlx::query(
                "insert into login_failure (email, ip, attempted_at, created_at, updated_at)
                 values ($1, $2, $3, $3, $3)",
            )
            .bind(email)
            .bind(ip)
            .bind(now)
            .execute(&mut *tx)
            .await?;
            Ok::<_, Error>(None)
        })
    }

    /// Failed sign-ins for an email, and from an address, since an instant.
    pub async fn login_failures_since(
        &self,
        email: &str,
        ip: Option<&str>,
        since: OffsetDateTime,
    ) -> Result<(i64, i64)> {
        let by_email: i64 = on_pool!(self, |pool| {
            sqlx::query_scalar(
                "select count(*) from login_failure where email = $1 and attempted_at > $2",
            )
            .bind(email)
            .bind(since)
            .fetch_one(pool)
            .await
        })?;
        let by_ip: i64 = match ip {
            Some(ip) => on_pool!(self, |pool| {
                sqlx::query_scalar(
                    "select count(*) from login_failure where ip = $1 and attempted_at > $2",
                )
                .bind(ip)
                .bind(since)
                .fetch_one(pool)
                .await
            })?,
            None => 0,
        };
        Ok((by_email, by_ip))
    }

    /// Forgets an email's failed sign-ins after a successful one.
    pub async fn clear_login_failures(&self, email: &str) -> Result<()> {
        on_pool!(self, |pool| {
            sqlx::query("delete from login_failure where email = $1")
                .bind(email)
                .execute(pool)
                .await
                .map(|_| ())
        })?;
        Ok(())
    }

    /// Stores a new token's hash, with its audit entry.
    #[expect(
        clippy::too_many_arguments,
        reason = "one row and its audit entry, in one transaction"
    )]
    pub async fn insert_token(
        &self,
        user: UserId,
        name: &str,
        token_hash: &str,
        prefix: &str,
        expires_at: OffsetDateTime,
        by: &NewAuditEvent,
        now: OffsetDateTime,
    ) -> Result<i64> {
        in_write_transaction!(self, |tx| {
            let id: i64 = sqlx::query_scalar(
                "insert into api_token (app_user_id, name, token_hash, prefix, expires_at, created_at, updated_at)
                 values ($1, $2, $3, $4, $5, $6, $6) returning api_token_id",
            )
            .bind(user.0)
            .bind(name)
            .bind(token_hash)
            .bind(prefix)
            .bind(expires_at)
            .bind(now)
            .fetch_one(&mut *tx)
            .await?;
            let event = NewAuditEvent {
                entity: "api_token",
                entity_id: Some(id.to_string()),
                event: "api_token.created",
                after: Some(json!({
                    "name": name,
                    "prefix": prefix,
                    "user_id": user.0,
                    "expires_at": expires_at.to_string(),
                })),
                ..by.clone()
            };
            insert_audit!(tx, &event, now);
            Ok::<_, Error>(id)
        })
    }

    /// A person's tokens, newest first.
    pub async fn tokens_of(&self, user: UserId) -> Result<Vec<ApiTokenInfo>> {
        let rows: Vec<TokenRow> = on_pool!(self, |pool| {
            sqlx::query_as(
                "select api_token_id, name, prefix, created_at, revoked_at, expires_at from api_token
                 where app_user_id = $1 order by api_token_id desc",
            )
            .bind(user.0)
            .fetch_all(pool)
            .await
        })?;
        Ok(rows
            .into_iter()
            .map(|r| ApiTokenInfo {
                id: r.api_token_id,
                name: r.name,
                prefix: r.prefix,
                created_at: r.created_at,
                revoked_at: r.revoked_at,
                expires_at: r.expires_at,
            })
            .collect())
    }

    /// Whose token this is, if it is live.
    pub async fn token_user(
        &self,
        token_hash: &str,
        now: OffsetDateTime,
    ) -> Result<Option<UserId>> {
        let found: Option<i64> = on_pool!(self, |pool| {
            sqlx::query_scalar(
                "select t.app_user_id from api_token t
                 join app_user u on u.app_user_id = t.app_user_id
                 where t.token_hash = $1 and t.revoked_at is null
                   and (t.expires_at is null or t.expires_at > $2) and u.disabled_at is null",
            )
            .bind(token_hash)
            .bind(now)
            .fetch_optional(pool)
            .await
        })?;
        Ok(found.map(UserId))
    }

    /// Revokes one of a person's live tokens, with its audit entry. Someone else's token,
    /// or one already revoked, is not found.
    pub async fn revoke_token(
        &self,
        user: UserId,
        token: i64,
        by: &NewAuditEvent,
        now: OffsetDateTime,
    ) -> Result<()> {
        in_write_transaction!(self, |tx| {
            let revoked = sqlx::query(
                "update api_token set revoked_at = $1, updated_at = $1
                 where api_token_id = $2 and app_user_id = $3 and revoked_at is null",
            )
            .bind(now)
            .bind(token)
            .bind(user.0)
            .execute(&mut *tx)
            .await?
            .rows_affected();
            if revoked == 0 {
                return Err(Error::not_found("token"));
            }
            let event = NewAuditEvent {
                entity: "api_token",
                entity_id: Some(token.to_string()),
                event: "api_token.revoked",
                before: Some(json!({ "revoked": false })),
                after: Some(json!({ "revoked": true })),
                ..by.clone()
            };
            insert_audit!(tx, &event, now);
        });
        Ok(())
    }
}
