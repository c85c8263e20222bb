//! Persistence on SQLite (the default, one file) or PostgreSQL (selected by URL).
//!
//! Each query is written once in SQL both dialects accept and run on whichever pool was
//! opened; DDL lives in `migrations/sqlite` and `migrations/postgres`, applied at open.

mod account;
mod audit;
mod backup;
mod compare;
mod cycle;
mod evidence;
mod import_layout;
mod invitation;
pub(crate) mod outbox;
mod pending_import;
mod plan;
mod progress;
mod reminders;
mod sso;
mod structure;
mod two_factor;

pub use account::{Credentials, NewGrant};

use std::str::FromStr;
use std::time::Duration;

use anyhow::Context as _;
use sqlx::postgres::{PgPool, PgPoolOptions};
use sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous,
};

use crate::domain::Error;

pub use backup::restore;
pub use import_layout::ImportLayoutRecord;
pub use invitation::{Invitation, InvitationOutcome, NewInvitation};
pub use outbox::{ClaimedMail, MailAbout};
pub use pending_import::{PendingImportRecord, PendingImportReread};
pub use reminders::{ReminderRun, RunMessage, RunToWrite};
pub use sso::SsoLogin;
pub use two_factor::SignInStep;

/// The database behind the app.
#[derive(Clone)]
pub struct Store {
    pool: Pool,
    /// SQLite has one writer at a time. Writers of this process queue here, in order,
    /// rather than in SQLite's busy handler, which sleeps in growing steps (up to 100 ms)
    /// and so gave concurrent updates a long tail. Other processes (a CLI import while
    /// the server runs) still meet the busy timeout.
    sqlite_writer: std::sync::Arc<tokio::sync::Mutex<()>>,
}

#[derive(Clone)]
enum Pool {
    Sqlite(SqlitePool),
    Postgres(PgPool),
}

/// Runs the same sqlx code on whichever backend the store was opened with.
///
/// `$pool` is a `&SqlitePool` in one arm and a `&PgPool` in the other, so the body is
/// compiled (and type-checked) once per backend.
macro_rules! on_pool {
    ($store:expr, |$pool:ident| $body:expr) => {
        match &$store.pool {
            $crate::store::Pool::Sqlite($pool) => $body,
            $crate::store::Pool::Postgres($pool) => $body,
        }
    };
}
use on_pool;

/// Runs `$body` in one write transaction, committed only if the body succeeds.
///
/// SQLite begins `IMMEDIATE` so that two writers queue on the write lock up front instead
/// of failing with "database is locked" when a reader upgrades.
macro_rules! in_write_transaction {
    ($store:expr, |$tx:ident| $body:expr) => {
        match &$store.pool {
            $crate::store::Pool::Sqlite(pool) => {
                let _writer = $store.sqlite_writer.lock().await;
                let mut $tx = pool.begin_with("BEGIN IMMEDIATE").await?;
                let out = $body;
                $tx.commit().await?;
                out
            }
            $crate::store::Pool::Postgres(pool) => {
                let mut $tx = pool.begin().await?;
                let out = $body;
                $tx.commit().await?;
                out
            }
        }
    };
}
use in_write_transaction;

/// Which database a URL selects.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

impl Backend {
    /// Reads the scheme of a database URL.
    pub fn of_url(url: &str) -> anyhow::Result<Self> {
        if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Ok(Self::Postgres)
        } else if url.starts_with("sqlite:") {
            Ok(Self::Sqlite)
        } else {
            anyhow::bail!(
                "database URL {:?} is neither sqlite://FILE nor postgres://…",
                redact(url)
            )
        }
    }
}

/// The URL with any password replaced, for messages and logs.
pub fn redact(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_owned();
    };
    match rest.split_once('@') {
        Some((credentials, host)) => match credentials.split_once(':') {
            Some((user, _)) => format!("{scheme}://{user}:***@{host}"),
            None => url.to_owned(),
        },
        None => url.to_owned(),
    }
}

impl Store {
    /// Opens `sqlite://FILE` (created if missing) or `postgres://…`, and brings the
    /// schema up to date.
    pub async fn open(url: &str) -> anyhow::Result<Self> {
        let shown = redact(url);
        let pool = match Backend::of_url(url)? {
            Backend::Postgres => {
                let pool = PgPoolOptions::new()
                    .max_connections(16)
                    .acquire_timeout(Duration::from_secs(10))
                    .connect(url)
                    .await
                    .with_context(|| {
                        format!("cannot connect to the PostgreSQL database at {shown}")
                    })?;
                sqlx::migrate!("migrations/postgres")
                    .run(&pool)
                    .await
                    .with_context(|| format!("cannot bring the schema of {shown} up to date"))?;
                Pool::Postgres(pool)
            }
            Backend::Sqlite => {
                let options = SqliteConnectOptions::from_str(url)
                    .with_context(|| format!("{shown} is not a valid SQLite URL"))?
                    .create_if_missing(true)
                    .foreign_keys(true)
                    .journal_mode(SqliteJournalMode::Wal)
                    // FULL: a commit is on disk before it is acknowledged, so an update an
                    // owner was told is saved survives a power cut, not only a crash of
                    // the process (NORMAL's promise in WAL mode). An fsync here costs
                    // about 0.3 ms.
                    .synchronous(SqliteSynchronous::Full)
                    .busy_timeout(Duration::from_secs(10));
                let pool = SqlitePoolOptions::new()
                    .max_connections(8)
                    .connect_with(options)
                    .await
                    .with_context(|| format!("cannot open the SQLite database {shown}"))?;
                sqlx::migrate!("migrations/sqlite")
                    .run(&pool)
                    .await
                    .with_context(|| format!("cannot bring the schema of {shown} up to date"))?;
                Pool::Sqlite(pool)
            }
        };
        Ok(Self {
            pool,
            sqlite_writer: std::sync::Arc::default(),
        })
    }

    /// Which backend this store runs on.
    pub fn backend(&self) -> Backend {
        match self.pool {
            Pool::Sqlite(_) => Backend::Sqlite,
            Pool::Postgres(_) => Backend::Postgres,
        }
    }

    /// Refreshes the query planner's statistics after a bulk load, which autovacuum would
    /// only catch up with later. SQLite: `ANALYZE`, sampling at most 1,000 rows per index
    /// (`analysis_limit`), so seconds even on millions of rows. PostgreSQL: `VACUUM
    /// ANALYZE`, which also marks the new pages all-visible, so index-only scans (a
    /// plan's owners, the cross-area tallies) are chosen at once.
    pub async fn refresh_statistics(&self) -> Result<(), Error> {
        match &self.pool {
            Pool::Sqlite(pool) => {
                let mut conn = pool.acquire().await?;
                sqlx::query("pragma analysis_limit = 1000")
                    .execute(&mut *conn)
                    .await?;
                sqlx::query("analyze").execute(&mut *conn).await?;
            }
            Pool::Postgres(pool) => {
                // The simple protocol: `VACUUM` refuses to run in a transaction block.
                sqlx::raw_sql("vacuum analyze").execute(pool).await?;
            }
        }
        Ok(())
    }

    /// A trivial query: whether the database answers at all.
    pub async fn ping(&self) -> Result<(), Error> {
        let _: i32 = on_pool!(self, |pool| sqlx::query_scalar("select 1")
            .fetch_one(pool)
            .await)?;
        Ok(())
    }

    /// Connections the pool holds now, and how many of them are idle.
    pub fn pool_size(&self) -> (u32, usize) {
        on_pool!(self, |pool| (pool.size(), pool.num_idle()))
    }

    /// How the applied migrations differ from the ones this binary carries, in words, or
    /// `None` when they match (same versions, same checksums, none failed part-way).
    /// The database can drift after it was opened: another instance, newer than this one,
    /// may have migrated it, or someone may have restored an older backup.
    pub async fn migration_drift(&self) -> Result<Option<String>, Error> {
        let sql = "select version, checksum, success from _sqlx_migrations order by version";
        let applied: Vec<(i64, Vec<u8>, bool)> =
            on_pool!(self, |pool| sqlx::query_as(sql).fetch_all(pool).await)?;
        // The same migrations `open` applies.
        let migrator = match self.backend() {
            Backend::Sqlite => sqlx::migrate!("migrations/sqlite"),
            Backend::Postgres => sqlx::migrate!("migrations/postgres"),
        };
        let embedded: Vec<_> = migrator
            .iter()
            .filter(|m| !m.migration_type.is_down_migration())
            .collect();
        for (version, checksum, success) in &applied {
            match embedded.iter().find(|m| m.version == *version) {
                None => {
                    return Ok(Some(format!(
                        "the database has migration {version}, which this binary does not \
                         know: it was migrated by a newer version of WSOA Tracker"
                    )));
                }
                Some(_) if !success => {
                    return Ok(Some(format!("migration {version} failed part-way")));
                }
                Some(m) if m.checksum.as_ref() != checksum.as_slice() => {
                    return Ok(Some(format!(
                        "migration {version} applied to the database differs from this \
                         binary's"
                    )));
                }
                Some(_) => {}
            }
        }
        if let Some(missing) = embedded
            .iter()
            .find(|m| !applied.iter().any(|(v, _, _)| *v == m.version))
        {
            return Ok(Some(format!(
                "migration {} ({}) is not applied to the database",
                missing.version, missing.description
            )));
        }
        Ok(None)
    }

    /// Closes every connection; SQLite checkpoints its write-ahead log.
    pub async fn close(&self) {
        on_pool!(self, |pool| pool.close().await);
    }
}

/// `RowNotFound` and constraint violations become domain errors; the rest is internal.
impl From<sqlx::Error> for Error {
    fn from(err: sqlx::Error) -> Self {
        match &err {
            sqlx::Error::RowNotFound => Error::not_found("record"),
            sqlx::Error::Database(db) if db.is_unique_violation() => {
                Error::Conflict("that already exists".into())
            }
            sqlx::Error::Database(db) if db.is_foreign_key_violation() => {
                Error::invalid("reference", "points to something that does not exist")
            }
            _ => Error::Internal(err.into()),
        }
    }
}

/// A JSON column's text, or an internal error: the store wrote it, so bad JSON is a bug.
fn from_json<T: serde::de::DeserializeOwned>(column: &str, raw: &str) -> Result<T, Error> {
    serde_json::from_str(raw)
        .with_context(|| format!("stored {column} is not valid JSON"))
        .map_err(Error::Internal)
}

fn to_json<T: serde::Serialize>(value: &T) -> Result<String, Error> {
    serde_json::to_string(value).map_err(|e| Error::Internal(e.into()))
}
