//! `wsoa user …` and `wsoa remind`: accounts, invitations and access, and the reporting
//! cycle's reminders, run from the shell.

use std::io::Write as _;

use anyhow::{Context as _, bail};
use clap::Subcommand;

use super::open;
use crate::app::{Invited, MailSettings, NewUser};
use crate::domain::{Actor, ReminderStage, Role};

#[derive(Subcommand, Debug)]
pub(super) enum UserCommand {
    /// Create an account with a role in a local area, or give an existing account a role
    /// in another area (advisers look after several). The area is created if it is new.
    Add {
        /// Sign-in email address.
        #[arg(long)]
        email: String,
        /// admin, editor, owner, viewer or adviser.
        #[arg(long)]
        role: String,
        /// The local area's name or slug.
        #[arg(long)]
        area: String,
        /// Full name (the email when left out).
        #[arg(long, default_value = "")]
        name: String,
        /// For owners: the initials or name the area's plans use for this person.
        #[arg(long)]
        person: Option<String>,
        /// The password. Visible to other users of this machine in the process list:
        /// prefer `WSOA_PASSWORD` or typing it when asked. Not needed for an existing account.
        #[arg(long, env = "WSOA_PASSWORD", hide_env_values = true)]
        password: Option<String>,
    },
    /// Invite someone to a role in a local area by email: they choose their own password
    /// (or, with an account already, accept the role after signing in). The email is
    /// written to the outbox, and sent by `wsoa serve`.
    Invite {
        /// Their email address.
        #[arg(long)]
        email: String,
        /// admin, editor, owner, viewer or adviser.
        #[arg(long)]
        role: String,
        /// The local area's name or slug.
        #[arg(long)]
        area: String,
        /// Their full name, as the invitation greets them.
        #[arg(long, default_value = "")]
        name: String,
        /// For owners: the initials or name the area's plans use for this person.
        #[arg(long)]
        person: Option<String>,
        /// The address links start with (as `wsoa serve --base-url`).
        #[arg(long, env = "WSOA_BASE_URL", default_value = "http://127.0.0.1:8080")]
        base_url: String,
    },
    /// Remove an account's role in one local area (its roles elsewhere stay).
    RemoveRole {
        /// The account's email address.
        #[arg(long)]
        email: String,
        /// The local area's name or slug.
        #[arg(long)]
        area: String,
    },
    /// Disable an account: it cannot sign in, its sessions end and its API tokens stop
    /// at once. `--enable` lets it sign in again (with new tokens).
    Disable {
        /// The account's email address.
        #[arg(long)]
        email: String,
        /// Enable it again instead.
        #[arg(long)]
        enable: bool,
    },
    /// Remove an account's two-factor authentication, for someone who has lost both their
    /// authenticator app and their recovery codes. An admin (or anyone, where the
    /// installation requires it) sets it up again at their next sign-in.
    ResetTwoFactor {
        /// The account's email address.
        #[arg(long)]
        email: String,
    },
    /// Create an API token for an account and print it (once) on standard output.
    Token {
        /// The account's email address.
        #[arg(long)]
        email: String,
        /// What the token is for.
        #[arg(long, default_value = "command line")]
        name: String,
    },
}

pub(super) async fn remind(
    url: &str,
    plan: Option<&str>,
    all: bool,
    dry_run: bool,
    base_url: String,
) -> anyhow::Result<()> {
    let app = open(url).await?.with_mail(MailSettings {
        base_url,
        ..MailSettings::default()
    });
    let done = async {
        let plans = match plan {
            Some(plan) if !all => vec![plan.to_owned()],
            _ => app.latest_plans(&Actor::System).await?,
        };
        let started = std::time::Instant::now();
        let mut written = 0;
        for outcome in app
            .remind_many(&Actor::System, &plans, ReminderStage::Manual, dry_run)
            .await?
        {
            print_reminders(&outcome, dry_run)?;
            written += outcome.messages.len();
        }
        if all {
            eprintln!(
                "{written} messages for {} plans in {:.1} s",
                plans.len(),
                started.elapsed().as_secs_f64()
            );
        }
        anyhow::Ok(())
    }
    .await;
    app.close().await;
    done
}

fn print_reminders(outcome: &crate::app::RemindOutcome, dry_run: bool) -> anyhow::Result<()> {
    let mut out = std::io::stdout().lock();
    if dry_run {
        for mail in &outcome.messages {
            writeln!(
                out,
                "To: {}\nSubject: {}\n\n{}\n----",
                mail.to, mail.subject, mail.text
            )?;
        }
    }
    eprintln!(
        "{}: {} {} for the cycle {} to {}{}",
        outcome.plan.slug,
        outcome.messages.len(),
        if outcome.messages.len() == 1 {
            "message"
        } else {
            "messages"
        },
        outcome.cycle.0,
        outcome.cycle.1,
        if dry_run {
            " (dry run: nothing written)"
        } else {
            ", written to the outbox; `wsoa serve` delivers them"
        }
    );
    Ok(())
}

/// `wsoa user remove-role` and `wsoa user disable`.
async fn user_access(url: &str, command: UserCommand) -> anyhow::Result<()> {
    match command {
        UserCommand::RemoveRole { email, area } => {
            let app = open(url).await?;
            let done = app.remove_role(&Actor::System, &area, &email).await;
            app.close().await;
            done?;
            eprintln!("{email} no longer has a role in {area}");
            Ok(())
        }
        UserCommand::Disable { email, enable } => {
            let app = open(url).await?;
            let done = app.set_disabled(&Actor::System, &email, !enable).await;
            app.close().await;
            done?;
            eprintln!(
                "{email} is {}",
                if enable {
                    "enabled: it may sign in again"
                } else {
                    "disabled: its sessions have ended and its API tokens are revoked"
                }
            );
            Ok(())
        }
        UserCommand::ResetTwoFactor { email } => {
            let app = open(url).await?;
            let done = app.reset_two_factor(&Actor::System, &email).await;
            app.close().await;
            done?;
            eprintln!(
                "{email} has no two-factor authentication now; it is set up again at the next sign-in where required"
            );
            Ok(())
        }
        _ => unreachable!("only the access commands come here"),
    }
}

pub(super) async fn user(url: &str, command: UserCommand) -> anyhow::Result<()> {
    match command {
        UserCommand::Add {
            email,
            role,
            area,
            name,
            person,
            password,
        } => {
            let role = Role::from_code(&role)?;
            let app = open(url).await?;
            let exists = app.user_by_email(&Actor::System, &email).await.is_ok();
            let password = match password {
                Some(password) => Some(password),
                None if exists => None,
                None => Some(prompt_password()?),
            };
            let added = app
                .add_user(
                    &Actor::System,
                    NewUser {
                        email,
                        name,
                        role,
                        local_area: area,
                        person_key: person,
                        password,
                    },
                )
                .await;
            app.close().await;
            let user = added?;
            let roles: Vec<String> = user
                .grants
                .iter()
                .map(|g| format!("{} in {}", g.role.code(), g.local_area.name))
                .collect();
            eprintln!("{}: {}", user.email, roles.join(", "));
            Ok(())
        }
        UserCommand::Invite {
            email,
            role,
            area,
            name,
            person,
            base_url,
        } => {
            let role = Role::from_code(&role)?;
            let app = open(url).await?.with_mail(MailSettings {
                base_url,
                ..MailSettings::default()
            });
            let invited = app
                .invite(
                    &Actor::System,
                    NewUser {
                        email: email.clone(),
                        name,
                        role,
                        local_area: area.clone(),
                        person_key: person,
                        password: None,
                    },
                )
                .await;
            app.close().await;
            match invited? {
                Invited::Sent => eprintln!(
                    "invited {email} as {} in {area}: the email is in the outbox, and `wsoa serve` sends it",
                    role.code()
                ),
                Invited::RoleChanged => {
                    eprintln!("{email} now has the role {} in {area}", role.code());
                }
            }
            Ok(())
        }
        command @ (UserCommand::RemoveRole { .. }
        | UserCommand::Disable { .. }
        | UserCommand::ResetTwoFactor { .. }) => user_access(url, command).await,
        UserCommand::Token { email, name } => {
            let app = open(url).await?;
            let created = async {
                let user = app.user_by_email(&Actor::System, &email).await?;
                app.create_token(&Actor::System, user.id, &name).await
            }
            .await;
            app.close().await;
            let created = created?;
            writeln!(std::io::stdout().lock(), "{}", created.token)?;
            eprintln!(
                "created API token {} for {email}; it will not be shown again",
                created.id
            );
            Ok(())
        }
    }
}

/// Reads a password from standard input, without echo when it is a terminal.
fn prompt_password() -> anyhow::Result<String> {
    use std::io::IsTerminal as _;
    let terminal = std::io::stdin().is_terminal();
    let stty = |arg: &str| {
        // `stty` rather than a terminal crate: one call each way is all that is needed.
        let _ = std::process::Command::new("stty")
            .arg(arg)
            .stdin(std::process::Stdio::inherit())
            .status();
    };
    if terminal {
        eprint!("Password for the new account: ");
        stty("-echo");
    }
    let mut line = String::new();
    let read = std::io::stdin().read_line(&mut line);
    if terminal {
        stty("echo");
        eprintln!();
    }
    read.context("reading the password")?;
    let password = line.trim_end_matches(['\r', '\n']).to_owned();
    if password.is_empty() {
        bail!("no password given: pass --password, set WSOA_PASSWORD, or type one when asked");
    }
    Ok(password)
}
