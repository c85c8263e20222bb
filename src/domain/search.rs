//! Finding actions: filters (area, owner, organisation, rating, flag, due window) and
//! words searched in actions, their updates and milestones. Plans hold a few hundred
//! actions at most, so the search runs over the loaded tree.

use std::collections::BTreeSet;
use std::fmt::Write as _;

use serde::Deserialize;
use time::Date;
use time::macros::format_description;

use super::flags::{ActionFlag, ActionState, FlagRules};
use super::{Action, ActionId, Error, PartialDate, PlanTree, Result};

/// The filter as a query string carries it: every value optional and possibly blank.
#[derive(Debug, Clone, Default, Deserialize, PartialEq, Eq)]
pub struct FilterQuery {
    /// Area number.
    pub area: Option<String>,
    /// Owner key as the plan writes it.
    pub owner: Option<String>,
    /// Organisation from the owner list.
    pub organisation: Option<String>,
    /// `dimension:code` or `dimension:none`.
    pub rating: Option<String>,
    /// A flag code.
    pub flag: Option<String>,
    /// Due on or after, `YYYY-MM-DD`.
    pub due_after: Option<String>,
    /// Due on or before, `YYYY-MM-DD`.
    pub due_before: Option<String>,
    /// Words to find.
    pub q: Option<String>,
    /// Results page, from 1.
    pub page: Option<String>,
}

/// A rating to match: a level of a dimension, or no rating in it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RatingFilter {
    /// The dimension key.
    pub dimension: String,
    /// The level code, `None` for "not rated".
    pub code: Option<String>,
}

/// A checked filter.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ActionFilter {
    /// Only this area.
    pub area: Option<u32>,
    /// Only actions this owner key is named on.
    pub owner: Option<String>,
    /// Only actions with an owner from this organisation.
    pub organisation: Option<String>,
    /// Only actions at this rating.
    pub rating: Option<RatingFilter>,
    /// Only actions carrying this flag.
    pub flag: Option<ActionFlag>,
    /// Due on or after.
    pub due_after: Option<Date>,
    /// Due on or before.
    pub due_before: Option<Date>,
    /// Words that must all appear in the action, an update or a milestone.
    pub words: String,
}

fn given(raw: Option<&String>) -> Option<&str> {
    raw.map(|s| s.trim()).filter(|s| !s.is_empty())
}

fn iso_day(field: &str, raw: &str) -> Result<Date> {
    Date::parse(raw, format_description!("[year]-[month]-[day]"))
        .map_err(|_| Error::invalid(field, "Enter a real date, like 2025-03-31"))
}

/// Percent-encodes a query value (RFC 3986 unreserved characters kept).
pub fn encode_query_value(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len());
    for byte in raw.bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'_' | b'.' | b'~' | b':') {
            out.push(char::from(byte));
        } else {
            let _ = write!(out, "%{byte:02X}");
        }
    }
    out
}

impl ActionFilter {
    /// Checks a query; a bad value is an error naming its field.
    pub fn parse(query: &FilterQuery) -> Result<Self> {
        let area = given(query.area.as_ref())
            .map(|raw| {
                raw.parse::<u32>()
                    .map_err(|_| Error::invalid("area", "Choose an area from the list"))
            })
            .transpose()?;
        let rating = given(query.rating.as_ref())
            .map(|raw| {
                let (dimension, code) = raw
                    .split_once(':')
                    .ok_or_else(|| Error::invalid("rating", "Choose a rating from the list"))?;
                Ok::<_, Error>(RatingFilter {
                    dimension: dimension.to_owned(),
                    code: (code != "none").then(|| code.to_owned()),
                })
            })
            .transpose()?;
        let flag = given(query.flag.as_ref())
            .map(ActionFlag::from_code)
            .transpose()?;
        let due_after = given(query.due_after.as_ref())
            .map(|raw| iso_day("due_after", raw))
            .transpose()?;
        let due_before = given(query.due_before.as_ref())
            .map(|raw| iso_day("due_before", raw))
            .transpose()?;
        if let (Some(after), Some(before)) = (due_after, due_before)
            && after > before
        {
            return Err(Error::invalid(
                "due_before",
                "The end of the due window must be on or after its start",
            ));
        }
        Ok(Self {
            area,
            owner: given(query.owner.as_ref()).map(str::to_owned),
            organisation: given(query.organisation.as_ref()).map(str::to_owned),
            rating,
            flag,
            due_after,
            due_before,
            words: given(query.q.as_ref()).unwrap_or_default().to_owned(),
        })
    }

    /// Whether anything narrows the list.
    pub fn is_active(&self) -> bool {
        *self != Self::default()
    }

    /// The filter as a query string (without `page`), for links that keep it.
    pub fn query(&self) -> String {
        let mut parts: Vec<(&str, String)> = Vec::new();
        if let Some(area) = self.area {
            parts.push(("area", area.to_string()));
        }
        if let Some(owner) = &self.owner {
            parts.push(("owner", owner.clone()));
        }
        if let Some(organisation) = &self.organisation {
            parts.push(("organisation", organisation.clone()));
        }
        if let Some(rating) = &self.rating {
            parts.push((
                "rating",
                format!(
                    "{}:{}",
                    rating.dimension,
                    rating.code.as_deref().unwrap_or("none")
                ),
            ));
        }
        if let Some(flag) = self.flag {
            parts.push(("flag", flag.code().to_owned()));
        }
        if let Some(d) = self.due_after {
            parts.push(("due_after", d.to_string()));
        }
        if let Some(d) = self.due_before {
            parts.push(("due_before", d.to_string()));
        }
        if !self.words.is_empty() {
            parts.push(("q", self.words.clone()));
        }
        parts
            .into_iter()
            .map(|(k, v)| format!("{k}={}", encode_query_value(&v)))
            .collect::<Vec<_>>()
            .join("&")
    }

    fn matches_fields(
        &self,
        plan: &PlanTree,
        area: u32,
        action: &Action,
        state: &ActionState,
    ) -> bool {
        if self.area.is_some_and(|n| n != area) {
            return false;
        }
        if let Some(owner) = &self.owner
            && !action.owners.iter().any(|o| o.eq_ignore_ascii_case(owner))
        {
            return false;
        }
        if let Some(organisation) = &self.organisation
            && !action.owners.iter().any(|o| {
                plan.person(o)
                    .and_then(|p| p.organisation.as_deref())
                    .is_some_and(|org| org.eq_ignore_ascii_case(organisation))
            })
        {
            return false;
        }
        if let Some(rating) = &self.rating {
            let current = action.ratings.get(&rating.dimension);
            let ok = match (&rating.code, current) {
                (None, None) => true,
                (Some(want), Some(have)) => want.eq_ignore_ascii_case(have),
                _ => false,
            };
            if !ok {
                return false;
            }
        }
        if self.flag.is_some_and(|f| !state.has(f)) {
            return false;
        }
        if self.due_after.is_some() || self.due_before.is_some() {
            let Some(due) = action.due.map(PartialDate::last_day) else {
                return false;
            };
            if self.due_after.is_some_and(|d| due < d) || self.due_before.is_some_and(|d| due > d) {
                return false;
            }
        }
        true
    }
}

/// An action that matched, with where the words were found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ActionHit {
    /// The stored id, for the link.
    pub id: Option<ActionId>,
    /// Area number.
    pub area: u32,
    /// Objective number.
    pub objective: String,
    /// Index of the action in plan order, so callers can find it again.
    pub position: usize,
    /// Its flags on the day searched.
    pub flags: Vec<ActionFlag>,
    /// "Update of 3 March 2025: …", one line per place the words were found beyond the
    /// action's own text.
    pub found_in: Vec<String>,
}

fn excerpt(text: &str, word: &str) -> String {
    const SPAN: usize = 60;
    let lower = text.to_lowercase();
    let at = lower.find(word).unwrap_or(0);
    let chars: Vec<(usize, char)> = text.char_indices().collect();
    let index = chars.iter().position(|(i, _)| *i >= at).unwrap_or(0);
    let from = index.saturating_sub(SPAN);
    let to = (index + word.chars().count() + SPAN).min(chars.len());
    let body: String = chars[from..to].iter().map(|(_, c)| c).collect();
    format!(
        "{}{}{}",
        if from > 0 { "…" } else { "" },
        body.trim(),
        if to < chars.len() { "…" } else { "" }
    )
}

/// Where every word of a search is found in an action, its updates (newest first) and
/// its milestones: up to three quoted places beyond the action's own text, or `None` when
/// a word is found nowhere.
fn found_in(action: &Action, words: &[String]) -> Option<Vec<String>> {
    let mut places: Vec<(String, String)> = vec![(
        String::new(),
        format!(
            "{} {} {}",
            action.label(),
            action.text,
            action.owners.join(" ")
        ),
    )];
    for update in action.updates.iter().rev() {
        places.push((
            format!("Update of {}", PartialDate::Day(update.date).to_uk()),
            update.narrative.clone(),
        ));
    }
    for milestone in &action.milestones {
        places.push(("Milestone".into(), milestone.text.clone()));
    }
    let lowered: Vec<String> = places.iter().map(|(_, t)| t.to_lowercase()).collect();
    let all_found = words
        .iter()
        .all(|w| lowered.iter().any(|text| text.contains(w.as_str())));
    if !all_found {
        return None;
    }
    Some(
        places
            .iter()
            .zip(&lowered)
            .skip(1)
            .filter_map(|((place, text), low)| {
                let word = words.iter().find(|w| low.contains(w.as_str()))?;
                Some(format!("{place}: {}", excerpt(text, word)))
            })
            .take(3)
            .collect(),
    )
}

impl PlanTree {
    /// Actions that pass the filter, in plan order.
    pub fn find_actions(&self, filter: &ActionFilter, rules: &FlagRules) -> Vec<ActionHit> {
        let words: Vec<String> = filter
            .words
            .split_whitespace()
            .map(str::to_lowercase)
            .collect();
        let mut hits = Vec::new();
        for (position, (area, objective, action)) in self.actions().enumerate() {
            let state = action.state(&self.rating_scheme, rules);
            if !filter.matches_fields(self, area.number, action, &state) {
                continue;
            }
            // Without words every action that passes the fields matches and nothing is
            // quoted: skip copying and lowering its text and every update's narrative,
            // which at sixty updates an action was most of the plan page's work.
            let found_in = if words.is_empty() {
                Vec::new()
            } else {
                match found_in(action, &words) {
                    Some(found) => found,
                    None => continue,
                }
            };
            hits.push(ActionHit {
                id: action.id,
                area: area.number,
                objective: objective.number.clone(),
                position,
                flags: state.flags(),
                found_in,
            });
        }
        hits
    }

    /// The choices a filter form offers.
    pub fn filter_options(&self) -> FilterOptions {
        let mut owners: Vec<(String, String)> = Vec::new();
        let mut seen = BTreeSet::new();
        for person in &self.people {
            if seen.insert(person.key().to_owned()) {
                owners.push((person.key().to_owned(), person.name.clone()));
            }
        }
        let mut others: BTreeSet<String> = BTreeSet::new();
        for (_, _, action) in self.actions() {
            for owner in &action.owners {
                if self.person(owner).is_none() && !seen.contains(owner) {
                    others.insert(owner.clone());
                }
            }
        }
        owners.extend(others.into_iter().map(|o| (o.clone(), o)));
        let organisations: BTreeSet<String> = self
            .people
            .iter()
            .filter_map(|p| p.organisation.clone())
            .collect();
        let mut ratings = Vec::new();
        for dimension in &self.rating_scheme.dimensions {
            for level in &self.rating_scheme.levels {
                if dimension.levels.is_empty()
                    || dimension
                        .levels
                        .iter()
                        .any(|c| c.eq_ignore_ascii_case(&level.code))
                {
                    ratings.push((
                        format!("{}:{}", dimension.key, level.code),
                        format!("{}: {} – {}", dimension.label, level.code, level.label),
                    ));
                }
            }
            ratings.push((
                format!("{}:none", dimension.key),
                format!("{}: not rated", dimension.label),
            ));
        }
        FilterOptions {
            areas: self
                .areas
                .iter()
                .map(|a| (a.number, format!("Area {}", a.number)))
                .collect(),
            owners,
            organisations: organisations.into_iter().collect(),
            ratings,
        }
    }
}

/// What each filter can be set to: values and the words shown for them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FilterOptions {
    /// Area numbers.
    pub areas: Vec<(u32, String)>,
    /// Owner keys and names.
    pub owners: Vec<(String, String)>,
    /// Organisations named in the owner list.
    pub organisations: Vec<String>,
    /// `dimension:code` values and their words.
    pub ratings: Vec<(String, String)>,
}

/// A link in GOV.UK pagination: a page number or a gap.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PageLink {
    /// A page; `true` when it is the one shown.
    Number(usize, bool),
    /// "⋯" between distant pages.
    Gap,
}

/// Which slice of a long list is shown, and the links to the others.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Pagination {
    /// The page shown, from 1.
    pub page: usize,
    /// Pages in all (at least 1).
    pub pages: usize,
    /// Items in all.
    pub total: usize,
    /// Items per page.
    pub per_page: usize,
}

impl Pagination {
    /// The page asked for (`raw`, from a query), clamped to the pages there are.
    pub fn new(total: usize, per_page: usize, raw: Option<&str>) -> Self {
        let per_page = per_page.max(1);
        let pages = total.div_ceil(per_page).max(1);
        let page = raw
            .and_then(|p| p.trim().parse::<usize>().ok())
            .unwrap_or(1)
            .clamp(1, pages);
        Self {
            page,
            pages,
            total,
            per_page,
        }
    }

    /// The index range of the items on the page shown.
    pub fn range(&self) -> std::ops::Range<usize> {
        let start = (self.page - 1) * self.per_page;
        start.min(self.total)..(start + self.per_page).min(self.total)
    }

    /// The previous page, if any.
    pub fn previous(&self) -> Option<usize> {
        (self.page > 1).then(|| self.page - 1)
    }

    /// The next page, if any.
    pub fn next(&self) -> Option<usize> {
        (self.page < self.pages).then(|| self.page + 1)
    }

    /// The first, last, current and neighbouring pages, with gaps between: the GOV.UK
    /// pattern.
    pub fn links(&self) -> Vec<PageLink> {
        let mut links = Vec::new();
        let mut last_shown = 0;
        for n in 1..=self.pages {
            let near = n + 1 >= self.page && n <= self.page + 1;
            if n == 1 || n == self.pages || near {
                if last_shown + 1 < n {
                    links.push(PageLink::Gap);
                }
                links.push(PageLink::Number(n, n == self.page));
                last_shown = n;
            }
        }
        links
    }

    /// "Showing 51 to 100 of 120 actions".
    pub fn describe(&self, noun: &str) -> String {
        let range = self.range();
        if self.total == 0 {
            format!("No {noun}")
        } else {
            format!(
                "Showing {} to {} of {} {noun}",
                range.start + 1,
                range.end,
                self.total
            )
        }
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use time::macros::date;

    use super::*;
    use crate::domain::{Area, Milestone, Objective, Person, ProgressUpdate, RatingScheme};

    fn plan() -> PlanTree {
        let mut plan = PlanTree::new("Here", "Plan");
        plan.rating_scheme = RatingScheme::brag();
        plan.people = vec![
            Person {
                initials: Some("AB".into()),
                name: "Alex Brown".into(),
                organisation: Some("Council".into()),
                ..Person::default()
            },
            Person {
                initials: Some("CD".into()),
                name: "Chris Dale".into(),
                organisation: Some("ICB".into()),
                ..Person::default()
            },
        ];
        let a1 = Action {
            reference: Some("1.1".into()),
            text: "Publish the local offer".into(),
            owners: vec!["AB".into()],
            due: Some(PartialDate::parse_iso("2025-01").unwrap()),
            ratings: BTreeMap::from([("delivery".into(), "R".into())]),
            updates: vec![ProgressUpdate {
                date: date!(2025 - 01 - 05),
                author: None,
                narrative: "Website drafted with the parent carer forum.".into(),
                ratings: BTreeMap::new(),
            }],
            ..Action::default()
        };
        let a2 = Action {
            reference: Some("2.1".into()),
            text: "Train SENCOs".into(),
            owners: vec!["CD".into(), "Parent carer forum".into()],
            due: Some(PartialDate::parse_iso("2025-09-30").unwrap()),
            milestones: vec![Milestone {
                text: "Website training module".into(),
                ..Milestone::default()
            }],
            ..Action::default()
        };
        let area = |number: u32, action: Action| Area {
            number,
            title: "Weakness".into(),
            objectives: vec![Objective {
                number: number.to_string(),
                actions: vec![action],
                ..Objective::default()
            }],
            ..Area::default()
        };
        plan.areas = vec![area(1, a1), area(2, a2)];
        plan
    }

    fn find(query: &FilterQuery) -> Vec<String> {
        let plan = plan();
        let filter = ActionFilter::parse(query).unwrap();
        plan.find_actions(&filter, &FlagRules::new(date!(2025 - 03 - 01), 6))
            .into_iter()
            .map(|h| format!("{}:{}", h.area, h.position))
            .collect()
    }

    fn q(pairs: &[(&str, &str)]) -> FilterQuery {
        let mut query = FilterQuery::default();
        for (k, v) in pairs {
            let v = Some((*v).to_owned());
            match *k {
                "area" => query.area = v,
                "owner" => query.owner = v,
                "organisation" => query.organisation = v,
                "rating" => query.rating = v,
                "flag" => query.flag = v,
                "due_after" => query.due_after = v,
                "due_before" => query.due_before = v,
                "q" => query.q = v,
                _ => unreachable!(),
            }
        }
        query
    }

    #[test]
    fn no_filter_finds_everything() {
        assert_eq!(find(&q(&[])), ["1:0", "2:1"]);
        assert_eq!(find(&q(&[("area", " "), ("q", "")])), ["1:0", "2:1"]);
    }

    #[test]
    fn each_filter_narrows_the_list() {
        assert_eq!(find(&q(&[("area", "2")])), ["2:1"]);
        assert_eq!(find(&q(&[("owner", "ab")])), ["1:0"]);
        assert_eq!(find(&q(&[("organisation", "ICB")])), ["2:1"]);
        assert_eq!(find(&q(&[("rating", "delivery:R")])), ["1:0"]);
        assert_eq!(find(&q(&[("rating", "delivery:none")])), ["2:1"]);
        assert_eq!(find(&q(&[("flag", "overdue")])), ["1:0"]);
        assert_eq!(find(&q(&[("due_after", "2025-02-01")])), ["2:1"]);
        assert_eq!(find(&q(&[("due_before", "2025-02-01")])), ["1:0"]);
    }

    #[test]
    fn words_are_found_in_updates_and_milestones_and_all_must_match() {
        assert_eq!(find(&q(&[("q", "website")])), ["1:0", "2:1"]);
        assert_eq!(find(&q(&[("q", "website forum")])), ["1:0", "2:1"]);
        assert_eq!(find(&q(&[("q", "website sencos")])), ["2:1"]);
        assert!(find(&q(&[("q", "nowhere")])).is_empty());
        let plan = plan();
        let filter = ActionFilter::parse(&q(&[("q", "carer")])).unwrap();
        let hits = plan.find_actions(&filter, &FlagRules::new(date!(2025 - 03 - 01), 6));
        assert_eq!(
            hits[0].found_in,
            ["Update of 5 January 2025: Website drafted with the parent carer forum."]
        );
    }

    #[test]
    fn a_bad_value_names_its_field() {
        for (field, value) in [
            ("area", "one"),
            ("flag", "late"),
            ("due_after", "31/01/2025"),
            ("rating", "G"),
        ] {
            let err = ActionFilter::parse(&q(&[(field, value)])).unwrap_err();
            assert!(
                matches!(&err, Error::Invalid { field: f, .. } if f == field),
                "{err:?}"
            );
        }
        assert!(
            ActionFilter::parse(&q(&[
                ("due_after", "2025-03-01"),
                ("due_before", "2025-01-01")
            ]))
            .is_err()
        );
    }

    #[test]
    fn the_query_string_keeps_every_filter_encoded() {
        let filter = ActionFilter::parse(&q(&[
            ("area", "1"),
            ("owner", "Parent carer forum"),
            ("rating", "delivery:G"),
            ("q", "a&b"),
        ]))
        .unwrap();
        assert_eq!(
            filter.query(),
            "area=1&owner=Parent%20carer%20forum&rating=delivery:G&q=a%26b"
        );
        assert!(filter.is_active());
        assert!(!ActionFilter::default().is_active());
    }

    #[test]
    fn filter_options_list_people_then_other_owners() {
        let options = plan().filter_options();
        let owners: Vec<&str> = options.owners.iter().map(|(k, _)| k.as_str()).collect();
        assert_eq!(owners, ["AB", "CD", "Parent carer forum"]);
        assert_eq!(options.organisations, ["Council", "ICB"]);
        assert_eq!(options.ratings.len(), 5);
    }

    #[test]
    fn pagination_shows_ends_neighbours_and_gaps() {
        let p = Pagination::new(120, 10, Some("6"));
        assert_eq!(p.range(), 50..60);
        assert_eq!(
            p.links(),
            vec![
                PageLink::Number(1, false),
                PageLink::Gap,
                PageLink::Number(5, false),
                PageLink::Number(6, true),
                PageLink::Number(7, false),
                PageLink::Gap,
                PageLink::Number(12, false),
            ]
        );
        assert_eq!((p.previous(), p.next()), (Some(5), Some(7)));
        assert_eq!(p.describe("actions"), "Showing 51 to 60 of 120 actions");
        let clamped = Pagination::new(5, 10, Some("99"));
        assert_eq!((clamped.page, clamped.pages, clamped.next()), (1, 1, None));
        assert_eq!(
            Pagination::new(0, 10, None).describe("actions"),
            "No actions"
        );
    }

    #[test]
    fn every_filter_without_words_finds_the_same_from_each_actions_latest_update() {
        let today = date!(2026 - 11 - 22);
        let scale = crate::domain::Scale::new(4, 60, 8, 1).unwrap();
        for index in 0..scale.areas {
            let plan = crate::domain::generated_plan(scale, index, today);
            let latest = plan.clone().latest_updates_only();
            // Early in the plan's life, so some actions are not started or stale too.
            for rules in [
                FlagRules::new(today, 6),
                FlagRules::new(date!(2025 - 01 - 10), 2),
            ] {
                let options = plan.filter_options();
                let mut queries: Vec<FilterQuery> = vec![FilterQuery::default()];
                for flag in ActionFlag::ALL {
                    queries.push(FilterQuery {
                        flag: Some(flag.code().into()),
                        ..FilterQuery::default()
                    });
                }
                for (rating, _) in options.ratings {
                    queries.push(FilterQuery {
                        rating: Some(rating),
                        ..FilterQuery::default()
                    });
                }
                for (owner, _) in options.owners.into_iter().take(5) {
                    queries.push(FilterQuery {
                        owner: Some(owner),
                        flag: Some("stale".into()),
                        ..FilterQuery::default()
                    });
                }
                queries.push(FilterQuery {
                    area: Some("2".into()),
                    due_after: Some("2025-01-01".into()),
                    due_before: Some("2026-06-30".into()),
                    ..FilterQuery::default()
                });
                for query in queries {
                    let filter = ActionFilter::parse(&query).unwrap();
                    let full = plan.find_actions(&filter, &rules);
                    assert_eq!(full, latest.find_actions(&filter, &rules), "{query:?}");
                }
            }
            let words = ActionFilter::parse(&FilterQuery {
                q: Some("appointed".into()),
                ..FilterQuery::default()
            })
            .unwrap();
            let rules = FlagRules::new(today, 6);
            assert_ne!(
                plan.find_actions(&words, &rules),
                latest.find_actions(&words, &rules),
                "words are searched in the whole history: the page reads it for them"
            );
        }
    }
}
