//! The `wsoa` binary as a person runs it.

use std::process::{Command, Output};

use crate::helpers::repo_path;

fn wsoa(dir: &std::path::Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_wsoa"))
        .args(args)
        .current_dir(dir)
        .env_remove("WSOA_DATABASE_URL")
        .env("WSOA_LOG", "off")
        .output()
        .unwrap()
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

#[test]
fn an_unknown_flag_fails_and_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();

    let output = wsoa(dir.path(), &["plans", "--no-such-flag"]);

    assert!(!output.status.success());
    assert!(
        stderr(&output).contains("--no-such-flag"),
        "{}",
        stderr(&output)
    );
    assert!(!dir.path().join("wsoa.db").exists());
}

#[test]
fn a_missing_file_is_named_and_nothing_is_written() {
    let dir = tempfile::tempdir().unwrap();

    let output = wsoa(dir.path(), &["import", "missing-plan.docx"]);

    assert!(!output.status.success());
    let err = stderr(&output);
    assert!(
        err.starts_with("error: cannot read missing-plan.docx"),
        "{err}"
    );
    assert_eq!(err.lines().count(), 1, "one line: {err}");
    assert!(!dir.path().join("wsoa.db").exists());
}

#[test]
fn an_unreachable_database_is_one_clear_line() {
    let dir = tempfile::tempdir().unwrap();

    let output = wsoa(
        dir.path(),
        &[
            "plans",
            "--db",
            "postgres://nobody:secret@127.0.0.1:1/nowhere",
        ],
    );

    assert!(!output.status.success());
    let err = stderr(&output);
    assert!(
        err.contains("cannot connect to the PostgreSQL database"),
        "{err}"
    );
    assert!(
        !err.contains("secret"),
        "the password is never printed: {err}"
    );
    assert_eq!(err.lines().count(), 1, "{err}");
}

#[test]
fn a_database_url_of_another_kind_is_refused() {
    let dir = tempfile::tempdir().unwrap();

    let output = wsoa(dir.path(), &["plans", "--db", "mysql://localhost/plans"]);

    assert!(!output.status.success());
    assert!(stderr(&output).contains("neither sqlite://FILE nor postgres://"));
}

#[test]
fn a_bad_plan_json_file_says_where_and_stores_nothing() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("plan.json"), "{\n \"title\": \"x\",\n}").unwrap();

    let output = wsoa(dir.path(), &["import", "plan.json"]);

    assert!(!output.status.success());
    assert!(stderr(&output).contains("line 3"), "{}", stderr(&output));
    assert!(!dir.path().join("wsoa.db").exists());
}

#[test]
fn a_dry_run_prints_plan_json_and_stores_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let source = repo_path("tests/fixtures/seeds/000_d9b72d94429252eb.txt");

    let output = wsoa(
        dir.path(),
        &["import", source.to_str().unwrap(), "--dry-run", "--json"],
    );

    assert!(output.status.success(), "{}", stderr(&output));
    let plan: serde_json::Value = serde_json::from_str(&stdout(&output)).unwrap();
    assert_eq!(plan["format"], "wsoa-plan/1");
    assert_eq!(plan["areas"].as_array().unwrap().len(), 3);
    assert!(
        stderr(&output).contains("46 actions"),
        "{}",
        stderr(&output)
    );
    assert!(!dir.path().join("wsoa.db").exists());
}

#[test]
fn import_list_and_export_round_trip_on_the_default_database() {
    let dir = tempfile::tempdir().unwrap();
    let source = repo_path("tests/fixtures/small-plan.json");

    let imported = wsoa(dir.path(), &["import", source.to_str().unwrap()]);
    let listed = wsoa(dir.path(), &["plans"]);
    let exported = wsoa(
        dir.path(),
        &[
            "export",
            "--plan",
            "northshire-wsoa",
            "--format",
            "json",
            "-o",
            "out.json",
        ],
    );
    let absolute = format!("sqlite://{}", dir.path().join("wsoa.db").display());
    let listed_by_url = wsoa(dir.path(), &["plans", "--db", &absolute]);

    assert!(imported.status.success(), "{}", stderr(&imported));
    assert!(
        dir.path().join("wsoa.db").exists(),
        "the default database is created"
    );
    assert!(
        stdout(&listed).starts_with("northshire-wsoa\tNorthshire SEND Written Statement of Action")
    );
    assert_eq!(stdout(&listed), stdout(&listed_by_url));
    assert!(exported.status.success(), "{}", stderr(&exported));
    let original: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&source).unwrap()).unwrap();
    let written: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.path().join("out.json")).unwrap()).unwrap();
    let normalise =
        |v: &serde_json::Value| wsoa::documents::read_plan_json(v.to_string().as_bytes()).unwrap();
    assert_eq!(normalise(&written), normalise(&original));
}

#[test]
fn exporting_an_unknown_plan_fails_clearly() {
    let dir = tempfile::tempdir().unwrap();

    let output = wsoa(
        dir.path(),
        &["export", "--plan", "nothing-here", "--format", "json"],
    );

    assert!(!output.status.success());
    assert!(
        stderr(&output).contains("plan \"nothing-here\" not found"),
        "{}",
        stderr(&output)
    );
}

#[test]
fn the_database_can_come_from_the_environment() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("from-env.db").display());

    let output = Command::new(env!("CARGO_BIN_EXE_wsoa"))
        .args(["migrate"])
        .current_dir(dir.path())
        .env("WSOA_DATABASE_URL", &url)
        .output()
        .unwrap();

    assert!(output.status.success(), "{}", stderr(&output));
    assert!(dir.path().join("from-env.db").exists());
    assert!(!dir.path().join("wsoa.db").exists());
}

#[test]
fn a_folder_given_as_a_document_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("plans")).unwrap();

    let output = wsoa(dir.path(), &["import", "plans"]);

    assert!(!output.status.success());
    assert!(
        stderr(&output).contains("plans is a folder, not a document"),
        "{}",
        stderr(&output)
    );
    assert!(!dir.path().join("wsoa.db").exists());
}

/// Stops the child process however the test ends.
struct Server(std::process::Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// The README's first command, as a real process: `wsoa serve --demo` on the default
/// SQLite database serves the demo plan.
#[test]
fn serve_with_the_demo_serves_the_example_plan() {
    let dir = tempfile::tempdir().unwrap();
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let addr = format!("127.0.0.1:{port}");
    let _server = Server(
        Command::new(env!("CARGO_BIN_EXE_wsoa"))
            .args(["serve", "--demo", "--addr", &addr])
            .current_dir(dir.path())
            .env_remove("WSOA_DATABASE_URL")
            .env("WSOA_LOG", "off")
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap(),
    );
    let runtime = tokio::runtime::Runtime::new().unwrap();

    let home = runtime.block_on(async {
        for _ in 0..300 {
            if let Ok(response) = reqwest::get(format!("http://{addr}/")).await {
                return response.text().await.unwrap();
            }
            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        }
        panic!("the server did not answer within 30 seconds");
    });

    assert!(
        home.contains("href=\"/plans/north-east-lincolnshire-wsoa\""),
        "{home}"
    );
    assert!(
        home.contains("href=\"/plans/north-east-lincolnshire-wsoa/summary\""),
        "the public start with what the area is doing"
    );
    assert!(
        dir.path().join("wsoa.db").exists(),
        "the default SQLite file is created"
    );
}

#[test]
fn backup_and_restore_from_the_command_line() {
    let dir = tempfile::tempdir().unwrap();
    let source = repo_path("tests/fixtures/small-plan.json");
    assert!(
        wsoa(dir.path(), &["import", source.to_str().unwrap()])
            .status
            .success()
    );

    let backup = wsoa(dir.path(), &["backup", "-o", "backup.db"]);
    let restore = wsoa(
        dir.path(),
        &["restore", "backup.db", "--db", "sqlite://copy.db"],
    );
    let listed = wsoa(dir.path(), &["plans", "--db", "sqlite://copy.db"]);

    assert!(backup.status.success(), "{}", stderr(&backup));
    assert!(stderr(&backup).contains("backed up"), "{}", stderr(&backup));
    assert!(restore.status.success(), "{}", stderr(&restore));
    assert_eq!(stdout(&listed), stdout(&wsoa(dir.path(), &["plans"])));
    assert!(stdout(&listed).starts_with("northshire-wsoa\t"));
}

#[test]
fn the_first_admin_is_created_from_the_command_line_and_can_get_a_token() {
    let dir = tempfile::tempdir().unwrap();
    let source = repo_path("tests/fixtures/small-plan.json");
    let imported = wsoa(dir.path(), &["import", source.to_str().unwrap()]);

    let added = Command::new(env!("CARGO_BIN_EXE_wsoa"))
        .args([
            "user",
            "add",
            "--email",
            "Admin@Example.org",
            "--role",
            "admin",
            "--area",
            "Northshire",
        ])
        .current_dir(dir.path())
        .env_remove("WSOA_DATABASE_URL")
        .env("WSOA_PASSWORD", "a long enough password")
        .output()
        .unwrap();
    let adviser_elsewhere = Command::new(env!("CARGO_BIN_EXE_wsoa"))
        .args([
            "user",
            "add",
            "--email",
            "admin@example.org",
            "--role",
            "adviser",
            "--area",
            "Southshire",
        ])
        .current_dir(dir.path())
        .env_remove("WSOA_DATABASE_URL")
        .env_remove("WSOA_PASSWORD")
        .output()
        .unwrap();
    let token = wsoa(
        dir.path(),
        &[
            "user",
            "token",
            "--email",
            "admin@example.org",
            "--name",
            "ci",
        ],
    );
    let published = wsoa(dir.path(), &["publish", "--plan", "northshire-wsoa"]);

    assert!(imported.status.success(), "{}", stderr(&imported));
    assert!(added.status.success(), "{}", stderr(&added));
    assert!(
        stderr(&added).contains("admin@example.org: admin in Northshire"),
        "{}",
        stderr(&added)
    );
    assert!(
        adviser_elsewhere.status.success(),
        "an existing account needs no password: {}",
        stderr(&adviser_elsewhere)
    );
    assert!(
        stderr(&adviser_elsewhere).contains("admin in Northshire, adviser in Southshire"),
        "{}",
        stderr(&adviser_elsewhere)
    );
    assert!(token.status.success(), "{}", stderr(&token));
    assert!(
        stdout(&token).trim().starts_with("wsoa_"),
        "{}",
        stdout(&token)
    );
    assert!(published.status.success(), "{}", stderr(&published));
    assert!(stderr(&published).contains("northshire-wsoa is published"));
}

#[test]
fn a_new_account_reads_its_password_from_standard_input() {
    use std::io::Write as _;
    let dir = tempfile::tempdir().unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_wsoa"))
        .args([
            "user",
            "add",
            "--email",
            "owner@example.org",
            "--role",
            "owner",
            "--area",
            "Northshire",
            "--person",
            "AB",
        ])
        .current_dir(dir.path())
        .env_remove("WSOA_DATABASE_URL")
        .env_remove("WSOA_PASSWORD")
        .env("WSOA_LOG", "off")
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(b"a long enough password\n")
        .unwrap();
    let output = child.wait_with_output().unwrap();

    assert!(output.status.success(), "{}", stderr(&output));
    assert!(stderr(&output).contains("owner in Northshire"));
}

#[test]
fn a_short_password_or_an_unknown_role_is_refused() {
    let dir = tempfile::tempdir().unwrap();

    let short = wsoa(
        dir.path(),
        &[
            "user",
            "add",
            "--email",
            "a@example.org",
            "--role",
            "viewer",
            "--area",
            "X",
            "--password",
            "short",
        ],
    );
    let role = wsoa(
        dir.path(),
        &[
            "user",
            "add",
            "--email",
            "a@example.org",
            "--role",
            "boss",
            "--area",
            "X",
            "--password",
            "a long enough password",
        ],
    );

    assert!(!short.status.success());
    assert!(
        stderr(&short).contains("12 characters or more"),
        "{}",
        stderr(&short)
    );
    assert!(!role.status.success());
    assert!(stderr(&role).contains("not a role"), "{}", stderr(&role));
}

/// Every action's owners and notes in a plan JSON document.
fn owners_and_notes(plan: &serde_json::Value) -> (Vec<String>, Vec<String>) {
    let mut owners = Vec::new();
    let mut notes = Vec::new();
    for area in plan["areas"].as_array().unwrap() {
        for objective in area["objectives"].as_array().unwrap() {
            for action in objective["actions"].as_array().unwrap() {
                for key in ["owners", "notes"] {
                    let into = if key == "owners" {
                        &mut owners
                    } else {
                        &mut notes
                    };
                    if let Some(list) = action[key].as_array() {
                        into.extend(list.iter().map(|v| v.as_str().unwrap().to_owned()));
                    }
                }
            }
        }
    }
    (owners, notes)
}

#[test]
fn columns_chosen_on_the_command_line_change_what_is_read_and_stored() {
    let dir = tempfile::tempdir().unwrap();
    let source = repo_path("tests/fixtures/import/tracker.csv");
    let source = source.to_str().unwrap();

    let plain = wsoa(dir.path(), &["import", source, "--dry-run", "--json"]);
    let chosen = wsoa(
        dir.path(),
        &[
            "import",
            source,
            "--dry-run",
            "--json",
            "--columns",
            "Lead officer=ignore; Status=update",
        ],
    );

    assert!(plain.status.success(), "{}", stderr(&plain));
    assert!(chosen.status.success(), "{}", stderr(&chosen));
    let (owners, _) = owners_and_notes(&serde_json::from_str(&stdout(&plain)).unwrap());
    assert_eq!(owners, ["JB", "JB", "AO", "AO"]);
    let (owners, notes) = owners_and_notes(&serde_json::from_str(&stdout(&chosen)).unwrap());
    assert!(owners.is_empty(), "{owners:?}");
    assert!(notes.contains(&"Lead officer: JB".to_owned()), "{notes:?}");
    let err = stderr(&chosen);
    assert!(
        err.contains("Lead officer=ignore (chosen)") && err.contains("Status=update (chosen)"),
        "the roles are listed: {err}"
    );
    assert!(!dir.path().join("wsoa.db").exists());

    let stored = wsoa(
        dir.path(),
        &["import", source, "--columns", "Lead officer=ignore"],
    );
    assert!(stored.status.success(), "{}", stderr(&stored));
    let slug = stdout(&wsoa(dir.path(), &["plans"]))
        .split_whitespace()
        .next()
        .unwrap()
        .to_owned();
    let exported = wsoa(dir.path(), &["export", "--plan", &slug]);
    let (owners, notes) = owners_and_notes(&serde_json::from_str(&stdout(&exported)).unwrap());
    assert!(owners.is_empty(), "stored as chosen: {owners:?}");
    assert!(notes.contains(&"Lead officer: AO".to_owned()), "{notes:?}");
}

#[test]
fn a_bad_columns_spec_names_the_bad_part_and_reads_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let source = repo_path("tests/fixtures/import/tracker.csv");
    let source = source.to_str().unwrap();

    let bad_role = wsoa(
        dir.path(),
        &["import", source, "--columns", "When=due;Lead officer=boss"],
    );
    let no_role = wsoa(dir.path(), &["import", source, "--columns", "Lead officer"]);
    let no_such_heading = wsoa(
        dir.path(),
        &["import", source, "--columns", "Lead oficer=owners"],
    );

    assert!(!bad_role.status.success());
    let err = stderr(&bad_role);
    assert!(err.contains(r#""boss" is not a column role"#), "{err}");
    assert!(err.contains("owners"), "the roles are listed: {err}");
    assert!(!no_role.status.success());
    let err = stderr(&no_role);
    assert!(
        err.contains(r#""Lead officer" is not HEADING=ROLE"#),
        "{err}"
    );
    assert!(!no_such_heading.status.success());
    let err = stderr(&no_such_heading);
    assert!(
        err.contains(r#"--columns: no column is headed "lead oficer""#),
        "{err}"
    );
    assert!(
        err.contains("Lead officer"),
        "the headings read are listed: {err}"
    );
    assert!(!dir.path().join("wsoa.db").exists());
}

/// `wsoa user invite` and `wsoa remind` write to the outbox; two `wsoa serve` instances
/// on one database deliver it through a real SMTP server, each message once, with links
/// starting at `--base-url`.
#[tokio::test]
async fn invitations_and_reminders_from_the_command_line_are_delivered_once_by_two_servers() {
    let dir = tempfile::tempdir().unwrap();
    let db = format!("sqlite://{}", dir.path().join("mail.db").display());
    let plan = repo_path("tests/fixtures/small-plan.json");
    let run = |args: &[&str]| {
        let mut all = vec!["--db", db.as_str()];
        all.extend_from_slice(args);
        wsoa(dir.path(), &all)
    };
    assert!(run(&["import", plan.to_str().unwrap()]).status.success());
    let owner = run(&[
        "user",
        "add",
        "--email",
        "cd@example.org",
        "--role",
        "owner",
        "--area",
        "Northshire",
        "--person",
        "CD",
        "--password",
        "a long enough password",
    ]);
    assert!(owner.status.success(), "{}", stderr(&owner));
    for n in 0..4 {
        let invited = run(&[
            "user",
            "invite",
            "--email",
            &format!("person{n}@example.org"),
            "--role",
            "viewer",
            "--area",
            "Northshire",
            "--base-url",
            "https://wsoa.example",
        ]);
        assert!(invited.status.success(), "{}", stderr(&invited));
        assert!(stderr(&invited).contains("the email is in the outbox"));
    }
    let dry = run(&["remind", "--plan", "1", "--dry-run"]);
    assert!(dry.status.success(), "{}", stderr(&dry));
    assert!(
        stdout(&dry).contains("To: cd@example.org"),
        "{}",
        stdout(&dry)
    );
    assert!(stderr(&dry).contains("dry run: nothing written"));
    let sent = run(&[
        "remind",
        "--plan",
        "1",
        "--base-url",
        "https://wsoa.example",
    ]);
    assert!(stderr(&sent).contains("1 message"), "{}", stderr(&sent));

    let received = delivered_by_two_servers(&db, 5).await;
    assert_eq!(
        received.len(),
        5,
        "four invitations and one reminder, each once"
    );
    let invitation = received
        .iter()
        .find(|m| m.contains("person0@example.org"))
        .unwrap();
    assert!(
        invitation.contains("https://wsoa.example/invitations/"),
        "{invitation}"
    );
    let reminder = received
        .iter()
        .find(|m| m.contains("To: cd@example.org"))
        .unwrap();
    assert!(
        reminder.contains("https://wsoa.example/plans/"),
        "{reminder}"
    );
}

/// Starts two `wsoa serve` instances on `db` delivering to a fresh SMTP server, waits
/// for `expected` messages (and a little longer, for a duplicate to show), stops them and
/// returns what the server received.
async fn delivered_by_two_servers(db: &str, expected: usize) -> Vec<String> {
    let smtp = crate::mail::SmtpServer::start().await;
    let smtp_url = format!("smtp://127.0.0.1:{}", smtp.port());
    let servers: Vec<std::process::Child> = (0..2)
        .map(|_| {
            let port = crate::mail::free_port();
            Command::new(env!("CARGO_BIN_EXE_wsoa"))
                .args(["--db", db, "serve", "--addr", &format!("127.0.0.1:{port}")])
                .args(["--smtp-url", &smtp_url, "--mail-interval", "1"])
                .args([
                    "--base-url",
                    "https://wsoa.example",
                    "--remind-interval",
                    "3600",
                ])
                .env("WSOA_LOG", "off")
                .stdout(std::process::Stdio::null())
                .stderr(std::process::Stdio::null())
                .spawn()
                .unwrap()
        })
        .collect();
    let mut received = Vec::new();
    for _ in 0..100 {
        received = smtp.received();
        if received.len() >= expected {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    }
    // Another round or two for a duplicate to show up, if there were one.
    tokio::time::sleep(std::time::Duration::from_secs(2)).await;
    for mut server in servers {
        let _ = server.kill();
        let _ = server.wait();
    }
    if received.len() >= expected {
        smtp.received()
    } else {
        received
    }
}

#[tokio::test]
async fn audit_verify_reports_an_intact_trail_and_a_broken_link() {
    use sqlx::Connection as _;
    let dir = tempfile::tempdir().unwrap();
    let plan = repo_path("tests/fixtures/small-plan.json");
    let imported = wsoa(dir.path(), &["import", plan.to_str().unwrap()]);
    assert!(imported.status.success(), "{}", stderr(&imported));

    let intact = wsoa(dir.path(), &["audit", "verify"]);
    assert!(intact.status.success(), "{}", stderr(&intact));
    assert!(
        stdout(&intact).starts_with(
            "audit trail intact: 1 entries, 0 from before the chain began; last hash "
        ),
        "{}",
        stdout(&intact)
    );

    let url = format!("sqlite://{}", dir.path().join("wsoa.db").display());
    let mut conn = sqlx::SqliteConnection::connect(&url).await.unwrap();
    sqlx::query("drop trigger audit_event_append_only_update")
        .execute(&mut conn)
        .await
        .unwrap();
    sqlx::query("update audit_event set actor = 'someone else'")
        .execute(&mut conn)
        .await
        .unwrap();
    conn.close().await.unwrap();

    let broken = wsoa(dir.path(), &["audit", "verify"]);
    assert!(!broken.status.success());
    assert!(
        stderr(&broken).contains("the audit trail has been changed: entry 1 does not match"),
        "{}",
        stderr(&broken)
    );
}
