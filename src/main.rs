//! The `wsoa` binary: parse the command line and hand over to the library.

use clap::Parser as _;

fn main() -> std::process::ExitCode {
    let cli = wsoa::cli::Cli::parse();
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_env("WSOA_LOG").unwrap_or_else(|_| {
                tracing_subscriber::EnvFilter::new("wsoa=info,tower_http=warn")
            }),
        )
        .with_writer(std::io::stderr)
        .init();
    let runtime = match tokio::runtime::Runtime::new() {
        Ok(runtime) => runtime,
        Err(err) => {
            eprintln!("error: cannot start: {err}");
            return std::process::ExitCode::FAILURE;
        }
    };
    match runtime.block_on(wsoa::cli::run(cli)) {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(err) => {
            // One line: what failed and why, outermost first.
            let causes: Vec<String> = err.chain().map(ToString::to_string).collect();
            eprintln!("error: {}", causes.join(": "));
            std::process::ExitCode::FAILURE
        }
    }
}
