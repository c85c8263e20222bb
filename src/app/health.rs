//! What an operator's monitoring asks of the app: whether it can serve (the database
//! answers and its schema is this binary's), and the figures `/metrics` reports.

use super::App;

/// Why the app cannot serve requests now, in a short sentence for a load balancer's log.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct NotReady(pub String);

/// The database pool as it stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PoolStats {
    /// Connections open, busy or idle.
    pub size: u32,
    /// Connections open and waiting for work.
    pub idle: usize,
}

impl App {
    /// Ready when the database answers a trivial query and holds exactly the migrations
    /// this binary carries. Asked by `/readyz`, so a load balancer stops sending requests
    /// to an instance whose database is gone or was migrated by another version.
    pub async fn readiness(&self) -> Result<(), NotReady> {
        if let Err(err) = self.store.ping().await {
            tracing::warn!(error = %err, "readiness: the database does not answer");
            return Err(NotReady("the database does not answer".into()));
        }
        match self.store.migration_drift().await {
            Ok(None) => Ok(()),
            Ok(Some(drift)) => Err(NotReady(drift)),
            Err(err) => {
                tracing::warn!(error = %err, "readiness: cannot read the applied migrations");
                Err(NotReady("cannot read the applied migrations".into()))
            }
        }
    }

    /// The database pool's connections, for the `db_pool_*` gauges.
    pub fn pool_stats(&self) -> PoolStats {
        let (size, idle) = self.store.pool_size();
        PoolStats { size, idle }
    }

    /// Messages waiting in the outbox, for the `outbox_queue_length` gauge; `None` when
    /// they cannot be counted (the gauge is then left out rather than made up).
    pub async fn outbox_queue_length(&self) -> Option<u64> {
        match self.store.pending_mail().await {
            Ok(n) => u64::try_from(n).ok(),
            Err(err) => {
                tracing::warn!(error = %err, "cannot count the outbox for /metrics");
                None
            }
        }
    }
}
