//! When the inspection took place and when its report was published, from the prose that
//! opens a plan: "The inspection took place between 10 and 14 June 2019", "Ofsted and the
//! CQC published their report on 13 August 2019".
//!
//! Only full days count: the plan's fields are days, and a month would be a guess.

use std::sync::LazyLock;

use regex::Regex;
use time::{Date, Month};

use super::lines::Line;
use crate::domain::{PartialDate, parse_uk_due};

/// The inspection's dates as the prose gives them; each is the first one found.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub(super) struct InspectionDates {
    pub inspection_start: Option<Date>,
    pub inspection_end: Option<Date>,
    pub report_published: Option<Date>,
}

const MONTH: &str = r"jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sept?(?:ember)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?";

fn regex(pattern: &str) -> Regex {
    Regex::new(pattern).expect("valid regex")
}

/// "between 10 and 14 June 2019", "from 30 September to 4 October 2019", "10–14 June
/// 2019", "between 2 July 2018 and 6 July 2018".
static WORD_RANGE: LazyLock<Regex> = LazyLock::new(|| {
    regex(&format!(
        r"(?i)\b(between|from)?\s*(\d{{1,2}})(?:st|nd|rd|th)?(?:\s+(?:of\s+)?({MONTH})\b\.?)?(?:,?\s+(\d{{4}}))?\s*(and|to|until|till|-|–|—)\s*(?:the\s+)?(\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?({MONTH})\b\.?,?\s+(\d{{4}})\b"
    ))
});
/// "between 10/06/2019 and 14/06/2019", "10/06/2019 - 14/06/2019".
static NUMERIC_RANGE: LazyLock<Regex> = LazyLock::new(|| {
    regex(
        r"(?i)\b(between|from)?\s*(\d{1,2})[/.](\d{1,2})[/.](\d{4})\s*(and|to|until|till|-|–|—)\s*(\d{1,2})[/.](\d{1,2})[/.](\d{4})\b",
    )
});
/// "published on 13 August 2019", "published 13/08/2019", "published their report on …":
/// the first day named soon after the word.
static PUBLISHED: LazyLock<Regex> = LazyLock::new(|| {
    regex(&format!(
        r"(?i)\bpublish\w*\b(.{{0,80}}?)\b(\d{{1,2}}(?:st|nd|rd|th)?\s+(?:of\s+)?(?:{MONTH})\b\.?,?\s+\d{{4}}|\d{{1,2}}[/.]\d{{1,2}}[/.](?:\d{{4}}|\d{{2}})|\d{{4}}-\d{{1,2}}-\d{{1,2}})\b"
    ))
});

/// A revisit or a later inspection is another event than the one the plan answers.
const OTHER_VISITS: [&str; 6] = [
    "revisit",
    "re-visit",
    "re-inspect",
    "reinspect",
    "monitoring visit",
    "next inspection",
];
/// A publication of the plan itself, not of the inspection report.
const OWN_DOCUMENTS: [&str; 5] = [
    "statement of action",
    "wsoa",
    "plan",
    "strategy",
    "self-eval",
];
/// A publication sentence must be about the report.
const REPORT_WORDS: [&str; 6] = [
    "report",
    "letter",
    "findings",
    "ofsted",
    "cqc",
    "inspection",
];

/// Reads the dates of the inspection and of its report from every line's text; the first
/// sentence naming each wins.
pub(super) fn read(lines: &[Line]) -> InspectionDates {
    let mut dates = InspectionDates::default();
    for line in lines {
        let text = line.text();
        let lower = text.to_lowercase();
        if !lower.contains("inspect") && !lower.contains("visit") && !lower.contains("publish") {
            continue;
        }
        // "It took place from …" after a sentence naming the inspection.
        let paragraph_names_it = lower.contains("inspect");
        for sentence in sentences(&text) {
            if dates.inspection_start.is_none()
                && let Some((start, end)) = visit(sentence, paragraph_names_it)
            {
                dates.inspection_start = Some(start);
                dates.inspection_end = Some(end);
            }
            if dates.report_published.is_none() {
                dates.report_published = published(sentence);
            }
        }
        if dates.inspection_start.is_some() && dates.report_published.is_some() {
            break;
        }
    }
    dates
}

/// The sentences of a paragraph: split after `.`, `!` or `?` where the next word starts
/// with a capital letter or a digit.
fn sentences(text: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut start = 0;
    let mut chars = text.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        if !matches!(c, '.' | '!' | '?') {
            continue;
        }
        let Some(&(_, next)) = chars.peek() else {
            continue;
        };
        if !next.is_whitespace() {
            continue;
        }
        let rest = text[i + c.len_utf8()..].trim_start();
        if rest.starts_with(|ch: char| ch.is_uppercase() || ch.is_ascii_digit()) {
            out.push(text[start..=i].trim());
            start = text.len() - rest.len();
        }
    }
    out.push(text[start..].trim());
    out.retain(|s| !s.is_empty());
    out
}

/// The first and last day of the visit a sentence about the inspection names.
fn visit(sentence: &str, paragraph_names_it: bool) -> Option<(Date, Date)> {
    let lower = sentence.to_lowercase();
    let about_it = lower.contains("inspect")
        || lower.contains("visit")
        || (paragraph_names_it && lower.contains("took place"));
    if !about_it || OTHER_VISITS.iter().any(|w| lower.contains(w)) {
        return None;
    }
    for caps in WORD_RANGE.captures_iter(sentence) {
        if !joined(caps.get(1).is_some(), &caps[5]) {
            continue;
        }
        if let Some(found) = word_range(&caps) {
            return Some(found);
        }
    }
    for caps in NUMERIC_RANGE.captures_iter(sentence) {
        if !joined(caps.get(1).is_some(), &caps[5]) {
            continue;
        }
        let day = |d: usize, m: usize, y: usize| {
            let month = Month::try_from(caps[m].parse::<u8>().ok()?).ok()?;
            Date::from_calendar_date(caps[y].parse().ok()?, month, caps[d].parse().ok()?).ok()
        };
        if let Some(found) = day(2, 3, 4)
            .zip(day(6, 7, 8))
            .and_then(|(start, end)| plausible(start, end))
        {
            return Some(found);
        }
    }
    None
}

/// The days of a [`WORD_RANGE`] match; the start borrows the end's month and year when it
/// has none of its own.
fn word_range(caps: &regex::Captures<'_>) -> Option<(Date, Date)> {
    let end_month = month(&caps[7])?;
    let end_year: i32 = caps[8].parse().ok()?;
    let end = Date::from_calendar_date(end_year, end_month, caps[6].parse().ok()?).ok()?;
    let start_month = match caps.get(3) {
        Some(word) => month(word.as_str())?,
        None => end_month,
    };
    let start_year = match caps.get(4) {
        Some(year) => year.as_str().parse().ok()?,
        None => end_year,
    };
    let mut start =
        Date::from_calendar_date(start_year, start_month, caps[2].parse().ok()?).ok()?;
    // "30 December – 3 January 2020": the start is in the year before.
    if start > end && caps.get(4).is_none() {
        start = start.replace_year(start.year() - 1).ok()?;
    }
    plausible(start, end)
}

/// "and" or "to" join a range only after "between" or "from"; a dash joins one alone.
fn joined(introduced: bool, connector: &str) -> bool {
    introduced || matches!(connector, "-" | "–" | "—")
}

/// A visit lasts days, not months: a longer span is two other dates.
fn plausible(start: Date, end: Date) -> Option<(Date, Date)> {
    let days = (end - start).whole_days();
    (0..=28).contains(&days).then_some((start, end))
}

/// The month a word names, read as deadlines are read.
fn month(word: &str) -> Option<Month> {
    match parse_uk_due(&format!("{word} 2000"))?.by {
        PartialDate::Month { month, .. } => Some(month),
        PartialDate::Day(_) => None,
    }
}

/// The day a sentence about the inspection report says it was published.
fn published(sentence: &str) -> Option<Date> {
    let lower = sentence.to_lowercase();
    if !REPORT_WORDS.iter().any(|w| lower.contains(w)) {
        return None;
    }
    let caps = PUBLISHED.captures(sentence)?;
    let date = caps.get(2)?;
    let upto = sentence[..date.start()].to_lowercase();
    if OWN_DOCUMENTS.iter().any(|w| upto.contains(w)) {
        return None;
    }
    match parse_uk_due(date.as_str())?.by {
        PartialDate::Day(day) => Some(day),
        PartialDate::Month { .. } => None,
    }
}

#[cfg(test)]
mod tests {
    use time::macros::date;

    use super::*;
    use crate::documents::text::lines::split;

    fn dates(text: &str) -> InspectionDates {
        read(&split(text))
    }

    fn visit_of(text: &str) -> Option<(String, String)> {
        let found = dates(text);
        found
            .inspection_start
            .zip(found.inspection_end)
            .map(|(s, e)| (s.to_string(), e.to_string()))
    }

    fn pair(start: &str, end: &str) -> (String, String) {
        (start.to_owned(), end.to_owned())
    }

    #[test]
    fn a_visit_between_two_days_of_a_month_is_read() {
        assert_eq!(
            visit_of("The inspection took place between 10 and 14 June 2019."),
            Some(pair("2019-06-10", "2019-06-14"))
        );
        assert_eq!(
            visit_of("Ofsted and the CQC inspected the area from 10 to 14 June 2019."),
            Some(pair("2019-06-10", "2019-06-14"))
        );
        assert_eq!(
            visit_of(
                "Between 10th June 2019 and 14th June 2019 Ofsted and the Care Quality \
                 Commission (CQC), conducted a SEND inspection of the local area."
            ),
            Some(pair("2019-06-10", "2019-06-14"))
        );
    }

    #[test]
    fn a_visit_across_two_months_or_years_is_read() {
        assert_eq!(
            visit_of("The joint inspection took place from 30 September to 4 October 2019."),
            Some(pair("2019-09-30", "2019-10-04"))
        );
        assert_eq!(
            visit_of("Inspectors visited between 30 December and 3 January 2020."),
            Some(pair("2019-12-30", "2020-01-03"))
        );
        assert_eq!(
            visit_of(
                "We were inspected in Anyshire. It took place between 2 July 2018 and 6 July 2018."
            ),
            Some(pair("2018-07-02", "2018-07-06"))
        );
    }

    #[test]
    fn a_dashed_or_numeric_range_in_a_sentence_about_the_inspection_is_read() {
        assert_eq!(
            visit_of("The area was inspected on 10–14 June 2019 by Ofsted."),
            Some(pair("2019-06-10", "2019-06-14"))
        );
        assert_eq!(
            visit_of("Inspection visit: 10/06/2019 - 14/06/2019"),
            Some(pair("2019-06-10", "2019-06-14"))
        );
    }

    #[test]
    fn ranges_outside_sentences_about_the_inspection_are_not_its_dates() {
        assert_eq!(visit_of("Consultation ran from 10 to 14 June 2019."), None);
        assert_eq!(
            visit_of("The inspection was in June. Consultation ran from 1 to 5 July 2019."),
            None
        );
        assert_eq!(
            visit_of("A revisit took place between 1 and 5 March 2021."),
            None
        );
        assert_eq!(
            visit_of("Inspection findings cover priorities 2 and 6 July 2019."),
            None
        );
        assert_eq!(
            visit_of("The inspection covered work from 1 January to 30 June 2019."),
            None
        );
    }

    #[test]
    fn the_report_publication_day_is_read() {
        for text in [
            "The report was published on 13 August 2019.",
            "Report published 13/08/2019",
            "Ofsted and CQC published their report on 13 August 2019.",
            "Ofsted and the CQC published the final report on 13th August 2019. It found weaknesses.",
        ] {
            assert_eq!(
                dates(text).report_published,
                Some(date!(2019 - 08 - 13)),
                "{text}"
            );
        }
    }

    #[test]
    fn other_publications_and_months_are_not_the_report_day() {
        for text in [
            "This written statement of action was published on 20 November 2019 after the inspection.",
            "We published our local offer on 1 May 2019.",
            "The inspection report was published in August 2019.",
            "The report was published. On 1 May 2019 we met.",
        ] {
            assert_eq!(dates(text).report_published, None, "{text}");
        }
    }

    #[test]
    fn the_first_dates_found_win_and_both_may_share_a_sentence() {
        let text = "The inspection took place between 10 and 14 June 2019 and the report was \
                    published on 13 August 2019.\n\
                    A second inspection took place between 1 and 5 June 2020.";

        let found = dates(text);

        assert_eq!(found.inspection_start, Some(date!(2019 - 06 - 10)));
        assert_eq!(found.inspection_end, Some(date!(2019 - 06 - 14)));
        assert_eq!(found.report_published, Some(date!(2019 - 08 - 13)));
    }

    #[test]
    fn sentences_split_before_a_capital_or_a_digit() {
        assert_eq!(
            sentences("One is here. Two follows! 3 ends? yes. End"),
            ["One is here.", "Two follows!", "3 ends? yes.", "End"]
        );
    }
}
