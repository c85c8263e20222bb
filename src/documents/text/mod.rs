//! Plain-text and Markdown exports of plans: tab-separated or pipe tables, headings.
//!
//! Reading goes in passes over the lines, each marking the lines it used:
//! 1. [`sections`] finds what may sit anywhere: owner lists, the rating key, the glossary;
//! 2. [`front`] reads the title block: local area, title, kind of plan, date;
//! 3. [`table`] walks the rest: area headings and their prose, header rows (recognised by
//!    [`columns`] from their wording), and the rows under them;
//! 4. [`build`] turns the rows into objectives, actions and milestones.
//!
//! Every line no pass used is listed in the report as unmapped, so nothing is dropped
//! silently. Nothing here knows any particular plan: only the wording plans use.

mod build;
mod clean;
mod columns;
mod flow;
mod forms;
mod front;
mod lines;
mod sections;
mod table;
mod timeline;
mod voice;

pub(crate) use clean::{clean as clean_cell, escape, paragraphs_html};
pub(crate) use lines::{Line, Origin, split};

/// Whether a short text names a part of a plan by itself: an area ("Priority 2"), the
/// owner list, the rating key or the glossary. Readers keep such sheet names as headings.
pub(crate) fn names_a_part(text: &str) -> bool {
    let text = text.trim();
    table::area_heading(text).is_some() || sections::is_heading(text)
}

use super::{ImportOptions, ImportReport, Imported};
use crate::domain::{Error, Result};

/// Reads a plan from the text of a document.
///
/// Fails when the text holds no plan table: no header row naming plan columns and no
/// run of rows numbered like "1.1".
pub fn import_text(text: &str) -> Result<Imported> {
    import_text_with(text, &ImportOptions::default())
}

/// Reads a plan from the text of a document, with the column roles a person chose.
pub(crate) fn import_text_with(text: &str, options: &ImportOptions) -> Result<Imported> {
    import_lines(&lines::split(text), ImportReport::default(), options)
}

/// Reads a plan from text whose tables were flattened into running words (a PDF's
/// text): as [`import_text`], and when that finds no table, with each block of words
/// rebuilt into the cells of a row. The report says when rows were rebuilt.
pub(crate) fn import_flowed_text(
    text: &str,
    report: ImportReport,
    options: &ImportOptions,
) -> Result<Imported> {
    let lines = split(text);
    match import_lines(&lines, report.clone(), options) {
        Err(Error::Invalid { message, .. }) if message.starts_with("no plan table found") => {
            let Some(rebuilt) = flow::rebuild(&lines) else {
                return flow::import_interleaved(&lines, report, options)
                    .unwrap_or_else(|| Err(Error::invalid("file", message)));
            };
            let mut report = report;
            report.warn(
                "file",
                "no table survived in the text, so each block of words under the column \
                 headings was split into objective, ref, action, owners, deadline and rating \
                 by its content: check every action",
            );
            import_lines(&rebuilt, report, options)
        }
        other => other,
    }
}

/// Reads a plan from lines of cells, whichever format they came from. `report` may
/// already hold what the format's reader noticed.
pub(crate) fn import_lines(
    lines: &[Line],
    mut report: ImportReport,
    options: &ImportOptions,
) -> Result<Imported> {
    let choices = columns::Known {
        choices: options.columns.clone(),
        ..columns::Known::default()
    };
    let transposed = forms::transpose(lines, &choices);
    let lines = transposed.as_slice();
    let mut used = vec![false; lines.len()];
    let sections = sections::find(lines, &mut used, &mut report);
    let hints = front::Hints {
        title: options.document_title.clone(),
        file_name: options.file_name.clone(),
    };
    let front = front::read(lines, &mut used, &hints);
    let known = columns::Known {
        initials: sections
            .people
            .iter()
            .filter_map(|p| p.initials.clone())
            .collect(),
        choices: options.columns.clone(),
    };
    let mut layout = table::read(lines, &mut used, &known, &mut report);
    let listed: Vec<u32> = sections.areas.iter().map(|a| a.number).collect();
    table::split_by_refs(&mut layout, &listed);
    if layout.areas.is_empty() {
        return Err(Error::invalid(
            "file",
            "no plan table found: looked for a header row naming at least two plan columns \
             (such as Objective or Outcome, Action or \"How will we achieve this?\", Owner or \
             Lead, Deadline or Time-scale, RAG or Status, Key milestones), in a table or in \
             rows of text with cells separated by tabs or | pipes |, and for rows of cells \
             numbered like 1.1 or 2.3a",
        ));
    }
    let mut plan = build::plan(front, sections, layout, &mut report);
    let dates = timeline::read(lines);
    plan.inspection_start = dates.inspection_start.or(plan.inspection_start);
    plan.inspection_end = dates.inspection_end.or(plan.inspection_end);
    plan.report_published = dates.report_published.or(plan.report_published);
    plan.voice = voice::read(lines, &mut used, &plan);
    for (line, used) in lines.iter().zip(&used) {
        if !used && !line.is_blank() {
            report.unmapped(line.location(), line.text());
        }
    }
    plan.validate().map_err(|e| {
        Error::invalid(
            "file",
            format!("the plan read from the document is not valid: {e}"),
        )
    })?;
    Ok(Imported { plan, report })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{Action, PlanTree};

    fn plan(text: &str) -> (PlanTree, ImportReport) {
        let imported = import_text(text).unwrap();
        (imported.plan, imported.report)
    }

    fn actions(plan: &PlanTree) -> Vec<&Action> {
        plan.actions().map(|(_, _, a)| a).collect()
    }

    const OWNERS: &str = "Action Owner List\nInitial\tName\tPosition/Organisation\nJB\tJo Bloggs\tHead of SEN (Council)\nAO\tAnn Other\tDesignated Clinical Officer (CCG)\n";

    #[test]
    fn a_plan_with_header_synonyms_reads_areas_objectives_and_actions() {
        let text = "Somewhere\nSpecial Educational Needs and Disabilities\nWritten Statement of Action\n\nMarch 2020\n\n\
                    Priority 1\n\nLeaders do not understand needs.\n\n\
                    Intended outcome\tWhat are we doing?\tWho's doing it?\tBy when?\tStatus\n\
                    1. Needs are understood.\t1.1 Refresh the needs assessment\tJB\tJune 2020\tG\n\
                    \t1.2 Publish it\tAO\tSept 2020\t\n";

        let (plan, report) = plan(text);

        assert_eq!(plan.local_area, "Somewhere");
        assert_eq!(
            plan.document_date.map(|d| d.to_string()).as_deref(),
            Some("2020-03")
        );
        assert_eq!(plan.areas[0].title, "Leaders do not understand needs.");
        assert_eq!(plan.areas[0].objectives[0].number, "1");
        assert_eq!(plan.areas[0].objectives[0].text, "Needs are understood.");
        let actions = actions(&plan);
        assert_eq!(actions[0].reference.as_deref(), Some("1.1"));
        assert_eq!(actions[0].text, "Refresh the needs assessment");
        assert_eq!(
            actions[0].due.map(|d| d.to_string()).as_deref(),
            Some("2020-06")
        );
        assert_eq!(
            actions[0].ratings.get("delivery").map(String::as_str),
            Some("G")
        );
        assert_eq!(actions[1].owners, ["AO"]);
        assert!(report.unmapped.is_empty(), "{:?}", report.unmapped);
    }

    #[test]
    fn rows_continued_after_a_page_break_are_joined_to_the_row_above() {
        let text = "Area of priority action 1\n\nA finding.\n\n\
                    Objective\tHow will we achieve this?\tAction Owner\tTime-scale\tRAG\n\
                    2. To have joint commissioning which will include\t2.1\tWrite the framework\tJB\tAugust 2019\t\n\n\
                    Objective\tHow will we achieve this?\tAction Owner\tTime-scale\tRAG\n\
                    services for families.\t\tand agree it\t\t\tA\n";

        let (plan, _) = plan(&format!("{OWNERS}\n{text}"));

        let objective = &plan.areas[0].objectives[0];
        assert_eq!(
            objective.text,
            "To have joint commissioning which will include services for families."
        );
        let action = &objective.actions[0];
        assert_eq!(action.text, "Write the framework and agree it");
        assert_eq!(
            action.ratings.get("delivery").map(String::as_str),
            Some("A")
        );
    }

    #[test]
    fn owners_resolve_to_initials_and_unknown_ones_are_kept_with_a_warning() {
        let text = "Objective\tAction\tLead\tDeadline\n\
                    1. Aim\t1.1 Do it\tJB (Council) AO (CCG)\tMay 2020\n\
                    \t1.2 Do more\tZZ\tMay 2020\n\
                    \t1.3 And more\tAnn Other\tMay 2020\n";

        let (plan, report) = plan(&format!("{OWNERS}\n{text}"));

        let actions = actions(&plan);
        assert_eq!(actions[0].owners, ["JB", "AO"]);
        assert_eq!(actions[1].owners, ["ZZ"]);
        assert_eq!(actions[2].owners, ["AO"]);
        assert_eq!(
            plan.person("JB").and_then(|p| p.organisation.as_deref()),
            Some("Council")
        );
        assert!(
            report.warnings.iter().any(|w| w.message.contains("\"ZZ\"")),
            "{:?}",
            report.warnings
        );
    }

    #[test]
    fn a_lead_kept_as_written_keeps_its_bracket_and_is_not_split_inside_it() {
        let text = "Objective\tAction\tLead\tDeadline\n\
                    1. Aim\t1.1 Do it\tAll SENCOs (via head of inclusion and DCO)\tMay 2020\n\
                    \t1.2 Do more\tCommissioning lead (ICB), JB (Council)\tMay 2020\n";

        let (plan, _) = plan(&format!("{OWNERS}\n{text}"));

        let actions = actions(&plan);
        assert_eq!(
            actions[0].owners,
            ["All SENCOs (via head of inclusion and DCO)"]
        );
        assert_eq!(actions[1].owners, ["Commissioning lead (ICB)", "JB"]);
    }

    #[test]
    fn a_key_without_codes_is_matched_to_a_preset_and_letters_become_ratings() {
        let text = "RAG Rating Key\n\n\tCompleted for the submission of the plan\n\tOn track for completion within six months of the submission\n\tNot on track, risk to implementation\n\tLonger-term action, not scheduled within six months\n\n\
                    Objective\tAction\tTimescale\tRAG\n1. Aim\t1.1 Do it\tApril 2019\tA\n";

        let (plan, _) = plan(text);

        let codes: Vec<&str> = plan
            .rating_scheme
            .levels
            .iter()
            .map(|l| l.code.as_str())
            .collect();
        assert_eq!(codes, ["B", "G", "R", "A"]);
        assert_eq!(
            plan.rating_scheme.levels[2].meaning,
            "Not on track, risk to implementation"
        );
        assert_eq!(
            actions(&plan)[0]
                .ratings
                .get("delivery")
                .map(String::as_str),
            Some("A")
        );
    }

    #[test]
    fn milestone_rows_belong_to_the_action_above_and_a_cut_milestone_is_joined() {
        let text = "Workstream 1: Joint planning\n\nSenior Accountable sponsor: Jo Bloggs (Director)\n\nDelivery partners: Ann Other (DCO), Family Voice representative\n\nOfsted and CQC said: “Planning is weak.”\n\n\
                    Outcomes\tRef\tImplementation\tResource Required\tKey milestones\tDeadline\tBRAG + date\n\
                    1.1 Plans are joint Impact <ul> • Families say so</ul>\t1.1a\tWrite a strategy\tER\tNeeds agreed\tNov 2019\tNov 2019\n\
                    \t\t\t\tCommissioning of services to close gaps\tJune 2020 to\t\n\n\
                    \t\t\t\twith procurement secured\tApril 2021\t\n\
                    \t\t\tER\tSecond step done\tFrom Feb 2020\t\n";

        let (plan, _) = plan(text);

        let area = &plan.areas[0];
        assert_eq!(area.heading.as_deref(), Some("Joint planning"));
        assert_eq!(area.title, "Planning is weak.");
        assert_eq!(area.sponsor.as_deref(), Some("Jo Bloggs (Director)"));
        assert_eq!(area.delivery_partners.len(), 2);
        assert_eq!(area.objectives[0].impact_statements, ["Families say so"]);
        let action = &area.objectives[0].actions[0];
        assert_eq!(action.resource, Some(crate::domain::Resource::Existing));
        assert_eq!(action.milestones.len(), 3);
        assert_eq!(
            action.milestones[0].done.map(|d| d.to_string()).as_deref(),
            Some("2019-11")
        );
        let cut = &action.milestones[1];
        assert_eq!(
            cut.text,
            "Commissioning of services to close gaps with procurement secured"
        );
        assert_eq!(cut.due.map(|d| d.to_string()).as_deref(), Some("2021-04"));
        assert_eq!(
            action.milestones[2].due.map(|d| d.to_string()).as_deref(),
            Some("2020-02")
        );
        assert!(plan.people.iter().any(|p| p.name == "Ann Other"));
    }

    #[test]
    fn status_words_in_the_key_and_in_the_cells_become_ratings() {
        let text = "Status key\n\nComplete – action finished\nOn track – progressing as planned\nBehind schedule – late but recoverable\nNot started – not yet begun\n\n\
                    Objective\tAction\tDeadline\tStatus\n1. Aim\t1.1 Do it\tMay 2020\tOn track\n\t1.2 Do more\tJune 2020\tComplete\n";

        let (plan, report) = plan(text);

        let ratings: Vec<Option<&str>> = actions(&plan)
            .iter()
            .map(|a| a.ratings.get("delivery").map(String::as_str))
            .collect();
        assert_eq!(ratings, [Some("G"), Some("B")]);
        assert!(
            !report.warnings.iter().any(|w| w.message.contains("rating")),
            "{:?}",
            report.warnings
        );
    }

    #[test]
    fn markdown_pipe_tables_are_read() {
        let text = "| Objective | Action | Lead | Deadline |\n|---|---|---|---|\n| 1. Aim | 1.1 Do it | JB | May 2020 |\n| | 1.2 Do more | JB | June 2020 |\n";

        let (plan, _) = plan(text);

        assert_eq!(actions(&plan).len(), 2);
        assert_eq!(
            actions(&plan)[1].due.map(|d| d.to_string()).as_deref(),
            Some("2020-06")
        );
    }

    #[test]
    fn a_table_with_no_header_is_read_from_its_contents_with_a_warning() {
        let text = "Our plan\n\n1. Aim\t1.1\tReview the pathway with parents\tJB\tMarch 2020\n\t1.2\tTrain all staff on the new pathway\tAO\tJune 2020\n";

        let (plan, report) = plan(&format!("{OWNERS}\n{text}"));

        let actions = actions(&plan);
        assert_eq!(actions.len(), 2);
        assert_eq!(actions[1].text, "Train all staff on the new pathway");
        assert_eq!(actions[1].owners, ["AO"]);
        assert_eq!(
            actions[0].due.map(|d| d.to_string()).as_deref(),
            Some("2020-03")
        );
        assert!(
            report
                .warnings
                .iter()
                .any(|w| w.message.contains("no header row"))
        );
    }

    #[test]
    fn a_ref_used_twice_keeps_the_first_and_renames_the_second() {
        let text = "Objective\tAction\tDeadline\n1. Aim\t1.1 Do it\tMay 2020\n\t1.1 Do it again\tQuarterly\n";

        let (plan, report) = plan(text);

        let refs: Vec<Option<&str>> = actions(&plan)
            .iter()
            .map(|a| a.reference.as_deref())
            .collect();
        assert_eq!(refs, [Some("1.1"), Some("1.1 (2)")]);
        assert!(
            report
                .warnings
                .iter()
                .any(|w| w.message.contains("used twice"))
        );
        assert!(
            report
                .warnings
                .iter()
                .any(|w| w.message.contains("\"Quarterly\" names no date"))
        );
        assert_eq!(actions(&plan)[1].due_text.as_deref(), Some("Quarterly"));
    }

    #[test]
    fn prose_that_fits_nowhere_is_listed_as_unmapped_with_its_line() {
        let text = "Objective\tAction\tDeadline\n1. Aim\t1.1 Do it\tMay 2020\n\nWhat parents said: it was hard.\n";

        let (_, report) = plan(text);

        assert_eq!(report.unmapped.len(), 1);
        assert_eq!(report.unmapped[0].location, "line 4");
        assert_eq!(
            report.unmapped[0].message,
            "What parents said: it was hard."
        );
    }

    #[test]
    fn empty_and_tableless_input_is_refused_with_what_was_looked_for() {
        for text in [
            "",
            "\n\n\t\n",
            "Minutes of the meeting\n\nWe discussed many things.\n",
        ] {
            let err = import_text(text).unwrap_err().to_string();
            assert!(err.contains("no plan table found"), "{err}");
            assert!(err.contains("header row"), "{err}");
        }
    }

    #[test]
    fn the_inspection_and_report_dates_are_read_from_the_introduction() {
        let text = "Anyshire\nWritten Statement of Action\n\n\
                    Introduction\n\n\
                    The joint local area SEND inspection took place between 10 and 14 June 2019. \
                    Ofsted and the CQC published their report on 13 August 2019.\n\n\
                    Objective\tAction\tDeadline\n1. Aim\t1.1 Do it\tQ2 2019/20\n";

        let (plan, _) = plan(text);

        assert_eq!(
            plan.inspection_start.map(|d| d.to_string()).as_deref(),
            Some("2019-06-10")
        );
        assert_eq!(
            plan.inspection_end.map(|d| d.to_string()).as_deref(),
            Some("2019-06-14")
        );
        assert_eq!(
            plan.report_published.map(|d| d.to_string()).as_deref(),
            Some("2019-08-13")
        );
        assert_eq!(
            actions(&plan)[0].due.map(|d| d.to_string()).as_deref(),
            Some("2019-09")
        );
    }

    #[test]
    fn a_column_chosen_as_ignore_is_never_guessed_to_be_the_action() {
        // Neither heading names the action, so the longest text would be taken for it.
        let text = "Background to this step\tPlan step\tLead\tDeadline\n\
                    Families told us the local offer is hard to find and out of date\tRewrite the local offer\tJB\tMay 2020\n\
                    Schools report long waits for an assessment right across the whole area\tHire two psychologists\tAO\tJune 2020\n";
        let guessed = import_text(text).unwrap();
        assert!(
            actions(&guessed.plan)[0]
                .text
                .starts_with("Families told us"),
            "without a choice the longest text is the action"
        );

        let options = ImportOptions {
            columns: crate::documents::ColumnChoices::parse("Background to this step=ignore")
                .unwrap(),
            ..ImportOptions::default()
        };
        let chosen = import_text_with(text, &options).unwrap();

        let texts: Vec<&str> = actions(&chosen.plan)
            .iter()
            .map(|a| a.text.as_str())
            .collect();
        assert_eq!(texts, ["Rewrite the local offer", "Hire two psychologists"]);
    }

    #[test]
    fn garbage_input_never_panics() {
        const PIECES: [&str; 24] = [
            "\t",
            "\n",
            "|",
            "||",
            " ",
            "1.1",
            "2.4.3a",
            "<p>",
            "</p>",
            "<ul",
            "Impact",
            "“",
            "”",
            "(",
            ")",
            "Objective",
            "Action",
            "Deadline",
            "RAG",
            "Key milestones",
            "April 2019",
            "é✓",
            "Area 1",
            "-",
        ];
        let mut seed: u64 = 0x2545_F491_4F6C_DD1D;
        for _ in 0..400 {
            let mut text = String::new();
            for _ in 0..60 {
                seed ^= seed << 13;
                seed ^= seed >> 7;
                seed ^= seed << 17;
                let at = usize::try_from(seed % PIECES.len() as u64).unwrap_or(0);
                text.push_str(PIECES[at]);
            }
            // Either a valid plan or an error; never a panic, never an invalid plan.
            if let Ok(imported) = import_text(&text) {
                imported.plan.validate().unwrap();
            }
        }
    }
}
