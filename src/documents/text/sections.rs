//! The parts of a plan that sit outside its action tables and may come anywhere: the
//! owner list that turns initials into people, the rating key, the glossary, and the
//! resource codes.

use std::collections::HashSet;
use std::sync::LazyLock;

use regex::Regex;

use super::columns::is_initials;
use super::lines::Line;
use crate::documents::ImportReport;
use crate::domain::{GlossaryEntry, Person};

/// What was found outside the tables.
#[derive(Debug, Default)]
pub(super) struct Sections {
    /// Owner list entries, initials unique.
    pub people: Vec<Person>,
    /// The first rating key.
    pub key: Option<Key>,
    /// Glossary entries in document order.
    pub glossary: Vec<GlossaryEntry>,
    /// Areas a list of priorities names, apart from the action tables.
    pub areas: Vec<ListedArea>,
}

/// An area as a list of priorities gives it: "Priority 1 | Leaders do not…".
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct ListedArea {
    /// The area's number.
    pub number: u32,
    /// "Priority 1", as the list labels it.
    pub label: String,
    /// The weakness or priority in full.
    pub title: String,
    /// The senior responsible officer, where the list names one.
    pub sponsor: Option<String>,
}

/// A rating key as written: its heading and levels, codes where the text kept them.
#[derive(Debug, Clone)]
pub(super) struct Key {
    /// "RAG Rating Key", "The ratings are as follows:"; empty when the key had none.
    pub heading: String,
    /// Levels in the document's order.
    pub levels: Vec<KeyLevel>,
}

/// One level of a key as written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct KeyLevel {
    /// "B", "G"…, when the text kept a code or colour word.
    pub code: Option<String>,
    /// What the level means.
    pub meaning: String,
}

/// "Section 4 - ", "Appendix 2: ", "4.1 " before a heading.
const NUMBERING: &str = r"(?:(?:section|appendix|part|annex)\s+[0-9A-Za-z]{1,4}\s*[-–—:.]?\s*|[0-9]{1,2}(?:\.[0-9]{1,2})*\.?\s+)?";

static OWNER_HEADING: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!(
        r"(?i)^{NUMBERING}(?:(?:action\s+|lead\s+)?owners?\s+(?:list|key)|key\s+to\s+(?:the\s+)?(?:post-?holders|initials|owners|leads|lead\s+officers|officers|names)|list\s+of\s+(?:action\s+)?(?:owners|leads|lead\s+officers|officers|post-?holders)|(?:action\s+)?leads?\s+key|post-?holders?(?:\s+key)?|initials\s+key|key\s+to\s+initials)\s*:?$"
    ))
    .expect("valid regex")
});
static KEY_HEADING: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!(
        r"(?i)^{NUMBERING}(?:the\s+)?(?:(?:b?rag|brag\s*\(p\)|rating|ratings|status|progress)(?:\s+(?:rating|ratings|status))?\s+key|key\s+to\s+(?:the\s+)?(?:b?rag|ratings?|status)(?:\s+ratings?)?|ratings?\s+(?:are|is)\s+as\s+follows|(?:progress\s*)?\(?b?rag(?:\s*\(p\))?\)?(?:\s+(?:rating|ratings|key))?|key|legend|rating\s+legend)\s*:?$"
    ))
    .expect("valid regex")
});
static GLOSSARY_HEADING: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!(
        r"(?i)^{NUMBERING}(?:glossary(?:\s+of\s+(?:terms|abbreviations|acronyms))?|(?:list\s+of\s+)?(?:abbreviations|acronyms)(?:\s+(?:and|&)\s+(?:acronyms|abbreviations|terms))?|glossary\s+(?:and|&)\s+abbreviations|terms\s+used)\s*:?$"
    ))
    .expect("valid regex")
});
static AREA_NUMBER_LABEL: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?i)^(?:no\.?|number|#|ref(?:erence)?|priority(?:\s+(?:no\.?|number))?|area(?:\s+(?:no\.?|number))?|work\s*stream(?:\s+(?:no\.?|number))?|ws|strand|theme)$",
    )
    .expect("valid regex")
});
static AREA_SPONSOR_LABEL: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)senior\s+responsible|responsible\s+officer|\bsro\b|sponsor|accountable|lead\s+officer|^lead$")
        .expect("valid regex")
});
static AREA_TEXT_LABEL: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?i)weakness|concern|priorit|finding|description|statement|title|what\s.*(?:said|found)|area",
    )
    .expect("valid regex")
});
static CODED_LEVEL: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"^(?i:(blue|green|amber|red|purple|yellow|orange|grey|black))\s*[–—:=-]+\s*(\S.*)$|^([A-Z])\s*[–—:=-]+\s*(\S.*)$",
    )
    .expect("valid regex")
});
static TRAILING_CODE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^(.*?)\s*\(([A-Z])\)$").expect("valid regex"));
static MEANING_THEN_CODE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"^([A-Za-z][^→=]{1,60}?)\s*(?:→|->|=>|=|:|–|-)\s*(?i:([A-Z]|blue|green|amber|red|purple|grey|black))\.?$",
    )
    .expect("valid regex")
});
static KEY_TABLE_HEADER: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?i)^(?:status(?:\s+words?)?|rating|ratings|rag|brag|code|codes|colour|color|level|key|meaning|description|what (?:it|this) means|definition|explanation|progress)$",
    )
    .expect("valid regex")
});
static STATUS_LEVEL: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^[A-Z][a-z]+(?: [a-z]+){0,3}\s*[–—:=-]\s+\S").expect("valid regex")
});
static RESOURCE_KEY: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^(?:AR|ER)\s*[–—:=-]+\s*\S").expect("valid regex"));
static OWNER_LINE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^([A-Z][A-Za-z]{0,5})\s*[–—:=-]+\s*(\S.*)$").expect("valid regex")
});
static GLOSSARY_LINE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^([A-Za-z][A-Za-z0-9&/'’.]{0,14})\s*(?:[–—:=]|\s-)\s*(\S.*)$")
        .expect("valid regex")
});

/// Finds the owner lists, the first rating key, the glossary and the resource codes,
/// marking their lines as used.
pub(super) fn find(lines: &[Line], used: &mut [bool], report: &mut ImportReport) -> Sections {
    let mut sections = Sections::default();
    let mut i = 0;
    while i < lines.len() {
        if used.get(i).copied().unwrap_or(true) || lines[i].is_blank() {
            i += 1;
            continue;
        }
        let line = &lines[i];
        let single = if line.filled() == 1 {
            Some(line.text())
        } else {
            None
        };
        let heading = single.as_deref().filter(|t| t.chars().count() <= 70);
        if let Some(end) = area_list(lines, i, used, &mut sections.areas) {
            i = end;
            continue;
        }
        if let Some(columns) = owner_header(line) {
            if let Some(end) = owner_rows(lines, i + 1, &columns, used, &mut sections, report) {
                mark(used, i);
                i = end;
                continue;
            }
        } else if heading.is_some_and(|t| OWNER_HEADING.is_match(t)) {
            let mut start = i + 1;
            let mut columns = OwnerColumns::default();
            if let Some(j) = next_filled(lines, start)
                && let Some(found) = owner_header(&lines[j])
            {
                columns = found;
                mark(used, j);
                start = j + 1;
            }
            if let Some(end) = owner_rows(lines, start, &columns, used, &mut sections, report) {
                mark(used, i);
                i = end;
                continue;
            }
        } else if heading.is_some_and(|t| GLOSSARY_HEADING.is_match(t)) {
            if let Some(end) = glossary(lines, i + 1, used, &mut sections.glossary) {
                mark(used, i);
                i = end;
                continue;
            }
        } else if sections.key.is_none() {
            let titled = heading.is_some_and(|t| KEY_HEADING.is_match(t));
            let start = if titled { i + 1 } else { i };
            // A key table needs no title: its header ("Status | BRAG") says what it is.
            if (titled || starts_coloured_key(line) || is_key_table_header(line))
                && let Some((levels, end)) = key_levels(lines, start, used, titled)
            {
                let heading = if titled {
                    heading.unwrap_or_default().to_owned()
                } else {
                    String::new()
                };
                sections.key = Some(Key { heading, levels });
                if titled {
                    mark(used, i);
                }
                i = end;
                continue;
            }
        }
        if single.as_deref().is_some_and(|t| RESOURCE_KEY.is_match(t)) {
            // The AR / ER codes are the resource field's own vocabulary.
            mark(used, i);
        }
        i += 1;
    }
    sections
}

/// Whether a line is the heading of an owner list, a rating key or a glossary.
pub(super) fn is_heading(text: &str) -> bool {
    OWNER_HEADING.is_match(text) || KEY_HEADING.is_match(text) || GLOSSARY_HEADING.is_match(text)
}

fn mark(used: &mut [bool], i: usize) {
    if let Some(flag) = used.get_mut(i) {
        *flag = true;
    }
}

fn next_filled(lines: &[Line], from: usize) -> Option<usize> {
    (from..lines.len()).find(|&j| !lines[j].is_blank())
}

/// A list of the plan's areas: under a header such as "Priority | Area of weakness",
/// rows of a number and the area's words; without one, at least two rows of a label
/// such as "Priority 1" and the words. Returns the line after the list.
fn area_list(
    lines: &[Line],
    start: usize,
    used: &mut [bool],
    out: &mut Vec<ListedArea>,
) -> Option<usize> {
    let filled = |line: &Line| -> Vec<usize> {
        (0..line.texts.len())
            .filter(|&k| !line.texts[k].is_empty())
            .collect()
    };
    let first = &lines[start];
    let header_cells = filled(first);
    let mut columns = None;
    let mut sponsor_column = None;
    if (2..=4).contains(&header_cells.len())
        && header_cells
            .iter()
            .all(|&k| first.texts[k].chars().count() <= 60)
    {
        let number = header_cells
            .iter()
            .copied()
            .find(|&k| AREA_NUMBER_LABEL.is_match(&first.texts[k]));
        sponsor_column = header_cells
            .iter()
            .copied()
            .find(|&k| Some(k) != number && AREA_SPONSOR_LABEL.is_match(&first.texts[k]));
        let words = header_cells.iter().copied().find(|&k| {
            Some(k) != number
                && Some(k) != sponsor_column
                && AREA_TEXT_LABEL.is_match(&first.texts[k])
        });
        if let (Some(number), Some(words)) = (number, words) {
            columns = Some((number, words));
        }
    }
    let mut found: Vec<(usize, ListedArea)> = Vec::new();
    let mut j = if columns.is_some() { start + 1 } else { start };
    while j < lines.len() && found.len() < 30 {
        if used.get(j).copied().unwrap_or(true) {
            break;
        }
        let line = &lines[j];
        if line.is_blank() {
            if found.is_empty() && columns.is_some() {
                j += 1;
                continue;
            }
            break;
        }
        let cells = filled(line);
        let (label, words, bare) = match columns {
            Some((number, words)) if cells.len() <= 4 => {
                (line.texts.get(number), line.texts.get(words), true)
            }
            None if cells.len() == 2 => (line.texts.get(cells[0]), line.texts.get(cells[1]), false),
            _ => break,
        };
        let (Some(label), Some(words)) = (label, words) else {
            break;
        };
        let number = super::table::area_heading(label)
            .map(|h| h.number)
            .or_else(|| bare.then(|| super::table::bare_number(label)).flatten());
        let Some(number) = number else { break };
        if words.chars().count() < 15 || found.iter().any(|(_, a)| a.number == number) {
            break;
        }
        let sponsor = sponsor_column
            .and_then(|k| line.texts.get(k))
            .filter(|t| !t.is_empty())
            .cloned();
        found.push((
            j,
            ListedArea {
                number,
                label: label.clone(),
                title: words.clone(),
                sponsor,
            },
        ));
        j += 1;
    }
    let enough = if columns.is_some() { 1 } else { 2 };
    if found.len() < enough {
        return None;
    }
    if columns.is_some() {
        mark(used, start);
    }
    for (k, area) in found {
        mark(used, k);
        if !out.iter().any(|a| a.number == area.number) {
            out.push(area);
        }
    }
    Some(j)
}

/// Where an owner list keeps each field.
#[derive(Debug, Clone, Copy)]
struct OwnerColumns {
    /// None for a who's-who of roles and names, which leads written as job titles
    /// resolve through.
    initials: Option<usize>,
    name: usize,
    role: Option<usize>,
    organisation: Option<usize>,
}

impl Default for OwnerColumns {
    fn default() -> Self {
        Self {
            initials: Some(0),
            name: 1,
            role: Some(2),
            organisation: None,
        }
    }
}

/// "Initial | Name | Position/Organisation" and the like.
fn owner_header(line: &Line) -> Option<OwnerColumns> {
    if line.cells.len() < 2 {
        return None;
    }
    let words: Vec<String> = line.texts.iter().map(|t| t.to_lowercase()).collect();
    if words
        .iter()
        .any(|w| w.contains("action") || w.contains("objective") || w.contains("outcome"))
    {
        return None;
    }
    let find = |test: &dyn Fn(&str) -> bool| words.iter().position(|w| test(w));
    let initials = find(&|w| {
        matches!(
            w.trim_end_matches(['.', ':']),
            "initial" | "initials" | "init" | "key" | "abbreviation" | "code"
        )
    });
    let name = find(&|w| {
        w.starts_with("name") || w == "full name" || w == "officer" || w == "postholder"
    })?;
    let role = find(&|w| {
        ["position", "role", "title", "job", "designation", "post"]
            .iter()
            .any(|k| w.contains(k))
    });
    let organisation = find(&|w| {
        [
            "organisation",
            "organization",
            "agency",
            "service",
            "employer",
        ]
        .iter()
        .any(|k| w.contains(k))
    })
    .filter(|&o| Some(o) != role);
    if initials.is_none() && role.is_none() {
        return None;
    }
    Some(OwnerColumns {
        initials,
        name,
        role,
        organisation,
    })
}

/// Reads owner rows from `start`; `None` when there was not one.
fn owner_rows(
    lines: &[Line],
    start: usize,
    columns: &OwnerColumns,
    used: &mut [bool],
    sections: &mut Sections,
    report: &mut ImportReport,
) -> Option<usize> {
    let mut found = 0;
    let mut blanks = 0;
    let mut j = start;
    while j < lines.len() {
        let line = &lines[j];
        if used.get(j).copied().unwrap_or(true) {
            break;
        }
        if line.is_blank() {
            blanks += 1;
            if blanks > 2 {
                break;
            }
            j += 1;
            continue;
        }
        blanks = 0;
        let Some(person) = owner_row(line, columns) else {
            break;
        };
        let key = person.key().to_owned();
        if sections.people.iter().any(|p| p.key() == key) {
            report.warn(
                line.location(),
                format!("the owner list gives {key:?} twice; the first entry is kept"),
            );
        } else {
            sections.people.push(person);
        }
        mark(used, j);
        found += 1;
        j += 1;
    }
    (found > 0).then_some(j)
}

fn owner_row(line: &Line, columns: &OwnerColumns) -> Option<Person> {
    let cell = |i: Option<usize>| -> String {
        i.and_then(|i| line.texts.get(i))
            .cloned()
            .unwrap_or_default()
    };
    if line.cells.len() >= 2 && columns.initials.is_none() {
        // A who's-who: role, name and organisation, no initials.
        let name = cell(Some(columns.name));
        let role = cell(columns.role);
        if name.is_empty()
            || role.is_empty()
            || !name.chars().any(char::is_lowercase)
            || name.split_whitespace().count() > 6
        {
            return None;
        }
        let organisation = cell(columns.organisation);
        return Some(Person {
            initials: None,
            name,
            role: Some(role),
            organisation: (!organisation.is_empty()).then_some(organisation),
        });
    }
    let (initials, name, position, organisation) = if line.cells.len() >= 2 {
        (
            cell(columns.initials),
            cell(Some(columns.name)),
            cell(columns.role),
            cell(columns.organisation),
        )
    } else {
        let text = line.texts.first()?.clone();
        let caps = OWNER_LINE.captures(&text)?;
        let rest = caps[2].trim();
        let (name, position) = match rest.find([',', '(']) {
            Some(at) if rest[at..].starts_with(',') => (&rest[..at], rest[at + 1..].trim()),
            Some(at) => (&rest[..at], &rest[at..]),
            None => (rest, ""),
        };
        (
            caps[1].to_owned(),
            name.trim().to_owned(),
            position.to_owned(),
            String::new(),
        )
    };
    let plausible_initials = (1..=6).contains(&initials.chars().count())
        && initials.chars().all(char::is_alphabetic)
        && initials.chars().next().is_some_and(char::is_uppercase);
    if !plausible_initials || name.is_empty() || !name.chars().any(char::is_lowercase) {
        return None;
    }
    let (role, mut org) = role_and_organisation(&position);
    if !organisation.is_empty() {
        org = Some(organisation);
    }
    Some(Person {
        initials: Some(initials),
        name,
        role,
        organisation: org,
    })
}

/// Splits "Assistant Director, Skills (COUNCIL)" into the role and the organisation in
/// brackets; a lone acronym ("FORUM") is an organisation.
fn role_and_organisation(position: &str) -> (Option<String>, Option<String>) {
    let position = position.trim();
    if position.is_empty() {
        return (None, None);
    }
    if let (Some(open), true) = (position.rfind('('), position.ends_with(')')) {
        let org = position[open + 1..position.len() - 1].trim();
        let role = position[..open]
            .trim()
            .trim_end_matches([',', '-', '–'])
            .trim();
        let some = |s: &str| (!s.is_empty()).then(|| s.to_owned());
        return (some(role), some(org));
    }
    if (!position.contains(' ') && is_initials(position))
        || position.chars().all(char::is_uppercase)
    {
        return (None, Some(position.to_owned()));
    }
    (Some(position.to_owned()), None)
}

static PERSON: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"^((?:Mc|Mac|O’|O')?[A-Z][a-z’']+(?:-[A-Z][a-z’']+)?(?:\s+(?:Mc|Mac|O’|O')?[A-Z][a-z’']+(?:-[A-Z][a-z’']+)?){1,2})(?:\s*\((.*?)\)?|\s+(\S.*))?$",
    )
    .expect("valid regex")
});

/// Words that make a capitalised phrase a team or an organisation rather than a person.
const NOT_NAMES: [&str; 30] = [
    "Board",
    "Members",
    "Voice",
    "Forum",
    "Group",
    "Team",
    "Service",
    "Services",
    "School",
    "College",
    "Council",
    "Representative",
    "Family",
    "Parent",
    "Carer",
    "Officer",
    "Health",
    "Head",
    "Local",
    "Offer",
    "Senior",
    "Special",
    "Executive",
    "Child",
    "Children",
    "Young",
    "People",
    "Partnership",
    "Network",
    "Public",
];

/// People named in a sponsor or partner list: "Jo Bloggs (Head of SEN, CCG)",
/// "Jo Bloggs DCO", "Jo Bloggs/Ann Other". Teams and unnamed posts ("Family Voice
/// representative") are left out.
pub(super) fn people_named(entry: &str) -> Vec<Person> {
    let mut out = Vec::new();
    for piece in split_names(entry) {
        let Some(caps) = PERSON.captures(piece.trim()) else {
            continue;
        };
        let name = caps[1].to_owned();
        if name.split_whitespace().any(|w| NOT_NAMES.contains(&w)) {
            continue;
        }
        let (role, organisation) = match (caps.get(2), caps.get(3)) {
            (Some(inside), _) => role_and_trailing_organisation(inside.as_str()),
            (None, Some(rest)) => (Some(rest.as_str().trim().to_owned()), None),
            (None, None) => (None, None),
        };
        out.push(Person {
            initials: None,
            name,
            role,
            organisation,
        });
    }
    out
}

/// Splits "A/B" where a new name starts after the slash, even inside an unclosed
/// bracket: "Raj Lakshman (Consultant/Karen Moody (Head of…)".
fn split_names(entry: &str) -> Vec<&str> {
    let mut pieces = Vec::new();
    let mut start = 0;
    for (at, _) in entry.match_indices('/') {
        let after = entry.get(at + 1..).unwrap_or_default().trim_start();
        if PERSON.captures(after).is_some_and(|caps| {
            let name = &caps[1];
            after.get(name.len()..).is_some_and(|rest| {
                let rest = rest.trim_start();
                rest.is_empty() || rest.starts_with(['(', '/', ','])
            })
        }) {
            pieces.push(entry.get(start..at).unwrap_or_default());
            start = at + 1;
        }
    }
    pieces.push(entry.get(start..).unwrap_or_default());
    pieces
}

/// "Head of CAMHS, `CPfT`" → role and organisation; "`CPfT`" alone → organisation.
fn role_and_trailing_organisation(inside: &str) -> (Option<String>, Option<String>) {
    let inside = inside.trim().trim_end_matches(')').trim();
    let acronyms = |part: &str| {
        let words: Vec<&str> = part.split_whitespace().collect();
        !words.is_empty()
            && words.iter().all(|w| {
                is_initials(w)
                    || (w.len() >= 2 && w.chars().all(|c| c.is_ascii_uppercase() || c == '&'))
            })
    };
    match inside.rsplit_once(',') {
        Some((role, org)) if acronyms(org.trim()) => {
            (Some(role.trim().to_owned()), Some(org.trim().to_owned()))
        }
        _ if acronyms(inside) => (None, Some(inside.to_owned())),
        _ if inside.is_empty() => (None, None),
        _ => (Some(inside.to_owned()), None),
    }
}

/// A level line of a key, as it may be written.
enum LevelLine {
    Level(KeyLevel),
    /// "(G)" alone: the code of the line before.
    CodeOnly(String),
    /// A short line that may be the first half of a level split over two lines.
    Text(String),
}

fn level_line(line: &Line) -> Option<LevelLine> {
    let filled: Vec<&String> = line.texts.iter().filter(|t| !t.is_empty()).collect();
    if line.cells.len() >= 2 {
        // A key table: the swatch column is often empty once colours are lost.
        return match filled.as_slice() {
            [meaning] if line.texts.first().is_some_and(String::is_empty) => {
                Some(LevelLine::Level(KeyLevel {
                    code: None,
                    meaning: (*meaning).clone(),
                }))
            }
            // "Complete | B": the status word, then its code.
            [meaning, code] if level_code(meaning).is_none() && level_code(code).is_some() => {
                Some(LevelLine::Level(KeyLevel {
                    code: level_code(code),
                    meaning: (*meaning).clone(),
                }))
            }
            [code, rest @ ..] if !rest.is_empty() => {
                let code = level_code(code)?;
                // "Blue | Complete | The action is finished": the status word stays the
                // start of the meaning, so a cell saying "Complete" finds it.
                let meaning: Vec<&str> = rest.iter().map(|t| t.as_str()).collect();
                Some(LevelLine::Level(KeyLevel {
                    code: Some(code),
                    meaning: meaning.join(" – "),
                }))
            }
            _ => None,
        };
    }
    let text = filled.first()?;
    if let Some(caps) = CODED_LEVEL.captures(text) {
        let (code, meaning) = match (caps.get(1), caps.get(2), caps.get(3), caps.get(4)) {
            (Some(colour), Some(meaning), _, _) => (level_code(colour.as_str()), meaning),
            (_, _, Some(code), Some(meaning)) => (Some(code.as_str().to_owned()), meaning),
            _ => return None,
        };
        return Some(LevelLine::Level(KeyLevel {
            code,
            meaning: meaning.as_str().trim().to_owned(),
        }));
    }
    if let Some(caps) = MEANING_THEN_CODE.captures(text)
        && let Some(code) = level_code(&caps[2])
    {
        // "Complete → B", "Not started = P".
        return Some(LevelLine::Level(KeyLevel {
            code: Some(code),
            meaning: caps[1].trim().to_owned(),
        }));
    }
    if let Some(caps) = TRAILING_CODE.captures(text) {
        let meaning = caps[1].trim();
        let code = caps[2].to_owned();
        return Some(if meaning.is_empty() {
            LevelLine::CodeOnly(code)
        } else {
            LevelLine::Level(KeyLevel {
                code: Some(code),
                meaning: meaning.to_owned(),
            })
        });
    }
    if STATUS_LEVEL.is_match(text) && !text.starts_with("AR") && !text.starts_with("ER") {
        // "On track – progressing as planned": a status word and what it means; matched
        // to a preset by its words.
        return Some(LevelLine::Level(KeyLevel {
            code: None,
            meaning: (*text).clone(),
        }));
    }
    let short = text.chars().count() <= 60 && text.split_whitespace().count() <= 8;
    (short && !text.ends_with('.')).then(|| LevelLine::Text((*text).clone()))
}

/// A colour word or single letter as a level code.
pub(super) fn level_code(word: &str) -> Option<String> {
    let word = word.trim().trim_end_matches([':', '.']);
    let code = match word.to_ascii_lowercase().as_str() {
        "blue" => "B",
        "green" => "G",
        "amber" | "yellow" | "orange" => "A",
        "red" => "R",
        "purple" => "P",
        "grey" | "gray" => "N",
        "black" => "K",
        _ if word.chars().count() == 1 && word.chars().all(|c| c.is_ascii_uppercase()) => word,
        _ => return None,
    };
    Some(code.to_owned())
}

fn starts_coloured_key(line: &Line) -> bool {
    line.filled() == 1
        && CODED_LEVEL
            .captures(&line.text())
            .is_some_and(|caps| caps.get(1).is_some())
}

/// Reads key levels from `start`: returns them and the line after the key.
fn key_levels(
    lines: &[Line],
    start: usize,
    used: &mut [bool],
    titled: bool,
) -> Option<(Vec<KeyLevel>, usize)> {
    let mut levels: Vec<KeyLevel> = Vec::new();
    let mut taken = Vec::new();
    let mut blanks = 0;
    let mut j = start;
    while j < lines.len() && levels.len() < 12 {
        if used.get(j).copied().unwrap_or(true) {
            break;
        }
        if lines[j].is_blank() {
            blanks += 1;
            if blanks > 2 {
                break;
            }
            j += 1;
            continue;
        }
        blanks = 0;
        if levels.is_empty() && is_key_table_header(&lines[j]) {
            // "Status | Code" above the levels of a key table.
            taken.push(j);
            j += 1;
            continue;
        }
        match level_line(&lines[j]) {
            Some(LevelLine::Level(level)) => {
                let split_half = level.code.is_some()
                    && super::clean::starts_lowercase(&level.meaning)
                    && levels.last().is_some_and(|l| l.code.is_none());
                if let (true, Some(last)) = (split_half, levels.last_mut()) {
                    last.meaning = format!("{} {}", last.meaning, level.meaning);
                    last.code = level.code;
                } else {
                    if !titled && level.code.is_none() {
                        break;
                    }
                    levels.push(level);
                }
            }
            Some(LevelLine::CodeOnly(code)) => match levels.last_mut() {
                Some(last) if last.code.is_none() => last.code = Some(code),
                _ => break,
            },
            Some(LevelLine::Text(text)) => {
                // Only the first half of a level split over two lines: "Good progress" + "(G)".
                let next = next_filled(lines, j + 1).and_then(|k| level_line(&lines[k]));
                let half = match next {
                    Some(LevelLine::CodeOnly(_)) => true,
                    Some(LevelLine::Level(level)) => {
                        level.code.is_some() && super::clean::starts_lowercase(&level.meaning)
                    }
                    _ => false,
                };
                if !half {
                    break;
                }
                levels.push(KeyLevel {
                    code: None,
                    meaning: text,
                });
            }
            None => break,
        }
        taken.push(j);
        j += 1;
    }
    if levels.len() < 2 || (!titled && levels.len() < 3) {
        return None;
    }
    for k in taken {
        mark(used, k);
    }
    Some((levels, j))
}

/// The header row of a key table: two or three short labels such as "Status | Code".
fn is_key_table_header(line: &Line) -> bool {
    let filled: Vec<&String> = line.texts.iter().filter(|t| !t.is_empty()).collect();
    (2..=3).contains(&filled.len()) && filled.iter().all(|t| KEY_TABLE_HEADER.is_match(t.trim()))
}

/// Reads glossary entries from `start`; `None` when there was not one.
fn glossary(
    lines: &[Line],
    start: usize,
    used: &mut [bool],
    out: &mut Vec<GlossaryEntry>,
) -> Option<usize> {
    let mut seen: HashSet<String> = out.iter().map(|e| e.term.clone()).collect();
    let before = out.len();
    let mut blanks = 0;
    let mut j = start;
    while j < lines.len() {
        if used.get(j).copied().unwrap_or(true) {
            break;
        }
        let line = &lines[j];
        if line.is_blank() {
            blanks += 1;
            if blanks > 2 {
                break;
            }
            j += 1;
            continue;
        }
        blanks = 0;
        if line.rule || (j == start && is_glossary_header(line)) {
            mark(used, j);
            j += 1;
            continue;
        }
        let filled: Vec<&str> = line
            .texts
            .iter()
            .map(String::as_str)
            .filter(|t| !t.is_empty())
            .collect();
        let entry = match filled.as_slice() {
            [term, definition @ ..] if line.cells.len() >= 2 && !definition.is_empty() => {
                (term.chars().count() <= 40).then(|| ((*term).to_owned(), definition.join(" ")))
            }
            [text] if line.cells.len() == 1 => GLOSSARY_LINE
                .captures(text)
                .map(|caps| (caps[1].to_owned(), caps[2].trim().to_owned())),
            _ => None,
        };
        let Some((term, definition)) = entry else {
            break;
        };
        if seen.insert(term.clone()) {
            out.push(GlossaryEntry { term, definition });
        }
        mark(used, j);
        j += 1;
    }
    (out.len() > before).then_some(j)
}

/// "Abbreviation | Definition" and the like, above a glossary table.
fn is_glossary_header(line: &Line) -> bool {
    line.cells.len() >= 2
        && line.texts.first().is_some_and(|t| {
            matches!(
                t.to_lowercase().as_str(),
                "abbreviation" | "abbreviations" | "acronym" | "acronyms" | "term" | "terms"
            )
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::documents::text::lines::split;

    fn sections(text: &str) -> (Sections, Vec<bool>) {
        let lines = split(text);
        let mut used = vec![false; lines.len()];
        let mut report = ImportReport::default();
        let found = find(&lines, &mut used, &mut report);
        (found, used)
    }

    #[test]
    fn an_owner_list_table_gives_people_with_roles_and_organisations() {
        let text = "Action Owner List\t\t\nInitial\tName\tPosition/Organisation\nDiH\tDee Holt\tAssociate Director of Public Health (LA)\nKH\tKit Hale\tPCF\n\nSK\tSam Kerr\tDirector Children's Services (LA)\nNext section";
        let (found, used) = sections(text);
        let people = &found.people;
        assert_eq!(people.len(), 3);
        assert_eq!(people[0].initials.as_deref(), Some("DiH"));
        assert_eq!(
            people[0].role.as_deref(),
            Some("Associate Director of Public Health")
        );
        assert_eq!(people[0].organisation.as_deref(), Some("LA"));
        assert_eq!(
            (people[1].role.as_deref(), people[1].organisation.as_deref()),
            (None, Some("PCF"))
        );
        assert_eq!(used, [true, true, true, true, false, true, false]);
    }

    #[test]
    fn a_key_to_postholders_written_as_lines_is_an_owner_list() {
        let (found, _) =
            sections("Key to postholders\nJB – Jo Bloggs, Head of SEN (Council)\nAN: Ann Other\n");
        assert_eq!(found.people.len(), 2);
        assert_eq!(found.people[0].name, "Jo Bloggs");
        assert_eq!(found.people[0].role.as_deref(), Some("Head of SEN"));
        assert_eq!(found.people[1].initials.as_deref(), Some("AN"));
    }

    #[test]
    fn a_key_without_codes_keeps_its_meanings_in_order() {
        let (found, _) = sections(
            "RAG Rating Key\n\n\tCompleted\n\tOn track\n\tNot on track\n\nArea of priority action 1\n",
        );
        let key = found.key.unwrap();
        assert_eq!(key.heading, "RAG Rating Key");
        let meanings: Vec<&str> = key.levels.iter().map(|l| l.meaning.as_str()).collect();
        assert_eq!(meanings, ["Completed", "On track", "Not on track"]);
        assert!(key.levels.iter().all(|l| l.code.is_none()));
    }

    #[test]
    fn colour_lines_and_split_levels_give_codes() {
        let (found, _) = sections(
            "The ratings are as follows:\n\nBlue – complete\n\nGreen – on track\n\nAR – Additional resource\n",
        );
        let key = found.key.unwrap();
        assert_eq!(
            key.levels[0],
            KeyLevel {
                code: Some("B".into()),
                meaning: "complete".into()
            }
        );
        assert_eq!(key.levels.len(), 2);
        let (found, _) = sections(
            "Progress (BRAG(P))\n\nCompleted (B)\n\nGood progress\n(G)\n\nProgress with\nminor delays (A)\n\nThe rating above is used monthly by the board.\n",
        );
        let codes: Vec<(Option<String>, String)> = found
            .key
            .unwrap()
            .levels
            .into_iter()
            .map(|l| (l.code, l.meaning))
            .collect();
        assert_eq!(codes[1], (Some("G".into()), "Good progress".into()));
        assert_eq!(
            codes[2],
            (Some("A".into()), "Progress with minor delays".into())
        );
    }

    #[test]
    fn named_sponsors_and_partners_become_people_but_teams_do_not() {
        let named = |entry: &str| -> Vec<(String, Option<String>, Option<String>)> {
            people_named(entry)
                .into_iter()
                .map(|p| (p.name, p.role, p.organisation))
                .collect()
        };
        assert_eq!(
            named("Karlene Allen (Head of Children's Commissioning, CPCCG)"),
            [(
                "Karlene Allen".into(),
                Some("Head of Children's Commissioning".into()),
                Some("CPCCG".into())
            )]
        );
        assert_eq!(
            named("Debbie McQuade"),
            [("Debbie McQuade".into(), None, None)]
        );
        assert_eq!(
            named("Joanne Carr (CPfT)"),
            [("Joanne Carr".into(), None, Some("CPfT".into()))]
        );
        let two =
            named("Raj Lakshman (Consultant in Public Health/Karen Moody (Head of Early Help)");
        assert_eq!(two.len(), 2);
        assert_eq!(two[0].1.as_deref(), Some("Consultant in Public Health"));
        assert_eq!(two[1].0, "Karen Moody");
        assert!(named("Family Voice (parent-carer forum) representative").is_empty());
        assert!(named("Child Health Commissioning & Executive Board Members").is_empty());
        assert!(named("SEND quality assurance officer (appointment pending)").is_empty());
    }

    #[test]
    fn a_key_of_status_words_keeps_each_line_as_a_meaning() {
        let (found, _) = sections(
            "Status key\n\nComplete – action finished\nOn track – progressing as planned\nDelayed – behind schedule\n\nNext part of the plan follows here.\n",
        );
        let meanings: Vec<String> = found
            .key
            .unwrap()
            .levels
            .into_iter()
            .map(|l| l.meaning)
            .collect();
        assert_eq!(meanings.len(), 3);
        assert_eq!(meanings[1], "On track – progressing as planned");
    }

    #[test]
    fn a_key_table_needs_no_title_when_its_header_says_what_it_is() {
        let (found, used) = sections(
            "Status\tBRAG\nComplete\tB\nOn track\tG\nSome delay\tA\nNot started\tP\n\nRef\tAction\n",
        );
        let levels: Vec<(String, String)> = found
            .key
            .unwrap()
            .levels
            .into_iter()
            .map(|l| (l.code.unwrap_or_default(), l.meaning))
            .collect();
        assert_eq!(levels.len(), 4);
        assert_eq!(levels[3], ("P".to_string(), "Not started".to_string()));
        assert!(used[0] && used[4]);
        assert!(!used[6], "the plan's own header is not part of the key");
    }

    #[test]
    fn a_list_of_priorities_names_the_areas() {
        let (found, used) = sections(
            "Priority\tArea of weakness\n1\tLeaders do not understand local needs.\n2\tThe strategy is ineffective.\n\nArea 1\t13\n",
        );
        let areas: Vec<(u32, &str)> = found
            .areas
            .iter()
            .map(|a| (a.number, a.title.as_str()))
            .collect();
        assert_eq!(
            areas,
            [
                (1, "Leaders do not understand local needs."),
                (2, "The strategy is ineffective.")
            ]
        );
        assert_eq!(used, [true, true, true, false, false]);
        let (found, _) = sections(
            "Priority 1\tLeaders do not understand local needs.\nPriority 2\tThe strategy is ineffective.\n",
        );
        assert_eq!(found.areas.len(), 2);
        let (found, _) = sections("Area of priority action 1\t13\nArea of priority action 2\t18\n");
        assert!(
            found.areas.is_empty(),
            "a contents page lists no area's words"
        );
    }

    #[test]
    fn a_glossary_reads_tab_and_dash_entries() {
        let (found, _) = sections(
            "Glossary of Terms\n\nAD\tAssistant Director\nCCG – Clinical Commissioning Group\n\nThat is all.\n",
        );
        assert_eq!(found.glossary.len(), 2);
        assert_eq!(found.glossary[1].term, "CCG");
        assert_eq!(found.glossary[1].definition, "Clinical Commissioning Group");
    }
}
