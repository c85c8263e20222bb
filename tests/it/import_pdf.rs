//! PDFs made from Word and Excel plans by `LibreOffice` read like their originals: tables
//! rebuilt from where the words sit (`src/documents/pdf`). And text whose table was
//! dumped one cell per line still gives its areas, actions and key tasks.

use std::collections::BTreeSet;

use wsoa::documents::{Imported, import_named};

use crate::helpers::repo_path;
use crate::import_corpus::convert_to_pdf;

fn read(path: &std::path::Path) -> Vec<u8> {
    std::fs::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// (area number, ref, owners, due month) of an action.
type Summary = (u32, Option<String>, Vec<String>, Option<String>);

/// Every action's [`Summary`].
fn actions(imported: &Imported) -> Vec<Summary> {
    let mut out = Vec::new();
    for area in &imported.plan.areas {
        for objective in &area.objectives {
            for action in &objective.actions {
                out.push((
                    area.number,
                    action.reference.clone(),
                    action.owners.clone(),
                    action.due.map(|d| d.to_string().chars().take(7).collect()),
                ));
            }
        }
    }
    out
}

/// Imports `name` from the corpus and from its PDF, and checks the PDF's plan against the
/// original's: the same areas and refs, owners and due months for 95% of the actions.
fn reads_like_its_original(name: &str, pdf: &[u8]) {
    let original = import_named(
        name,
        &read(&repo_path(&format!("tests/fixtures/corpus/{name}"))),
        None,
    )
    .unwrap();
    let stem = name.rsplit_once('.').unwrap().0;
    let from_pdf = import_named(&format!("{stem}.pdf"), pdf, None).unwrap();

    assert_eq!(from_pdf.report.format, "pdf");
    assert!(
        from_pdf
            .report
            .warnings
            .iter()
            .any(|w| w.message.contains("rebuilt from where the words sit")),
        "{name}: {:?}",
        from_pdf.report.warnings
    );
    let areas = |i: &Imported| -> Vec<u32> { i.plan.areas.iter().map(|a| a.number).collect() };
    assert_eq!(areas(&from_pdf), areas(&original), "{name}: areas");
    let theirs = actions(&original);
    let ours = actions(&from_pdf);
    let refs = |a: &[Summary]| -> BTreeSet<(u32, Option<String>)> {
        a.iter().map(|(n, r, _, _)| (*n, r.clone())).collect()
    };
    assert_eq!(refs(&ours), refs(&theirs), "{name}: action refs");
    assert!(theirs.len() >= 18, "{name}: {} actions", theirs.len());
    let same = |pick: fn(&Summary) -> String| {
        theirs
            .iter()
            .filter(|t| {
                ours.iter()
                    .any(|o| o.0 == t.0 && o.1 == t.1 && pick(o) == pick(t))
            })
            .count()
    };
    let owners = same(|a| a.2.join(","));
    let due = same(|a| a.3.clone().unwrap_or_default());
    assert!(
        owners * 100 >= theirs.len() * 95,
        "{name}: owners {owners}/{}",
        theirs.len()
    );
    assert!(
        due * 100 >= theirs.len() * 95,
        "{name}: due {due}/{}",
        theirs.len()
    );
}

#[test]
fn a_word_plan_and_an_excel_tracker_read_the_same_from_their_pdfs() {
    let temp = tempfile::tempdir().unwrap();
    let sources = ["thornbury-moor-wsoa.docx", "holmford-tracker.xlsx"];
    let paths: Vec<_> = sources
        .iter()
        .map(|name| repo_path(&format!("tests/fixtures/corpus/{name}")))
        .collect();
    let pdfs = convert_to_pdf(&paths, temp.path());

    for (name, pdf) in sources.iter().zip(&pdfs) {
        reads_like_its_original(name, &read(pdf));
    }
}

#[test]
fn the_committed_pdfs_read_like_their_originals() {
    // The same PDFs, committed for the benchmark: read without LibreOffice.
    for name in ["thornbury-moor-wsoa.docx", "holmford-tracker.xlsx"] {
        let stem = name.rsplit_once('.').unwrap().0;
        reads_like_its_original(
            name,
            &read(&repo_path(&format!("tests/fixtures/import/{stem}.pdf"))),
        );
    }
}

#[test]
fn a_table_dumped_one_cell_per_line_gives_areas_actions_and_key_tasks() {
    let text = read(&repo_path("tests/fixtures/import/interleaved.txt"));

    let imported = import_named("interleaved.txt", &text, None).unwrap();

    let plan = &imported.plan;
    let numbers: Vec<u32> = plan.areas.iter().map(|a| a.number).collect();
    assert_eq!(numbers, [1, 2, 3, 4]);
    assert_eq!(
        plan.areas[0].title,
        "Leaders do not have a shared understanding of the needs of children and young people with SEND"
    );
    let refs: Vec<&str> = plan
        .actions()
        .filter_map(|(_, _, a)| a.reference.as_deref())
        .collect();
    assert_eq!(
        refs,
        [
            "1.1", "1.2", "1.3", "2.1", "2.2", "2.3", "3.1", "3.2", "3.3", "4.1", "4.2", "4.3",
            "4.4"
        ]
    );
    let first = plan.actions().next().unwrap().2;
    assert_eq!(
        first.text,
        "Publish a joint strategic needs assessment for SEND"
    );
    let tasks: Vec<&str> = first.milestones.iter().map(|m| m.text.as_str()).collect();
    assert_eq!(
        tasks,
        [
            "Agree the data set with health and care partners",
            "Consult the parent carer forum on the draft",
            "Publish the assessment on the Local Offer"
        ]
    );
    // The owner and date lines between them are kept on the action, and listed.
    assert!(
        first
            .notes
            .iter()
            .any(|n| n.contains("Head of SEND") && n.contains("December 2024"))
    );
    assert!(
        imported.report.warnings.iter().any(
            |w| w.message == "kept on action 2.2 as a note: Principal Educational Psychologist"
        ),
        "{:?}",
        imported.report.warnings
    );
    let milestones: usize = plan.actions().map(|(_, _, a)| a.milestones.len()).sum();
    assert_eq!(milestones, 28);
}
