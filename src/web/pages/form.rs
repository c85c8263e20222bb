//! What the forms of the KPI, voice, governance, timeline and glossary pages share: the
//! problem to show beside a field, and reading what people type into domain values.

use time::Date;

use crate::domain::{Error, PartialDate, Result, parse_uk_due};

/// A problem with one field of one form on a page, shown in the error summary and
/// beside the field.
#[derive(Debug, Clone)]
pub struct FormError {
    /// Which form on the page: "quote", "actual".
    pub form: &'static str,
    /// The field's name, also its `id`.
    pub field: String,
    /// What to do about it, as a sentence.
    pub message: String,
}

impl FormError {
    /// The problem if the error is about the input; any other error is passed on, to
    /// become the error page.
    pub fn from_error(form: &'static str, err: Error) -> Result<Self> {
        match err {
            Error::Invalid { field, message } => Ok(Self {
                form,
                field,
                message: sentence(&message),
            }),
            other => Err(other),
        }
    }
}

impl FormError {
    /// The first line of the message, for the error summary; a CSV import's list of
    /// problems is shown in full beside the field.
    pub fn summary(&self) -> String {
        let mut lines = self.message.lines();
        let first = lines.next().unwrap_or_default().to_owned();
        match lines.count() {
            0 => first,
            1 => format!("{first} (and 1 more problem)"),
            more => format!("{first} (and {more} more problems)"),
        }
    }
}

/// The message for `field` of `form`, if that is where the problem is.
pub fn error_for<'a>(error: Option<&'a FormError>, form: &str, field: &str) -> Option<&'a str> {
    error
        .filter(|e| e.form == form && e.field == field)
        .map(|e| e.message.as_str())
}

/// "enter a number" → "Enter a number".
pub fn sentence(message: &str) -> String {
    let mut chars = message.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// An error about `field`, whatever field the parser named.
pub fn on_field(field: &str, err: Error) -> Error {
    match err {
        Error::Invalid { message, .. } => Error::invalid(field, message),
        other => other,
    }
}

/// A day typed as "14 June 2019", "14/06/2019" or "2019-06-14"; blank is none.
pub fn optional_day(field: &str, raw: &str) -> Result<Option<Date>> {
    let raw = raw.trim();
    if raw.is_empty() {
        return Ok(None);
    }
    let parsed = PartialDate::parse_iso(raw)
        .ok()
        .or_else(|| parse_uk_due(raw).map(|due| due.by));
    match parsed {
        Some(PartialDate::Day(date)) => Ok(Some(date)),
        _ => Err(Error::invalid(
            field,
            "enter a date with its day, month and year, like 14 June 2019",
        )),
    }
}

/// A required day.
pub fn day(field: &str, raw: &str) -> Result<Date> {
    optional_day(field, raw)?.ok_or_else(|| Error::invalid(field, "enter the date"))
}

/// Non-blank trimmed text, or none.
pub fn optional_text(raw: &str) -> Option<String> {
    let text = raw.trim();
    (!text.is_empty()).then(|| text.to_owned())
}

/// One item per line, blanks skipped.
pub fn lines(raw: &str) -> Vec<String> {
    raw.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(str::to_owned)
        .collect()
}

/// Area numbers typed as "1, 3".
pub fn area_numbers(field: &str, raw: &str) -> Result<Vec<u32>> {
    raw.split([',', ';', ' '])
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(|s| {
            s.parse::<u32>().map_err(|_| {
                Error::invalid(
                    field,
                    format!("{s:?} is not an area number: write numbers like 1, 3"),
                )
            })
        })
        .collect()
}

/// A small whole number (a year group, an age); blank is none.
pub fn optional_small(field: &str, raw: &str, what: &str) -> Result<Option<u8>> {
    let raw = raw.trim();
    if raw.is_empty() {
        return Ok(None);
    }
    let digits = raw
        .trim_start_matches(['Y', 'y'])
        .trim_start_matches("ear")
        .trim();
    digits
        .parse::<u8>()
        .map(Some)
        .map_err(|_| Error::invalid(field, format!("enter {what} as a whole number")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_are_read_in_the_forms_people_type() {
        let want = Some(time::macros::date!(2019 - 06 - 14));
        assert_eq!(optional_day("d", "14 June 2019").unwrap(), want);
        assert_eq!(optional_day("d", "2019-06-14").unwrap(), want);
        assert_eq!(optional_day("d", " ").unwrap(), None);
        assert!(optional_day("d", "June 2019").is_err());
        assert!(optional_day("d", "soon").is_err());
    }

    #[test]
    fn year_groups_accept_a_leading_y() {
        assert_eq!(
            optional_small("y", "Y10", "a year group").unwrap(),
            Some(10)
        );
        assert_eq!(optional_small("y", "10", "a year group").unwrap(), Some(10));
        assert!(optional_small("y", "ten", "a year group").is_err());
    }
}

/// A form whose checkboxes send one field several times (`actions=1/1.1&actions=2/3.4`):
/// the repeats of `list` are joined with commas into the one text field the domain reads,
/// so a picker and a typed list arrive alike. Any other field keeps its last value.
pub fn joined_form<T: serde::de::DeserializeOwned>(
    pairs: Vec<(String, String)>,
    list: &str,
) -> Result<T> {
    let mut fields = serde_json::Map::new();
    for (name, value) in pairs {
        if name == list
            && let Some(serde_json::Value::String(before)) = fields.get_mut(&name)
        {
            if !value.trim().is_empty() {
                if !before.trim().is_empty() {
                    before.push_str(", ");
                }
                before.push_str(&value);
            }
            continue;
        }
        fields.insert(name, serde_json::Value::String(value));
    }
    serde_json::from_value(serde_json::Value::Object(fields))
        .map_err(|e| Error::invalid("form", format!("the form could not be read: {e}")))
}

/// An action offered by a picker: its reference as the domain reads it, and what it says.
#[derive(Debug, Clone)]
pub struct ActionChoice {
    /// "2/1.3".
    pub value: String,
    /// "Area 2, action 1.3: Publish the local offer…".
    pub label: String,
}

/// Every action of the plan that has a reference, for a picker.
pub fn action_choices(plan: &crate::domain::PlanTree) -> Vec<ActionChoice> {
    plan.areas
        .iter()
        .flat_map(|area| {
            area.objectives.iter().flat_map(move |objective| {
                objective.actions.iter().filter_map(move |action| {
                    let reference = action.reference.as_deref()?;
                    let text: String = action.text.chars().take(90).collect();
                    let more = if action.text.chars().count() > 90 {
                        "…"
                    } else {
                        ""
                    };
                    Some(ActionChoice {
                        value: format!("{}/{reference}", area.number),
                        label: format!("Area {}, action {reference}: {text}{more}", area.number),
                    })
                })
            })
        })
        .collect()
}

/// Whether `value` is among the references typed or picked in `chosen`.
pub fn is_chosen(chosen: &str, value: &str) -> bool {
    chosen
        .split([',', ';', '\n'])
        .any(|part| part.trim() == value)
}
