//! Concurrency and crash safety: no update lost or doubled, no change half-written.

use std::collections::BTreeMap;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use wsoa::app::NewUpdate;
use wsoa::documents::write_plan_json;
use wsoa::domain::Actor;

use crate::helpers::{TestDb, fixed_now, generated_plan, on_both_backends, small_plan};

on_both_backends!(owners_posting_at_once_lose_nothing);

/// How long the concurrent writers run: a few seconds in the suite, longer on demand
/// (`WSOA_SOAK_SECONDS=60` for the minute the reliability target names).
fn soak() -> Duration {
    let seconds = std::env::var("WSOA_SOAK_SECONDS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(3);
    Duration::from_secs(seconds)
}

async fn owners_posting_at_once_lose_nothing(db: &TestDb) {
    let stored = db
        .app
        .import_plan(&Actor::System, small_plan())
        .await
        .unwrap();
    let (_, plan) = db.app.plan(&Actor::System, &stored.slug).await.unwrap();
    let actions: Vec<String> = plan
        .actions()
        .map(|(_, _, a)| a.id.unwrap().0.to_string())
        .collect();
    let deadline = Instant::now() + soak();

    let owners: Vec<_> = (0..50)
        .map(|owner| {
            let app = db.app.clone();
            let slug = stored.slug.clone();
            let action = actions[owner % actions.len()].clone();
            tokio::spawn(async move {
                let mut sent = Vec::new();
                while Instant::now() < deadline {
                    let code = ["G", "A", "R"][sent.len() % 3];
                    let narrative = format!("owner {owner} update {}", sent.len());
                    app.record_update(
                        &Actor::System,
                        &slug,
                        &action,
                        NewUpdate {
                            date: fixed_now().date(),
                            author: None,
                            narrative: narrative.clone(),
                            ratings: BTreeMap::from([("completed".into(), code.into())]),
                        },
                    )
                    .await
                    .unwrap_or_else(|e| panic!("owner {owner}: {e}"));
                    sent.push((action.clone(), narrative, code));
                }
                sent
            })
        })
        .collect();
    let mut sent = Vec::new();
    for owner in owners {
        sent.extend(owner.await.unwrap());
    }

    let (_, after) = db.app.plan(&Actor::System, &stored.slug).await.unwrap();
    let mut stored_narratives: Vec<String> = after
        .actions()
        .flat_map(|(_, _, a)| a.updates.iter().map(|u| u.narrative.clone()))
        .filter(|n| n.starts_with("owner "))
        .collect();
    stored_narratives.sort();
    let mut sent_narratives: Vec<String> = sent.iter().map(|(_, n, _)| n.clone()).collect();
    sent_narratives.sort();
    eprintln!(
        "{:?}: 50 owners sent {} updates in {:?}; {} stored",
        db.store.backend(),
        sent.len(),
        soak(),
        stored_narratives.len()
    );
    assert!(sent.len() >= 50, "every owner got at least one update in");
    assert_eq!(
        stored_narratives, sent_narratives,
        "every update stored exactly once"
    );
    // Each action's current rating is the rating of its last stored update.
    for (_, _, action) in after.actions() {
        if let Some(last) = action
            .updates
            .iter()
            .rev()
            .find(|u| u.narrative.starts_with("owner "))
        {
            assert_eq!(
                action.ratings.get("completed"),
                last.ratings.get("completed")
            );
        }
    }
}

/// Kills `wsoa import` with SIGKILL at growing delays while it writes a large plan, then
/// checks the database holds the whole plan or none of it, every time.
#[tokio::test]
async fn an_import_killed_mid_write_leaves_all_or_nothing() {
    for db in [TestDb::sqlite().await, TestDb::postgres().await] {
        let dir = tempfile::tempdir().unwrap();
        let plan = generated_plan(250, 12);
        let file = dir.path().join("big.json");
        std::fs::write(&file, write_plan_json(&plan).unwrap()).unwrap();
        let expected_actions = 250;
        let mut outcomes = Vec::new();

        for delay_ms in [
            20_u64, 50, 80, 110, 140, 170, 200, 260, 350, 500, 800, 1200, 3000,
        ] {
            let mut child = Command::new(env!("CARGO_BIN_EXE_wsoa"))
                .args(["import", file.to_str().unwrap(), "--db", &db.url])
                .env("WSOA_LOG", "off")
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .spawn()
                .unwrap();
            std::thread::sleep(Duration::from_millis(delay_ms));
            let finished = child.try_wait().unwrap().is_some();
            let _ = child.kill(); // SIGKILL on Unix
            child.wait().unwrap();
            outcomes.push(finished);
        }

        let plans = db.app.plans(&Actor::System).await.unwrap();
        eprintln!(
            "{:?}: finished before the kill {outcomes:?}; whole plans stored: {}",
            db.store.backend(),
            plans.len()
        );
        for summary in &plans {
            let (_, tree) = db.app.plan(&Actor::System, &summary.slug).await.unwrap();
            assert_eq!(
                summary.actions, expected_actions,
                "{} is whole",
                summary.slug
            );
            assert_eq!(
                tree.actions()
                    .map(|(_, _, a)| a.updates.len())
                    .sum::<usize>(),
                250 * 12
            );
        }
        let counts = db.app.row_counts().await.unwrap();
        let count = |table: &str| {
            counts
                .iter()
                .find(|(t, _)| t == table)
                .map_or(0, |(_, n)| *n)
        };
        let whole = i64::try_from(plans.len()).unwrap();
        assert_eq!(count("plan"), whole);
        assert_eq!(count("action"), whole * 250, "no orphaned actions");
        assert_eq!(
            count("progress_update"),
            whole * 3000,
            "no half-written history"
        );
        assert_eq!(count("milestone"), whole * 500);
        assert!(
            outcomes.iter().any(|finished| !finished),
            "at least one import was killed mid-way: {outcomes:?}"
        );
        db.finish().await;
    }
}
