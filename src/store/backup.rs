//! Backups: an online copy of a SQLite database, or a `pg_dump` archive of PostgreSQL,
//! and the way back.

use std::path::Path;
use std::process::Command;

use anyhow::{Context as _, bail};
use sqlx::Connection as _;

use super::{Backend, Pool, Store, redact};

impl Store {
    /// Writes a consistent copy of the whole database to `to` while the app keeps serving.
    ///
    /// SQLite uses `VACUUM INTO`, which reads one snapshot and writes a compact file;
    /// PostgreSQL runs `pg_dump --format=custom`, restorable with `pg_restore`.
    pub async fn backup(&self, url: &str, to: &Path) -> anyhow::Result<()> {
        if to.exists() {
            bail!(
                "{} already exists; choose a new file for the backup",
                to.display()
            );
        }
        match &self.pool {
            Pool::Sqlite(pool) => {
                let target = to
                    .to_str()
                    .with_context(|| format!("{} is not a UTF-8 path", to.display()))?;
                sqlx::query("vacuum into $1")
                    .bind(target)
                    .execute(pool)
                    .await
                    .with_context(|| format!("cannot write the backup to {}", to.display()))?;
            }
            Pool::Postgres(_) => {
                run(with_password(url, Command::new("pg_dump"))
                    .arg("--format=custom")
                    .arg("--no-owner")
                    .arg(format!("--file={}", to.display())))
                .with_context(|| format!("pg_dump of {} failed", redact(url)))?;
            }
        }
        Ok(())
    }

    /// How many rows each table holds, for checking a restore and for `wsoa backup`'s
    /// summary. Tables come from the schema, so new tables are counted without changes here.
    pub async fn row_counts(&self) -> anyhow::Result<Vec<(String, i64)>> {
        let tables: Vec<String> = on_pool_tables(self).await?;
        let mut counts = Vec::with_capacity(tables.len());
        for table in tables {
            // Table names come from the catalogue, not from a user.
            let sql = sqlx::AssertSqlSafe(format!("select count(*) from \"{table}\""));
            let n: i64 = match &self.pool {
                Pool::Sqlite(pool) => sqlx::query_scalar(sql).fetch_one(pool).await?,
                Pool::Postgres(pool) => sqlx::query_scalar(sql).fetch_one(pool).await?,
            };
            counts.push((table, n));
        }
        Ok(counts)
    }
}

async fn on_pool_tables(store: &Store) -> anyhow::Result<Vec<String>> {
    let tables = match &store.pool {
        Pool::Sqlite(pool) => {
            sqlx::query_scalar(
                "select name from sqlite_master where type = 'table'
                 and name not like 'sqlite_%' and name not like '_sqlx%' order by name",
            )
            .fetch_all(pool)
            .await?
        }
        Pool::Postgres(pool) => {
            sqlx::query_scalar(
                "select table_name::text from information_schema.tables
                 where table_schema = current_schema() and table_type = 'BASE TABLE'
                 and table_name not like '_sqlx%' order by table_name",
            )
            .fetch_all(pool)
            .await?
        }
    };
    Ok(tables)
}

/// Replaces the database at `url` with the backup in `from`. Refuses to overwrite a
/// database that holds plans unless `force` is set. The app must not be running.
pub async fn restore(url: &str, from: &Path, force: bool) -> anyhow::Result<()> {
    if !from.is_file() {
        bail!("cannot read the backup {}", from.display());
    }
    let shown = redact(url);
    match Backend::of_url(url)? {
        Backend::Sqlite => {
            check_sqlite_backup(from).await?;
            let target = sqlite_path(url)?;
            if target.exists() {
                let existing = Store::open(url).await?;
                let plans = existing.plans().await.map_err(anyhow::Error::from)?;
                existing.close().await;
                if !plans.is_empty() && !force {
                    bail!(
                        "{shown} already holds {} plans; pass --force to replace them with the backup",
                        plans.len()
                    );
                }
            }
            // Copy beside the target, then rename: a crash leaves the old file or the new.
            let staging = target.with_extension("restoring");
            std::fs::copy(from, &staging)
                .with_context(|| format!("cannot copy the backup to {}", staging.display()))?;
            for suffix in ["-wal", "-shm"] {
                let side = format!("{}{suffix}", target.display());
                let _ = std::fs::remove_file(side);
            }
            std::fs::rename(&staging, &target)
                .with_context(|| format!("cannot replace {}", target.display()))?;
        }
        Backend::Postgres => {
            let existing = Store::open(url).await?;
            let plans = existing.plans().await.map_err(anyhow::Error::from)?;
            existing.close().await;
            if !plans.is_empty() && !force {
                bail!(
                    "{shown} already holds {} plans; pass --force to replace them with the backup",
                    plans.len()
                );
            }
            run(with_password(url, Command::new("pg_restore"))
                .arg("--clean")
                .arg("--if-exists")
                .arg("--no-owner")
                .arg("--single-transaction")
                .arg(from))
            .with_context(|| format!("pg_restore into {shown} failed"))?;
        }
    }
    // Opening brings an older backup's schema up to date.
    Store::open(url).await?.close().await;
    Ok(())
}

async fn check_sqlite_backup(from: &Path) -> anyhow::Result<()> {
    let url = format!("sqlite://{}?mode=ro", from.display());
    let mut conn = sqlx::SqliteConnection::connect(&url)
        .await
        .with_context(|| format!("{} is not a SQLite database", from.display()))?;
    let tables: i64 = sqlx::query_scalar(
        "select count(*) from sqlite_master where type = 'table' and name in ('plan', '_sqlx_migrations')",
    )
    .fetch_one(&mut conn)
    .await
    .with_context(|| format!("{} is not a SQLite database", from.display()))?;
    conn.close().await.ok();
    if tables != 2 {
        bail!(
            "{} is a SQLite file but not a WSOA Tracker backup",
            from.display()
        );
    }
    Ok(())
}

fn sqlite_path(url: &str) -> anyhow::Result<std::path::PathBuf> {
    let rest = url
        .strip_prefix("sqlite://")
        .or_else(|| url.strip_prefix("sqlite:"))
        .with_context(|| format!("{url} is not a SQLite URL"))?;
    let path = rest.split('?').next().unwrap_or(rest);
    if path.is_empty() || path.contains(":memory:") {
        bail!("{url} is not a file; only a SQLite file can be restored into");
    }
    Ok(std::path::PathBuf::from(path))
}

fn run(command: &mut Command) -> anyhow::Result<()> {
    let program = command.get_program().to_string_lossy().into_owned();
    let output = command
        .output()
        .with_context(|| format!("cannot run {program}; is it installed?"))?;
    if !output.status.success() {
        let stderr = String::from_utf8_lossy(&output.stderr);
        let first = stderr.lines().next().unwrap_or("no message");
        bail!("{program} exited with {}: {first}", output.status);
    }
    Ok(())
}

/// Points a PostgreSQL tool at the database with the password in `PGPASSWORD`, not on its
/// command line, where every user of the machine could read it in the process list.
fn with_password(url: &str, mut command: Command) -> Command {
    let (url, password) = split_password(url);
    command.arg(format!("--dbname={url}"));
    if let Some(password) = password {
        command.env("PGPASSWORD", password);
    }
    command
}

/// The URL without its password, and the password (percent-decoded), if it has one.
fn split_password(url: &str) -> (String, Option<String>) {
    let Some((scheme, rest)) = url.split_once("://") else {
        return (url.to_owned(), None);
    };
    let Some((credentials, host)) = rest.rsplit_once('@') else {
        return (url.to_owned(), None);
    };
    let Some((user, password)) = credentials.split_once(':') else {
        return (url.to_owned(), None);
    };
    (
        format!("{scheme}://{user}@{host}"),
        Some(percent_decode(password)),
    )
}

fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = bytes
            .get(i + 1..i + 3)
            .and_then(|h| std::str::from_utf8(h).ok())
            .and_then(|h| u8::from_str_radix(h, 16).ok());
        match (bytes[i], hex) {
            (b'%', Some(byte)) => {
                out.push(byte);
                i += 3;
            }
            (byte, _) => {
                out.push(byte);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_password_leaves_the_url_for_the_environment() {
        assert_eq!(
            split_password("postgres://wsoa:s%40cret:x@db.example:5432/wsoa"),
            (
                "postgres://wsoa@db.example:5432/wsoa".to_owned(),
                Some("s@cret:x".to_owned())
            )
        );
        assert_eq!(
            split_password("postgres://postgres@127.0.0.1/db"),
            ("postgres://postgres@127.0.0.1/db".to_owned(), None)
        );
        let command = with_password("postgres://u:pw@h/d", Command::new("pg_dump"));
        let args: Vec<_> = command.get_args().collect();
        assert_eq!(args, ["--dbname=postgres://u@h/d"]);
        assert!(
            command
                .get_envs()
                .any(|(k, v)| k == "PGPASSWORD" && v == Some(std::ffi::OsStr::new("pw")))
        );
    }
}
