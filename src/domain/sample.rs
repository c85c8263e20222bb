//! Generated plans, for benchmarks and tests that need a realistic spread of ratings,
//! owners, milestones and updates without a real document: one plan of any size
//! ([`sample_plan`]), or a national data set of fictional local areas, one plan each
//! ([`Scale`], [`generated_plan`]), to measure the app at the size the `DfE` monitors.

use std::collections::{BTreeMap, HashSet};

use time::{Date, Duration, Month};

use super::{
    Action, Actual, Area, Error, GlossaryEntry, Milestone, Number, Objective, PartialDate, Period,
    PeriodType, Person, PlanKind, PlanStatus, PlanTree, Point, ProgressUpdate, RatingScheme,
    Resource, Result, STANDARD_MEASURES, shift_date,
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

/// How much national-scale data to generate: how many local areas (one plan each), and in
/// each plan how many actions, dated updates per action and years of monthly KPI actuals.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Scale {
    /// Local areas, each with one plan.
    pub areas: usize,
    /// Actions in each plan.
    pub actions: usize,
    /// Progress updates on each action.
    pub updates: usize,
    /// Years of monthly actuals on each KPI; none means no KPIs.
    pub kpi_years: usize,
}

impl Scale {
    /// More local areas than England has many times over.
    pub const MAX_AREAS: usize = 1_000;
    /// Four times the largest real plan's actions.
    pub const MAX_ACTIONS: usize = 1_000;
    /// Weekly updates for almost five years.
    pub const MAX_UPDATES: usize = 240;
    /// Longer than any plan runs.
    pub const MAX_KPI_YEARS: usize = 20;
    /// What one run writes at most: about four times the national target, so a typo
    /// cannot fill a disk.
    pub const MAX_TOTAL_UPDATES: usize = 10_000_000;

    /// A scale, refused with the reason when a size is zero where it must not be, beyond
    /// its bound, or when the updates add up to more than one run should write.
    pub fn new(areas: usize, actions: usize, updates: usize, kpi_years: usize) -> Result<Self> {
        let within = |field: &str, value: usize, min: usize, max: usize, what: &str| {
            if (min..=max).contains(&value) {
                Ok(())
            } else {
                Err(Error::invalid(
                    field,
                    format!("give from {min} to {max} {what}, not {value}"),
                ))
            }
        };
        within("areas", areas, 1, Self::MAX_AREAS, "local areas")?;
        within("actions", actions, 1, Self::MAX_ACTIONS, "actions per plan")?;
        within(
            "updates",
            updates,
            0,
            Self::MAX_UPDATES,
            "updates per action",
        )?;
        within(
            "kpi_years",
            kpi_years,
            0,
            Self::MAX_KPI_YEARS,
            "years of KPI actuals",
        )?;
        let scale = Self {
            areas,
            actions,
            updates,
            kpi_years,
        };
        if scale.total_updates() > Self::MAX_TOTAL_UPDATES {
            return Err(Error::invalid(
                "updates",
                format!(
                    "{areas} areas × {actions} actions × {updates} updates is {} updates; \
                     one run writes at most {}",
                    scale.total_updates(),
                    Self::MAX_TOTAL_UPDATES
                ),
            ));
        }
        Ok(scale)
    }

    /// Progress updates over all plans.
    pub fn total_updates(self) -> usize {
        self.areas * self.actions * self.updates
    }

    /// KPIs in each plan.
    pub fn kpis_per_plan(self) -> usize {
        if self.kpi_years == 0 {
            0
        } else {
            monthly_measures().count()
        }
    }

    /// KPI actuals over all plans.
    pub fn total_actuals(self) -> usize {
        self.areas * self.kpis_per_plan() * self.kpi_years * 12
    }
}

/// Fictional county names: a number is added, so no generated area is a real council.
const SHIRES: [&str; 8] = [
    "Northshire",
    "Southshire",
    "Eastshire",
    "Westshire",
    "Midshire",
    "Uppershire",
    "Nethershire",
    "Farshire",
];

/// The generated local area number `index` (from 0): "Northshire 001".
pub fn generated_area_name(index: usize) -> String {
    format!("{} {:03}", SHIRES[index % SHIRES.len()], index + 1)
}

const MORE_AREAS: [&str; 5] = [
    "Children and young people with SEND are not well prepared for adulthood.",
    "Too many children with SEND are excluded or on part-time timetables.",
    "Waiting times for speech and language therapy are too long.",
    "Co-production with families is not embedded in strategic planning.",
    "The quality assurance of EHC plans does not lead to improvement.",
];

const MORE_THINGS: [&str; 8] = [
    "the preparing for adulthood pathway",
    "the graduated approach guidance for schools",
    "the short breaks offer",
    "the inclusion and exclusions protocol",
    "the speech and language therapy waiting list",
    "the SENCO network",
    "the co-production charter",
    "the transition to adult health services",
];

const WITH: [&str; 6] = [
    "with the parent carer forum",
    "across education, health and care",
    "with schools and early years settings",
    "with the ICB and providers",
    "with children and young people",
    "",
];

const FIRST_NAMES: [&str; 24] = [
    "Alex", "Bea", "Chris", "Dana", "Eli", "Fran", "Gus", "Hana", "Ira", "Jo", "Kit", "Lee", "Mo",
    "Nia", "Oli", "Pat", "Quinn", "Rae", "Sam", "Tam", "Uma", "Vic", "Wren", "Zed",
];

const LAST_NAMES: [&str; 24] = [
    "Ashby", "Brook", "Carden", "Dale", "Elwood", "Farrow", "Garth", "Hollin", "Ives", "Jarvis",
    "Kemble", "Linley", "Marsh", "Norcott", "Oakes", "Pardoe", "Quarry", "Rowe", "Selby", "Thorne",
    "Usher", "Vane", "Wilde", "Yardley",
];

const ROLES: [(&str, &str); 10] = [
    ("Head of SEND", "Council"),
    ("SEND Service Manager", "Council"),
    ("Principal Educational Psychologist", "Council"),
    ("Head of Inclusion", "Council"),
    ("Designated Clinical Officer", "ICB"),
    ("Head of Children's Commissioning", "ICB"),
    ("Therapies Service Lead", "ICB"),
    ("Chair", "Parent Carer Forum"),
    ("Manager", "SENDIASS"),
    ("Post-16 Lead", "Council"),
];

const STEPS: [&str; 8] = [
    "Draft agreed with the parent carer forum",
    "Signed off by the SEND Partnership Board",
    "Training delivered to SENCOs",
    "Published on the Local Offer",
    "Baseline audit completed",
    "Pilot evaluated",
    "Commissioning decision taken",
    "Review of impact reported to the board",
];

const SAID: [&str; 8] = [
    "reported to the SEND Partnership Board",
    "discussed at the monitoring meeting with the DfE and NHS England",
    "tested with the parent carer forum",
    "shared with SENCOs at the network meeting",
    "reviewed by the quality assurance panel",
    "agreed by the joint commissioning group",
    "presented to scrutiny",
    "checked against the latest case audit",
];

/// Where an action is heading over its history.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Fate {
    Complete,
    OnTrack,
    Behind,
    AtRisk,
    NotStarted,
}

impl Fate {
    /// The stages an action of this fate goes through, oldest first.
    fn path(self) -> &'static [Fate] {
        match self {
            Fate::Complete => &[
                Fate::NotStarted,
                Fate::OnTrack,
                Fate::OnTrack,
                Fate::Complete,
            ],
            Fate::OnTrack => &[Fate::NotStarted, Fate::Behind, Fate::OnTrack],
            Fate::Behind => &[Fate::NotStarted, Fate::OnTrack, Fate::Behind],
            Fate::AtRisk => &[Fate::NotStarted, Fate::Behind, Fate::AtRisk],
            Fate::NotStarted => &[Fate::NotStarted],
        }
    }

    /// Codes to look for in the plan's key, best match first.
    fn codes(self) -> &'static [&'static str] {
        match self {
            Fate::Complete => &["B", "G"],
            Fate::OnTrack => &["G"],
            Fate::Behind => &["A"],
            Fate::AtRisk => &["R"],
            Fate::NotStarted => &["P", "R"],
        }
    }

    /// What the owner writes at this stage.
    fn words(self) -> &'static str {
        match self {
            Fate::Complete => "Complete",
            Fate::OnTrack => "On track",
            Fate::Behind => "Behind plan",
            Fate::AtRisk => "At risk",
            Fate::NotStarted => "Not yet started",
        }
    }
}

/// A deterministic stream of numbers (splitmix64): the same area always gets the same
/// plan, with no random-number dependency.
struct Dice(u64);

impl Dice {
    fn new(seed: usize) -> Self {
        Self(
            u64::try_from(seed)
                .unwrap_or(0)
                .wrapping_mul(0x2545_F491_4F6C_DD1D),
        )
    }

    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number from 0 to `n - 1` (0 when `n` is 0).
    fn below(&mut self, n: usize) -> usize {
        let n = u64::try_from(n).unwrap_or(u64::MAX).max(1);
        usize::try_from(self.next() % n).unwrap_or(0)
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }

    /// A number from `low` up to, not including, `high`.
    fn between(&mut self, low: f64, high: f64) -> f64 {
        #[expect(
            clippy::cast_precision_loss,
            reason = "53 random bits are plenty for a made-up figure"
        )]
        let unit = (self.next() >> 11) as f64 / (1_u64 << 53) as f64;
        low + unit * (high - low)
    }
}

/// The code of the plan's key closest to a stage, allowed in the dimension.
fn code_in(scheme: &RatingScheme, dimension: usize, fate: Fate) -> Option<String> {
    let allowed = scheme.dimensions.get(dimension)?;
    fate.codes()
        .iter()
        .find(|code| {
            scheme.level(code).is_some()
                && (allowed.levels.is_empty() || allowed.levels.iter().any(|c| c == *code))
        })
        .map(|code| (*code).to_owned())
}

/// Ratings at a stage: the first dimension (delivery) follows the stage; impact and
/// sustained, where the key has them, lag one step behind and are left out before work
/// starts.
fn ratings_at(scheme: &RatingScheme, fate: Fate) -> BTreeMap<String, String> {
    let mut ratings = BTreeMap::new();
    for (i, dimension) in scheme.dimensions.iter().enumerate() {
        let stage = match (i, fate) {
            (0, _) => fate,
            (_, Fate::NotStarted) => continue,
            (_, Fate::Complete) => Fate::OnTrack,
            (_, Fate::OnTrack) => Fate::Behind,
            (_, other) => other,
        };
        if let Some(code) = code_in(scheme, i, stage)
            .or_else(|| (i == 0).then(|| scheme.levels.first().map(|l| l.code.clone()))?)
        {
            ratings.insert(dimension.key.clone(), code);
        }
    }
    ratings
}

fn month_of(date: Date) -> PartialDate {
    PartialDate::Month {
        year: date.year(),
        month: date.month(),
    }
}

fn first_of_month(date: Date) -> Date {
    date.replace_day(1).unwrap_or(date)
}

fn months(n: usize) -> i32 {
    i32::try_from(n).unwrap_or(i32::MAX)
}

fn days(n: usize) -> Duration {
    Duration::days(i64::try_from(n).unwrap_or(0))
}

/// 10 to 40 owners with unique initials, as the domain's action owner lists have.
fn people(dice: &mut Dice, local_area: &str) -> Vec<Person> {
    let count = 10 + dice.below(31);
    let mut keys = HashSet::new();
    (0..count)
        .map(|n| {
            let first = *dice.pick(&FIRST_NAMES);
            let last = *dice.pick(&LAST_NAMES);
            let plain = format!("{}{}", &first[..1], &last[..1]);
            let initials = if keys.contains(&plain) {
                format!("{plain}{n}")
            } else {
                plain
            };
            keys.insert(initials.clone());
            let (role, organisation) = *dice.pick(&ROLES);
            let organisation = match organisation {
                "Council" | "ICB" => format!("{local_area} {organisation}"),
                other => format!("{local_area} {other}"),
            };
            Person {
                initials: Some(initials),
                name: format!("{first} {last}"),
                role: Some(role.to_owned()),
                organisation: Some(organisation),
            }
        })
        .collect()
}

/// One action with its owners, milestones and `updates` dated updates between `start`
/// and `today`, rated on `scheme`.
struct ActionPlan<'a> {
    scheme: &'a RatingScheme,
    owners: &'a [String],
    start: Date,
    today: Date,
    span_months: i32,
    updates: usize,
    health: usize,
}

impl ActionPlan<'_> {
    fn action(&self, dice: &mut Dice, reference: String) -> Action {
        let fate = match (dice.below(100) + self.health * 10).min(99) {
            0..15 => Fate::NotStarted,
            15..30 => Fate::AtRisk,
            30..50 => Fate::Behind,
            50..75 => Fate::OnTrack,
            _ => Fate::Complete,
        };
        let thing = if dice.below(2) == 0 {
            *dice.pick(&THINGS)
        } else {
            *dice.pick(&MORE_THINGS)
        };
        let with = *dice.pick(&WITH);
        let text = if with.is_empty() {
            format!("{} {thing}.", dice.pick(&VERBS))
        } else {
            format!("{} {thing} {with}.", dice.pick(&VERBS))
        };
        let owners: Vec<String> = (0..=dice.below(3))
            .map(|_| dice.pick(self.owners).clone())
            .fold(Vec::new(), |mut kept, key| {
                if !kept.contains(&key) {
                    kept.push(key);
                }
                kept
            });
        let due_in = 3 + dice.below(usize::try_from(self.span_months).unwrap_or(0) + 12);
        let due = month_of(shift_date(self.start, months(due_in)));
        let span_days = usize::try_from((self.today - self.start).whole_days().max(1)).unwrap_or(1);
        let gap = span_days / (self.updates + 1);
        let path = fate.path();
        let updates: Vec<ProgressUpdate> = (0..self.updates)
            .map(|u| {
                let stage = path[(u * path.len() / self.updates.max(1)).min(path.len() - 1)];
                let date = self.start + days(span_days * (u + 1) / (self.updates + 1))
                    - days(dice.below(gap / 4 + 1));
                ProgressUpdate {
                    date: date.min(self.today),
                    author: Some(dice.pick(&owners).clone()),
                    narrative: format!(
                        "{}: work on {thing} {}; {}.",
                        stage.words(),
                        dice.pick(&SAID),
                        match stage {
                            Fate::NotStarted => "waiting for the lead to be appointed",
                            Fate::AtRisk =>
                                "capacity in the team is the risk, escalated to the sponsor",
                            Fate::Behind => "a revised timeline has been agreed",
                            Fate::OnTrack => "evidence of impact is being gathered from families",
                            Fate::Complete => "the evidence of impact is in the shared folder",
                        }
                    ),
                    ratings: ratings_at(self.scheme, stage),
                }
            })
            .collect();
        let ratings = updates.last().map_or_else(
            || ratings_at(self.scheme, Fate::NotStarted),
            |u| u.ratings.clone(),
        );
        let due_day = due.last_day();
        let steps = 2 + dice.below(3);
        let milestones = (0..steps)
            .map(|m| {
                let until =
                    usize::try_from((due_day - self.start).whole_days().max(1)).unwrap_or(1);
                let at = self.start + days(until * (m + 1) / steps);
                let done = at < self.today
                    && (fate == Fate::Complete || dice.below(3) > 0)
                    && fate != Fate::NotStarted;
                Milestone {
                    text: format!("{}: {}", m + 1, dice.pick(&STEPS)),
                    due: Some(month_of(at)),
                    done: done
                        .then(|| PartialDate::Day((at + days(dice.below(20))).min(self.today))),
                    ..Milestone::default()
                }
            })
            .collect();
        Action {
            reference: Some(reference),
            text,
            owners,
            due: Some(due),
            ratings,
            resource: Some(if dice.below(3) == 0 {
                Resource::Additional
            } else {
                Resource::Existing
            }),
            milestones,
            updates,
            ..Action::default()
        }
    }
}

/// The standard measures reported monthly: waiting times and annual reviews.
fn monthly_measures() -> impl Iterator<Item = &'static super::StandardMeasure> {
    STANDARD_MEASURES
        .iter()
        .filter(|m| m.period_type == PeriodType::Month)
}

fn number(value: f64) -> Option<Number> {
    Number::new((value * 10.0).round() / 10.0).ok()
}

/// The monthly KPIs: a baseline the month before the first actual, a yearly trajectory
/// to a target, and `years` × 12 actuals up to last month, drifting towards the target.
fn kpis(dice: &mut Dice, people: &[Person], years: usize, today: Date) -> Vec<super::Kpi> {
    let last = shift_date(first_of_month(today), -1);
    let first = shift_date(last, -months(years * 12 - 1));
    let period = |date: Date| Period::Month {
        year: date.year(),
        month: date.month(),
    };
    monthly_measures()
        .map(|measure| {
            let mut kpi = measure.to_kpi();
            let (start, target) = match measure.unit {
                "%" => (dice.between(30.0, 60.0), 85.0),
                "weeks" => (dice.between(50.0, 100.0), 18.0),
                _ => {
                    let start = dice.between(100.0, 400.0);
                    (start, start / 4.0)
                }
            };
            kpi.owner = people
                .get(dice.below(people.len()))
                .map(|p| p.key().to_owned());
            kpi.baseline = number(start).map(|value| Point {
                period: period(shift_date(first, -1)),
                value,
                target: false,
            });
            kpi.trajectory = (1..=years)
                .filter_map(|year| {
                    #[expect(clippy::cast_precision_loss, reason = "a few years")]
                    let share = year as f64 / years as f64;
                    Some(Point {
                        period: period(shift_date(first, months(year * 12 - 1))),
                        value: number(start + (target - start) * share)?,
                        target: year == years,
                    })
                })
                .collect();
            let mut value = start;
            kpi.actuals = (0..years * 12)
                .filter_map(|m| {
                    let step = (target - start) / f64::from(months(years * 12));
                    value = (value + step * dice.between(0.2, 1.8)).max(0.0);
                    let at = shift_date(first, months(m));
                    Some(Actual {
                        period: period(at),
                        value: number(if measure.unit == "%" {
                            value.min(100.0)
                        } else {
                            value
                        })?,
                        entered_by: kpi.owner.clone(),
                        entered_on: Some(period(at).end() + Duration::days(10))
                            .map(|d| d.min(today)),
                        note: None,
                    })
                })
                .collect();
            kpi
        })
        .collect()
}

/// The plan of generated local area `index` (from 0) at `scale`, as of `today`: one of
/// the four standard rating keys and plan kinds, 3 to 7 areas of weakness, 10 to 40
/// owners, actions heading to different fates (some areas do better than others), each
/// with milestones and `scale.updates` updates spread evenly from the plan's start to
/// `today`, and monthly KPIs over `scale.kpi_years` years. Deterministic: the same
/// arguments give the same plan.
pub fn generated_plan(scale: Scale, index: usize, today: Date) -> PlanTree {
    let mut dice = Dice::new(index);
    let local_area = generated_area_name(index);
    let (kind, name) = match index % 5 {
        3 => (
            PlanKind::AcceleratedProgressPlan,
            "Accelerated Progress Plan",
        ),
        4 => (PlanKind::PriorityActionPlan, "Priority Action Plan"),
        _ => (
            PlanKind::WrittenStatementOfAction,
            "Written Statement of Action",
        ),
    };
    let mut plan = PlanTree::new(&local_area, format!("{local_area} SEND {name}"));
    plan.kind = kind;
    plan.status = PlanStatus::InDelivery;
    let span_months = months(scale.kpi_years.max(2) * 12) + months(index % 6);
    let start = shift_date(first_of_month(today), -span_months);
    plan.document_date = Some(month_of(start));
    plan.report_published = Some(shift_date(start, -3));
    plan.inspection_start = Some(shift_date(start, -5) + Duration::days(7));
    plan.inspection_end = plan.inspection_start.map(|d| d + Duration::days(4));
    plan.rating_scheme = RatingScheme::presets()
        .into_iter()
        .nth(index % 4)
        .unwrap_or_default();
    plan.people = people(&mut dice, &local_area);
    plan.glossary = sample_plan(1).glossary;
    let owners: Vec<String> = plan.people.iter().map(|p| p.key().to_owned()).collect();
    let writer = ActionPlan {
        scheme: &plan.rating_scheme,
        owners: &owners,
        start,
        today,
        span_months,
        updates: scale.updates,
        health: index % 4,
    };
    let area_count = (3 + index % 5).min(scale.actions);
    let per_objective = 3 + index % 4;
    let titles: Vec<&str> = AREAS.iter().chain(&MORE_AREAS).copied().collect();
    let mut areas = Vec::with_capacity(area_count);
    for a in 0..area_count {
        let number = u32::try_from(a + 1).unwrap_or(u32::MAX);
        let in_area = scale.actions / area_count + usize::from(a < scale.actions % area_count);
        let objectives = (0..in_area.div_ceil(per_objective))
            .map(|o| Objective {
                number: format!("{number}.{}", o + 1),
                text: format!("Outcome {number}.{} is achieved for families.", o + 1),
                actions: (0..(in_area - o * per_objective).min(per_objective))
                    .map(|x| writer.action(&mut dice, format!("{number}.{}.{}", o + 1, x + 1)))
                    .collect(),
                ..Objective::default()
            })
            .collect();
        areas.push(Area {
            number,
            title: titles[(index + a) % titles.len()].to_owned(),
            heading: Some(format!("Workstream {number}")),
            sponsor: plan
                .people
                .get(a % plan.people.len().max(1))
                .map(|p| p.name.clone()),
            objectives,
            ..Area::default()
        });
    }
    plan.areas = areas;
    if scale.kpi_years > 0 {
        plan.kpis = kpis(&mut dice, &plan.people, scale.kpi_years, today);
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

    #[test]
    fn a_generated_plan_has_the_scale_asked_for_and_is_valid() {
        let today = time::macros::date!(2026 - 11 - 22);
        let scale = Scale::new(8, 23, 7, 2).unwrap();
        for index in 0..scale.areas {
            let plan = generated_plan(scale, index, today);
            plan.validate().unwrap();
            assert_eq!(plan.local_area, generated_area_name(index));
            assert_eq!(plan.actions().count(), 23);
            assert!(plan.actions().all(|(_, _, a)| a.updates.len() == 7
                && a.updates.windows(2).all(|w| w[0].date <= w[1].date)
                && a.updates.iter().all(|u| u.date <= today)
                && a.updates.last().map(|u| &u.ratings) == Some(&a.ratings)));
            assert_eq!(plan.kpis.len(), scale.kpis_per_plan());
            assert!(plan.kpis.iter().all(|k| k.actuals.len() == 24));
            assert!((10..=40).contains(&plan.people.len()));
        }
        assert_eq!(
            generated_plan(scale, 3, today),
            generated_plan(scale, 3, today)
        );
        assert_ne!(
            generated_plan(scale, 3, today).rating_scheme,
            generated_plan(scale, 4, today).rating_scheme
        );
    }

    #[test]
    fn generated_area_names_are_fictional_and_numbered() {
        assert_eq!(generated_area_name(0), "Northshire 001");
        assert_eq!(generated_area_name(149), "Uppershire 150");
    }

    #[test]
    fn a_scale_refuses_nothing_to_generate_and_absurd_sizes() {
        let err = Scale::new(0, 250, 60, 5).unwrap_err().to_string();
        assert!(err.contains("from 1 to 1000 local areas, not 0"), "{err}");
        let err = Scale::new(150, 250, 60_000, 5).unwrap_err().to_string();
        assert!(err.contains("updates per action"), "{err}");
        let err = Scale::new(1000, 1000, 60, 5).unwrap_err().to_string();
        assert!(
            err.contains("60000000 updates; one run writes at most"),
            "{err}"
        );
        assert_eq!(
            Scale::new(150, 250, 60, 5).unwrap().total_updates(),
            2_250_000
        );
    }
}
