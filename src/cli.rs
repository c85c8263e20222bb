//! The `wsoa` command line: serve the app, import and export plans, list them.

use std::io::Write as _;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use anyhow::{Context as _, bail};
use clap::{Parser, Subcommand, ValueEnum};

use crate::app::{App, Clock};
use crate::config::DatabaseArgs;
use crate::documents::{self, Format, MAX_DOCUMENT_BYTES, write_plan_json};
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
    /// Read a plan from a document (Word, Excel, ODS, CSV, PDF, text or plan JSON) and store it.
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
    /// Write a stored plan out.
    Export {
        /// The plan's id or slug (see `wsoa plans`).
        #[arg(long)]
        plan: String,
        /// Output format.
        #[arg(long, value_enum, default_value = "json")]
        format: ExportFormat,
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
            format: ExportFormat::Json,
            output,
        } => export(&url, &plan, output.as_deref()).await,
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
    let imported = documents::import_named(&name, &bytes, format.map(Format::from))
        .map_err(|e| anyhow::anyhow!("{}: {e}", file.display()))?;
    let report = &imported.report;
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
