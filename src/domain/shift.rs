//! Moving a whole plan in time by a number of months, keeping each date's precision: the
//! demo uses it so a plan written years ago reads as one in mid-delivery.

use time::{Date, Month};

use super::{PartialDate, PlanTree};

/// `date` moved by `months`, the day kept where the month allows (31 January + 1 month
/// is 28 or 29 February).
pub fn shift_date(date: Date, months: i32) -> Date {
    let index = date.year() * 12 + i32::from(u8::from(date.month())) - 1 + months;
    let year = index.div_euclid(12);
    let month = u8::try_from(index.rem_euclid(12) + 1)
        .ok()
        .and_then(|m| Month::try_from(m).ok())
        .unwrap_or(Month::January);
    let day = date.day().min(month.length(year));
    Date::from_calendar_date(year, month, day).unwrap_or(date)
}

impl PartialDate {
    /// The date moved by `months`, at the same precision.
    #[must_use]
    pub fn shift_months(self, months: i32) -> Self {
        match self {
            Self::Day(date) => Self::Day(shift_date(date, months)),
            Self::Month { year, month } => {
                match Self::Day(Date::from_calendar_date(year, month, 1).unwrap_or(Date::MIN))
                    .shift_months(months)
                {
                    Self::Day(d) => Self::Month {
                        year: d.year(),
                        month: d.month(),
                    },
                    month @ Self::Month { .. } => month,
                }
            }
        }
    }
}

/// The number of whole months from `from` to `to` (by calendar month).
pub fn months_between(from: Date, to: Date) -> i32 {
    (to.year() * 12 + i32::from(u8::from(to.month())))
        - (from.year() * 12 + i32::from(u8::from(from.month())))
}

impl PlanTree {
    /// The month the plan began: its document date, or failing that its earliest due
    /// date or update.
    pub fn began(&self) -> Option<Date> {
        let earliest_update = self
            .actions()
            .flat_map(|(_, _, a)| a.updates.iter().map(|u| u.date))
            .min();
        self.began_given(earliest_update)
    }

    /// [`PlanTree::began`] for a tree that does not hold every update (the plan as it
    /// stands): the earliest update's day comes from elsewhere.
    pub fn began_given(&self, earliest_update: Option<Date>) -> Option<Date> {
        self.document_date.map(PartialDate::first_day).or_else(|| {
            self.actions()
                .filter_map(|(_, _, a)| a.due.map(PartialDate::first_day))
                .chain(earliest_update)
                .min()
        })
    }

    /// Every date in the plan moved by `months`. Dates written as text are rewritten
    /// from the moved date, since the old wording would contradict it.
    pub fn shift_months(&mut self, months: i32) {
        let shift = |d: &mut Option<PartialDate>| *d = d.map(|d| d.shift_months(months));
        let day = |d: &mut Option<Date>| *d = d.map(|d| shift_date(d, months));
        shift(&mut self.document_date);
        day(&mut self.inspection_start);
        day(&mut self.inspection_end);
        day(&mut self.report_published);
        for area in &mut self.areas {
            for objective in &mut area.objectives {
                for action in &mut objective.actions {
                    shift(&mut action.due);
                    shift(&mut action.due_from);
                    if action.due.is_some() {
                        action.due_text = match (action.due_from, action.due) {
                            (Some(from), Some(by)) if from != by => {
                                Some(format!("{} – {}", from.to_uk(), by.to_uk()))
                            }
                            (_, by) => by.map(PartialDate::to_uk),
                        };
                    }
                    for milestone in &mut action.milestones {
                        shift(&mut milestone.due);
                        shift(&mut milestone.done);
                        if milestone.due.is_some() {
                            milestone.due_text = milestone.due.map(PartialDate::to_uk);
                        }
                        if milestone.done.is_some() {
                            milestone.done_text = milestone.done.map(PartialDate::to_uk);
                        }
                    }
                    for update in &mut action.updates {
                        update.date = shift_date(update.date, months);
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use time::macros::date;

    use super::*;
    use crate::domain::{Action, Area, Objective};

    #[test]
    fn days_keep_their_day_where_the_month_allows() {
        assert_eq!(shift_date(date!(2019 - 01 - 31), 1), date!(2019 - 02 - 28));
        assert_eq!(shift_date(date!(2018 - 12 - 31), 74), date!(2025 - 02 - 28));
        assert_eq!(shift_date(date!(2020 - 03 - 15), -3), date!(2019 - 12 - 15));
        assert_eq!(
            months_between(date!(2018 - 12 - 01), date!(2025 - 06 - 30)),
            78
        );
    }

    #[test]
    fn a_shifted_plan_keeps_month_precision_and_rewrites_its_wording() {
        let mut plan = PlanTree::new("Here", "Plan");
        plan.document_date = Some(PartialDate::parse_iso("2018-12").unwrap());
        plan.areas.push(Area {
            number: 1,
            title: "Weakness".into(),
            objectives: vec![Objective {
                actions: vec![Action {
                    text: "Do it".into(),
                    due: Some(PartialDate::parse_iso("2019-06").unwrap()),
                    due_from: Some(PartialDate::parse_iso("2019-04").unwrap()),
                    due_text: Some("April – June 2019".into()),
                    ..Action::default()
                }],
                ..Objective::default()
            }],
            ..Area::default()
        });
        assert_eq!(plan.began(), Some(date!(2018 - 12 - 01)));

        plan.shift_months(12);

        let action = &plan.areas[0].objectives[0].actions[0];
        assert_eq!(action.due.unwrap().to_string(), "2020-06");
        assert_eq!(action.due_text.as_deref(), Some("April 2020 – June 2020"));
        assert_eq!(plan.document_date.unwrap().to_string(), "2019-12");
    }
}
