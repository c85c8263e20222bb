//! The `wsoa` command line: serve the app, import and export plans, list them.

use std::io::Write as _;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use anyhow::{Context as _, bail};
use clap::{Parser, Subcommand, ValueEnum};

use time::Date;

use crate::app::{
    App, Clock, GenerateRequest, MailSettings, Mailer, ReportRequest, SsoConfig, spawn_mail_worker,
    spawn_reminder_scheduler,
};
use crate::config::DatabaseArgs;
use crate::documents::{
    self, ColumnChoices, Format, ImportOptions, MAX_DOCUMENT_BYTES, write_plan_json,
};
use crate::domain::{Actor, AsAt, PartialDate, ReportFormat, ReportKind, Scale};
use crate::web;

mod accounts;

use accounts::{UserCommand, remind, user};

/// `wsoa import`'s options.
#[derive(clap::Args, Debug)]
struct ImportArgs {
    /// The document to read.
    file: PathBuf,
    /// Read and report, but store nothing.
    #[arg(long)]
    dry_run: bool,
    /// Print the plan as plan JSON on standard output.
    #[arg(long)]
    json: bool,
    /// Read the file as this format instead of guessing from its name and content.
    #[arg(long, value_enum)]
    format: Option<FormatArg>,
    /// Also write the import report as JSON to this file.
    #[arg(long)]
    report: Option<PathBuf>,
    /// Roles for columns, by heading, instead of the importer's reading of the headings:
    /// `"Who will lead=owners;When=due"`. The roles are area, objective, ref, action,
    /// owners, due, start, rating, update, updated, measures, milestones, resource and
    /// ignore (the text is kept as a note on each action). The report's `tables` lists
    /// the role each column was given.
    #[arg(long, value_parser = parse_columns, value_name = "HEADING=ROLE;…")]
    columns: Option<ColumnChoices>,
}

/// Reads `--columns`, saying which part is wrong.
fn parse_columns(spec: &str) -> Result<ColumnChoices, String> {
    ColumnChoices::parse(spec).map_err(|err| match err {
        crate::domain::Error::Invalid { message, .. } => message,
        other => other.to_string(),
    })
}

/// WSOA Tracker: run a local area's SEND improvement plan from the browser or the shell.
#[derive(Parser, Debug)]
#[command(name = "wsoa", version, about)]
pub struct Cli {
    #[command(flatten)]
    db: DatabaseArgs,

    /// How log lines are written to standard error: `text` for people, `json` (one object
    /// a line) for a log collector. Which lines: `WSOA_LOG` (`RUST_LOG` syntax).
    #[arg(
        long,
        env = "WSOA_LOG_FORMAT",
        value_enum,
        default_value = "text",
        global = true
    )]
    log_format: LogFormat,

    #[command(subcommand)]
    command: Command,
}

/// What to do with the audit trail.
#[derive(Subcommand, Debug)]
enum AuditCommand {
    /// Check that no entry has been changed, removed or inserted: each entry holds the
    /// hash of the one before. Prints the last hash (keep it elsewhere, to detect a
    /// rewritten tail later); exits non-zero at the first broken link.
    Verify,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Serve the web app.
    Serve {
        /// Address to listen on.
        #[arg(long, env = "WSOA_ADDR", default_value = "127.0.0.1:8080")]
        addr: SocketAddr,
        /// Load the bundled example plan (a real written statement of action) when no plan is stored yet,
        /// publish it, and create one demo account per role with a well-known password.
        #[arg(long, env = "WSOA_DEMO")]
        demo: bool,
        /// Mark the session cookie `Secure` (sent over HTTPS only). Defaults to on unless the
        /// address is a loopback one (`127.0.0.1`, `::1`), where plain HTTP is the norm.
        #[arg(long, env = "WSOA_SECURE_COOKIES")]
        secure_cookies: Option<bool>,
        /// Who may read the Prometheus metrics at `/metrics`: comma-separated addresses or
        /// CIDR blocks (`10.0.0.0/8,::1`), or `none`. Anyone else is answered "page not
        /// found". The address is the connection's peer.
        #[arg(long, env = "WSOA_METRICS_ALLOW", default_value = "127.0.0.0/8,::1")]
        metrics_allow: web::MetricsAllow,
        /// The proxies in front of the app (comma-separated addresses or CIDR blocks, or
        /// `none`), whose `X-Forwarded-For` names the client for the per-address sign-in
        /// limit and the security log. Anyone else's header is ignored.
        #[arg(long, env = "WSOA_TRUSTED_PROXIES", default_value = "none")]
        trusted_proxies: web::TrustedProxies,
        /// Single sign-on: a JSON file listing OpenID Connect providers, each
        /// `{"id", "name", "issuer", "client_id", "client_secret", "email_domains"}`
        /// under `"providers"` (see the README). Register `BASE_URL/sso/ID/callback`
        /// as the redirect URI at each provider.
        #[arg(long, env = "WSOA_OIDC_CONFIG")]
        oidc_config: Option<PathBuf>,
        /// Require two-factor authentication of everyone who signs in with a password,
        /// not only of admins (who always need it).
        #[arg(long, env = "WSOA_REQUIRE_TWO_FACTOR")]
        require_two_factor: bool,
        #[command(flatten)]
        mail: MailArgs,
    },
    /// Manage accounts.
    User {
        #[command(subcommand)]
        command: UserCommand,
    },
    /// Publish a plan (anyone may then read it), or withdraw it with `--withdraw`.
    Publish {
        /// The plan's id or slug.
        #[arg(long)]
        plan: String,
        /// Withdraw the plan from the public instead.
        #[arg(long)]
        withdraw: bool,
    },
    /// Run a plan's reminders now: one email to each owner with actions that need an
    /// update this cycle, and the digest to its editors, written to the outbox (which
    /// `wsoa serve` delivers). `wsoa serve` also runs them itself when they fall due.
    Remind {
        /// The plan's id or slug.
        #[arg(long, required_unless_present = "all", conflicts_with = "all")]
        plan: Option<String>,
        /// Every plan (the latest version of each), as the scheduler would, but now.
        #[arg(long)]
        all: bool,
        /// Print what would be sent, and write nothing.
        #[arg(long)]
        dry_run: bool,
        /// The address links start with (as `wsoa serve --base-url`).
        #[arg(long, env = "WSOA_BASE_URL", default_value = "http://127.0.0.1:8080")]
        base_url: String,
    },
    /// Read a plan from a document (Word, Excel, ODS, CSV, PDF, text or plan JSON) and store it.
    Import(ImportArgs),
    /// The audit trail.
    Audit {
        #[command(subcommand)]
        command: AuditCommand,
    },
    /// Write a stored plan out: as plan JSON, or as a report in a document format.
    Export {
        /// The plan's id or slug (see `wsoa plans`).
        #[arg(long)]
        plan: String,
        /// The report to write; without it the plan itself is written as plan JSON.
        #[arg(long, value_enum)]
        report: Option<ReportArg>,
        /// Output format.
        #[arg(long, value_enum, default_value = "json")]
        format: ExportFormat,
        /// The day the report describes (YYYY-MM-DD), or `cycle:N` for the day the plan's
        /// Nth closed reporting cycle closed (numbered as on its cycles page); today by
        /// default.
        #[arg(long, value_parser = parse_as_at)]
        as_at: Option<AsAt>,
        /// The start of the period the report covers, exclusive (YYYY-MM-DD); by default
        /// the day the last reporting cycle before the as-at day closed, or three months
        /// before the as-at day when there is none.
        #[arg(long, value_parser = parse_day)]
        since: Option<Date>,
        /// Write to this file instead of standard output.
        #[arg(short, long)]
        output: Option<PathBuf>,
    },
    /// List stored plans: id or slug first, then the title.
    Plans,
    /// Generate national-scale data for measuring the app: fictional local areas
    /// ("Northshire 001", …), each with one plan (owners, milestones, dated updates over
    /// the years, monthly KPI actuals), and one adviser with a role in every area. Refuses
    /// a database that already holds plans unless given `--force`.
    Generate {
        /// Local areas, one plan each (1 to 1,000).
        #[arg(long, default_value_t = 150)]
        areas: usize,
        /// Actions per plan (1 to 1,000).
        #[arg(long, default_value_t = 250)]
        actions: usize,
        /// Progress updates per action, spread from the plan's start to today (0 to 240).
        #[arg(long, default_value_t = 60)]
        updates: usize,
        /// Years of monthly actuals on each KPI (0 to 20; 0 for no KPIs). The plans began
        /// this many years ago, and at least two.
        #[arg(long, default_value_t = 5)]
        kpi_years: usize,
        /// The adviser's sign-in email.
        #[arg(long, default_value = "adviser@generated.example")]
        adviser: String,
        /// The adviser's password; a random one is made and printed when left out.
        #[arg(long, env = "WSOA_PASSWORD", hide_env_values = true)]
        password: Option<String>,
        /// Add to a database that already holds plans. Nothing is replaced or deleted: an
        /// area generated before gets the next version of its plan.
        #[arg(long)]
        force: bool,
    },
    /// Bring the database schema up to date and exit.
    Migrate,
    /// Write a consistent backup of the whole database while the app keeps running:
    /// a SQLite file (`VACUUM INTO`) or a `pg_dump` custom-format archive.
    Backup {
        /// The backup file to create; it must not exist yet.
        #[arg(short, long)]
        output: PathBuf,
    },
    /// Replace the database with a backup made by `wsoa backup`. Stop the app first.
    Restore {
        /// The backup file.
        file: PathBuf,
        /// Replace a database that already holds plans.
        #[arg(long)]
        force: bool,
    },
}

/// How `wsoa serve` sends mail, and what its links start with.
#[derive(clap::Args, Debug)]
struct MailArgs {
    /// The mail server: `smtps://user:password@host` (implicit TLS, port 465),
    /// `smtp://user:password@host:587?tls=required` (STARTTLS), or `smtp://127.0.0.1:25`
    /// for a local relay without TLS. Without it, mail waits in the outbox (see the
    /// Outbox page) or goes to `--mail-dir`.
    #[arg(long, env = "WSOA_SMTP_URL", hide_env_values = true)]
    smtp_url: Option<String>,
    /// The From address of every message.
    #[arg(
        long,
        env = "WSOA_MAIL_FROM",
        default_value = "WSOA Tracker <wsoa-tracker@localhost>"
    )]
    mail_from: String,
    /// Without a mail server, write each message as an `.eml` file here instead.
    #[arg(long, env = "WSOA_MAIL_DIR")]
    mail_dir: Option<PathBuf>,
    /// The address people reach the app at, which links in messages start with
    /// (`https://wsoa.example.gov.uk`). Defaults to `http://` and the listening address.
    #[arg(long, env = "WSOA_BASE_URL")]
    base_url: Option<String>,
    /// Seconds between the mail worker's rounds.
    #[arg(long, env = "WSOA_MAIL_INTERVAL", default_value_t = 5)]
    mail_interval: u64,
    /// Seconds between checks for reminders that have fallen due, the first one interval
    /// after start (each is sent once per plan, cycle and stage, whichever instance finds
    /// it first).
    #[arg(long, env = "WSOA_REMIND_INTERVAL", default_value_t = 600)]
    remind_interval: u64,
}

#[derive(Clone, Copy, Debug, ValueEnum)]
enum FormatArg {
    /// The product's plan JSON.
    Json,
    /// A plain-text export (tab-separated tables).
    Text,
    /// A Markdown export (pipe tables); read as text.
    Markdown,
    /// A Word document.
    Docx,
    /// An Excel workbook.
    Xlsx,
    /// An Excel 97-2003 workbook.
    Xls,
    /// An OpenDocument spreadsheet.
    Ods,
    /// Comma- or semicolon-separated values.
    Csv,
    /// A PDF (its text; the table layout is lost).
    Pdf,
}

impl From<FormatArg> for Format {
    fn from(arg: FormatArg) -> Self {
        match arg {
            FormatArg::Json => Self::Json,
            FormatArg::Text | FormatArg::Markdown => Self::Text,
            FormatArg::Docx => Self::Docx,
            FormatArg::Xlsx => Self::Xlsx,
            FormatArg::Xls => Self::Xls,
            FormatArg::Ods => Self::Ods,
            FormatArg::Csv => Self::Csv,
            FormatArg::Pdf => Self::Pdf,
        }
    }
}

#[derive(Clone, Copy, Debug, ValueEnum)]
enum ExportFormat {
    Json,
    Docx,
    Pdf,
    Xlsx,
    Html,
    Csv,
}

impl ExportFormat {
    fn report_format(self) -> ReportFormat {
        match self {
            Self::Json => ReportFormat::Json,
            Self::Docx => ReportFormat::Docx,
            Self::Pdf => ReportFormat::Pdf,
            Self::Xlsx => ReportFormat::Xlsx,
            Self::Html => ReportFormat::Html,
            Self::Csv => ReportFormat::Csv,
        }
    }
}

#[derive(Clone, Copy, Debug, ValueEnum)]
enum ReportArg {
    Highlight,
    Progress,
    #[value(alias = "exception")]
    Exceptions,
    Public,
    Tracker,
}

impl ReportArg {
    fn kind(self) -> ReportKind {
        match self {
            Self::Highlight => ReportKind::Highlight,
            Self::Progress => ReportKind::Progress,
            Self::Exceptions => ReportKind::Exceptions,
            Self::Public => ReportKind::Public,
            Self::Tracker => ReportKind::Tracker,
        }
    }
}

fn parse_day(raw: &str) -> Result<Date, String> {
    match PartialDate::parse_iso(raw) {
        Ok(PartialDate::Day(day)) => Ok(day),
        _ => Err(format!("{raw:?} is not a date in the form YYYY-MM-DD")),
    }
}

fn parse_as_at(raw: &str) -> Result<AsAt, String> {
    AsAt::parse(raw).map_err(|e| match e {
        crate::domain::Error::Invalid { message, .. } => message,
        other => other.to_string(),
    })
}

/// How log lines are written.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, ValueEnum)]
pub enum LogFormat {
    /// One readable line per event, with its spans' fields.
    #[default]
    Text,
    /// One JSON object per line: the event's fields at the top level, the enclosing
    /// spans' fields under `span` and `spans`.
    Json,
}

impl Cli {
    /// Sends log lines to standard error in the chosen format. Which lines: `WSOA_LOG`
    /// (`RUST_LOG` syntax, such as `wsoa=debug,tower_http=info`), else requests, security events, warnings
    /// and errors of the app.
    pub fn init_logging(&self) {
        let filter = tracing_subscriber::EnvFilter::try_from_env("WSOA_LOG").unwrap_or_else(|_| {
            tracing_subscriber::EnvFilter::new("wsoa=info,security=info,tower_http=warn")
        });
        let logs = tracing_subscriber::fmt()
            .with_env_filter(filter)
            // Colours for a terminal only, not for a log file or the journal.
            .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
            .with_writer(std::io::stderr);
        match self.log_format {
            LogFormat::Text => logs.init(),
            LogFormat::Json => logs.json().flatten_event(true).init(),
        }
    }
}

/// Runs the parsed command line.
pub async fn run(cli: Cli) -> anyhow::Result<()> {
    let url = cli.db.database_url;
    match cli.command {
        Command::Serve {
            addr,
            demo,
            secure_cookies,
            metrics_allow,
            trusted_proxies,
            oidc_config,
            require_two_factor,
            mail,
        } => {
            let config = web::WebConfig {
                secure_cookies: secure_cookies.unwrap_or(!addr.ip().is_loopback()),
                metrics_allow,
                trusted_proxies,
            };
            let sso = oidc_config.as_deref().map(read_sso_config).transpose()?;
            serve(&url, addr, demo, config, (mail, sso, require_two_factor)).await
        }
        Command::User { command } => user(&url, command).await,
        Command::Remind {
            plan,
            all,
            dry_run,
            base_url,
        } => remind(&url, plan.as_deref(), all, dry_run, base_url).await,
        Command::Publish { plan, withdraw } => publish(&url, &plan, withdraw).await,
        Command::Import(args) => import(&url, args).await,
        Command::Export {
            plan,
            report,
            format,
            as_at,
            since,
            output,
        } => {
            let request = report.map(|report| ReportRequest {
                kind: report.kind(),
                as_at,
                since,
            });
            let dated = as_at.is_some() || since.is_some();
            export_any(&url, &plan, request, format, dated, output.as_deref()).await
        }
        Command::Plans => plans(&url).await,
        Command::Generate {
            areas,
            actions,
            updates,
            kpi_years,
            adviser,
            password,
            force,
        } => {
            let scale = Scale::new(areas, actions, updates, kpi_years)?;
            generate(&url, scale, adviser, password, force).await
        }
        Command::Audit {
            command: AuditCommand::Verify,
        } => verify_audit(&url).await,
        Command::Backup { output } => {
            let app = open(&url).await?;
            let counts = app.backup(&url, &output).await;
            app.close().await;
            let total: i64 = counts?.iter().map(|(_, n)| n).sum();
            eprintln!("backed up {total} rows to {}", output.display());
            Ok(())
        }
        Command::Restore { file, force } => {
            crate::app::restore(&url, &file, force).await?;
            eprintln!(
                "restored {} into {}",
                file.display(),
                crate::app::redact_url(&url)
            );
            Ok(())
        }
        Command::Migrate => {
            open(&url).await?.close().await;
            eprintln!(
                "the database at {} is up to date",
                crate::app::redact_url(&url)
            );
            Ok(())
        }
    }
}

async fn open(url: &str) -> anyhow::Result<App> {
    App::open(url, Clock::System).await
}

async fn serve(
    url: &str,
    addr: SocketAddr,
    demo: bool,
    config: web::WebConfig,
    (mail, sso, require_two_factor): (MailArgs, Option<SsoConfig>, bool),
) -> anyhow::Result<()> {
    let mailer = Mailer::from_settings(
        mail.smtp_url.as_deref(),
        mail.mail_dir.clone(),
        &mail.mail_from,
    )?;
    // Bind first: a busy port should fail before anything is written.
    let listener = tokio::net::TcpListener::bind(addr)
        .await
        .with_context(|| format!("cannot listen on {addr}"))?;
    let app = open(url)
        .await?
        .with_mail(MailSettings {
            base_url: mail.base_url.unwrap_or_else(|| format!("http://{addr}")),
            from: mail.mail_from,
        })
        .with_two_factor_for_everyone(require_two_factor);
    let app = match sso {
        Some(sso) => {
            let names: Vec<String> = sso.providers.iter().map(|p| p.name.clone()).collect();
            eprintln!("single sign-on with: {}", names.join(", "));
            app.with_sso(sso)?
        }
        None => app,
    };
    if demo {
        let loaded = app.load_demo_if_empty().await?;
        if let Some(plan) = &loaded {
            eprintln!(
                "loaded and published the demo plan: {} ({} actions)",
                plan.title, plan.actions
            );
        }
        if let Some(plan) = app.plans(&Actor::System).await?.first() {
            print_demo_accounts(&app.create_demo_accounts(&plan.slug).await?);
            if loaded.is_some() {
                let written = app.write_demo_mail(&plan.slug).await?;
                eprintln!(
                    "wrote {written} demo emails to the outbox (sign in as admin, see /outbox)"
                );
            }
        }
    }
    eprintln!(
        "WSOA Tracker is serving at http://{addr} (database {}; secure cookies {})",
        crate::app::redact_url(url),
        if config.secure_cookies { "on" } else { "off" }
    );
    eprintln!(
        "mail: {}",
        match &mailer {
            Mailer::Smtp { .. } => "sent through the SMTP server".to_owned(),
            Mailer::Directory { dir, .. } => format!("written as .eml files to {}", dir.display()),
            Mailer::Keep =>
                "kept in the outbox (no --smtp-url or --mail-dir); see /outbox".to_owned(),
        }
    );
    let worker = spawn_mail_worker(
        app.clone(),
        mailer,
        std::time::Duration::from_secs(mail.mail_interval.max(1)),
    );
    let scheduler = spawn_reminder_scheduler(
        app.clone(),
        std::time::Duration::from_secs(mail.remind_interval.max(1)),
    );
    let router = web::router_with(app.clone(), config);
    // The peer address feeds the per-address sign-in limit.
    axum::serve(
        listener,
        router.into_make_service_with_connect_info::<SocketAddr>(),
    )
    .with_graceful_shutdown(shutdown_signal())
    .await
    .context("the server stopped")?;
    worker.abort();
    scheduler.abort();
    app.close().await;
    Ok(())
}

fn print_demo_accounts(accounts: &[crate::app::DemoAccount]) {
    eprintln!();
    eprintln!(
        "DEMO CREDENTIALS (demo mode only: well-known passwords, never use them for real data)"
    );
    for account in accounts {
        let owns = account
            .person_key
            .as_deref()
            .map(|key| format!(" (owns the actions of {key})"))
            .unwrap_or_default();
        eprintln!(
            "  {:<8} {:<24} password: {}{owns}",
            account.role.code(),
            account.email,
            account.password
        );
    }
    eprintln!(
        "  The admin sets up two-factor authentication at its first sign-in: add the key shown to any authenticator app."
    );
    eprintln!();
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
}

fn read_document(file: &Path) -> anyhow::Result<Vec<u8>> {
    let meta =
        std::fs::metadata(file).with_context(|| format!("cannot read {}", file.display()))?;
    if meta.is_dir() {
        bail!("{} is a folder, not a document", file.display());
    }
    if meta.len() > MAX_DOCUMENT_BYTES as u64 {
        bail!(
            "{} is {} MB; the largest document accepted is {} MB",
            file.display(),
            meta.len() / (1024 * 1024),
            MAX_DOCUMENT_BYTES / (1024 * 1024)
        );
    }
    std::fs::read(file).with_context(|| format!("cannot read {}", file.display()))
}

async fn import(url: &str, args: ImportArgs) -> anyhow::Result<()> {
    let file = args.file.as_path();
    let bytes = read_document(file)?;
    let name = file
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let options = ImportOptions {
        columns: args.columns.unwrap_or_default(),
        ..ImportOptions::default()
    };
    let imported =
        documents::import_named_with(&name, &bytes, args.format.map(Format::from), &options)
            .map_err(|e| anyhow::anyhow!("{}: {e}", file.display()))?;
    let report = &imported.report;
    let unmatched = options.columns.unmatched(&report.tables);
    if !unmatched.is_empty() {
        let mut headings: Vec<&str> = Vec::new();
        for column in report.tables.iter().flat_map(|t| &t.columns) {
            if !column.heading.is_empty() && !headings.contains(&column.heading.as_str()) {
                headings.push(&column.heading);
            }
        }
        let read = if headings.is_empty() {
            "no table with headings was read".to_owned()
        } else {
            format!("the headings read are: {}", headings.join("; "))
        };
        bail!(
            "--columns: no column is headed {}; {read}",
            unmatched
                .iter()
                .map(|h| format!("{h:?}"))
                .collect::<Vec<_>>()
                .join(", ")
        );
    }
    for warning in &report.warnings {
        eprintln!("warning: {}: {}", warning.location, warning.message);
    }
    for passage in &report.unmapped {
        eprintln!(
            "not mapped: {}: {}",
            passage.location,
            short(&passage.message)
        );
    }
    for table in &report.tables {
        let columns: Vec<String> = table
            .columns
            .iter()
            .filter(|c| !c.heading.is_empty())
            .map(|c| {
                let chosen = if c.chosen { " (chosen)" } else { "" };
                format!("{}={}{chosen}", c.heading, c.role)
            })
            .collect();
        eprintln!("columns at {}: {}", table.location, columns.join("; "));
    }
    eprintln!("{}: {}", file.display(), report.summary());
    if let Some(path) = args.report.as_deref() {
        let body = serde_json::to_vec_pretty(report).context("writing the import report")?;
        std::fs::write(path, body).with_context(|| format!("cannot write {}", path.display()))?;
    }
    if args.json {
        let body = write_plan_json(&imported.plan)?;
        std::io::stdout()
            .lock()
            .write_all(&body)
            .context("writing to standard output")?;
    }
    if args.dry_run {
        eprintln!("dry run: nothing stored");
        return Ok(());
    }
    let app = open(url).await?;
    let stored = app.import_plan(&Actor::System, imported.plan).await;
    app.close().await;
    let stored = stored?;
    eprintln!(
        "stored plan {} (id {}, version {}): {}",
        stored.slug, stored.id.0, stored.version, stored.title
    );
    Ok(())
}

/// A passage cut to one terminal line.
fn short(text: &str) -> String {
    let cut: String = text.chars().take(100).collect();
    if cut.len() < text.len() {
        format!("{cut}…")
    } else {
        cut
    }
}

async fn export(url: &str, plan: &str, output: Option<&Path>) -> anyhow::Result<()> {
    let app = open(url).await?;
    let tree = app.export_plan(&Actor::System, plan).await;
    app.close().await;
    let body = write_plan_json(&tree?)?;
    match output {
        Some(path) => std::fs::write(path, body)
            .with_context(|| format!("cannot write {}", path.display()))?,
        None => std::io::stdout()
            .lock()
            .write_all(&body)
            .context("writing to standard output")?,
    }
    Ok(())
}

/// `wsoa export`: the plan as plan JSON without `--report`, or the report asked for.
async fn export_any(
    url: &str,
    plan: &str,
    report: Option<ReportRequest>,
    format: ExportFormat,
    dated: bool,
    output: Option<&Path>,
) -> anyhow::Result<()> {
    match (report, format) {
        (Some(request), format) => {
            export_report(url, plan, request, format.report_format(), output).await
        }
        (None, ExportFormat::Json) if !dated => export(url, plan, output).await,
        (None, ExportFormat::Json) => {
            bail!("--as-at and --since need a report: add --report for plan {plan}")
        }
        (None, format) => bail!(
            "--format {} needs a report: add --report highlight, progress, exceptions, public or tracker (without --report the plan is written as plan JSON)",
            format.report_format().code()
        ),
    }
}

async fn export_report(
    url: &str,
    plan: &str,
    request: ReportRequest,
    format: ReportFormat,
    output: Option<&Path>,
) -> anyhow::Result<()> {
    let app = open(url).await?;
    let file = app
        .export_report(&Actor::System, plan, request, format)
        .await;
    app.close().await;
    let file = file?;
    match output {
        Some(path) => {
            std::fs::write(path, &file.bytes)
                .with_context(|| format!("cannot write {}", path.display()))?;
            eprintln!(
                "wrote {} ({} bytes) to {}",
                file.file_name,
                file.bytes.len(),
                path.display()
            );
        }
        None => std::io::stdout()
            .lock()
            .write_all(&file.bytes)
            .context("writing to standard output")?,
    }
    Ok(())
}

/// `wsoa generate`: a progress bar on a terminal; elsewhere (CI logs, files) a plain line
/// at every tenth of the way, since indicatif draws nothing there. A summary line ends it
/// either way.
async fn generate(
    url: &str,
    scale: Scale,
    adviser: String,
    password: Option<String>,
    force: bool,
) -> anyhow::Result<()> {
    use std::io::IsTerminal as _;
    let (password, made_up) = match password {
        Some(password) => (password, false),
        None => (uuid::Uuid::new_v4().simple().to_string(), true),
    };
    let request = GenerateRequest {
        scale,
        adviser: Some((adviser.clone(), password.clone())),
        force,
    };
    let app = open(url).await?;
    let total = u64::try_from(scale.areas).unwrap_or(u64::MAX);
    let terminal = std::io::stderr().is_terminal();
    let bar = if terminal {
        indicatif::ProgressBar::new(total).with_style(
            indicatif::ProgressStyle::with_template(
                "{elapsed_precise} [{wide_bar}] {pos}/{len} areas ({per_sec}, {eta} left)",
            )
            .context("the progress bar's template")?,
        )
    } else {
        indicatif::ProgressBar::hidden()
    };
    eprintln!(
        "generating {} local areas × {} actions × {} updates ({} updates) and {} years of monthly KPI actuals into {}",
        scale.areas,
        scale.actions,
        scale.updates,
        scale.total_updates(),
        scale.kpi_years,
        crate::app::redact_url(url)
    );
    let started = std::time::Instant::now();
    let tenth = scale.areas.div_ceil(10).max(1);
    let made = app
        .generate(&Actor::System, &request, |done| {
            bar.set_position(u64::try_from(done).unwrap_or(u64::MAX));
            if !terminal && (done % tenth == 0 || done == scale.areas) {
                eprintln!(
                    "generated {done}/{} areas in {:.1} s",
                    scale.areas,
                    started.elapsed().as_secs_f64()
                );
            }
        })
        .await;
    bar.finish_and_clear();
    app.close().await;
    let made = made?;
    let seconds = started.elapsed().as_secs_f64();
    eprintln!(
        "generated {} plans, {} actions, {} updates and {} KPI actuals in {seconds:.1} s ({:.0} updates/s); \
         {adviser} is an adviser in every generated area{}",
        made.plans,
        made.actions,
        made.updates,
        made.actuals,
        rate(made.updates, seconds),
        if made_up {
            format!(", password {password}")
        } else {
            String::new()
        }
    );
    Ok(())
}

/// Items per second, for a summary line.
#[expect(
    clippy::cast_precision_loss,
    reason = "an approximate rate, printed as a whole number"
)]
fn rate(items: usize, seconds: f64) -> f64 {
    items as f64 / seconds.max(0.001)
}

async fn plans(url: &str) -> anyhow::Result<()> {
    let app = open(url).await?;
    let plans = app.plans(&Actor::System).await;
    app.close().await;
    let mut out = std::io::stdout().lock();
    for plan in plans? {
        writeln!(
            out,
            "{}\t{}\t(id {}, {}, version {}, {} actions)",
            plan.slug, plan.title, plan.id.0, plan.local_area, plan.version, plan.actions
        )?;
    }
    Ok(())
}

/// `wsoa audit verify`: the chain's state in one line, or the first broken link.
async fn verify_audit(url: &str) -> anyhow::Result<()> {
    let app = open(url).await?;
    let check = app.verify_audit(&Actor::System).await;
    app.close().await;
    let check = check?;
    if let Some((id, why)) = check.broken {
        anyhow::bail!(
            "the audit trail has been changed: entry {id} {why} ({} entries read)",
            check.entries
        );
    }
    println!(
        "audit trail intact: {} entries, {} from before the chain began; last hash {}",
        check.entries,
        check.unchained,
        check.head.as_deref().unwrap_or("(none)")
    );
    Ok(())
}

/// `wsoa publish`.
async fn publish(url: &str, plan: &str, withdraw: bool) -> anyhow::Result<()> {
    let app = open(url).await?;
    let done = app.set_published(&Actor::System, plan, !withdraw).await;
    app.close().await;
    let done = done?;
    let state = if done.published {
        "published"
    } else {
        "not published"
    };
    eprintln!("{} is {state}", done.slug);
    Ok(())
}

/// Reads `--oidc-config`, saying which file and what is wrong with it.
fn read_sso_config(path: &std::path::Path) -> anyhow::Result<SsoConfig> {
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("cannot read the single sign-on file {}", path.display()))?;
    SsoConfig::parse(&text)
        .with_context(|| format!("the single sign-on file {} is not valid", path.display()))
}
