//! The dependency rule between modules, enforced by reading the source.

use crate::helpers::repo_path;

fn offending_lines(dir: &str, banned: &[&str]) -> Vec<String> {
    let mut found = Vec::new();
    let mut stack = vec![repo_path(dir)];
    while let Some(path) = stack.pop() {
        if path.is_dir() {
            stack.extend(std::fs::read_dir(&path).unwrap().map(|e| e.unwrap().path()));
        } else if path.extension().is_some_and(|e| e == "rs") {
            let text = std::fs::read_to_string(&path).unwrap();
            for (n, line) in text.lines().enumerate() {
                if banned.iter().any(|b| line.contains(b)) {
                    found.push(format!("{}:{}: {}", path.display(), n + 1, line.trim()));
                }
            }
        }
    }
    found
}

#[test]
fn the_domain_does_no_io() {
    let found = offending_lines(
        "src/domain",
        &[
            "axum::",
            "sqlx::",
            "tokio::",
            "std::fs",
            "crate::store",
            "crate::web",
        ],
    );
    assert!(
        found.is_empty(),
        "domain must stay free of I/O:\n{}",
        found.join("\n")
    );
}

#[test]
fn pages_never_reach_the_store() {
    let found = offending_lines("src/web", &["store::", "sqlx::"]);
    assert!(
        found.is_empty(),
        "web must go through app:\n{}",
        found.join("\n")
    );
}

#[test]
fn documents_are_pure_functions_over_bytes() {
    let found = offending_lines(
        "src/documents",
        &[
            "crate::store",
            "crate::web",
            "crate::app",
            "sqlx::",
            "axum::",
            "tokio::",
        ],
    );
    assert!(
        found.is_empty(),
        "documents must not touch storage or HTTP:\n{}",
        found.join("\n")
    );
}

#[test]
fn the_cli_goes_through_the_app() {
    let found = offending_lines("src/cli", &["sqlx::", "crate::store"]);
    assert!(found.is_empty(), "{}", found.join("\n"));
}
