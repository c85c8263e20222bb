//! The title block: what the plan is, whose it is and when it is dated.

use std::sync::LazyLock;

use regex::Regex;

use super::clean::clean;
use super::lines::Line;
use crate::domain::{PartialDate, PlanKind, parse_uk_due};

/// What the first lines say about the plan.
#[derive(Debug, Default)]
pub(super) struct Front {
    /// The title block's lines before the date, joined.
    pub title: Option<String>,
    /// "Anyshire", as the title names it.
    pub local_area: Option<String>,
    /// From the words of the title, else of the opening text.
    pub kind: Option<PlanKind>,
    /// The date on the title page.
    pub date: Option<PartialDate>,
}

static DATE_LINE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?i)^(?:(?:date|dated|updated?|published|version\s*[0-9.]*|as\s+at|update\s+as\s+at|issued)\s*[:\-–]?\s*)*(?:[0-9]{1,2}(?:st|nd|rd|th)?\s+)?(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?,?\s+[0-9]{4}$|^[0-9]{1,2}[/.][0-9]{1,2}[/.][0-9]{2,4}$",
    )
    .expect("valid regex")
});
static INSPECTION_OF: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?-u:\b)(?:SEND|SEN|local area|joint area|joint local area)\s+(?:SEND\s+)?inspection\s+(?:in|of)\s+((?:[A-Z][A-Za-z0-9'’&-]*)(?:\s+(?:and\s+)?[A-Z][A-Za-z0-9'’&-]*){0,4})",
    )
    .expect("valid regex")
});
static AREA_BEFORE_TOPIC: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"^(.*?)\s*(?-u:\b)(?:(?i:special educational needs|written statement|accelerated progress|priority action|improvement plan|wsoa|local area|send)(?-u:\b)|SEND(?-u:\b))",
    )
    .expect("valid regex")
});
static CONTENTS: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?i)^(?:table of\s+)?contents?\s*:?$").expect("valid regex"));

/// Reads the title block (the opening lines up to "Contents", a table or a paragraph),
/// marking the lines it uses.
/// What is known of the document apart from its text: where the local area may be
/// named when the title block does not name it.
#[derive(Debug, Default, Clone)]
pub(crate) struct Hints {
    /// The title in the document's properties (Word and Excel keep one).
    pub title: Option<String>,
    /// The uploaded file's name.
    pub file_name: Option<String>,
}

pub(super) fn read(lines: &[Line], used: &mut [bool], hints: &Hints) -> Front {
    let mut front = Front::default();
    let mut title: Vec<String> = Vec::new();
    let mut seen = 0;
    for (i, line) in lines.iter().enumerate() {
        if line.is_blank() {
            continue;
        }
        let text = heading_text(&line.text());
        let stop = seen >= 8
            || line.filled() > 1
            || text.chars().count() > 160
            || CONTENTS.is_match(&text)
            || super::table::area_heading(&text).is_some();
        let taken = used.get(i).copied().unwrap_or(true);
        if taken && seen == 0 {
            // A list read before (a priorities sheet ahead of the tracker): the title
            // block may still follow.
            continue;
        }
        if stop || taken {
            break;
        }
        seen += 1;
        if front.date.is_none() && DATE_LINE.is_match(&text) {
            front.date = parse_uk_due(&text).map(|due| due.by);
            if let Some(flag) = used.get_mut(i) {
                *flag = true;
            }
            continue;
        }
        let quoted = text.starts_with(['“', '"', '‘']);
        if front.date.is_none() && !quoted && !text.ends_with('.') {
            title.push(text);
            if let Some(flag) = used.get_mut(i) {
                *flag = true;
            }
        }
    }
    if !title.is_empty() {
        front.title = Some(title.join(" "));
    }
    front.local_area = local_area(&title)
        .or_else(|| {
            // A heading or sentence further on: "SEND inspection in X", or a heading
            // line naming the area before the plan's topic.
            lines.iter().take(400).find_map(|line| {
                let text = line.text();
                INSPECTION_OF
                    .captures(&text)
                    .map(|caps| caps[1].trim().to_owned())
                    .or_else(|| {
                        (line.filled() == 1 && text.chars().count() <= 160)
                            .then(|| local_area(std::slice::from_ref(&text)))
                            .flatten()
                    })
            })
        })
        .or_else(|| {
            hints
                .title
                .as_deref()
                .and_then(|t| local_area(&[t.to_owned()]))
        })
        .or_else(|| hints.file_name.as_deref().and_then(area_from_file_name))
        .map(|area| tidy_area(&area))
        .filter(|area| !area.is_empty());
    let opening: String = lines
        .iter()
        .take(80)
        .map(Line::text)
        .collect::<Vec<_>>()
        .join(" ");
    front.kind = front
        .title
        .as_deref()
        .and_then(kind_of)
        .or_else(|| kind_of(&opening));
    if front.date.is_none() {
        // A date line further down the opening pages, if the title block had none.
        front.date = lines.iter().take(40).find_map(|line| {
            let text = heading_text(&line.text());
            if DATE_LINE.is_match(&text) {
                parse_uk_due(&text).map(|due| due.by)
            } else {
                None
            }
        });
    }
    front
}

/// A line as a heading: tags, Markdown marks and leading arrows removed.
pub(super) fn heading_text(text: &str) -> String {
    let cleaned = clean(text);
    cleaned
        .trim_start_matches(|c: char| {
            matches!(c, '#' | '*' | '▶' | '►' | '■' | '•' | '_') || c.is_whitespace()
        })
        .trim_end_matches(|c: char| matches!(c, '*' | '_') || c.is_whitespace())
        .to_owned()
}

/// The local area from the title lines: "SEND inspection in X", the words before
/// "Special Educational Needs…", or the line before the one that starts with them.
fn local_area(title: &[String]) -> Option<String> {
    for (i, line) in title.iter().enumerate() {
        if let Some(caps) = INSPECTION_OF.captures(line) {
            return Some(caps[1].trim().to_owned());
        }
        if let Some(caps) = AREA_BEFORE_TOPIC.captures(line) {
            let before = caps[1]
                .trim()
                .trim_end_matches([',', '-', '–', '—', ':'])
                .trim();
            let tidied = tidy_area(before);
            if !tidied.is_empty() && tidied.split_whitespace().count() <= 6 {
                return Some(tidied);
            }
            if before.is_empty() && i > 0 {
                return Some(title[i - 1].clone());
            }
        }
    }
    None
}

/// The local area as the app names areas: "Northshire" from "Northshire County Council
/// and NHS Northshire ICB" or "The London Borough of Wexbridge".
fn tidy_area(raw: &str) -> String {
    static PARTNER: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"(?i)\s+(?:and|&)\s+(?:the\s+)?(?:nhs|icb|ccg|health|integrated care|clinical commissioning|partners).*$")
            .expect("valid regex")
    });
    static PREFIX: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(
            r"(?i)^(?:the\s+)?(?:(?:london|royal)\s+borough\s+of\s+|city\s+of\s+|county\s+of\s+)?",
        )
        .expect("valid regex")
    });
    static SUFFIX: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"(?i)\s+(?:metropolitan\s+borough\s+council|borough\s+council|county\s+council|city\s+council|district\s+council|council|local\s+area(?:\s+partnership)?|send\s+partnership|partnership|local\s+authority)$")
            .expect("valid regex")
    });
    let trimmed = raw
        .trim()
        .trim_end_matches(['—', '–', '-', ',', ':', '|'])
        .trim();
    let without_partner = PARTNER.replace(trimmed, "");
    let without_prefix = PREFIX.replace(&without_partner, "");
    let mut area = without_prefix.trim().to_owned();
    loop {
        let shorter = SUFFIX.replace(&area, "").trim().to_owned();
        if shorter == area || shorter.is_empty() {
            break;
        }
        area = shorter;
    }
    area.trim_end_matches(['—', '–', '-', ',', ':', '\'', '’'])
        .trim()
        .to_owned()
}

/// "holmford-send-pap-tracker-v3.xlsx" → "Holmford": the words of a file name before
/// the plan's topic words.
fn area_from_file_name(name: &str) -> Option<String> {
    const TOPIC: [&str; 24] = [
        "send",
        "sen",
        "wsoa",
        "pap",
        "app",
        "plan",
        "tracker",
        "written",
        "priority",
        "action",
        "improvement",
        "accelerated",
        "statement",
        "local",
        "area",
        "progress",
        "v1",
        "quarterly",
        "monthly",
        "update",
        "draft",
        "final",
        "export",
        "sharepoint",
    ];
    let stem = std::path::Path::new(name).file_stem()?.to_str()?;
    let mut words = Vec::new();
    for word in stem
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
    {
        let lower = word.to_lowercase();
        if TOPIC.contains(&lower.as_str()) || lower.chars().all(|c| c.is_ascii_digit()) {
            break;
        }
        let mut chars = word.chars();
        let first = chars.next()?;
        words.push(first.to_uppercase().chain(chars).collect::<String>());
    }
    (!words.is_empty() && words.len() <= 4).then(|| words.join(" "))
}

/// The kind of plan its words name.
fn kind_of(text: &str) -> Option<PlanKind> {
    let lower = text.to_lowercase();
    if lower.contains("accelerated progress plan") {
        Some(PlanKind::AcceleratedProgressPlan)
    } else if lower.contains("priority action plan") {
        Some(PlanKind::PriorityActionPlan)
    } else if lower.contains("written statement of action") || lower.contains("wsoa") {
        Some(PlanKind::WrittenStatementOfAction)
    } else if lower.contains("improvement plan") {
        Some(PlanKind::ImprovementPlan)
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::documents::text::lines::split;

    fn front(text: &str) -> Front {
        let lines = split(text);
        let mut used = vec![false; lines.len()];
        read(&lines, &mut used, &Hints::default())
    }

    #[test]
    fn the_area_is_named_as_the_app_names_areas() {
        assert_eq!(
            tidy_area("Northshire County Council and NHS Northshire ICB —"),
            "Northshire"
        );
        assert_eq!(tidy_area("The London Borough of Wexbridge"), "Wexbridge");
        assert_eq!(tidy_area("Holmford Local Area Partnership"), "Holmford");
        assert_eq!(tidy_area("North West Eastmere"), "North West Eastmere");
        assert_eq!(
            area_from_file_name("north-calderby_SEND_PAP_tracker v3.xlsx").as_deref(),
            Some("North Calderby")
        );
        assert_eq!(area_from_file_name("tracker.xlsx"), None);
        let found = front(
            "Northshire Council and NHS Northshire ICB — SEND Priority Action Plan tracker\n",
        );
        assert_eq!(found.local_area.as_deref(), Some("Northshire"));
    }

    #[test]
    fn the_title_block_names_the_area_the_kind_and_the_date() {
        let found = front(
            "\n\nUpper Anyshire\nSpecial Educational Needs and Disabilities (SEND)\nWritten Statement of Action\n\nDecember 2018\n\n“A quote.”\n\nContents\n",
        );
        assert_eq!(found.local_area.as_deref(), Some("Upper Anyshire"));
        assert_eq!(
            found.title.as_deref(),
            Some(
                "Upper Anyshire Special Educational Needs and Disabilities (SEND) Written Statement of Action"
            )
        );
        assert_eq!(found.kind, Some(PlanKind::WrittenStatementOfAction));
        assert_eq!(
            found.date.map(|d| d.to_string()).as_deref(),
            Some("2018-12")
        );
    }

    #[test]
    fn the_area_may_lead_the_title_line_or_follow_inspection_in() {
        let found = front(
            "Anytown Special Educational Needs Written Statement of Action\n\nNovember 2019\n",
        );
        assert_eq!(found.local_area.as_deref(), Some("Anytown"));
        let found = front(
            "Joint area SEND inspection in Northshire\n\n▶ Accelerated Progress Plan\n\nUpdate as at March 2021\n",
        );
        assert_eq!(found.local_area.as_deref(), Some("Northshire"));
        assert_eq!(found.kind, Some(PlanKind::AcceleratedProgressPlan));
        assert_eq!(
            found.date.map(|d| d.to_string()).as_deref(),
            Some("2021-03")
        );
    }
}
