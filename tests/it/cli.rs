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
