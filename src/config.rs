//! Settings shared by the subcommands. Every setting is a flag and an environment
//! variable, with a default that works on a laptop.

use clap::Args;

/// Where the data lives.
#[derive(Args, Debug, Clone)]
pub struct DatabaseArgs {
    /// Database URL: `sqlite://FILE` (created if missing), `sqlite:///absolute/path.db`
    /// or `postgres://user@host/db`.
    #[arg(
        long = "db",
        env = "WSOA_DATABASE_URL",
        default_value = "sqlite://wsoa.db",
        global = true,
        hide_env_values = true
    )]
    pub database_url: String,
}
