//! Single sign-ons in progress, each used once.

use time::OffsetDateTime;

use super::{Store, in_write_transaction};
use crate::domain::{Error, Result};

/// A single sign-on waiting for the identity provider's answer.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct SsoLogin {
    /// SHA-256 of the cookie of the browser that started it.
    pub browser_hash: String,
    /// The provider's id in the configuration.
    pub provider: String,
    /// The PKCE code verifier.
    pub pkce_verifier: String,
    /// The nonce the ID token must carry.
    pub nonce: String,
    /// Where to go once signed in.
    pub next_path: String,
}

impl Store {
    /// Writes a sign-on in progress, sweeping expired ones.
    pub async fn insert_sso_login(
        &self,
        state_hash: &str,
        login: &SsoLogin,
        expires_at: OffsetDateTime,
        now: OffsetDateTime,
    ) -> Result<()> {
        in_write_transaction!(self, |tx| {
            sqlx::query("delete from sso_login where expires_at <= $1")
                .bind(now)
                .execute(&mut *tx)
                .await?;
            sqlx::query(
                "insert into sso_login (state_hash, browser_hash, provider, pkce_verifier, nonce,
                    next_path, expires_at, created_at, updated_at)
                 values ($1, $2, $3, $4, $5, $6, $7, $8, $8)",
            )
            .bind(state_hash)
            .bind(&login.browser_hash)
            .bind(&login.provider)
            .bind(&login.pkce_verifier)
            .bind(&login.nonce)
            .bind(&login.next_path)
            .bind(expires_at)
            .bind(now)
            .execute(&mut *tx)
            .await?;
            Ok::<_, Error>(())
        })
    }

    /// Takes (and removes) the unexpired sign-on a state names: a state works once.
    pub async fn take_sso_login(
        &self,
        state_hash: &str,
        now: OffsetDateTime,
    ) -> Result<Option<SsoLogin>> {
        in_write_transaction!(self, |tx| {
            let row: Option<SsoLogin> = sqlx::query_as(
                "delete from sso_login where state_hash = $1 and expires_at > $2
                 returning browser_hash, provider, pkce_verifier, nonce, next_path",
            )
            .bind(state_hash)
            .bind(now)
            .fetch_optional(&mut *tx)
            .await?;
            Ok::<_, Error>(row)
        })
    }
}
