//! A generated plan of any size, for benchmarks and tests that need a realistic spread of
//! ratings, owners, milestones and updates without a real document.

use std::collections::BTreeMap;

use time::{Date, Duration, Month};

use super::{
    Action, Area, GlossaryEntry, Milestone, Objective, PartialDate, Person, PlanStatus, PlanTree,
    ProgressUpdate, RatingScheme, Resource,
};

const AREAS: [&str; 5] = [
    "Leaders do not have an accurate understanding of the needs of children and young people with SEND.",
    "The quality of EHC plans is poor and too many are issued late.",
    "Families wait too long for an autism assessment.",
    "Joint commissioning is underdeveloped across the CCG and the council.",
    "The Local Offer is not well known by families.",
];

const VERBS: [&str; 8] = [
    "Co-produce",
    "Review",
    "Publish",
    "Train staff on",
    "Audit",
    "Agree",
    "Commission",
    "Evaluate",
];

const THINGS: [&str; 8] = [
    "the joint commissioning strategy",
    "the EHC plan quality assurance framework",
    "the neurodevelopmental pathway with the CCG",
    "the SEND data dashboard",
    "the Local Offer website",
    "annual review processes",
    "the parent carer forum's survey",
    "the DCO role and its capacity",
];

fn month(year: i32, index: usize) -> PartialDate {
    let index = i32::try_from(index % 24).unwrap_or(0);
    let months = year * 12 + index;
    let month = u8::try_from(months.rem_euclid(12) + 1).unwrap_or(1);
    PartialDate::Month {
        year: months.div_euclid(12),
        month: Month::try_from(month).unwrap_or(Month::January),
    }
}

/// A plan with `actions` actions over five areas, on the BRAG(P) key with three dimensions,
/// starting in January 2020. Deterministic: the same size gives the same plan.
#[expect(clippy::too_many_lines, reason = "one literal plan, field by field")]
pub fn sample_plan(actions: usize) -> PlanTree {
    let mut plan = PlanTree::new(
        "Sampleshire",
        "Sampleshire SEND Written Statement of Action",
    );
    plan.status = PlanStatus::InDelivery;
    plan.document_date = Some(month(2020, 0));
    plan.inspection_start = Date::from_calendar_date(2019, Month::September, 9).ok();
    plan.inspection_end = Date::from_calendar_date(2019, Month::September, 13).ok();
    plan.report_published = Date::from_calendar_date(2019, Month::November, 4).ok();
    plan.rating_scheme = RatingScheme::brag_p();
    plan.people = (0..12)
        .map(|i| Person {
            initials: Some(format!("P{i}")),
            name: format!("Owner Number{i}"),
            role: Some(["Head of SEN", "DCO", "Commissioner", "Service manager"][i % 4].into()),
            organisation: Some(["Council", "ICB", "Parent Carer Forum"][i % 3].into()),
        })
        .collect();
    plan.glossary = vec![
        GlossaryEntry {
            term: "SEND".into(),
            definition: "Special educational needs and disabilities".into(),
        },
        GlossaryEntry {
            term: "EHC".into(),
            definition: "Education, health and care".into(),
        },
        GlossaryEntry {
            term: "CCG".into(),
            definition: "Clinical commissioning group".into(),
        },
        GlossaryEntry {
            term: "DCO".into(),
            definition: "Designated clinical officer".into(),
        },
    ];
    let start = Date::from_calendar_date(2020, Month::January, 6).unwrap_or(Date::MIN);
    let levels = ["B", "G", "A", "R", "P"];
    let per_area = actions.div_ceil(AREAS.len()).max(1);
    let mut made = 0;
    for (a, title) in AREAS.iter().enumerate() {
        if made >= actions {
            break;
        }
        let number = u32::try_from(a + 1).unwrap_or(u32::MAX);
        let mut area = Area {
            number,
            title: (*title).to_owned(),
            heading: Some(format!("Workstream {number}")),
            sponsor: Some(format!("Sponsor of area {number}")),
            ..Area::default()
        };
        let in_area = per_area.min(actions - made);
        for o in 0..in_area.div_ceil(5) {
            let mut objective = Objective {
                number: format!("{number}.{}", o + 1),
                text: format!("Outcome {number}.{} is achieved for families.", o + 1),
                ..Objective::default()
            };
            for x in 0..(in_area - o * 5).min(5) {
                let i = made;
                made += 1;
                let level = levels[i % levels.len()];
                let mut ratings = BTreeMap::from([("completed".to_owned(), level.to_owned())]);
                if level != "P" {
                    ratings.insert("impact".into(), ["G", "A", "R"][i % 3].into());
                }
                let updates = (0..i % 4)
                    .map(|u| ProgressUpdate {
                        date: start + Duration::days(i64::try_from(30 * u + i % 20).unwrap_or(0)),
                        author: Some(format!("P{}", i % 12)),
                        narrative: format!(
                            "Progress on {} reported to the SEND board; evidence of impact gathered.",
                            THINGS[i % THINGS.len()]
                        ),
                        ratings: BTreeMap::from([("completed".to_owned(), level.to_owned())]),
                    })
                    .collect();
                let milestones = (0..2)
                    .map(|m| Milestone {
                        text: format!("Step {} of {}", m + 1, THINGS[(i + m) % THINGS.len()]),
                        due: Some(month(2020, i + m)),
                        done: (m == 0 && i % 2 == 0).then(|| month(2020, i)),
                        ..Milestone::default()
                    })
                    .collect();
                objective.actions.push(Action {
                    reference: Some(format!("{number}.{}.{}", o + 1, x + 1)),
                    text: format!(
                        "{} {}.",
                        VERBS[i % VERBS.len()],
                        THINGS[(i / VERBS.len()) % THINGS.len()]
                    ),
                    owners: vec![format!("P{}", i % 12), format!("P{}", (i + 5) % 12)],
                    due: Some(month(2020, i + 3)),
                    due_text: None,
                    ratings,
                    resource: Some(if i % 3 == 0 {
                        Resource::Additional
                    } else {
                        Resource::Existing
                    }),
                    milestones,
                    updates,
                    ..Action::default()
                });
            }
            area.objectives.push(objective);
        }
        plan.areas.push(area);
    }
    plan
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_sample_plan_has_the_size_asked_for_and_is_valid() {
        for size in [1, 7, 250] {
            let plan = sample_plan(size);
            assert_eq!(plan.actions().count(), size);
            plan.validate().unwrap();
        }
    }
}
