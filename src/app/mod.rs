//! Use cases: what the pages, the API, the CLI and the importers ask of the product.
//!
//! Every use case takes the [`Actor`](crate::domain::Actor) asking and checks what it may
//! do first, so pages, API and CLI cannot disagree about permissions.

mod account;
mod audit;
mod backup;
mod cache;
mod compare;
mod demo;
mod generate;
mod governance;
mod health;
mod home;
mod import;
mod kpi;
mod mail;
mod plan;
mod progress;
mod reminders;
mod reports;
mod running;
mod sso;
mod structure;
mod two_factor;
mod voice;

use time::OffsetDateTime;

use crate::store::Store;

/// A remembered import layout, as stored: the pages list and forget them through the app.
pub use crate::store::ImportLayoutRecord as RememberedLayout;
/// An invitation as stored, for the pages that list them.
pub use crate::store::Invitation;
/// A reminder run as stored, for the reminders page.
pub use crate::store::ReminderRun;
pub use crate::store::redact as redact_url;
pub use account::{
    IP_LOCKOUT_FAILURES, LOCKOUT_FAILURES, LOCKOUT_WINDOW, NewSession, NewToken, NewUser,
    PasswordCost, SESSION_IDLE, SESSION_LIFETIME, SessionInfo, TOKEN_LIFETIME, TOKEN_PREFIX,
};
pub use audit::audit_csv;
pub use backup::restore;
pub use cache::record_lookup as record_cache_lookup;
pub use demo::{DEMO_DOCUMENT, DEMO_NAME, DemoAccount};
pub use generate::{GenerateRequest, Generated};
pub use health::{NotReady, PoolStats};
pub use home::{OwnerToChase, SetUpStep, ThisCycle};
pub use import::{ImportPreview, PENDING_IMPORT_LIFETIME};
pub use kpi::KpiInPlan;
pub use mail::{
    DeliveryRound, INVITATION_LIFETIME, InvitationView, Invited, MailSettings, Mailer,
    PASSWORD_RESET_LIFETIME, PASSWORD_RESETS_PER_HOUR, retry_delay, spawn_mail_worker,
};
pub use plan::{ActionInPlan, MAX_NARRATIVE_CHARS, NewUpdate};
pub use progress::{ActionPage, ProgressReport};
pub use reminders::{
    MyAction, MyActionStatus, MyPlanActions, RemindOutcome, RemindersView, spawn_reminder_scheduler,
};
pub use reports::{ReportFile, ReportRequest};
pub use running::{CycleView, CyclesView, PlanView, RunningPlan};
pub use sso::{SsoConfig, SsoProvider, SsoRefusal, SsoStart};
pub use two_factor::{
    RECOVERY_CODES, SecondStep, SignIn, SignedIn, TWO_FACTOR_ISSUER, TwoFactorSetup,
    TwoFactorStatus,
};

/// Where "now" comes from: the system clock, or a fixed instant in tests.
#[derive(Clone, Copy, Debug)]
pub enum Clock {
    /// The machine's clock.
    System,
    /// Always the same instant.
    Fixed(OffsetDateTime),
}

impl Clock {
    /// The current instant.
    #[expect(
        clippy::disallowed_methods,
        reason = "the one place that reads the system clock"
    )]
    pub fn now(self) -> OffsetDateTime {
        match self {
            Self::System => OffsetDateTime::now_utc(),
            Self::Fixed(at) => at,
        }
    }

    /// Today's date in UTC.
    pub fn today(self) -> time::Date {
        self.now().date()
    }
}

/// Password hashes computed at once, per process.
pub const HASHES_AT_ONCE: usize = 4;

/// The product's use cases over one store.
#[derive(Clone)]
pub struct App {
    store: Store,
    clock: Clock,
    password_cost: PasswordCost,
    plans: cache::PlanCache,
    /// Trees as they stand (latest update per action), for the plan page.
    standing: cache::PlanCache,
    sample: cache::SampleMemo,
    mail: std::sync::Arc<MailSettings>,
    /// Password hashes computed at once: a flood of sign-ins queues here instead of
    /// taking every blocking thread and all the memory argon2 asks for (19 MiB each).
    hashing: std::sync::Arc<tokio::sync::Semaphore>,
    /// How long a session lasts unused.
    session_idle: time::Duration,
    /// The identity providers for single sign-on.
    sso: std::sync::Arc<sso::Sso>,
    /// Two-factor required of everyone with a password, not only admins.
    two_factor_for_everyone: bool,
}

impl App {
    /// An app over an opened store.
    pub fn new(store: Store, clock: Clock) -> Self {
        Self {
            store,
            clock,
            password_cost: PasswordCost::Standard,
            plans: cache::PlanCache::default(),
            standing: cache::PlanCache::default(),
            sample: cache::SampleMemo::default(),
            mail: std::sync::Arc::default(),
            hashing: std::sync::Arc::new(tokio::sync::Semaphore::new(HASHES_AT_ONCE)),
            session_idle: SESSION_IDLE,
            sso: std::sync::Arc::default(),
            two_factor_for_everyone: false,
        }
    }

    /// Opens the database at `url` (bringing its schema up to date) and serves from it.
    pub async fn open(url: &str, clock: Clock) -> anyhow::Result<Self> {
        Ok(Self::new(Store::open(url).await?, clock))
    }

    /// The clock the app reads.
    pub fn clock(&self) -> Clock {
        self.clock
    }

    /// The store, for shutting down cleanly.
    pub async fn close(&self) {
        self.store.close().await;
    }
}
