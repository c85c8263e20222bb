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

static ISO: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"\b(\d{4})-(\d{1,2})(?:-(\d{1,2}))?\b").expect("valid regex"));
static NUMERIC: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"\b(\d{1,2})[/.](\d{1,2})[/.](\d{4}|\d{2})\b").expect("valid regex")
});
static WORDS: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?i)\b(?:(\d{1,2})(?:st|nd|rd|th)?\s+(?:of\s+)?)?(jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sept?(?:ember)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\b\.?(?:\s*,?\s*(\d{4}|'\d{2})\b)?",
    )
    .expect("valid regex")
});

/// One date named in a text, perhaps without its year ("April" in "April – June 2019").
#[derive(Debug, Clone, Copy)]
struct Mention {
    at: usize,
    day: Option<u8>,
    month: Month,
    year: Option<i32>,
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
    let digits = raw.trim_start_matches('\'');
    let year: i32 = digits.parse().ok()?;
    Some(if digits.len() == 2 { 2000 + year } else { year })
}

fn mentions(text: &str) -> Vec<Mention> {
    let mut found: Vec<Mention> = Vec::new();
    let mut taken: Vec<(usize, usize)> = Vec::new();
    let overlaps =
        |taken: &[(usize, usize)], s: usize, e: usize| taken.iter().any(|&(a, b)| s < b && a < e);
    for caps in ISO.captures_iter(text) {
        let whole = caps.get(0).expect("match");
        let year = caps[1].parse().ok();
        let month = caps[2]
            .parse::<u8>()
            .ok()
            .and_then(|m| Month::try_from(m).ok());
        let day = caps.get(3).and_then(|d| d.as_str().parse().ok());
        if let (Some(year), Some(month)) = (year, month) {
            found.push(Mention {
                at: whole.start(),
                day,
                month,
                year: Some(year),
            });
            taken.push((whole.start(), whole.end()));
        }
    }
    for caps in NUMERIC.captures_iter(text) {
        let whole = caps.get(0).expect("match");
        if overlaps(&taken, whole.start(), whole.end()) {
            continue;
        }
        let day = caps[1].parse().ok();
        let month = caps[2]
            .parse::<u8>()
            .ok()
            .and_then(|m| Month::try_from(m).ok());
        let year = two_digit_year(&caps[3]);
        if let (Some(day), Some(month), Some(year)) = (day, month, year) {
            found.push(Mention {
                at: whole.start(),
                day: Some(day),
                month,
                year: Some(year),
            });
            taken.push((whole.start(), whole.end()));
        }
    }
    for caps in WORDS.captures_iter(text) {
        let whole = caps.get(0).expect("match");
        if overlaps(&taken, whole.start(), whole.end()) {
            continue;
        }
        let Some(month) = month_from_word(&caps[2]) else {
            continue;
        };
        let year = caps.get(3).and_then(|y| two_digit_year(y.as_str()));
        // "may" is also a verb: only count it with a year beside it.
        if caps[2].eq_ignore_ascii_case("may") && year.is_none() {
            continue;
        }
        let day = caps.get(1).and_then(|d| d.as_str().parse().ok());
        found.push(Mention {
            at: whole.start(),
            day,
            month,
            year,
        });
    }
    found.sort_by_key(|m| m.at);
    found
}

fn to_partial(mention: Mention, year: i32) -> Option<PartialDate> {
    match mention.day {
        Some(day) => Date::from_calendar_date(year, mention.month, day)
            .ok()
            .map(PartialDate::Day),
        None => Some(PartialDate::Month {
            year,
            month: mention.month,
        }),
    }
}

/// Reads a deadline as UK plans write it: "April 2019", "Sept 2019", "Nov 2019-",
/// "April – June 2019", "June 2020 to April 2021", "Ongoing from March 2020",
/// "Draft to be developed by April 2019", "31/03/2020", "2020-03-31".
///
/// Returns `None` when the text names no date ("Quarterly", "Ongoing"): the caller keeps
/// the text as written and may warn.
pub fn parse_uk_due(text: &str) -> Option<Due> {
    let mut found = mentions(text);
    if found.is_empty() {
        return None;
    }
    // A month without a year borrows the next year given ("April – June 2019"), else the
    // previous one.
    for i in 0..found.len() {
        if found[i].year.is_none() {
            let next = found[i + 1..].iter().find_map(|m| m.year);
            let prev = found[..i].iter().rev().find_map(|m| m.year);
            found[i].year = next.or(prev);
        }
    }
    let dated: Vec<PartialDate> = found
        .iter()
        .filter_map(|m| m.year.and_then(|year| to_partial(*m, year)))
        .collect();
    let (first, last) = (*dated.first()?, *dated.last()?);
    let lower = text.to_lowercase();
    let open_ended =
        lower.contains("from") || lower.contains("onward") || lower.contains("ongoing");
    if dated.len() == 1 {
        return Some(Due {
            by: first,
            from: open_ended.then_some(first),
        });
    }
    Some(Due {
        by: last,
        from: Some(first),
    })
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
}
