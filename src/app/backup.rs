//! Backups and restores of the whole database.

use std::path::Path;

use super::App;

impl App {
    /// Writes an online backup of the database at `url` (the one this app has open) to
    /// `to`, and returns the row count of every table it holds.
    pub async fn backup(&self, url: &str, to: &Path) -> anyhow::Result<Vec<(String, i64)>> {
        self.store.backup(url, to).await?;
        self.row_counts().await
    }

    /// How many rows each table holds.
    pub async fn row_counts(&self) -> anyhow::Result<Vec<(String, i64)>> {
        self.store.row_counts().await
    }
}

/// Replaces the database at `url` with a backup; refuses to overwrite plans unless forced.
pub async fn restore(url: &str, from: &Path, force: bool) -> anyhow::Result<()> {
    crate::store::restore(url, from, force).await
}
