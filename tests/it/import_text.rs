//! The text importer against the hand-made gold annotations in `tests/fixtures/gold`:
//! real plans in three different layouts (tab tables with repeated headers, workstreams
//! with milestone rows, Markdown tables), read by the same general mechanisms.

use serde_json::Value;
use wsoa::documents::{Format, import};
use wsoa::domain::{Action, Milestone, PlanTree};

const NORTH_EAST_LINCOLNSHIRE: (&str, &str) = ("000_d9b72d94429252eb.txt", "000.json");
const PETERBOROUGH: (&str, &str) = ("001_45f3a2df3020185b.txt", "001.json");
const LEICESTERSHIRE: (&str, &str) = ("004_94b8e8addbdbcd67.txt", "004.json");
const PLANS: [(&str, &str); 3] = [NORTH_EAST_LINCOLNSHIRE, PETERBOROUGH, LEICESTERSHIRE];

fn fixture(path: &str) -> Vec<u8> {
    let full = format!("{}/tests/fixtures/{path}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read(&full).unwrap_or_else(|e| panic!("{full}: {e}"))
}

/// The imported plan and its gold annotation.
fn read((seed, gold): (&str, &str)) -> (PlanTree, Value) {
    let imported = import(Format::Text, &fixture(&format!("seeds/{seed}"))).unwrap();
    let gold: Value = serde_json::from_slice(&fixture(&format!("gold/{gold}"))).unwrap();
    (imported.plan, gold)
}

/// Gold actions in document order, with their area number.
fn gold_actions(gold: &Value) -> Vec<(u64, &Value)> {
    let mut out = Vec::new();
    for area in gold["areas"].as_array().unwrap() {
        let number = area["number"].as_u64().unwrap();
        for objective in area["objectives"].as_array().unwrap() {
            for action in objective["actions"].as_array().unwrap() {
                out.push((number, action));
            }
        }
    }
    out
}

/// Imported and gold actions side by side, after checking they are the same actions:
/// the same (area, ref) pairs in the same order.
fn paired<'a>(plan: &'a PlanTree, gold: &'a Value) -> Vec<(String, &'a Action, &'a Value)> {
    let ours: Vec<(u64, &Action)> = plan
        .actions()
        .map(|(area, _, action)| (u64::from(area.number), action))
        .collect();
    let theirs = gold_actions(gold);
    let ours_refs: Vec<(u64, Option<&str>)> = ours
        .iter()
        .map(|(area, a)| (*area, a.reference.as_deref()))
        .collect();
    let gold_refs: Vec<(u64, Option<&str>)> = theirs
        .iter()
        .map(|(area, a)| (*area, a["ref"].as_str()))
        .collect();
    assert_eq!(
        ours_refs, gold_refs,
        "(area, ref) pairs differ from the gold"
    );
    ours.into_iter()
        .zip(theirs)
        .map(|((area, action), (_, gold))| {
            (
                format!("area {area} action {}", action.label()),
                action,
                gold,
            )
        })
        .collect()
}

fn month(date: Option<wsoa::domain::PartialDate>) -> Option<String> {
    date.map(|d| d.to_string())
}

fn collapsed(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Asserts that at least `percent` of the checks passed, listing the ones that failed.
fn assert_share(what: &str, failures: &[String], total: usize, percent: usize) {
    let passed = total - failures.len();
    assert!(
        passed * 100 >= total * percent,
        "{what}: {passed} of {total} match the gold, below {percent}%:\n{}",
        failures.join("\n")
    );
}

fn counts(plan: &PlanTree) -> (usize, usize, usize, usize) {
    let objectives = plan.areas.iter().map(|a| a.objectives.len()).sum();
    let actions = plan.actions().count();
    let milestones = plan.actions().map(|(_, _, a)| a.milestones.len()).sum();
    (plan.areas.len(), objectives, actions, milestones)
}

fn gold_counts(gold: &Value) -> (usize, usize, usize, usize) {
    let count = |key: &str| usize::try_from(gold["counts"][key].as_u64().unwrap()).unwrap();
    (
        count("areas"),
        count("objectives"),
        count("actions"),
        count("milestones"),
    )
}

#[test]
fn each_plan_has_the_gold_numbers_of_areas_objectives_actions_and_milestones() {
    for document in PLANS {
        let (plan, gold) = read(document);

        assert_eq!(
            counts(&plan),
            gold_counts(&gold),
            "{}: (areas, objectives, actions, milestones)",
            document.0
        );
        for (area, gold_area) in plan.areas.iter().zip(gold["areas"].as_array().unwrap()) {
            let objectives: Vec<&str> = area.objectives.iter().map(|o| o.number.as_str()).collect();
            let gold_objectives: Vec<&str> = gold_area["objectives"]
                .as_array()
                .unwrap()
                .iter()
                .map(|o| o["number"].as_str().unwrap())
                .collect();
            assert_eq!(
                objectives, gold_objectives,
                "{}: objective numbers of area {}",
                document.0, area.number
            );
        }
    }
}

#[test]
fn every_action_has_the_gold_area_and_ref_in_document_order() {
    for document in PLANS {
        let (plan, gold) = read(document);

        let pairs = paired(&plan, &gold);

        assert_eq!(pairs.len(), gold_actions(&gold).len());
    }
}

#[test]
fn owners_and_due_months_match_the_gold_for_nearly_every_action() {
    for document in [NORTH_EAST_LINCOLNSHIRE, PETERBOROUGH] {
        let (plan, gold) = read(document);
        let pairs = paired(&plan, &gold);

        let mut owners = Vec::new();
        let mut due = Vec::new();
        for (label, action, gold) in &pairs {
            let gold_owners: Vec<&str> = gold["owners"]
                .as_array()
                .unwrap()
                .iter()
                .filter_map(Value::as_str)
                .collect();
            if action.owners != gold_owners {
                owners.push(format!(
                    "{label}: owners {:?}, gold {gold_owners:?}",
                    action.owners
                ));
            }
            let gold_due = gold["due"].as_str().map(str::to_owned);
            if month(action.due) != gold_due {
                due.push(format!(
                    "{label}: due {:?} ({:?}), gold {gold_due:?}",
                    month(action.due),
                    action.due_text
                ));
            }
        }

        assert_share(&format!("{}: owners", document.0), &owners, pairs.len(), 95);
        assert_share(
            &format!("{}: due months", document.0),
            &due,
            pairs.len(),
            95,
        );
    }
}

#[test]
fn action_and_objective_texts_start_as_the_gold_excerpts() {
    for document in PLANS {
        let (plan, gold) = read(document);
        let pairs = paired(&plan, &gold);
        let excerpt = |text: &str| -> String {
            collapsed(text)
                .chars()
                .take(120)
                .collect::<String>()
                .trim_end()
                .to_owned()
        };

        let mut texts = Vec::new();
        for (label, action, gold) in &pairs {
            let want = gold["text"].as_str().unwrap();
            if excerpt(&action.text) != want {
                texts.push(format!(
                    "{label}: text {:?}, gold {want:?}",
                    excerpt(&action.text)
                ));
            }
        }
        let mut objectives = Vec::new();
        let gold_objectives = gold["areas"].as_array().unwrap().iter().flat_map(|a| {
            a["objectives"]
                .as_array()
                .unwrap()
                .iter()
                .map(move |o| (a["number"].as_u64(), o))
        });
        let ours = plan
            .areas
            .iter()
            .flat_map(|a| a.objectives.iter().map(move |o| (a.number, o)));
        for ((area, objective), (_, want)) in ours.zip(gold_objectives) {
            let want = want["text"].as_str().unwrap();
            if excerpt(&objective.text) != want {
                objectives.push(format!(
                    "area {area} objective {}: {:?}, gold {want:?}",
                    objective.number,
                    excerpt(&objective.text)
                ));
            }
        }

        assert_share(
            &format!("{}: action texts", document.0),
            &texts,
            pairs.len(),
            95,
        );
        assert!(
            objectives.is_empty(),
            "{}: objective texts differ:\n{}",
            document.0,
            objectives.join("\n")
        );
    }
}

#[test]
fn peterborough_milestones_have_the_gold_deadlines_and_completion_dates() {
    let (plan, gold) = read(PETERBOROUGH);
    let pairs = paired(&plan, &gold);

    let (mut due, mut done, mut texts, mut total) = (Vec::new(), Vec::new(), Vec::new(), 0);
    for (label, action, gold) in &pairs {
        let gold_milestones = gold["milestones"].as_array().unwrap();
        assert_eq!(
            action.milestones.len(),
            gold_milestones.len(),
            "{label}: number of milestones"
        );
        for (k, (milestone, want)) in action.milestones.iter().zip(gold_milestones).enumerate() {
            let Milestone {
                text,
                due: got_due,
                done: got_done,
                due_text,
                ..
            } = milestone;
            total += 1;
            let place = format!("{label}, milestone {}", k + 1);
            if month(*got_due) != want["due"].as_str().map(str::to_owned) {
                due.push(format!(
                    "{place}: due {:?} ({due_text:?}), gold {}",
                    month(*got_due),
                    want["due"]
                ));
            }
            if month(*got_done) != want["done"].as_str().map(str::to_owned) {
                done.push(format!(
                    "{place}: done {:?}, gold {}",
                    month(*got_done),
                    want["done"]
                ));
            }
            let excerpt: String = collapsed(text).chars().take(80).collect();
            if excerpt.trim_end() != want["text"].as_str().unwrap() {
                texts.push(format!("{place}: text {excerpt:?}, gold {}", want["text"]));
            }
        }
    }

    assert_share("milestone deadlines", &due, total, 95);
    assert_share("milestone completion dates", &done, total, 95);
    assert_share("milestone texts", &texts, total, 95);
}

#[test]
fn peterborough_areas_carry_the_workstream_heading_finding_sponsor_and_impact() {
    let (plan, gold) = read(PETERBOROUGH);

    for (area, want) in plan.areas.iter().zip(gold["areas"].as_array().unwrap()) {
        let at = format!("area {}", area.number);
        assert_eq!(
            area.heading.as_deref(),
            want["heading"].as_str(),
            "{at}: heading"
        );
        assert_eq!(area.title, want["title"].as_str().unwrap(), "{at}: title");
        assert_eq!(
            area.sponsor.as_deref(),
            want["sponsor"].as_str(),
            "{at}: sponsor"
        );
        assert!(
            !area.delivery_partners.is_empty(),
            "{at}: delivery partners"
        );
    }
    let resources: Vec<String> = paired(&plan, &gold)
        .iter()
        .filter(|(_, action, gold)| {
            action.resource.map(wsoa::domain::Resource::code) != gold["resource"].as_str()
        })
        .map(|(label, action, gold)| {
            format!("{label}: {:?}, gold {}", action.resource, gold["resource"])
        })
        .collect();
    assert!(
        resources.is_empty(),
        "resources differ:\n{}",
        resources.join("\n")
    );
    let impact: usize = plan
        .areas
        .iter()
        .flat_map(|a| &a.objectives)
        .map(|o| o.impact_statements.len())
        .sum();
    let gold_impact: u64 = gold_actions(&gold)
        .iter()
        .map(|(_, a)| a["measures_count"].as_u64().unwrap())
        .sum();
    assert!(
        impact.abs_diff(usize::try_from(gold_impact).unwrap()) <= 4,
        "{impact} impact statements, gold {gold_impact}"
    );
    assert_eq!(plan.rating_scheme.name, "BRAG");
}

/// Initials, name, role and organisation.
type PersonFields<'a> = (Option<&'a str>, &'a str, Option<&'a str>, Option<&'a str>);

#[test]
fn north_east_lincolnshire_people_come_from_its_owner_list() {
    let (plan, gold) = read(NORTH_EAST_LINCOLNSHIRE);

    let people: Vec<PersonFields<'_>> = plan
        .people
        .iter()
        .map(|p| {
            (
                p.initials.as_deref(),
                p.name.as_str(),
                p.role.as_deref(),
                p.organisation.as_deref(),
            )
        })
        .collect();
    let gold_people: Vec<PersonFields<'_>> = gold["people"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            (
                p["initials"].as_str(),
                p["name"].as_str().unwrap(),
                p["role"].as_str(),
                p["organisation"].as_str(),
            )
        })
        .collect();

    assert_eq!(people, gold_people);
}

#[test]
fn north_east_lincolnshire_ratings_progress_and_plan_details_are_read() {
    let (plan, gold) = read(NORTH_EAST_LINCOLNSHIRE);
    let pairs = paired(&plan, &gold);

    for (label, action, gold) in &pairs {
        let rating = action.ratings.values().next().map(String::as_str);
        assert_eq!(rating, gold["rating"].as_str(), "{label}: rating");
        for update in &action.updates {
            assert_eq!(
                update.date.to_string(),
                "2018-12-31",
                "{label}: progress is dated by the document"
            );
            assert!(
                !update.narrative.contains('<'),
                "{label}: tags left in {:?}",
                update.narrative
            );
        }
    }
    let measures: Vec<String> = pairs
        .iter()
        .filter(|(_, action, gold)| {
            Some(action.success_measures.len() as u64) != gold["measures_count"].as_u64()
        })
        .map(|(label, action, gold)| {
            format!(
                "{label}: {} measures, gold {}",
                action.success_measures.len(),
                gold["measures_count"]
            )
        })
        .collect();
    assert_share("success measure counts", &measures, pairs.len(), 85);
    assert_eq!(plan.local_area, gold["local_area"].as_str().unwrap());
    assert_eq!(
        month(plan.document_date).as_deref(),
        gold["document_date"].as_str()
    );
    assert_eq!(plan.rating_scheme.name, "RAG Rating Key");
    let meanings: Vec<&str> = plan
        .rating_scheme
        .levels
        .iter()
        .map(|l| l.meaning.as_str())
        .collect();
    let gold_meanings: Vec<&str> = gold["rating_scheme"]["levels"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["meaning"].as_str().unwrap())
        .collect();
    assert_eq!(meanings, gold_meanings);
    assert!(
        plan.glossary.iter().any(|g| g.term == "EHCP"),
        "the glossary is read"
    );
}

#[test]
fn a_document_with_no_plan_table_is_refused_with_what_was_looked_for() {
    let err = import(
        Format::Text,
        b"Minutes of the meeting\n\nWe talked about many things.\n",
    )
    .unwrap_err();

    assert!(err.to_string().contains("no plan table found"), "{err}");
}
