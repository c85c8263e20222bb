//! Dates as plans write them: a day or just a month, a range, and the words around them.

use std::fmt;
use std::sync::LazyLock;

use regex::Regex;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use time::{Date, Month};

use super::{Error, Result};

/// A date known to the day, or only to the month ("April 2019").
///
/// Plans mostly give months; keeping the precision stops a month deadline from being
/// shown as the first of that month, or judged overdue on its second day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum PartialDate {
    /// A month of a year.
    Month { year: i32, month: Month },
    /// A calendar day.
    Day(Date),
}

impl PartialDate {
    /// Reads `YYYY-MM-DD` or `YYYY-MM`, the forms of the plan JSON format.
    pub fn parse_iso(raw: &str) -> Result<Self> {
        let bad = || Error::invalid("date", format!("{raw:?} is not YYYY-MM-DD or YYYY-MM"));
        let raw = raw.trim();
        let mut parts = raw.split('-');
        let year: i32 = parts.next().and_then(|y| y.parse().ok()).ok_or_else(bad)?;
        let month: u8 = parts.next().and_then(|m| m.parse().ok()).ok_or_else(bad)?;
        let month = Month::try_from(month).map_err(|_| bad())?;
        if !(1000..=9999).contains(&year) {
            return Err(bad());
        }
        match parts.next() {
            None => Ok(Self::Month { year, month }),
            Some(day) => {
                let day: u8 = day.parse().map_err(|_| bad())?;
                if parts.next().is_some() {
                    return Err(bad());
                }
                Date::from_calendar_date(year, month, day)
                    .map(Self::Day)
                    .map_err(|_| bad())
            }
        }
    }

    /// The last day the date covers: deadlines given as a month run to its end.
    pub fn last_day(self) -> Date {
        match self {
            Self::Day(date) => date,
            Self::Month { year, month } => {
                let days = month.length(year);
                Date::from_calendar_date(year, month, days).unwrap_or(Date::MIN)
            }
        }
    }

    /// The first day the date covers.
    pub fn first_day(self) -> Date {
        match self {
            Self::Day(date) => date,
            Self::Month { year, month } => {
                Date::from_calendar_date(year, month, 1).unwrap_or(Date::MIN)
            }
        }
    }

    /// The date in the UK style of the documents: "14 June 2019" or "June 2019".
    pub fn to_uk(self) -> String {
        match self {
            Self::Day(date) => {
                format!(
                    "{} {} {}",
                    date.day(),
                    uk_month_name(date.month()),
                    date.year()
                )
            }
            Self::Month { year, month } => format!("{} {year}", uk_month_name(month)),
        }
    }
}

impl fmt::Display for PartialDate {
    /// The ISO form used in the plan JSON format.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Day(date) => write!(
                f,
                "{:04}-{:02}-{:02}",
                date.year(),
                u8::from(date.month()),
                date.day()
            ),
            Self::Month { year, month } => write!(f, "{year:04}-{:02}", u8::from(*month)),
        }
    }
}

impl Serialize for PartialDate {
    fn serialize<S: Serializer>(&self, serializer: S) -> std::result::Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for PartialDate {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> std::result::Result<Self, D::Error> {
        let raw = String::deserialize(deserializer)?;
        Self::parse_iso(&raw).map_err(serde::de::Error::custom)
    }
}

/// The month's English name.
pub fn uk_month_name(month: Month) -> &'static str {
    match month {
        Month::January => "January",
        Month::February => "February",
        Month::March => "March",
        Month::April => "April",
        Month::May => "May",
        Month::June => "June",
        Month::July => "July",
        Month::August => "August",
        Month::September => "September",
        Month::October => "October",
        Month::November => "November",
        Month::December => "December",
    }
}

/// When something is due: the deadline and, for a range ("April – June 2019"), where
/// it starts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Due {
    /// The deadline: the end of a range, the month or day named.
    pub by: PartialDate,
    /// The start of a range or an "ongoing from" period.
    pub from: Option<PartialDate>,
}

/// Month names and the abbreviations plans use. "may" is also a verb: callers only count
/// it with a year beside it.
const MONTH: &str = r"jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sept?(?:ember)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?";

fn regex(pattern: &str) -> Regex {
    Regex::new(pattern).expect("valid regex")
}

static ISO: LazyLock<Regex> = LazyLock::new(|| regex(r"\b(\d{4})-(\d{1,2})(?:-(\d{1,2}))?\b"));
static NUMERIC: LazyLock<Regex> =
    LazyLock::new(|| regex(r"\b(\d{1,2})[/.](\d{1,2})[/.](\d{4}|\d{2})\b"));
/// "14th June 2019", "Sept 2019", "March '25", "Jul-25" (a spreadsheet's mmm-yy), "3-Mar-25".
static WORDS: LazyLock<Regex> = LazyLock::new(|| {
    regex(&format!(
        r"(?i)\b(?:(\d{{1,2}})(?:st|nd|rd|th)?(?:\s+(?:of\s+)?|-))?({MONTH})\b\.?(?:\s*,?\s*(\d{{4}}|['’]\d{{2}})\b|-(\d{{4}}|\d{{2}})\b)?"
    ))
});
/// In a column heading only: "Sep 24" is September 2024, since a heading names no day.
static HEADING_MONTH: LazyLock<Regex> = LazyLock::new(|| {
    regex(&format!(
        r"(?i)\b(?:(\d{{1,2}})(?:st|nd|rd|th)?\s+)?({MONTH})\.?\s+(\d{{2}})\b"
    ))
});
/// "Q2 2025/26", "Quarter 2 2025-26", "Q3 24/25", and a calendar "Q3 2025".
static QUARTER: LazyLock<Regex> = LazyLock::new(|| {
    regex(
        r"(?i)\b(?:q|quarter\s*)([1-4])\s*,?\s*(?:fy\s*)?(\d{4}|\d{2})(?:\s*[/\-–]\s*(\d{4}|\d{2}))?\b",
    )
});
/// "2025/26 Q1".
static YEAR_QUARTER: LazyLock<Regex> = LazyLock::new(|| {
    regex(
        r"(?i)\b(?:fy\s*)?(\d{4}|\d{2})\s*[/\-–]\s*(\d{4}|\d{2})\s*,?\s*(?:q|quarter\s*)([1-4])\b",
    )
});
/// "2025/26", "2025-26", "FY25/26".
static YEAR_PAIR: LazyLock<Regex> =
    LazyLock::new(|| regex(r"(?i)\b(fy\s*)?(\d{4}|\d{2})[/\-–](\d{4}|\d{2})\b"));
/// "Summer term 2025", "end of the autumn term 2025", "summer half term 2025",
/// "Spring term 2025/26".
static TERM: LazyLock<Regex> = LazyLock::new(|| {
    regex(
        r"(?i)\b(autumn|spring|summer)(\s+half)?[\s-]+term\s*,?\s*(?:of\s+)?(\d{4})(?:[/\-–](\d{4}|\d{2}))?\b",
    )
});
/// "Term: Summer 2025".
static TERM_FIRST: LazyLock<Regex> = LazyLock::new(|| {
    regex(r"(?i)\bterm\s*[:\-–]?\s*(autumn|spring|summer)\s+(\d{4})(?:[/\-–](\d{4}|\d{2}))?\b")
});
/// "Summer 2025 term".
static YEAR_TERM: LazyLock<Regex> = LazyLock::new(|| {
    regex(r"(?i)\b(autumn|spring|summer)\s+(\d{4})(?:[/\-–](\d{4}|\d{2}))?\s+(half[\s-]+)?term\b")
});

/// What a piece of text names.
#[derive(Debug, Clone, Copy)]
enum Named {
    /// A day or a month, perhaps without its year ("April" in "April – June 2019").
    Date {
        day: Option<u8>,
        month: Month,
        year: Option<i32>,
    },
    /// A span named as one: a quarter, a financial year, a school term.
    Period { from: PartialDate, by: PartialDate },
}

/// One date or period named in a text, with where it is.
#[derive(Debug, Clone, Copy)]
struct Mention {
    at: usize,
    end: usize,
    named: Named,
}

/// A mention with its year settled: the span of text and the first and last dates it covers.
#[derive(Debug, Clone, Copy)]
struct Dated {
    at: usize,
    end: usize,
    from: PartialDate,
    by: PartialDate,
    period: bool,
    /// The year was written beside it, not borrowed from a neighbour.
    own_year: bool,
}

fn month_from_word(word: &str) -> Option<Month> {
    let word = word.to_ascii_lowercase();
    let month = match word.get(..3)? {
        "jan" => Month::January,
        "feb" => Month::February,
        "mar" => Month::March,
        "apr" => Month::April,
        "may" => Month::May,
        "jun" => Month::June,
        "jul" => Month::July,
        "aug" => Month::August,
        "sep" => Month::September,
        "oct" => Month::October,
        "nov" => Month::November,
        "dec" => Month::December,
        _ => return None,
    };
    Some(month)
}

fn two_digit_year(raw: &str) -> Option<i32> {
    let digits = raw.trim_start_matches(['\'', '’']);
    let year: i32 = digits.parse().ok()?;
    Some(if digits.len() == 2 { 2000 + year } else { year })
}

/// The first year of a pair such as "2025/26" or "2024-2025", when the second year is the
/// one after the first; "2019/22" is no pair.
fn year_pair(first: &str, second: &str) -> Option<i32> {
    let start = two_digit_year(first)?;
    let end: i32 = second.parse().ok()?;
    let follows = if second.len() == 2 {
        end == (start + 1) % 100
    } else {
        end == start + 1
    };
    follows.then_some(start)
}

fn month_of(year: i32, month: u8) -> Option<PartialDate> {
    Some(PartialDate::Month {
        year,
        month: Month::try_from(month).ok()?,
    })
}

/// Months `first..=last` (1-12) of `year`, the last perhaps in the next year.
fn months(year: i32, first: u8, last_year: i32, last: u8) -> Option<Named> {
    Some(Named::Period {
        from: month_of(year, first)?,
        by: month_of(last_year, last)?,
    })
}

/// Quarter `q` of the financial year starting 1 April `start`: Q1 is April to June, Q4
/// January to March of the next year.
fn financial_quarter(start: i32, q: u8) -> Option<Named> {
    if q == 4 {
        return months(start + 1, 1, start + 1, 3);
    }
    let first = 3 * q + 1;
    months(start, first, start, first + 2)
}

/// Quarter `q` of calendar year `year`: Q3 is July to September.
fn calendar_quarter(year: i32, q: u8) -> Option<Named> {
    let first = q.checked_mul(3)?.checked_sub(2)?;
    months(year, first, year, first + 2)
}

/// A school term of England: autumn September to December, spring January to April,
/// summer April to July. Half terms are the week's break: late October, February, late
/// May. `pair` is the academic year's first year when written as "2024/25".
fn term(season: &str, half: bool, year: i32, pair: bool) -> Option<Named> {
    let season = season.to_ascii_lowercase();
    let autumn = season == "autumn";
    // In "2024/25" the autumn term is in 2024, the others in 2025.
    let year = if pair && !autumn { year + 1 } else { year };
    let (first, last) = match (season.as_str(), half) {
        ("autumn", false) => (9, 12),
        ("spring", false) => (1, 4),
        ("summer", false) => (4, 7),
        ("autumn", true) => (10, 10),
        ("spring", true) => (2, 2),
        _ => (5, 5),
    };
    if half {
        let month = Month::try_from(first).ok()?;
        return Some(Named::Date {
            day: None,
            month,
            year: Some(year),
        });
    }
    months(year, first, year, last)
}

/// An optional second year of a term ("Spring term 2025/26"): whether it is a pair, or
/// `None` when it is written but does not follow the first.
fn term_pair(year: &str, second: Option<regex::Match<'_>>) -> Option<bool> {
    match second {
        None => Some(false),
        Some(second) => year_pair(year, second.as_str()).map(|_| true),
    }
}

/// Quarters and terms: periods named as one.
fn periods(text: &str, push: &mut impl FnMut(usize, usize, Named)) {
    for caps in QUARTER.captures_iter(text) {
        let whole = caps.get(0).expect("match");
        let q: u8 = caps[1].parse().unwrap_or(0);
        let named = match caps.get(3) {
            Some(second) => {
                year_pair(&caps[2], second.as_str()).and_then(|start| financial_quarter(start, q))
            }
            // "Q3 2025" names a calendar quarter: with one year there is no financial
            // year to count from. A two-digit year alone ("Q3 25") is too unsure.
            None if caps[2].len() == 4 => caps[2]
                .parse()
                .ok()
                .and_then(|year| calendar_quarter(year, q)),
            None => None,
        };
        if let Some(named) = named {
            push(whole.start(), whole.end(), named);
        }
    }
    for caps in YEAR_QUARTER.captures_iter(text) {
        let whole = caps.get(0).expect("match");
        let q: u8 = caps[3].parse().unwrap_or(0);
        if let Some(named) =
            year_pair(&caps[1], &caps[2]).and_then(|start| financial_quarter(start, q))
        {
            push(whole.start(), whole.end(), named);
        }
    }
    for caps in TERM.captures_iter(text) {
        let whole = caps.get(0).expect("match");
        let named = term_pair(&caps[3], caps.get(4)).and_then(|pair| {
            let year = caps[3].parse().ok()?;
            term(&caps[1], caps.get(2).is_some(), year, pair)
        });
        if let Some(named) = named {
            push(whole.start(), whole.end(), named);
        }
    }
    for caps in TERM_FIRST.captures_iter(text) {
        let whole = caps.get(0).expect("match");
        let named = term_pair(&caps[2], caps.get(3)).and_then(|pair| {
            let year = caps[2].parse().ok()?;
            term(&caps[1], false, year, pair)
        });
        if let Some(named) = named {
            push(whole.start(), whole.end(), named);
        }
    }
    for caps in YEAR_TERM.captures_iter(text) {
        let whole = caps.get(0).expect("match");
        let named = term_pair(&caps[2], caps.get(3)).and_then(|pair| {
            let year = caps[2].parse().ok()?;
            term(&caps[1], caps.get(4).is_some(), year, pair)
        });
        if let Some(named) = named {
            push(whole.start(), whole.end(), named);
        }
    }
}

/// Every date and period a text names, in order. `heading` reads a column heading, where
/// "Sep 24" is a month of 2024 rather than perhaps the 24th.
fn mentions(text: &str, heading: bool) -> Vec<Mention> {
    let mut found: Vec<Mention> = Vec::new();
    let mut push = |at: usize, end: usize, named: Named| {
        if !found.iter().any(|m| at < m.end && m.at < end) {
            found.push(Mention { at, end, named });
        }
    };
    periods(text, &mut push);
    let academic = text.to_lowercase().contains("academic");
    for caps in ISO.captures_iter(text) {
        let whole = caps.get(0).expect("match");
        let year = caps[1].parse().ok();
        let month = caps[2]
            .parse::<u8>()
            .ok()
            .and_then(|m| Month::try_from(m).ok());
        let day = caps.get(3).and_then(|d| d.as_str().parse().ok());
        if let (Some(year), Some(month)) = (year, month) {
            let named = Named::Date {
                day,
                month,
                year: Some(year),
            };
            push(whole.start(), whole.end(), named);
        }
    }
    for caps in NUMERIC.captures_iter(text) {
        let whole = caps.get(0).expect("match");
        let day = caps[1].parse().ok();
        let month = caps[2]
            .parse::<u8>()
            .ok()
            .and_then(|m| Month::try_from(m).ok());
        let year = two_digit_year(&caps[3]);
        if let (Some(day), Some(month), Some(year)) = (day, month, year) {
            let named = Named::Date {
                day: Some(day),
                month,
                year: Some(year),
            };
            push(whole.start(), whole.end(), named);
        }
    }
    for caps in YEAR_PAIR.captures_iter(text) {
        let whole = caps.get(0).expect("match");
        // "24/25" alone could be a score or a fraction; "FY24/25" is not.
        if caps[2].len() == 2 && caps.get(1).is_none() {
            continue;
        }
        let Some(start) = year_pair(&caps[2], &caps[3]) else {
            continue;
        };
        // A financial year runs April to March; an academic year September to July.
        let named = if academic {
            months(start, 9, start + 1, 7)
        } else {
            months(start, 4, start + 1, 3)
        };
        if let Some(named) = named {
            push(whole.start(), whole.end(), named);
        }
    }
    if heading {
        for caps in HEADING_MONTH.captures_iter(text) {
            let whole = caps.get(0).expect("match");
            let (Some(month), Some(year)) = (month_from_word(&caps[2]), two_digit_year(&caps[3]))
            else {
                continue;
            };
            let day = caps.get(1).and_then(|d| d.as_str().parse().ok());
            let named = Named::Date {
                day,
                month,
                year: Some(year),
            };
            push(whole.start(), whole.end(), named);
        }
    }
    for caps in WORDS.captures_iter(text) {
        let whole = caps.get(0).expect("match");
        let Some(month) = month_from_word(&caps[2]) else {
            continue;
        };
        let year = caps
            .get(3)
            .or_else(|| caps.get(4))
            .and_then(|y| two_digit_year(y.as_str()));
        // "may" is also a verb: only count it with a year beside it.
        if caps[2].eq_ignore_ascii_case("may") && year.is_none() {
            continue;
        }
        let day = caps.get(1).and_then(|d| d.as_str().parse().ok());
        let named = Named::Date { day, month, year };
        push(whole.start(), whole.end(), named);
    }
    found.sort_by_key(|m| m.at);
    found
}

fn year_of(named: Named) -> Option<i32> {
    match named {
        Named::Date { year, .. } => year,
        Named::Period { by, .. } => Some(match by {
            PartialDate::Month { year, .. } => year,
            PartialDate::Day(date) => date.year(),
        }),
    }
}

/// The mentions of a text with their years settled; a day that does not exist
/// ("31/02/2020") is dropped.
fn dated(text: &str, heading: bool) -> Vec<Dated> {
    let found = mentions(text, heading);
    let mut out = Vec::with_capacity(found.len());
    for (i, mention) in found.iter().enumerate() {
        let own = year_of(mention.named);
        // A month without a year borrows the next year given ("April – June 2019"), else
        // the previous one.
        let year = own.or_else(|| {
            let next = found[i + 1..].iter().find_map(|m| year_of(m.named));
            next.or_else(|| found[..i].iter().rev().find_map(|m| year_of(m.named)))
        });
        let (from, by, period) = match mention.named {
            Named::Period { from, by } => (from, by, true),
            Named::Date { day, month, .. } => {
                let Some(year) = year else { continue };
                let date = match day {
                    Some(day) => match Date::from_calendar_date(year, month, day) {
                        Ok(date) => PartialDate::Day(date),
                        Err(_) => continue,
                    },
                    None => PartialDate::Month { year, month },
                };
                (date, date, false)
            }
        };
        out.push(Dated {
            at: mention.at,
            end: mention.end,
            from,
            by,
            period,
            own_year: own.is_some(),
        });
    }
    out
}

/// The deadline of the dates named, in order: a range runs from the start of the first to
/// the end of the last.
fn due_of(dates: &[Dated], text: &str) -> Option<Due> {
    let (first, last) = (dates.first()?, dates.last()?);
    if dates.len() == 1 {
        let lower = text.to_lowercase();
        let open_ended =
            lower.contains("from") || lower.contains("onward") || lower.contains("ongoing");
        let from = if first.period {
            Some(first.from)
        } else {
            open_ended.then_some(first.by)
        };
        return Some(Due { by: first.by, from });
    }
    Some(Due {
        by: last.by,
        from: Some(first.from),
    })
}

/// Reads a deadline as UK plans and public services write it:
/// - a month or a day: "April 2019", "Sept 2019", "March '25", "Jul-25" (a spreadsheet's
///   month), "End of March 2025", "31/03/2020", "31.07.25", "2020-03-31", "w/c 3 March 2025";
/// - a range or an open end: "April – June 2019", "June 2020 to April 2021", "Ongoing from
///   March 2020", "Nov 2019-";
/// - a quarter of the financial year, which starts on 1 April: "Q2 2025/26" is July to
///   September 2025, "Q4 2024/25" January to March 2025; also "2025/26 Q1", "Quarter 2
///   2025-26", "Q3 24/25". With a single year ("Q3 2025") no financial year is named, so
///   it is the calendar quarter: July to September 2025;
/// - a financial year "2025/26" or "2025-26" (April 2025 to March 2026), when the second
///   year follows the first; "2011-12" stays December 2011, and a text saying "academic"
///   makes the pair September to July;
/// - a school term: "Autumn term 2024" (September to December), "Spring term 2025"
///   (January to April), "Summer term 2025" (April to July), "Summer 2025 term", "Term:
///   Summer 2025"; a bare "Summer 2025" names a season, not a term, so is no date. A half
///   term is its month ("summer half term 2025" is May 2025).
///
/// A deadline is the end of what is named, and `from` its start when it is a range or
/// a period. "Sep 24" is not read as a year here: it may be the 24th. Returns `None` when
/// the text names no date ("Quarterly", "Ongoing", "Q&A session"): the caller keeps the
/// text as written and may warn.
pub fn parse_uk_due(text: &str) -> Option<Due> {
    // "December 2024 (revised from September 2024)": the date a deadline was moved from
    // is history, not part of the deadline.
    let current = REVISED_FROM.replace_all(text, "");
    due_of(&dated(&current, false), &current)
}

/// What a whole cell in a deadline column names when [`parse_uk_due`] finds no date in it:
/// only a month and a two-digit number ("Dec 19", "Sept '25") is that month of that year,
/// since a day without a year names no deadline; only a season and a year ("Summer
/// 2024") is that school term. In running text both stay unread: "Sep 24" may be a day
/// and "summer 2025" a holiday.
pub fn parse_deadline_cell(cell: &str) -> Option<Due> {
    let cell = cell.trim();
    if let Some(caps) = MONTH_SHORT_YEAR_CELL.captures(cell) {
        let month = month_from_word(&caps[1])?;
        let year = two_digit_year(&caps[2])?;
        return Some(Due {
            by: PartialDate::Month { year, month },
            from: None,
        });
    }
    let caps = SEASON_YEAR_CELL.captures(cell)?;
    parse_uk_due(&format!("{} term {}", &caps[1], &caps[2]))
}

static MONTH_SHORT_YEAR_CELL: LazyLock<Regex> =
    LazyLock::new(|| regex(&format!(r"(?i)^({MONTH})\.?[\s\-]+['’]?(\d{{2}})$")));
static SEASON_YEAR_CELL: LazyLock<Regex> =
    LazyLock::new(|| regex(r"(?i)^(spring|summer|autumn)\s+(\d{4})$"));

static REVISED_FROM: LazyLock<Regex> = LazyLock::new(|| {
    regex(
        r"(?i)[\s,;(\[]*(?:revised|moved|changed|extended|slipped|amended|re-?profiled)\s+from\b[^)\]]*[)\]]?|[\s,;]*\(\s*(?:originally|previously|was)\b[^)]*\)|[\s,;]+(?:originally|previously)\s+[^,;]*",
    )
});

static ENTRY_PREFIX: LazyLock<Regex> =
    LazyLock::new(|| regex(r"(?i)^\s*(?:(?:progress\s+)?update|progress)?[\s:]*([\[(])?\s*"));
static ENTRY_TAIL: LazyLock<Regex> =
    LazyLock::new(|| regex(r"(?i)^(?:\s*([\])]))?(?:\s+(?:progress\s+)?(?:update|progress)\b)?"));
static ENTRY_SEPARATOR: LazyLock<Regex> = LazyLock::new(|| regex(r"^\s*[:\-–—]\s*"));

/// Reads a progress update that starts with its date: "2024-07-10: Draft agreed",
/// "10/07/2024 - Meeting held", "July 2024: …", "[10/07/2024] …", "(July 2024) …",
/// "Update 10/07/2024: …", "Sept 2024 update: …". Returns the date and the text after it,
/// the separator removed.
///
/// Only a date at the very start counts, after an optional "Update" or "Progress" and a
/// bracket, and it must be set apart: by a bracket, `:`, `-`, `–` or `—`, or by a space
/// when it names a day. So "July was busy" and "Met on 3 July 2024" are no entries.
pub fn parse_dated_entry(text: &str) -> Option<(PartialDate, &str)> {
    let prefix = ENTRY_PREFIX.find(text)?;
    let open = ENTRY_PREFIX
        .captures(text)
        .and_then(|caps| caps.get(1))
        .is_some();
    let body = &text[prefix.end()..];
    let date = dated(body, false).into_iter().next()?;
    if date.at != 0 || !date.own_year {
        return None;
    }
    let after = &body[date.end..];
    let tail = ENTRY_TAIL.captures(after)?;
    let closed = tail.get(1).is_some();
    if open != closed {
        return None;
    }
    let after = &after[tail.get(0).map_or(0, |m| m.end())..];
    let rest = match ENTRY_SEPARATOR.find(after) {
        Some(separator) => &after[separator.end()..],
        None if closed => after,
        None if matches!(date.by, PartialDate::Day(_))
            && after.starts_with(char::is_whitespace) =>
        {
            after
        }
        None => return None,
    };
    let rest = rest.trim();
    (!rest.is_empty()).then_some((date.by, rest))
}

/// Words that join a period to its heading ("Status at 31/03/2025", "RAG as of Dec 24").
const LINKING_WORDS: [&str; 8] = ["as at", "as of", "at", "for", "of", "on", "by", "ending"];

/// Reads a column heading that names a monitoring period beside a role word: "RAG Sep 24",
/// "January 2025 update", "Q1 2024/25 status", "Progress update - March 2025", "Update
/// (Dec 2024)", "Status at 31/03/2025", "RAG rating Dec-24". Returns the end of the
/// period and the heading without it, tidied, so the caller can recognise the role.
///
/// Here "Sep 24" is September 2024: a heading names a period, not a day of the month.
/// Returns `None` when no date is named ("Target date") or nothing but a date remains.
pub fn parse_period_label(label: &str) -> Option<(PartialDate, String)> {
    let dates = dated(label, true);
    let (first, last) = (dates.first()?, dates.last()?);
    let by = due_of(&dates, label)?.by;
    let mut head = strip_linking(&label[..first.at]);
    let mut tail = trim_separators(&label[last.end..]);
    // "Update (Dec 2024)": the brackets held only the date.
    if let (Some(open), Some(close)) =
        (head.strip_suffix(['(', '[']), tail.strip_prefix([')', ']']))
    {
        head = strip_linking(open);
        tail = trim_separators(close);
    }
    let role = format!("{head} {tail}");
    let role = trim_separators(&role)
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    role.chars().any(char::is_alphabetic).then_some((by, role))
}

fn trim_separators(text: &str) -> &str {
    text.trim_matches(|c: char| c.is_whitespace() || "-–—:,;/|".contains(c))
}

/// The words before a heading's date without the separators and linking words that led
/// to it: "Status at " gives "Status", "RAG (as at " gives "RAG (".
fn strip_linking(mut head: &str) -> &str {
    loop {
        let before = head;
        head = head.trim_end_matches(|c: char| c.is_whitespace() || "-–—:,;/|".contains(c));
        if let Some(shorter) = LINKING_WORDS
            .iter()
            .find_map(|word| strip_last_word(head, word))
        {
            head = shorter;
        }
        if head == before {
            return head;
        }
    }
}

/// `text` without `word` (any case) at its end, when it is a whole word there.
fn strip_last_word<'a>(text: &'a str, word: &str) -> Option<&'a str> {
    let at = text.len().checked_sub(word.len())?;
    let (rest, last) = (text.get(..at)?, text.get(at..)?);
    let whole = rest.is_empty() || rest.ends_with([' ', '(', '[']);
    (whole && last.eq_ignore_ascii_case(word)).then_some(rest)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn by(text: &str) -> Option<String> {
        parse_uk_due(text).map(|due| due.by.to_string())
    }

    #[test]
    fn a_month_and_year_is_kept_as_a_month() {
        assert_eq!(by("April 2019").as_deref(), Some("2019-04"));
        assert_eq!(by("Sept 2019").as_deref(), Some("2019-09"));
        assert_eq!(by("Nov 2019-").as_deref(), Some("2019-11"));
    }

    #[test]
    fn a_range_is_due_at_its_end_and_remembers_its_start() {
        let due = parse_uk_due("April – June 2019").unwrap();
        assert_eq!(due.by.to_string(), "2019-06");
        assert_eq!(due.from.unwrap().to_string(), "2019-04");
        assert_eq!(by("June 2020 to April 2021").as_deref(), Some("2021-04"));
    }

    #[test]
    fn open_ended_wording_gives_the_month_named() {
        let due = parse_uk_due("Ongoing from March 2020").unwrap();
        assert_eq!(due.by.to_string(), "2020-03");
        assert_eq!(due.from.unwrap().to_string(), "2020-03");
        assert_eq!(by("From Feb 2020").as_deref(), Some("2020-02"));
        assert_eq!(
            by("Draft to be developed by April 2019").as_deref(),
            Some("2019-04")
        );
    }

    #[test]
    fn numeric_and_iso_dates_keep_the_day() {
        assert_eq!(by("31/03/2020").as_deref(), Some("2020-03-31"));
        assert_eq!(by("2020-03-31").as_deref(), Some("2020-03-31"));
        assert_eq!(by("14th June 2019").as_deref(), Some("2019-06-14"));
    }

    #[test]
    fn words_without_a_date_give_nothing() {
        assert_eq!(by("Quarterly"), None);
        assert_eq!(by("6 monthly"), None);
        assert_eq!(by("Ongoing"), None);
        assert_eq!(by("as soon as we may"), None);
        assert_eq!(by("31/02/2020"), None);
    }

    #[test]
    fn iso_forms_round_trip() {
        for raw in ["2019-04", "2020-02-29"] {
            assert_eq!(PartialDate::parse_iso(raw).unwrap().to_string(), raw);
        }
        assert!(PartialDate::parse_iso("2019-13").is_err());
        assert!(PartialDate::parse_iso("April").is_err());
    }

    #[test]
    fn a_month_deadline_runs_to_the_end_of_the_month() {
        let feb = PartialDate::parse_iso("2020-02").unwrap();
        assert_eq!(feb.last_day().to_string(), "2020-02-29");
        assert_eq!(feb.to_uk(), "February 2020");
        assert_eq!(
            PartialDate::parse_iso("2019-06-14").unwrap().to_uk(),
            "14 June 2019"
        );
    }

    fn from(text: &str) -> Option<String> {
        parse_uk_due(text).and_then(|due| due.from.map(|d| d.to_string()))
    }

    #[test]
    fn the_date_a_deadline_was_moved_from_is_left_out() {
        assert_eq!(
            by("December 2024 (revised from September 2024, agreed with DfE)").as_deref(),
            Some("2024-12")
        );
        assert_eq!(
            by("February 2025 (originally October 2024)").as_deref(),
            Some("2025-02")
        );
        assert_eq!(
            by("March 2025, previously June 2024").as_deref(),
            Some("2025-03")
        );
        assert_eq!(by("April – June 2019").as_deref(), Some("2019-06"));
    }

    #[test]
    fn financial_quarters_count_from_april() {
        assert_eq!(by("Q2 2025/26").as_deref(), Some("2025-09"));
        assert_eq!(from("Q2 2025/26").as_deref(), Some("2025-07"));
        assert_eq!(by("Q4 2024/25").as_deref(), Some("2025-03"));
        assert_eq!(from("Q4 2024/25").as_deref(), Some("2025-01"));
        assert_eq!(by("Q1 2024-25").as_deref(), Some("2024-06"));
        assert_eq!(by("Q3 24/25").as_deref(), Some("2024-12"));
        assert_eq!(by("2025/26 Q1").as_deref(), Some("2025-06"));
        assert_eq!(by("Quarter 2 2025/26").as_deref(), Some("2025-09"));
        assert_eq!(by("End of Q2 2025/26").as_deref(), Some("2025-09"));
        assert_eq!(by("by end Q3 2025-26").as_deref(), Some("2025-12"));
        assert_eq!(by("Q1 2025/2026").as_deref(), Some("2025-06"));
    }

    #[test]
    fn a_quarter_with_one_year_is_a_calendar_quarter() {
        assert_eq!(by("Q3 2025").as_deref(), Some("2025-09"));
        assert_eq!(from("Q3 2025").as_deref(), Some("2025-07"));
        assert_eq!(by("Q1 2026").as_deref(), Some("2026-03"));
        assert_eq!(by("Q3 25"), None);
    }

    #[test]
    fn a_financial_year_runs_april_to_march() {
        assert_eq!(by("2025/26").as_deref(), Some("2026-03"));
        assert_eq!(from("2025/26").as_deref(), Some("2025-04"));
        assert_eq!(by("2025-26").as_deref(), Some("2026-03"));
        assert_eq!(by("By the end of 2024/2025").as_deref(), Some("2025-03"));
        assert_eq!(by("FY25/26").as_deref(), Some("2026-03"));
        assert_eq!(by("academic year 2024/25").as_deref(), Some("2025-07"));
    }

    #[test]
    fn year_pairs_that_do_not_follow_or_look_like_a_month_are_not_financial_years() {
        assert_eq!(by("2019/22"), None);
        assert_eq!(by("2019-2022"), None);
        assert_eq!(by("2011-12").as_deref(), Some("2011-12"));
        assert_eq!(by("24/25"), None);
        assert_eq!(by("Q2 2025/27"), None);
    }

    #[test]
    fn school_terms_run_to_their_last_month() {
        assert_eq!(by("Summer term 2025").as_deref(), Some("2025-07"));
        assert_eq!(from("Summer term 2025").as_deref(), Some("2025-04"));
        assert_eq!(by("Autumn term 2024").as_deref(), Some("2024-12"));
        assert_eq!(from("Autumn term 2024").as_deref(), Some("2024-09"));
        assert_eq!(by("Spring term 2025").as_deref(), Some("2025-04"));
        assert_eq!(from("Spring term 2025").as_deref(), Some("2025-01"));
        assert_eq!(by("Spring Term 2026").as_deref(), Some("2026-04"));
        assert_eq!(
            by("end of the autumn term 2025").as_deref(),
            Some("2025-12")
        );
        assert_eq!(by("Summer 2025 term").as_deref(), Some("2025-07"));
        assert_eq!(by("Term: Summer 2025").as_deref(), Some("2025-07"));
        assert_eq!(by("term autumn 2024").as_deref(), Some("2024-12"));
        assert_eq!(by("Spring term 2024/25").as_deref(), Some("2025-04"));
        assert_eq!(by("Autumn term 2024/25").as_deref(), Some("2024-12"));
    }

    #[test]
    fn a_half_term_is_its_month() {
        assert_eq!(by("summer half term 2025").as_deref(), Some("2025-05"));
        assert_eq!(by("Autumn half-term 2024").as_deref(), Some("2024-10"));
        assert_eq!(from("summer half term 2025"), None);
    }

    #[test]
    fn a_range_of_periods_runs_from_the_first_start_to_the_last_end() {
        let due = parse_uk_due("Summer term 2025 to Spring term 2026").unwrap();
        assert_eq!(due.from.unwrap().to_string(), "2025-04");
        assert_eq!(due.by.to_string(), "2026-04");
        let due = parse_uk_due("April 2025 – Q2 2025/26").unwrap();
        assert_eq!(due.from.unwrap().to_string(), "2025-04");
        assert_eq!(due.by.to_string(), "2025-09");
    }

    #[test]
    fn end_of_a_month_and_week_commencing_read_the_date_named() {
        assert_eq!(by("End of March 2025").as_deref(), Some("2025-03"));
        assert_eq!(by("by the end of June 2025").as_deref(), Some("2025-06"));
        assert_eq!(by("w/c 3 March 2025").as_deref(), Some("2025-03-03"));
        assert_eq!(by("W/C 10th March 2025").as_deref(), Some("2025-03-10"));
    }

    #[test]
    fn spreadsheet_and_short_forms_are_read() {
        assert_eq!(by("Jul-25").as_deref(), Some("2025-07"));
        assert_eq!(by("Sep-24").as_deref(), Some("2024-09"));
        assert_eq!(by("Sept-24").as_deref(), Some("2024-09"));
        assert_eq!(by("Jan-2025").as_deref(), Some("2025-01"));
        assert_eq!(by("3-Mar-25").as_deref(), Some("2025-03-03"));
        assert_eq!(by("31/07/2025").as_deref(), Some("2025-07-31"));
        assert_eq!(by("31.07.25").as_deref(), Some("2025-07-31"));
        assert_eq!(by("March '25").as_deref(), Some("2025-03"));
        assert_eq!(by("March ’25").as_deref(), Some("2025-03"));
        assert_eq!(by("May-25").as_deref(), Some("2025-05"));
    }

    #[test]
    fn a_month_with_a_bare_two_digit_number_is_not_a_year() {
        assert_eq!(by("Sep 24"), None);
    }

    #[test]
    fn a_deadline_cell_of_only_a_month_and_two_digits_or_a_season_is_read() {
        let cell = |text| parse_deadline_cell(text).map(|d| d.by.to_string());
        assert_eq!(cell(" Dec 19 ").as_deref(), Some("2019-12"));
        assert_eq!(cell("Sept '25").as_deref(), Some("2025-09"));
        assert_eq!(cell("Summer 2024").as_deref(), Some("2024-07"));
        assert_eq!(cell("Autumn 2024").as_deref(), Some("2024-12"));
        assert_eq!(cell("Met on Sep 24"), None);
        assert_eq!(cell("Dec 19 and Jan 20"), None);
        assert_eq!(cell("Summer scheme 2024"), None);
    }

    #[test]
    fn words_and_numbers_that_are_not_dates_give_nothing() {
        for text in [
            "Q&A session",
            "Q1",
            "Quarterly reports to the Q2 board",
            "term-time only",
            "2 terms",
            "summer scheme",
            "Summer 2025",
            "spring term",
            "2025",
            "12",
            "3.5",
            "24/7 support",
            "1 in 4",
            "50/50",
            "10-12 weeks",
            "Each term",
        ] {
            assert_eq!(by(text), None, "{text}");
        }
    }

    #[test]
    fn a_dated_entry_gives_its_date_and_the_text_after_the_separator() {
        let cases = [
            (
                "2024-07-10: Draft data set agreed",
                "2024-07-10",
                "Draft data set agreed",
            ),
            ("10/07/2024 - Meeting held", "2024-07-10", "Meeting held"),
            ("10.07.24 – Panel met", "2024-07-10", "Panel met"),
            ("July 2024: Survey sent", "2024-07", "Survey sent"),
            (
                "10 July 2024 – Plan signed off",
                "2024-07-10",
                "Plan signed off",
            ),
            (
                "10 July 2024 Plan signed off",
                "2024-07-10",
                "Plan signed off",
            ),
            ("Jul-24: Started", "2024-07", "Started"),
            ("[10/07/2024] Board told", "2024-07-10", "Board told"),
            ("(July 2024) Board told", "2024-07", "Board told"),
            ("Update 10/07/2024: All done", "2024-07-10", "All done"),
            ("Progress: July 2024 — half way", "2024-07", "half way"),
            ("Sept 2024 update: Recruited", "2024-09", "Recruited"),
            ("  31st March 2025—Closed", "2025-03-31", "Closed"),
        ];
        for (text, date, rest) in cases {
            let (got, left) = parse_dated_entry(text).unwrap_or_else(|| panic!("{text}"));
            assert_eq!((got.to_string().as_str(), left), (date, rest), "{text}");
        }
    }

    #[test]
    fn only_a_date_at_the_start_and_set_apart_makes_an_entry() {
        for text in [
            "July was busy",
            "July 2024 was busy",
            "Met on 3 July 2024: agreed",
            "The panel met 10/07/2024",
            "Updates were sent in July 2024",
            "[10/07/2024 Board told",
            "10/07/2024",
            "July: we met in August 2024",
            "",
        ] {
            assert_eq!(parse_dated_entry(text), None, "{text}");
        }
    }

    #[test]
    fn a_period_heading_gives_the_period_end_and_the_role_words() {
        let cases = [
            ("RAG Sep 24", "2024-09", "RAG"),
            ("Update Sep 24", "2024-09", "Update"),
            ("Sep 24 RAG", "2024-09", "RAG"),
            ("January 2025 RAG", "2025-01", "RAG"),
            ("January 2025 update", "2025-01", "update"),
            ("Q1 2024/25 status", "2024-06", "status"),
            ("Progress update - March 2025", "2025-03", "Progress update"),
            ("Update (Dec 2024)", "2024-12", "Update"),
            ("Status at 31/03/2025", "2025-03-31", "Status"),
            ("RAG rating Dec-24", "2024-12", "RAG rating"),
            ("RAG as at 31 Mar 25", "2025-03-31", "RAG"),
            ("Summer term 2025 progress", "2025-07", "progress"),
            ("Status (as at Dec 24)", "2024-12", "Status"),
            ("RAG (Council) Sep 24", "2024-09", "RAG (Council)"),
            ("Update for Jan-25", "2025-01", "Update"),
        ];
        for (label, date, role) in cases {
            let (got, left) = parse_period_label(label).unwrap_or_else(|| panic!("{label}"));
            assert_eq!(
                (got.to_string().as_str(), left.as_str()),
                (date, role),
                "{label}"
            );
        }
    }

    #[test]
    fn a_heading_without_a_period_or_with_nothing_else_gives_nothing() {
        for label in [
            "Completion date",
            "Target date",
            "RAG",
            "Sep 24",
            "(Dec 2024)",
            "Q1 2024/25",
            "",
        ] {
            assert_eq!(parse_period_label(label), None, "{label}");
        }
    }
}
