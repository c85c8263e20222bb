//! The `wsoa` command line: serve the app, import and export plans, list them.

use std::io::Write as _;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use anyhow::{Context as _, bail};
use clap::{Parser, Subcommand, ValueEnum};

use time::Date;

use crate::app::{App, Clock, ReportRequest};
use crate::config::DatabaseArgs;
use crate::documents::{self, Format, MAX_DOCUMENT_BYTES, write_plan_json};
use crate::domain::{AsAt, PartialDate, ReportFormat, ReportKind};
use crate::web;

/// WSOA Tracker: run a local area's SEND improvement plan from the browser or the shell.
#[derive(Parser, Debug)]
#[command(name = "wsoa", version, about)]
pub struct Cli {
    #[command(flatten)]
    db: DatabaseArgs,

    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Serve the web app.
    Serve {
        /// Address to listen on.
        #[arg(long, env = "WSOA_ADDR", default_value = "127.0.0.1:8080")]
        addr: SocketAddr,
        /// Load the bundled example plan (a real written statement of action) when no plan is stored yet.
        #[arg(long, env = "WSOA_DEMO")]
        demo: bool,
    },
    /// Read a plan from a document (plan JSON or a text export) and store it.
    Import {
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
        /// The day the report describes (YYYY-MM-DD), or `cycle:N` for a closed reporting
        /// cycle; today by default.
        #[arg(long, value_parser = parse_as_at)]
        as_at: Option<AsAt>,
        /// The start of the period a progress report covers (YYYY-MM-DD); three months
        /// before the as-at date by default.
        #[arg(long, value_parser = parse_day)]
        since: Option<Date>,
        /// Write to this file instead of standard output.
        #[arg(short, long)]
        output: Option<PathBuf>,
    },
    /// List stored plans: id or slug first, then the title.
    Plans,
    /// Bring the database schema up to date and exit.
    Migrate,
}

#[derive(Clone, Copy, Debug, ValueEnum)]
enum FormatArg {
    Json,
    Text,
    Xlsx,
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
    match raw.trim().strip_prefix("cycle:") {
        Some(n) => n
            .trim()
            .parse()
            .map(AsAt::Cycle)
            .map_err(|_| format!("{raw:?}: a cycle is cycle:N with N a number")),
        None => parse_day(raw).map(AsAt::Date),
    }
}

/// Runs the parsed command line.
pub async fn run(cli: Cli) -> anyhow::Result<()> {
    let url = cli.db.database_url;
    match cli.command {
        Command::Serve { addr, demo } => serve(&url, addr, demo).await,
        Command::Import {
            file,
            dry_run,
            json,
            format,
            report,
        } => import(&url, &file, dry_run, json, format, report.as_deref()).await,
        Command::Export {
            plan,
            report: None,
            format: ExportFormat::Json,
            as_at: None,
            since: None,
            output,
        } => export(&url, &plan, output.as_deref()).await,
        Command::Export {
            plan,
            report: None,
            format: ExportFormat::Json,
            ..
        } => bail!("--as-at and --since need a report: add --report for plan {plan}"),
        Command::Export {
            report: None,
            format,
            ..
        } => bail!(
            "--format {} needs a report: add --report highlight, progress, exceptions, public or tracker (without --report the plan is written as plan JSON)",
            format.report_format().code()
        ),
        Command::Export {
            plan,
            report: Some(report),
            format,
            as_at,
            since,
            output,
        } => {
            let request = ReportRequest {
                kind: report.kind(),
                as_at,
                since,
            };
            export_report(
                &url,
                &plan,
                request,
                format.report_format(),
                output.as_deref(),
            )
            .await
        }
        Command::Plans => plans(&url).await,
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

async fn serve(url: &str, addr: SocketAddr, demo: bool) -> anyhow::Result<()> {
    // Bind first: a busy port should fail before anything is written.
    let listener = tokio::net::TcpListener::bind(addr)
        .await
        .with_context(|| format!("cannot listen on {addr}"))?;
    let app = open(url).await?;
    if demo && let Some(plan) = app.load_demo_if_empty().await? {
        eprintln!(
            "loaded the demo plan: {} ({} actions)",
            plan.title, plan.actions
        );
    }
    eprintln!(
        "WSOA Tracker is serving at http://{addr} (database {})",
        crate::app::redact_url(url)
    );
    let router = web::router(app.clone());
    axum::serve(listener, router)
        .with_graceful_shutdown(shutdown_signal())
        .await
        .context("the server stopped")?;
    app.close().await;
    Ok(())
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

async fn import(
    url: &str,
    file: &Path,
    dry_run: bool,
    json: bool,
    format: Option<FormatArg>,
    report_file: Option<&Path>,
) -> anyhow::Result<()> {
    let bytes = read_document(file)?;
    let name = file
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let format = match format {
        Some(FormatArg::Json) => Format::Json,
        Some(FormatArg::Text) => Format::Text,
        Some(FormatArg::Xlsx) => Format::Xlsx,
        None => Format::detect(&name, &bytes),
    };
    let imported = documents::import(format, &bytes)
        .map_err(|e| anyhow::anyhow!("{}: {e}", file.display()))?;
    let report = &imported.report;
    for warning in &report.warnings {
        eprintln!("warning: {}: {}", warning.location, warning.message);
    }
    eprintln!("{}: {}", file.display(), report.summary());
    if let Some(path) = report_file {
        let body = serde_json::to_vec_pretty(report).context("writing the import report")?;
        std::fs::write(path, body).with_context(|| format!("cannot write {}", path.display()))?;
    }
    if json {
        let body = write_plan_json(&imported.plan)?;
        std::io::stdout()
            .lock()
            .write_all(&body)
            .context("writing to standard output")?;
    }
    if dry_run {
        eprintln!("dry run: nothing stored");
        return Ok(());
    }
    let app = open(url).await?;
    let stored = app.import_plan(imported.plan).await;
    app.close().await;
    let stored = stored?;
    eprintln!(
        "stored plan {} (id {}, version {}): {}",
        stored.slug, stored.id.0, stored.version, stored.title
    );
    Ok(())
}

async fn export(url: &str, plan: &str, output: Option<&Path>) -> anyhow::Result<()> {
    let app = open(url).await?;
    let tree = app.export_plan(plan).await;
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

async fn export_report(
    url: &str,
    plan: &str,
    request: ReportRequest,
    format: ReportFormat,
    output: Option<&Path>,
) -> anyhow::Result<()> {
    let app = open(url).await?;
    let file = app.export_report(plan, request, format).await;
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

async fn plans(url: &str) -> anyhow::Result<()> {
    let app = open(url).await?;
    let plans = app.plans().await;
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
