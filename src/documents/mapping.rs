//! Which column of an imported table holds what: the roles the importer gave each column
//! (shown on the preview and in the import report), and the roles a person chose instead
//! (`--columns "Who will lead=owners;When=due"` on the command line, the selects of the
//! web preview, or the choices remembered for a local area's layout).
//!
//! A choice names a column by its heading as written; headings are compared normalised
//! (case, punctuation and spacing ignored), so a choice made for one table applies to
//! every table of the document, and of later documents, with the same heading.

use std::collections::BTreeMap;
use std::fmt;

use serde::{Deserialize, Serialize};

use crate::domain::{Error, PartialDate, Result};

/// What a column holds, in the words the preview and the command line use.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ColumnRole {
    /// Groups rows into areas of weakness (priority, workstream, strand).
    Area,
    /// Groups rows into objectives (outcome, aim, focus area): repeated values are one.
    Objective,
    /// The action's number: "1.1", "2.4a".
    Ref,
    /// What will be done.
    Action,
    /// Who leads it: initials, names or job titles.
    Owners,
    /// The deadline.
    Due,
    /// When the action starts; never taken as the deadline.
    Start,
    /// A rating on the plan's key (RAG, BRAG, a status word).
    Rating,
    /// Progress so far: dated entries become dated updates.
    Update,
    /// The day the progress was written ("Last updated"), which dates an undated update.
    Updated,
    /// How success will be known.
    Measures,
    /// Dated steps under the action.
    Milestones,
    /// AR (additional) or ER (existing) resource.
    Resource,
    /// Not part of the plan's structure: the text is kept as a note on each action.
    Ignore,
}

impl ColumnRole {
    /// Every role, in the order the preview offers them.
    pub const ALL: [Self; 14] = [
        Self::Area,
        Self::Objective,
        Self::Ref,
        Self::Action,
        Self::Owners,
        Self::Due,
        Self::Start,
        Self::Rating,
        Self::Update,
        Self::Updated,
        Self::Measures,
        Self::Milestones,
        Self::Resource,
        Self::Ignore,
    ];

    /// The name used on the command line and in forms.
    pub fn code(self) -> &'static str {
        match self {
            Self::Area => "area",
            Self::Objective => "objective",
            Self::Ref => "ref",
            Self::Action => "action",
            Self::Owners => "owners",
            Self::Due => "due",
            Self::Start => "start",
            Self::Rating => "rating",
            Self::Update => "update",
            Self::Updated => "updated",
            Self::Measures => "measures",
            Self::Milestones => "milestones",
            Self::Resource => "resource",
            Self::Ignore => "ignore",
        }
    }

    /// What the role means, for the preview's select.
    pub fn label(self) -> &'static str {
        match self {
            Self::Area => "Area of weakness (groups the rows)",
            Self::Objective => "Objective (groups the rows)",
            Self::Ref => "Action number",
            Self::Action => "Action",
            Self::Owners => "Owners or leads",
            Self::Due => "Deadline",
            Self::Start => "Start date",
            Self::Rating => "Rating",
            Self::Update => "Progress update",
            Self::Updated => "Date of the update",
            Self::Measures => "Success measures",
            Self::Milestones => "Milestones",
            Self::Resource => "Resource (AR or ER)",
            Self::Ignore => "Not used (kept as a note)",
        }
    }

    /// Reads a role's name, or one of the words people use for it.
    pub fn from_code(code: &str) -> Option<Self> {
        let code = code.trim().to_ascii_lowercase();
        let role = match code.as_str() {
            "area" | "areas" | "priority" | "workstream" | "grouping" => Self::Area,
            "objective" | "objectives" | "outcome" | "outcomes" => Self::Objective,
            "ref" | "reference" | "number" | "no" => Self::Ref,
            "action" | "actions" => Self::Action,
            "owners" | "owner" | "lead" | "leads" => Self::Owners,
            "due" | "deadline" | "when" => Self::Due,
            "start" | "from" => Self::Start,
            "rating" | "ratings" | "rag" | "status" => Self::Rating,
            "update" | "updates" | "progress" => Self::Update,
            "updated" | "last updated" | "update date" => Self::Updated,
            "measures" | "measure" | "success" | "success measures" => Self::Measures,
            "milestones" | "milestone" => Self::Milestones,
            "resource" | "resources" => Self::Resource,
            "ignore" | "note" | "notes" | "none" => Self::Ignore,
            _ => return None,
        };
        Some(role)
    }
}

impl fmt::Display for ColumnRole {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

/// A heading as choices compare it: lower case, letters and digits, single spaces.
pub fn normalise_heading(heading: &str) -> String {
    let spaced: String = heading
        .chars()
        .map(|c| {
            if c.is_alphanumeric() {
                c.to_lowercase().next().unwrap_or(c)
            } else {
                ' '
            }
        })
        .collect();
    spaced.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The roles a person chose for columns, by heading.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ColumnChoices(BTreeMap<String, ColumnRole>);

impl ColumnChoices {
    /// Reads `"Who will lead=owners;When=due"`: headings as written, `=`, a role's name;
    /// pairs separated by `;`.
    pub fn parse(spec: &str) -> Result<Self> {
        let mut choices = Self::default();
        for pair in spec.split(';').map(str::trim).filter(|p| !p.is_empty()) {
            let Some((heading, role)) = pair.rsplit_once('=') else {
                return Err(Error::invalid(
                    "columns",
                    format!("{pair:?} is not HEADING=ROLE (for example \"Who will lead=owners\")"),
                ));
            };
            let Some(role) = ColumnRole::from_code(role) else {
                let known: Vec<&str> = ColumnRole::ALL.iter().map(|r| r.code()).collect();
                return Err(Error::invalid(
                    "columns",
                    format!(
                        "{:?} is not a column role; the roles are {}",
                        role.trim(),
                        known.join(", ")
                    ),
                ));
            };
            if normalise_heading(heading).is_empty() {
                return Err(Error::invalid(
                    "columns",
                    format!("{pair:?} names no column heading before the ="),
                ));
            }
            choices.set(heading, role);
        }
        Ok(choices)
    }

    /// Chooses a role for every column with this heading.
    pub fn set(&mut self, heading: &str, role: ColumnRole) {
        self.0.insert(normalise_heading(heading), role);
    }

    /// Forgets the choice for a heading.
    pub fn unset(&mut self, heading: &str) {
        self.0.remove(&normalise_heading(heading));
    }

    /// The role chosen for a heading, if one was.
    pub fn get(&self, heading: &str) -> Option<ColumnRole> {
        if self.0.is_empty() {
            return None;
        }
        self.0.get(&normalise_heading(heading)).copied()
    }

    /// No choice was made.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// How many headings have a chosen role.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Adds the choices of `other`, which win where both choose for a heading.
    pub fn merge(&mut self, other: &Self) {
        for (heading, role) in &other.0 {
            self.0.insert(heading.clone(), *role);
        }
    }

    /// The choices as `--columns` takes them (headings normalised).
    pub fn to_spec(&self) -> String {
        self.0
            .iter()
            .map(|(heading, role)| format!("{heading}={role}"))
            .collect::<Vec<_>>()
            .join(";")
    }

    /// The chosen headings (normalised) that no column of `tables` has: a choice that
    /// changed nothing, most likely mistyped.
    pub fn unmatched(&self, tables: &[TableColumns]) -> Vec<&str> {
        let headings: std::collections::BTreeSet<String> = tables
            .iter()
            .flat_map(|t| &t.columns)
            .map(|c| normalise_heading(&c.heading))
            .collect();
        self.0
            .keys()
            .filter(|h| !headings.contains(*h))
            .map(String::as_str)
            .collect()
    }

    /// Each normalised heading with its role.
    pub fn iter(&self) -> impl Iterator<Item = (&str, ColumnRole)> {
        self.0.iter().map(|(h, r)| (h.as_str(), *r))
    }
}

/// One select of the preview's column form: a column, by its table's and its own index
/// in [`crate::documents::ImportReport::tables`], and the role picked for it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ColumnPick {
    /// The table's index.
    pub table: usize,
    /// The column's index in the table.
    pub column: usize,
    /// The role picked.
    pub role: ColumnRole,
}

impl ColumnPick {
    /// The form field (and element id) of a column's select: `column-2-3`.
    pub fn field(table: usize, column: usize) -> String {
        format!("column-{table}-{column}")
    }

    /// Reads a field name made by [`ColumnPick::field`].
    pub fn parse_field(name: &str) -> Option<(usize, usize)> {
        let (table, column) = name.strip_prefix("column-")?.split_once('-')?;
        Some((table.parse().ok()?, column.parse().ok()?))
    }
}

impl ColumnChoices {
    /// The choices after a person's picks on the preview: these, plus every column whose
    /// picked role differs from the role it was read with, chosen by its heading (so the
    /// choice holds for each table with that heading). A pick left at the role read
    /// changes nothing. Refused, naming the pick's field: a column not in `tables`, a
    /// change to a column without a heading (a choice names a heading), and two
    /// different roles picked for one heading.
    pub fn with_picks(&self, tables: &[TableColumns], picks: &[ColumnPick]) -> Result<Self> {
        let mut changed: BTreeMap<String, (ColumnRole, usize)> = BTreeMap::new();
        for pick in picks {
            let field = ColumnPick::field(pick.table, pick.column);
            let Some(read) = tables
                .get(pick.table)
                .and_then(|t| t.columns.get(pick.column))
            else {
                return Err(Error::invalid(
                    field,
                    "This column is not in the document as read now: open the preview again and choose again",
                ));
            };
            if pick.role == read.role {
                continue;
            }
            let heading = normalise_heading(&read.heading);
            if heading.is_empty() {
                return Err(Error::invalid(
                    field,
                    format!(
                        "Column {} of table {} has no heading, so its role cannot be chosen: leave it as “{}”",
                        pick.column + 1,
                        pick.table + 1,
                        read.role.label()
                    ),
                ));
            }
            match changed.get(&heading) {
                Some(&(role, table)) if role != pick.role => {
                    return Err(Error::invalid(
                        field,
                        format!(
                            "“{}” is given two roles, “{}” in table {} and “{}” in table {}: choose one role for the heading",
                            read.heading,
                            role.label(),
                            table + 1,
                            pick.role.label(),
                            pick.table + 1,
                        ),
                    ));
                }
                Some(_) => {}
                None => {
                    changed.insert(heading, (pick.role, pick.table));
                }
            }
        }
        let mut choices = self.clone();
        for (heading, (role, _)) in changed {
            choices.0.insert(heading, role);
        }
        Ok(choices)
    }
}

/// The layout of a document, to remember choices by: the normalised headings of all its
/// tables, sorted and without repeats, joined by `|` (so a column moved or a table split
/// is still the same layout); "" for a document read without tables.
pub fn layout_signature(tables: &[TableColumns]) -> String {
    let headings: std::collections::BTreeSet<String> = tables
        .iter()
        .flat_map(|t| &t.columns)
        .map(|c| normalise_heading(&c.heading))
        .filter(|h| !h.is_empty())
        .collect();
    headings.into_iter().collect::<Vec<_>>().join("|")
}

/// How to read a document, beyond its bytes.
#[derive(Debug, Clone, Default)]
pub struct ImportOptions {
    /// Roles chosen for columns, which win over the importer's reading of the headings.
    pub columns: ColumnChoices,
    /// The uploaded file's name: the last place the local area may be found.
    pub file_name: Option<String>,
    /// The title in the document's own properties, read by the importer itself.
    pub document_title: Option<String>,
}

/// One column of a table as the importer read it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ColumnRead {
    /// The heading as written ("" for a column without one).
    pub heading: String,
    /// The role it was given.
    pub role: ColumnRole,
    /// Whether the role was chosen by a person rather than read from the heading.
    #[serde(default)]
    pub chosen: bool,
    /// The monitoring period the heading names ("RAG Sep 24"), for period columns.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub period: Option<PartialDate>,
    /// The first filled cell under the heading, cut short, to help choose.
    #[serde(default)]
    pub sample: String,
}

/// A table or sheet of the document, with the role of each of its columns.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TableColumns {
    /// Where its header row is: "sheet Tracker, row 4", "table 2, row 1".
    pub location: String,
    /// The normalised headings joined by `|`: the layout, to remember choices by.
    pub signature: String,
    /// How many rows of actions it gave.
    #[serde(default)]
    pub rows: usize,
    /// Columns in order.
    pub columns: Vec<ColumnRead>,
}

impl TableColumns {
    /// The signature of a header: its headings normalised and joined.
    pub fn signature_of<S: AsRef<str>>(headings: &[S]) -> String {
        headings
            .iter()
            .map(|h| normalise_heading(h.as_ref()))
            .collect::<Vec<_>>()
            .join("|")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_spec_names_headings_and_roles() {
        let choices = ColumnChoices::parse("Who will lead=owners; When = due ;;").unwrap();
        assert_eq!(choices.get("WHO WILL LEAD?"), Some(ColumnRole::Owners));
        assert_eq!(choices.get("when"), Some(ColumnRole::Due));
        assert_eq!(choices.get("Status"), None);
        assert_eq!(choices.to_spec(), "when=due;who will lead=owners");
        assert_eq!(ColumnChoices::parse(&choices.to_spec()).unwrap(), choices);
    }

    #[test]
    fn a_bad_spec_says_what_is_wrong() {
        let err = ColumnChoices::parse("Who will lead")
            .unwrap_err()
            .to_string();
        assert!(err.contains("HEADING=ROLE"), "{err}");
        let err = ColumnChoices::parse("Lead=boss").unwrap_err().to_string();
        assert!(err.contains("\"boss\" is not a column role"), "{err}");
        assert!(err.contains("owners"), "{err}");
        let err = ColumnChoices::parse(" =due").unwrap_err().to_string();
        assert!(err.contains("names no column heading"), "{err}");
    }

    #[test]
    fn every_role_reads_back_from_its_code() {
        for role in ColumnRole::ALL {
            assert_eq!(ColumnRole::from_code(role.code()), Some(role));
        }
    }
    fn table(headings: &[(&str, ColumnRole)]) -> TableColumns {
        TableColumns {
            location: "line 1".into(),
            signature: String::new(),
            rows: 1,
            columns: headings
                .iter()
                .map(|(heading, role)| ColumnRead {
                    heading: (*heading).into(),
                    role: *role,
                    chosen: false,
                    period: None,
                    sample: String::new(),
                })
                .collect(),
        }
    }

    fn pick(table: usize, column: usize, role: ColumnRole) -> ColumnPick {
        ColumnPick {
            table,
            column,
            role,
        }
    }

    #[test]
    fn picks_choose_only_the_columns_changed() {
        let tables = [
            table(&[("Lead", ColumnRole::Owners), ("When", ColumnRole::Due)]),
            table(&[("lead", ColumnRole::Owners), ("Notes", ColumnRole::Ignore)]),
        ];
        let before = ColumnChoices::parse("Notes=ignore").unwrap();

        let after = before
            .with_picks(
                &tables,
                &[
                    pick(0, 0, ColumnRole::Ignore),
                    pick(0, 1, ColumnRole::Due),
                    pick(1, 0, ColumnRole::Owners),
                    pick(1, 1, ColumnRole::Ignore),
                ],
            )
            .unwrap();

        assert_eq!(after.to_spec(), "lead=ignore;notes=ignore");
    }

    #[test]
    fn bad_picks_name_their_field() {
        let tables = [table(&[
            ("Lead", ColumnRole::Owners),
            ("", ColumnRole::Ignore),
        ])];
        let none = ColumnChoices::default();

        let err = none.with_picks(&tables, &[pick(3, 0, ColumnRole::Due)]);
        assert!(matches!(err, Err(Error::Invalid { ref field, .. }) if field == "column-3-0"));
        let err = none.with_picks(&tables, &[pick(0, 1, ColumnRole::Due)]);
        assert!(
            matches!(err, Err(Error::Invalid { ref field, ref message }) if field == "column-0-1" && message.contains("no heading")),
            "{err:?}"
        );
        let tables = [
            table(&[("Lead", ColumnRole::Owners)]),
            table(&[("Lead", ColumnRole::Owners)]),
        ];
        let err = none.with_picks(
            &tables,
            &[pick(0, 0, ColumnRole::Due), pick(1, 0, ColumnRole::Ignore)],
        );
        assert!(
            matches!(err, Err(Error::Invalid { ref field, ref message }) if field == "column-1-0" && message.contains("two roles")),
            "{err:?}"
        );
        assert_eq!(ColumnPick::parse_field("column-1-0"), Some((1, 0)));
        assert_eq!(ColumnPick::parse_field("column-x-0"), None);
    }

    #[test]
    fn a_layout_is_its_headings_in_any_order() {
        let one = [table(&[
            ("Lead", ColumnRole::Owners),
            ("When?", ColumnRole::Due),
        ])];
        let other = [
            table(&[("when", ColumnRole::Due)]),
            table(&[("LEAD", ColumnRole::Owners), ("", ColumnRole::Ignore)]),
        ];

        assert_eq!(layout_signature(&one), "lead|when");
        let choices = ColumnChoices::parse("Lead=ignore;Leed=owners").unwrap();
        assert_eq!(choices.unmatched(&one), ["leed"]);
        assert_eq!(layout_signature(&one), layout_signature(&other));
        assert_eq!(layout_signature(&[]), "");
    }
}
