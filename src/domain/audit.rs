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
            "progress.recorded_late" => "Progress recorded late, in a closed reporting cycle",
            "two_factor.enabled" => "Two-factor authentication turned on",
            "two_factor.disabled" => "Two-factor authentication turned off",
            "two_factor.reset" => "Two-factor authentication reset",
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

/// Everything stored about an audit entry that its hash covers, as stored.
#[derive(Debug, Clone, Copy)]
pub struct ChainedEntry<'a> {
    /// When, to the microsecond (what PostgreSQL keeps).
    pub occurred_at: OffsetDateTime,
    /// Who, by id.
    pub actor_user_id: Option<i64>,
    /// Who, in words.
    pub actor: &'a str,
    /// Where.
    pub local_area_id: Option<i64>,
    /// Which plan.
    pub plan_id: Option<i64>,
    /// Which action.
    pub action_id: Option<i64>,
    /// What kind of thing.
    pub entity: &'a str,
    /// Which one.
    pub entity_id: Option<&'a str>,
    /// What happened.
    pub event: &'a str,
    /// The stored JSON before.
    pub before_json: Option<&'a str>,
    /// The stored JSON after.
    pub after_json: Option<&'a str>,
}

/// The hash an entry holds: SHA-256 over the previous entry's hash and the entry's
/// fields, as a JSON array (unambiguous where fields meet), in lower-case hex.
pub fn chain_hash(previous: Option<&str>, entry: &ChainedEntry<'_>) -> String {
    use sha2::{Digest as _, Sha256};
    // Microseconds since the epoch: both databases give back at least this precision.
    let micros = entry.occurred_at.unix_timestamp_nanos().div_euclid(1000);
    let fields = serde_json::json!([
        previous.unwrap_or(""),
        micros.to_string(),
        entry.actor_user_id,
        entry.actor,
        entry.local_area_id,
        entry.plan_id,
        entry.action_id,
        entry.entity,
        entry.entity_id,
        entry.event,
        entry.before_json,
        entry.after_json,
    ]);
    let digest = Sha256::digest(fields.to_string().as_bytes());
    digest.iter().fold(String::with_capacity(64), |mut hex, b| {
        use std::fmt::Write as _;
        let _ = write!(hex, "{b:02x}");
        hex
    })
}

/// Walks the trail in order and finds the first entry whose hash does not follow from
/// the one before: one changed, removed or inserted entry breaks its link.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct ChainCheck {
    /// Entries read.
    pub entries: u64,
    /// Entries from before the chain began (no hash), all at the start.
    pub unchained: u64,
    /// The first entry whose link is broken, and why.
    pub broken: Option<(i64, &'static str)>,
    /// The last entry's hash: record it elsewhere (board minutes, a ticket) to detect
    /// later rewriting of the whole tail.
    pub head: Option<String>,
}

impl ChainCheck {
    /// Takes the next entry, oldest first.
    pub fn push(&mut self, id: i64, hash: Option<&str>, entry: &ChainedEntry<'_>) {
        self.entries += 1;
        if self.broken.is_some() {
            return;
        }
        match hash {
            None if self.head.is_none() => self.unchained += 1,
            None => self.broken = Some((id, "has no hash, but entries before it do")),
            Some(hash) => {
                if chain_hash(self.head.as_deref(), entry) != hash {
                    self.broken = Some((id, "does not match its content and the entry before it"));
                }
                self.head = Some(hash.to_owned());
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(event: &str) -> ChainedEntry<'_> {
        ChainedEntry {
            occurred_at: time::macros::datetime!(2026-12-04 10:00:00.123456789 UTC),
            actor_user_id: Some(1),
            actor: "a@example.org",
            local_area_id: Some(2),
            plan_id: None,
            action_id: None,
            entity: "plan",
            entity_id: Some("3"),
            event,
            before_json: None,
            after_json: Some("{}"),
        }
    }

    #[test]
    fn a_chain_verifies_and_a_changed_entry_breaks_it_there() {
        let events = ["plan.imported", "plan.published", "plan.unpublished"];
        let mut hashes = Vec::new();
        let mut previous: Option<String> = None;
        for event in events {
            let hash = chain_hash(previous.as_deref(), &entry(event));
            previous = Some(hash.clone());
            hashes.push(hash);
        }
        let check = |entries: &[(&str, Option<&str>)]| {
            let mut check = ChainCheck::default();
            for (n, (event, hash)) in entries.iter().enumerate() {
                check.push(i64::try_from(n).unwrap() + 1, *hash, &entry(event));
            }
            check
        };
        let whole = check(&[
            (events[0], Some(&hashes[0])),
            (events[1], Some(&hashes[1])),
            (events[2], Some(&hashes[2])),
        ]);
        assert_eq!(whole.broken, None);
        assert_eq!(whole.head.as_deref(), Some(hashes[2].as_str()));
        // A changed event, a removed entry and an unhashed entry inside the chain.
        let changed = check(&[
            (events[0], Some(&hashes[0])),
            ("plan.deleted", Some(&hashes[1])),
            (events[2], Some(&hashes[2])),
        ]);
        assert_eq!(changed.broken.map(|b| b.0), Some(2));
        let removed = check(&[(events[0], Some(&hashes[0])), (events[2], Some(&hashes[2]))]);
        assert_eq!(removed.broken.map(|b| b.0), Some(2));
        let older = check(&[("old", None), (events[0], Some(&hashes[0]))]);
        assert_eq!((older.unchained, older.broken), (1, None));
        let gap = check(&[(events[0], Some(&hashes[0])), ("x", None)]);
        assert_eq!(gap.broken.map(|b| b.0), Some(2));
        // Nanoseconds beyond the microsecond do not count.
        let mut coarse = entry(events[0]);
        coarse.occurred_at = time::macros::datetime!(2026-12-04 10:00:00.123456 UTC);
        assert_eq!(chain_hash(None, &coarse), hashes[0]);
    }
}
