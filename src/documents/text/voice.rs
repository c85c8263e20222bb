//! "What our children and young people have said…" and "What our parents/carers have
//! said…" sections: each paragraph a quote, who said it from the heading and a trailing
//! "(Y10)" or "(17 yr old)", the area from the area heading above it.
//!
//! The working-well / requires-improvement legend after each section is read past but
//! not applied: documents mark each quote by colour, and the text export loses it, so
//! quotes come in as "not stated" rather than guessed. Kept apart from the other passes
//! (one function over the lines, whichever format they came from) so the table reader can
//! change without touching it.

use std::sync::LazyLock;

use regex::Regex;

use super::Line;
use crate::domain::{PlanTree, Quote, Speaker, VoiceSource};

static HEADING: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?i)^what\s+(?:our\s+|the\s+)?(children(?:\s*(?:,|and|&)\s*young\s+people)?|young\s+people|parents?\s*(?:/|and|or|&)\s*carers?|parents|carers|families)\s+(?:have\s+|has\s+)?(?:said|told\s+us|say)\b(.*)$",
    )
    .expect("valid regex")
});
static AREA: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?i)^(?:area\s+of\s+(?:priority\s+action|priority|significant\s+weakness|weakness)|priority\s+area|area|priority|workstream|strand)\s+([0-9]{1,2})\b\s*(?:[:.–—-].*)?$",
    )
    .expect("valid regex")
});
static WHO: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?i)\s*\(\s*(?:y(?:ear)?\s*([0-9]{1,2})|([0-9]{1,2})\s*(?:yrs?|years?)\s*old)\s*\)\s*\.?\s*$",
    )
    .expect("valid regex")
});

/// The longest paragraph read as a quote; longer prose means the section has ended.
const MAX_QUOTE: usize = 600;

fn is_legend(text: &str) -> bool {
    let lower = text.trim().trim_end_matches('.').to_lowercase();
    lower == "what is working well" || lower == "requires improvement"
}

/// "“Words.”" → "Words.".
fn unquote(text: &str) -> String {
    let text = text.trim();
    let inner = text
        .strip_prefix(['"', '“'])
        .and_then(|t| t.strip_suffix(['"', '”']));
    match inner {
        Some(inner) if !inner.contains(['"', '“', '”']) => inner.trim().to_owned(),
        _ => text.to_owned(),
    }
}

/// Reads the voice sections, marking their lines used; `used` is indexed like `lines`.
pub(super) fn read(lines: &[Line], used: &mut [bool], plan: &PlanTree) -> Vec<Quote> {
    let mut quotes = Vec::new();
    let mut area: Option<u32> = None;
    let mut section: Option<(Speaker, VoiceSource)> = None;
    let mut legend_seen = false;
    for (i, line) in lines.iter().enumerate() {
        let cells: Vec<&str> = line
            .texts
            .iter()
            .map(|c| c.trim())
            .filter(|c| !c.is_empty())
            .collect();
        let already = used.get(i).copied().unwrap_or(true);
        if cells.is_empty() {
            continue;
        }
        if cells.len() > 1 {
            // A table row, or a legend whose colour cell was lost ("\tRequires Improvement"
            // has one cell): either way the prose section is over.
            section = None;
            continue;
        }
        let line = cells[0];
        if let Some(caps) = AREA.captures(line)
            && let Ok(number) = caps[1].parse::<u32>()
            && plan.areas.iter().any(|a| a.number == number)
        {
            area = Some(number);
            section = None;
            continue;
        }
        // "What parents said: it was hard." is a sentence, not a heading.
        if !already
            && line.chars().count() <= 150
            && let Some(caps) = HEADING.captures(line)
            && !caps[2].contains(':')
        {
            let who = caps[1].to_lowercase();
            let speaker =
                if who.starts_with("parent") || who.starts_with("carer") || who == "families" {
                    Speaker::ParentOrCarer
                } else {
                    Speaker::ChildOrYoungPerson
                };
            let rest = caps[2].to_lowercase();
            let source = if rest.contains("listening") {
                VoiceSource::ListeningEvent
            } else if rest.contains("survey") || rest.contains("questionnaire") {
                VoiceSource::Survey
            } else if rest.contains("forum") || rest.contains("group") {
                VoiceSource::Forum
            } else {
                VoiceSource::Other
            };
            section = Some((speaker, source));
            legend_seen = false;
            used[i] = true;
            continue;
        }
        let Some((speaker, source)) = section else {
            continue;
        };
        if is_legend(line) {
            legend_seen = true;
            if !already {
                used[i] = true;
            }
            continue;
        }
        if legend_seen || already || line.chars().count() > MAX_QUOTE {
            section = None;
            continue;
        }
        let (words, year_group, age) = match WHO.captures(line) {
            Some(caps) if speaker == Speaker::ChildOrYoungPerson => {
                let start = caps.get(0).map_or(line.len(), |m| m.start());
                let year = caps.get(1).and_then(|m| m.as_str().parse::<u8>().ok());
                let age = caps.get(2).and_then(|m| m.as_str().parse::<u8>().ok());
                (
                    &line[..start],
                    year.filter(|y| *y <= 14),
                    age.filter(|a| *a <= 25),
                )
            }
            _ => (line, None, None),
        };
        let mut quote = Quote::new(unquote(words), speaker, source);
        quote.year_group = year_group;
        quote.age = age;
        quote.areas = area.into_iter().collect();
        if quote.validate().is_ok() {
            quotes.push(quote);
            used[i] = true;
        }
    }
    quotes
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::documents::text::split;
    use crate::domain::{Area, Sentiment};

    fn plan() -> PlanTree {
        let mut plan = PlanTree::new("Here", "Plan");
        plan.areas.push(Area {
            number: 1,
            title: "A weakness".into(),
            ..Area::default()
        });
        plan
    }

    #[test]
    fn quotes_take_who_from_the_heading_and_the_year_group_and_area_from_around_them() {
        let text = "Area of priority action 1\n\nA finding.\n\n\
                    What our Children and Young People have said post inspection from the listening events.\n\n\
                    I'm OK because I say when I need help. (Y10).\n\n\
                    \"I need more support to be independent.\"(17 yr old)\n\n\
                    Nobody seems to do the same thing.\n\n\
                    \tWhat is working well\n\tRequires Improvement\n\n\
                    What our Parents/Carers have said post inspection from the listening events.....\n\n\
                    “I feel like people do care.”\n\n\
                    What is working well\n\nRequires Improvement\n\nAfter the section.\n";
        let mut used = vec![false; text.lines().count()];

        let quotes = read(&split(text), &mut used, &plan());

        assert_eq!(quotes.len(), 4);
        assert_eq!(quotes[0].text, "I'm OK because I say when I need help.");
        assert_eq!(quotes[0].year_group, Some(10));
        assert_eq!(quotes[0].speaker, Speaker::ChildOrYoungPerson);
        assert_eq!(quotes[0].source, VoiceSource::ListeningEvent);
        assert_eq!(quotes[0].areas, [1]);
        assert_eq!(quotes[0].sentiment, Sentiment::NotStated);
        assert_eq!(quotes[1].text, "I need more support to be independent.");
        assert_eq!(quotes[1].age, Some(17));
        assert_eq!(quotes[2].year_group, None);
        assert_eq!(quotes[3].speaker, Speaker::ParentOrCarer);
        assert_eq!(quotes[3].text, "I feel like people do care.");
        let last = text.lines().count() - 1;
        assert!(!used[last], "prose after the legend is left for the report");
        assert!(!used[2], "the finding is not a quote");
    }

    #[test]
    fn a_heading_in_a_contents_table_starts_nothing() {
        let text =
            "What our Parents/Carers have said\t12\nArea of priority action 1\t13\nSome prose.\n";
        let mut used = vec![false; 3];

        assert!(read(&split(text), &mut used, &plan()).is_empty());
        assert!(used.iter().all(|u| !u));
    }
}
