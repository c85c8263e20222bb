//! The importer scored against the evaluation corpus (`tests/fixtures/corpus`, described in
//! its README and in `docs/import.md`): thirteen plans for fictional local areas in the
//! layouts councils use, two of them also as PDFs that `soffice` makes when the test runs,
//! and the three real plans with gold annotations (`tests/fixtures/seeds` and `gold`).
//!
//! Every document is read with `import_named`, as an upload is, and compared with its
//! hand-made gold file. The scores are printed as a table, one row per document, and
//! written as Markdown to `$CARGO_TARGET_DIR/import-corpus.md`; then [`FLOORS`] are
//! checked, and how far each measure is from the issue's [`TARGETS`] is printed.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use serde_json::Value;
use wsoa::documents::import_named;
use wsoa::domain::{Action, PlanTree};

use crate::helpers::repo_path;

/// What each measure is to reach, in percent: over the whole corpus (every row of the
/// table added up), and in each document on its own (`None`: no per-document target).
/// Not all are reached yet; the test prints the shortfall and enforces [`FLOORS`].
const TARGETS: [(Measure, f64, Option<f64>); 7] = [
    (Measure::Areas, 95.0, None),
    (Measure::Grouping, 95.0, None),
    (Measure::Recall, 95.0, Some(95.0)),
    (Measure::Owners, 95.0, None),
    (Measure::Due, 95.0, None),
    (Measure::Ratings, 95.0, None),
    (Measure::Updates, 95.0, None),
];

/// What each measure must not fall below, in percent, over the whole corpus: the scores
/// measured when these were set, rounded down, so a change that reads less fails. Raise
/// them as the importer improves, up to [`TARGETS`].
const FLOORS: [(Measure, f64); 7] = [
    (Measure::Areas, 99.0),
    (Measure::Grouping, 99.0),
    (Measure::Recall, 99.0),
    (Measure::Owners, 99.0),
    (Measure::Due, 99.0),
    (Measure::Ratings, 99.0),
    (Measure::Updates, 99.0),
];

/// The corpus documents committed in `tests/fixtures/corpus`; each has
/// `gold/<name without extension>.json`.
const CORPUS: [&str; 13] = [
    "eastmere-pap.docx",
    "wexbridge-wsoa.docx",
    "north-calderby-improvement-plan.docx",
    "saltley-vale-app.docx",
    "thornbury-moor-wsoa.docx",
    "ellerby-wsoa.docx",
    "holmford-tracker.xlsx",
    "ashcombe-wsoa-tracker.xlsx",
    "brackenfield-wsoa.xlsx",
    "ravensholt-quarterly-tracker.xlsx",
    "kingsmere-sharepoint-export.xlsx",
    "fenwick-wsoa-tracker.csv",
    "stanwick-action-plan.csv",
];

/// Corpus documents also read as PDFs, converted by `soffice` when the test runs; the
/// gold is `gold/<name without extension>-pdf.json`.
const PDF_SOURCES: [&str; 2] = ["thornbury-moor-wsoa.docx", "holmford-tracker.xlsx"];

/// The real plans with gold annotations: (seed in `tests/fixtures/seeds`, gold in
/// `tests/fixtures/gold`).
const SEEDS: [(&str, &str); 3] = [
    ("000_d9b72d94429252eb.txt", "000.json"),
    ("001_45f3a2df3020185b.txt", "001.json"),
    ("004_94b8e8addbdbcd67.txt", "004.json"),
];

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Measure {
    /// Areas found with the gold's numbers, out of the larger of the gold's and the
    /// import's area counts (so missing and extra areas both count against).
    Areas,
    /// Gold objectives whose found actions sit together in one imported objective that
    /// holds nothing else (none found is a miss).
    Grouping,
    /// Gold actions found, by (area number, ref).
    Recall,
    /// Found actions with the gold's owners (as a set, case and spacing ignored).
    Owners,
    /// Found actions with the gold's due month (or none when the gold has none).
    Due,
    /// Found actions with the gold's rating code (or none).
    Ratings,
    /// Found actions with the gold's dated updates: the same count, with the same days
    /// (or months, where the gold gives a month), oldest first.
    Updates,
}

impl Measure {
    const ALL: [Self; 7] = [
        Self::Areas,
        Self::Grouping,
        Self::Recall,
        Self::Owners,
        Self::Due,
        Self::Ratings,
        Self::Updates,
    ];

    fn label(self) -> &'static str {
        match self {
            Self::Areas => "areas",
            Self::Grouping => "grouping",
            Self::Recall => "recall",
            Self::Owners => "owners",
            Self::Due => "due",
            Self::Ratings => "ratings",
            Self::Updates => "updates",
        }
    }
}

/// Checks passed out of checks made.
#[derive(Debug, Clone, Copy, Default)]
struct Score {
    passed: usize,
    total: usize,
}

impl Score {
    fn check(&mut self, ok: bool) {
        self.total += 1;
        self.passed += usize::from(ok);
    }

    fn add(&mut self, other: Self) {
        self.passed += other.passed;
        self.total += other.total;
    }

    #[expect(clippy::cast_precision_loss, reason = "counts are small")]
    fn percent(self) -> Option<f64> {
        (self.total > 0).then(|| self.passed as f64 * 100.0 / self.total as f64)
    }

    fn cell(self) -> String {
        self.percent()
            .map_or_else(|| "—".to_owned(), |p| format!("{p:.0}%"))
    }
}

/// One document to score.
struct Document {
    /// The name shown in the table and given to the importer.
    name: String,
    /// "docx", "pdf", "text" …
    format: &'static str,
    bytes: Vec<u8>,
    gold: Value,
}

/// One document's scores.
struct Row {
    name: String,
    format: &'static str,
    gold_actions: usize,
    scores: BTreeMap<Measure, Score>,
    /// Why the import failed, if it did.
    error: Option<String>,
    /// The first few misses of each measure, to say what went wrong.
    misses: BTreeMap<Measure, Vec<String>>,
}

fn read(path: &Path) -> Vec<u8> {
    std::fs::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn gold(path: &Path) -> Value {
    serde_json::from_slice(&read(path)).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn stem(name: &str) -> &str {
    name.rsplit_once('.').map_or(name, |(stem, _)| stem)
}

fn format_of(name: &str) -> &'static str {
    match name.rsplit_once('.').map(|(_, ext)| ext) {
        Some("docx") => "docx",
        Some("xlsx") => "xlsx",
        Some("csv") => "csv",
        Some("pdf") => "pdf",
        Some("txt") => "text",
        _ => "?",
    }
}

/// Converts the PDF sources with `soffice` into `out`, returning the PDFs' paths.
pub(crate) fn convert_to_pdf(sources: &[PathBuf], out: &Path) -> Vec<PathBuf> {
    let profile = out.join("profile");
    let mut command = Command::new("soffice");
    command
        .arg(format!(
            "-env:UserInstallation=file://{}",
            profile.display()
        ))
        .args(["--headless", "--convert-to", "pdf", "--outdir"])
        .arg(out)
        .args(sources)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null());
    let mut child = match command.spawn() {
        Ok(child) => child,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            panic!("LibreOffice (soffice) is needed: scripts/test.sh installs it")
        }
        Err(e) => panic!("soffice could not be started: {e}"),
    };
    let started = Instant::now();
    loop {
        if child.try_wait().unwrap().is_some() {
            break;
        }
        if started.elapsed() > Duration::from_mins(5) {
            child.kill().ok();
            child.wait().ok();
            panic!("soffice took more than 5 minutes to convert the corpus PDFs");
        }
        std::thread::sleep(Duration::from_millis(200));
    }
    sources
        .iter()
        .map(|source| {
            let name = source.file_name().unwrap().to_string_lossy().into_owned();
            let pdf = out.join(format!("{}.pdf", stem(&name)));
            assert!(
                pdf.metadata().is_ok_and(|m| m.len() > 0),
                "LibreOffice did not convert {name} to PDF"
            );
            pdf
        })
        .collect()
}

/// Every document of the table, in its order: the corpus, its PDFs, the seeds.
fn documents(pdf_dir: &Path) -> Vec<Document> {
    let corpus = repo_path("tests/fixtures/corpus");
    let mut out = Vec::new();
    for name in CORPUS {
        out.push(Document {
            name: name.to_owned(),
            format: format_of(name),
            bytes: read(&corpus.join(name)),
            gold: gold(&corpus.join(format!("gold/{}.json", stem(name)))),
        });
    }
    let sources: Vec<PathBuf> = PDF_SOURCES.iter().map(|name| corpus.join(name)).collect();
    for (name, pdf) in PDF_SOURCES.iter().zip(convert_to_pdf(&sources, pdf_dir)) {
        out.push(Document {
            name: format!("{}.pdf", stem(name)),
            format: "pdf",
            bytes: read(&pdf),
            gold: gold(&corpus.join(format!("gold/{}-pdf.json", stem(name)))),
        });
    }
    for (seed, gold_file) in SEEDS {
        out.push(Document {
            name: seed.to_owned(),
            format: "text",
            bytes: read(&repo_path(&format!("tests/fixtures/seeds/{seed}"))),
            gold: gold(&repo_path(&format!("tests/fixtures/gold/{gold_file}"))),
        });
    }
    out
}

/// A gold action with where it sits.
struct GoldAction<'a> {
    area: u64,
    /// Index of its objective among all the gold's objectives.
    objective: usize,
    value: &'a Value,
}

/// The gold's actions, and a label for each of its objectives ("area 2, objective 2.1").
fn gold_actions(gold: &Value) -> (Vec<GoldAction<'_>>, Vec<String>) {
    let mut out = Vec::new();
    let mut objectives = Vec::new();
    for area in gold["areas"].as_array().unwrap() {
        let number = area["number"].as_u64().unwrap();
        for (index, o) in area["objectives"].as_array().unwrap().iter().enumerate() {
            for value in o["actions"].as_array().unwrap() {
                out.push(GoldAction {
                    area: number,
                    objective: objectives.len(),
                    value,
                });
            }
            let name = o["number"]
                .as_str()
                .map_or_else(|| format!("#{}", index + 1), str::to_owned);
            objectives.push(format!("area {number}, objective {name}"));
        }
    }
    (out, objectives)
}

/// Whitespace collapsed, lower case.
fn squash(text: &str) -> String {
    text.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}

fn same_ref(ours: &str, theirs: &str) -> bool {
    let clean = |r: &str| squash(r).trim_end_matches('.').to_owned();
    clean(ours) == clean(theirs)
}

/// An imported action with where it sits.
struct Ours<'a> {
    area: u32,
    /// (area index, objective index) in the imported plan.
    objective: (usize, usize),
    action: &'a Action,
}

fn our_actions(plan: &PlanTree) -> Vec<Ours<'_>> {
    let mut out = Vec::new();
    for (a, area) in plan.areas.iter().enumerate() {
        for (o, objective) in area.objectives.iter().enumerate() {
            for action in &objective.actions {
                out.push(Ours {
                    area: area.number,
                    objective: (a, o),
                    action,
                });
            }
        }
    }
    out
}

/// For each gold action, the imported action that is it: the same area number and ref
/// (an unnumbered gold action: an unnumbered imported one in the area whose text starts
/// the same). Each imported action is used once.
fn match_actions(gold: &[GoldAction<'_>], ours: &[Ours<'_>]) -> Vec<Option<usize>> {
    let mut used = vec![false; ours.len()];
    gold.iter()
        .map(|g| {
            let found = ours.iter().enumerate().position(|(i, o)| {
                if used[i] || u64::from(o.area) != g.area {
                    return false;
                }
                match (g.value["ref"].as_str(), o.action.reference.as_deref()) {
                    (Some(theirs), Some(ours)) => same_ref(ours, theirs),
                    (None, None) => {
                        let prefix = |t: &str| squash(t).chars().take(40).collect::<String>();
                        prefix(&o.action.text) == prefix(g.value["text"].as_str().unwrap_or(""))
                    }
                    _ => false,
                }
            });
            if let Some(i) = found {
                used[i] = true;
            }
            found
        })
        .collect()
}

fn owners_set<'a>(owners: impl IntoIterator<Item = &'a str>) -> BTreeSet<String> {
    owners
        .into_iter()
        .map(|o| squash(o).trim_end_matches(['.', ',', ';']).to_owned())
        .filter(|o| !o.is_empty())
        .collect()
}

/// The action's rating on the plan's first dimension (or its only rating).
fn our_rating<'a>(plan: &PlanTree, action: &'a Action) -> Option<&'a str> {
    let first = plan
        .rating_scheme
        .dimensions
        .first()
        .map(|d| d.key.as_str());
    first
        .and_then(|key| action.ratings.get(key))
        .or_else(|| action.ratings.get("delivery"))
        .or_else(|| {
            (action.ratings.len() == 1)
                .then(|| action.ratings.values().next())
                .flatten()
        })
        .map(String::as_str)
        .filter(|r| !r.trim().is_empty())
}

fn month_of(text: &str) -> &str {
    text.get(..7).unwrap_or(text)
}

/// Whether an imported update's date is the gold's: the same day, or the same month
/// where the gold gives only a month.
fn same_update_date(ours: time::Date, theirs: &str) -> bool {
    let day = format!(
        "{:04}-{:02}-{:02}",
        ours.year(),
        u8::from(ours.month()),
        ours.day()
    );
    if theirs.len() == 7 {
        month_of(&day) == theirs
    } else {
        day == theirs
    }
}

#[expect(clippy::too_many_lines, reason = "one measure after another")]
fn score(document: &Document) -> Row {
    let gold = &document.gold;
    let (gold_actions, objectives) = gold_actions(gold);
    let mut row = Row {
        name: document.name.clone(),
        format: document.format,
        gold_actions: gold_actions.len(),
        scores: Measure::ALL
            .iter()
            .map(|&m| (m, Score::default()))
            .collect(),
        error: None,
        misses: BTreeMap::new(),
    };
    let plan = match import_named(&document.name, &document.bytes, None) {
        Ok(imported) => imported.plan,
        Err(e) => {
            row.error = Some(e.to_string());
            PlanTree::new(String::new(), String::new())
        }
    };

    // Areas: the gold's numbers found, out of the larger count.
    let gold_areas: BTreeSet<u64> = gold["areas"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["number"].as_u64().unwrap())
        .collect();
    let our_areas: BTreeSet<u64> = plan.areas.iter().map(|a| u64::from(a.number)).collect();
    let areas = row.scores.get_mut(&Measure::Areas).unwrap();
    areas.passed += gold_areas.intersection(&our_areas).count();
    areas.total += gold_areas.len().max(plan.areas.len());
    if gold_areas != our_areas || plan.areas.len() != gold_areas.len() {
        let numbers: Vec<u32> = plan.areas.iter().map(|a| a.number).collect();
        miss(
            &mut row,
            Measure::Areas,
            format!(
                "areas {numbers:?}, gold {:?}",
                gold_areas.iter().collect::<Vec<_>>()
            ),
        );
    }

    let ours = our_actions(&plan);
    let matched = match_actions(&gold_actions, &ours);

    // Recall.
    for (g, m) in gold_actions.iter().zip(&matched) {
        row.scores
            .get_mut(&Measure::Recall)
            .unwrap()
            .check(m.is_some());
        if m.is_none() {
            let reference = g.value["ref"].as_str().unwrap_or("(no ref)");
            miss(
                &mut row,
                Measure::Recall,
                format!("area {} action {reference} not found", g.area),
            );
        }
    }

    // Grouping: per gold objective, its found actions in one imported objective, alone.
    let mut gold_of_ours: BTreeMap<usize, usize> = BTreeMap::new();
    for (g, m) in gold_actions.iter().zip(&matched) {
        if let Some(i) = m {
            gold_of_ours.insert(*i, g.objective);
        }
    }
    for (objective, objective_label) in objectives.iter().enumerate() {
        let members: Vec<usize> = gold_actions
            .iter()
            .zip(&matched)
            .filter(|(g, _)| g.objective == objective)
            .filter_map(|(_, m)| *m)
            .collect();
        let has_actions = gold_actions.iter().any(|g| g.objective == objective);
        if !has_actions {
            continue;
        }
        let homes: BTreeSet<(usize, usize)> = members.iter().map(|&i| ours[i].objective).collect();
        let problem = match homes.len() {
            0 => Some("none of its actions found".to_owned()),
            1 => {
                let home = *homes.iter().next().unwrap();
                let others = ours
                    .iter()
                    .enumerate()
                    .filter(|(i, o)| o.objective == home && gold_of_ours.get(i) != Some(&objective))
                    .count();
                (others > 0)
                    .then(|| format!("its imported objective also holds {others} other actions"))
            }
            n => Some(format!("split over {n} imported objectives")),
        };
        row.scores
            .get_mut(&Measure::Grouping)
            .unwrap()
            .check(problem.is_none());
        if let Some(problem) = problem {
            miss(
                &mut row,
                Measure::Grouping,
                format!("{objective_label}: {problem}"),
            );
        }
    }

    // Per found action: owners, due, rating, updates, where the gold gives them.
    for (g, m) in gold_actions.iter().zip(&matched) {
        let Some(i) = *m else { continue };
        let action = ours[i].action;
        let label = format!(
            "area {} action {}",
            g.area,
            g.value["ref"].as_str().unwrap_or("(no ref)")
        );
        if let Some(owners) = g.value["owners"].as_array() {
            let theirs = owners_set(owners.iter().filter_map(Value::as_str));
            let mine = owners_set(action.owners.iter().map(String::as_str));
            let ok = theirs == mine;
            row.scores.get_mut(&Measure::Owners).unwrap().check(ok);
            if !ok {
                miss(
                    &mut row,
                    Measure::Owners,
                    format!("{label}: owners {mine:?}, gold {theirs:?}"),
                );
            }
        }
        if let Some(due) = g.value.get("due") {
            let theirs = due.as_str().map(month_of);
            let mine = action.due.map(|d| d.to_string());
            let ok = mine.as_deref().map(month_of) == theirs;
            row.scores.get_mut(&Measure::Due).unwrap().check(ok);
            if !ok {
                miss(
                    &mut row,
                    Measure::Due,
                    format!("{label}: due {mine:?}, gold {theirs:?}"),
                );
            }
        }
        if let Some(rating) = g.value.get("rating") {
            let theirs = rating.as_str().map(str::trim);
            let mine = our_rating(&plan, action).map(str::trim);
            let ok = match (mine, theirs) {
                (Some(a), Some(b)) => a.eq_ignore_ascii_case(b),
                (None, None) => true,
                _ => false,
            };
            row.scores.get_mut(&Measure::Ratings).unwrap().check(ok);
            if !ok {
                miss(
                    &mut row,
                    Measure::Ratings,
                    format!("{label}: rating {mine:?}, gold {theirs:?}"),
                );
            }
        }
        if let Some(updates) = g.value["updates"].as_array() {
            let theirs: Vec<&str> = updates.iter().filter_map(|u| u["date"].as_str()).collect();
            let ok = theirs.len() == action.updates.len()
                && action
                    .updates
                    .iter()
                    .zip(&theirs)
                    .all(|(u, t)| same_update_date(u.date, t));
            row.scores.get_mut(&Measure::Updates).unwrap().check(ok);
            if !ok {
                let mine: Vec<String> = action.updates.iter().map(|u| u.date.to_string()).collect();
                miss(
                    &mut row,
                    Measure::Updates,
                    format!("{label}: updates {mine:?}, gold {theirs:?}"),
                );
            }
        }
    }
    row
}

/// Notes a miss, keeping the first few.
fn miss(row: &mut Row, measure: Measure, what: String) {
    let misses = row.misses.entry(measure).or_default();
    if misses.len() < 3 {
        misses.push(what);
    }
}

fn table(rows: &[Row], total: &BTreeMap<Measure, Score>) -> String {
    let mut out = String::new();
    let headers: Vec<&str> = ["document", "format", "actions"]
        .into_iter()
        .chain(Measure::ALL.iter().map(|m| m.label()))
        .collect();
    writeln!(out, "| {} |", headers.join(" | ")).unwrap();
    writeln!(
        out,
        "|{}",
        headers
            .iter()
            .enumerate()
            .map(|(i, _)| if i < 2 { " --- |" } else { " ---: |" })
            .collect::<String>()
    )
    .unwrap();
    for row in rows {
        let cells: Vec<String> = Measure::ALL.iter().map(|m| row.scores[m].cell()).collect();
        writeln!(
            out,
            "| {} | {} | {} | {} |",
            row.name,
            row.format,
            row.gold_actions,
            cells.join(" | ")
        )
        .unwrap();
    }
    let cells: Vec<String> = Measure::ALL.iter().map(|m| total[m].cell()).collect();
    let actions: usize = rows.iter().map(|r| r.gold_actions).sum();
    writeln!(
        out,
        "| **all documents** | | {actions} | {} |",
        cells.join(" | ")
    )
    .unwrap();
    out
}

/// Where the Markdown table goes: `$CARGO_TARGET_DIR`, else the target folder this test
/// binary was built into.
fn target_dir() -> PathBuf {
    if let Some(dir) = std::env::var_os("CARGO_TARGET_DIR") {
        return PathBuf::from(dir);
    }
    let exe = std::env::current_exe().unwrap();
    // target/<profile>/deps/it-<hash>
    exe.ancestors()
        .nth(3)
        .map_or_else(|| repo_path("target"), Path::to_path_buf)
}

#[test]
fn every_corpus_document_is_listed() {
    let dir = repo_path("tests/fixtures/corpus");
    for entry in std::fs::read_dir(&dir).unwrap() {
        let name = entry.unwrap().file_name().to_string_lossy().into_owned();
        if matches!(format_of(&name), "docx" | "xlsx" | "csv" | "pdf") {
            assert!(
                CORPUS.contains(&name.as_str()),
                "{name} is in the corpus folder but not in CORPUS"
            );
        }
    }
    for name in CORPUS {
        let gold = dir.join(format!("gold/{}.json", stem(name)));
        assert!(gold.exists(), "{name} has no gold file");
    }
    for name in PDF_SOURCES {
        assert!(CORPUS.contains(&name), "{name} is not a corpus document");
        let gold = dir.join(format!("gold/{}-pdf.json", stem(name)));
        assert!(gold.exists(), "the PDF of {name} has no gold file");
    }
}

#[test]
fn the_importer_reads_the_evaluation_corpus() {
    let temp = tempfile::tempdir().unwrap();
    let documents = documents(temp.path());
    let rows: Vec<Row> = documents.iter().map(score).collect();
    let mut total: BTreeMap<Measure, Score> = Measure::ALL
        .iter()
        .map(|&m| (m, Score::default()))
        .collect();
    for row in &rows {
        for (m, s) in &row.scores {
            total.get_mut(m).unwrap().add(*s);
        }
    }
    let markdown = table(&rows, &total);
    let mut details = String::new();
    for row in &rows {
        if let Some(error) = &row.error {
            writeln!(details, "- {}: not imported: {error}", row.name).unwrap();
        }
        for (measure, misses) in &row.misses {
            writeln!(
                details,
                "- {} ({}): {}",
                row.name,
                measure.label(),
                misses.join("; ")
            )
            .unwrap();
        }
    }
    println!("\nImport corpus scores\n\n{markdown}\nFirst misses per document:\n{details}");
    let path = target_dir().join("import-corpus.md");
    std::fs::write(
        &path,
        format!("# Import corpus scores\n\n{markdown}\n## First misses per document\n\n{details}"),
    )
    .unwrap_or_else(|e| panic!("{}: {e}", path.display()));

    let mut shortfalls = Vec::new();
    for (measure, overall, per_document) in TARGETS {
        let got = total[&measure].percent().unwrap_or(100.0);
        if got < overall {
            shortfalls.push(format!(
                "{} is {got:.1}% over the corpus; the target is {overall}%",
                measure.label()
            ));
        }
        if let Some(target) = per_document {
            for row in &rows {
                let got = row.scores[&measure].percent().unwrap_or(100.0);
                if got < target {
                    shortfalls.push(format!(
                        "{} is {got:.1}% in {}; the target is {target}% per document",
                        measure.label(),
                        row.name
                    ));
                }
            }
        }
    }
    if !shortfalls.is_empty() {
        println!("Not yet at the targets:\n{}", shortfalls.join("\n"));
    }
    let mut failures = Vec::new();
    for (measure, floor) in FLOORS {
        let got = total[&measure].percent().unwrap_or(100.0);
        if got < floor {
            failures.push(format!(
                "{} is {got:.1}% over the corpus, below its floor of {floor}%",
                measure.label()
            ));
        }
    }
    for row in &rows {
        let got = row.scores[&Measure::Recall].percent().unwrap_or(100.0);
        if got < 95.0 {
            failures.push(format!("recall is {got:.1}% in {}, below 95%", row.name));
        }
    }
    assert!(
        failures.is_empty(),
        "the importer reads less of the evaluation corpus than it did (table above, and in {}):\n{}",
        path.display(),
        failures.join("\n")
    );
}
