//! Two-factor authentication: each account's TOTP secret and recovery codes, and the
//! sign-ins waiting for their second step.

use time::OffsetDateTime;

use super::audit::insert_audit;
use super::{Store, in_write_transaction, on_pool};
use crate::domain::{Error, NewAuditEvent, Result, UserId};

/// Replaces an account's recovery codes inside `$tx`.
macro_rules! replace_codes {
    ($tx:ident, $user:expr, $hashes:expr, $now:expr) => {{
        let user: UserId = $user;
        sqlx::query("delete from recovery_code where app_user_id = $1")
            .bind(user.0)
            .execute(&mut *$tx)
            .await?;
        for hash in $hashes {
            sqlx::query(
                "insert into recovery_code (app_user_id, code_hash, created_at, updated_at)
                 values ($1, $2, $3, $3)",
            )
            .bind(user.0)
            .bind(hash)
            .bind($now)
            .execute(&mut *$tx)
            .await?;
        }
    }};
}

/// A sign-in whose password was right, waiting for its second step.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct SignInStep {
    /// Whose.
    #[sqlx(rename = "app_user_id")]
    pub user: i64,
    /// `code` (enter a code) or `setup` (set up two-factor first).
    pub kind: String,
    /// For `setup`: the secret the person is adding to their app.
    pub setup_secret: Option<String>,
    /// Where to go once signed in.
    pub next_path: String,
}

impl Store {
    /// An account's TOTP secret and the last time step accepted, if two-factor is on.
    pub async fn two_factor(&self, user: UserId) -> Result<Option<(String, i64)>> {
        let row: Option<(String, i64)> = on_pool!(self, |pool| {
            sqlx::query_as("select secret, last_step from two_factor where app_user_id = $1")
                .bind(user.0)
                .fetch_optional(pool)
                .await
        })?;
        Ok(row)
    }

    /// Unused recovery codes an account has left.
    pub async fn recovery_codes_left(&self, user: UserId) -> Result<i64> {
        let n: i64 = on_pool!(self, |pool| {
            sqlx::query_scalar(
                "select count(*) from recovery_code where app_user_id = $1 and used_at is null",
            )
            .bind(user.0)
            .fetch_one(pool)
            .await
        })?;
        Ok(n)
    }

    /// Turns two-factor on (or replaces its secret) with a fresh set of recovery codes,
    /// the time step just used already spent, audited.
    pub async fn enable_two_factor(
        &self,
        user: UserId,
        (secret, step): (&str, i64),
        code_hashes: &[String],
        by: &NewAuditEvent,
        now: OffsetDateTime,
    ) -> Result<()> {
        in_write_transaction!(self, |tx| {
            sqlx::query("delete from two_factor where app_user_id = $1")
                .bind(user.0)
                .execute(&mut *tx)
                .await?;
            sqlx::query(
                "insert into two_factor (app_user_id, secret, last_step, created_at, updated_at)
                 values ($1, $2, $3, $4, $4)",
            )
            .bind(user.0)
            .bind(secret)
            .bind(step)
            .bind(now)
            .execute(&mut *tx)
            .await?;
            replace_codes!(tx, user, code_hashes, now);
            insert_audit!(tx, by, now);
            Ok::<_, Error>(())
        })
    }

    /// Replaces an account's recovery codes, audited.
    pub async fn replace_recovery_codes(
        &self,
        user: UserId,
        code_hashes: &[String],
        by: &NewAuditEvent,
        now: OffsetDateTime,
    ) -> Result<()> {
        in_write_transaction!(self, |tx| {
            replace_codes!(tx, user, code_hashes, now);
            insert_audit!(tx, by, now);
            Ok::<_, Error>(())
        })
    }

    /// Turns two-factor off: the secret and recovery codes go, audited.
    pub async fn disable_two_factor(
        &self,
        user: UserId,
        by: &NewAuditEvent,
        now: OffsetDateTime,
    ) -> Result<()> {
        in_write_transaction!(self, |tx| {
            for sql in [
                "delete from two_factor where app_user_id = $1",
                "delete from recovery_code where app_user_id = $1",
            ] {
                sqlx::query(sql).bind(user.0).execute(&mut *tx).await?;
            }
            insert_audit!(tx, by, now);
            Ok::<_, Error>(())
        })
    }

    /// Spends a time step: `false` if it (or a later one) was already used, so a code
    /// works once even when two sign-ins race with it.
    pub async fn spend_totp_step(&self, user: UserId, step: i64) -> Result<bool> {
        let done = in_write_transaction!(self, |tx| {
            sqlx::query(
                "update two_factor set last_step = $1 where app_user_id = $2 and last_step < $1",
            )
            .bind(step)
            .bind(user.0)
            .execute(&mut *tx)
            .await?
            .rows_affected()
        });
        Ok(done == 1)
    }

    /// Spends a recovery code, audited: `false` if it is not one of the account's
    /// unused codes.
    pub async fn spend_recovery_code(
        &self,
        user: UserId,
        code_hash: &str,
        by: &NewAuditEvent,
        now: OffsetDateTime,
    ) -> Result<bool> {
        in_write_transaction!(self, |tx| {
            let spent = sqlx::query(
                "update recovery_code set used_at = $1, updated_at = $1
                 where app_user_id = $2 and code_hash = $3 and used_at is null",
            )
            .bind(now)
            .bind(user.0)
            .bind(code_hash)
            .execute(&mut *tx)
            .await?
            .rows_affected();
            if spent == 1 {
                insert_audit!(tx, by, now);
            }
            Ok::<_, Error>(spent == 1)
        })
    }

    /// Writes a sign-in waiting for its second step, sweeping expired ones.
    pub async fn insert_sign_in_step(
        &self,
        step_hash: &str,
        step: &SignInStep,
        expires_at: OffsetDateTime,
        now: OffsetDateTime,
    ) -> Result<()> {
        in_write_transaction!(self, |tx| {
            sqlx::query("delete from sign_in_step where expires_at <= $1")
                .bind(now)
                .execute(&mut *tx)
                .await?;
            sqlx::query(
                "insert into sign_in_step (step_id, app_user_id, kind, setup_secret, next_path,
                    expires_at, created_at, updated_at)
                 values ($1, $2, $3, $4, $5, $6, $7, $7)",
            )
            .bind(step_hash)
            .bind(step.user)
            .bind(&step.kind)
            .bind(&step.setup_secret)
            .bind(&step.next_path)
            .bind(expires_at)
            .bind(now)
            .execute(&mut *tx)
            .await?;
            Ok::<_, Error>(())
        })
    }

    /// The unexpired sign-in a step's token names.
    pub async fn sign_in_step(
        &self,
        step_hash: &str,
        now: OffsetDateTime,
    ) -> Result<Option<SignInStep>> {
        let row: Option<SignInStep> = on_pool!(self, |pool| {
            sqlx::query_as(
                "select app_user_id, kind, setup_secret, next_path from sign_in_step
                 where step_id = $1 and expires_at > $2",
            )
            .bind(step_hash)
            .bind(now)
            .fetch_optional(pool)
            .await
        })?;
        Ok(row)
    }

    /// Ends a sign-in's second step (done, or abandoned).
    pub async fn delete_sign_in_step(&self, step_hash: &str) -> Result<()> {
        in_write_transaction!(self, |tx| {
            sqlx::query("delete from sign_in_step where step_id = $1")
                .bind(step_hash)
                .execute(&mut *tx)
                .await?;
        });
        Ok(())
    }
}
