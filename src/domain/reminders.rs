//! The reporting cycle's chase: when owners are reminded, what each owner is asked to
//! do (and nothing else), and what the plan's editors are told. Pure: the plan, the
//! cycle and the day come in; messages go out.

use time::{Date, Duration};

use super::mail::{Block, compose};
use super::{
    Action, Error, FlagRules, Mail, MailKind, PartialDate, PlanTree, Result, WorkingCalendar,
    uk_date,
};

/// The default number of working days before a cycle closes that owners are reminded.
pub const DEFAULT_REMINDER_DAYS: u32 = 5;

/// A plan's reminder settings.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReminderSettings {
    /// Working days before the open cycle's last day; 0 reminds on the last day only.
    pub days_before: u32,
    /// Whether owners who still have something to do are followed up on the last day.
    pub on_closing_day: bool,
}

impl Default for ReminderSettings {
    fn default() -> Self {
        Self {
            days_before: DEFAULT_REMINDER_DAYS,
            on_closing_day: true,
        }
    }
}

impl ReminderSettings {
    /// Reads the settings form: a whole number of working days from 0 to 20.
    pub fn parse(days_before: &str, on_closing_day: bool) -> Result<Self> {
        let days_before = days_before
            .trim()
            .parse::<u32>()
            .ok()
            .filter(|d| *d <= 20)
            .ok_or_else(|| {
                Error::invalid(
                    "days_before",
                    "Enter a whole number of working days from 0 to 20",
                )
            })?;
        Ok(Self {
            days_before,
            on_closing_day,
        })
    }
}

/// Which of a cycle's reminders this is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReminderStage {
    /// The reminder some working days before the close.
    Reminder,
    /// The follow-up on the closing day.
    ClosingDay,
    /// Run by hand (`wsoa remind`): sent whenever asked.
    Manual,
}

impl ReminderStage {
    /// How it is stored.
    pub fn code(self) -> &'static str {
        match self {
            Self::Reminder => "reminder",
            Self::ClosingDay => "closing_day",
            Self::Manual => "manual",
        }
    }
}

/// The day `n` working days before `day` (the day itself when `n` is 0).
pub fn working_days_before(calendar: &WorkingCalendar, day: Date, n: u32) -> Date {
    let mut date = day;
    let mut counted = 0;
    while counted < n {
        date -= Duration::days(1);
        if calendar.is_working_day(date) {
            counted += 1;
        }
    }
    date
}

/// The stage due on `today` for a cycle ending on `closes_on`, if any: the follow-up
/// from the closing day, else the reminder from its day.
pub fn stage_due(
    settings: ReminderSettings,
    calendar: &WorkingCalendar,
    closes_on: Date,
    today: Date,
) -> Option<ReminderStage> {
    if settings.on_closing_day && today >= closes_on {
        return Some(ReminderStage::ClosingDay);
    }
    let remind_on = working_days_before(calendar, closes_on, settings.days_before);
    (today >= remind_on).then_some(ReminderStage::Reminder)
}

/// Why an owner is asked about an action.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Ask {
    /// No update since the cycle began.
    NoUpdateThisCycle,
    /// Its deadline has passed and it is not complete.
    Overdue(PartialDate),
    /// Its deadline falls in the next 30 days.
    DueSoon(PartialDate),
    /// A milestone not yet done is due by then (or overdue).
    Milestone(String, PartialDate),
}

impl Ask {
    /// The reason in words.
    pub fn text(&self) -> String {
        match self {
            Self::NoUpdateThisCycle => "no update yet this cycle".to_owned(),
            Self::Overdue(due) => format!("overdue: due {}", due.to_uk()),
            Self::DueSoon(due) => format!("due {}", due.to_uk()),
            Self::Milestone(text, due) => format!("milestone due {}: {text}", due.to_uk()),
        }
    }
}

/// An action an owner is asked to update, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OwnerTask {
    /// The action's stored id, for the link to its update form.
    pub action_id: i64,
    /// Its ref.
    pub reference: String,
    /// Its text, shortened.
    pub text: String,
    /// Why.
    pub asks: Vec<Ask>,
}

/// What the owner the plan calls `key` is asked to do this cycle: each of their
/// actions that is not complete and has no update since `cycle_from`, is overdue, is
/// due in the next 30 days, or has a milestone due by then. Actions without a stored
/// id (a plan not yet stored) cannot be linked to and are left out.
pub fn owner_tasks(
    plan: &PlanTree,
    key: &str,
    cycle_from: Date,
    rules: &FlagRules,
) -> Vec<OwnerTask> {
    plan.actions()
        .filter(|(_, _, action)| plan.is_owned_by(action, key))
        .filter_map(|(_, _, action)| task(plan, action, cycle_from, *rules))
        .collect()
}

/// An owner (as the plan names them) with actions that have had no update since the
/// open cycle began: who the programme manager chases.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OwnerBehind {
    /// The plan's key for them (initials or name); empty for actions nobody owns.
    pub key: String,
    /// Their name as the plan's people list gives it, or the key.
    pub name: String,
    /// Their actions not complete and not updated since the cycle began: stored id and ref.
    pub actions: Vec<(i64, String)>,
}

/// Everyone with an action not complete and not updated since `cycle_from`, by name,
/// with actions nobody owns last under an empty key. An action with two owners is
/// listed under each.
pub fn owners_behind(plan: &PlanTree, cycle_from: Date, rules: &FlagRules) -> Vec<OwnerBehind> {
    let mut behind: Vec<OwnerBehind> = Vec::new();
    for (_, _, action) in plan.actions() {
        let Some(id) = action.id else { continue };
        let state = action.state(&plan.rating_scheme, rules);
        if state.complete || state.last_update.is_some_and(|d| d >= cycle_from) {
            continue;
        }
        let keys: Vec<&str> = if action.owners.is_empty() {
            vec![""]
        } else {
            action.owners.iter().map(|k| k.trim()).collect()
        };
        for key in keys {
            let at = behind.iter().position(|o| o.key == key).unwrap_or_else(|| {
                behind.push(OwnerBehind {
                    key: key.to_owned(),
                    name: plan
                        .person(key)
                        .map_or_else(|| key.to_owned(), |p| p.name.clone()),
                    actions: Vec::new(),
                });
                behind.len() - 1
            });
            behind[at].actions.push((id.0, action.label().to_owned()));
        }
    }
    behind.sort_by(|a, b| {
        (a.key.is_empty(), a.name.to_lowercase()).cmp(&(b.key.is_empty(), b.name.to_lowercase()))
    });
    behind
}

fn task(plan: &PlanTree, action: &Action, cycle_from: Date, rules: FlagRules) -> Option<OwnerTask> {
    let id = action.id?;
    let state = action.state(&plan.rating_scheme, &rules);
    if state.complete {
        return None;
    }
    let mut asks = Vec::new();
    if state.last_update.is_none_or(|d| d < cycle_from) {
        asks.push(Ask::NoUpdateThisCycle);
    }
    if let Some(due) = action.due {
        if state.overdue {
            asks.push(Ask::Overdue(due));
        } else if state.due_soon {
            asks.push(Ask::DueSoon(due));
        }
    }
    for milestone in &action.milestones {
        if let (None, Some(due)) = (milestone.done, milestone.due)
            && due.last_day() <= rules.due_soon_until()
        {
            asks.push(Ask::Milestone(shorten(&milestone.text, 80), due));
        }
    }
    (!asks.is_empty()).then(|| OwnerTask {
        action_id: id.0,
        reference: action.label().to_owned(),
        text: shorten(&action.text, 120),
        asks,
    })
}

fn shorten(text: &str, chars: usize) -> String {
    let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if text.chars().count() <= chars {
        return text;
    }
    let cut: String = text.chars().take(chars.saturating_sub(1)).collect();
    format!("{}…", cut.trim_end())
}

/// Where a message's links lead and how it says when the cycle ends.
#[derive(Debug, Clone)]
pub struct ReminderContext<'a> {
    /// The app's address, without a trailing slash.
    pub base_url: &'a str,
    /// The plan's slug.
    pub plan_slug: &'a str,
    /// The plan's title.
    pub plan_title: &'a str,
    /// The open cycle's last day.
    pub closes_on: Date,
    /// Which reminder this is.
    pub stage: ReminderStage,
}

impl ReminderContext<'_> {
    fn action_link(&self, id: i64) -> String {
        format!(
            "{}/plans/{}/actions/{id}#add-update",
            self.base_url, self.plan_slug
        )
    }
}

/// The one email an owner gets per reminder: their actions that need something, each
/// with a direct link to its update form.
pub fn owner_reminder_mail(
    to: &str,
    name: &str,
    tasks: &[OwnerTask],
    context: &ReminderContext<'_>,
) -> Mail {
    let when = uk_date(context.closes_on);
    let subject = match context.stage {
        ReminderStage::ClosingDay => format!(
            "Today is the last day to update your actions in {}",
            context.plan_title
        ),
        _ => format!(
            "Please update {} {} by {when}",
            tasks.len(),
            if tasks.len() == 1 {
                "action"
            } else {
                "actions"
            }
        ),
    };
    let mut blocks = vec![
        Block::Para(format!("Dear {name},")),
        Block::Para(format!(
            "The reporting cycle of {} closes on {when}. These {} of yours need an update before then:",
            context.plan_title,
            if tasks.len() == 1 {
                "action"
            } else {
                "actions"
            }
        )),
    ];
    blocks.push(Block::List(
        tasks
            .iter()
            .map(|t| {
                let asks: Vec<String> = t.asks.iter().map(Ask::text).collect();
                (
                    format!("{} {} ({})", t.reference, t.text, asks.join("; ")),
                    Some(context.action_link(t.action_id)),
                )
            })
            .collect(),
    ));
    blocks.push(Block::Para(
        "Each link opens the action's update form. Say what has happened since the last update, and rate it."
            .to_owned(),
    ));
    compose(MailKind::Reminder, to, &subject, &blocks)
}

/// One owner's standing this cycle, for the editors' digest.
#[derive(Debug, Clone)]
pub struct OwnerStanding {
    /// How the plan names them.
    pub name: String,
    /// Whether they have updated any action since the cycle began.
    pub updated: bool,
    /// What they still need to do.
    pub tasks: Vec<OwnerTask>,
}

/// The digest the plan's editors get on the same schedule: who has updated, who has
/// not (with their actions), what is overdue and what slipped this cycle.
pub fn digest_mail(
    to: &str,
    owners: &[OwnerStanding],
    overdue: &[(String, String)],
    slipped: &[(String, String)],
    context: &ReminderContext<'_>,
) -> Mail {
    let updated: Vec<&OwnerStanding> = owners.iter().filter(|o| o.updated).collect();
    let waiting: Vec<&OwnerStanding> = owners.iter().filter(|o| !o.tasks.is_empty()).collect();
    let subject = format!(
        "{}: {} of {} owners have updated; cycle closes {}",
        context.plan_title,
        updated.len(),
        owners.len(),
        uk_date(context.closes_on)
    );
    let mut blocks = vec![Block::Para(format!(
        "The reporting cycle of {} closes on {}.",
        context.plan_title,
        uk_date(context.closes_on)
    ))];
    blocks.push(Block::Heading(format!(
        "Updated this cycle ({})",
        updated.len()
    )));
    blocks.push(if updated.is_empty() {
        Block::Para("Nobody yet.".to_owned())
    } else {
        Block::List(updated.iter().map(|o| (o.name.clone(), None)).collect())
    });
    blocks.push(Block::Heading(format!("Still to do ({})", waiting.len())));
    if waiting.is_empty() {
        blocks.push(Block::Para(
            "Nothing: every owner is up to date.".to_owned(),
        ));
    }
    for owner in waiting {
        blocks.push(Block::Para(format!("{}:", owner.name)));
        blocks.push(Block::List(
            owner
                .tasks
                .iter()
                .map(|t| {
                    let asks: Vec<String> = t.asks.iter().map(Ask::text).collect();
                    (
                        format!("{} {} ({})", t.reference, t.text, asks.join("; ")),
                        Some(context.action_link(t.action_id)),
                    )
                })
                .collect(),
        ));
    }
    for (heading, rows) in [("Overdue", overdue), ("Slipped this cycle", slipped)] {
        blocks.push(Block::Heading(format!("{heading} ({})", rows.len())));
        blocks.push(if rows.is_empty() {
            Block::Para("None.".to_owned())
        } else {
            Block::List(
                rows.iter()
                    .map(|(reference, what)| (format!("{reference}: {what}"), None))
                    .collect(),
            )
        });
    }
    blocks.push(Block::Link {
        text: "Open the plan's people page".to_owned(),
        url: format!("{}/plans/{}/people", context.base_url, context.plan_slug),
    });
    compose(MailKind::Digest, to, &subject, &blocks)
}

/// The board pack: when a cycle closes, the exception report for the board members, as
/// a link and (when it could be written) the PDF attached.
pub fn board_pack_mail(
    to: &str,
    plan_title: &str,
    cycle: u32,
    period: &str,
    link: &str,
    attachment: Option<super::Attachment>,
) -> Mail {
    let mut mail = compose(
        MailKind::BoardPack,
        to,
        &format!("Exception report: {plan_title}, cycle {cycle}"),
        &[
            Block::Para(format!(
                "Reporting cycle {cycle} of {plan_title} has closed ({period}). The exception report shows the actions that are off track, overdue or have slipped, with what is being done about them."
            )),
            Block::Link {
                text: "Read the exception report".to_owned(),
                url: link.to_owned(),
            },
            Block::Para(if attachment.is_some() {
                "It is also attached as a PDF.".to_owned()
            } else {
                "Open the link to read it; sign in if you are asked to.".to_owned()
            }),
        ],
    );
    mail.attachment = attachment;
    mail
}

/// The email addresses written among a board's members ("Jo Bloggs <jo@example.org>",
/// "jo@example.org"), lower case, each once.
pub fn member_emails(members: &[String]) -> Vec<String> {
    let mut found: Vec<String> = members
        .iter()
        .flat_map(|m| {
            m.split(|c: char| c.is_whitespace() || matches!(c, '<' | '>' | ',' | ';' | '(' | ')'))
        })
        .filter(|word| super::Email::parse(word).is_ok())
        .map(str::to_lowercase)
        .collect();
    found.sort();
    found.dedup();
    found
}

#[cfg(test)]
mod tests {
    #[test]
    fn board_members_emails_are_found_in_what_the_governance_page_holds() {
        let members = vec![
            "Director of Children's Services".to_owned(),
            "Jo Bloggs <Jo.Bloggs@Example.org>".to_owned(),
            "sam@example.org (parent carer forum)".to_owned(),
            "jo.bloggs@example.org".to_owned(),
        ];
        assert_eq!(
            member_emails(&members),
            ["jo.bloggs@example.org", "sam@example.org"]
        );
    }

    use super::*;
    use time::macros::date;

    #[test]
    fn the_reminder_day_counts_back_working_days_over_weekends_and_bank_holidays() {
        let calendar = WorkingCalendar::default();
        // Friday 29 August 2025; Monday 25 August is the summer bank holiday.
        assert_eq!(
            working_days_before(&calendar, date!(2025 - 08 - 29), 5),
            date!(2025 - 08 - 21)
        );
        assert_eq!(
            working_days_before(&calendar, date!(2025 - 08 - 29), 0),
            date!(2025 - 08 - 29)
        );
        let settings = ReminderSettings::default();
        let close = date!(2025 - 08 - 29);
        assert_eq!(
            stage_due(settings, &calendar, close, date!(2025 - 08 - 20)),
            None
        );
        assert_eq!(
            stage_due(settings, &calendar, close, date!(2025 - 08 - 21)),
            Some(ReminderStage::Reminder)
        );
        assert_eq!(
            stage_due(settings, &calendar, close, close),
            Some(ReminderStage::ClosingDay)
        );
        let no_follow_up = ReminderSettings {
            on_closing_day: false,
            ..settings
        };
        assert_eq!(
            stage_due(no_follow_up, &calendar, close, close),
            Some(ReminderStage::Reminder)
        );
    }

    #[test]
    fn settings_are_a_number_of_working_days_up_to_twenty() {
        assert_eq!(
            ReminderSettings::parse(" 3 ", false).unwrap().days_before,
            3
        );
        for bad in ["", "-1", "21", "three"] {
            let err = ReminderSettings::parse(bad, true).unwrap_err();
            assert!(
                matches!(&err, Error::Invalid { field, .. } if field == "days_before"),
                "{bad}: {err:?}"
            );
        }
    }
}
