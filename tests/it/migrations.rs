//! Every schema change exists for both backends, under the same name.

use crate::helpers::repo_path;

fn names(dir: &str) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(repo_path(dir))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

#[test]
fn sqlite_and_postgres_migrations_are_in_lockstep() {
    let sqlite = names("migrations/sqlite");

    assert!(!sqlite.is_empty());
    assert_eq!(sqlite, names("migrations/postgres"));
}
