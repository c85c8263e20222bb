//! Who is asking: accounts, roles per local area, and the permission rules that need no
//! data. `app` looks the data up and asks these rules; pages, the API and the CLI never
//! decide permissions themselves.

use serde::Serialize;
use time::OffsetDateTime;

use super::{Action, Error, Kpi, PlanTree, ReportFormat, ReportKind, Result};

/// A stored account's id.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(transparent)]
pub struct UserId(pub i64);

/// A stored local area's id.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(transparent)]
pub struct LocalAreaId(pub i64);

/// A council and its NHS partners: the unit that owns plans and grants roles.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LocalArea {
    /// Stored id.
    pub id: LocalAreaId,
    /// URL name: "north-east-lincolnshire".
    pub slug: String,
    /// "Northshire".
    pub name: String,
}

/// What a person may do in one local area.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Users and settings, and everything an editor does.
    Admin,
    /// The programme team: the whole plan.
    Editor,
    /// Updates and ratings on their own actions only.
    Owner,
    /// Boards and scrutiny: read everything of the area.
    Viewer,
    /// `DfE` and NHS England advisers: read the areas they look after and compare them.
    Adviser,
}

impl Role {
    /// Every role, most powerful first.
    pub const ALL: [Self; 5] = [
        Self::Admin,
        Self::Editor,
        Self::Owner,
        Self::Viewer,
        Self::Adviser,
    ];

    /// The stored and typed code.
    pub fn code(self) -> &'static str {
        match self {
            Self::Admin => "admin",
            Self::Editor => "editor",
            Self::Owner => "owner",
            Self::Viewer => "viewer",
            Self::Adviser => "adviser",
        }
    }

    /// The name people read.
    pub fn label(self) -> &'static str {
        match self {
            Self::Admin => "Administrator",
            Self::Editor => "Editor (programme team)",
            Self::Owner => "Action owner",
            Self::Viewer => "Viewer (boards and scrutiny)",
            Self::Adviser => "Adviser (DfE or NHS England)",
        }
    }

    /// Reads a code, in any case.
    pub fn from_code(code: &str) -> Result<Self> {
        let code = code.trim().to_ascii_lowercase();
        Self::ALL
            .into_iter()
            .find(|r| r.code() == code)
            .ok_or_else(|| {
                Error::invalid(
                    "role",
                    format!(
                        "{code:?} is not a role; use one of admin, editor, owner, viewer, adviser"
                    ),
                )
            })
    }

    /// Whether the role may change the whole plan: import, publish, record on any action.
    pub fn edits_plans(self) -> bool {
        matches!(self, Self::Admin | Self::Editor)
    }
}

/// An email address, trimmed and lower-cased: the name an account signs in with.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
#[serde(transparent)]
pub struct Email(String);

impl Email {
    /// Checks the shape only (something@something.tld); whether it exists is not ours to know.
    pub fn parse(raw: &str) -> Result<Self> {
        let email = raw.trim().to_lowercase();
        if email.is_empty() {
            return Err(Error::invalid("email", "Enter an email address"));
        }
        let shaped = email.chars().count() <= 254
            && !email.chars().any(char::is_whitespace)
            && email.split_once('@').is_some_and(|(local, domain)| {
                !local.is_empty()
                    && !domain.contains('@')
                    && domain.contains('.')
                    && !domain.starts_with('.')
                    && !domain.ends_with('.')
            });
        if !shaped {
            return Err(Error::invalid(
                "email",
                "Enter an email address in the correct format, like name@example.com",
            ));
        }
        Ok(Self(email))
    }

    /// The address.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Shortest password accepted (NCSC advice favours length over composition rules).
pub const MIN_PASSWORD_CHARS: usize = 12;
/// Longest password accepted, so hashing cannot be made arbitrarily expensive.
pub const MAX_PASSWORD_CHARS: usize = 256;

/// Checks a new password's length; `field` names the form field in the message.
pub fn check_new_password(field: &str, password: &str) -> Result<()> {
    let n = password.chars().count();
    if n == 0 {
        return Err(Error::invalid(field, "Enter a new password"));
    }
    if n < MIN_PASSWORD_CHARS {
        return Err(Error::invalid(
            field,
            format!("Password must be {MIN_PASSWORD_CHARS} characters or more"),
        ));
    }
    if n > MAX_PASSWORD_CHARS {
        return Err(Error::invalid(
            field,
            format!("Password must be {MAX_PASSWORD_CHARS} characters or fewer"),
        ));
    }
    Ok(())
}

/// A role in one local area.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Grant {
    /// The area.
    pub local_area: LocalArea,
    /// What the person may do there.
    pub role: Role,
    /// For owners: how the area's plans name this person (initials or name).
    pub person_key: Option<String>,
}

/// A signed-in person with all their roles.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct User {
    /// Stored id.
    pub id: UserId,
    /// Sign-in name.
    pub email: String,
    /// Full name.
    pub name: String,
    /// Roles, one per local area.
    pub grants: Vec<Grant>,
}

/// An API token as listed: never the token itself.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ApiTokenInfo {
    /// Stored id.
    pub id: i64,
    /// What the person called it.
    pub name: String,
    /// The first characters, to tell tokens apart.
    pub prefix: String,
    /// When it was made.
    pub created_at: OffsetDateTime,
    /// When it was revoked, if it was.
    pub revoked_at: Option<OffsetDateTime>,
    /// When it stops working by itself; `None` for tokens made before tokens expired.
    pub expires_at: Option<OffsetDateTime>,
}

/// Failed sign-ins for one email, within [`FAILURE_MEMORY`], from which it is locked.
pub const LOCKOUT_FAILURES: usize = 5;
/// How long failed sign-ins are remembered for the lockout.
pub const FAILURE_MEMORY: time::Duration = time::Duration::hours(24);
/// The first lockout: 15 minutes after the fifth failure, doubling with each failure
/// after it, up to [`LONGEST_LOCKOUT`]. Growing, never for good.
pub const FIRST_LOCKOUT: time::Duration = time::Duration::minutes(15);
/// The longest lockout.
pub const LONGEST_LOCKOUT: time::Duration = time::Duration::hours(4);
/// Failed sign-ins from one client address within [`ADDRESS_WINDOW`] that stop it
/// trying accounts that have failed too.
pub const ADDRESS_FAILURES: i64 = 50;
/// How far back failures from one address count.
pub const ADDRESS_WINDOW: time::Duration = time::Duration::minutes(15);

/// How long a sign-in must wait, if at all: the email's failures (any order) and the
/// address's recent failures decide. An address that has failed many times is stopped
/// only for accounts that have failed too, so many people behind one proxy never lock
/// out an account whose owner has not mistyped.
pub fn sign_in_wait(
    failures: &[time::OffsetDateTime],
    by_address: i64,
    now: time::OffsetDateTime,
) -> Option<time::Duration> {
    let recent: Vec<_> = failures
        .iter()
        .filter(|at| **at > now - FAILURE_MEMORY)
        .collect();
    let latest = recent.iter().max().copied().copied();
    if recent.len() >= LOCKOUT_FAILURES
        && let Some(latest) = latest
    {
        let doublings = u32::try_from(recent.len() - LOCKOUT_FAILURES)
            .unwrap_or(u32::MAX)
            .min(8);
        let lock = (FIRST_LOCKOUT * 2_i32.pow(doublings)).min(LONGEST_LOCKOUT);
        if now < latest + lock {
            return Some(latest + lock - now);
        }
    }
    if by_address >= ADDRESS_FAILURES && !recent.is_empty() {
        return Some(ADDRESS_WINDOW);
    }
    None
}

/// Who is asking. Every use case takes one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Actor {
    /// Nobody signed in: only published plans.
    Public,
    /// A signed-in person.
    User(User),
    /// The command line, run by whoever runs the server: may do anything.
    System,
}

/// The answer to "may this actor do this?", before it becomes an error.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Permission {
    /// Go ahead.
    Allowed,
    /// The actor may not even know it exists: report it as not found.
    Hidden,
    /// Nobody is signed in, and someone must be.
    SignInNeeded,
    /// Signed in and may see it, but may not do this.
    Denied,
}

impl Permission {
    /// `Ok` when allowed; otherwise the error to report, naming `what` when hidden.
    pub fn check(self, what: impl FnOnce() -> String) -> Result<()> {
        match self {
            Self::Allowed => Ok(()),
            Self::Hidden => Err(Error::not_found(what())),
            Self::SignInNeeded => Err(Error::Unauthorized),
            Self::Denied => Err(Error::Forbidden),
        }
    }
}

impl Actor {
    /// The actor's role in an area, if any.
    pub fn grant(&self, area: LocalAreaId) -> Option<&Grant> {
        match self {
            Self::User(user) => user.grants.iter().find(|g| g.local_area.id == area),
            Self::Public | Self::System => None,
        }
    }

    /// The signed-in person, if any.
    pub fn user(&self) -> Option<&User> {
        match self {
            Self::User(user) => Some(user),
            Self::Public | Self::System => None,
        }
    }

    /// Who did it, as the audit trail records it.
    pub fn label(&self) -> String {
        match self {
            Self::Public => "public".into(),
            Self::User(user) => user.email.clone(),
            Self::System => "system (command line)".into(),
        }
    }

    /// The stored id of the person, if a person.
    pub fn user_id(&self) -> Option<UserId> {
        self.user().map(|u| u.id)
    }

    /// Reading a plan: the area's members always; anyone once it is published.
    pub fn may_read(&self, area: LocalAreaId, published: bool) -> Permission {
        if published || matches!(self, Self::System) || self.grant(area).is_some() {
            Permission::Allowed
        } else {
            Permission::Hidden
        }
    }

    /// Reading what only members see (the audit trail): the area's members.
    pub fn may_read_internal(&self, area: LocalAreaId, published: bool) -> Permission {
        self.then(area, published, |_| true)
    }

    /// Reading a report on a plan: the public summary as a document (web page, Word, PDF)
    /// is for whoever may read the plan, so for anyone once it is published; every other
    /// report, and any report as data (XLSX, CSV, JSON), for the area's members only, as
    /// the audit trail is.
    pub fn may_read_report(
        &self,
        area: LocalAreaId,
        published: bool,
        kind: ReportKind,
        format: ReportFormat,
    ) -> Permission {
        if kind.is_for_the_public() && format.is_a_document() {
            self.may_read(area, published)
        } else {
            self.may_read_internal(area, published)
        }
    }

    /// Changing the whole plan (publish, import a new version) and what sits beside its
    /// actions (KPIs and their targets, a CSV of actuals, quotes, "you said, we did",
    /// boards, meetings, timeline events, glossary definitions): admins and editors.
    pub fn may_edit_plan(&self, area: LocalAreaId, published: bool) -> Permission {
        self.then(area, published, |g| g.role.edits_plans())
    }

    /// Recording progress on an action: admins and editors on any action, owners on
    /// their own.
    pub fn may_record_progress(
        &self,
        area: LocalAreaId,
        published: bool,
        plan: &PlanTree,
        action: &Action,
    ) -> Permission {
        self.then(area, published, |g| {
            g.role.edits_plans()
                || (g.role == Role::Owner
                    && g.person_key
                        .as_deref()
                        .is_some_and(|key| plan.is_owned_by(action, key)))
        })
    }

    /// Recording one actual of a KPI: admins and editors on any KPI, owners on the KPIs
    /// they report (the KPI's `owner` names them, as an action's owners do).
    pub fn may_record_kpi_actual(
        &self,
        area: LocalAreaId,
        published: bool,
        plan: &PlanTree,
        kpi: &Kpi,
    ) -> Permission {
        self.then(area, published, |g| {
            g.role.edits_plans()
                || (g.role == Role::Owner
                    && g.person_key
                        .as_deref()
                        .is_some_and(|key| plan.is_kpi_owned_by(kpi, key)))
        })
    }

    /// Importing a plan for the local area it names (exactly as the area is stored):
    /// admins and editors of that area; the command line for any area, creating it.
    pub fn may_import_into(&self, local_area: &str) -> Permission {
        match self {
            Self::System => Permission::Allowed,
            Self::Public => Permission::SignInNeeded,
            Self::User(_) if self.import_areas().contains(&local_area.trim()) => {
                Permission::Allowed
            }
            Self::User(_) => Permission::Denied,
        }
    }

    /// Importing at all (the upload form): admins and editors of some area.
    pub fn may_import(&self) -> Permission {
        match self {
            Self::Public => Permission::SignInNeeded,
            Self::User(_) if self.import_areas().is_empty() => Permission::Denied,
            Self::System | Self::User(_) => Permission::Allowed,
        }
    }

    /// The names of the local areas a person may import plans for; none for the public
    /// and the command line (which may import for any area).
    pub fn import_areas(&self) -> Vec<&str> {
        self.user().map_or_else(Vec::new, |user| {
            user.grants
                .iter()
                .filter(|g| g.role.edits_plans())
                .map(|g| g.local_area.name.as_str())
                .collect()
        })
    }

    /// Managing the area's accounts: admins.
    pub fn may_manage_users(&self, area: LocalAreaId) -> Permission {
        self.then(area, false, |g| g.role == Role::Admin)
    }

    /// Once the actor may read: the system may do anything, the public must sign in, and a
    /// person needs a grant in the area that `rule` accepts.
    fn then(
        &self,
        area: LocalAreaId,
        published: bool,
        rule: impl FnOnce(&Grant) -> bool,
    ) -> Permission {
        let read = self.may_read(area, published);
        if read != Permission::Allowed {
            return read;
        }
        match self {
            Self::System => Permission::Allowed,
            Self::Public => Permission::SignInNeeded,
            Self::User(_) => match self.grant(area) {
                Some(grant) if rule(grant) => Permission::Allowed,
                _ => Permission::Denied,
            },
        }
    }
}

impl PlanTree {
    /// Whether the person the plan calls `key` (initials or name) owns the action. Owners
    /// are matched as the plan writes them, or through its owner list either way round.
    pub fn is_owned_by(&self, action: &Action, key: &str) -> bool {
        self.names_person(&action.owners, key)
    }

    /// Whether the person the plan calls `key` is the KPI's owner, matched as
    /// [`PlanTree::is_owned_by`] matches an action's owners.
    pub fn is_kpi_owned_by(&self, kpi: &Kpi, key: &str) -> bool {
        self.names_person(kpi.owner.as_slice(), key)
    }

    /// Whether one of `owners` (as the plan writes them) is the person called `key`.
    fn names_person(&self, owners: &[String], key: &str) -> bool {
        let key = key.trim();
        if key.is_empty() {
            return false;
        }
        let me = self.person(key).map(super::Person::key);
        owners.iter().any(|owner| {
            owner.trim().eq_ignore_ascii_case(key)
                || (me.is_some() && self.person(owner).map(super::Person::key) == me)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lockouts_grow_with_each_failure_and_end() {
        let now = time::macros::datetime!(2026-12-04 12:00 UTC);
        let minutes_ago = |m: i64| now - time::Duration::minutes(m);
        let four: Vec<_> = (1..=4).map(minutes_ago).collect();
        assert_eq!(
            sign_in_wait(&four, 0, now),
            None,
            "four failures do not lock"
        );
        let five: Vec<_> = (1..=5).map(minutes_ago).collect();
        assert_eq!(
            sign_in_wait(&five, 0, now),
            Some(time::Duration::minutes(14)),
            "15 minutes from the latest failure"
        );
        let seven: Vec<_> = (1..=7).map(minutes_ago).collect();
        assert_eq!(
            sign_in_wait(&seven, 0, now),
            Some(time::Duration::minutes(59))
        );
        let many: Vec<_> = (1..=40).map(minutes_ago).collect();
        assert_eq!(
            sign_in_wait(&many, 0, now),
            Some(LONGEST_LOCKOUT - time::Duration::minutes(1))
        );
        let old: Vec<_> = (1..=5)
            .map(|h| now - time::Duration::hours(24 + h))
            .collect();
        assert_eq!(sign_in_wait(&old, 0, now), None, "forgotten after a day");
        assert_eq!(
            sign_in_wait(&five, 0, now + time::Duration::minutes(15)),
            None,
            "the lock ends"
        );
    }

    #[test]
    fn a_busy_address_stops_only_accounts_that_have_failed() {
        let now = time::macros::datetime!(2026-12-04 12:00 UTC);
        assert_eq!(sign_in_wait(&[], ADDRESS_FAILURES, now), None);
        assert_eq!(
            sign_in_wait(&[now - time::Duration::minutes(3)], ADDRESS_FAILURES, now),
            Some(ADDRESS_WINDOW)
        );
        assert_eq!(sign_in_wait(&[now], ADDRESS_FAILURES - 1, now), None);
    }
    use crate::domain::Person;

    fn area(id: i64) -> LocalArea {
        LocalArea {
            id: LocalAreaId(id),
            slug: format!("area-{id}"),
            name: format!("Area {id}"),
        }
    }

    fn user(role: Role, area_id: i64, key: Option<&str>) -> Actor {
        Actor::User(User {
            id: UserId(1),
            email: "someone@example.org".into(),
            name: "Someone".into(),
            grants: vec![Grant {
                local_area: area(area_id),
                role,
                person_key: key.map(str::to_owned),
            }],
        })
    }

    fn plan_and_action(owners: &[&str]) -> (PlanTree, Action) {
        let mut plan = PlanTree::new("Here", "Plan");
        plan.people.push(Person {
            initials: Some("AB".into()),
            name: "Alex Brown".into(),
            ..Person::default()
        });
        let action = Action {
            owners: owners.iter().map(|&o| o.to_owned()).collect(),
            ..Action::default()
        };
        (plan, action)
    }

    #[test]
    fn an_unpublished_plan_is_hidden_from_the_public_and_other_areas() {
        let here = LocalAreaId(1);
        assert_eq!(Actor::Public.may_read(here, false), Permission::Hidden);
        assert_eq!(
            user(Role::Admin, 2, None).may_read(here, false),
            Permission::Hidden
        );
        assert_eq!(
            user(Role::Viewer, 1, None).may_read(here, false),
            Permission::Allowed
        );
        assert_eq!(Actor::Public.may_read(here, true), Permission::Allowed);
        assert_eq!(Actor::System.may_read(here, false), Permission::Allowed);
    }

    #[test]
    fn only_admins_and_editors_change_the_whole_plan() {
        let here = LocalAreaId(1);
        for (role, expected) in [
            (Role::Admin, Permission::Allowed),
            (Role::Editor, Permission::Allowed),
            (Role::Owner, Permission::Denied),
            (Role::Viewer, Permission::Denied),
            (Role::Adviser, Permission::Denied),
        ] {
            assert_eq!(
                user(role, 1, None).may_edit_plan(here, false),
                expected,
                "{role:?}"
            );
        }
        assert_eq!(
            Actor::Public.may_edit_plan(here, true),
            Permission::SignInNeeded
        );
        assert_eq!(
            user(Role::Editor, 2, None).may_edit_plan(here, true),
            Permission::Denied
        );
    }

    #[test]
    fn only_admins_and_editors_import_and_only_for_their_own_areas() {
        for (role, expected) in [
            (Role::Admin, Permission::Allowed),
            (Role::Editor, Permission::Allowed),
            (Role::Owner, Permission::Denied),
            (Role::Viewer, Permission::Denied),
            (Role::Adviser, Permission::Denied),
        ] {
            let actor = user(role, 1, None);
            assert_eq!(actor.may_import(), expected, "{role:?}");
            assert_eq!(actor.may_import_into("Area 1"), expected, "{role:?}");
            assert_eq!(actor.may_import_into("Area 2"), Permission::Denied);
        }
        assert_eq!(
            user(Role::Editor, 1, None).may_import_into(" Area 1 "),
            Permission::Allowed
        );
        assert_eq!(Actor::Public.may_import(), Permission::SignInNeeded);
        assert_eq!(
            Actor::Public.may_import_into("Area 1"),
            Permission::SignInNeeded
        );
        assert_eq!(
            Actor::System.may_import_into("Anywhere"),
            Permission::Allowed
        );
        assert_eq!(user(Role::Admin, 1, None).import_areas(), ["Area 1"]);
        assert!(user(Role::Viewer, 1, None).import_areas().is_empty());
    }

    #[test]
    fn owners_record_progress_on_their_own_actions_only() {
        let here = LocalAreaId(1);
        let (plan, mine) = plan_and_action(&["AB", "CD"]);
        let (_, by_name) = plan_and_action(&["Alex Brown"]);
        let (_, theirs) = plan_and_action(&["CD"]);
        let owner = user(Role::Owner, 1, Some("AB"));
        assert_eq!(
            owner.may_record_progress(here, false, &plan, &mine),
            Permission::Allowed
        );
        assert_eq!(
            owner.may_record_progress(here, false, &plan, &by_name),
            Permission::Allowed
        );
        assert_eq!(
            owner.may_record_progress(here, false, &plan, &theirs),
            Permission::Denied
        );
        let keyless = user(Role::Owner, 1, None);
        assert_eq!(
            keyless.may_record_progress(here, false, &plan, &mine),
            Permission::Denied
        );
        let viewer = user(Role::Viewer, 1, None);
        assert_eq!(
            viewer.may_record_progress(here, false, &plan, &mine),
            Permission::Denied
        );
    }

    #[test]
    fn the_public_reads_only_the_published_public_summary_as_a_document() {
        let here = LocalAreaId(1);
        let public_pdf = (ReportKind::Public, ReportFormat::Pdf);
        let public_csv = (ReportKind::Public, ReportFormat::Csv);
        let highlight = (ReportKind::Highlight, ReportFormat::Docx);
        let other_area = user(Role::Editor, 2, None);
        for (actor, published, (kind, format), expected) in [
            (&Actor::Public, true, public_pdf, Permission::Allowed),
            (&Actor::Public, true, public_csv, Permission::SignInNeeded),
            (&Actor::Public, true, highlight, Permission::SignInNeeded),
            (&Actor::Public, false, public_pdf, Permission::Hidden),
            (&other_area, true, public_pdf, Permission::Allowed),
            (&other_area, true, highlight, Permission::Denied),
            (&other_area, false, public_pdf, Permission::Hidden),
            (&Actor::System, false, highlight, Permission::Allowed),
        ] {
            assert_eq!(
                actor.may_read_report(here, published, kind, format),
                expected,
                "{actor:?} {published} {kind:?} {format:?}"
            );
        }
        for role in Role::ALL {
            for kind in ReportKind::ALL {
                for format in ReportFormat::ALL {
                    assert_eq!(
                        user(role, 1, None).may_read_report(here, false, kind, format),
                        Permission::Allowed,
                        "{role:?} {kind:?} {format:?}"
                    );
                }
            }
        }
    }

    #[test]
    fn owners_record_actuals_on_the_kpis_they_report_only() {
        let here = LocalAreaId(1);
        let (plan, _) = plan_and_action(&[]);
        let kpi = |owner: Option<&str>| Kpi {
            owner: owner.map(str::to_owned),
            ..crate::domain::STANDARD_MEASURES[0].to_kpi()
        };
        let (mine, by_name, theirs, nobodys) = (
            kpi(Some("AB")),
            kpi(Some("Alex Brown")),
            kpi(Some("CD")),
            kpi(None),
        );
        let owner = user(Role::Owner, 1, Some("AB"));
        for (k, expected) in [
            (&mine, Permission::Allowed),
            (&by_name, Permission::Allowed),
            (&theirs, Permission::Denied),
            (&nobodys, Permission::Denied),
        ] {
            assert_eq!(
                owner.may_record_kpi_actual(here, false, &plan, k),
                expected,
                "{:?}",
                k.owner
            );
        }
        assert_eq!(
            user(Role::Owner, 1, None).may_record_kpi_actual(here, false, &plan, &mine),
            Permission::Denied
        );
        assert_eq!(
            user(Role::Editor, 1, None).may_record_kpi_actual(here, false, &plan, &theirs),
            Permission::Allowed
        );
        for role in [Role::Viewer, Role::Adviser] {
            assert_eq!(
                user(role, 1, Some("AB")).may_record_kpi_actual(here, false, &plan, &mine),
                Permission::Denied,
                "{role:?}"
            );
        }
        assert_eq!(
            user(Role::Owner, 2, Some("AB")).may_record_kpi_actual(here, false, &plan, &mine),
            Permission::Hidden
        );
        assert_eq!(
            Actor::Public.may_record_kpi_actual(here, true, &plan, &mine),
            Permission::SignInNeeded
        );
    }

    #[test]
    fn emails_are_lower_cased_and_checked_for_shape() {
        assert_eq!(
            Email::parse("  Alex@Example.ORG ").unwrap().as_str(),
            "alex@example.org"
        );
        for bad in [
            "",
            "alex",
            "alex@",
            "@example.org",
            "alex@example",
            "a b@example.org",
        ] {
            assert!(Email::parse(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn a_short_password_is_refused_with_the_field_named() {
        let err = check_new_password("new_password", "short").unwrap_err();
        assert!(matches!(err, Error::Invalid { ref field, .. } if field == "new_password"));
        check_new_password("new_password", "a long enough passphrase").unwrap();
    }
}
