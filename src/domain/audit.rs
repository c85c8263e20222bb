//! The audit trail: every change, who made it, when, and the state before and after.

use serde::Serialize;
use serde_json::Value;
use time::OffsetDateTime;

use super::{ActionId, Actor, LocalAreaId, PlanId, UserId};

/// A change about to be written, in the same transaction as the change itself.
#[derive(Debug, Clone, PartialEq)]
pub struct NewAuditEvent {
    /// The person, if a person did it.
    pub actor_user_id: Option<UserId>,
    /// The person's email, or who else did it.
    pub actor: String,
    /// What kind of thing changed: `plan`, `progress_update`, `user`, `api_token`, `kpi`,
    /// `quote`, `you_said_we_did`, `meeting`, `board`, `timeline_event`, `glossary_entry`.
    pub entity: &'static str,
    /// Which one, when known before the write.
    pub entity_id: Option<String>,
    /// What happened: `plan.imported`, `progress.recorded`, `user.created`…
    pub event: &'static str,
    /// The local area the change belongs to, if any.
    pub local_area_id: Option<LocalAreaId>,
    /// The plan the change belongs to, if any.
    pub plan_id: Option<PlanId>,
    /// The action the change belongs to, if any.
    pub action_id: Option<ActionId>,
    /// The state before; `None` for a creation.
    pub before: Option<Value>,
    /// The state after; `None` for a removal.
    pub after: Option<Value>,
}

impl NewAuditEvent {
    /// An event by `actor`, with nothing but its kind filled in.
    pub fn by(actor: &Actor, entity: &'static str, event: &'static str) -> Self {
        Self {
            actor_user_id: actor.user_id(),
            actor: actor.label(),
            entity,
            entity_id: None,
            event,
            local_area_id: None,
            plan_id: None,
            action_id: None,
            before: None,
            after: None,
        }
    }
}

/// A stored audit entry, as pages and exports show it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AuditEvent {
    /// Stored id: the order events happened in.
    pub id: i64,
    /// When.
    #[serde(with = "time::serde::rfc3339")]
    pub occurred_at: OffsetDateTime,
    /// Who: an email or "system (command line)".
    pub actor: String,
    /// What kind of thing changed.
    pub entity: String,
    /// Which one.
    pub entity_id: Option<String>,
    /// What happened.
    pub event: String,
    /// The plan it belongs to.
    pub plan_id: Option<PlanId>,
    /// The action it belongs to.
    pub action_id: Option<ActionId>,
    /// The state before.
    pub before: Option<Value>,
    /// The state after.
    pub after: Option<Value>,
}

impl AuditEvent {
    /// What happened, in words.
    pub fn describe(&self) -> &str {
        match self.event.as_str() {
            "plan.imported" => "Plan imported",
            "plan.published" => "Plan published",
            "plan.unpublished" => "Plan withdrawn from the public",
            "progress.recorded" => "Progress recorded",
            "milestone.done" => "Milestone marked done",
            "action.due_changed" => "Due date changed",
            "cycle.closed" => "Reporting cycle closed",
            "plan.cycle_set" => "Reporting cycle set",
            "plan.rating_scheme_changed" => "Rating key changed",
            "structure.added" => "Added to the plan",
            "structure.changed" => "Changed in the plan",
            "structure.moved" => "Moved in the plan",
            "structure.removed" => "Removed from the plan",
            "user.created" => "Account created",
            "user.role_granted" => "Role granted",
            "user.password_changed" => "Password changed",
            "api_token.created" => "API token created",
            "api_token.revoked" => "API token revoked",
            "kpi.added" => "KPI added",
            "kpi.actual_recorded" => "KPI actual recorded",
            "kpi.actuals_imported" => "KPI actuals imported from CSV",
            "quote.added" => "Quote added",
            "you_said_we_did.added" => "\u{201c}You said, we did\u{201d} entry added",
            "meeting.recorded" => "Meeting recorded",
            "board.added" => "Board added",
            "timeline.event_recorded" => "Timeline event recorded",
            "glossary.defined" => "Glossary definition set",
            other => other,
        }
    }
}
